// SPDX-License-Identifier: MIT
/* syscalls probe, user space: choose the hooks, load, attach, read. */
#include "probes/syscalls_probe.h"
#include "probes/hist_json.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/stats_json.h"
#include "probes/syscall_names.h" /* generated from <asm/unistd.h> */
#include "probes/syscalls.skel.h"

#include <asm/unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(ARRAY_SIZE(syscall_names) < SYSCALL_SLOTS,
	       "the last slot is for numbers beyond the table");

struct syscalls_probe {
	struct syscalls_bpf *skel;
	int ncpus;
	struct syscall_counts *vals; /* one slot of every CPU, for reads */
	bool have_conns;
	struct prog_cost cost_base;
	char why[192];
};

const char *syscall_name(int nr, char *buf, size_t len)
{
	if (nr == SYSCALL_SLOTS - 1)
		snprintf(buf, len, "other");
	else if (nr >= 0 && (size_t)nr < ARRAY_SIZE(syscall_names) && syscall_names[nr])
		snprintf(buf, len, "%s", syscall_names[nr]);
	else
		snprintf(buf, len, "syscall_%d", nr);
	return buf;
}

int syscalls_probe_open(void **probe, const struct probe_target *t, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = hooks_env.btf_path);
	struct syscalls_probe *p;
	bool btf;
	int err;

	*probe = NULL;
	why[0] = '\0';
	if (!kernel_at_least(5, 11)) {
		snprintf(why, len, "needs Linux 5.11 (task storage in tracing programs)");
		return -EOPNOTSUPP;
	}
	/* BTF tracepoints where the kernel has them, else the classic ones */
	btf = !hook_exists("tp_btf/sys_enter", NULL, 0) && !hook_exists("tp_btf/sys_exit", NULL, 0);
	if (!btf && ((err = hook_exists("tracepoint/raw_syscalls/sys_enter", why, len)) ||
		     (err = hook_exists("tracepoint/raw_syscalls/sys_exit", why, len))))
		return err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ncpus = libbpf_num_possible_cpus();
	p->vals = calloc(p->ncpus, sizeof(*p->vals));
	if (p->ncpus <= 0 || !p->vals) {
		err = -ENOMEM;
		goto fail;
	}
	p->skel = syscalls_bpf__open_opts(&opts);
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "failed to open BPF object: %s", strerror(-err));
		goto fail;
	}
	p->skel->rodata->target_cgroup_id = t->cgroup_id;
	p->skel->rodata->nr_close = __NR_close;
	p->skel->rodata->target_tgid = t->pid > 0 ? t->pid : 0;
	bpf_program__set_autoload(p->skel->progs.sys_enter_btf, btf);
	bpf_program__set_autoload(p->skel->progs.sys_exit_btf, btf);
	bpf_program__set_autoload(p->skel->progs.sys_enter_tp, !btf);
	bpf_program__set_autoload(p->skel->progs.sys_exit_tp, !btf);
	/* connections accepted, followed to their close: BTF tracepoints */
	p->have_conns = btf && !hook_exists("tp_btf/inet_sock_set_state", NULL, 0);
	if (!p->have_conns)
		add_why(p->why, sizeof(p->why),
			"connections open at an accept: needs tp_btf/inet_sock_set_state");
	bpf_program__set_autoload(p->skel->progs.conn_closed, p->have_conns);
	p->skel->rodata->have_conns = p->have_conns;
#ifdef __NR_accept
	p->skel->rodata->nr_accept = __NR_accept;
#endif
	p->skel->rodata->nr_accept4 = __NR_accept4;
	err = syscalls_bpf__load(p->skel);
	if (err) {
		hooks_load_why(err, why, len);
		goto fail;
	}
	*probe = p;
	return 0;
fail:
	syscalls_probe_destroy(p);
	return err;
}

void syscalls_probe_time_every_call(void *probe, bool every)
{
	struct syscalls_probe *p = probe;

	p->skel->data->sample_mask = every ? 0 : SYSCALL_SAMPLE_ONE_IN - 1;
}

