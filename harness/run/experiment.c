// SPDX-License-Identifier: MIT
#include "harness/run/bench.h"
#include "harness/run/nginx_conf.h"
#include "harness/run/nginx_status.h"
#include "harness/run/load_hosts.h"
#include "harness/run/server_ready.h"
#include "harness/sandbox/machine.h"
#include "harness/sandbox/proc_faults.h"
#include "common/server_limits.h"
#include "common/units_parse.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define START_TIMEOUT_MS 5000
#define STOP_TIMEOUT_MS	 3000

/* Where the servers listen: loopback, or where the load hosts reach them. */
static const char *listen_addr(const struct experiment *e)
{
	return e->hosts ? e->hosts->listen : "127.0.0.1";
}

/* http://ADDR:PORT (IPv6 in brackets), for the load's URL */
static void url_of(char *url, size_t len, const struct experiment *e, int port, const char *path)
{
	const char *a = listen_addr(e);

	snprintf(url, len, strchr(a, ':') ? "http://[%s]:%d%s" : "http://%s:%d%s", a, port, path);
}

static double self_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 +
	       ru.ru_stime.tv_usec;
}

static int fail(struct experiment *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct experiment *e, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->error, sizeof(e->error), fmt, ap);
	va_end(ap);
	return err;
}

static int cpus_of(const char *list, cpu_set_t *set, struct experiment *e)
{
	char why[UNITS_WHY_MAX];
	int cpus[RUN_MAX_CPUS],
		n = units_parse_cpus("--server-cpus", list, cpus, RUN_MAX_CPUS, why, sizeof(why));

	if (n < 0)
		return fail(e, n, "%s", why);
	CPU_ZERO(set);
	for (int i = 0; i < n; i++)
		CPU_SET(cpus[i], set);
	return 0;
}

/* The load's CPUs: as asked, or every online CPU the server does not use
 * (all of them on a one-CPU machine). */
static int load_cpus_of(const struct run_opts *o, struct bench *b, struct experiment *e)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (o->load_cpus[0]) {
		char why[UNITS_WHY_MAX];

		b->nload_cpus = units_parse_cpus("--load-cpus", o->load_cpus, b->load_cpus,
						 RUN_MAX_CPUS, why, sizeof(why));
		if (b->nload_cpus <= 0)
			return fail(e, b->nload_cpus, "%s", why);
	}
	for (int c = 0; !o->load_cpus[0] && c < online && b->nload_cpus < RUN_MAX_CPUS; c++)
		if (!CPU_ISSET(c, &b->server_cpus))
			b->load_cpus[b->nload_cpus++] = c;
	for (int c = 0; !b->nload_cpus && c < online && c < RUN_MAX_CPUS; c++)
		b->load_cpus[b->nload_cpus++] = c;
	CPU_ZERO(&b->load_set);
	for (int i = 0; i < b->nload_cpus; i++)
		CPU_SET(b->load_cpus[i], &b->load_set);
	return 0;
}

/* A server of the user's: its command, and nothing the catalog's take. */
static int custom_argv(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	char why[256];
	size_t i;

	if (server_command_split(&b->command, e->model->command, listen_addr(e), o->port,
				 b->dir[0] ? b->dir : NULL, why, sizeof(why)))
		return fail(e, -EINVAL, "server '%s': %s", e->model->name, why);
	b->argv[0] = b->command.path;
	for (i = 1; i < b->command.words.we_wordc; i++)
		b->argv[i] = b->command.words.we_wordv[i];
	b->argv[i] = NULL;
	return 0;
}

/* Event loops a model runs: --workers, else one per server CPU. */
static int workers_of(const struct run_opts *o, const struct bench *b)
{
	return o->workers ? o->workers : CPU_COUNT(&b->server_cpus);
}

/* A kept-alive connection's idle timeout: the servers' own, longer when a
 * user thinking near it must not be cut (0: the servers' own). */
static double idle_timeout_s(const struct experiment *e, const struct run_opts *o)
{
	double idle = 2 * (o->think_max_s + o->timeout_s);

	return e->scenario->kind == SCENARIO_USERS && idle > SERVER_IDLE_TIMEOUT_S ? idle : 0;
}

