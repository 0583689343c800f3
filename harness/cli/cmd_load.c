// SPDX-License-Identifier: MIT
/* harness load URL: the load generator on its own, wrk-like. */
#include "harness/cli/commands.h"
#include "common/flags.h"
#include "harness/cli/load_flags.h"
#include "harness/load/load.h"
#include "harness/load/load_agent.h"
#include "common/units.h"

#include <argp.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#define MAX_HEADERS 64
#define MAX_CPUS    256

static const char doc[] =
	"Generate HTTP/1.1 load against a server on loopback, and measure it.\n"
	"\n"
	"USAGE: harness load URL [OPTION...]\n"
	"\n"
	"Scenarios:\n"
	"  throughput (default)  closed loop: C kept-alive connections, each sending\n"
	"                        its next request when the last is answered (wrk)\n"
	"  connect (--close)     a new TCP connection for each request\n"
	"  rate (-R N)           open loop at N requests/s over the connections;\n"
	"                        latency counts from each request's intended send\n"
	"                        time, so stalls are not hidden (wrk2)\n"
	"  users (--users N)     N users started at --spawn-rate S per second (all\n"
	"                        at once without it), each on its own connection,\n"
	"                        waiting --think MIN-MAX between requests (Locust's\n"
	"                        between(min, max))\n"
	"\n"
	"Durations take a unit (us, ms, s, m, h; seconds without one); counts and\n"
	"rates k and M (2k = 2000). The load's options mean the same in 'harness\n"
	"run'. Only loopback targets (127.0.0.0/8, [::1], localhost) are accepted.\n"
	"\n"
	"EXAMPLES:\n"
	"  harness load http://127.0.0.1:8080/ -c 100 -t 2 -d 10s\n"
	"  harness load http://127.0.0.1:8080/ -c 50 --close\n"
	"  harness load http://127.0.0.1:8080/ -R 2000 -c 20 -d 30s --json\n"
	"  harness load http://127.0.0.1:8080/ --users 2000 --spawn-rate 1k \\\n\t--think 100ms-200ms\n"
	"  harness load http://127.0.0.1:8080/ -c 64 -t 1 --cpus 1 -H 'Accept: */*'\n"
	"\n"
	"--agent: a load host's side of 'harness run --load-host': jobs as JSON\n"
	"lines on stdin (sent by the controller through ssh), results on stdout; it\n"
	"exits when its stdin closes.\n"
	"\v"
	"Exit status: 0 when the load ran (errors are counted, not fatal), 1 when it\n"
	"could not run, 2 on bad usage.";

enum {
	OPT_CLOSE = 0x100,
	OPT_CPUS,
	OPT_JSON,
	OPT_AGENT,
};

/* harness load's own; the load's options are load_flags_argp's */
static const struct argp_option options[] = {
	{ "threads", 't', "N", 0, "Threads, each with its own epoll loop", 0 },
	{ "header", 'H', "'NAME: VALUE'", 0, "Add a request header (repeatable)", 0 },
	{ "close", OPT_CLOSE, NULL, 0, "A new connection for each request", 0 },
	{ "requests", 'n', "N", 0, "Stop after about N requests", 0 },
	{ "cpus", OPT_CPUS, "LIST", 0, "Pin the threads to these CPUs, e.g. 1 or 2-3,6", 0 },
	{ "json", OPT_JSON, NULL, 0, "Print the result as JSON", 0 },
	{ "agent", OPT_AGENT, NULL, 0, "Be a load host's agent: jobs on stdin (see below)", 0 },
	{},
};

static const struct units_spec threads = { "--threads", UNITS_COUNT, 1, LOAD_MAX_THREADS };
static const struct units_spec requests = { "--requests", UNITS_COUNT, 1, LOAD_MAX_REQUESTS };

/* the load generator's own defaults, shown by --help */
static const struct load_flags defaults = {
	.o = {
		.connections = LOAD_DEFAULT_CONNECTIONS,
		.duration_s = LOAD_DEFAULT_DURATION_S,
		.timeout_s = LOAD_DEFAULT_TIMEOUT_S,
	},
};

