// SPDX-License-Identifier: MIT
#include "harness/cli/commands.h"
#include "harness/record/options.h"
#include "harness/record/catalog.h"
#include "common/flags.h"
#include "harness/cli/load_flags.h"
#include "common/server_limits.h"
#include "harness/cli/server_flag.h"

#include <arpa/inet.h>
#include <argp.h>
#include <errno.h>
#include <pwd.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>

enum {
	OPT_SCENARIO = 's',
	OPT_OUT = 'o',
	OPT_QUICK = 1000,
	OPT_BACKLOG,
	OPT_WORKERS,
	OPT_PORT,
	OPT_SERVER_CPUS,
	OPT_LOAD_CPUS,
	OPT_NO_NETNS,
	OPT_EXACT_SYSCALL_TIMES,
	OPT_WORK_US,
	OPT_SLEEP_US,
	OPT_SERVER,
	OPT_SERVER_USER,
	OPT_SERVER_PATH,
	OPT_CONNS_STEPS,
	OPT_LOAD_CMD,
	OPT_LOAD_HOST,
	OPT_SSH,
	OPT_REMOTE_HARNESS,
	OPT_LISTEN,
};

static const char doc[] =
	"Run server models under load while BPF probes watch, and explain the results.\n"
	"\n"
	"USAGE: harness run all | MODEL... [--server NAME='COMMAND'...] [OPTION...]\n"
	"\n"
	"EXAMPLES:\n"
	"    harness run all               # our five models, the default scenarios: 3 min\n"
	"    harness run all --quick       # the same in under 45 s\n"
	"    harness run epoll io_uring -s throughput -c 1000\n"
	"    harness run fork --scenario connect --duration 5\n"
	"    harness run all -s rate -R 5k -d 10s   # open loop, corrected for\n"
	"                                           # coordinated omission\n"
	"    harness run pthread -s users --users 2000 --spawn-rate 500 --think 1-5\n"
	"    harness run all -s ramp,conns      # each model's knee, and 1 .. 10k connections\n"
	"    harness run pthread epoll -s conns --conns-steps 1,10,100\n"
	"    harness run epoll --server mine='python3 server.py --port {port}'\n"
	"    harness run epoll --load-cmd 'wrk -t1 -c100 -d5s {url}'\n"
	"    harness run epoll nginx       # nginx beside ours, when installed\n"
	"    harness run all --load-host client1 --load-host client2  # the load\n"
	"                                           # from two other machines\n"
	"\v"
	/* what comes first after the options is the catalog's (help below) */
	"Results go to results/<timestamp>/. The load's options mean what they mean\n"
	"in 'harness load': durations take us, ms, s, m or h (seconds without one),\n"
	"counts and rates k and M (2k = 2000). Needs root (BPF, cgroups, network\n"
	"namespaces); servers run as nobody, their output in MODEL-SCENARIO.log.\n"
	"Exit status: 0; 3 when a server died mid-run (recorded as failed, the\n"
	"others run); 1 another failure; 2 bad usage; 130 interrupted.\n";

/* "Models: blocking fork ... Scenarios: throughput connect sleep (the
 * default) and rate users": from the catalog, as the help's closing text */
static char *catalog_text(const char *rest)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "Models: %s. Scenarios:", model_names());
	for (int by_default = 1; by_default >= 0; by_default--) {
		for (int i = 0; i < nscenarios; i++)
			if (scenarios[i].by_default == by_default)
				fprintf(f, " %s", scenarios[i].name);
		fprintf(f, "%s", by_default ? " (the default) and" : " ('harness list').\n");
	}
	fputs(rest, f);
	fclose(f);
	return text;
}