int syscalls_probe_attach(void *probe, char *why, size_t len)
{
	struct syscalls_probe *p = probe;
	int err;

	why[0] = '\0';
	err = syscalls_bpf__attach(p->skel);
	if (err) {
		snprintf(why, len, "failed to attach to raw_syscalls: %s", strerror(-err));
		return err;
	}
	return syscalls_probe_reset(p);
}

/* Empties the failed calls' map: a key deleted while walking is found
 * again from the start. */
static void errnos_clear(struct syscalls_probe *p)
{
	int fd = bpf_map__fd(p->skel->maps.errnos);
	__u32 key;

	while (!bpf_map_get_next_key(fd, NULL, &key))
		if (bpf_map_delete_elem(fd, &key))
			break;
}

int syscalls_probe_reset(void *probe)
{
	struct syscalls_probe *p = probe;
	int fd = bpf_map__fd(p->skel->maps.counts);

	memset(p->vals, 0, p->ncpus * sizeof(*p->vals));
	for (__u32 k = 0; k < SYSCALL_SLOTS; k++)
		if (bpf_map_update_elem(fd, &k, p->vals, BPF_ANY))
			return -errno;
	errnos_clear(p);
	{
		__u64 z[p->ncpus];
		__u32 k = 0;

		memset(z, 0, sizeof(z));
		if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.closes_held), &k, z, BPF_ANY))
			return -errno;
	}
	{
		struct syscall_accepts z[p->ncpus];
		__u32 k = 0;

		/* the connections open stay: they are open across the reset */
		memset(z, 0, sizeof(z));
		if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.accepts), &k, z, BPF_ANY))
			return -errno;
	}
	return prog_cost_read(p->skel->obj, &p->cost_base);
}

static int by_count_desc(const void *a, const void *b)
{
	const struct syscall_errno *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->nr != y->nr ? x->nr - y->nr : x->err - y->err;
}

/* The failed calls by syscall and errno, most first. */
static int errnos_read(struct syscalls_probe *p, struct syscalls_stats *s)
{
	int fd = bpf_map__fd(p->skel->maps.errnos);
	struct syscall_errno all[SYSCALL_ERRNO_KEYS];
	__u64 vals[p->ncpus];
	__u32 key, *prev = NULL;
	int n = 0;

	while (n < SYSCALL_ERRNO_KEYS && !bpf_map_get_next_key(fd, prev, &key)) {
		struct syscall_errno *e = &all[n];
		const char *en;

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		memset(e, 0, sizeof(*e));
		for (int c = 0; c < p->ncpus; c++)
			e->count += vals[c];
		e->nr = key >> 12;
		e->err = key & 0xfff;
		syscall_name(e->nr, e->name, sizeof(e->name));
		en = strerrorname_np(e->err);
		if (en)
			snprintf(e->ename, sizeof(e->ename), "%s", en);
		else
			snprintf(e->ename, sizeof(e->ename), "errno_%d", e->err);
		s->failed += e->count;
		n++;
	}
	qsort(all, n, sizeof(all[0]), by_count_desc);
	s->nerrs = n < SYSCALL_ERRNOS_MAX ? n : SYSCALL_ERRNOS_MAX;
	memcpy(s->errs, all, s->nerrs * sizeof(all[0]));
	return 0;
}

static int by_time_desc(const void *a, const void *b)
{
	const struct syscall_stat *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	return x->nr - y->nr;
}

