// SPDX-License-Identifier: MIT
/* harness run: each model under each scenario, probes attached; then the
 * trace summaries, the comparison and the explanation. */
#include "harness/sandbox/cgroup.h"
#include "harness/cli/commands.h"
#include "harness/run/experiment.h"
#include "harness/sandbox/machine.h"
#include "harness/report/results.h"
#include "harness/record/options.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Ctrl-C (or SIGTERM) ends the experiment under way and the run: the
 * server is stopped, the probes detached, what finished written. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int cmd_run(int argc, char **argv)
{
	struct experiment *exps[RUN_MAX * RUN_MAX];
	json_t *results, *records;
	struct run_opts o;
	char dir[512];
	int n = 0, done = 0, err;

	err = run_opts_parse(argc, argv, &o);
	if (err)
		return err;
	if (geteuid() != 0) {
		fprintf(stderr, "harness run: needs root (BPF probes, cgroups, network "
				"namespaces): run it with sudo\n");
		return 2;
	}
	for (int m = 0; m < nmodels; m++)
		for (int s = 0; s < nscenarios; s++)
			if (o.model[m] && o.scenario[s]) {
				exps[n] = calloc(1, sizeof(*exps[n]));
				if (!exps[n])
					return 1;
				exps[n]->model = &models[m];
				exps[n]->scenario = &scenarios[s];
				exps[n]->stop = &stop;
				n++;
			}
	err = results_dir_create(&o, dir, sizeof(dir));
	if (err) {
		fprintf(stderr, "harness run: failed to create %s: %s\n", dir, strerror(-err));
		return 2;
	}
	catch_signals();
	/* a run killed outright may have left servers' children behind */
	if (cgroup_reap_stale() > 0)
		fprintf(stderr, "harness run: removed what an earlier, killed run left behind\n");
	records = json_array();
	for (int i = 0; i < n && !stop; i++) {
		exps[i]->index = i + 1;
		exps[i]->count = n;
		err = experiment_run(exps[i], &o);
		if (exps[i]->record) {
			json_array_append(records, exps[i]->record);
			done++;
		}
		if (err == -EINTR)
			break;
		if (err == -EINVAL || err == -EACCES) {
			/* the set-up is wrong (a busy port ...): later models would fail alike */
			fprintf(stderr, "harness run: %s\n", exps[i]->error);
			for (int k = 0; k < n; k++)
				experiment_free(exps[k]), free(exps[k]);
			json_decref(records);
			rmdir(dir);
			return 2;
		}
		if (err)
			fprintf(stderr, "harness run: %s %s: %s\n", exps[i]->model->name,
				exps[i]->scenario->name, exps[i]->error);
	}

	results = json_pack("{s:{s:s}, s:o, s:o, s:o, s:b}", "whyserve", "version", "0.1",
			    "machine", machine_to_json(), "options", run_opts_to_json(&o),
			    "experiments", records, "interrupted", stop != 0);
	for (int i = 0; i < n; i++)
		if (exps[i]->summary)
			fputs(exps[i]->summary, stdout);
	print_run_summary(stdout, records);
	err = results_write(dir, results, exps, n);
	if (err)
		fprintf(stderr, "harness run: failed to write the results in %s: %s\n", dir,
			strerror(-err));
	else
		printf("\nresults: %s/ (report.html, summary.txt, one MODEL.txt per model, results.json)\n", dir);
	json_decref(results);
	for (int i = 0; i < n; i++) {
		experiment_free(exps[i]);
		free(exps[i]);
	}
	if (stop) {
		fprintf(stderr, "harness run: interrupted; %d of %d experiments written\n", done, n);
		return 130;
	}
	return err || done < n ? 1 : 0;
}
