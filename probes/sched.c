// SPDX-License-Identifier: MIT
/* sched probe, user space: check the hooks, load, attach, read. */
#include "probes/sched_probe.h"
#include "common/clock.h"
#include "probes/hist_json.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/stats_json.h"
#include "probes/syscalls_probe.h"
#include "probes/sched.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sched_probe {
	struct sched_bpf *skel;
	int ncpus;
	struct sched_counts *vals; /* every CPU's counters, for reads */
	/* every CPU's tallies: looked up twice at a read, to compare */
	struct sched_tallies *tallies, *again;
	struct sched_tally sum;	   /* the account a read adds up */
	__u64 idle_tasks, idle_ns; /* ... and the tasks it leaves out */
	bool have_runq, have_tasks, have_migrations, have_account;
	struct prog_cost cost_base;
	char why[192];
};

/*
 * Turns off the programs of one figure when a hook of it is missing, and
 * says so. Returns whether the figure is measured.
 */
static bool figure_hooks(struct sched_probe *p, const char *figure,
			 struct bpf_program *const progs[], int n)
{
	char why[128];
	bool ok = true;

	for (int i = 0; i < n && ok; i++)
		ok = !hook_exists(bpf_program__section_name(progs[i]), why, sizeof(why));
	for (int i = 0; i < n && !ok; i++)
		bpf_program__set_autoload(progs[i], false);
	if (!ok)
		add_why(p->why, sizeof(p->why), "%s: %s", figure, why);
	return ok;
}

int sched_probe_open(void **probe, const struct probe_target *t, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = hooks_env.btf_path);
	struct sched_probe *p;
	int err;

	*probe = NULL;
	why[0] = '\0';
	if (!kernel_at_least(5, 11)) {
		snprintf(why, len, "needs Linux 5.11 (task storage in tracing programs)");
		return -EOPNOTSUPP;
	}
	err = hook_exists("tp_btf/sched_switch", why, len);
	if (err)
		return err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ncpus = libbpf_num_possible_cpus();
	p->vals = calloc(p->ncpus > 0 ? p->ncpus : 1, sizeof(*p->vals));
	p->tallies = calloc(p->ncpus > 0 ? p->ncpus : 1, sizeof(*p->tallies));
	p->again = calloc(p->ncpus > 0 ? p->ncpus : 1, sizeof(*p->again));
	if (p->ncpus <= 0 || !p->vals || !p->tallies || !p->again) {
		err = -ENOMEM;
		goto fail;
	}
	p->skel = sched_bpf__open_opts(&opts);
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "failed to open BPF object: %s", strerror(-err));
		goto fail;
	}
	p->skel->rodata->target_cgroup_id = t->cgroup_id;
	p->have_runq = figure_hooks(p, "run-queue latency",
				    (struct bpf_program *[]){ p->skel->progs.sched_wakeup,
							      p->skel->progs.sched_wakeup_new },
				    2);
	p->have_tasks = figure_hooks(p, "tasks created and exited",
				     (struct bpf_program *[]){ p->skel->progs.sched_process_fork,
							       p->skel->progs.sched_process_exit },
				     2);
	p->have_migrations =
		figure_hooks(p, "migrations",
			     (struct bpf_program *[]){ p->skel->progs.sched_migrate_task }, 1);
	p->have_account = figure_hooks(p, "time account",
				       (struct bpf_program *[]){ p->skel->progs.task_states }, 1);
	p->skel->rodata->have_wakeups = p->have_runq;
	if (p->have_account && !kernel_at_least(5, 12)) {
		bpf_program__set_autoload(p->skel->progs.task_states, false);
		p->have_account = false;
		add_why(p->why, sizeof(p->why), "time account: needs Linux 5.12 (atomic exchange)");
	}
	p->skel->rodata->have_account = p->have_account;
	if (p->have_account && !kernel_at_least(5, 15)) {
		p->skel->rodata->have_task_pt_regs = false;
		add_why(p->why, sizeof(p->why),
			"blocked time by syscall: needs Linux 5.15 (bpf_task_pt_regs)");
	}
	err = sched_bpf__load(p->skel);
	if (err) {
		hooks_load_why(err, why, len);
		goto fail;
	}
	*probe = p;
	return 0;
fail:
	sched_probe_destroy(p);
	return err;
}

int sched_probe_attach(void *probe, char *why, size_t len)
{
	struct sched_probe *p = probe;
	int err;

	why[0] = '\0';
	err = sched_bpf__attach(p->skel);
	if (err) {
		snprintf(why, len, "failed to attach to the sched tracepoints: %s", strerror(-err));
		return err;
	}
	return sched_probe_reset(p);
}