static void server_argv(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	int n = 0;

	b->argv[n++] = b->path;
	b->argv[n++] = "--host";
	b->argv[n++] = (char *)listen_addr(e);
	snprintf(b->port, sizeof(b->port), "%d", o->port);
	b->argv[n++] = "--port";
	b->argv[n++] = b->port;
	snprintf(b->backlog, sizeof(b->backlog), "%d", run_opts_backlog(o, e->scenario));
	b->argv[n++] = "--backlog";
	b->argv[n++] = b->backlog;
	if (e->model->traits.event_loop) {
		snprintf(b->workers, sizeof(b->workers), "%d", workers_of(o, b));
		b->argv[n++] = "--workers";
		b->argv[n++] = b->workers;
	}
	if (run_opts_sleep_us(o, e->scenario)) {
		snprintf(b->sleep_us, sizeof(b->sleep_us), "%u", run_opts_sleep_us(o, e->scenario));
		b->argv[n++] = "--sleep-us";
		b->argv[n++] = b->sleep_us;
	}
	if (o->work_us) {
		snprintf(b->work_us, sizeof(b->work_us), "%d", o->work_us);
		b->argv[n++] = "--work-us";
		b->argv[n++] = b->work_us;
	}
	if (idle_timeout_s(e, o) > 0) {
		snprintf(b->idle, sizeof(b->idle), "%.0fs", idle_timeout_s(e, o));
		b->argv[n++] = "--idle-timeout";
		b->argv[n++] = b->idle;
	}
	b->argv[n] = NULL;
}

void bench_load_opts(const struct experiment *e, const struct run_opts *o, const struct bench *b,
		     struct load_opts *l, char *url, size_t len)
{
	memset(l, 0, sizeof(*l));
	url_of(url, len, e, b->server.port, o->path[0] ? o->path : "/");
	l->any_address = e->hosts != NULL;
	l->url = url;
	l->connections = o->connections;
	l->threads = b->nload_cpus;
	l->cpus = b->load_cpus;
	l->ncpus = b->nload_cpus;
	l->timeout_s = o->timeout_s;
	l->strict = o->strict;
	l->stop = e->stop;
	switch (e->scenario->kind) {
	case SCENARIO_CONNECT:
		l->close = true;
		break;
	case SCENARIO_RATE:
		l->rate = o->rate;
		break;
	case SCENARIO_USERS:
		l->users = o->users;
		l->connections = o->users;
		l->spawn_rate = o->spawn_rate;
		l->think_min_s = o->think_min_s;
		l->think_max_s = o->think_max_s;
		break;
	case SCENARIO_THROUGHPUT:
	case SCENARIO_COMMAND:
	case SCENARIO_RAMP: /* each step its rate, each conns step its connections */
	case SCENARIO_CONNS:
		break;
	}
}

/* Answers a GET within the deadline: the server is really serving. */
static int wait_until_answers(struct experiment *e, struct bench *b)
{
	struct load_opts l = { .connections = 1,
			       .threads = 1,
			       .duration_s = 5,
			       .timeout_s = 5,
			       .max_requests = 1,
			       .stop = e->stop };
	struct load_result r;
	char url[128];
	int err;

	url_of(url, sizeof(url), e, b->server.port, "/");
	l.url = url;
	l.any_address = e->hosts != NULL;
	err = load_run(&l, &r);
	if (!err && (r.requests < 1 || r.status[200] < 1))
		err = -EIO;
	load_result_free(&r);
	if (*e->stop)
		return -EINTR; /* interrupted while it waited: not the server's fault */
	if (err)
		return fail(e, err, "server-%s did not answer a GET within 5 s", e->model->name);
	return 0;
}

/* The last of what a program said, on one line: for a one-line message. */
static const char *one_line_tail(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = *p == '\n' ? '|' : ' ';
	return n > 200 ? s + n - 200 : s;
}

static const char *said_tail(struct bench *b)
{
	server_proc_log_tail(&b->server);
	return one_line_tail(b->server.err);
}

/* What it wrote but its start-up line (a catalog server's first words,
 * in the record already): messages, or a server of the user's output. */
