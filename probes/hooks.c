// SPDX-License-Identifier: MIT
#include "probes/hooks.h"
#include "probes/tracefs.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"

struct hooks_env hooks_env;

const char *hooks_btf_path(void)
{
	return hooks_env.btf_path ? hooks_env.btf_path : KERNEL_BTF;
}

const struct btf *hooks_btf(void)
{
	static struct btf *btf;
	static char loaded_from[256];
	const char *path = hooks_btf_path();

	if (btf && !strcmp(loaded_from, path))
		return btf;
	btf__free(btf);
	btf = NULL;
	if (access(path, R_OK))
		return NULL;
	btf = btf__parse(path, NULL);
	if (!btf)
		return NULL;
	snprintf(loaded_from, sizeof(loaded_from), "%s", path);
	return btf;
}

static bool hidden(const char *name)
{
	const char *h = hooks_env.hidden;
	size_t n = strlen(name);

	for (; h && *h; h += strcspn(h, ","), h += *h == ',')
		if (!strncmp(h, name, n) && (h[n] == ',' || h[n] == '\0'))
			return true;
	return false;
}

static bool btf_has(const char *prefix, const char *name, int kind)
{
	const struct btf *btf = hooks_btf();
	char full[160];

	snprintf(full, sizeof(full), "%s%s", prefix, name);
	return btf && btf__find_by_name_kind(btf, full, kind) >= 0;
}

static bool tracefs_has(const char *cat, const char *name)
{
	const char *roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], cat, name);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

#define WHY(...) (why ? snprintf(why, len, __VA_ARGS__) : 0)

int hook_exists(const char *sec, char *why, size_t len)
{
	char kind[16] = "", a[64] = "", b[64] = "";
	const char *name;

	if (why && len)
		why[0] = '\0';
	/* a BPF program on perf events: the software ones need perf alone */
	if (!strcmp(sec, "perf_event")) {
		if (hidden(sec)) {
			WHY("no perf events in this kernel (hidden)");
			return -ENOENT;
		}
		if (!access("/sys/bus/event_source/devices/software", F_OK))
			return 0;
		WHY("no perf events in this kernel (CONFIG_PERF_EVENTS off)");
		return -ENOENT;
	}
	if (sscanf(sec, "%15[^/]/%63[^/]/%63s", kind, a, b) < 2) {
		WHY("unknown hook %s", sec);
		return -EINVAL;
	}
	name = !strcmp(kind, "tracepoint") || !strcmp(kind, "tp") ? b : a;
	if (hidden(name) || hidden(sec)) {
		WHY("no %s %s in this kernel (hidden)", hidden(sec) ? sec : "tracepoint", name);
		return -ENOENT;
	}
	if (!strcmp(kind, "tracepoint") || !strcmp(kind, "tp")) {
		char tracefs_why[160];

		/* a classic tracepoint is attached by its id in tracefs */
		if (tracefs_ensure(tracefs_why, sizeof(tracefs_why)) == TRACEFS_MISSING) {
			WHY("tracepoint %s:%s cannot be attached: %s", a, b, tracefs_why);
			return -ENODATA;
		}
		if (tracefs_has(a, b))
			return 0;
		WHY("no tracepoint %s:%s in this kernel", a, b);
		return -ENOENT;
	}
	if (!strcmp(kind, "kprobe") || !strcmp(kind, "kretprobe")) {
		if (!access("/sys/bus/event_source/devices/kprobe", F_OK))
			return 0;
		WHY("no kprobes in this kernel (CONFIG_KPROBES off)");
		return -ENOENT;
	}
	/* the rest are BTF hooks: without BTF they cannot be attached */
	if (!hooks_btf()) {
		WHY("no kernel BTF at %s (CONFIG_DEBUG_INFO_BTF off): %s needs it",
		    hooks_btf_path(), sec);
		return -ENODATA;
	}
	if (!strcmp(kind, "tp_btf") || !strcmp(kind, "raw_tp") || !strcmp(kind, "raw_tracepoint")) {
		if (btf_has("btf_trace_", a, BTF_KIND_TYPEDEF))
			return 0;
		WHY("no tracepoint %s in this kernel%s", a,
		    kernel_at_least(5, 5) ? "" : " (BTF tracepoints need Linux 5.5)");
		return -ENOENT;
	}
	if (!strcmp(kind, "iter")) {
		if (btf_has("bpf_iter_", a, BTF_KIND_FUNC))
			return 0;
		WHY("no BPF iterator %s in this kernel%s", a,
		    !strcmp(a, "tcp") && !kernel_at_least(5, 9) ? " (iter/tcp: Linux 5.9)" : "");
		return -ENOENT;
	}
	if (!strcmp(kind, "fentry") || !strcmp(kind, "fexit")) {
		if (btf_has("", a, BTF_KIND_FUNC))
			return 0;
		WHY("no kernel function %s (or not in BTF)", a);
		return -ENOENT;
	}
	WHY("unknown hook %s", sec);
	return -EINVAL;
}

int hook_empty_prog(const char *sec)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	char kind[16] = "", a[64] = "";
	enum bpf_prog_type type;
	int fd, id;

	if (sscanf(sec, "%15[^/]/%63[^/]", kind, a) < 1)
		return -EINVAL;
	if (!strcmp(kind, "tracepoint")) {
		type = BPF_PROG_TYPE_TRACEPOINT;
	} else if (!strcmp(kind, "raw_tp")) {
		type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	} else if (!strcmp(kind, "kprobe")) {
		type = BPF_PROG_TYPE_KPROBE;
	} else if (!strcmp(kind, "perf_event")) {
		type = BPF_PROG_TYPE_PERF_EVENT;
	} else {
		/* BTF-attached: tp_btf, iter, fentry, fexit */
		enum bpf_attach_type at = !strcmp(kind, "tp_btf")  ? BPF_TRACE_RAW_TP
					  : !strcmp(kind, "iter")  ? BPF_TRACE_ITER
					  : !strcmp(kind, "fexit") ? BPF_TRACE_FEXIT
								   : BPF_TRACE_FENTRY;

		id = libbpf_find_vmlinux_btf_id(a, at);
		if (id < 0)
			return id;
		type = BPF_PROG_TYPE_TRACING;
		opts.expected_attach_type = at;
		opts.attach_btf_id = id;
	}
	fd = bpf_prog_load(type, NULL, "GPL", insns, 2, &opts);
	return fd < 0 ? -errno : fd;
}

int hook_loadable(const char *sec)
{
	int fd = hook_empty_prog(sec);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return true; /* cannot tell: let the load decide */
	return ma > major || (ma == major && mi >= minor);
}

void hooks_load_why(int err, char *why, size_t len)
{
	static const char not_root[] = "not root: loading BPF programs needs root "
				       "(or CAP_BPF and CAP_PERFMON)";
	static const char refused[] = "the kernel refused to load BPF programs, even to root "
				      "(lockdown, or a security module?)";

	if (err == -EPERM || err == -EACCES)
		snprintf(why, len, "%s", geteuid() ? not_root : refused);
	else
		snprintf(why, len, "failed to load BPF programs: %s", strerror(-err));
}

void add_why(char *why, size_t len, const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list ap;

	if (n && n + 2 < len) {
		strcpy(why + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
}
