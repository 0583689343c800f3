// SPDX-License-Identifier: MIT
#include "tests/lib/fresh_tracefs.h"
#include "tests/lib/check.h"
#include "probes/tracefs.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

void test_without_tracefs(void)
{
	static const char *const places[] = { "/sys/kernel/debug/tracing", "/sys/kernel/tracing" };
	int err;

	test_require_root();
	err = tracefs_own_namespace();
	if (err)
		test_skip("no mount namespace of the case's own: %s", strerror(-err));
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		/* mounted twice (automount and by hand) is possible: until gone */
		while (!umount2(places[i], MNT_DETACH))
			;
	CHECK(access("/sys/kernel/tracing/events", F_OK) &&
		      access("/sys/kernel/debug/tracing/events", F_OK),
	      "tracefs still visible after unmounting it");
}