static const char *said_after_startup(const struct bench *b)
{
	size_t n = strlen(b->server.line);

	if (n && !strncmp(b->server.err, b->server.line, n) && b->server.err[n] == '\n')
		return b->server.err + n + 1;
	return b->server.err;
}

/* Not listening on its port in time: in a namespace of its own, a port it
 * listens on is its, and says what went wrong. */
static void elsewhere(int port, char *why, size_t len)
{
	int ports[4], n = netns_listening_ports(ports, 4);

	if (n > 0)
		snprintf(why, len, "listens on port %d, not on %d (is {port} in its command?)",
			 ports[0], port);
}

/* The most connections the load will open at once: conns' largest step. */
static int connections_of(const struct experiment *e, const struct run_opts *o)
{
	int n = e->scenario->kind == SCENARIO_USERS ? o->users : o->connections;

	for (int i = 0; e->scenario->kind == SCENARIO_CONNS && i < o->nconns_steps; i++)
		n = n > o->conns_steps[i] ? n : o->conns_steps[i];
	return n;
}

/* A reference server's configuration, in a directory of its own: asked
 * what ours are asked. */
static int reference_conf(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	struct nginx_conf c = {
		.port = o->port,
		.backlog = run_opts_backlog(o, e->scenario),
		.workers = workers_of(o, b),
		.connections = connections_of(e, o),
		.idle_timeout_s = idle_timeout_s(e, o) ?: SERVER_IDLE_TIMEOUT_S,
		.user = o->server_user[0] ? o->server_user : "nobody",
	};
	char why[256];
	int err = nginx_conf_write(&c, b->dir, sizeof(b->dir), why, sizeof(why));

	return err ? fail(e, err, "%s: %s", e->model->name, why) : 0;
}

/* A server of the user's (or a reference server), in its cgroup as the
 * catalog's are, ready when its port answers in HTTP. Its failures are
 * the user's to fix: -EINVAL. */
static int start_custom(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	struct server_spec spec = { .argv = b->argv,
				    .cg = &b->cg,
				    .cpus = &b->server_cpus,
				    .drop_root = true,
				    .user = o->server_user[0] ? o->server_user : NULL,
				    .port = o->port,
				    .log_fd = b->log_fd };
	char why[256];
	const char *said;
	int err;

	if (e->model->reference && (err = reference_conf(e, o, b)))
		return err;
	err = custom_argv(e, o, b);
	if (err)
		return err;
	/* else what answers is not it (--no-netns: another server) */
	if (port_taken(listen_addr(e), o->port))
		return fail(e, -EINVAL, "port %d is in use before server '%s' started", o->port,
			    e->model->name);
	err = cgroup_create(&b->cg, e->model->name);
	if (err)
		return fail(e, err, "failed to create a cgroup for server '%s': %s", e->model->name,
			    strerror(-err));
	err = server_proc_start(&b->server, &spec, START_TIMEOUT_MS);
	if (err)
		return fail(e, -EINVAL, "server '%s' did not start: %s", e->model->name,
			    strerror(-err));
	err = server_answers_http(b->server.pid, listen_addr(e), o->port,
				  o->path[0] ? o->path : "/", START_TIMEOUT_MS, e->stop, why,
				  sizeof(why));
	if (err == -EINTR || *e->stop)
		return -EINTR;
	if (!err)
		return 0;
	if (err == -ETIMEDOUT && b->in_netns)
		elsewhere(o->port, why, sizeof(why));
	said = said_tail(b);
	return fail(e, -EINVAL, "server '%s' %s%s%s", e->model->name, why,
		    said[0] ? "; it said: " : "; it said nothing", said);
}

