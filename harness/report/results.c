// SPDX-License-Identifier: MIT
#include "harness/report/results.h"
#include "harness/record/catalog.h"
#include "harness/report/comparison.h"
#include "harness/report/figures_json.h"
#include "harness/record/record.h"
#include "harness/report/report_html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int mkdir_p(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	return mkdir(buf, 0755) && errno != EEXIST ? -errno : 0;
}

/* Under sudo, the results belong to the user who asked for them. */
static void give_to_sudo_user(const char *path)
{
	const char *uid = getenv("SUDO_UID"), *gid = getenv("SUDO_GID");

	if (uid && gid && geteuid() == 0 && chown(path, atoi(uid), atoi(gid)))
		return; /* not worth failing a run for */
}

int results_dir_create(const struct run_opts *o, char *dir, size_t len)
{
	char stamp[32];
	time_t now = time(NULL);
	int err;

	if (o->out_dir) {
		snprintf(dir, len, "%s", o->out_dir);
	} else {
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
		snprintf(dir, len, "results/%s", stamp);
	}
	err = mkdir_p(dir);
	if (!err) {
		give_to_sudo_user("results");
		give_to_sudo_user(dir);
	}
	return err;
}

json_t *run_opts_to_json(const struct run_opts *o)
{
	json_t *models_j = json_array(), *scen = json_array();

	for (int i = 0; i < nmodels; i++)
		if (o->model[i])
			json_array_append_new(models_j, json_string(models[i].name));
	for (int i = 0; i < nscenarios; i++)
		if (o->scenario[i])
			json_array_append_new(scen, json_string(scenarios[i].name));
	return json_pack("{s:o, s:o, s:f, s:f, s:i, s:f, s:i, s:f, s:f, s:f, s:f, s:i, s:i, "
			 "s:i, s:s, s:s, s:b, s:b}",
			 "models", models_j, "scenarios", scen, "duration_s", o->duration_s,
			 "warmup_s", o->warmup_s, "connections", o->connections, "rate", o->rate,
			 "users", o->users, "spawn_rate", o->spawn_rate, "think_min_s",
			 o->think_min_s, "think_max_s", o->think_max_s, "timeout_s", o->timeout_s,
			 "backlog", o->backlog, "workers", o->workers, "port", o->port,
			 "server_cpus", o->server_cpus, "load_cpus",
			 o->load_cpus[0] ? o->load_cpus : "the others", "netns", o->netns,
			 "quick", o->quick);
}

void print_run_summary(FILE *f, json_t *experiments)
{
	size_t nexp = json_array_size(experiments);
	struct figures *figs = calloc(nexp ? nexp : 1, sizeof(*figs));
	const struct figures **row = calloc(nexp ? nexp : 1, sizeof(*row));
	char ranking[4096];

	if (!figs || !row)
		goto out;
	for (size_t i = 0; i < nexp; i++)
		figures_from_json(json_object_get(json_array_get(experiments, i), "figures"),
				  &figs[i]);
	for (int s = 0; s < nscenarios; s++) {
		int n = 0;

		for (size_t i = 0; i < nexp; i++)
			if (!strcmp(figs[i].scenario, scenarios[s].name))
				row[n++] = &figs[i];
		if (!n)
			continue;
		fprintf(f, "\n");
		print_comparison(f, scenarios[s].name, row, n);
		explain_ranking(row, n, ranking, sizeof(ranking));
		fprintf(f, "\nranking:\n%s", ranking);
		fprintf(f, "\nwhy:\n");
		for (int i = 0; i < n; i++) {
			struct finding fs[FINDINGS_MAX];
			int nf = explain_experiment(row[i], fs, FINDINGS_MAX);

			fprintf(f, "%s:\n", row[i]->model);
			print_findings(f, fs, nf);
		}
	}
out:
	free(figs);
	free(row);
}

static FILE *open_in(const char *dir, const char *name, char *path, size_t len)
{
	if (snprintf(path, len, "%s/%s", dir, name) >= (int)len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "w");
}

int results_write(const char *dir, json_t *results, struct experiment *const exps[], int n)
{
	char path[1024];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	if (json_dump_file(results, path, JSON_INDENT(1) | JSON_REAL_PRECISION(10)))
		return -EIO;
	give_to_sudo_user(path);
	for (int m = 0; m < nmodels; m++) {
		bool any = false;

		for (int i = 0; i < n; i++)
			any |= exps[i]->model == &models[m] && exps[i]->summary;
		if (!any)
			continue;
		char name[64];

		snprintf(name, sizeof(name), "%s.txt", models[m].name);
		f = open_in(dir, name, path, sizeof(path));
		if (!f)
			return -errno;
		for (int i = 0; i < n; i++)
			if (exps[i]->model == &models[m] && exps[i]->summary)
				fputs(exps[i]->summary, f);
		fclose(f);
		give_to_sudo_user(path);
	}
	f = open_in(dir, "summary.txt", path, sizeof(path));
	if (!f)
		return -errno;
	print_run_summary(f, json_object_get(results, "experiments"));
	fclose(f);
	give_to_sudo_user(path);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	err = report_html_write(path, results);
	if (!err)
		give_to_sudo_user(path);
	return err;
}
