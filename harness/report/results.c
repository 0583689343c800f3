// SPDX-License-Identifier: MIT
#include "harness/report/results.h"
#include "harness/report/html.h"
#include "harness/report/record_json.h"
#include "harness/report/text.h"

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

static FILE *open_in(const char *dir, const char *name, char *path, size_t len)
{
	if (snprintf(path, len, "%s/%s", dir, name) >= (int)len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "w");
}

/* Each model's trace summaries, in the order they ran. */
static int write_model(const char *dir, const struct run_record *r, const struct model *m)
{
	char path[1024], name[64], *text;
	FILE *f = NULL;

	for (int i = 0; i < r->nexps; i++) {
		if (r->exps[i]->model != m)
			continue;
		if (!f) {
			snprintf(name, sizeof(name), "%s.txt", m->name);
			f = open_in(dir, name, path, sizeof(path));
			if (!f)
				return -errno;
		}
		text = trace_summary(r->exps[i]);
		if (text)
			fputs(text, f);
		free(text);
	}
	if (f && fclose(f))
		return -errno;
	if (f)
		give_to_sudo_user(path);
	return 0;
}

int results_write(const char *dir, const struct run_record *r)
{
	json_t *results = run_record_to_json(r);
	char path[1024];
	FILE *f;
	int err;

	if (!results)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	err = json_dump_file(results, path, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) ? -EIO : 0;
	if (!err)
		give_to_sudo_user(path);
	for (int m = 0; m < nmodels && !err; m++)
		err = write_model(dir, r, &models[m]);
	if (!err && !(f = open_in(dir, "summary.txt", path, sizeof(path))))
		err = -errno;
	if (!err) {
		print_run_summary(f, r);
		err = fclose(f) ? -errno : 0;
		if (!err)
			give_to_sudo_user(path);
	}
	snprintf(path, sizeof(path), "%s/report.html", dir);
	if (!err)
		err = report_html_write(path, r, results);
	if (!err)
		give_to_sudo_user(path);
	json_decref(results);
	return err;
}