static int start_server(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	struct server_spec spec = { .argv = b->argv,
				    .cg = &b->cg,
				    .cpus = &b->server_cpus,
				    .drop_root = true,
				    .user = o->server_user[0] ? o->server_user : NULL,
				    .log_fd = b->log_fd };
	char name[64];
	int err;

	if (e->model->command[0])
		return start_custom(e, o, b);
	snprintf(name, sizeof(name), "server-%s", e->model->name);
	err = find_sibling_binary(name, b->path, sizeof(b->path));
	if (err)
		return fail(e, err, "server-%s not found beside the harness or in ../lib/whyserve",
			    e->model->name);
	server_argv(e, o, b);
	err = cgroup_create(&b->cg, e->model->name);
	if (err)
		return fail(e, err, "failed to create a cgroup for server-%s: %s", e->model->name,
			    strerror(-err));
	err = server_proc_start(&b->server, &spec, START_TIMEOUT_MS);
	if (err == -EINTR || *e->stop)
		return -EINTR; /* Ctrl-C while it started: an interruption, not a failure */
	if (err) {
		/* its own message says why (a busy port, ...): pass it on, one line */
		b->server.err[strcspn(b->server.err, "\n")] = '\0';
		return fail(e, -EINVAL, "server-%s did not start: %s", e->model->name,
			    b->server.err[0] ? b->server.err : strerror(-err));
	}
	return wait_until_answers(e, b);
}

/* Its output's file, MODEL-SCENARIO.log in the run's directory (none for a
 * check that it starts, or without a directory: then it is kept in memory). */
static int open_log(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	if (!o->open_log || e->check_only)
		return 0;
	snprintf(b->log, sizeof(b->log), "%s-%s.log", e->model->name, e->scenario->name);
	b->log_fd = o->open_log(o->open_log_arg, b->log);
	if (b->log_fd < 0) {
		int err = b->log_fd;

		b->log_fd = -1;
		return fail(e, err, "failed to create %s for the server's output: %s", b->log,
			    strerror(-err));
	}
	return 0;
}

/* The server exited by itself before it was stopped: why, in one line. */
static int died(struct experiment *e, struct bench *b, int status)
{
	char how[96];
	const char *tail;

	if (status >= 128)
		snprintf(how, sizeof(how), "was killed by signal %d (%s)", status - 128,
			 strsignal(status - 128));
	else
		snprintf(how, sizeof(how), "exited with status %d", status);
	/* the load it met stops at once: none measured, it died warming up */
	if (!b->load.requests && b->load.duration_s < 0.01)
		snprintf(b->died, sizeof(b->died), "%s before the measured load (warming up)", how);
	else
		snprintf(b->died, sizeof(b->died),
			 "%s after %llu requests, %.2f s into the measured load", how,
			 (unsigned long long)b->load.requests, b->load.duration_s);
	tail = said_tail(b);
	return fail(e, -ECHILD, "server '%s' %s%s%s", e->model->name, b->died,
		    tail[0] ? "; its last lines: " : "; it wrote nothing", tail);
}

static void release(struct bench *b)
{
	if (b->probes)
		probes_destroy(b->probes);
	if (b->server.pid > 0)
		b->server_status = server_proc_stop(&b->server, STOP_TIMEOUT_MS);
	cgroup_destroy(&b->cg);
	if (b->in_netns)
		netns_leave(&b->ns);
	if (b->have_load)
		load_result_free(&b->load);
	for (int i = 0; i < SWEEP_MAX_STEPS; i++)
		experiment_record_free(b->steps[i]);
	free(b->sweep);
	cgroup_memory_close(&b->memory);
	free(b->stats);
	free(b->tool.log);
	if (b->log_fd >= 0)
		close(b->log_fd);
	json_decref(b->sysctls);
	server_command_free(&b->command);
	nginx_dir_remove(b->dir);
}

/* The server's clocks, read at the window's start and end alike. */
static void server_clocks_start(struct bench *b)
{
	cgroup_cpu(&b->cg, &b->cpu0);
	if (proc_faults(b->server.pid, &b->faults0))
		b->faults0 = NAN;
	cpu_times_read(&b->server_cpus, &b->server_cpus0);
	cpu_times_read(&b->load_set, &b->load_cpus0);
}

static void server_side_start(struct bench *b)
{
	probes_reset(b->probes);
	server_clocks_start(b);
}

static void server_side_end(struct bench *b)
{
	cgroup_cpu(&b->cg, &b->cpu1);
	if (proc_faults(b->server.pid, &b->faults1))
		b->faults1 = NAN;
	cpu_times_read(&b->server_cpus, &b->server_cpus1);
	cpu_times_read(&b->load_set, &b->load_cpus1);
	probes_read(b->probes, b->stats);
}

/* A sweep step's window edges, read on time from the load's thread: the
 * server's side and the load's own CPU time */