/* harness run's own; the load's options are load_flags_argp's */
static const struct argp_option options[] = {
	{ "scenario", OPT_SCENARIO, "LIST", 0,
	  "Scenarios, comma-separated (default: throughput,connect,sleep)", 0 },
	{ "backlog", OPT_BACKLOG, "N", 0, "Servers' listen backlog: the accept-queue limit", 0 },
	{ "workers", OPT_WORKERS, "N", 0,
	  "Event loops of epoll and io_uring (nginx's worker processes); without it, one per "
	  "server CPU",
	  0 },
	{ "port", OPT_PORT, "PORT", 0, "Servers' port", 0 },
	{ "server-cpus", OPT_SERVER_CPUS, "LIST", 0, "CPUs of the server (default 0)", 0 },
	{ "load-cpus", OPT_LOAD_CPUS, "LIST", 0, "CPUs of the load generator (default: the others)",
	  0 },
	{ "no-netns", OPT_NO_NETNS, NULL, 0, "Run in the host's network namespace", 0 },
	{ "exact-syscall-times", OPT_EXACT_SYSCALL_TIMES, NULL, 0,
	  "Time every syscall, not 1 in 8 of the hot, fast ones (costs more)", 0 },
	{ "work-us", OPT_WORK_US, "N", 0,
	  "Servers' handlers burn N us of CPU per request, as an application would (default 0)",
	  0 },
	{ "sleep-us", OPT_SLEEP_US, "N", 0,
	  "Servers' handlers block N us per request, in every scenario (default: 1000 in sleep, "
	  "else none)",
	  0 },
	{ "server", OPT_SERVER, "NAME=COMMAND", 0,
	  "Also run your own server as model NAME ([a-z0-9_-], up to 15): COMMAND split into "
	  "words as a shell would (no shell), {host} and {port} put in; ready when the port "
	  "answers an HTTP GET. Repeatable",
	  0 },
	{ "server-user", OPT_SERVER_USER, "USER", 0, "Servers run as USER (default nobody)", 0 },
	{ "server-path", OPT_SERVER_PATH, "PATH", 0, "The path the load asks for (default /)", 0 },
	{ "conns-steps", OPT_CONNS_STEPS, "LIST", 0,
	  "The conns sweep's connections, comma-separated (default 1,10,100,1k,10k)", 0 },
	{ "load-cmd", OPT_LOAD_CMD, "COMMAND", 0,
	  "Your load tool in place of ours (scenario 'command'): {host}, {port}, {url} put in, "
	  "split as --server's; run in its own cgroup on the load CPUs, as the sudo user, until "
	  "it exits (--duration: at most; 10 min without it), and measured as the server is",
	  0 },
	{ "out", OPT_OUT, "DIR", 0, "Write results here instead of results/<timestamp>", 0 },
	{ "load-host", OPT_LOAD_HOST, "[USER@]HOST", 0,
	  "Generate the load on HOST, through ssh ('harness load --agent' there); the servers "
	  "stay here. Repeatable: the load is split over the hosts",
	  0 },
	{ "ssh", OPT_SSH, "CMD", 0, "How to reach a load host (default 'ssh -o BatchMode=yes')",
	  0 },
	{ "remote-harness", OPT_REMOTE_HARNESS, "PATH", 0,
	  "The harness on the load hosts (default 'harness', on their PATH)", 0 },
	{ "listen", OPT_LISTEN, "ADDR", 0,
	  "With --load-host: the servers listen on ADDR (default: this host's address as the "
	  "first load host's ssh sees it)",
	  0 },
	{ "quick", OPT_QUICK, NULL, 0,
	  "Short runs: all five models in under 45 s (-d 1.5s --warmup 300ms, unless given)", 0 },
	{ 0 },
};

/* what the servers take, checked here: a refusal before any server starts */
static const struct units_spec backlog = { "--backlog", UNITS_COUNT, 1, SERVER_MAX_BACKLOG };
static const struct units_spec workers = { "--workers", UNITS_COUNT, 1, SERVER_MAX_WORKERS };
static const struct units_spec port = { "--port", UNITS_INTEGER, 1, SERVER_MAX_PORT };
static const struct units_spec work_us = { "--work-us", UNITS_INTEGER, 0, SERVER_MAX_WORK_US };
static const struct units_spec sleep_us = { "--sleep-us", UNITS_INTEGER, 1, SERVER_MAX_SLEEP_US };
static const struct units_spec conns_step = { "--conns-steps", UNITS_COUNT, 1,
					      LOAD_MAX_CONNECTIONS };
/* descriptors beyond a sweep's connections: the harness's own, the probes' */
#define FD_SLACK 256

