// SPDX-License-Identifier: MIT
#include "probes/netstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One file of "Group: Name ..." / "Group: value ..." pairs. */
static int read_file(const char *path, const char *const names[], int n, __u64 vals[])
{
	char keys[8192], nums[8192];
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(keys, sizeof(keys), f) && fgets(nums, sizeof(nums), f)) {
		char *colon = strchr(keys, ':'), *sk, *sv, *k, *v;
		size_t glen;

		if (!colon || strncmp(keys, nums, colon - keys + 1))
			continue;
		glen = colon - keys + 1; /* "TcpExt:" */
		k = strtok_r(colon + 1, " \n", &sk);
		v = strtok_r(nums + glen, " \n", &sv);
		for (; k && v; k = strtok_r(NULL, " \n", &sk), v = strtok_r(NULL, " \n", &sv))
			for (int i = 0; i < n; i++)
				if (!strncmp(names[i], keys, glen) && !strcmp(names[i] + glen, k))
					vals[i] = strtoull(v, NULL, 10);
	}
	fclose(f);
	return 0;
}

int netstat_read(pid_t pid, const char *const names[], int n, __u64 vals[])
{
	static const char *const files[] = { "netstat", "snmp" };
	char path[64];
	int err = 0, ok = 0;

	memset(vals, 0, n * sizeof(vals[0]));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int e;

		if (pid > 0)
			snprintf(path, sizeof(path), "/proc/%d/net/%s", pid, files[i]);
		else
			snprintf(path, sizeof(path), "/proc/self/net/%s", files[i]);
		e = read_file(path, names, n, vals);
		if (e)
			err = e;
		else
			ok++;
	}
	return ok ? 0 : err;
}
