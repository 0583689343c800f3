// SPDX-License-Identifier: MIT
/*
 * harness check: what this kernel offers the probes. The facts a probe
 * rests on (kernel, root, BTF, tracefs, cgroup v2, BPF statistics), each
 * probe's hooks present or missing and why, then every probe opened and
 * attached for a moment: available, or not and why, and what a run here
 * goes without.
 */
#include "harness/sandbox/cgroup.h"
#include "harness/cli/commands.h"
#include "probes/hooks.h"
#include "probes/probes.h"
#include "probes/prog_stats.h"
#include "probes/tracefs.h"

#include <argp.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char doc[] =
	"What this kernel offers the probes: which hooks it has, which are\n"
	"missing and why, and what that removes from a run.\n"
	"\n"
	"USAGE: harness check [OPTION...]\n"
	"\n"
	"EXAMPLES:\n"
	"    harness check                     # this kernel, as root\n"
	"    harness check --without sched_switch,sk_data_ready\n"
	"                                      # as if those tracepoints were missing\n"
	"    harness check --btf /boot/vmlinux-6.1.btf\n"
	"\n"
	"Exit status: 0 when every probe is available, 1 when one is not.\n";

static const struct argp_option options[] = {
	{ "without", 'w', "TP,...", 0, "Take these tracepoints as missing", 0 },
	{ "btf", 'b', "FILE", 0, "Kernel BTF to read (default /sys/kernel/btf/vmlinux)", 0 },
	{},
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'w':
		hooks_env.hidden = arg;
		break;
	case 'b':
		hooks_env.btf_path = arg;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void fact(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fact(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("  %-12s ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void kernel_facts(void)
{
	char root[256], why[160];
	struct utsname u;
	int fd, err;

	printf("kernel\n");
	if (!uname(&u))
		fact("version", "Linux %s %s", u.release, u.machine);
	fact("root", geteuid() ? "no (euid %d): probes cannot load; run as root" : "yes",
	     (int)geteuid());
	if (hooks_btf())
		fact("BTF", "yes, %s", hooks_btf_path());
	else
		fact("BTF",
		     "no: %s missing (CONFIG_DEBUG_INFO_BTF off): no probe can load "
		     "(page_faults counts with perf counters alone)",
		     hooks_btf_path());
	err = hook_loadable("tp_btf/sched_switch");
	if (!err)
		fact("tp_btf", "yes, BPF programs load on BTF tracepoints");
	else
		fact("tp_btf", "no: %s%s", strerror(-err),
		     err == -EPERM && geteuid() ? " (not root)" : "");
	fact("task storage", kernel_at_least(5, 11)
				     ? "yes (Linux 5.11+)"
				     : "no (Linux 5.11+): the syscalls and sched probes need it");
	switch (tracefs_ensure(why, sizeof(why))) {
	case TRACEFS_THERE:
		fact("tracefs", "mounted at " TRACEFS);
		break;
	case TRACEFS_MOUNTED:
		fact("tracefs",
		     "not mounted: mounted at " TRACEFS " for the harness alone "
		     "(its own mount namespace), as a run does when it needs the classic tracepoints");
		break;
	case TRACEFS_MISSING:
		fact("tracefs", "%s: the classic tracepoint fallbacks cannot attach", why);
		break;
	}
	if (cgroup2_root(root, sizeof(root)))
		fact("cgroup v2", "not mounted: probes filter by the server's cgroup v2");
	else
		fact("cgroup v2", "%s", root);
	fd = prog_stats_enable();
	if (fd >= 0)
		close(fd);
	fact("BPF stats",
	     fd >= 0 ? "yes: each probe's cost is measured" : "no (%s): probe costs read zero",
	     strerror(-fd));
	fact("kprobes", hook_exists("kprobe/vfs_read", NULL, 0)
				? "no (CONFIG_KPROBES off): nothing here needs them"
				: "yes (not needed)");
	err = hook_loadable("fentry/vfs_read");
	fact("fentry", err ? "refused (%s%s): nothing here needs it" : "yes (not needed)",
	     strerror(-err), err == -EPERM && geteuid() ? ", not root" : "");
}

static void hooks_of(enum probe_kind k, const char *name)
{
	char why[192];

	for (const struct probe_hook *h = probe_hooks(k); h->sec; h++) {
		const char *sec = h->sec;
		int err = hook_exists(sec, why, sizeof(why));

		if (err && h->alt && !hook_exists(h->alt, NULL, 0)) {
			printf("  %-13s %-36s ok, as %s (%s)\n", name, h->sec, h->alt, h->gives);
			continue;
		}
		if (!err) {
			printf("  %-13s %-36s ok (%s)\n", name, sec, h->gives);
			continue;
		}
		printf("  %-13s %-36s MISSING: %s\n", name, sec, why);
		if (h->required)
			printf("  %-50s so the %s probe cannot run\n", "", name);
		else
			printf("  %-50s so a run has no %s\n", "", h->gives);
	}
}

int cmd_check(int argc, char **argv)
{
	static const struct argp argp = { options, parse, NULL, doc, NULL, NULL, NULL };
	struct probe_target self = { .pid = getpid() };
	struct probes_stats *stats;
	struct probes *ps = NULL;
	bool all = true, partial = false;
	int err;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	libbpf_set_print(NULL); /* the reasons below say it better */
	kernel_facts();

	printf("\nhooks\n");
	for (int k = 0; k < PROBE_KINDS; k++)
		hooks_of(k, probe_name(k));

	/* the real answer: open and attach each probe, for a moment, from a
	 * network namespace of its own as a run's server has (the errors
	 * probe counts drops only there); where none can be made, the
	 * probes say what they lack */
	printf("\nprobes (loaded and attached for a moment)\n");
	if (unshare(CLONE_NEWNET))
		fprintf(stderr, "harness check: no network namespace of its own (%s)\n",
			strerror(errno));
	err = probes_open(&ps, &self, NULL);
	if (err) {
		fprintf(stderr, "harness check: failed to open probes: %s\n", strerror(-err));
		return 1;
	}
	probes_attach(ps);
	stats = calloc(1, sizeof(*stats));
	if (stats)
		probes_read(ps, stats);
	for (int k = 0; k < PROBE_KINDS; k++) {
		const struct probe_status *st = &ps->status[k];
		const char *lacks = stats ? probes_lacks(stats, k) : "";

		if (!st->available) {
			all = false;
			printf("  %-13s UNAVAILABLE: %s\n", st->name, st->why);
		} else if (lacks[0]) {
			partial = true;
			printf("  %-13s available, without: %s\n", st->name, lacks);
		} else {
			printf("  %-13s available\n", st->name);
		}
	}
	printf("\n");
	if (all && !partial)
		printf("A run here has every probe.\n");
	if (!all) {
		printf("A run here goes without:\n");
		for (int k = 0; k < PROBE_KINDS; k++)
			if (!ps->status[k].available)
				printf("  %s: %s\n", ps->status[k].name, ps->status[k].yields);
	}
	if (partial) {
		printf("A run here has %s probe, less:\n", all ? "every" : "each available");
		for (int k = 0; k < PROBE_KINDS && stats; k++)
			if (ps->status[k].available && probes_lacks(stats, k)[0])
				printf("  %s: %s\n", ps->status[k].name, probes_lacks(stats, k));
	}
	free(stats);
	probes_destroy(ps);
	return all ? 0 : 1;
}
