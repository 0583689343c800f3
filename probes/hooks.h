/* SPDX-License-Identifier: MIT */
/*
 * Which kernel hooks this machine offers, asked before a probe loads: a
 * missing hook turns one probe (or one of its figures) off with a reason
 * that names it, and `harness check` lists the same answers.
 *
 * A hook is named as libbpf names a program's section: "tp_btf/sched_switch",
 * "tracepoint/raw_syscalls/sys_enter", "raw_tp/NAME", "iter/tcp",
 * "fentry/FUNC", "kprobe/FUNC", "perf_event" (a program on perf events).
 */
#ifndef WHYSERVE_HOOKS_H
#define WHYSERVE_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

/*
 * The kernel as the probes see it. Production code leaves this alone;
 * tests change it to walk the paths of a poorer kernel.
 */
struct hooks_env {
	const char *btf_path; /* NULL: /sys/kernel/btf/vmlinux */
	/* taken as missing, comma-separated: a tracepoint's name (all its
	 * hooks: "sched_switch"), or one hook ("tp_btf/sys_enter") */
	const char *hidden;
};
extern struct hooks_env hooks_env;

/* The kernel's BTF (loaded once), or NULL with errno set. */
const struct btf *hooks_btf(void);
/* Where it is looked for. */
const char *hooks_btf_path(void);

/*
 * Does the hook exist here? 0, or -ENOENT (not in this kernel), -ENODATA
 * (no BTF to tell), -EINVAL (a section name we do not know). why, if not
 * NULL, says why not ("no tracepoint sched:sched_switch in this kernel").
 */
int hook_exists(const char *sec, char *why, size_t len);

/*
 * May BPF programs of this kind be loaded here, by us? 0, or -errno from
 * the kernel (-EPERM: not root, or refused, as fentry is on some kernels).
 * Loads a two-instruction program attached to the hook.
 */
int hook_loadable(const char *sec);
/* That program, loaded: its fd (to attach, to measure what the hook alone
 * costs), or -errno. */
int hook_empty_prog(const char *sec);

/* The running kernel is at least major.minor. */
bool kernel_at_least(int major, int minor);

/* Why loading a probe's programs failed, for a person: "not root: ...". */
void hooks_load_why(int err, char *why, size_t len);

/* Appends one more reason to why, "; "-separated: a probe missing parts. */
void add_why(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
