// SPDX-License-Identifier: MIT
#include "harness/sandbox/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cgroup2_root(char *buf, size_t len)
{
	struct mntent *m;
	FILE *f = setmntent("/proc/self/mounts", "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(buf, len, "%s", m->mnt_dir);
			err = 0;
			break;
		}
	endmntent(f);
	return err;
}

int cgroup_create(struct cgroup *cg, const char *name)
{
	char root[256], parent[300];
	struct stat st;
	int err;

	memset(cg, 0, sizeof(*cg));
	err = cgroup2_root(root, sizeof(root));
	if (err)
		return err;
	snprintf(parent, sizeof(parent), "%s/whyserve", root);
	if (mkdir(parent, 0755) && errno != EEXIST)
		return -errno;
	snprintf(cg->path, sizeof(cg->path), "%s/%s-%d", parent, name, getpid());
	if (mkdir(cg->path, 0755) && errno != EEXIST)
		return -errno;
	if (stat(cg->path, &st))
		return -errno;
	/* a cgroup2 directory's inode number is its kernfs id */
	cg->id = st.st_ino;
	return 0;
}

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[600];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int cgroup_add_pid(const struct cgroup *cg, pid_t pid)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", pid);
	return write_file(cg->path, "cgroup.procs", val);
}

int cgroup_cpu(const struct cgroup *cg, struct cgroup_cpu *cpu)
{
	char path[600], key[64];
	unsigned long long v;
	FILE *f;

	memset(cpu, 0, sizeof(*cpu));
	snprintf(path, sizeof(path), "%s/cpu.stat", cg->path);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %llu", key, &v) == 2) {
		if (!strcmp(key, "usage_usec"))
			cpu->usage_us = v;
		else if (!strcmp(key, "user_usec"))
			cpu->user_us = v;
		else if (!strcmp(key, "system_usec"))
			cpu->system_us = v;
	}
	fclose(f);
	return 0;
}

/* Calls fn on every pid in the cgroup; returns how many, or -errno. */
static int for_each_pid(const struct cgroup *cg, void (*fn)(pid_t))
{
	char path[600];
	int pid, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->path);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fscanf(f, "%d", &pid) == 1) {
		fn(pid);
		n++;
	}
	fclose(f);
	return n;
}

static void kill_pid(pid_t pid)
{
	kill(pid, SIGKILL);
}

int cgroup_destroy(struct cgroup *cg)
{
	struct timespec pause = { .tv_nsec = 5 * 1000 * 1000 };

	if (!cg->path[0])
		return 0;
	/* cgroup.kill (5.14+) kills everything at once, forks in flight too */
	if (write_file(cg->path, "cgroup.kill", "1"))
		for_each_pid(cg, kill_pid);
	for (int i = 0; i < 400 && rmdir(cg->path) && errno == EBUSY; i++) {
		for_each_pid(cg, kill_pid);
		nanosleep(&pause, NULL);
	}
	if (access(cg->path, F_OK) == 0)
		return -EBUSY;
	cg->path[0] = '\0';
	return 0;
}

int cgroup_reap_stale(void)
{
	char root[256], parent[300];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	if (cgroup2_root(root, sizeof(root)))
		return 0;
	snprintf(parent, sizeof(parent), "%s/whyserve", root);
	dir = opendir(parent);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		const char *dash = strrchr(d->d_name, '-');
		struct cgroup cg = { 0 };
		pid_t owner;

		if (d->d_type != DT_DIR || !dash || d->d_name[0] == '.')
			continue;
		owner = atoi(dash + 1);
		if (owner <= 0 || kill(owner, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(cg.path, sizeof(cg.path), "%s/%.200s", parent, d->d_name) <
		    (int)sizeof(cg.path))
			n += cgroup_destroy(&cg) == 0;
	}
	closedir(dir);
	return n;
}
