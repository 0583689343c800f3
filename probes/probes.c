// SPDX-License-Identifier: MIT
/* All the probes together: one table of them, each entry a probe's calls
 * (struct probe_ops, probes/probe.h) and where its stats are. */
#include "probes/probes.h"
#include "probes/hooks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each probe, and where its stats are in struct probes_stats. */
static const struct {
	const struct probe_ops *ops;
	size_t stats;
} table[PROBE_KINDS] = {
	[PROBE_SYSCALLS] = { &syscalls_probe_ops, offsetof(struct probes_stats, syscalls) },
	[PROBE_SCHED] = { &sched_probe_ops, offsetof(struct probes_stats, sched) },
	[PROBE_ACCEPT_QUEUE] = { &accept_queue_probe_ops,
				 offsetof(struct probes_stats, accept_queue) },
	[PROBE_IO_URING] = { &io_uring_probe_ops, offsetof(struct probes_stats, io_uring) },
	[PROBE_PAGE_FAULTS] = { &page_faults_probe_ops,
				offsetof(struct probes_stats, page_faults) },
	[PROBE_CPU_PROFILE] = { &cpu_profile_probe_ops,
				offsetof(struct probes_stats, cpu_profile) },
	[PROBE_ERRORS] = { &errors_probe_ops, offsetof(struct probes_stats, errors) },
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
		{ "tp_btf/inet_sock_set_state", NULL,
		  "connections accepted while another was open", false },
	},
	[PROBE_SCHED] = {
		{ "tp_btf/sched_switch", NULL,
		  "context switches, on-CPU and off-CPU time", true },
		{ "tp_btf/sched_wakeup", NULL, "run-queue latency of woken tasks", false },
		{ "tp_btf/sched_wakeup_new", NULL, "run-queue latency of new tasks", false },
		{ "tp_btf/sched_process_fork", NULL, "processes and threads created", false },
		{ "tp_btf/sched_process_exit", NULL, "processes and threads exited", false },
		{ "tp_btf/sched_migrate_task", NULL, "CPU migrations", false },
		{ "iter/task", NULL, "the tasks' time running, runnable, blocked (Linux 5.8+)",
		  false },
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
	[PROBE_PAGE_FAULTS] = {
		/* both, or the cgroup's perf counter of every fault (the total) */
		{ "tp_btf/page_fault_user", NULL, "page faults in user mode, by task (x86)", false },
		{ "tp_btf/page_fault_kernel", NULL, "page faults in the kernel, by task (x86)",
		  false },
	},
	[PROBE_CPU_PROFILE] = {
		/* on the cgroup's cpu-clock software events */
		{ "perf_event", NULL, "the server's CPU time sampled, by what it was doing", true },
	},
	[PROBE_ERRORS] = {
		{ "tp_btf/tcp_send_reset", NULL, "resets sent, by the kernel's reason (6.10+)", true },
		{ "tp_btf/tcp_receive_reset", NULL, "resets received, by TCP state", true },
		{ "tp_btf/inet_sock_set_state", NULL, "who sent the first FIN", true },
		{ "tp_btf/kfree_skb", NULL, "packets dropped, by the kernel's drop reason", false },
	},
};

/* Probe k's stats in s, */
static void *stats_of(struct probes_stats *s, int k)
{
	return (char *)s + table[k].stats;
}

/* ... read only, or the member of them at off. */
static const void *stats_in(const struct probes_stats *s, int k, size_t off)
{
	return (const char *)s + table[k].stats + off;
}

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