/* Every CPU's tallies, looked up into to. */
static int tallies_lookup(struct sched_probe *p, struct sched_tallies *to)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.tallies), &zero, to))
		return -errno;
	return 0;
}

int sched_probe_reset(void *probe)
{
	struct sched_probe *p = probe;
	__u32 zero = 0;

	/* the window starts before the tallies are zeroed: a state ending in
	 * between is lost, where the other order would count it from before */
	p->skel->bss->cut_ns = 0;
	p->skel->bss->window_ns = mono_ns();
	memset(p->tallies, 0, p->ncpus * sizeof(*p->tallies));
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.tallies), &zero, p->tallies, BPF_ANY))
		return -errno;
	memset(p->vals, 0, p->ncpus * sizeof(*p->vals));
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.counts), &zero, p->vals, BPF_ANY))
		return -errno;
	/* global data is mmap()ed: plain stores reach the programs */
	p->skel->bss->tasks_alive = 0;
	p->skel->bss->tasks_peak = 0;
	return prog_cost_read(p->skel->obj, &p->cost_base);
}

static void hist_add(struct log2_hist *to, const struct log2_hist *h)
{
	for (int i = 0; i < LOG2_SLOTS; i++)
		to->slots[i] += h->slots[i];
}

/* Adds (sign 1) or takes off (-1) one of every CPU's tallies (its offset
 * in struct sched_tallies) to p->sum: unsigned, so a take-off before the
 * add wraps and comes back. */
static void tally_sum(struct sched_probe *p, const struct sched_tallies *per_cpu, size_t off,
		      int sign)
{
	__u64 *to = (__u64 *)&p->sum;

	/* all of struct sched_tally is __u64 counters */
	for (int c = 0; c < p->ncpus; c++) {
		const __u64 *v = (const __u64 *)((const char *)&per_cpu[c] + off);

		for (size_t i = 0; i < sizeof(p->sum) / sizeof(__u64); i++)
			to[i] += sign * v[i];
	}
}

/* Runs the task iterator: adds each task's state in progress, and its life,
 * up to the cut. */
