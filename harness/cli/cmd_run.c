// SPDX-License-Identifier: MIT
/* harness run: each model under each scenario, probes attached; then the
 * trace summaries, the comparison and the explanation. */
#include "harness/cli/commands.h"
#include "harness/report/results.h"
#include "harness/report/text.h"
#include "harness/run/run.h"

#include <errno.h>
#include <fcntl.h>
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

/* A server's output, appended as it comes to a file of the run's
 * directory: read back by the harness too (O_RDWR). */
static int open_log(void *dir, const char *name)
{
	return out_fd(dir, name, O_RDWR | O_APPEND);
}

int cmd_run(int argc, char **argv)
{
	struct run_record r = { 0 };
	struct out_dir dir;
	struct run_opts o;
	char why[512];
	int err, werr;

	err = run_opts_parse(argc, argv, &o);
	if (err)
		return err;
	if (geteuid() != 0) {
		fprintf(stderr, "harness run: needs root (BPF probes, cgroups, network "
				"namespaces): run it with sudo\n");
		return 2;
	}
	err = results_dir_open(&o, &dir, why, sizeof(why));
	if (err) {
		fprintf(stderr, "harness run: %s\n", why);
		return 2;
	}
	catch_signals();
	o.open_log = open_log;
	o.open_log_arg = &dir;
	err = run_all(&o, &stop, &r);
	if (err == -EINVAL || err == -EACCES || err == -ENOMEM) {
		run_record_free(&r);
		/* a directory the user named stays, even one we made */
		out_dir_close(&dir, !o.out_dir);
		return err == -ENOMEM ? 1 : 2;
	}
	print_trace_summaries(stdout, &r);
	print_run_summary(stdout, &r);
	werr = results_write(&dir, &r);
	if (werr)
		fprintf(stderr, "harness run: failed to write the results in %s: %s\n", dir.path,
			strerror(-werr));
	else
		printf("\nresults: %s/ (report.html, summary.txt, one MODEL.txt per model, results.json, "
		       "each server's output in MODEL-SCENARIO.log)\n",
		       dir.path);
	out_dir_close(&dir, false);
	if (err == -EINTR)
		fprintf(stderr, "harness run: interrupted; %d of %d experiments written\n", r.nexps,
			run_opts_experiments(&o));
	run_record_free(&r);
	if (err == -EINTR)
		return 130;
	/* 3: the results are written, but a model's server died mid-run */
	if (err == -ECHILD && !werr)
		return 3;
	return err || werr ? 1 : 0;
}
