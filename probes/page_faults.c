// SPDX-License-Identifier: MIT
/*
 * page_faults probe, user space: the tracepoint programs if this kernel
 * has them and lets us load them, the cgroup's perf counters for minor and
 * major faults (and for the total when the programs cannot run), read.
 */
#include "probes/page_faults_probe.h"
#include "probes/cgroup_perf.h"
#include "probes/hooks.h"
#include "probes/stats_json.h"
#include "probes/page_faults.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct page_faults_probe {
	struct page_faults_bpf *skel; /* NULL: counted by the perf counters alone */
	int ncpus;
	struct pgf_counts *vals;  /* every CPU's counters, for reads */
	struct cgroup_perf total; /* every fault: only without skel */
	struct cgroup_perf minor, major;
	bool have_minor_major;
	struct prog_cost cost_base;
	char why[192];
};

/* per-CPU map values are read as arrays of ncpus values of this size */
_Static_assert(sizeof(struct pgf_counts) % 8 == 0, "per-CPU value size");

/* The tracepoint programs, loaded: 0, or -errno with why saying why not. */
static int programs_load(struct page_faults_probe *p, const struct probe_target *t, char *why,
			 size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = hooks_env.btf_path);
	int err;

	err = hook_exists("tp_btf/page_fault_user", why, len)
		      ?: hook_exists("tp_btf/page_fault_kernel", why, len);
	if (err)
		return err;
	p->ncpus = libbpf_num_possible_cpus();
	p->vals = calloc(p->ncpus > 0 ? p->ncpus : 1, sizeof(*p->vals));
	if (p->ncpus <= 0 || !p->vals)
		return -ENOMEM;
	p->skel = page_faults_bpf__open_opts(&opts);
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "failed to open BPF object: %s", strerror(-err));
		return err;
	}
	p->skel->rodata->target_cgroup_id = t->cgroup_id;
	p->skel->rodata->target_tgid = t->pid;
	err = page_faults_bpf__load(p->skel);
	if (err) {
		hooks_load_why(err, why, len);
		page_faults_bpf__destroy(p->skel);
		p->skel = NULL;
	}
	return err;
}

/* One of the cgroup's perf counters; cg is its directory, or -errno. */
static int counter_open(struct cgroup_perf *c, int cg, __u64 config, char *why, size_t len)
{
	return cg < 0 ? cg : cgroup_perf_open(c, cg, config, why, len);
}

int page_faults_probe_open(void **probe, const struct probe_target *t, char *why, size_t len)
{
	char progs_why[192] = "", perf_why[160] = "";
	struct page_faults_probe *p;
	int cg = -1, err;

	*probe = NULL;
	why[0] = '\0';
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	err = programs_load(p, t, progs_why, sizeof(progs_why));
	if (err == -ENOMEM)
		goto fail;
	cg = cgroup_perf_dir(t->cgroup_id, t->pid, perf_why, sizeof(perf_why));
	if (cg < 0 && !perf_why[0])
		snprintf(perf_why, sizeof(perf_why), "cannot open the cgroup: %s", strerror(-cg));
	/* without the programs, the counter of every fault is the probe */
	if (!p->skel) {
		err = counter_open(&p->total, cg, PERF_COUNT_SW_PAGE_FAULTS, perf_why,
				   sizeof(perf_why));
		if (err) {
			snprintf(why, len, "%s; nor the perf counters: %s", progs_why, perf_why);
			goto fail;
		}
		add_why(p->why, sizeof(p->why),
			"split by task and mode: %s (the total from the cgroup's perf counter instead)",
			progs_why);
	}
	err = counter_open(&p->minor, cg, PERF_COUNT_SW_PAGE_FAULTS_MIN, perf_why, sizeof(perf_why))
		      ?: counter_open(&p->major, cg, PERF_COUNT_SW_PAGE_FAULTS_MAJ, perf_why,
				      sizeof(perf_why));
	if (err == -ENOMEM)
		goto fail;
	p->have_minor_major = !err;
	if (err)
		add_why(p->why, sizeof(p->why), "minor and major: %s", perf_why);
	if (cg >= 0)
		close(cg);
	*probe = p;
	return 0;
fail:
	if (cg >= 0)
		close(cg);
	page_faults_probe_destroy(p);
	return err;
}

