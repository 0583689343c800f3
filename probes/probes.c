// SPDX-License-Identifier: MIT
/* All the probes together: one table of them, each entry the probe's own
 * API (probes/probe.h) behind the same few calls. */
#include "probes/probes.h"
#include "probes/hooks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct probe_ops {
	const char *name;
	const char *yields;
	int (*open)(void **p, const struct probe_target *t, char *why, size_t len);
	int (*attach)(void *p, char *why, size_t len);
	int (*read)(void *p, struct probes_stats *s);
	int (*reset)(void *p);
	void (*destroy)(void *p);
	void (*print)(FILE *f, const struct probes_stats *s);
	json_t *(*to_json)(const struct probes_stats *s);
	int (*from_json)(const json_t *j, struct probes_stats *s);
	const struct prog_cost *(*cost)(const struct probes_stats *s);
	const char *(*lacks)(const struct probes_stats *s);
};

/* The same calls for probe NAME, whose stats are probes_stats.NAME. */
#define PROBE_OPS(NAME)                                                         \
	static int NAME##_open_(void **p, const struct probe_target *t,         \
				char *why, size_t len)                          \
	{                                                                       \
		return NAME##_probe_open((struct NAME##_probe **)p, t, why, len); \
	}                                                                       \
	static int NAME##_attach_(void *p, char *why, size_t len)               \
	{                                                                       \
		return NAME##_probe_attach(p, why, len);                        \
	}                                                                       \
	static int NAME##_read_(void *p, struct probes_stats *s)                \
	{                                                                       \
		return NAME##_probe_read(p, &s->NAME);                          \
	}                                                                       \
	static int NAME##_reset_(void *p) { return NAME##_probe_reset(p); }     \
	static void NAME##_destroy_(void *p) { NAME##_probe_destroy(p); }       \
	static void NAME##_print_(FILE *f, const struct probes_stats *s)        \
	{                                                                       \
		NAME##_stats_print(f, &s->NAME);                                \
	}                                                                       \
	static json_t *NAME##_json_(const struct probes_stats *s)               \
	{                                                                       \
		return NAME##_stats_to_json(&s->NAME);                          \
	}                                                                       \
	static int NAME##_from_json_(const json_t *j, struct probes_stats *s)   \
	{                                                                       \
		return NAME##_stats_from_json(j, &s->NAME);                     \
	}                                                                       \
	static const struct prog_cost *NAME##_cost_(const struct probes_stats *s) \
	{                                                                       \
		return &s->NAME.cost;                                           \
	}                                                                       \
	static const char *NAME##_lacks_(const struct probes_stats *s)          \
	{                                                                       \
		return s->NAME.why;                                             \
	}