static void window_edge(bool opens, void *arg)
{
	struct bench *b = arg;

	if (opens) {
		server_side_start(b);
		b->load_cpu_us = -self_cpu_us();
	} else {
		b->load_cpu_us += self_cpu_us();
		server_side_end(b);
	}
}

/*
 * One measured window of a sweep's step, its warm-up its own: read at the
 * window's edges by this thread, on the load's CPUs during the step, not
 * among ten thousand server threads on the server's, where it would pass
 * both edges late.
 */
int bench_window(struct experiment *e, const struct run_opts *o, struct bench *b,
		 struct load_opts *l)
{
	cpu_set_t mine;
	int err;

	(void)o;
	if (b->have_load)
		load_result_free(&b->load);
	b->have_load = false;
	b->progress.warming_up = false;
	sched_getaffinity(0, sizeof(mine), &mine);
	sched_setaffinity(0, sizeof(b->load_set), &b->load_set);
	l->window = window_edge;
	l->window_arg = b;
	err = load_run(l, &b->load);
	b->have_load = true;
	l->window = NULL;
	sched_setaffinity(0, sizeof(mine), &mine);
	if (err)
		return fail(e, err, "load failed: %s", b->load.error);
	return *e->stop ? -EINTR : 0;
}

/* the calls a server answers with: the kernel's count of its responses */
static const char *const SENDS[] = { "sendto", "sendmsg", "write", "writev", "sendfile", NULL };

static double server_sends(const struct probes_stats *s)
{
	double n = 0;

	if (!s->have[PROBE_SYSCALLS])
		return NAN;
	for (int i = 0; SENDS[i]; i++) {
		const struct syscall_stat *y = syscalls_find(&s->syscalls, SENDS[i]);

		n += y ? y->count : 0;
	}
	return n;
}

/* The tool's figures as the load's: its own count when it reported one,
 * else the server's responses; over the tool's whole run. */
static int tool_load(struct bench *b, const char *url)
{
	struct load_result *l = &b->load;
	struct load_tool *t = &b->tool;
	double requests = !isnan(t->report.requests) ? t->report.requests : t->server_responses;
	int err;

	memset(l, 0, sizeof(*l));
	err = histogram_init(&l->latency, HISTOGRAM_PRECISE);
	if (!err)
		err = histogram_init(&l->connect, HISTOGRAM_PRECISE);
	b->have_load = true;
	if (err)
		return err;
	snprintf(l->url, sizeof(l->url), "%s", url);
	l->threads = !isnan(t->threads) ? t->threads : 0;
	l->connections = !isnan(t->connections) ? t->connections : 0;
	l->connects = l->connections;
	l->duration_s = t->window_s;
	l->requests = !isnan(requests) ? requests : 0;
	l->rate = l->duration_s > 0 ? l->requests / l->duration_s : 0;
	if (!isnan(t->report.failures))
		l->errors[LOAD_ERR_OTHER] = l->errors_total = t->report.failures;
	l->stopped = t->ceiling;
	return 0;
}

/*
 * Its first connection: the server's clocks start again, its probes do
 * not. It served nothing before, so their counts are the load's, exact
 * (reset now, they lose what a late look misses: 33 of 1 035 requests on
 * this loaded machine); the time account's blocked time has the tool's
 * start-up in it.
 */
static void load_began(void *arg)
{
	server_clocks_start(arg);
}

