// SPDX-License-Identifier: MIT
/* io_uring probe, user space: choose the hooks this kernel has,
 * load, attach, read the per-CPU counters. */
#include "probes/io_uring_probe.h"
#include "probes/hist_json.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/stats_json.h"
#include "probes/io_uring.skel.h"
#include "probes/io_uring_ops.h" /* io_uring_op_names[], made from vmlinux.h */

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct io_uring_op_counts) % 8 == 0, "per-CPU value size");
_Static_assert(sizeof(struct io_uring_totals) % 8 == 0, "per-CPU value size");

/* not io_uring_probe: <linux/io_uring.h> has one (the opcodes a ring supports) */
struct io_uring_bpf_probe {
	struct io_uring_bpf *skel;
	int ncpus;
	bool have_punts, have_waits;
	struct prog_cost cost_base;
	char why[192];
};

bool io_uring_probe_classic_complete;

const char *io_uring_op_name(unsigned int op)
{
	if (op >= sizeof(io_uring_op_names) / sizeof(io_uring_op_names[0]))
		return NULL;
	return io_uring_op_names[op];
}

/* The arguments a tp_btf program of tracepoint tp gets, or -1 without it. */
static int tp_btf_nargs(const char *tp)
{
	const struct btf *btf = hooks_btf();
	const struct btf_type *t;
	char name[128];
	int id;

	snprintf(name, sizeof(name), "tp_btf/%s", tp);
	if (!btf || hook_exists(name, NULL, 0))
		return -1;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1; /* the first is the tracepoint's data */
}

/* 1 << the value of enumerator name (REQ_F_..._BIT), or 0 if none. */
static __u64 btf_enum_bit(const struct btf *btf, const char *name)
{
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, e[i].name_off), name))
				return e[i].val < 64 ? 1ULL << e[i].val : 0;
	}
	return 0;
}

static bool io_uring_disabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
	int v = 0;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v == 2;
}

int io_uring_probe_open(void **probe, const struct probe_target *t, char *why, size_t len)
{
	bool complete_btf, complete_tp;
	struct io_uring_bpf_probe *p;
	__u64 multishot;
	int err;

	*probe = NULL;
	why[0] = '\0';
	if (!hooks_btf()) {
		snprintf(why, len, "no kernel BTF at %s (CONFIG_DEBUG_INFO_BTF off)",
			 hooks_btf_path());
		return -ENODATA;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ncpus = libbpf_num_possible_cpus();
	/* the hooks as this kernel has them; signatures changed over time:
	 * io_uring_complete(ctx, req, cqe) is 6.13's, before it passed the
	 * CQE's fields one by one, which the classic tracepoint's record
	 * has kept throughout */
	complete_btf = !io_uring_probe_classic_complete && tp_btf_nargs("io_uring_complete") == 3;
	complete_tp =
		!complete_btf && hook_exists("tracepoint/io_uring/io_uring_complete", NULL, 0) == 0;
	p->have_punts = tp_btf_nargs("io_uring_queue_async_work") == 2;
	p->have_waits = tp_btf_nargs("io_uring_cqring_wait") == 2;
	multishot = btf_enum_bit(hooks_btf(), "REQ_F_APOLL_MULTISHOT_BIT");
	if (tp_btf_nargs("io_uring_submit_req") != 1 || !(complete_btf || complete_tp)) {
		snprintf(why, len,
			 "no tracepoints io_uring_submit_req(req) and io_uring_complete "
			 "in this kernel (io_uring off, or older than 5.19)");
		free(p);
		return -EOPNOTSUPP;
	}
	if (!p->have_punts)
		add_why(p->why, sizeof(p->why),
			"punts: no tracepoint io_uring_queue_async_work(req, rw)");
	if (!p->have_waits)
		add_why(p->why, sizeof(p->why), "waits: no tracepoint io_uring_cqring_wait");
	if (!multishot)
		add_why(p->why, sizeof(p->why),
			"multishot: no REQ_F_APOLL_MULTISHOT_BIT in BTF, their CQEs go unattributed");
	if (io_uring_disabled())
		add_why(p->why, sizeof(p->why),
			"io_uring is disabled (kernel.io_uring_disabled=2)");

	p->skel = io_uring_bpf__open();
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "failed to open BPF object: %s", strerror(-err));
		goto fail;
	}
	p->skel->rodata->target_cgroup_id = t->cgroup_id;
	p->skel->rodata->multishot_flag = multishot;
	bpf_program__set_autoload(p->skel->progs.complete_btf, complete_btf);
	bpf_program__set_autoload(p->skel->progs.complete_tp, complete_tp);
	bpf_program__set_autoload(p->skel->progs.punt, p->have_punts);
	bpf_program__set_autoload(p->skel->progs.cq_wait, p->have_waits);
	err = io_uring_bpf__load(p->skel);
	if (err) {
		hooks_load_why(err, why, len);
		goto fail;
	}
	*probe = p;
	return 0;