int page_faults_probe_attach(void *probe, char *why, size_t len)
{
	struct page_faults_probe *p = probe;
	int err = 0;

	why[0] = '\0';
	if (p->skel && (err = page_faults_bpf__attach(p->skel))) {
		snprintf(why, len, "failed to attach to the exceptions tracepoints: %s",
			 strerror(-err));
		return err;
	}
	if (p->total.fd)
		err = cgroup_perf_enable(&p->total);
	if (!err && p->have_minor_major)
		err = cgroup_perf_enable(&p->minor) ?: cgroup_perf_enable(&p->major);
	if (err) {
		snprintf(why, len, "failed to enable the perf counters: %s", strerror(-err));
		return err;
	}
	return page_faults_probe_reset(p);
}

int page_faults_probe_reset(void *probe)
{
	struct page_faults_probe *p = probe;
	__u32 zero = 0;
	int err = 0;

	if (p->total.fd)
		err = cgroup_perf_reset(&p->total);
	if (!err && p->have_minor_major)
		err = cgroup_perf_reset(&p->minor) ?: cgroup_perf_reset(&p->major);
	if (err || !p->skel)
		return err;
	memset(p->vals, 0, p->ncpus * sizeof(*p->vals));
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.counts), &zero, p->vals, BPF_ANY))
		return -errno;
	return prog_cost_read(p->skel->obj, &p->cost_base);
}

/* The programs' counts, summed over the CPUs, into s. */
static int programs_read(struct page_faults_probe *p, struct page_faults_stats *s)
{
	struct page_faults_of *of[PGF_ROLES] = {
		[PGF_MAIN] = &s->main_thread,
		[PGF_THREADS] = &s->threads,
		[PGF_CHILDREN] = &s->children,
	};
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.counts), &zero, p->vals))
		return -errno;
	for (int c = 0; c < p->ncpus; c++)
		for (int r = 0; r < PGF_ROLES; r++) {
			of[r]->user += p->vals[c].faults[r][PGF_USER];
			of[r]->kernel += p->vals[c].faults[r][PGF_KERNEL];
			s->faults +=
				p->vals[c].faults[r][PGF_USER] + p->vals[c].faults[r][PGF_KERNEL];
		}
	s->have_split = true;
	return prog_cost_since(p->skel->obj, &p->cost_base, &s->cost);
}

int page_faults_probe_read(void *probe, void *out)
{
	struct page_faults_probe *p = probe;
	struct page_faults_stats *s = out;
	int err;

	memset(s, 0, sizeof(*s));
	err = p->skel ? programs_read(p, s) : cgroup_perf_read(&p->total, &s->faults);
	if (!err && p->have_minor_major)
		err = cgroup_perf_read(&p->minor, &s->minor)
			      ?: cgroup_perf_read(&p->major, &s->major);
	if (err)
		return err;
	s->have_minor_major = p->have_minor_major;
	snprintf(s->why, sizeof(s->why), "%s", p->why);
	return 0;
}

void page_faults_probe_destroy(void *probe)
{
	struct page_faults_probe *p = probe;

	if (!p)
		return;
	page_faults_bpf__destroy(p->skel);
	cgroup_perf_close(&p->total);
	cgroup_perf_close(&p->minor);
	cgroup_perf_close(&p->major);
	free(p->vals);
	free(p);
}

/* ------------------------------------------------------------ output */

static void print_row(FILE *f, const char *who, const struct page_faults_of *o)
{
	fprintf(f, "    %-18s %12llu %12llu\n", who, (unsigned long long)o->user,
		(unsigned long long)o->kernel);
}

