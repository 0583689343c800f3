// SPDX-License-Identifier: MIT
/* sched probe, user space: check the hooks, load, attach, read. */
#include "probes/sched_probe.h"
#include "probes/hist_json.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/stats_json.h"
#include "probes/sched.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct sched_probe {
	struct sched_bpf *skel;
	int ncpus;
	struct sched_counts *vals; /* every CPU's counters, for reads */
	bool have_runq, have_tasks, have_migrations;
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
	if (p->ncpus <= 0 || !p->vals) {
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

int sched_probe_reset(void *probe)
{
	struct sched_probe *p = probe;
	__u32 zero = 0;

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
	free(p);
}

/* ------------------------------------------------------------ output */

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
	.yields = "context switches, run-queue latency, off-CPU time, tasks created, migrations",
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
