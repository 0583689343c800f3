// SPDX-License-Identifier: MIT
/*
 * bench/probes: what the probes cost a server. The epoll server (one loop,
 * pinned to CPU 0, in a cgroup of its own) under harness load's kept-alive
 * throughput scenario (in process, one thread pinned to CPU 1), measured
 * five ways each round: without probes; with a two-instruction program on
 * each of their tp_btf hooks and on cpu_profile's cpu-clock events (what
 * the kernel charges for the hooks alone, the floor of any probe resting
 * on them); with all of them; with all of
 * them timing every syscall (--exact-syscall-times); and with all of them
 * and the kernel's BPF run-time statistics on (as `harness run` has them,
 * for each probe's cost). The order turns round by round, so drift
 * on a shared machine falls on every side. Prints requests/s each way and
 * their ratios, the server's CPU time per request, and each probe's runs
 * per request and ns per run. Not a test: figures move from run to run;
 * compare within one run.
 */
#include "harness/sandbox/cgroup.h"
#include "harness/load/load.h"
#include "harness/sandbox/server_proc.h"
#include "probes/cgroup_perf.h"
#include "probes/hooks.h"
#include "probes/probes.h"
#include "common/flags.h"

#include <argp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_ROUNDS 50

enum mode {
	WITHOUT,
	HOOKS,
	WITH,
	WITH_EXACT,
	WITH_COST,
	MODES
};

/* each mode: its column heading, and what it is */
static const struct {
	const char *column, *name;
} modes[MODES] = {
	[WITHOUT] = { "without r/s", "without probes" },
	[HOOKS] = { "hooks r/s", "empty programs on the probes' hooks" },
	[WITH] = { "with r/s", "with probes" },
	[WITH_EXACT] = { "exact r/s", "with probes, every syscall timed" },
	[WITH_COST] = { "+stats r/s", "with probes and BPF statistics" },
};

static struct env {
	int rounds;
	double duration_s, warmup_s;
	unsigned connections;
	int server_cpu, load_cpu;
	const char *server;
	unsigned only;
} env = { .rounds = 5,
	  .duration_s = 5,
	  .warmup_s = 1,
	  .connections = 50,
	  .server_cpu = 0,
	  .load_cpu = 1 };

static const char doc[] =
	"What the probes cost a server: the epoll server under kept-alive load,\n"
	"without probes, with all of them, and with all of them and the BPF\n"
	"run-time statistics on, round after round.\n"
	"\n"
	"USAGE: bench/probes [OPTION...]   (as root)\n"
	"\n"
	"EXAMPLES:\n"
	"    build/bench/probes                    # 5 rounds of 5 x 5 s\n"
	"    build/bench/probes -r 30 -d 1 -w 0.3  # short runs: less drift within a round\n"
	"    build/bench/probes -r 10 -d 3 -c 100\n"
	"    build/bench/probes -p syscalls        # one probe alone\n";

static const struct argp_option opts[] = {
	{ "rounds", 'r', "N", 0, "Rounds, each one run of each kind (default 5)", 0 },
	{ "duration", 'd', "TIME", 0, "Measured load per run (default 5s)", 0 },
	{ "warmup", 'w', "TIME", 0, "Unmeasured load before each run (default 1s)", 0 },
	{ "connections", 'c', "N", 0, "Kept-alive connections (default 50)", 0 },
	{ "server", 's', "PATH", 0, "Server binary (default: server-epoll of this build)", 0 },
	{ "probes", 'p', "LIST", 0, "Only these probes, e.g. syscalls,sched (default: all)", 0 },
	{},
};

/* as harness load takes them */
static const struct units_spec rounds = { "--rounds", UNITS_COUNT, 1, MAX_ROUNDS };
static const struct units_spec duration = { "--duration", UNITS_DURATION, LOAD_MIN_DURATION_S,
					    LOAD_MAX_DURATION_S };
/* a warm-up of 0 would be load_run's default duration: some warm-up it is */
static const struct units_spec warmup = { "--warmup", UNITS_DURATION, LOAD_MIN_DURATION_S,
					  LOAD_MAX_DURATION_S };
static const struct units_spec connections = { "--connections", UNITS_COUNT, 1,
					       LOAD_MAX_CONNECTIONS };