void page_faults_stats_print(FILE *f, const void *stats)
{
	const struct page_faults_stats *s = stats;

	fprintf(f, "page faults\n");
	if (s->have_split) {
		fprintf(f,
			"  faults %llu: in user mode %llu, in the kernel (touching user memory) %llu\n",
			(unsigned long long)s->faults,
			(unsigned long long)(s->main_thread.user + s->threads.user +
					     s->children.user),
			(unsigned long long)(s->main_thread.kernel + s->threads.kernel +
					     s->children.kernel));
		fprintf(f, "    %-18s %12s %12s\n", "TASKS", "USER", "KERNEL");
		print_row(f, "main thread", &s->main_thread);
		print_row(f, "other threads", &s->threads);
		print_row(f, "child processes", &s->children);
	} else {
		fprintf(f, "  faults %llu (the cgroup's perf counter: not split by task or mode)\n",
			(unsigned long long)s->faults);
	}
	if (s->have_minor_major)
		fprintf(f,
			"  minor %llu, major %llu (a page read from a file or swap), as the "
			"cgroup's perf counters resolved them\n",
			(unsigned long long)s->minor, (unsigned long long)s->major);
	if (s->why[0])
		fprintf(f, "  missing: %s\n", s->why);
}

/* ------------------------------------------------------------ results.json */

static const struct jm_field modes_fields[] = {
	JM_U64(struct page_faults_of, "user", user),
	JM_U64(struct page_faults_of, "kernel", kernel),
};
JM_TABLE(modes_table, modes_fields);

static const struct jm_field tasks_fields[] = {
	JM_OBJ(struct page_faults_stats, "main_thread", main_thread, modes_table),
	JM_OBJ(struct page_faults_stats, "other_threads", threads, modes_table),
	JM_OBJ(struct page_faults_stats, "children", children, modes_table),
};
JM_TABLE(tasks_table, tasks_fields);

static bool has_why(const void *s)
{
	return ((const struct page_faults_stats *)s)->why[0];
}

/* a figure not measured is not in the record */
static const struct jm_field stats_fields[] = {
	JM_U64(struct page_faults_stats, "faults", faults),
	{ JM_FIELD("by_task", 0, JM_OBJ), .sub = &tasks_table,
	  JM_HAVE(struct page_faults_stats, have_split) },
	{ JM_FIELD("minor", JM_M(struct page_faults_stats, minor), JM_U64),
	  JM_HAVE(struct page_faults_stats, have_minor_major) },
	{ JM_FIELD("major", JM_M(struct page_faults_stats, major), JM_U64),
	  JM_HAVE(struct page_faults_stats, have_minor_major) },
	STATS_COST(struct page_faults_stats),
	STATS_MISSING(struct page_faults_stats, has_why),
};
JM_TABLE(stats_table, stats_fields);

json_t *page_faults_stats_to_json(const void *stats)
{
	return jm_to_json(stats, &stats_table);
}

int page_faults_stats_from_json(const json_t *j, void *stats)
{
	memset(stats, 0, sizeof(struct page_faults_stats));
	return jm_read(j, stats, &stats_table);
}

const struct probe_ops page_faults_probe_ops = {
	.name = "page_faults",
	.yields = "page faults, in the server's own process and in its children; minor and major",
	.open = page_faults_probe_open,
	.attach = page_faults_probe_attach,
	.read = page_faults_probe_read,
	.reset = page_faults_probe_reset,
	.destroy = page_faults_probe_destroy,
	.print = page_faults_stats_print,
	.to_json = page_faults_stats_to_json,
	.from_json = page_faults_stats_from_json,
	.cost = offsetof(struct page_faults_stats, cost),
	.why = offsetof(struct page_faults_stats, why),
	.counts_without_btf = true, /* the perf counter of every fault */
};
