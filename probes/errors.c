// SPDX-License-Identifier: MIT
/* errors probe, user space: choose the hooks, load, attach, read; the
 * target namespace's own counters beside. */
#include "probes/errors_probe.h"
#include "probes/hooks.h"
#include "probes/netstat.h"
#include "probes/stats_json.h"
#include "probes/errors.skel.h"
#include "probes/errors_drop_reasons.h" /* generated from vmlinux.h */
#include "probes/errors_rst_reasons.h"	/* generated from vmlinux.h */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(ARRAY_SIZE(drop_reason_names) < ERRORS_DROP_REASONS,
	       "the last slot is for reasons past the table");
_Static_assert(ARRAY_SIZE(rst_reason_names) < ERRORS_RST_REASONS,
	       "the last slot is for reasons past the table");

/* include/net/tcp_states.h: a stable part of the kernel's ABI */
static const char *const tcp_state_names[ERRORS_TCP_STATES] = {
	[0] = "NONE", /* no socket */
	[1] = "ESTABLISHED",
	[2] = "SYN_SENT",
	[3] = "SYN_RECV",
	[4] = "FIN_WAIT1",
	[5] = "FIN_WAIT2",
	[6] = "TIME_WAIT",
	[7] = "CLOSE",
	[8] = "CLOSE_WAIT",
	[9] = "LAST_ACK",
	[10] = "LISTEN",
	[11] = "CLOSING",
	[12] = "NEW_SYN_RECV",
	[13] = "BOUND_INACTIVE",
};

static const char *const side_names[ERRORS_SIDES] = {
	[ERRORS_SERVER] = "server",
	[ERRORS_CLIENT] = "client",
	[ERRORS_NO_OWNER] = "no_owner",
};

static const char *const netstat_names[ERRORS_NETSTATS] = {
	[NETSTAT_OUT_RSTS] = "Tcp:OutRsts",
	[NETSTAT_ESTAB_RESETS] = "Tcp:EstabResets",
	[NETSTAT_ABORT_ON_DATA] = "TcpExt:TCPAbortOnData",
	[NETSTAT_ABORT_ON_CLOSE] = "TcpExt:TCPAbortOnClose",
	[NETSTAT_ABORT_ON_LINGER] = "TcpExt:TCPAbortOnLinger",
	[NETSTAT_ABORT_ON_MEMORY] = "TcpExt:TCPAbortOnMemory",
	[NETSTAT_ABORT_ON_TIMEOUT] = "TcpExt:TCPAbortOnTimeout",
};

struct errors_probe {
	struct errors_bpf *skel;
	struct probe_target target;
	int ncpus;
	bool netns, have_reasons, have_drops;
	struct errors_counts *vals; /* every CPU's, for reads */
	bool have_netstat;
	__u64 netstat_base[ERRORS_NETSTATS];
	struct prog_cost cost_base;
	char why[192];
};

static const char *named(const char *const names[], size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? names[i] : NULL;
}

const char *errors_side_name(int side)
{
	return named(side_names, ARRAY_SIZE(side_names), side);
}

const char *errors_rst_reason_name(int r)
{
	return named(rst_reason_names, ARRAY_SIZE(rst_reason_names), r);
}

const char *errors_tcp_state_name(int s)
{
	return named(tcp_state_names, ARRAY_SIZE(tcp_state_names), s);
}

const char *errors_drop_reason_name(int r)
{
	return named(drop_reason_names, ARRAY_SIZE(drop_reason_names), r);
}

const char *errors_netstat_name(int i)
{
	return named(netstat_names, ARRAY_SIZE(netstat_names), i);
}

/* The initial network namespace's inode number, fixed since Linux 6.9
 * (PROC_NET_INIT_INO, include/linux/proc_ns.h): where /proc/1/ns is
 * closed to us (a container, a lockdown), it is the machine's. */
#define NET_INIT_INO 0xEFFFFFF9U

/* The inode number of pid's network namespace when it is one of the
 * experiment's own: 0 when it is the machine's (pid 1's), where other
 * traffic runs too, or unknown. */
static __u32 netns_of(pid_t pid)
{
	struct stat theirs, machine;
	char path[64];

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &theirs))
		return 0;
	if (stat("/proc/1/ns/net", &machine))
		machine.st_ino = NET_INIT_INO;
	return theirs.st_ino == machine.st_ino ? 0 : theirs.st_ino;
}

