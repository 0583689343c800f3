// SPDX-License-Identifier: MIT
#include "harness/cli/commands.h"
#include "harness/record/options.h"
#include "harness/record/catalog.h"

#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_SCENARIO = 's',
	OPT_DURATION = 'd',
	OPT_CONNECTIONS = 'c',
	OPT_RATE = 'R',
	OPT_OUT = 'o',
	OPT_QUICK = 'q',
	OPT_WARMUP = 1000,
	OPT_USERS,
	OPT_SPAWN_RATE,
	OPT_THINK,
	OPT_TIMEOUT,
	OPT_BACKLOG,
	OPT_WORKERS,
	OPT_PORT,
	OPT_SERVER_CPUS,
	OPT_LOAD_CPUS,
	OPT_NO_NETNS,
	OPT_EXACT_SYSCALL_TIMES,
};

static const char doc[] =
	"Run server models under load while BPF probes watch, and explain the results.\n"
	"\n"
	"USAGE: harness run all | MODEL... [OPTION...]\n"
	"\n"
	"EXAMPLES:\n"
	"    harness run all                   # every model, default scenarios (about 3 min)\n"
	"    harness run all --quick           # the same in under 45 s\n"
	"    harness run epoll io_uring -s throughput -c 1000\n"
	"    harness run fork --scenario connect --duration 5\n"
	"    harness run all -s rate -R 5000   # open loop, corrected for coordinated omission\n"
	"    harness run pthread -s users --users 2000 --spawn-rate 500 --think 1-5\n"
	"\n"
	"Models: blocking fork pthread epoll io_uring. Scenarios: throughput connect sleep\n"
	"(the default) and rate users ('harness list'). Results go to results/<timestamp>/.\n"
	"Needs root (BPF, cgroups, network namespaces); servers run as nobody.\n";

static const struct argp_option options[] = {
	{ "scenario", OPT_SCENARIO, "LIST", 0, "Scenarios, comma-separated (default: throughput,connect,sleep)", 0 },
	{ "duration", OPT_DURATION, "SECS", 0, "Measured load per experiment (default 8, --quick 1.5)", 0 },
	{ "warmup", OPT_WARMUP, "SECS", 0, "Load before measuring (default 1, --quick 0.3)", 0 },
	{ "connections", OPT_CONNECTIONS, "N", 0, "Client connections (default 100)", 0 },
	{ "rate", OPT_RATE, "N", 0, "Requests/s of the rate scenario (default 5000)", 0 },
	{ "users", OPT_USERS, "N", 0, "Users of the users scenario (default 1000)", 0 },
	{ "spawn-rate", OPT_SPAWN_RATE, "N", 0, "Users started per second (default 500)", 0 },
	{ "think", OPT_THINK, "MIN-MAX", 0, "Users' think time in seconds (default 0.1-0.2)", 0 },
	{ "timeout", OPT_TIMEOUT, "SECS", 0, "A request unanswered this long fails (default 2)", 0 },
	{ "backlog", OPT_BACKLOG, "N", 0, "Servers' listen backlog: the accept-queue limit (default 128)", 0 },
	{ "workers", OPT_WORKERS, "N", 0, "Event loops of epoll and io_uring (default: one per server CPU)", 0 },
	{ "port", OPT_PORT, "PORT", 0, "Servers' port (default 8080)", 0 },
	{ "server-cpus", OPT_SERVER_CPUS, "LIST", 0, "CPUs of the server (default 0)", 0 },
	{ "load-cpus", OPT_LOAD_CPUS, "LIST", 0, "CPUs of the load generator (default: the others)", 0 },
	{ "no-netns", OPT_NO_NETNS, NULL, 0, "Run in the host's network namespace", 0 },
	{ "exact-syscall-times", OPT_EXACT_SYSCALL_TIMES, NULL, 0,
	  "Time every syscall, not 1 in 8 of the hot, fast ones (costs more)", 0 },
	{ "out", OPT_OUT, "DIR", 0, "Write results here instead of results/<timestamp>", 0 },
	{ "quick", OPT_QUICK, NULL, 0, "Short runs: all five models in under 45 s", 0 },
	{ 0 },
};

static double parse_double(const char *arg, double min, double max, const char *what,
			   struct argp_state *st)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= min && v <= max))
		argp_failure(st, 2, 0, "invalid %s '%s' (from %g to %g)", what, arg, min, max);
	return v;
}

