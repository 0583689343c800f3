// SPDX-License-Identifier: MIT
#include "tests/lib/leftovers.h"
#include "common/cgroup2.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

int servers_left(pid_t harness_pid)
{
	char path[300], line[512], mine[32];
	struct dirent *d;
	int n = 0;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -1;
	snprintf(mine, sizeof(mine), "-%d\n", harness_pid);
	while ((d = readdir(proc))) {
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cgroup", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "0::", 3) && strstr(line, "/whyserve/") &&
			    strlen(line) > strlen(mine) &&
			    !strcmp(line + strlen(line) - strlen(mine), mine))
				n++;
		fclose(f);
	}
	closedir(proc);
	return n;
}

int cgroups_left(pid_t harness_pid)
{
	char root[256], path[300], mine[32];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	if (cgroup2_root(root, sizeof(root)))
		return -1;
	snprintf(path, sizeof(path), "%s/whyserve", root);
	dir = opendir(path);
	if (!dir)
		return 0; /* none was ever made */
	snprintf(mine, sizeof(mine), "-%d", harness_pid);
	while ((d = readdir(dir)))
		if (strlen(d->d_name) > strlen(mine) &&
		    !strcmp(d->d_name + strlen(d->d_name) - strlen(mine), mine))
			n++;
	closedir(dir);
	return n;
}