int syscalls_probe_read(void *probe, void *out)
{
	struct syscalls_probe *p = probe;
	struct syscalls_stats *s = out;
	int fd = bpf_map__fd(p->skel->maps.counts);
	double timed_ns, total_ns;
	__u64 untimed;

	memset(s, 0, sizeof(*s));
	for (__u32 k = 0; k < SYSCALL_SLOTS; k++) {
		struct syscall_stat *st = &s->sys[s->n];

		if (bpf_map_lookup_elem(fd, &k, p->vals))
			return -errno;
		memset(st, 0, sizeof(*st));
		timed_ns = total_ns = 0;
		untimed = 0;
		for (int c = 0; c < p->ncpus; c++) {
			const struct syscall_counts *v = &p->vals[c];

			st->count += v->count;
			st->timed += v->timed;
			timed_ns += v->timed_ns;
			/* each CPU samples at its own rate: scale up per CPU */
			if (v->timed)
				total_ns += (double)v->timed_ns * v->count / v->timed;
			else
				untimed += v->count; /* entered elsewhere, say */
			if (v->max_ns > st->max_ns)
				st->max_ns = v->max_ns;
			for (int i = 0; i < LOG2_SLOTS; i++)
				st->hist.slots[i] += v->hist.slots[i];
		}
		if (!st->count)
			continue;
		if (st->timed)
			total_ns += (double)timed_ns * untimed / st->timed;
		st->total_ns = total_ns + 0.5;
		st->nr = k;
		syscall_name(k, st->name, sizeof(st->name));
		s->calls += st->count;
		s->total_ns += st->total_ns;
		s->n++;
	}
	qsort(s->sys, s->n, sizeof(s->sys[0]), by_time_desc);
	errnos_read(p, s);
	{
		__u64 held[p->ncpus];
		__u32 k = 0;

		if (!bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.closes_held), &k, held))
			for (int c = 0; c < p->ncpus; c++)
				s->closes_held_elsewhere += held[c];
	}
	s->have_conns = p->have_conns;
	if (p->have_conns) {
		struct syscall_accepts a[p->ncpus];
		__u32 k = 0;

		if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.accepts), &k, a))
			return -errno;
		for (int c = 0; c < p->ncpus; c++) {
			s->accepted += a[c].accepted;
			s->accepted_beside += a[c].beside;
		}
	}
	snprintf(s->why, sizeof(s->why), "%s", p->why);
	prog_cost_since(p->skel->obj, &p->cost_base, &s->cost);
	return 0;
}

void syscalls_probe_destroy(void *probe)
{
	struct syscalls_probe *p = probe;

	if (!p)
		return;
	syscalls_bpf__destroy(p->skel);
	free(p->vals);
	free(p);
}

const struct syscall_stat *syscalls_find(const struct syscalls_stats *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->sys[i].name, name))
			return &s->sys[i];
	return NULL;
}

/* ------------------------------------------------------------ output */

#define PRINT_ROWS  20 /* the costliest syscalls; the rest in one line */
#define PRINT_HISTS 5  /* latency histograms of the costliest few */

void syscalls_stats_print(FILE *f, const void *stats)
{
	const struct syscalls_stats *s = stats;
	__u64 rest = 0;
	bool sampled = false;

	for (int i = 0; i < s->n; i++)
		sampled |= s->sys[i].timed < s->sys[i].count;
	fprintf(f, "syscalls: %llu calls, %.3f s inside them\n", (unsigned long long)s->calls,
		s->total_ns / 1e9);
	if (sampled)
		fprintf(f,
			"  (calls of a hot syscall averaging under %d us are timed 1 in %d:\n"
			"   TOTAL and AVG scale up those TIMED, MAX and histograms are theirs)\n",
			SYSCALL_FAST_NS / 1000, SYSCALL_SAMPLE_ONE_IN);
	if (s->n)
		fprintf(f, "  %-22s %10s %10s %12s %10s %12s\n", "SYSCALL", "COUNT", "TIMED",
			"TOTAL ms", "AVG us", "MAX us");
	for (int i = 0; i < s->n; i++) {
		const struct syscall_stat *st = &s->sys[i];

		if (i >= PRINT_ROWS) {
			rest += st->count;
			continue;
		}
		fprintf(f, "  %-22s %10llu %10llu %12.3f %10.2f %12.2f\n", st->name,
			(unsigned long long)st->count, (unsigned long long)st->timed,
			st->total_ns / 1e6, st->total_ns / 1e3 / st->count, st->max_ns / 1e3);
	}
	if (s->n > PRINT_ROWS)
		fprintf(f, "  ... %d more syscalls, %llu calls in all\n", s->n - PRINT_ROWS,
			(unsigned long long)rest);
	if (s->nerrs) {
		fprintf(f, "  failed: %llu calls;", (unsigned long long)s->failed);
		for (int i = 0; i < s->nerrs && i < PRINT_ROWS; i++)
			fprintf(f, "%s %s %s %llu", i ? "," : "", s->errs[i].name, s->errs[i].ename,
				(unsigned long long)s->errs[i].count);
		fprintf(f, "\n");
	}
	if (s->closes_held_elsewhere)
		fprintf(f,
			"  close() of an answered connection another process still held: %llu "
			"(its FIN waits for that process)\n",
			(unsigned long long)s->closes_held_elsewhere);
	if (s->have_conns && s->accepted)
		fprintf(f,
			"  connections accepted: %llu, %llu of them while another it had "
			"accepted was open\n",
			(unsigned long long)s->accepted, (unsigned long long)s->accepted_beside);
	for (int i = 0; i < s->n && i < PRINT_HISTS; i++) {
		fprintf(f, "\n  %s latency:\n", s->sys[i].name);
		print_log2_hist_ns_as_us(f, &s->sys[i].hist);
	}
	if (s->why[0])
		fprintf(f, "  missing: %s\n", s->why);
}