static int open_states_sum(struct sched_probe *p)
{
	struct sched_open o[64];
	ssize_t n;
	int fd;

	fd = bpf_iter_create(bpf_link__fd(p->skel->links.task_states));
	if (fd < 0)
		return -errno;
	while ((n = read(fd, o, sizeof(o))) > 0)
		for (size_t i = 0; i < n / sizeof(o[0]); i++) {
			/* blocked since before the window (or since it began):
			 * it served nothing in it, a thread waiting for a signal */
			if (o[i].state == SCHED_BLOCKED && o[i].ns >= o[i].life_ns) {
				p->idle_tasks++;
				p->idle_ns += o[i].ns;
				continue;
			}
			p->sum.life_ns += o[i].life_ns;
			if (o[i].state == SCHED_RUNNING)
				p->sum.running_ns += o[i].ns;
			else if (o[i].state == SCHED_RUNNABLE)
				p->sum.runnable_ns += o[i].ns;
			else if (o[i].state == SCHED_BLOCKED && o[i].slot < SCHED_BLOCK_SLOTS)
				p->sum.blocked_ns[o[i].slot] += o[i].ns;
		}
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static int by_ns_desc(const void *a, const void *b)
{
	const struct sched_blocked *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? 1 : -1;
	return x->nr - y->nr;
}

/* The account's rows, from the summed tally. */
static void account_fill(const struct sched_tally *y, struct sched_stats *s)
{
	static const char *const kinds[] = {
		[SCHED_BLOCK_NO_SYSCALL - SYSCALL_SLOTS] = "not in a syscall",
		[SCHED_BLOCK_IO_WORKER - SYSCALL_SLOTS] = "io_uring worker",
		[SCHED_BLOCK_KTHREAD - SYSCALL_SLOTS] = "kernel thread",
	};

	s->life_ns = y->life_ns;
	s->running_ns = y->running_ns;
	s->runnable_ns = y->runnable_ns;
	for (int k = 0; k < SCHED_BLOCK_SLOTS; k++) {
		struct sched_blocked *b = &s->blocked[s->nblocked];

		if (!y->blocked_ns[k] && !y->blocks[k])
			continue;
		b->ns = y->blocked_ns[k];
		b->blocks = y->blocks[k];
		if (k < SYSCALL_SLOTS) {
			b->nr = k;
			syscall_name(k, b->name, sizeof(b->name));
		} else {
			b->nr = -1;
			snprintf(b->name, sizeof(b->name), "%s", kinds[k - SYSCALL_SLOTS]);
			s->blocked_nosys_ns += b->ns;
		}
		s->blocked_ns += b->ns;
		s->nblocked++;
	}
	qsort(s->blocked, s->nblocked, sizeof(s->blocked[0]), by_ns_desc);
}

/*
 * The account at one moment, the cut: the states that ended in the window
 * less those that ended past the cut, plus the parts before the cut of
 * those in progress then, from their ends (straddle) or the iterator. The
 * late and straddle tallies grow from read to read: what they held before
 * the cut (nothing is added to them between reads) is taken off.
 */
static int account_read(struct sched_probe *p, struct sched_stats *s)
{
	size_t size = p->ncpus * sizeof(*p->tallies);
	int err, tries = 0;

	memset(&p->sum, 0, sizeof(p->sum));
	p->idle_tasks = p->idle_ns = 0;
	if ((err = tallies_lookup(p, p->again)))
		return err;
	tally_sum(p, p->again, offsetof(struct sched_tallies, late), 1);
	tally_sum(p, p->again, offsetof(struct sched_tallies, straddle), -1);
	p->skel->bss->cut_ns = mono_ns();
	err = open_states_sum(p);
	if (err < 0)
		goto out;
	/* all three tallies as at one moment: two lookups alike, with no
	 * state ending during either (a few tries; after the load, at once) */
	err = tallies_lookup(p, p->tallies);
	while (!err && ++tries < 100 && !(err = tallies_lookup(p, p->again)) &&
	       memcmp(p->tallies, p->again, size))
		memcpy(p->tallies, p->again, size);
	if (err)
		goto out;
	tally_sum(p, p->tallies, offsetof(struct sched_tallies, window), 1);
	tally_sum(p, p->tallies, offsetof(struct sched_tallies, late), -1);
	tally_sum(p, p->tallies, offsetof(struct sched_tallies, straddle), 1);
	account_fill(&p->sum, s);
	s->idle_tasks = p->idle_tasks;
	s->idle_ns = p->idle_ns;
	s->have_account = true;
out:
	p->skel->bss->cut_ns = 0;
	return err;
}

int sched_probe_read(void *probe, void *out)
{
	struct sched_probe *p = probe;
	struct sched_stats *s = out;
	__u32 zero = 0;

	memset(s, 0, sizeof(*s));
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.counts), &zero, p->vals))
		return -errno;
	for (int c = 0; c < p->ncpus; c++) {
		const struct sched_counts *v = &p->vals[c];

		s->voluntary += v->voluntary;
		s->involuntary += v->involuntary;
		s->oncpu_ns += v->oncpu_ns;
		s->charged_ns += v->charged_ns;
		s->unseen_ins += v->unseen_ins;
		s->unseen_outs += v->unseen_outs;
		s->offcpu_ns += v->offcpu_ns;
		s->runq_ns += v->runq_ns;
		s->migrations += v->migrations;
		s->procs_created += v->procs_created;
		s->threads_created += v->threads_created;
		s->procs_exited += v->procs_exited;
		s->threads_exited += v->threads_exited;
		hist_add(&s->oncpu, &v->oncpu);
		hist_add(&s->offcpu, &v->offcpu);
		hist_add(&s->runq, &v->runq);
	}
	s->tasks_peak = p->skel->bss->tasks_peak;
	s->have_runq = p->have_runq;
	s->have_tasks = p->have_tasks;
	s->have_migrations = p->have_migrations;
	if (p->have_account) {
		int err = account_read(p, s);

		if (err)
			return err;
	}
	snprintf(s->why, sizeof(s->why), "%s", p->why);
	prog_cost_since(p->skel->obj, &p->cost_base, &s->cost);
	return 0;
}

void sched_probe_destroy(void *probe)
{
	struct sched_probe *p = probe;

	if (!p)
		return;
	sched_bpf__destroy(p->skel);
	free(p->vals);
	free(p->tallies);
	free(p->again);
	free(p);
}

/* ------------------------------------------------------------ output */

#define ACCOUNT_ROWS 10 /* the syscalls blocked in longest; the rest in one line */

static double share(__u64 part, __u64 whole)
{
	return whole ? 100.0 * part / whole : 0;
}

