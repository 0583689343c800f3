// SPDX-License-Identifier: MIT
#include "probes/tracefs.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* where libbpf looks: debugfs's tracing/ first, when it is there */
static bool there(void)
{
	return !access(TRACEFS "/events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/events", F_OK);
}

int tracefs_own_namespace(void)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	/* private: our mounts must not propagate back to the machine; in a
	 * chroot / is no mount point, and /sys (where tracefs goes) will do */
	if (!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    (errno == EINVAL && !mount(NULL, "/sys", NULL, MS_REC | MS_PRIVATE, NULL)))
		return 0;
	return -errno;
}

enum tracefs_state tracefs_ensure(char *why, size_t len)
{
	static enum tracefs_state state = TRACEFS_MISSING;
	char reason[160];
	int err;

	if (state == TRACEFS_MOUNTED && there())
		return state;
	if (there())
		return state = TRACEFS_THERE;
	if (geteuid() != 0) {
		snprintf(reason, sizeof(reason),
			 "tracefs not mounted, and only root can mount it "
			 "(mount -t tracefs nodev " TRACEFS ")");
	} else if ((err = tracefs_own_namespace())) {
		snprintf(reason, sizeof(reason),
			 "tracefs not mounted, and no mount namespace of our own "
			 "to mount it in: %s",
			 strerror(-err));
	} else if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
		snprintf(reason, sizeof(reason),
			 "tracefs not mounted, and mounting it failed: %s%s", strerror(errno),
			 errno == ENODEV ? " (this kernel has no tracefs)" : "");
	} else if (!there()) {
		snprintf(reason, sizeof(reason), "tracefs mounted at " TRACEFS " has no events/");
	} else {
		return state = TRACEFS_MOUNTED;
	}
	if (why && len)
		snprintf(why, len, "%s", reason);
	return state = TRACEFS_MISSING;
}