/* The user's load tool as the load: its load's time is the window. */
static int measure_tool(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	char url[320], why[256] = "";
	struct load_command_spec spec = { .command = o->load_cmd,
					  .port = b->server.port,
					  .url = url,
					  .cpus = &b->load_set,
					  .ceiling_s = o->duration_s,
					  .stop = e->stop,
					  .load_began = load_began,
					  .arg = b };
	const char *said;
	int err;

	command_url(o, b->server.port, url, sizeof(url));
	if (!o->quiet)
		fprintf(stderr, "[%d/%d] %s · %s: %s, up to %.0f s\n", e->index, e->count,
			e->model->name, e->scenario->name, o->load_cmd, o->duration_s);
	/* the clocks again at its first connection: the window is its load's */
	server_side_start(b);
	err = load_command_run(&spec, &b->tool, why, sizeof(why));
	server_side_end(b);
	b->load_cpu_us = b->tool.cpu_us;
	b->tool.server_responses = server_sends(b->stats);
	if (err == -EINTR)
		return tool_load(b, url) ? fail(e, -ENOMEM, "out of memory") : -EINTR;
	if (err)
		return fail(e, -EINVAL, "load command '%s': %s", o->load_cmd, why);
	said = one_line_tail(b->tool.said);
	/* a tool that never reached the server is the user's to fix */
	if (!(b->tool.server_accepted > 0) && !(b->tool.connections > 0))
		return fail(e, -EINVAL,
			    "load command '%s' never connected to %s (%s %d after %.1f s)%s%s",
			    o->load_cmd, url,
			    b->tool.ceiling ? "stopped at --duration, status" : "exit status",
			    b->tool.exit_status, b->tool.window_s,
			    said[0] ? "; it said: " : "; it said nothing", said);
	return tool_load(b, url) ? fail(e, -ENOMEM, "out of memory") : 0;
}

/* The server's counters at the measured window's start, and at its end. */
static void counters_before(struct experiment *e, struct bench *b)
{
	/* its own count first: its asking is a request the probes need not see */
	if (e->model->reference)
		b->server_requests0 = nginx_status_requests(b->server.port, 1000);
	server_side_start(b);
	b->log0 = server_proc_log_bytes(&b->server);
	b->load_cpu_us = -self_cpu_us();
}

static void counters_after(struct experiment *e, struct bench *b)
{
	b->load_cpu_us += self_cpu_us();
	b->log1 = server_proc_log_bytes(&b->server);
	server_side_end(b);
	/* the window's requests: the second asking is counted, the first was */
	if (e->model->reference)
		b->server_requests =
			nginx_status_requests(b->server.port, 1000) - 1 - b->server_requests0;
}

/* The load here, in this process: a warm-up, then the measured run. */
static int load_here(struct experiment *e, const struct run_opts *o, struct bench *b,
		     struct load_opts *l)
{
	int err;

	if (o->warmup_s > 0) {
		struct load_result warm;

		l->duration_s = o->warmup_s;
		load_run(l, &warm);
		load_result_free(&warm);
		if (*e->stop)
			return -EINTR;
	}
	((struct experiment_progress *)l->progress_arg)->warming_up = false;
	counters_before(e, b);
	l->duration_s = o->duration_s;
	err = load_run(l, &b->load);
	b->have_load = true;
	counters_after(e, b);
	if (err)
		return fail(e, err, "load failed: %s", b->load.error);
	return 0;
}

/* The first host that failed, and why, as the error. */
static int host_failed(struct experiment *e, int err, const char *what)
{
	for (unsigned i = 0; i < e->hosts->n; i++)
		if (e->hosts->agent[i].failed)
			return fail(e, err, "load host %s %s: %s", e->hosts->agent[i].host, what,
				    load_hosts_why(e->hosts, i));
	return fail(e, err, "the load hosts %s", what);
}

/* The load from the hosts: each agent its share, warm-up first; the
 * counters read while they wait for "go" and once their results are in. */
static int load_there(struct experiment *e, const struct run_opts *o, struct bench *b,
		      struct load_opts *l)
{
	struct load_hosts *h = e->hosts;
	int err;

	if (o->warmup_s > 0) {
		struct load_result warm;

		l->duration_s = o->warmup_s;
		err = load_agents_start(h->agent, h->n, l, 10000);
		if (err)
			return host_failed(e, -EIO, "did not start the warm-up");
		err = load_agents_run(h->agent, h->n, l, &warm);
		if (!err || err == -EPIPE)
			load_result_free(&warm);
		if (err)
			return host_failed(e, -EIO, "was lost in the warm-up");
		if (*e->stop)
			return -EINTR;
	}
	((struct experiment_progress *)l->progress_arg)->warming_up = false;
	l->duration_s = o->duration_s;
	err = load_agents_start(h->agent, h->n, l, 10000);
	if (err)
		return host_failed(e, -EIO, "did not start");
	counters_before(e, b);
	err = load_agents_run(h->agent, h->n, l, &b->load);
	counters_after(e, b);
	load_hosts_drain(h);
	if (err && err != -EPIPE)
		return fail(e, err, "failed to merge the load hosts' results: %s", strerror(-err));
	b->have_load = true;
	if (err == -EPIPE) {
		/* what the others measured is kept, marked as not the whole load */
		b->load_incomplete = true;
		return host_failed(e, -EPIPE, "was lost mid-run");
	}
	return 0;
}