fail:
	io_uring_probe_destroy(p);
	return err;
}

int io_uring_probe_attach(void *probe, char *why, size_t len)
{
	struct io_uring_bpf_probe *p = probe;
	int err;

	why[0] = '\0';
	err = io_uring_bpf__attach(p->skel);
	if (err) {
		snprintf(why, len, "failed to attach: %s%s", strerror(-err),
			 bpf_program__autoload(p->skel->progs.complete_tp)
				 ? " (tracepoint io_uring:io_uring_complete needs tracefs: "
				   "mount -t tracefs nodev /sys/kernel/tracing)"
				 : "");
		return err;
	}
	return io_uring_probe_reset(p);
}

int io_uring_probe_reset(void *probe)
{
	struct io_uring_bpf_probe *p = probe;
	size_t sz = p->ncpus * sizeof(struct io_uring_op_counts);
	void *zero = calloc(1, sz);
	int err = 0;

	if (!zero)
		return -ENOMEM;
	for (__u32 k = 0; k < IO_URING_OP_SLOTS && !err; k++)
		if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.ops), &k, zero, BPF_ANY))
			err = -errno;
	if (!err &&
	    bpf_map_update_elem(bpf_map__fd(p->skel->maps.totals), &(__u32){ 0 }, zero, BPF_ANY))
		err = -errno;
	free(zero);
	prog_cost_read(p->skel->obj, &p->cost_base);
	return err;
}

int io_uring_probe_read(void *probe, void *out)
{
	struct io_uring_bpf_probe *p = probe;
	struct io_uring_stats *s = out;
	struct io_uring_op_counts vals[p->ncpus];
	struct io_uring_totals tot[p->ncpus];
	__u32 zero = 0;

	memset(s, 0, sizeof(*s));
	for (__u32 k = 0; k < IO_URING_OP_SLOTS; k++) {
		struct io_uring_op_stats *o = &s->ops[k];

		if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.ops), &k, vals))
			return -errno;
		for (int c = 0; c < p->ncpus; c++) {
			o->submitted += vals[c].submitted;
			o->completed += vals[c].completed;
			o->errors += vals[c].errors;
			o->punted += vals[c].punted;
			o->multishot += vals[c].multishot;
			for (int i = 0; i < LOG2_SLOTS; i++)
				o->latency.slots[i] += vals[c].latency.slots[i];
		}
		s->submitted += o->submitted;
		s->completed += o->completed;
		s->errors += o->errors;
		s->punted += o->punted;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.totals), &zero, tot))
		return -errno;
	for (int c = 0; c < p->ncpus; c++) {
		s->cq_waits += tot[c].cq_waits;
		s->unattributed += tot[c].unattributed;
	}
	s->have_punts = p->have_punts;
	s->have_waits = p->have_waits;
	prog_cost_since(p->skel->obj, &p->cost_base, &s->cost);
	snprintf(s->why, sizeof(s->why), "%s", p->why);
	return 0;
}

void io_uring_probe_destroy(void *probe)
{
	struct io_uring_bpf_probe *p = probe;

	if (!p)
		return;
	io_uring_bpf__destroy(p->skel);
	free(p);
}

/* ------------------------------------------------------------ output */

/* An opcode the target used: print and results.json leave the others out. */
static bool op_seen(const struct io_uring_op_stats *o)
{
	return o->submitted || o->completed || o->punted;
}

static const char *op_label(unsigned int op, char *buf, size_t len)
{
	const char *name = io_uring_op_name(op);

	if (op == IO_URING_OP_SLOTS - 1)
		snprintf(buf, len, "op>=%u", op);
	else if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "op%u", op);
	return buf;
}

void io_uring_stats_print(FILE *f, const void *stats)
{
	const struct io_uring_stats *s = stats;
	char name[32];

	fprintf(f, "io_uring\n");
	fprintf(f, "  %-16s %10s %10s %8s %8s %9s %9s %9s\n", "opcode", "submitted", "completed",
		"errors", "punted", "multishot", "p50 usecs", "p99 usecs");
	for (unsigned int op = 0; op < IO_URING_OP_SLOTS; op++) {
		const struct io_uring_op_stats *o = &s->ops[op];

		if (!op_seen(o))
			continue;
		fprintf(f, "  %-16s %10llu %10llu %8llu %8llu %9llu",
			op_label(op, name, sizeof(name)), (unsigned long long)o->submitted,
			(unsigned long long)o->completed, (unsigned long long)o->errors,
			(unsigned long long)o->punted, (unsigned long long)o->multishot);
		if (log2_hist_total(&o->latency))
			fprintf(f, " %9.1f %9.1f\n", log2_hist_percentile(&o->latency, 50) / 1000.0,
				log2_hist_percentile(&o->latency, 99) / 1000.0);
		else
			fprintf(f, " %9s %9s\n", "-", "-");
	}
	if (s->have_waits)
		fprintf(f, "  io_uring_enter slept for completions %llu times\n",
			(unsigned long long)s->cq_waits);
	if (s->unattributed)
		fprintf(f,
			"  %llu CQEs not matched to a request (submitted before the probe "
			"attached, or not a request's: MSG_RING)\n",
			(unsigned long long)s->unattributed);
	for (unsigned int op = 0; op < IO_URING_OP_SLOTS; op++) {
		if (!log2_hist_total(&s->ops[op].latency))
			continue;
		fprintf(f, "  %s: submission to completion\n", op_label(op, name, sizeof(name)));
		print_log2_hist_ns_as_us(f, &s->ops[op].latency);
	}
	if (s->why[0])
		fprintf(f, "  missing: %s\n", s->why);
}

