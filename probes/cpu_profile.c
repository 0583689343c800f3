// SPDX-License-Identifier: MIT
/*
 * cpu_profile probe, user space: the cgroup's cpu-clock events, the
 * program on each, and at read every kernel stack named with
 * /proc/kallsyms and sorted into its kind (probes/stack_kind.h).
 */
#include "probes/cpu_profile_probe.h"
#include "probes/cgroup_perf.h"
#include "probes/hooks.h"
#include "probes/ksyms.h"
#include "probes/stack_kind.h"
#include "probes/stats_json.h"
#include "probes/syscalls_probe.h"
#include "probes/cpu_profile.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cpu_profile_probe {
	struct cpu_profile_bpf *skel;
	struct cgroup_perf clock; /* the sampling events, one per CPU */
	struct bpf_link **links;  /* the program on each: they own clock.fd */
	int ncpus;
	struct prof_totals *vals; /* every CPU's totals, for reads */
	__u64 period_ns;
	struct prog_cost cost_base;
};

/* per-CPU map values are read as arrays of ncpus values of this size */
_Static_assert(sizeof(struct prof_totals) % 8 == 0, "per-CPU value size");

/* Can this kernel sample with a BPF program? 0, or -errno and why. */
static int sampling_possible(char *why, size_t len)
{
	int err;

	if (!kernel_at_least(5, 15)) {
		snprintf(why, len, "needs Linux 5.15 (bpf_task_pt_regs, for the syscall's number)");
		return -EOPNOTSUPP;
	}
	err = hook_exists("perf_event", why, len);
	if (err)
		return err;
	err = hook_loadable("perf_event");
	if (err == -EPERM || err == -EACCES)
		hooks_load_why(err, why, len);
	else if (err)
		snprintf(why, len, "BPF programs on perf events cannot load here: %s",
			 strerror(-err));
	return err;
}

/* The cgroup's cpu-clock events, a sample every p->period_ns. */
static int clock_open(struct cpu_profile_probe *p, const struct probe_target *t, char *why,
		      size_t len)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = p->period_ns,
		.disabled = 1,
	};
	char perf_why[160];
	int cg, err;

	cg = cgroup_perf_dir(t->cgroup_id, t->pid, perf_why, sizeof(perf_why));
	if (cg < 0) {
		snprintf(why, len, "cannot open the cgroup: %s",
			 perf_why[0] ? perf_why : strerror(-cg));
		return cg;
	}
	err = cgroup_perf_open_attr(&p->clock, cg, &a, perf_why, sizeof(perf_why));
	close(cg);
	if (err)
		snprintf(why, len, "the cgroup's cpu-clock event: %s",
			 perf_why[0] ? perf_why : strerror(-err));
	return err;
}

int cpu_profile_probe_open(void **probe, const struct probe_target *t, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = hooks_env.btf_path);
	struct cpu_profile_probe *p;
	struct ksyms *ks;
	int err;

	*probe = NULL;
	why[0] = '\0';
	err = sampling_possible(why, len);
	if (err)
		return err;
	/* stacks are named at read: without addresses there is no profile */
	ks = ksyms_load(why, len);
	if (!ks)
		return -errno;
	ksyms_free(ks);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->period_ns = CPU_PROFILE_PERIOD_NS;
	p->ncpus = libbpf_num_possible_cpus();
	p->vals = calloc(p->ncpus > 0 ? p->ncpus : 1, sizeof(*p->vals));
	p->links = calloc(p->ncpus > 0 ? p->ncpus : 1, sizeof(*p->links));
	if (p->ncpus <= 0 || !p->vals || !p->links) {
		err = -ENOMEM;
		goto fail;
	}
	p->skel = cpu_profile_bpf__open_opts(&opts);
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "failed to open BPF object: %s", strerror(-err));
		goto fail;
	}
	/* keys are read into a struct prof_key: an object built from another
	 * cpu_profile.h would write past it */
	if (bpf_map__key_size(p->skel->maps.counts) != sizeof(struct prof_key)) {
		err = -EINVAL;
		snprintf(why, len, "the BPF object's keys are not this build's: rebuild it");
		goto fail;
	}
	err = cpu_profile_bpf__load(p->skel);
	if (err) {
		hooks_load_why(err, why, len);
		goto fail;
	}
	err = clock_open(p, t, why, len);
	if (err)
		goto fail;
	*probe = p;
	return 0;
fail:
	cpu_profile_probe_destroy(p);
	return err;
}

int cpu_profile_probe_attach(void *probe, char *why, size_t len)
{
	struct cpu_profile_probe *p = probe;
	int err;

	why[0] = '\0';
	/* each link enables its event, and closes it when destroyed */
	for (int cpu = 0; cpu < p->clock.ncpus; cpu++) {
		if (p->clock.fd[cpu] < 0 || p->links[cpu])
			continue;
		p->links[cpu] =
			bpf_program__attach_perf_event(p->skel->progs.profile, p->clock.fd[cpu]);
		if (!p->links[cpu]) {
			err = -errno;
			snprintf(why, len, "failed to attach to the cpu-clock event of CPU %d: %s",
				 cpu, strerror(-err));
			return err;
		}
	}
	return cpu_profile_probe_reset(p);
}