static int measure(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	struct probe_target target = { .cgroup_id = b->cg.id, .pid = b->server.pid };
	struct probes_opts po = { .time_every_syscall = o->exact_syscall_times };
	struct experiment_progress *progress = &b->progress;
	struct load_opts l;
	char url[320]; /* with --server-path */
	int err;

	progress->e = e;
	progress->left_s = e->later_s;
	b->stats = calloc(1, sizeof(*b->stats));
	if (!b->stats)
		return fail(e, -ENOMEM, "out of memory");
	err = probes_open(&b->probes, &target, &po);
	if (err)
		return fail(e, err, "failed to open the probes: %s", strerror(-err));
	probes_attach(b->probes);

	if (e->scenario->kind == SCENARIO_COMMAND)
		return measure_tool(e, o, b);
	bench_load_opts(e, o, b, &l, url, sizeof(url));
	/* the server's end ends the load at once: nothing more to measure */
	l.stop_fd = b->server.pidfd;
	/* through the measured load too, with or without a warm-up */
	l.progress_arg = progress;
	if (!o->quiet)
		l.progress = progress_report;
	if (scenario_is_sweep(e->scenario))
		return sweep_measure(e, o, b, &l);
	progress->warming_up = o->warmup_s > 0;
	err = e->hosts ? load_there(e, o, b, &l) : load_here(e, o, b, &l);
	if (!o->quiet && b->have_load)
		progress_done(progress, &b->load);
	if (err)
		return err;
	return *e->stop ? -EINTR : 0;
}

/* Each load host's share: its own figures, or why it was lost. */
static void record_hosts(struct experiment_record *r, struct load_hosts *h)
{
	for (unsigned i = 0; i < h->n && i < RUN_MAX_LOAD_HOSTS; i++) {
		struct load_agent *a = &h->agent[i];
		struct load_host_row *row = &r->hosts[r->nhosts++];

		snprintf(row->host, sizeof(row->host), "%s", a->host);
		row->lost = !a->have_result;
		if (row->lost) {
			snprintf(row->why, sizeof(row->why), "%s", load_hosts_why(h, i));
			continue;
		}
		row->requests = a->result.requests;
		row->errors = a->result.errors_total;
		row->rate = a->result.rate;
		row->cpu_busy = a->result.cpu_busy;
		row->cpu_s = a->result.cpu_user_s + a->result.cpu_sys_s;
		row->threads = a->result.threads;
		row->p99_ns = histogram_percentile(&a->result.latency, 99);
		if (!histogram_init(&row->latency, a->result.latency.precision))
			histogram_merge(&row->latency, &a->result.latency);
	}
}

struct experiment_record *bench_record(struct experiment *e, const struct run_opts *o,
				       struct bench *b)
{
	struct experiment_record *r = experiment_record_new();