static const struct run_opts defaults = {
	.backlog = 128,
	.port = 8080,
	.netns = true,
	.server_cpus = "0",
	.ssh = "ssh -o BatchMode=yes",
	.remote_harness = "harness",
	.conns_steps = { 1, 10, 100, 1000, 10000 },
	.nconns_steps = 5,
};

/* the load's, under harness run */
static const struct load_flags load_defaults = {
	.o = {
		.connections = 100,
		.duration_s = 8,
		.warmup_s = 1,
		.timeout_s = 2,
		.rate = 5000,
		.users = 1000,
		.spawn_rate = 500,
		.think_min_s = 0.1,
		.think_max_s = 0.2,
	},
};

struct parse {
	struct run_opts *o;
	bool scenarios_given;
	struct load_flags load;
};

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

static void conns_steps(struct run_opts *o, char *list, struct argp_state *st)
{
	o->nconns_steps = 0;
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		if (o->nconns_steps == RUN_MAX_CONNS_STEPS)
			argp_failure(st, 2, 0, "invalid --conns-steps: at most %d steps",
				     RUN_MAX_CONNS_STEPS);
		o->conns_steps[o->nconns_steps++] = flag_value(st, &conns_step, tok);
	}
	if (!o->nconns_steps)
		argp_failure(st, 2, 0, "invalid --conns-steps '': no step");
}

/*
 * The conns sweep holds its largest step's connections open at both ends
 * (the load generator and the server, which inherits this limit): raised
 * now, hard limit too when allowed, or refused before anything starts.
 */
static void conns_fds(const struct run_opts *o, struct argp_state *st)
{
	const struct scenario *conns = scenario_find("conns");
	rlim_t need = FD_SLACK;
	struct rlimit rl;

	if (!o->scenario[conns - scenarios])
		return;
	for (int i = 0; i < o->nconns_steps; i++)
		if ((rlim_t)o->conns_steps[i] + FD_SLACK > need)
			need = (rlim_t)o->conns_steps[i] + FD_SLACK;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= need)
		return;
	if (rl.rlim_max < need) {
		struct rlimit more = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &more))
			argp_failure(
				st, 2, 0,
				"invalid --conns-steps: %llu connections need %llu file "
				"descriptors, but RLIMIT_NOFILE's hard limit is %llu and cannot "
				"be raised (%s): raise it (ulimit -Hn) or use fewer connections",
				(unsigned long long)(need - FD_SLACK), (unsigned long long)need,
				(unsigned long long)rl.rlim_max, strerror(errno));
		return;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		argp_failure(st, 2, 0, "failed to raise RLIMIT_NOFILE to %llu: %s",
			     (unsigned long long)need, strerror(errno));
}

/* A CPU list, checked now and kept as given (the record holds it so). */
static void cpu_list(struct argp_state *st, const char *name, const char *arg, char *list,
		     size_t len)
{
	int cpus[RUN_MAX_CPUS];

	flag_cpus(st, name, arg, cpus, RUN_MAX_CPUS);
	if (strlen(arg) >= len)
		argp_failure(st, 2, 0, "invalid %s '%s': longer than %zu characters", name, arg,
			     len - 1);
	snprintf(list, len, "%s", arg);
}

static void server_user(struct run_opts *o, const char *arg, struct argp_state *st)
{
	if (!getpwnam(arg))
		argp_failure(st, 2, 0, "invalid --server-user '%s': no such user", arg);
	if (strlen(arg) >= sizeof(o->server_user))
		argp_failure(st, 2, 0, "invalid --server-user '%s': longer than %zu characters",
			     arg, sizeof(o->server_user) - 1);
	snprintf(o->server_user, sizeof(o->server_user), "%s", arg);
}

static void server_path(struct run_opts *o, const char *arg, struct argp_state *st)
{
	if (arg[0] != '/' || strpbrk(arg, " \t\r\n"))
		argp_failure(st, 2, 0,
			     "invalid --server-path '%s': a path starts with '/', "
			     "without spaces",
			     arg);
	if (strlen(arg) >= sizeof(o->path))
		argp_failure(st, 2, 0, "invalid --server-path: longer than %zu characters",
			     sizeof(o->path) - 1);
	snprintf(o->path, sizeof(o->path), "%s", arg);
}