static long parse_long(const char *arg, long min, long max, const char *what,
		       struct argp_state *st)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		argp_failure(st, 2, 0, "invalid %s '%s' (from %ld to %ld)", what, arg, min, max);
	return v;
}

static void select_scenarios(struct run_opts *o, char *list, struct argp_state *st)
{
	memset(o->scenario, 0, sizeof(o->scenario));
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		const struct scenario *s = scenario_find(tok);

		if (!s)
			argp_failure(st, 2, 0, "unknown scenario '%s' (see 'harness list')", tok);
		o->scenario[s - scenarios] = true;
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *st)
{
	struct run_opts *o = st->input;
	const struct model *m;
	char *dash;

	switch (key) {
	case OPT_SCENARIO:
		select_scenarios(o, arg, st);
		break;
	case OPT_DURATION:
		o->duration_s = parse_double(arg, 0.1, 3600, "duration", st);
		break;
	case OPT_WARMUP:
		o->warmup_s = parse_double(arg, 0, 600, "warm-up", st);
		break;
	case OPT_CONNECTIONS:
		o->connections = parse_long(arg, 1, 100000, "connection count", st);
		break;
	case OPT_RATE:
		o->rate = parse_double(arg, 1, 1e7, "rate", st);
		break;
	case OPT_USERS:
		o->users = parse_long(arg, 1, 100000, "user count", st);
		break;
	case OPT_SPAWN_RATE:
		o->spawn_rate = parse_double(arg, 0.1, 1e6, "spawn rate", st);
		break;
	case OPT_THINK:
		dash = strchr(arg, '-');
		if (!dash)
			argp_failure(st, 2, 0, "invalid --think '%s': MIN-MAX in seconds", arg);
		*dash = '\0';
		o->think_min_s = parse_double(arg, 0, 3600, "think time", st);
		o->think_max_s = parse_double(dash + 1, o->think_min_s, 3600, "think time", st);
		break;
	case OPT_TIMEOUT:
		o->timeout_s = parse_double(arg, 0.001, 600, "timeout", st);
		break;
	case OPT_BACKLOG:
		o->backlog = parse_long(arg, 1, 1 << 20, "backlog", st);
		break;
	case OPT_WORKERS:
		o->workers = parse_long(arg, 1, 1024, "worker count", st);
		break;
	case OPT_PORT:
		o->port = parse_long(arg, 1, 65535, "port", st);
		break;
	case OPT_SERVER_CPUS:
		snprintf(o->server_cpus, sizeof(o->server_cpus), "%s", arg);
		break;
	case OPT_LOAD_CPUS:
		snprintf(o->load_cpus, sizeof(o->load_cpus), "%s", arg);
		break;
	case OPT_NO_NETNS:
		o->netns = false;
		break;
	case OPT_EXACT_SYSCALL_TIMES:
		o->exact_syscall_times = true;
		break;
	case OPT_OUT:
		o->out_dir = arg;
		break;
	case OPT_QUICK:
		o->quick = true;
		break;
	case ARGP_KEY_ARG:
		if (!strcmp(arg, "all")) {
			for (int i = 0; i < nmodels; i++)
				o->model[i] = true;
			break;
		}
		m = model_find(arg);
		if (!m)
			argp_failure(st, 2, 0, "unknown model '%s' (models: %s)", arg, model_names());
		o->model[m - models] = true;
		break;
	case ARGP_KEY_END:
		if (st->arg_num == 0)
			argp_failure(st, 2, 0, "which models? 'all' or some of: %s", model_names());
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int run_opts_parse(int argc, char **argv, struct run_opts *o)
{
	static const struct argp argp = { options, parse_opt, "all | MODEL...", doc, 0, 0, 0 };

	memset(o, 0, sizeof(*o));
	for (int i = 0; i < nscenarios; i++)
		o->scenario[i] = scenarios[i].by_default;
	o->duration_s = -1;
	o->warmup_s = -1;
	o->connections = 100;
	o->rate = 5000;
	o->users = 1000;
	o->spawn_rate = 500;
	o->think_min_s = 0.1;
	o->think_max_s = 0.2;
	o->timeout_s = 2;
	o->backlog = 128;
	o->port = 8080;
	o->netns = true;
	snprintf(o->server_cpus, sizeof(o->server_cpus), "0");
	/* argp_error exits with argp_err_exit_status: bad usage is 2 */
	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, o))
		return 2;
	if (o->duration_s < 0)
		o->duration_s = o->quick ? 1.5 : 8;
	if (o->warmup_s < 0)
		o->warmup_s = o->quick ? 0.3 : 1;
	return 0;
}
