// SPDX-License-Identifier: MIT
#include "harness/run/load_command.h"
#include "common/clock.h"
#include "harness/record/record.h"
#include "harness/run/load_report.h"
#include "harness/run/server_command.h"
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/netns.h"
#include "harness/sandbox/server_proc.h"
#include "probes/hist_print.h"
#include "probes/probes.h"

#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Everything one run of the tool holds, released in one place. */
struct tool_run {
	struct server_command command;
	const char *argv[RECORD_MAX_ARGS + 4];
	struct cgroup cg;
	struct probes *probes;
	struct probes_stats *stats;
	struct server_proc proc;
	char dir[64]; /* where its report goes (Locust's CSV); "" none */
	char csv[PATH_MAX];
	bool wrk, locust, artillery;
	char json[PATH_MAX]; /* Artillery's --output */
};

/* The user sudo ran the harness for, or NULL (root, said as such). */
static const struct passwd *sudo_user(void)
{
	const char *uid = getenv("SUDO_UID");
	char *end;
	long u;

	if (!uid || !uid[0])
		return NULL;
	u = strtol(uid, &end, 10);
	if (*end || u <= 0)
		return NULL;
	return getpwuid(u);
}

/* "locust" for /usr/bin/locust and for python3 -m locust */
static void tool_name(const struct server_command *c, char *name, size_t len)
{
	char **w = c->words.we_wordv;
	const char *n = strrchr(w[0], '/') ? strrchr(w[0], '/') + 1 : w[0];

	if (!strncmp(n, "python", 6) && c->words.we_wordc > 2 && !strcmp(w[1], "-m"))
		n = w[2];
	snprintf(name, len, "%s", n);
}

/* The value of option a (or b) given as "a VALUE" or "a=VALUE"; "" for a
 * flag with none; NULL when not given. */
static const char *option_value(const struct server_command *c, const char *a, const char *b)
{
	for (size_t i = 1; i < c->words.we_wordc; i++) {
		const char *w = c->words.we_wordv[i];

		if (!strcmp(w, a) || (b && !strcmp(w, b)))
			return i + 1 < c->words.we_wordc ? c->words.we_wordv[i + 1] : "";
		if (!strncmp(w, a, strlen(a)) && w[strlen(a)] == '=')
			return w + strlen(a) + 1;
	}
	return NULL;
}

static bool has_word(const struct server_command *c, const char *a, const char *b)
{
	return option_value(c, a, b) != NULL;
}

/* A directory of its own for its report, the tool's user's to write in. */
static int report_dir(struct tool_run *r, const struct passwd *pw)
{
	snprintf(r->dir, sizeof(r->dir), "/tmp/whyserve-load-XXXXXX");
	if (!mkdtemp(r->dir)) {
		r->dir[0] = '\0';
		return -errno;
	}
	if (pw && chown(r->dir, pw->pw_uid, pw->pw_gid))
		return -errno;
	return 0;
}