	if (!r)
		return NULL;
	r->model = e->model;
	r->scenario = e->scenario;
	for (int i = 0; b->argv[i] && i < RECORD_MAX_ARGS - 1; i++)
		if (!(r->argv[i] = strdup(b->argv[i]))) {
			experiment_record_free(r);
			return NULL;
		}
	snprintf(r->startup, sizeof(r->startup), "%s", b->server.line);
	snprintf(r->said, sizeof(r->said), "%s", said_after_startup(b));
	r->exit_status = b->server_status;
	snprintf(r->log, sizeof(r->log), "%s", b->log);
	r->log_bytes = b->log0 >= 0 && b->log1 >= b->log0 ? (double)(b->log1 - b->log0) : NAN;
	snprintf(r->failed, sizeof(r->failed), "%s", b->died); /* its last lines: said */
	snprintf(r->user, sizeof(r->user), "%s", o->server_user[0] ? o->server_user : "nobody");
	r->server_cpus = b->server_cpus;
	/* with load hosts, this host's CPUs carry none of the load */
	r->nload_cpus = e->hosts ? 0 : b->nload_cpus;
	memcpy(r->load_cpus, b->load_cpus, r->nload_cpus * sizeof(b->load_cpus[0]));
	r->netns = b->in_netns;
	r->sysctls = json_incref(b->sysctls);
	/* the load's result changes hands: release() must not free it */
	r->load = b->load;
	b->have_load = false;
	r->tool = b->tool;
	b->tool.log = NULL;
	r->probes = *b->probes;
	memset(r->probes.probe, 0, sizeof(r->probes.probe));
	r->probes.stats_fd = -1;
	r->stats = *b->stats;
	r->cpu_us = b->cpu1.usage_us - b->cpu0.usage_us;
	r->cpu_user_us = b->cpu1.user_us - b->cpu0.user_us;
	r->cpu_system_us = b->cpu1.system_us - b->cpu0.system_us;
	r->load_cpu_us = b->load_cpu_us;
	r->proc_faults = b->faults1 - b->faults0;
	r->server_cpus_busy_s = b->server_cpus1.busy_s - b->server_cpus0.busy_s;
	r->server_cpus_steal_s = b->server_cpus1.steal_s - b->server_cpus0.steal_s;
	r->server_cpus_total_s = b->server_cpus1.total_s - b->server_cpus0.total_s;
	r->load_cpus_busy_s = b->load_cpus1.busy_s - b->load_cpus0.busy_s;
	r->load_cpus_total_s = b->load_cpus1.total_s - b->load_cpus0.total_s;
	r->server_requests = b->server_requests;
	if (e->hosts)
		record_hosts(r, e->hosts);
	r->load_incomplete = b->load_incomplete;
	figures_of(r, o, &r->why.fig);
	record_explain(r);
	return r;
}

/* What it measured, kept: the record, its figures and its findings; of a
 * sweep, the main step's, with every step and the knee. */
static int record(struct experiment *e, const struct run_opts *o, struct bench *b)
{
	struct experiment_record *r;

	if (b->sweep) {
		if (b->main_step < 0)
			return fail(e, -EIO, "no step of the sweep was measured");
		r = b->steps[b->main_step];
		b->steps[b->main_step] = NULL;
		r->exit_status = b->server_status;
		r->sweep = b->sweep;
		b->sweep = NULL;
		e->record = r;
		return 0;
	}
	r = bench_record(e, o, b);
	if (!r)
		return fail(e, -ENOMEM, "out of memory");
	e->record = r;
	return 0;
}

int experiment_run(struct experiment *e, const struct run_opts *o)
{
	struct bench *b = calloc(1, sizeof(*b));
	int err, status;

	if (!b)
		return fail(e, -ENOMEM, "out of memory");
	b->server.log_fd = b->server.pidfd = b->log_fd = -1;
	b->log0 = b->log1 = -1;
	b->server_requests = NAN;
	b->main_step = -1;
	err = cpus_of(o->server_cpus, &b->server_cpus, e);
	if (!err)
		err = load_cpus_of(o, b, e);
	/* with load hosts, the servers listen where they reach them: here */
	if (!err && o->netns && !e->hosts) {
		err = netns_enter_new(&b->ns);
		if (err)
			fail(e, err, "failed to create a network namespace: %s", strerror(-err));
		b->in_netns = !err;
	}
	if (!err)
		err = open_log(e, o, b);
	if (!err) {
		b->sysctls = net_sysctls_to_json();
		err = start_server(e, o, b);
	}
	if (!err && !e->check_only)
		err = measure(e, o, b);
	/* died while measured (or warming up): a failed experiment, recorded */
	if ((!err || err == -EINTR) && b->have_load && b->server.pid > 0 &&
	    server_proc_exited(&b->server, &status))
		err = died(e, b, status);
	/* stop the server first: its exit status belongs in the record */
	if (b->server.pid > 0)
		b->server_status = server_proc_stop(&b->server, STOP_TIMEOUT_MS);
	/* a load host lost mid-run: what the others measured, marked incomplete */
	if ((!err || err == -EINTR || b->died[0] || b->load_incomplete) &&
	    (b->have_load || b->sweep)) {
		int rerr = record(e, o, b);
		err = err ? err : rerr;
	}
	release(b);
	free(b);
	return err;
}