/* [USER@]HOST: nothing ssh could take for an option or a second word */
static void load_host(struct run_opts *o, const char *arg, struct argp_state *st)
{
	if (o->nload_hosts >= RUN_MAX_LOAD_HOSTS)
		argp_failure(st, 2, 0, "at most %d --load-host", RUN_MAX_LOAD_HOSTS);
	if (!arg[0] || arg[0] == '-' || strlen(arg) >= sizeof(o->load_hosts[0]) ||
	    arg[strspn(arg,
		       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._:-[]")])
		argp_failure(st, 2, 0, "invalid --load-host '%s': want [USER@]HOST", arg);
	snprintf(o->load_hosts[o->nload_hosts++], sizeof(o->load_hosts[0]), "%s", arg);
}

static void text_option(struct argp_state *st, const char *name, const char *arg, char *to,
			size_t len)
{
	if (!arg[0] || strlen(arg) >= len)
		argp_failure(st, 2, 0, "invalid %s '%s': empty, or longer than %zu characters",
			     name, arg, len - 1);
	snprintf(to, len, "%s", arg);
}

static void listen_addr(struct run_opts *o, const char *arg, struct argp_state *st)
{
	unsigned char a[16];

	if (!inet_pton(AF_INET, arg, a) && !inet_pton(AF_INET6, arg, a))
		argp_failure(st, 2, 0, "invalid --listen '%s': an IP address", arg);
	text_option(st, "--listen", arg, o->listen, sizeof(o->listen));
}

static error_t parse_opt(int key, char *arg, struct argp_state *st)
{
	struct parse *p = st->input;
	struct run_opts *o = p->o;
	const struct model *m;
	char why[256];

	switch (key) {
	case OPT_SCENARIO:
		p->scenarios_given = true;
		select_scenarios(o, arg, st);
		break;
	case OPT_BACKLOG:
		o->backlog = flag_value(st, &backlog, arg);
		break;
	case OPT_WORKERS:
		o->workers = flag_value(st, &workers, arg);
		break;
	case OPT_PORT:
		o->port = flag_value(st, &port, arg);
		break;
	case OPT_SERVER_CPUS:
		cpu_list(st, "--server-cpus", arg, o->server_cpus, sizeof(o->server_cpus));
		break;
	case OPT_LOAD_CPUS:
		cpu_list(st, "--load-cpus", arg, o->load_cpus, sizeof(o->load_cpus));
		break;
	case OPT_NO_NETNS:
		o->netns = false;
		break;
	case OPT_EXACT_SYSCALL_TIMES:
		o->exact_syscall_times = true;
		break;
	case OPT_WORK_US:
		o->work_us = flag_value(st, &work_us, arg);
		break;
	case OPT_SLEEP_US:
		o->sleep_us = flag_value(st, &sleep_us, arg);
		break;
	case OPT_SERVER:
		custom_server_add(o, arg, st);
		break;
	case OPT_SERVER_USER:
		server_user(o, arg, st);
		break;
	case OPT_SERVER_PATH:
		server_path(o, arg, st);
		break;
	case OPT_LOAD_CMD:
		load_command_set(o, arg, st);
		break;
	case OPT_OUT:
		o->out_dir = arg;
		break;
	case OPT_LOAD_HOST:
		load_host(o, arg, st);
		break;
	case OPT_SSH:
		text_option(st, "--ssh", arg, o->ssh, sizeof(o->ssh));
		break;
	case OPT_REMOTE_HARNESS:
		text_option(st, "--remote-harness", arg, o->remote_harness,
			    sizeof(o->remote_harness));
		break;
	case OPT_LISTEN:
		listen_addr(o, arg, st);
		break;
	case OPT_QUICK:
		o->quick = true;
		break;
	case OPT_CONNS_STEPS:
		conns_steps(o, arg, st);
		break;
	case ARGP_KEY_ARG:
		/* all: our models; a reference server is run when named */
		if (!strcmp(arg, "all")) {
			for (int i = 0; i < nmodels; i++)
				o->model[i] |= !models[i].reference;
			break;
		}
		m = model_find(arg);
		if (!m)
			argp_failure(st, 2, 0, "unknown model '%s' (models: %s)", arg,
				     model_names());
		if (m->reference && !reference_installed(m, why, sizeof(why)))
			argp_failure(st, 2, 0, "%s is not installed (%s): apt-get install %s",
				     m->name, why, m->name);
		o->model[m - models] = true;
		break;
	case ARGP_KEY_INIT:
		p->load.defaults = &load_defaults;
		st->child_inputs[0] = &p->load;
		break;
	case ARGP_KEY_END:
		if (st->arg_num == 0 && !o->ncustom)
			argp_failure(st, 2, 0, "which models? 'all' or some of: %s, or --server",
				     model_names());
		custom_servers_check(o, st);
		if (!o->nload_hosts && o->listen[0])
			argp_failure(st, 2, 0, "--listen goes with --load-host");
		for (int i = 0; o->nload_hosts && i < nscenarios; i++)
			if (o->scenario[i] && scenario_is_sweep(&scenarios[i]))
				argp_failure(st, 2, 0,
					     "scenario '%s' sweeps the load from here: not with "
					     "--load-host (yet)",
					     scenarios[i].name);
		conns_fds(o, st);
		load_command_check(o, p->scenarios_given, st);
		reference_runs_somewhere(o, st);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *help(int key, const char *text, void *input)
{
	(void)input;
	if (key == ARGP_KEY_HELP_POST_DOC)
		return catalog_text(text ? text : "");
	if (key == OPT_BACKLOG)
		return flag_help(text, &backlog, defaults.backlog);
	if (key == OPT_WORKERS)
		return flag_help(text, &workers, defaults.workers);
	if (key == OPT_PORT)
		return flag_help(text, &port, defaults.port);
	return (char *)text;
}

/* The load's options into the run's; --quick shortens what was not given. */
static void take_load_flags(struct run_opts *o, const struct load_flags *f)
{
	o->connections = f->o.connections;
	o->duration_s = f->o.duration_s;
	o->warmup_s = f->o.warmup_s;
	o->timeout_s = f->o.timeout_s;
	o->rate = f->o.rate;
	o->users = f->o.users;
	o->spawn_rate = f->o.spawn_rate;
	o->think_min_s = f->o.think_min_s;
	o->think_max_s = f->o.think_max_s;
	o->quiet = f->quiet;
	o->strict = f->o.strict;
	if (o->quick && !LOAD_FLAG_GIVEN(f, LOAD_FLAG_DURATION))
		o->duration_s = 1.5;
	/* the user's tool ends when it ends: --duration only bounds it */
	if (o->load_cmd[0] && !LOAD_FLAG_GIVEN(f, LOAD_FLAG_DURATION))
		o->duration_s = LOAD_CMD_CEILING_S;
	if (o->quick && !LOAD_FLAG_GIVEN(f, LOAD_FLAG_WARMUP))
		o->warmup_s = 0.3;
	/* a sweep's steps: short, there are a dozen of them per model */
	o->step_s = o->quick ? 0.3 : 1;
}

/* Each load host opens at least one connection (a user each): 2 if not. */
static int load_hosts_have_work(const struct run_opts *o)
{
	bool users = false;

	for (int i = 0; i < nscenarios; i++)
		users |= o->scenario[i] && scenarios[i].kind == SCENARIO_USERS;
	if (o->nload_hosts > o->connections || (users && o->nload_hosts > o->users)) {
		fprintf(stderr,
			"harness run: %d load hosts need at least as many connections (and "
			"users): each opens its share\n",
			o->nload_hosts);
		return 2;
	}
	return 0;
}

int run_opts_parse(int argc, char **argv, struct run_opts *o)
{
	static const struct argp_child children[] = { { &load_flags_argp, 0, NULL, 0 }, { 0 } };
	static const struct argp argp = { options, parse_opt, "all | MODEL...", doc, children,
					  help,	   0 };
	struct parse p = { .o = o };

	*o = defaults;
	for (int i = 0; i < nscenarios; i++)
		o->scenario[i] = scenarios[i].by_default;
	/* argp_error exits with argp_err_exit_status: bad usage is 2 */
	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &p))
		return 2;
	take_load_flags(o, &p.load);
	return load_hosts_have_work(o);
}