int errors_probe_open(void **probe, const struct probe_target *t, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = hooks_env.btf_path);
	struct errors_probe *p;
	char why_drop[128];
	__u32 ns;
	int err;

	*probe = NULL;
	why[0] = '\0';
	/* the reset's reason is the third argument since 6.10: before, the
	 * program would read past the tracepoint's arguments */
	if (!kernel_at_least(6, 10)) {
		snprintf(why, len, "needs Linux 6.10 (tcp:tcp_send_reset with its reason)");
		return -EOPNOTSUPP;
	}
	if ((err = hook_exists("tp_btf/tcp_send_reset", why, len)) ||
	    (err = hook_exists("tp_btf/tcp_receive_reset", why, len)) ||
	    (err = hook_exists("tp_btf/inet_sock_set_state", why, len)))
		return err;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->target = *t;
	p->ncpus = libbpf_num_possible_cpus();
	p->vals = calloc(p->ncpus > 0 ? p->ncpus : 1, sizeof(*p->vals));
	if (p->ncpus <= 0 || !p->vals) {
		err = -ENOMEM;
		goto fail;
	}
	ns = netns_of(t->pid);
	p->netns = ns != 0;
	p->have_reasons = true;
	p->have_drops =
		p->netns && hook_exists("tp_btf/kfree_skb", why_drop, sizeof(why_drop)) == 0;
	if (!p->netns)
		add_why(p->why, sizeof(p->why),
			"the server runs in the machine's network namespace: only its own "
			"sockets are counted, no drops");
	else if (!p->have_drops)
		add_why(p->why, sizeof(p->why), "drops (tp_btf/kfree_skb): %s", why_drop);
	p->skel = errors_bpf__open_opts(&opts);
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "failed to open BPF object: %s", strerror(-err));
		goto fail;
	}
	p->skel->rodata->target_cgroup_id = t->cgroup_id;
	p->skel->rodata->target_netns = ns;
	bpf_program__set_autoload(p->skel->progs.drop, p->have_drops);
	err = errors_bpf__load(p->skel);
	if (err) {
		hooks_load_why(err, why, len);
		goto fail;
	}
	*probe = p;
	return 0;
fail:
	errors_probe_destroy(p);
	return err;
}

int errors_probe_attach(void *probe, char *why, size_t len)
{
	struct errors_probe *p = probe;
	int err;

	why[0] = '\0';
	err = errors_bpf__attach(p->skel);
	if (err) {
		snprintf(why, len, "failed to attach: %s", strerror(-err));
		return err;
	}
	return errors_probe_reset(p);
}

int errors_probe_reset(void *probe)
{
	struct errors_probe *p = probe;
	__u32 k = 0;

	memset(p->vals, 0, p->ncpus * sizeof(*p->vals));
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.counts), &k, p->vals, BPF_ANY))
		return -errno;
	p->have_netstat =
		netstat_read(p->target.pid, netstat_names, ERRORS_NETSTATS, p->netstat_base) == 0;
	return prog_cost_read(p->skel->obj, &p->cost_base);
}

/* Adds n counters of one CPU's to the sums. */
static void add(__u64 *sum, const __u64 *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum[i] += v[i];
}

int errors_probe_read(void *probe, void *out)
{
	struct errors_probe *p = probe;
	struct errors_stats *s = out;
	__u64 now[ERRORS_NETSTATS];
	__u32 k = 0;

	memset(s, 0, sizeof(*s));
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.counts), &k, p->vals))
		return -errno;
	s->netns = p->netns;
	s->have_reasons = p->have_reasons;
	s->have_drops = p->have_drops;
	for (int c = 0; c < p->ncpus; c++) {
		const struct errors_counts *v = &p->vals[c];

		add(&s->rst_sent[0][0], &v->rst_sent[0][0], ERRORS_SIDES * ERRORS_RST_REASONS);
		add(&s->rst_sent_state[0][0], &v->rst_sent_state[0][0],
		    ERRORS_SIDES * ERRORS_TCP_STATES);
		add(&s->rst_received[0][0], &v->rst_received[0][0],
		    ERRORS_SIDES * ERRORS_TCP_STATES);
		add(s->drops, v->drops, ERRORS_DROP_REASONS);
		s->server_closed_first += v->server_closed_first;
		s->client_closed_first += v->client_closed_first;
		s->fins += v->fins;
		s->fin_at_exit += v->fin_at_exit;
	}
	if (p->have_netstat &&
	    netstat_read(p->target.pid, netstat_names, ERRORS_NETSTATS, now) == 0) {
		s->have_netstat = true;
		for (int i = 0; i < ERRORS_NETSTATS; i++)
			s->netstat[i] = now[i] - p->netstat_base[i];
	}
	snprintf(s->why, sizeof(s->why), "%s", p->why);
	prog_cost_since(p->skel->obj, &p->cost_base, &s->cost);
	return 0;
}