#define PROBE_ENTRY(NAME, SHOWN, YIELDS)                                        \
	{ SHOWN, YIELDS, NAME##_open_, NAME##_attach_, NAME##_read_,            \
	  NAME##_reset_, NAME##_destroy_, NAME##_print_,                        \
	  NAME##_json_, NAME##_from_json_, NAME##_cost_, NAME##_lacks_ }

PROBE_OPS(syscalls)
PROBE_OPS(sched)
PROBE_OPS(accept_queue)
PROBE_OPS(uring)

static const struct probe_ops ops[PROBE_KINDS] = {
	[PROBE_SYSCALLS] = PROBE_ENTRY(syscalls, "syscalls",
		"syscall counts, times and latency histograms; syscalls per request"),
	[PROBE_SCHED] = PROBE_ENTRY(sched, "sched",
		"context switches, run-queue latency, off-CPU time, tasks created, migrations"),
	[PROBE_ACCEPT_QUEUE] = PROBE_ENTRY(accept_queue, "accept_queue",
		"accept-queue depth and its time at the limit, listen overflows"),
	[PROBE_IO_URING] = PROBE_ENTRY(uring, "io_uring",
		"io_uring submissions, completions and latency per opcode, io-wq punts, ring waits"),
};

/*
 * The hooks of each probe, read from its NAME.bpf.c and its loader's
 * choices (tests/probes.c checks this against the built objects).
 */
static const struct probe_hook hooks[PROBE_KINDS][8] = {
	[PROBE_SYSCALLS] = {
		{ "tp_btf/sys_enter", "tracepoint/raw_syscalls/sys_enter",
		  "the start of every syscall", true },
		{ "tp_btf/sys_exit", "tracepoint/raw_syscalls/sys_exit",
		  "syscall counts and latency", true },
	},
	[PROBE_SCHED] = {
		{ "tp_btf/sched_switch", NULL,
		  "context switches, on-CPU and off-CPU time", true },
		{ "tp_btf/sched_wakeup", NULL, "run-queue latency of woken tasks", false },
		{ "tp_btf/sched_wakeup_new", NULL, "run-queue latency of new tasks", false },
		{ "tp_btf/sched_process_fork", NULL, "processes and threads created", false },
		{ "tp_btf/sched_process_exit", NULL, "processes and threads exited", false },
		{ "tp_btf/sched_migrate_task", NULL, "CPU migrations", false },
	},
	[PROBE_ACCEPT_QUEUE] = {
		/* either will do */
		{ "tp_btf/sk_data_ready", NULL,
		  "accept-queue depth at every enqueue (Linux 6.3+)", false },
		{ "iter/tcp", NULL, "accept-queue depth sampled every 100 ms (Linux 5.9+)", false },
	},
	[PROBE_IO_URING] = {
		{ "tp_btf/io_uring_submit_req", NULL, "submissions by opcode", true },
		{ "tp_btf/io_uring_complete", "tp/io_uring/io_uring_complete",
		  "completions and their latency", true },
		{ "tp_btf/io_uring_queue_async_work", NULL, "requests punted to io-wq", false },
		{ "tp_btf/io_uring_cqring_wait", NULL, "waits in io_uring_enter", false },
	},
};

const struct probe_hook *probe_hooks(enum probe_kind k)
{
	return k < PROBE_KINDS ? hooks[k] : NULL;
}

/* Probe k is unavailable: why says why; NULL: the probe has said it in
 * its status, or else err does. */
static void unavailable(struct probes *ps, int k, int err, const char *why)
{
	struct probe_status *st = &ps->status[k];

	st->available = false;
	if (why)
		snprintf(st->why, sizeof(st->why), "%s", why);
	else if (!st->why[0])
		snprintf(st->why, sizeof(st->why), "%s", strerror(-err));
}

int probes_open(struct probes **out, const struct probe_target *t,
		const struct probes_opts *opts)
{
	unsigned only = opts && opts->only ? opts->only : ~0u;
	char nobtf[256] = "";
	struct probes *ps;
	int err;

	*out = NULL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	/* every probe is CO-RE: without the kernel's BTF none can load */
	if (!hooks_btf())
		snprintf(nobtf, sizeof(nobtf),
			 "no kernel BTF at %s (kernel built without CONFIG_DEBUG_INFO_BTF): "
			 "CO-RE probes cannot load", hooks_btf_path());
	ps->stats_fd = opts && opts->no_cost ? -EPERM : prog_stats_enable();
	if (opts && opts->no_cost)
		snprintf(ps->cost_why, sizeof(ps->cost_why), "costs not measured (no_cost)");
	else if (ps->stats_fd < 0)
		snprintf(ps->cost_why, sizeof(ps->cost_why),
			 "BPF run-time statistics not available: %s%s",
			 strerror(-ps->stats_fd), geteuid() ? " (not root)" : "");
	for (int k = 0; k < PROBE_KINDS; k++) {
		ps->status[k].name = ops[k].name;
		ps->status[k].yields = ops[k].yields;
		if (!(only & (1u << k))) {
			unavailable(ps, k, 0, "not asked for");
			continue;
		}
		if (nobtf[0]) {
			unavailable(ps, k, -ENOENT, nobtf);
			continue;
		}
		err = ops[k].open(&ps->probe[k], t, ps->status[k].why,
				  sizeof(ps->status[k].why));
		if (err == -ENOMEM) {
			probes_destroy(ps);
			return err;
		}
		if (err) {
			ps->probe[k] = NULL;
			unavailable(ps, k, err, NULL);
			continue;
		}
		ps->status[k].available = true;
	}
	if (ps->probe[PROBE_SYSCALLS] && opts && opts->time_every_syscall)
		syscalls_probe_time_every_call(ps->probe[PROBE_SYSCALLS], true);
	*out = ps;
	return 0;
}

int probes_attach(struct probes *ps)
{
	for (int k = 0; k < PROBE_KINDS; k++) {
		int err;

		if (!ps->probe[k])
			continue;
		err = ops[k].attach(ps->probe[k], ps->status[k].why,
				    sizeof(ps->status[k].why));
		if (err) {
			unavailable(ps, k, err, NULL);
			ops[k].destroy(ps->probe[k]);
			ps->probe[k] = NULL;
		}
	}
	return 0;
}

int probes_reset(struct probes *ps)
{
	int first = 0;

	for (int k = 0; k < PROBE_KINDS; k++) {
		int err = ps->probe[k] ? ops[k].reset(ps->probe[k]) : 0;

		if (err && !first)
			first = err;
	}
	return first;
}

int probes_read(struct probes *ps, struct probes_stats *s)
{
	int first = 0;

	memset(s, 0, sizeof(*s));
	for (int k = 0; k < PROBE_KINDS; k++) {
		int err;

		if (!ps->probe[k])
			continue;
		err = ops[k].read(ps->probe[k], s);
		s->have[k] = !err;
		if (err && !first)
			first = err;
	}
	return first;
}

void probes_destroy(struct probes *ps)
{
	if (!ps)
		return;
	for (int k = 0; k < PROBE_KINDS; k++)
		if (ps->probe[k])
			ops[k].destroy(ps->probe[k]);
	if (ps->stats_fd >= 0)
		close(ps->stats_fd); /* the statistics go back to how they were */
	free(ps);
}

const char *probe_name(enum probe_kind k)
{
	return k < PROBE_KINDS ? ops[k].name : "?";
}

const char *probe_yields(enum probe_kind k)
{
	return k < PROBE_KINDS ? ops[k].yields : "?";
}

const char *probes_lacks(const struct probes_stats *s, enum probe_kind k)
{
	return k < PROBE_KINDS && s->have[k] ? ops[k].lacks(s) : "";
}

int probes_available(const struct probes *ps)
{
	int n = 0;

	for (int k = 0; k < PROBE_KINDS; k++)
		n += ps->status[k].available;
	return n;
}

int probe_kind_of(const char *name)
{
	for (int k = 0; k < PROBE_KINDS; k++)
		if (!strcmp(ops[k].name, name))
			return k;
	return -ENOENT;
}

const struct prog_cost *probes_cost(const struct probes_stats *s, enum probe_kind k)
{
	return k < PROBE_KINDS && s->have[k] ? ops[k].cost(s) : NULL;
}

void probes_print(FILE *f, const struct probes *ps, const struct probes_stats *s)
{
	for (int k = 0; k < PROBE_KINDS; k++) {
		if (s->have[k]) {
			ops[k].print(f, s);
		} else {
			fprintf(f, "%s: unavailable: %s\n", ops[k].name,
				ps->status[k].why[0] ? ps->status[k].why : "not read");
			fprintf(f, "  (a run without it has no %s)\n", ops[k].yields);
		}
		fprintf(f, "\n");
	}
}

void probes_print_cost(FILE *f, const struct probes *ps, const struct probes_stats *s)
{
	fprintf(f, "probe cost (the kernel's BPF run-time statistics):\n");
	fprintf(f, "  %-14s %14s %10s %12s\n", "PROBE", "EVENTS", "NS/EVENT", "TOTAL ms");
	for (int k = 0; k < PROBE_KINDS; k++) {
		const struct prog_cost *c = probes_cost(s, k);

		if (!c)
			continue;
		fprintf(f, "  %-14s %14llu %10.0f %12.3f\n", ops[k].name,
			(unsigned long long)c->events,
			c->events ? (double)c->run_ns / c->events : 0.0, c->run_ns / 1e6);
	}
	if (ps->cost_why[0])
		fprintf(f, "  (%s)\n", ps->cost_why);
}

json_t *probes_to_json(const struct probes *ps, const struct probes_stats *s)
{
	json_t *j = json_object();

	for (int k = 0; k < PROBE_KINDS; k++) {
		json_t *p;

		if (s->have[k]) {
			p = ops[k].to_json(s);
			json_object_set_new(p, "available", json_true());
		} else {
			p = json_pack("{s:b, s:s}", "available", 0, "why",
				      ps->status[k].why[0] ? ps->status[k].why : "not read");
		}
		/* why the costs read zero, with each probe: "probes" holds only probes */
		if (ps->cost_why[0])
			json_object_set_new(p, "cost_why", json_string(ps->cost_why));
		json_object_set_new(j, ops[k].name, p);
	}
	return j;
}

int probes_from_json(const json_t *j, struct probes *ps, struct probes_stats *s)
{
	memset(ps, 0, sizeof(*ps));
	memset(s, 0, sizeof(*s));
	ps->stats_fd = -1;
	if (!json_is_object(j))
		return -EINVAL;
	for (int k = 0; k < PROBE_KINDS; k++) {
		const json_t *p = json_object_get(j, ops[k].name);
		struct probe_status *st = &ps->status[k];

		st->name = ops[k].name;
		st->yields = ops[k].yields;
		if (!json_is_object(p))
			return -EINVAL;
		if (json_is_true(json_object_get(p, "available"))) {
			int err = ops[k].from_json(p, s);

			if (err)
				return err;
			st->available = s->have[k] = true;
		} else {
			snprintf(st->why, sizeof(st->why), "%s",
				 json_string_value(json_object_get(p, "why")) ?: "not read");
		}
		if (!ps->cost_why[0])
			snprintf(ps->cost_why, sizeof(ps->cost_why), "%s",
				 json_string_value(json_object_get(p, "cost_why")) ?: "");
	}
	return 0;
}