static void account_print(FILE *f, const struct sched_stats *s)
{
	__u64 sum = s->running_ns + s->runnable_ns + s->blocked_ns, rest = 0;

	fprintf(f,
		"\n  the tasks' time in the window, summed over them: alive %.3f s\n"
		"    running %.3f s (%.1f%%), runnable %.3f s (%.1f%%), blocked %.3f s (%.1f%%):\n"
		"    %.1f%% of their life\n",
		s->life_ns / 1e9, s->running_ns / 1e9, share(s->running_ns, sum),
		s->runnable_ns / 1e9, share(s->runnable_ns, sum), s->blocked_ns / 1e9,
		share(s->blocked_ns, sum), share(sum, s->life_ns));
	if (s->idle_tasks)
		fprintf(f, "    and %llu task(s) blocked throughout, left out (%.3f s)\n",
			(unsigned long long)s->idle_tasks, s->idle_ns / 1e9);
	if (!s->nblocked)
		return;
	fprintf(f, "    %-22s %12s %8s %10s\n", "blocked in", "ms", "share", "blocks");
	for (int i = 0; i < s->nblocked; i++) {
		const struct sched_blocked *b = &s->blocked[i];

		if (i >= ACCOUNT_ROWS) {
			rest += b->ns;
			continue;
		}
		fprintf(f, "    %-22s %12.3f %7.1f%% %10llu\n", b->name, b->ns / 1e6,
			share(b->ns, s->blocked_ns), (unsigned long long)b->blocks);
	}
	if (s->nblocked > ACCOUNT_ROWS)
		fprintf(f, "    ... %d more, %.3f ms\n", s->nblocked - ACCOUNT_ROWS, rest / 1e6);
}

void sched_stats_print(FILE *f, const void *stats)
{
	const struct sched_stats *s = stats;
	__u64 sw = s->voluntary + s->involuntary;

	fprintf(f, "scheduler\n");
	fprintf(f,
		"  context switches %llu: voluntary %llu (blocked), involuntary %llu (preempted, %.1f%%)\n",
		(unsigned long long)sw, (unsigned long long)s->voluntary,
		(unsigned long long)s->involuntary, sw ? 100.0 * s->involuntary / sw : 0.0);
	fprintf(f, "  on CPU %.3f s (charged %.3f s), off CPU (blocked) %.3f s", s->oncpu_ns / 1e9,
		s->charged_ns / 1e9, s->offcpu_ns / 1e9);
	if (s->have_runq)
		fprintf(f, ", waiting on a run queue %.3f s", s->runq_ns / 1e9);
	fprintf(f, "\n");
	if (s->unseen_ins || s->unseen_outs)
		fprintf(f,
			"  switches the tracepoint never reported: %llu in, %llu out (each stay's "
			"length then from the task's own runtime, se.sum_exec_runtime)\n",
			(unsigned long long)s->unseen_ins, (unsigned long long)s->unseen_outs);
	/* the kernel's count (cpu.stat's) against the stays: a wakeup's price */
	if (s->voluntary && s->charged_ns > s->oncpu_ns * 1.05)
		fprintf(f,
			"  charged %.2f us a voluntary switch more than it ran: a woken task is\n"
			"  charged from its wakeup, leaving idle and switching to it included\n",
			(s->charged_ns - s->oncpu_ns) / 1e3 / s->voluntary);
	if (s->have_tasks)
		fprintf(f,
			"  created %llu processes and %llu threads; %llu processes and %llu threads exited;\n"
			"  at most %lld more tasks alive at once than at the start\n",
			(unsigned long long)s->procs_created,
			(unsigned long long)s->threads_created, (unsigned long long)s->procs_exited,
			(unsigned long long)s->threads_exited, (long long)s->tasks_peak);
	if (s->have_migrations)
		fprintf(f, "  CPU migrations %llu\n", (unsigned long long)s->migrations);
	if (s->have_runq) {
		fprintf(f, "\n  run-queue latency (runnable to running):\n");
		print_log2_hist_ns_as_us(f, &s->runq);
	}
	if (s->have_account)
		account_print(f, s);
	fprintf(f, "\n  off-CPU time (blocked to running):\n");
	print_log2_hist_ns_as_us(f, &s->offcpu);
	fprintf(f, "\n  on-CPU time (each stay on a CPU):\n");
	print_log2_hist_ns_as_us(f, &s->oncpu);
	if (s->why[0])
		fprintf(f, "  missing: %s\n", s->why);
}

/* ------------------------------------------------------------ results.json */

