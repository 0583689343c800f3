// SPDX-License-Identifier: MIT
/* harness load URL: the load generator on its own, wrk-like. */
#include "harness/cli/commands.h"
#include "harness/load/load.h"
#include "common/units.h"
#include "common/units_parse.h"

#include <argp.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_HEADERS 64
#define MAX_CPUS 256

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
	"  users (--users N)     N users started at --spawn-rate S per second, each\n"
	"                        on its own connection, waiting --think MIN-MAX\n"
	"                        between requests (Locust's between(min, max))\n"
	"\n"
	"Durations take a unit (us, ms, s, m, h; seconds without one). Only\n"
	"loopback targets (127.0.0.0/8, [::1], localhost) are accepted.\n"
	"\n"
	"EXAMPLES:\n"
	"  harness load http://127.0.0.1:8080/ -c 100 -t 2 -d 10s\n"
	"  harness load http://127.0.0.1:8080/ -c 50 --close\n"
	"  harness load http://127.0.0.1:8080/ -R 2000 -c 20 -d 30s --json\n"
	"  harness load http://127.0.0.1:8080/ --users 2000 --spawn-rate 1k \\\n\t--think 100ms-200ms\n"
	"  harness load http://127.0.0.1:8080/ -c 64 -t 1 --cpus 1 -H 'Accept: */*'\n"
	"\v"
	"Exit status: 0 when the load ran (errors are counted, not fatal), 1 when it\n"
	"could not run, 2 on bad usage.";

enum {
	OPT_TIMEOUT = 0x100,
	OPT_CLOSE,
	OPT_USERS,
	OPT_SPAWN_RATE,
	OPT_THINK,
	OPT_WARMUP,
	OPT_CPUS,
	OPT_JSON,
};

static const struct argp_option options[] = {
	{ "connections", 'c', "N", 0, "Connections to keep open (default 10)", 0 },
	{ "threads", 't', "N", 0, "Threads, each with its own epoll loop (default 2)", 0 },
	{ "duration", 'd', "T", 0, "How long to measure (default 10s, at most 1h)", 0 },
	{ "rate", 'R', "N", 0, "Open loop: N requests/s in all (k and M suffixes)", 0 },
	{ "timeout", OPT_TIMEOUT, "T", 0, "Connect and response timeout (default 2s)", 0 },
	{ "header", 'H', "'NAME: VALUE'", 0, "Add a request header (repeatable)", 0 },
	{ "close", OPT_CLOSE, NULL, 0, "A new connection for each request", 0 },
	{ "users", OPT_USERS, "N", 0, "Users scenario: N users, a connection each", 0 },
	{ "spawn-rate", OPT_SPAWN_RATE, "S", 0, "Users started per second (default: all at once)", 0 },
	{ "think", OPT_THINK, "MIN-MAX", 0, "Users' think time between requests, e.g. 1-5 or 100ms-200ms", 0 },
	{ "warmup", OPT_WARMUP, "T", 0, "Load this long first, without measuring", 0 },
	{ "requests", 'n', "N", 0, "Stop after about N requests", 0 },
	{ "cpus", OPT_CPUS, "LIST", 0, "Pin the threads to these CPUs, e.g. 1 or 2-3,6", 0 },
	{ "json", OPT_JSON, NULL, 0, "Print the result as JSON", 0 },
	{ "quiet", 'q', NULL, 0, "No progress line on a terminal", 0 },
	{},
};

struct env {
	struct load_opts o;
	const char *headers[MAX_HEADERS];
	int cpus[MAX_CPUS];
	bool json, quiet;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = 1;
	signal(sig, SIG_DFL); /* a second one ends it at once */
}

/* "10", "10s", "500ms", "2m": seconds; -1 when malformed */
static double parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		double s;
	} units[] = { { "", 1 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1 },
		      { "m", 60 }, { "h", 3600 } };
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v >= 0) || isinf(v))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit))
			return v * units[i].s;
	return -1;
}

/* "2000", "2k", "1.5M"; -1 when malformed */
static double parse_count(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v >= 0) || isinf(v))
		return -1;
	if (!strcmp(end, "k"))
		v *= 1e3;
	else if (!strcmp(end, "M"))
		v *= 1e6;
	else if (*end)
		return -1;
	return v;
}

