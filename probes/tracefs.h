/* SPDX-License-Identifier: MIT */
/*
 * tracefs, which the classic tracepoints need (libbpf reads an event's id
 * there to attach it) and a fresh machine does not mount. Mounted when
 * missing, in a mount namespace of the calling thread's own, so nothing
 * of it outlives the process and the machine is left as it was.
 */
#ifndef WHYSERVE_TRACEFS_H
#define WHYSERVE_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

#define TRACEFS "/sys/kernel/tracing"

enum tracefs_state {
	TRACEFS_THERE,	 /* mounted by the system */
	TRACEFS_MOUNTED, /* mounted by us, in our own mount namespace */
	TRACEFS_MISSING, /* neither: why says why */
};

/*
 * Makes TRACEFS usable: TRACEFS_THERE, TRACEFS_MOUNTED or TRACEFS_MISSING
 * with why ("not root", "this kernel has no tracefs", ...). Call it from
 * the thread that will attach (best: before any other thread starts, so
 * that all threads share the namespace). Idempotent.
 */
enum tracefs_state tracefs_ensure(char *why, size_t len);

/*
 * Moves the calling thread into a mount namespace of its own whose mounts
 * do not reach the machine's (private from /, or from /sys in a chroot,
 * where / is no mount point). 0 or -errno.
 */
int tracefs_own_namespace(void);

#endif