static const struct jm_field tasks_fields[] = {
	JM_U64(struct sched_stats, "procs_created", procs_created),
	JM_U64(struct sched_stats, "threads_created", threads_created),
	JM_U64(struct sched_stats, "procs_exited", procs_exited),
	JM_U64(struct sched_stats, "threads_exited", threads_exited),
	/* an __s64, but never below 0: a peak of a count from 0 */
	JM_U64(struct sched_stats, "peak_above_start", tasks_peak),
};
JM_TABLE(tasks_table, tasks_fields);

static const struct jm_field blocked_fields[] = {
	JM_STR(struct sched_blocked, "name", name),
	JM_INT(struct sched_blocked, "nr", nr),
	JM_U64(struct sched_blocked, "ns", ns),
	JM_U64(struct sched_blocked, "blocks", blocks),
};
JM_TABLE(blocked_table, blocked_fields);

static const struct jm_field account_fields[] = {
	JM_U64(struct sched_stats, "life_ns", life_ns),
	JM_U64(struct sched_stats, "running_ns", running_ns),
	JM_U64(struct sched_stats, "runnable_ns", runnable_ns),
	JM_U64(struct sched_stats, "blocked_ns", blocked_ns),
	JM_U64(struct sched_stats, "blocked_outside_syscalls_ns", blocked_nosys_ns),
	JM_ARRAY(struct sched_stats, "blocked_in", blocked, nblocked, blocked_table),
	JM_U64(struct sched_stats, "idle_tasks", idle_tasks),
	JM_U64(struct sched_stats, "idle_ns", idle_ns),
};
JM_TABLE(account_table, account_fields);

static bool has_why(const void *s)
{
	return ((const struct sched_stats *)s)->why[0];
}

/* a figure not measured is not in the record */
static const struct jm_field stats_fields[] = {
	JM_U64(struct sched_stats, "voluntary", voluntary),
	JM_U64(struct sched_stats, "involuntary", involuntary),
	JM_U64(struct sched_stats, "oncpu_ns", oncpu_ns),
	JM_U64(struct sched_stats, "charged_ns", charged_ns),
	JM_U64(struct sched_stats, "unseen_ins", unseen_ins),
	JM_U64(struct sched_stats, "unseen_outs", unseen_outs),
	JM_CODEC(struct sched_stats, "oncpu", oncpu, log2_hist_nsecs_json),
	JM_U64(struct sched_stats, "offcpu_ns", offcpu_ns),
	JM_CODEC(struct sched_stats, "offcpu", offcpu, log2_hist_nsecs_json),
	{ JM_FIELD("runq_ns", JM_M(struct sched_stats, runq_ns), JM_U64),
	  JM_HAVE(struct sched_stats, have_runq) },
	{ JM_FIELD("runq", JM_M(struct sched_stats, runq), JM_CODEC),
	  .codec = &log2_hist_nsecs_json, JM_HAVE(struct sched_stats, have_runq) },
	{ JM_FIELD("tasks", 0, JM_OBJ), .sub = &tasks_table,
	  JM_HAVE(struct sched_stats, have_tasks) },
	{ JM_FIELD("migrations", JM_M(struct sched_stats, migrations), JM_U64),
	  JM_HAVE(struct sched_stats, have_migrations) },
	/* a record from before the account has none: not measured */
	{ JM_FIELD("account", 0, JM_OBJ), .sub = &account_table,
	  JM_HAVE(struct sched_stats, have_account) },
	STATS_COST(struct sched_stats),
	STATS_MISSING(struct sched_stats, has_why),
};
JM_TABLE(stats_table, stats_fields);

json_t *sched_stats_to_json(const void *stats)
{
	return jm_to_json(stats, &stats_table);
}

int sched_stats_from_json(const json_t *j, void *stats)
{
	memset(stats, 0, sizeof(struct sched_stats));
	return jm_read(j, stats, &stats_table);
}

const struct probe_ops sched_probe_ops = {
	.name = "sched",
	.yields = "context switches, run-queue latency, off-CPU time, tasks created, migrations, "
		  "the tasks' time running, runnable and blocked (in what)",
	.open = sched_probe_open,
	.attach = sched_probe_attach,
	.read = sched_probe_read,
	.reset = sched_probe_reset,
	.destroy = sched_probe_destroy,
	.print = sched_stats_print,
	.to_json = sched_stats_to_json,
	.from_json = sched_stats_from_json,
	.cost = offsetof(struct sched_stats, cost),
	.why = offsetof(struct sched_stats, why),
};