static long parse_int(const char *s, long min, long max)
{
	double v = parse_count(s);

	return v >= min && v <= max && v == floor(v) ? (long)v : -1;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct env *env = state->input;
	struct load_opts *o = &env->o;
	double d;
	long v;

	switch (key) {
	case 'c':
		if ((v = parse_int(arg, 1, LOAD_MAX_CONNECTIONS)) < 0)
			argp_error(state, "bad connections '%s' (1..%d)", arg, LOAD_MAX_CONNECTIONS);
		o->connections = v;
		break;
	case 't':
		if ((v = parse_int(arg, 1, LOAD_MAX_THREADS)) < 0)
			argp_error(state, "bad threads '%s' (1..%d)", arg, LOAD_MAX_THREADS);
		o->threads = v;
		break;
	case 'd':
		if ((d = parse_duration(arg)) <= 0 || d > LOAD_MAX_DURATION_S)
			argp_error(state, "bad duration '%s' (more than 0, at most 1h)", arg);
		o->duration_s = d;
		break;
	case 'R':
		if ((o->rate = parse_count(arg)) <= 0)
			argp_error(state, "bad rate '%s'", arg);
		break;
	case OPT_TIMEOUT:
		if ((o->timeout_s = parse_duration(arg)) <= 0)
			argp_error(state, "bad timeout '%s'", arg);
		break;
	case 'H':
		if (o->nheaders >= MAX_HEADERS)
			argp_error(state, "at most %d headers", MAX_HEADERS);
		env->headers[o->nheaders++] = arg;
		break;
	case OPT_CLOSE:
		o->close = true;
		break;
	case OPT_USERS:
		if ((v = parse_int(arg, 1, LOAD_MAX_CONNECTIONS)) < 0)
			argp_error(state, "bad users '%s' (1..%d)", arg, LOAD_MAX_CONNECTIONS);
		o->users = v;
		break;
	case OPT_SPAWN_RATE:
		if ((o->spawn_rate = parse_count(arg)) <= 0)
			argp_error(state, "bad spawn rate '%s'", arg);
		break;
	case OPT_THINK: {
		char *dash = strchr(arg, '-');
		char *min = strndupa(arg, dash ? (size_t)(dash - arg) : strlen(arg));

		o->think_min_s = parse_duration(min);
		o->think_max_s = dash ? parse_duration(dash + 1) : o->think_min_s;
		if (o->think_min_s < 0 || o->think_max_s < o->think_min_s)
			argp_error(state, "bad think time '%s': want MIN-MAX, e.g. 1-5 or 100ms-200ms", arg);
		break;
	}
	case OPT_WARMUP:
		if ((o->warmup_s = parse_duration(arg)) < 0 || o->warmup_s > LOAD_MAX_DURATION_S)
			argp_error(state, "bad warm-up '%s'", arg);
		break;
	case 'n':
		if ((d = parse_count(arg)) < 1 || d != floor(d))
			argp_error(state, "bad request count '%s'", arg);
		o->max_requests = (uint64_t)d;
		break;
	case OPT_CPUS: {
		char why[UNITS_WHY_MAX];

		if ((v = units_parse_cpus("--cpus", arg, env->cpus, MAX_CPUS, why, sizeof(why))) < 0)
			argp_error(state, "%s", why);
		o->cpus = env->cpus;
		o->ncpus = v;
		break;
	}
	case OPT_JSON:
		env->json = true;
		break;
	case 'q':
		env->quiet = true;
		break;
	case ARGP_KEY_ARG:
		if (o->url)
			argp_error(state, "one URL only");
		o->url = arg;
		break;
	case ARGP_KEY_END:
		if (!o->url)
			argp_error(state, "no URL");
		if (o->users && o->rate)
			argp_error(state, "--users and --rate are two scenarios: choose one");
		if (!o->users && (o->spawn_rate || o->think_max_s))
			argp_error(state, "--spawn-rate and --think go with --users");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_progress(const struct load_progress *p, void *arg)
{
	char rate[32], p99[32];

	(void)arg;
	fprintf(stderr, "\r\033[K  %5.0fs%s  %llu requests  %s/s  p99 %s  errors %llu  connections %u",
		p->elapsed_s, p->warming_up ? " (warm-up)" : "",
		(unsigned long long)p->requests, fmt_count(rate, sizeof(rate), round(p->rate)),
		fmt_us(p99, sizeof(p99), p->p99_ns / 1e3), (unsigned long long)p->errors,
		p->connections);
}

int cmd_load(int argc, char **argv)
{
	static const struct argp argp = { options, parse_arg, "URL", doc, NULL, NULL, NULL };
	struct env env = { 0 };
	struct load_result r;
	struct sigaction sa = { .sa_handler = on_signal };
	int err;

	argp_err_exit_status = 2;
	env.o.headers = env.headers;
	env.o.stop = &stopping;
	if (argp_parse(&argp, argc, argv, 0, NULL, &env))
		return 2;
	if (!env.quiet && !env.json && isatty(STDERR_FILENO))
		env.o.progress = print_progress;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = load_run(&env.o, &r);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (env.o.progress)
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