/* The argv, with what a tool the harness knows needs for its report. */
static int tool_argv(struct tool_run *r, struct load_tool *t, const struct passwd *pw)
{
	size_t n = 0;
	int err;

	r->argv[n++] = r->command.path;
	for (size_t i = 1; i < r->command.words.we_wordc; i++)
		r->argv[n++] = r->command.words.we_wordv[i];
	r->locust = !strcmp(t->name, "locust");
	r->artillery = !strcmp(t->name, "artillery");
	/* reports the user asked for are read where they asked */
	if (r->locust && has_word(&r->command, "--csv", NULL))
		snprintf(r->csv, sizeof(r->csv), "%s", option_value(&r->command, "--csv", NULL));
	if (r->artillery && has_word(&r->command, "--output", "-o"))
		snprintf(r->json, sizeof(r->json), "%s",
			 option_value(&r->command, "--output", "-o"));
	if (r->locust && !has_word(&r->command, "--csv", NULL)) {
		err = report_dir(r, pw);
		if (err)
			return err;
		snprintf(r->csv, sizeof(r->csv), "%s/locust", r->dir);
		r->argv[n++] = "--csv";
		r->argv[n++] = r->csv;
		snprintf(t->added, sizeof(t->added), "--csv %.100s (its stats CSV)", r->csv);
	}
	if (r->artillery && !has_word(&r->command, "--output", "-o")) {
		err = report_dir(r, pw);
		if (err)
			return err;
		snprintf(r->json, sizeof(r->json), "%s/artillery.json", r->dir);
		r->argv[n++] = "--output";
		r->argv[n++] = r->json;
		snprintf(t->added, sizeof(t->added), "--output %.100s (its JSON report)", r->json);
	}
	r->wrk = !strcmp(t->name, "wrk") || !strcmp(t->name, "wrk2");
	if (r->wrk && !has_word(&r->command, "--latency", "-L")) {
		r->argv[n++] = "--latency";
		snprintf(t->added, sizeof(t->added), "--latency (its percentiles)");
	}
	r->argv[n] = NULL;
	return 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static void release(struct tool_run *r)
{
	if (r->proc.pid > 0 || r->proc.reaped || r->proc.err_fd >= 0)
		server_proc_stop_with(&r->proc, SIGKILL, 1000);
	if (r->probes)
		probes_destroy(r->probes);
	free(r->stats);
	cgroup_destroy(&r->cg); /* kills what it left running */
	if (r->dir[0])
		nftw(r->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	server_command_free(&r->command);
}

static void sched_of(const struct probes_stats *s, struct load_tool *t)
{
	if (!s->have[PROBE_SCHED])
		return;
	t->vol_switches = s->sched.voluntary;
	t->invol_switches = s->sched.involuntary;
	if (s->sched.have_account) {
		t->running_us = s->sched.running_ns / 1e3;
		t->runnable_us = s->sched.runnable_ns / 1e3;
	}
	if (s->sched.have_runq)
		t->runq_p99_us = log2_hist_percentile(&s->sched.runq, 99) / 1e3;
	/* its first process joined the cgroup after it was forked */
	if (s->sched.have_tasks) {
		t->procs = 1 + s->sched.procs_created;
		t->threads = t->procs + s->sched.threads_created;
		/* what it made starting up: processes and threads alike, as
		 * threads (Locust's, Node's are threads) */
		if (!isnan(t->startup_tasks))
			t->threads += t->startup_tasks;
	}
}

/* All it printed, for load.log, and its tail, for messages. */
static void output_of(struct tool_run *r, struct load_tool *t)
{
	t->log = malloc(LOAD_TOOL_LOG_MAX);
	if (t->log) {
		int n = server_proc_output(&r->proc, t->log, LOAD_TOOL_LOG_MAX);

		t->log_len = n > 0 ? n : 0;
		t->log[t->log_len] = '\0';
	}
	server_proc_drain_stderr(&r->proc);
	snprintf(t->said, sizeof(t->said), "%s", r->proc.err);
}

static void report_of(struct tool_run *r, struct load_tool *t)
{
	char path[PATH_MAX + 16];

	if (r->locust) {
		/* its summary is final; its CSV, when it has no summary (--csv given
		 * by the user, at most a second behind) */
		if (t->log && !locust_summary_read(t->log, &t->report))
			return;
		snprintf(path, sizeof(path), "%s_stats.csv", r->csv);
		if (!r->csv[0] || locust_csv_read(path, &t->report))
			t->report.source[0] = '\0';
	} else if (r->artillery) {
		if (!r->json[0] || artillery_json_read(r->json, &t->report))
			t->report.source[0] = '\0';
	} else if (r->wrk && t->log && wrk_summary_read(t->log, &t->report)) {
		t->report.source[0] = '\0';
	}
}

static void tool_init(struct load_tool *t)
{
	memset(t, 0, sizeof(*t));
	t->procs = t->threads = t->vol_switches = t->invol_switches = t->runq_p99_us = NAN;
	t->running_us = t->runnable_us = t->rusage_cpu_us = NAN;
	t->startup_tasks = NAN;
	t->connections = t->server_accepted = t->server_responses = NAN;
	t->report.requests = t->report.failures = t->report.rps = NAN;
	t->report.mean_us = t->report.p50_us = t->report.p99_us = t->report.max_us = NAN;
}

/* Its first connection, seen by either end: the load begins. */
static bool connected(const double opens0[2])
{
	double opens = NAN, accepted = NAN;

	netns_tcp_counter("ActiveOpens", &opens);
	netns_tcp_counter("PassiveOpens", &accepted);
	return opens > opens0[0] || accepted > opens0[1];
}

/* polled this often until it connects (a late start loses what the server
 * answered meanwhile: 2 ms of wrk's 26 000 requests/s is 0.2% of 1 s) */
#define POLL_MS 2
#define WAIT_MS 50

/*
 * Until it ends, or the ceiling: its start-up (loading its code, reading
 * its script) apart from its load, which begins at its first connection:
 * its CPU, its tasks' time and the window are the load's; the caller is
 * told, to start its own clocks then. When it began, in *began_ms.
 */
static int wait_for_end(const struct load_command_spec *s, struct tool_run *r, struct load_tool *t,
			const double opens0[2], struct cgroup_cpu *cpu0, long long start,
			long long *began_ms)
{
	long long deadline = start + s->ceiling_s * 1e3, began = 0;
	int status;

	while ((status = server_proc_wait(&r->proc, began ? WAIT_MS : POLL_MS, s->stop)) ==
	       -ETIMEDOUT) {
		if (!began && connected(opens0)) {
			began = mono_ms();
			t->startup_s = (began - start) / 1e3;
			/* what it created starting up counts; the time, from now */
			if (!probes_read(r->probes, r->stats) && r->stats->have[PROBE_SCHED])
				t->startup_tasks = r->stats->sched.procs_created +
						   r->stats->sched.threads_created;
			probes_reset(r->probes);
			cgroup_cpu(&r->cg, cpu0);
			t->cpu_startup_us = cpu0->usage_us;
			if (s->load_began)
				s->load_began(s->arg);
		}
		if (mono_ms() >= deadline)
			break;
	}
	*began_ms = began ? began : start;
	return status;
}

int load_command_run(const struct load_command_spec *s, struct load_tool *t, char *why, size_t len)
{
	struct tool_run r = { .proc = { .err_fd = -1 } };
	const struct passwd *pw = sudo_user();
	struct probes_opts po = { .only = 1u << PROBE_SCHED, .no_cost = true };
	struct server_spec spec = { .cpus = s->cpus, .drop_root = pw != NULL, .port = s->port };
	struct cgroup_cpu cpu0 = { 0 }, cpu1 = { 0 };
	double opens0[2] = { NAN, NAN }, opens1 = NAN, accepted1 = NAN;
	long long start, began;
	int err, status;

	tool_init(t);
	snprintf(t->command, sizeof(t->command), "%s", s->command);
	snprintf(t->user, sizeof(t->user), "%s", pw ? pw->pw_name : "root");
	t->ncpus = CPU_COUNT(s->cpus);
	err = command_split(&r.command, s->command, "127.0.0.1", s->port, s->url, why, len);
	if (err)
		goto out;
	tool_name(&r.command, t->name, sizeof(t->name));
	err = tool_argv(&r, t, pw);
	if (err) {
		snprintf(why, len, "failed to make a directory for its report: %s", strerror(-err));
		goto out;
	}
	err = cgroup_create(&r.cg, "load");
	if (err) {
		snprintf(why, len, "failed to create a cgroup for the load tool: %s",
			 strerror(-err));
		goto out;
	}
	/* the scheduler watched on its cgroup from before its first task */
	r.stats = calloc(1, sizeof(*r.stats));
	if (!r.stats ||
	    probes_open(&r.probes, &(struct probe_target){ .cgroup_id = r.cg.id }, &po)) {
		err = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto out;
	}
	probes_attach(r.probes);
	probes_reset(r.probes);
	netns_tcp_counter("ActiveOpens", &opens0[0]);
	netns_tcp_counter("PassiveOpens", &opens0[1]);
	spec.argv = r.argv;
	spec.cg = &r.cg;
	spec.user = pw ? pw->pw_name : NULL;
	start = mono_ms();
	err = server_proc_start(&r.proc, &spec, 0);
	if (err) {
		snprintf(why, len, "failed to start it: %s", strerror(-err));
		goto out;
	}
	t->ran = true;
	status = wait_for_end(s, &r, t, opens0, &cpu0, start, &began);
	if (status == -ETIMEDOUT || status == -EINTR) {
		t->ceiling = status == -ETIMEDOUT;
		/* Ctrl-C and the ceiling alike: let it write its report */
		status = server_proc_stop_with(&r.proc, SIGINT, LOAD_TOOL_GRACE_MS);
	}
	/* to its end: it may send until it stops */
	t->window_s = (mono_ms() - began) / 1e3;
	t->exit_status = status;
	cgroup_cpu(&r.cg, &cpu1);
	netns_tcp_counter("ActiveOpens", &opens1);
	netns_tcp_counter("PassiveOpens", &accepted1);
	if (!probes_read(r.probes, r.stats))
		sched_of(r.stats, t);
	t->cpu_us = cpu1.usage_us - cpu0.usage_us;
	t->cpu_user_us = cpu1.user_us - cpu0.user_us;
	t->cpu_system_us = cpu1.system_us - cpu0.system_us;
	t->rusage_cpu_us = r.proc.reaped ? r.proc.rusage_cpu_us : NAN;
	t->connections = opens1 - opens0[0];
	t->server_accepted = accepted1 - opens0[1];
	output_of(&r, t);
	report_of(&r, t);
	err = *s->stop ? -EINTR : 0;
out:
	release(&r);
	return err;
}
