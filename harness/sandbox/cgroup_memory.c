// SPDX-License-Identifier: MIT
#include "harness/sandbox/cgroup_memory.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define V1_MEMORY "/sys/fs/cgroup/memory/whyserve"

/* v1 cgroups whose v2 twin is gone (its run killed) and that hold no task:
 * removed; rmdir refuses one still in use */
static void reap_orphans(const char *v2_parent)
{
	struct dirent *d;
	DIR *dir = opendir(V1_MEMORY);

	while (dir && (d = readdir(dir))) {
		char twin[800], path[800];

		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		snprintf(twin, sizeof(twin), "%s/%s", v2_parent, d->d_name);
		snprintf(path, sizeof(path), "%s/%s", V1_MEMORY, d->d_name);
		if (access(twin, F_OK))
			rmdir(path);
	}
	if (dir)
		closedir(dir);
}

int cgroup_memory_open(struct cgroup_memory *m, const struct cgroup *cg)
{
	const char *name = strrchr(cg->path, '/');
	char parent[512];

	memset(m, 0, sizeof(*m));
	snprintf(m->file, sizeof(m->file), "%s/memory.current", cg->path);
	if (!access(m->file, R_OK))
		return 0;
	m->file[0] = '\0';
	if (!name || access("/sys/fs/cgroup/memory/memory.usage_in_bytes", R_OK))
		return -ENOENT;
	snprintf(parent, sizeof(parent), "%.*s", (int)(name - cg->path), cg->path);
	if (mkdir(V1_MEMORY, 0755) && errno != EEXIST)
		return -errno;
	reap_orphans(parent);
	snprintf(m->v1_dir, sizeof(m->v1_dir), "%s%s", V1_MEMORY, name);
	if (mkdir(m->v1_dir, 0755) && errno != EEXIST) {
		int err = -errno;

		m->v1_dir[0] = '\0';
		return err;
	}
	snprintf(m->file, sizeof(m->file), "%s/memory.usage_in_bytes", m->v1_dir);
	return 0;
}

int cgroup_memory_join(const struct cgroup_memory *m, pid_t pid)
{
	char path[600];
	FILE *f;
	int err = 0;

	if (!m->v1_dir[0])
		return m->file[0] ? 0 : -ENOENT; /* v2: it is in its cgroup already */
	snprintf(path, sizeof(path), "%s/cgroup.procs", m->v1_dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%d", pid) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

double cgroup_memory_bytes(const struct cgroup_memory *m)
{
	unsigned long long v;
	FILE *f;
	int n;

	if (!m->file[0] || !(f = fopen(m->file, "r")))
		return NAN;
	n = fscanf(f, "%llu", &v);
	fclose(f);
	return n == 1 ? (double)v : NAN;
}

void cgroup_memory_close(struct cgroup_memory *m)
{
	struct timespec pause = { .tv_nsec = 5 * 1000 * 1000 };

	/* its tasks were killed with the v2 cgroup: gone within a moment */
	for (int i = 0; m->v1_dir[0] && i < 400 && rmdir(m->v1_dir) && errno == EBUSY; i++)
		nanosleep(&pause, NULL);
	m->v1_dir[0] = m->file[0] = '\0';
}