struct env {
	struct load_flags flags; /* flags.o: what load_run takes */
	const char *headers[MAX_HEADERS];
	int cpus[MAX_CPUS];
	bool json;
	bool agent;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = 1;
	signal(sig, SIG_DFL); /* a second one ends it at once */
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct env *env = state->input;
	struct load_opts *o = &env->flags.o;

	switch (key) {
	case 't':
		o->threads = flag_value(state, &threads, arg);
		break;
	case 'H':
		if (o->nheaders >= MAX_HEADERS)
			argp_failure(state, 2, 0, "at most %d headers", MAX_HEADERS);
		env->headers[o->nheaders++] = arg;
		break;
	case OPT_CLOSE:
		o->close = true;
		break;
	case 'n':
		o->max_requests = flag_value(state, &requests, arg);
		break;
	case OPT_CPUS:
		o->ncpus = flag_cpus(state, "--cpus", arg, env->cpus, MAX_CPUS);
		o->cpus = env->cpus;
		break;
	case OPT_JSON:
		env->json = true;
		break;
	case OPT_AGENT:
		env->agent = true;
		break;
	case ARGP_KEY_ARG:
		if (o->url)
			argp_failure(state, 2, 0, "one URL only");
		o->url = arg;
		break;
	case ARGP_KEY_INIT:
		env->flags.defaults = &defaults;
		state->child_inputs[0] = &env->flags;
		break;
	case ARGP_KEY_END:
		if (env->agent && (o->url || state->argc > 2))
			argp_failure(state, 2, 0,
				     "--agent takes its job on stdin, no other option");
		if (env->agent)
			break;
		if (!o->url)
			argp_failure(state, 2, 0, "no URL (see --help)");
		if (o->users && o->rate)
			argp_failure(state, 2, 0,
				     "--users and --rate are two scenarios: choose one");
		if (!o->users && (LOAD_FLAG_GIVEN(&env->flags, LOAD_FLAG_SPAWN_RATE) ||
				  LOAD_FLAG_GIVEN(&env->flags, LOAD_FLAG_THINK)))
			argp_failure(state, 2, 0, "--spawn-rate and --think go with --users");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *help(int key, const char *text, void *input)
{
	(void)input;
	if (key == 't')
		return flag_help(text, &threads, LOAD_DEFAULT_THREADS);
	if (key == 'n')
		return flag_help(text, &requests, 0);
	return (char *)text;
}

static void print_progress(const struct load_progress *p, void *arg)
{
	char rate[32], p99[32];

	(void)arg;
	fprintf(stderr,
		"\r\033[K  %5.0fs%s  %llu requests  %s/s  p99 %s  errors %llu  connections %u",
		p->elapsed_s, p->warming_up ? " (warm-up)" : "", (unsigned long long)p->requests,
		fmt_count(rate, sizeof(rate), round(p->rate)),
		fmt_us(p99, sizeof(p99), p->p99_ns / 1e3), (unsigned long long)p->errors,
		p->connections);
}

int cmd_load(int argc, char **argv)
{
	static const struct argp_child children[] = { { &load_flags_argp, 0, NULL, 0 }, { 0 } };
	static const struct argp argp = { options, parse_arg, "URL", doc, children, help, NULL };
	struct env env = { 0 };
	struct load_opts *o = &env.flags.o;
	struct load_result r;
	struct sigaction sa = { .sa_handler = on_signal };
	int err;

	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &env))
		return 2;
	if (env.agent)
		return load_agent_serve(stdin, stdout);
	o->headers = env.headers;
	o->stop = &stopping;
	if (!env.flags.quiet && !env.json && isatty(STDERR_FILENO))
		o->progress = print_progress;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = load_run(o, &r);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (o->progress)
		fprintf(stderr, "\r\033[K");
	if (err) {
		fprintf(stderr, "harness load: %s\n", r.error);
		load_result_free(&r);
		return err == -EINVAL ? 2 : 1;
	}
	if (env.json) {
		json_t *j = load_result_to_json(&r);

		if (!j || json_dumpf(j, stdout, JSON_INDENT(2)) < 0) {
			fprintf(stderr, "harness load: failed to write JSON\n");
			err = -EIO;
		}
		fputc('\n', stdout);
		json_decref(j);
	} else {
		load_result_print(stdout, &r);
	}
	load_result_free(&r);
	return err ? 1 : 0;
}