void errors_probe_destroy(void *probe)
{
	struct errors_probe *p = probe;

	if (!p)
		return;
	errors_bpf__destroy(p->skel);
	free(p->vals);
	free(p);
}

__u64 errors_rst_sent_by(const struct errors_stats *s, int side)
{
	__u64 n = 0;

	for (int r = 0; r < ERRORS_RST_REASONS; r++)
		n += s->rst_sent[side][r];
	return n;
}

__u64 errors_rst_received_by(const struct errors_stats *s, int side)
{
	__u64 n = 0;

	for (int st = 0; st < ERRORS_TCP_STATES; st++)
		n += s->rst_received[side][st];
	return n;
}

__u64 errors_drops_total(const struct errors_stats *s)
{
	__u64 n = 0;

	for (int r = 0; r < ERRORS_DROP_REASONS; r++)
		n += s->drops[r];
	return n;
}

/* ------------------------------------------------------------ output */

/* "ABORT_ON_CLOSE 412, ..." of the nonzero counters, or "none". */
static void print_counts(FILE *f, const __u64 *v, int n, const char *(*name)(int))
{
	bool any = false;

	for (int i = 0; i < n; i++) {
		if (!v[i])
			continue;
		fprintf(f, "%s%s %llu", any ? ", " : "", name(i) ?: "other",
			(unsigned long long)v[i]);
		any = true;
	}
	fprintf(f, "%s\n", any ? "" : "none");
}

void errors_stats_print(FILE *f, const void *stats)
{
	const struct errors_stats *s = stats;

	fprintf(f, "errors (the kernel's view, %s)\n",
		s->netns ? "both sides, the experiment's network namespace"
			 : "the server's sockets only");
	for (int side = 0; side < ERRORS_SIDES; side++) {
		if (!errors_rst_sent_by(s, side) && !errors_rst_received_by(s, side))
			continue;
		fprintf(f, "  resets sent by %s, by reason: ", side_names[side]);
		print_counts(f, s->rst_sent[side], ERRORS_RST_REASONS, errors_rst_reason_name);
		fprintf(f, "  ... by its state: ");
		print_counts(f, s->rst_sent_state[side], ERRORS_TCP_STATES, errors_tcp_state_name);
		fprintf(f, "  resets received by %s, by its state: ", side_names[side]);
		print_counts(f, s->rst_received[side], ERRORS_TCP_STATES, errors_tcp_state_name);
	}
	fprintf(f,
		"  first FIN: the server's %llu, the client's %llu; FINs sent at a task's exit "
		"%llu of %llu\n",
		(unsigned long long)s->server_closed_first,
		(unsigned long long)s->client_closed_first, (unsigned long long)s->fin_at_exit,
		(unsigned long long)s->fins);
	if (s->have_drops) {
		fprintf(f, "  packets dropped, by reason: ");
		print_counts(f, s->drops, ERRORS_DROP_REASONS, errors_drop_reason_name);
	}
	if (s->have_netstat) {
		fprintf(f, "  netns counters:");
		for (int i = 0; i < ERRORS_NETSTATS; i++)
			fprintf(f, " %s %llu", netstat_names[i], (unsigned long long)s->netstat[i]);
		fprintf(f, "\n");
	}
	if (s->why[0])
		fprintf(f, "  missing: %s\n", s->why);
}

/* ------------------------------------------------------------ results.json */

/*
 * Counters by name, nonzero only: {"TCP_ABORT_ON_CLOSE": 412}. A name
 * this kernel does not know reads back into the last slot ("other").
 */
struct named_counts {
	int n;
	const char *(*name)(int);
};

static json_t *counts_to(const __u64 *v, const struct named_counts *nc)
{
	json_t *o = json_object();

	for (int i = 0; o && i < nc->n; i++) {
		char other[16];

		if (!v[i])
			continue;
		snprintf(other, sizeof(other), "other_%d", i);
		json_object_set_new(o, nc->name(i) ?: other, json_integer(v[i]));
	}
	return o;
}

static int counts_from(const json_t *j, __u64 *v, const struct named_counts *nc)
{
	const char *key;
	json_t *x;

	if (!json_is_object(j))
		return -EINVAL;
	json_object_foreach((json_t *)j, key, x) {
		int i = nc->n - 1;

		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return -EINVAL;
		for (int k = 0; k < nc->n; k++)
			if (nc->name(k) && !strcmp(nc->name(k), key))
				i = k;
		v[i] += json_integer_value(x);
	}
	return 0;
}