/* ------------------------------------------------------------ results.json */

static const struct jm_field syscall_fields[] = {
	JM_STR(struct syscall_stat, "name", name),
	JM_INT(struct syscall_stat, "nr", nr),
	JM_U64(struct syscall_stat, "count", count),
	JM_U64(struct syscall_stat, "timed", timed),
	JM_U64(struct syscall_stat, "total_ns", total_ns),
	JM_U64(struct syscall_stat, "max_ns", max_ns),
	JM_CODEC(struct syscall_stat, "latency", hist, log2_hist_nsecs_json),
};
JM_TABLE(syscall_table, syscall_fields);

static const struct jm_field errno_fields[] = {
	JM_STR(struct syscall_errno, "syscall", name),
	JM_INT(struct syscall_errno, "nr", nr),
	JM_STR(struct syscall_errno, "errno", ename),
	JM_INT(struct syscall_errno, "errno_nr", err),
	JM_U64(struct syscall_errno, "count", count),
};
JM_TABLE(errno_table, errno_fields);

static const struct jm_field accepts_fields[] = {
	JM_U64(struct syscalls_stats, "accepted", accepted),
	JM_U64(struct syscalls_stats, "beside_open", accepted_beside),
};
JM_TABLE(accepts_table, accepts_fields);

static bool has_why(const void *s)
{
	return ((const struct syscalls_stats *)s)->why[0];
}

static const struct jm_field stats_fields[] = {
	JM_U64(struct syscalls_stats, "calls", calls),
	JM_U64(struct syscalls_stats, "total_ns", total_ns),
	JM_ARRAY(struct syscalls_stats, "syscalls", sys, n, syscall_table),
	JM_U64(struct syscalls_stats, "failed", failed),
	JM_ARRAY(struct syscalls_stats, "failed_by_errno", errs, nerrs, errno_table),
	JM_U64(struct syscalls_stats, "closes_held_elsewhere", closes_held_elsewhere),
	/* a record from before has none: not measured */
	{ JM_FIELD("accepts", 0, JM_OBJ), .sub = &accepts_table,
	  JM_HAVE(struct syscalls_stats, have_conns) },
	STATS_COST(struct syscalls_stats),
	STATS_MISSING(struct syscalls_stats, has_why),
};
JM_TABLE(stats_table, stats_fields);

json_t *syscalls_stats_to_json(const void *stats)
{
	return jm_to_json(stats, &stats_table);
}

int syscalls_stats_from_json(const json_t *j, void *stats)
{
	memset(stats, 0, sizeof(struct syscalls_stats));
	return jm_read(j, stats, &stats_table);
}

const struct probe_ops syscalls_probe_ops = {
	.name = "syscalls",
	.yields = "syscall counts, times and latency histograms; syscalls per request",
	.open = syscalls_probe_open,
	.attach = syscalls_probe_attach,
	.read = syscalls_probe_read,
	.reset = syscalls_probe_reset,
	.destroy = syscalls_probe_destroy,
	.print = syscalls_stats_print,
	.to_json = syscalls_stats_to_json,
	.from_json = syscalls_stats_from_json,
	.cost = offsetof(struct syscalls_stats, cost),
	.why = offsetof(struct syscalls_stats, why),
};