/* Deletes every entry of the counts: the next key is taken from the
 * start each time, as the one before it is gone. */
static int counts_clear(int fd, struct prof_key *key)
{
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return -errno;
	return 0;
}

int cpu_profile_probe_reset(void *probe)
{
	struct cpu_profile_probe *p = probe;
	struct prof_key key;
	__u32 zero = 0;
	int err;

	err = counts_clear(bpf_map__fd(p->skel->maps.counts), &key) ?: cgroup_perf_reset(&p->clock);
	if (err)
		return err;
	memset(p->vals, 0, p->ncpus * sizeof(*p->vals));
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.totals), &zero, p->vals, BPF_ANY))
		return -errno;
	return prog_cost_read(p->skel->obj, &p->cost_base);
}

/* ------------------------------------------------------------ reading */

/* The kind of the stack of key, named by ks. */
static enum prof_kind kind_of(const struct ksyms *ks, const struct prof_key *key)
{
	const char *names[PROF_DEPTH];
	int n = key->depth < PROF_DEPTH ? key->depth : PROF_DEPTH;

	for (int i = 0; i < n; i++)
		names[i] = ksyms_name(ks, key->ips[i]);
	return stack_kind(names, n);
}

/* most samples first; ties by name, so that the order is the same each time */
static int by_samples(const void *a, const void *b)
{
	const struct cpu_profile_syscall *x = a, *y = b;

	if (x->samples != y->samples)
		return x->samples < y->samples ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Samples by syscall number into s->sys (the most sampled) and s->sys_rest. */
static void syscalls_rank(const __u64 by_nr[SYSCALL_SLOTS], struct cpu_profile_stats *s)
{
	struct cpu_profile_syscall all[SYSCALL_SLOTS];
	int n = 0;

	for (int nr = 0; nr < SYSCALL_SLOTS; nr++) {
		if (!by_nr[nr])
			continue;
		syscall_name(nr, all[n].name, sizeof(all[n].name));
		all[n++].samples = by_nr[nr];
	}
	qsort(all, n, sizeof(all[0]), by_samples);
	for (int i = 0; i < n; i++) {
		if (i < CPU_PROFILE_SYSCALLS)
			s->sys[s->nsys++] = all[i];
		else
			s->sys_rest += all[i].samples;
	}
}

/* Every counted kernel stack, named by ks and sorted into s->kind. */
static void stacks_read(struct cpu_profile_probe *p, const struct ksyms *ks,
			struct cpu_profile_stats *s)
{
	int fd = bpf_map__fd(p->skel->maps.counts);
	__u64 by_nr[SYSCALL_SLOTS] = {}, n;
	struct prof_key key, *prev = NULL;

	for (; !bpf_map_get_next_key(fd, prev, &key); prev = &key) {
		enum prof_kind k;

		if (bpf_map_lookup_elem(fd, &key, &n))
			continue; /* deleted meanwhile: a reset */
		k = kind_of(ks, &key);
		s->kind[k] += n;
		/* a number past the table: the last slot, "other" */
		if (k == PROF_SYSCALL && key.nr >= 0 && key.nr < SYSCALL_SLOTS)
			by_nr[key.nr] += n;
		else if (k == PROF_SYSCALL)
			by_nr[SYSCALL_SLOTS - 1] += n;
	}
	syscalls_rank(by_nr, s);
}

int cpu_profile_probe_read(void *probe, void *out)
{
	struct cpu_profile_probe *p = probe;
	struct cpu_profile_stats *s = out;
	struct ksyms *ks;
	__u32 zero = 0;
	int err;

	memset(s, 0, sizeof(*s));
	s->period_ns = p->period_ns;
	/* the symbols first (a tenth of a second): what follows is read at
	 * one moment, and the samples are the sum of their kinds */
	ks = ksyms_load(s->why, sizeof(s->why));
	if (!ks)
		return -errno;
	err = bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.totals), &zero, p->vals) ? -errno : 0;
	err = err ?: cgroup_perf_read(&p->clock, &s->clock_ns)
		      ?: prog_cost_since(p->skel->obj, &p->cost_base, &s->cost);
	if (err)
		goto out;
	for (int c = 0; c < p->ncpus; c++) {
		s->kind[PROF_USER] += p->vals[c].user;
		s->lost += p->vals[c].no_stack + p->vals[c].no_room;
	}
	s->kind[PROF_KERNEL_OTHER] = s->lost;
	stacks_read(p, ks, s);
	for (int k = 0; k < PROF_KINDS; k++)
		s->samples += s->kind[k];
	if (s->lost)
		add_why(s->why, sizeof(s->why),
			"%llu kernel samples lost (no stack, or the counts full: "
			"counted as kernel, other)",
			(unsigned long long)s->lost);
out:
	ksyms_free(ks);
	return err;
}