/* ------------------------------------------------------------ results.json */

static const struct jm_field op_fields[] = {
	JM_U64(struct io_uring_op_stats, "submitted", submitted),
	JM_U64(struct io_uring_op_stats, "completed", completed),
	JM_U64(struct io_uring_op_stats, "errors", errors),
	JM_U64(struct io_uring_op_stats, "punted", punted),
	JM_U64(struct io_uring_op_stats, "multishot", multishot),
	JM_CODEC(struct io_uring_op_stats, "latency", latency, log2_hist_nsecs_json),
};
JM_TABLE(op_table, op_fields);

/* The opcodes seen, by name: {"READ": {"opcode": 22, "submitted": ...}, ...} */
static json_t *ops_to_json(const void *member, const void *stats)
{
	const struct io_uring_op_stats *ops = member;
	json_t *j = json_object();
	char name[32];

	(void)stats;
	for (unsigned int op = 0; j && op < IO_URING_OP_SLOTS; op++) {
		json_t *o;

		if (!op_seen(&ops[op]))
			continue;
		o = json_pack("{s:I}", "opcode", (json_int_t)op);
		if (!o || jm_write(o, &ops[op], &op_table)) {
			json_decref(o);
			o = NULL;
		}
		/* takes o, or frees it */
		if (json_object_set_new(j, op_label(op, name, sizeof(name)), o)) {
			json_decref(j);
			return NULL;
		}
	}
	return j;
}

static int ops_from_json(const json_t *j, void *member, void *stats)
{
	struct io_uring_op_stats *ops = member;
	const char *name;
	json_t *v;
	int err;

	(void)stats;
	if (!json_is_object(j))
		return -EINVAL;
	json_object_foreach((json_t *)j, name, v) {
		const json_t *op = json_object_get(v, "opcode");

		if (!json_is_integer(op))
			return -EINVAL;
		if (json_integer_value(op) < 0 || json_integer_value(op) >= IO_URING_OP_SLOTS)
			return -ERANGE;
		err = jm_read(v, &ops[json_integer_value(op)], &op_table);
		if (err)
			return err;
	}
	return 0;
}

static const struct jm_codec ops_json = { ops_to_json, ops_from_json };

static const struct jm_field stats_fields[] = {
	JM_CODEC(struct io_uring_stats, "ops", ops, ops_json),
	JM_U64(struct io_uring_stats, "submitted", submitted),
	JM_U64(struct io_uring_stats, "completed", completed),
	JM_U64(struct io_uring_stats, "errors", errors),
	JM_U64(struct io_uring_stats, "punted", punted),
	JM_U64(struct io_uring_stats, "cq_waits", cq_waits),
	JM_U64(struct io_uring_stats, "unattributed", unattributed),
	/* were punts and waits measured? */
	JM_BOOL(struct io_uring_stats, "have_punts", have_punts),
	JM_BOOL(struct io_uring_stats, "have_waits", have_waits),
	STATS_COST(struct io_uring_stats),
	STATS_MISSING(struct io_uring_stats, NULL),
};
JM_TABLE(stats_table, stats_fields);

json_t *io_uring_stats_to_json(const void *stats)
{
	return jm_to_json(stats, &stats_table);
}

int io_uring_stats_from_json(const json_t *j, void *stats)
{
	struct io_uring_stats *s = stats;

	memset(s, 0, sizeof(*s));
	/* records made before these keys: both measured */
	s->have_punts = s->have_waits = true;
	return jm_read(j, s, &stats_table);
}

const struct probe_ops io_uring_probe_ops = {
	.name = "io_uring",
	.yields =
		"io_uring submissions, completions and latency per opcode, io-wq punts, ring waits",
	.open = io_uring_probe_open,
	.attach = io_uring_probe_attach,
	.read = io_uring_probe_read,
	.reset = io_uring_probe_reset,
	.destroy = io_uring_probe_destroy,
	.print = io_uring_stats_print,
	.to_json = io_uring_stats_to_json,
	.from_json = io_uring_stats_from_json,
	.cost = offsetof(struct io_uring_stats, cost),
	.why = offsetof(struct io_uring_stats, why),
};