static error_t parse(int key, char *arg, struct argp_state *state)
{
	char *save;

	switch (key) {
	case 'r':
		env.rounds = flag_value(state, &rounds, arg);
		break;
	case 'd':
		env.duration_s = flag_value(state, &duration, arg);
		break;
	case 'w':
		env.warmup_s = flag_value(state, &warmup, arg);
		break;
	case 'c':
		env.connections = flag_value(state, &connections, arg);
		break;
	case 's':
		env.server = arg;
		break;
	case 'p':
		for (char *name = strtok_r(arg, ",", &save); name;
		     name = strtok_r(NULL, ",", &save)) {
			int k = probe_kind_of(name);

			if (k < 0)
				argp_error(state, "no probe %s", name);
			env.only |= 1u << k;
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct measure {
	double rps;
	double cpu_us_per_req; /* the server's cgroup */
	__u64 requests;
	struct prog_cost cost[PROBE_KINDS];
	double syscalls_per_req, switches_per_req; /* the server's, as probed */
	double faults_per_req;
};

static struct probes_stats stats; /* big: not on the stack */

#define MAX_HOOKS 32

static void hooks_detach(int links[MAX_HOOKS], int n)
{
	for (int i = 0; i < n; i++)
		close(links[i]);
}

/*
 * An empty program on the cgroup's cpu-clock events, sampling as
 * cpu_profile does: what its timer interrupts cost. The events go into
 * links after the n there (closing one detaches it): how many then, or
 * -errno with all of links closed.
 */
static int perf_attach_empty(int links[MAX_HOOKS], int n, const struct cgroup *cg)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = CPU_PROFILE_PERIOD_NS,
		.disabled = 1,
	};
	int prog = hook_empty_prog("perf_event"), dir, err;
	struct cgroup_perf c = {};
	char why[160];

	dir = cgroup_perf_dir(cg->id, 0, why, sizeof(why));
	err = prog < 0	? prog
	      : dir < 0 ? dir
			: cgroup_perf_open_attr(&c, dir, &a, why, sizeof(why));
	for (int cpu = 0; !err && cpu < c.ncpus; cpu++) {
		if (c.fd[cpu] < 0)
			continue;
		if (n == MAX_HOOKS)
			err = -E2BIG;
		else if (ioctl(c.fd[cpu], PERF_EVENT_IOC_SET_BPF, prog) ||
			 ioctl(c.fd[cpu], PERF_EVENT_IOC_ENABLE, 0))
			err = -errno;
		else
			links[n++] = c.fd[cpu], c.fd[cpu] = -1;
	}
	cgroup_perf_close(&c);
	if (dir >= 0)
		close(dir);
	if (prog >= 0)
		close(prog);
	if (err)
		hooks_detach(links, n);
	return err ? err : n;
}

/* An empty program on every tp_btf hook of the probes, and on
 * cpu_profile's perf events: how many links, or -errno. */
static int hooks_attach_empty(int links[MAX_HOOKS], const struct cgroup *cg)
{
	int n = 0;

	for (int k = 0; k < PROBE_KINDS; k++) {
		if (env.only && !(env.only & (1u << k)))
			continue;
		for (const struct probe_hook *h = probe_hooks(k); h->sec && n < MAX_HOOKS; h++) {
			int prog, link, err;

			if (!strcmp(h->sec, "perf_event")) {
				n = perf_attach_empty(links, n, cg);
				if (n < 0)
					return n;
				continue;
			}
			if (strncmp(h->sec, "tp_btf/", 7))
				continue;
			prog = hook_empty_prog(h->sec);
			if (prog < 0)
				continue; /* a hook this kernel lacks: the probe goes without */
			link = bpf_raw_tracepoint_open(NULL, prog);
			err = -errno;
			close(prog); /* the link holds it */
			if (link < 0) {
				hooks_detach(links, n);
				return err;
			}
			links[n++] = link;
		}
	}
	return n;
}

/* One load of env.duration_s after a warm-up, the probes as mode says. */
static int measure(const char *url, const struct cgroup *cg, pid_t server, enum mode mode,
		   struct measure *m)
{
	int cpus[1] = { env.load_cpu };
	struct load_opts o = {
		.url = url, .connections = env.connections, .threads = 1, .cpus = cpus, .ncpus = 1
	};
	struct probe_target t = { .cgroup_id = cg->id, .pid = server };
	struct probes_opts po = { .only = env.only,
				  .no_cost = mode != WITH_COST,
				  .time_every_syscall = mode == WITH_EXACT };
	struct cgroup_cpu c0, c1;
	struct probes *ps = NULL;
	struct load_result r;
	int links[MAX_HOOKS], nlinks = 0, err;

	memset(m, 0, sizeof(*m));
	if (mode == HOOKS) {
		nlinks = hooks_attach_empty(links, cg);
		if (nlinks < 0) {
			fprintf(stderr, "bench/probes: attaching empty programs: %s\n",
				strerror(-nlinks));
			return nlinks;
		}
	} else if (mode != WITHOUT) {
		err = probes_open(&ps, &t, &po);
		if (err)
			return err;
		probes_attach(ps);
		for (int k = 0; k < PROBE_KINDS; k++)
			if (!ps->status[k].available && (!env.only || env.only & (1u << k)))
				fprintf(stderr, "bench/probes: %s unavailable: %s\n", probe_name(k),
					ps->status[k].why);
	}
	/* warm-up: the server's caches and the connections, unmeasured */
	o.duration_s = env.warmup_s;
	err = load_run(&o, &r);
	load_result_free(&r);
	if (err)
		goto out;
	o.duration_s = env.duration_s;
	if (ps)
		probes_reset(ps);
	cgroup_cpu(cg, &c0);
	err = load_run(&o, &r);
	cgroup_cpu(cg, &c1);
	if (err) {
		fprintf(stderr, "bench/probes: load: %s\n", r.error);
		load_result_free(&r);
		goto out;
	}
	m->rps = r.rate;
	m->requests = r.requests;
	m->cpu_us_per_req = r.requests ? (double)(c1.usage_us - c0.usage_us) / r.requests : 0;
	if (r.errors_total)
		fprintf(stderr, "bench/probes: %llu errors in the load\n",
			(unsigned long long)r.errors_total);
	load_result_free(&r);
	if (ps && !(err = probes_read(ps, &stats))) {
		for (int k = 0; k < PROBE_KINDS; k++) {
			const struct prog_cost *c = probes_cost(&stats, k);

			if (c)
				m->cost[k] = *c;
		}
		if (m->requests) {
			m->syscalls_per_req = (double)stats.syscalls.calls / m->requests;
			m->switches_per_req =
				(double)(stats.sched.voluntary + stats.sched.involuntary) /
				m->requests;
			m->faults_per_req = (double)stats.page_faults.faults / m->requests;
		}
	}
out:
	probes_destroy(ps);
	hooks_detach(links, nlinks);
	return err;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), by_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(struct measure m[][MODES])
{
	double rps[MODES][MAX_ROUNDS], cpu[MODES][MAX_ROUNDS], ratio[MODES][MAX_ROUNDS];
	int n = env.rounds;

	printf("\n%-6s", "round");
	for (int k = 0; k < MODES; k++)
		printf(" %12s %7s", modes[k].column, k == WITHOUT ? "us/req" : "ratio");
	printf("\n");
	for (int i = 0; i < n; i++) {
		printf("%-6d", i + 1);
		for (int k = 0; k < MODES; k++) {
			rps[k][i] = m[i][k].rps;
			cpu[k][i] = m[i][k].cpu_us_per_req;
			ratio[k][i] = m[i][WITHOUT].rps ? m[i][k].rps / m[i][WITHOUT].rps : 0;
			printf(" %12.0f %7.3f", rps[k][i], k == WITHOUT ? cpu[k][i] : ratio[k][i]);
		}
		printf("\n");
	}
	printf("%-6s", "median");
	for (int k = 0; k < MODES; k++)
		printf(" %12.0f %7.3f", median(rps[k], n),
		       k == WITHOUT ? median(cpu[k], n) : median(ratio[k], n));
	printf("\n\n");
	for (int k = HOOKS; k < MODES; k++)
		printf("%-36s %5.1f%% fewer requests/s (median of the ratios), server CPU per "
		       "request %.2f us (%+.1f%%)\n",
		       modes[k].name, 100 * (1 - median(ratio[k], n)), median(cpu[k], n),
		       100 * (median(cpu[k], n) / median(cpu[WITHOUT], n) - 1));
	printf("%-36s server CPU per request %.2f us\n", modes[WITHOUT].name,
	       median(cpu[WITHOUT], n));
	for (int i = 0; i < n; i++) {
		rps[0][i] = m[i][WITH].syscalls_per_req;
		rps[1][i] = m[i][WITH].switches_per_req;
		rps[2][i] = m[i][WITH].faults_per_req;
	}
	printf("the server per request: %.2f syscalls, %.3f context switches, %.4f page faults "
	       "(as probed)\n",
	       median(rps[0], n), median(rps[1], n), median(rps[2], n));

	printf("\n%-14s %10s %10s %10s %12s\n", "probe", "runs/req", "ns/run", "ns/req", "runs/s");
	for (int p = 0; p <= PROBE_KINDS; p++) {
		double per_req[MAX_ROUNDS], ns[MAX_ROUNDS], ns_req[MAX_ROUNDS], rate[MAX_ROUNDS];

		for (int i = 0; i < n; i++) {
			const struct measure *w = &m[i][WITH_COST];
			struct prog_cost c = { 0 };

			for (int j = 0; j < PROBE_KINDS; j++)
				if (j == p || p == PROBE_KINDS) {
					c.events += w->cost[j].events;
					c.run_ns += w->cost[j].run_ns;
				}
			per_req[i] = w->requests ? (double)c.events / w->requests : 0;
			ns[i] = c.events ? (double)c.run_ns / c.events : 0;
			ns_req[i] = w->requests ? (double)c.run_ns / w->requests : 0;
			rate[i] = c.events / env.duration_s;
		}
		printf("%-14s %10.2f %10.0f %10.0f %12.0f\n",
		       p < PROBE_KINDS ? probe_name(p) : "all", median(per_req, n), median(ns, n),
		       median(ns_req, n), median(rate, n));
	}
	printf("(medians over %d rounds, from the BPF statistics: every run of the probe's\n"
	       " programs on every CPU, those that find no target task included)\n",
	       n);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse, NULL, doc, NULL, NULL, NULL };
	static struct measure m[MAX_ROUNDS][MODES];
	const char *sargv[] = { NULL, "--port", "0", "--workers", "1", NULL };
	char server[PATH_MAX], exe[PATH_MAX], url[64];
	struct server_proc sp = { .pid = -1 };
	struct cgroup cg = { .path = "" };
	struct server_spec spec;
	cpu_set_t cpus;
	ssize_t len;
	int err = 1;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	if (geteuid()) {
		fprintf(stderr, "bench/probes: needs root (BPF, cgroups)\n");
		return 1;
	}
	libbpf_set_print(NULL);
	if (env.server) {
		snprintf(server, sizeof(server), "%s", env.server);
	} else {
		/* build/bench/probes -> build/server-epoll */
		len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[len > 0 ? len : 0] = '\0';
		snprintf(server, sizeof(server), "%s/server-epoll", dirname(dirname(exe)));
	}
	sargv[0] = server;
	CPU_ZERO(&cpus);
	CPU_SET(env.server_cpu, &cpus);
	spec = (struct server_spec){ .argv = sargv, .cpus = &cpus, .drop_root = true };
	if ((err = cgroup_create(&cg, "bench-probes"))) {
		fprintf(stderr, "bench/probes: failed to create cgroup: %s\n", strerror(-err));
		return 1;
	}
	spec.cg = &cg;
	err = server_proc_start(&sp, &spec, 5000);
	if (err) {
		fprintf(stderr, "bench/probes: failed to start %s: %s\n", server, strerror(-err));
		goto out;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", sp.port);
	printf("bench/probes: %s (1 loop, CPU %d) under harness load (%u connections kept "
	       "alive, 1 thread, CPU %d)\n%d rounds of %d runs of %g s (%g s of warm-up "
	       "each):\n",
	       basename(server), env.server_cpu, env.connections, env.load_cpu, env.rounds, MODES,
	       env.duration_s, env.warmup_s);
	for (int k = 0; k < MODES; k++)
		printf("  %-12s %s\n", modes[k].column, modes[k].name);
	for (int i = 0; i < env.rounds; i++) {
		for (int j = 0; j < MODES; j++) {
			enum mode mode = (i + j) % MODES; /* each round starts one later */

			err = measure(url, &cg, sp.pid, mode, &m[i][mode]);
			if (err) {
				fprintf(stderr, "bench/probes: round %d: %s\n", i + 1,
					strerror(-err));
				goto out;
			}
		}
		fprintf(stderr, "round %d:", i + 1);
		for (int k = 0; k < MODES; k++)
			fprintf(stderr, " %.0f %s%s", m[i][k].rps, modes[k].column,
				k + 1 < MODES ? "," : "\n");
	}
	report(m);
	err = 0;
out:
	if (sp.pid > 0)
		server_proc_stop(&sp, 5000);
	cgroup_destroy(&cg);
	return err ? 1 : 0;
}