void cpu_profile_probe_destroy(void *probe)
{
	struct cpu_profile_probe *p = probe;

	if (!p)
		return;
	for (int cpu = 0; p->links && cpu < p->clock.ncpus; cpu++)
		if (p->links[cpu]) {
			bpf_link__destroy(p->links[cpu]);
			p->clock.fd[cpu] = -1; /* closed with its link */
		}
	cgroup_perf_close(&p->clock);
	cpu_profile_bpf__destroy(p->skel);
	free(p->links);
	free(p->vals);
	free(p);
}

/* ------------------------------------------------------------ output */

void cpu_profile_stats_print(FILE *f, const void *stats)
{
	const struct cpu_profile_stats *s = stats;
	double per = s->period_ns / 1e6, n = s->samples ? s->samples : 1;

	fprintf(f, "cpu profile\n");
	fprintf(f,
		"  samples %llu, one per %.0f us of the server's CPU time: %.1f ms sampled, "
		"%.1f ms on a CPU by the events' clock\n",
		(unsigned long long)s->samples, s->period_ns / 1e3, s->samples * per,
		s->clock_ns / 1e6);
	fprintf(f, "    %-18s %10s %7s %10s\n", "KIND", "SAMPLES", "SHARE", "ms");
	for (int k = 0; k < PROF_KINDS; k++)
		fprintf(f, "    %-18s %10llu %6.1f%% %10.1f\n", prof_kind_name(k),
			(unsigned long long)s->kind[k], 100 * s->kind[k] / n, s->kind[k] * per);
	if (s->nsys) {
		fprintf(f, "  on a CPU inside syscalls, by samples:\n");
		for (int i = 0; i < s->nsys; i++)
			fprintf(f, "    %-18s %10llu %6.1f%% %10.1f\n", s->sys[i].name,
				(unsigned long long)s->sys[i].samples, 100 * s->sys[i].samples / n,
				s->sys[i].samples * per);
		if (s->sys_rest)
			fprintf(f, "    %-18s %10llu %6.1f%% %10.1f\n", "(the others)",
				(unsigned long long)s->sys_rest, 100 * s->sys_rest / n,
				s->sys_rest * per);
	}
	if (s->why[0])
		fprintf(f, "  missing: %s\n", s->why);
}

/* ------------------------------------------------------------ results.json */

/* {"user": N, "syscalls": N, ...}: keyed by prof_kind_name() */
static json_t *kinds_to(const void *member, const void *base)
{
	const __u64 *kind = member;
	json_t *j = json_object();

	(void)base;
	for (int k = 0; j && k < PROF_KINDS; k++)
		json_object_set_new(j, prof_kind_name(k), json_integer(kind[k]));
	return j;
}

static int kinds_from(const json_t *j, void *member, void *base)
{
	__u64 *kind = member;

	(void)base;
	if (!json_is_object(j))
		return -EINVAL;
	for (int k = 0; k < PROF_KINDS; k++) {
		const json_t *v = json_object_get(j, prof_kind_name(k));

		if (!v)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -ERANGE;
		kind[k] = json_integer_value(v);
	}
	return 0;
}

static const struct jm_codec kinds_codec = { kinds_to, kinds_from };

static const struct jm_field syscall_fields[] = {
	JM_STR(struct cpu_profile_syscall, "name", name),
	JM_U64(struct cpu_profile_syscall, "samples", samples),
};
JM_TABLE(syscall_table, syscall_fields);

static bool has_why(const void *s)
{
	return ((const struct cpu_profile_stats *)s)->why[0];
}

static const struct jm_field stats_fields[] = {
	JM_U64(struct cpu_profile_stats, "period_ns", period_ns),
	JM_U64(struct cpu_profile_stats, "samples", samples),
	JM_CODEC(struct cpu_profile_stats, "by_kind", kind, kinds_codec),
	JM_U64(struct cpu_profile_stats, "lost", lost),
	JM_U64(struct cpu_profile_stats, "clock_ns", clock_ns),
	JM_ARRAY(struct cpu_profile_stats, "syscalls", sys, nsys, syscall_table),
	JM_U64(struct cpu_profile_stats, "syscalls_rest", sys_rest),
	STATS_COST(struct cpu_profile_stats),
	STATS_MISSING(struct cpu_profile_stats, has_why),
};
JM_TABLE(stats_table, stats_fields);

json_t *cpu_profile_stats_to_json(const void *stats)
{
	return jm_to_json(stats, &stats_table);
}

int cpu_profile_stats_from_json(const json_t *j, void *stats)
{
	memset(stats, 0, sizeof(struct cpu_profile_stats));
	return jm_read(j, stats, &stats_table);
}

const struct probe_ops cpu_profile_probe_ops = {
	.name = "cpu_profile",
	.yields = "where the server's CPU time goes: user, syscalls by name, softirq, page faults, "
		  "context switches, task creation and exit",
	.open = cpu_profile_probe_open,
	.attach = cpu_profile_probe_attach,
	.read = cpu_profile_probe_read,
	.reset = cpu_profile_probe_reset,
	.destroy = cpu_profile_probe_destroy,
	.print = cpu_profile_stats_print,
	.to_json = cpu_profile_stats_to_json,
	.from_json = cpu_profile_stats_from_json,
	.cost = offsetof(struct cpu_profile_stats, cost),
	.why = offsetof(struct cpu_profile_stats, why),
};