/* by side, then by name: {"server": {"TCP_ABORT_ON_CLOSE": 412}} */
#define BY_SIDE(fn, n_, name_)                                                                     \
	static const struct named_counts fn##_names = { n_, name_ };                               \
	static json_t *fn##_to(const void *m, const void *base)                                    \
	{                                                                                          \
		const __u64(*v)[n_] = m;                                                           \
		json_t *o = json_object();                                                         \
		(void)base;                                                                        \
		for (int side = 0; o && side < ERRORS_SIDES; side++)                               \
			json_object_set_new(o, side_names[side], counts_to(v[side], &fn##_names)); \
		return o;                                                                          \
	}                                                                                          \
	static int fn##_from(const json_t *j, void *m, void *base)                                 \
	{                                                                                          \
		__u64(*v)[n_] = m;                                                                 \
		(void)base;                                                                        \
		for (int side = 0; side < ERRORS_SIDES; side++) {                                  \
			const json_t *x = json_object_get(j, side_names[side]);                    \
			int err = x ? counts_from(x, v[side], &fn##_names) : 0;                    \
			if (err)                                                                   \
				return err;                                                        \
		}                                                                                  \
		return 0;                                                                          \
	}                                                                                          \
	static const struct jm_codec fn##_json = { fn##_to, fn##_from }
BY_SIDE(by_reason, ERRORS_RST_REASONS, errors_rst_reason_name);
BY_SIDE(by_state, ERRORS_TCP_STATES, errors_tcp_state_name);

static const struct named_counts drop_names = { ERRORS_DROP_REASONS, errors_drop_reason_name };
static json_t *drops_to(const void *m, const void *base)
{
	(void)base;
	return counts_to(m, &drop_names);
}
static int drops_from(const json_t *j, void *m, void *base)
{
	(void)base;
	return counts_from(j, m, &drop_names);
}
static const struct jm_codec drops_json = { drops_to, drops_from };

static const struct named_counts netstat_counts = { ERRORS_NETSTATS, errors_netstat_name };
static json_t *netstat_to(const void *m, const void *base)
{
	const struct errors_stats *s = base;
	json_t *o = json_object();

	/* every counter, zeros too: a zero is what the kernel said */
	for (int i = 0; o && s->have_netstat && i < ERRORS_NETSTATS; i++)
		json_object_set_new(o, netstat_names[i], json_integer(((const __u64 *)m)[i]));
	return o;
}
static int netstat_from(const json_t *j, void *m, void *base)
{
	((struct errors_stats *)base)->have_netstat = json_object_size(j) > 0;
	return counts_from(j, m, &netstat_counts);
}
static const struct jm_codec netstat_json = { netstat_to, netstat_from };

static bool has_why(const void *s)
{
	return ((const struct errors_stats *)s)->why[0];
}

static const struct jm_field stats_fields[] = {
	JM_BOOL(struct errors_stats, "netns", netns),
	JM_BOOL(struct errors_stats, "have_reasons", have_reasons),
	JM_BOOL(struct errors_stats, "have_drops", have_drops),
	JM_CODEC(struct errors_stats, "resets_sent", rst_sent, by_reason_json),
	JM_CODEC(struct errors_stats, "resets_sent_state", rst_sent_state, by_state_json),
	JM_CODEC(struct errors_stats, "resets_received", rst_received, by_state_json),
	JM_U64(struct errors_stats, "server_closed_first", server_closed_first),
	JM_U64(struct errors_stats, "client_closed_first", client_closed_first),
	JM_U64(struct errors_stats, "fins", fins),
	JM_U64(struct errors_stats, "fin_at_exit", fin_at_exit),
	JM_CODEC(struct errors_stats, "drops", drops, drops_json),
	JM_CODEC(struct errors_stats, "netstat", netstat, netstat_json),
	STATS_COST(struct errors_stats),
	STATS_MISSING(struct errors_stats, has_why),
};
JM_TABLE(stats_table, stats_fields);

json_t *errors_stats_to_json(const void *stats)
{
	return jm_to_json(stats, &stats_table);
}

int errors_stats_from_json(const json_t *j, void *stats)
{
	memset(stats, 0, sizeof(struct errors_stats));
	return jm_read(j, stats, &stats_table);
}

const struct probe_ops errors_probe_ops = {
	.name = "errors",
	.yields = "resets, drops and first FINs on the experiment's sockets: the kernel's "
		  "causes of the client's errors",
	.open = errors_probe_open,
	.attach = errors_probe_attach,
	.read = errors_probe_read,
	.reset = errors_probe_reset,
	.destroy = errors_probe_destroy,
	.print = errors_stats_print,
	.to_json = errors_stats_to_json,
	.from_json = errors_stats_from_json,
	.cost = offsetof(struct errors_stats, cost),
	.why = offsetof(struct errors_stats, why),
};