int probes_open(struct probes **out, const struct probe_target *t, const struct probes_opts *opts)
{
	unsigned only = opts && opts->only ? opts->only : ~0u;
	char nobtf[256] = "";
	struct probes *ps;
	int err;

	*out = NULL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	/* every probe is CO-RE: without the kernel's BTF none can load, but
	 * one that can count another way still opens, and says how */
	if (!hooks_btf())
		snprintf(nobtf, sizeof(nobtf),
			 "no kernel BTF at %s (kernel built without CONFIG_DEBUG_INFO_BTF): "
			 "CO-RE probes cannot load",
			 hooks_btf_path());
	ps->stats_fd = opts && opts->no_cost ? -EPERM : prog_stats_enable();
	if (opts && opts->no_cost)
		snprintf(ps->cost_why, sizeof(ps->cost_why), "costs not measured (no_cost)");
	else if (ps->stats_fd < 0)
		snprintf(ps->cost_why, sizeof(ps->cost_why),
			 "BPF run-time statistics not available: %s%s", strerror(-ps->stats_fd),
			 geteuid() ? " (not root)" : "");
	for (int k = 0; k < PROBE_KINDS; k++) {
		ps->status[k].name = table[k].ops->name;
		ps->status[k].yields = table[k].ops->yields;
		if (!(only & (1u << k))) {
			unavailable(ps, k, 0, "not asked for");
			continue;
		}
		if (nobtf[0] && !table[k].ops->counts_without_btf) {
			unavailable(ps, k, -ENOENT, nobtf);
			continue;
		}
		err = table[k].ops->open(&ps->probe[k], t, ps->status[k].why,
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
		err = table[k].ops->attach(ps->probe[k], ps->status[k].why,
					   sizeof(ps->status[k].why));
		if (err) {
			unavailable(ps, k, err, NULL);
			table[k].ops->destroy(ps->probe[k]);
			ps->probe[k] = NULL;
		}
	}
	return 0;
}

int probes_reset(struct probes *ps)
{
	int first = 0;

	for (int k = 0; k < PROBE_KINDS; k++) {
		int err = ps->probe[k] ? table[k].ops->reset(ps->probe[k]) : 0;

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
		err = table[k].ops->read(ps->probe[k], stats_of(s, k));
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
			table[k].ops->destroy(ps->probe[k]);
	if (ps->stats_fd >= 0)
		close(ps->stats_fd); /* the statistics go back to how they were */
	free(ps);
}

const char *probe_name(enum probe_kind k)
{
	return k < PROBE_KINDS ? table[k].ops->name : "?";
}

const char *probes_lacks(const struct probes_stats *s, enum probe_kind k)
{
	return k < PROBE_KINDS && s->have[k] ? stats_in(s, k, table[k].ops->why) : "";
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
		if (!strcmp(table[k].ops->name, name))
			return k;
	return -ENOENT;
}

const struct prog_cost *probes_cost(const struct probes_stats *s, enum probe_kind k)
{
	return k < PROBE_KINDS && s->have[k] ? stats_in(s, k, table[k].ops->cost) : NULL;
}

void probes_print(FILE *f, const struct probes *ps, const struct probes_stats *s)
{
	for (int k = 0; k < PROBE_KINDS; k++) {
		if (s->have[k]) {
			table[k].ops->print(f, stats_in(s, k, 0));
		} else {
			fprintf(f, "%s: unavailable: %s\n", table[k].ops->name,
				ps->status[k].why[0] ? ps->status[k].why : "not read");
			fprintf(f, "  (a run without it has no %s)\n", table[k].ops->yields);
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
		fprintf(f, "  %-14s %14llu %10.0f %12.3f\n", table[k].ops->name,
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
			p = table[k].ops->to_json(stats_in(s, k, 0));
			json_object_set_new(p, "available", json_true());
		} else {
			p = json_pack("{s:b, s:s}", "available", 0, "why",
				      ps->status[k].why[0] ? ps->status[k].why : "not read");
		}
		/* why the costs read zero, with each probe: "probes" holds only probes */
		if (ps->cost_why[0])
			json_object_set_new(p, "cost_why", json_string(ps->cost_why));
		json_object_set_new(j, table[k].ops->name, p);
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
		const json_t *p = json_object_get(j, table[k].ops->name);
		struct probe_status *st = &ps->status[k];

		st->name = table[k].ops->name;
		st->yields = table[k].ops->yields;
		if (!p) {
			snprintf(st->why, sizeof(st->why),
				 "not in this record (written before the %s probe)", st->name);
			continue;
		}
		if (!json_is_object(p))
			return -EINVAL;
		if (json_is_true(json_object_get(p, "available"))) {
			int err = table[k].ops->from_json(p, stats_of(s, k));

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
