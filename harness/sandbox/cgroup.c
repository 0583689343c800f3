// SPDX-License-Identifier: MIT
#include "harness/sandbox/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * whyserve/ under the cgroup2 root, opened and locked: creating a cgroup
 * and taking its lock happen under it, so the reaper (which also holds it)
 * never finds one made and not yet locked. -errno, or its fd.
 */
static int lock_parent(char *parent, size_t len)
{
	char root[256];
	int fd, err = cgroup2_root(root, sizeof(root));

	if (err)
		return err;
	snprintf(parent, len, "%s/whyserve", root);
	if (mkdir(parent, 0755) && errno != EEXIST)
		return -errno;
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int cgroup_create(struct cgroup *cg, const char *name)
{
	char parent[300];
	struct stat st;
	int pfd, err = 0;

	memset(cg, 0, sizeof(*cg));
	cg->lock = -1;
	pfd = lock_parent(parent, sizeof(parent));
	if (pfd < 0)
		return pfd;
	snprintf(cg->path, sizeof(cg->path), "%s/%s-%d", parent, name, getpid());
	if (mkdir(cg->path, 0755) && errno != EEXIST)
		err = -errno;
	if (!err && (cg->lock = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		err = -errno;
	/* one of a live process (in another PID namespace, of the same PID): not ours */
	if (!err && flock(cg->lock, LOCK_EX | LOCK_NB))
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
	/* a cgroup2 directory's inode number is its kernfs id */
	if (!err && fstat(cg->lock, &st))
		err = -errno;
	close(pfd);
	if (err) {
		if (cg->lock >= 0)
			close(cg->lock);
		cg->lock = -1;
		cg->path[0] = '\0';
		return err;
	}
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

/* Calls fn (if any) on every id the cgroup's file lists; how many, or -errno. */
static int for_each_id(const struct cgroup *cg, const char *file, void (*fn)(pid_t))
{
	char path[600];
	int id, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg->path, file);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fscanf(f, "%d", &id) == 1) {
		if (fn)
			fn(id);
		n++;
	}
	fclose(f);
	return n;
}

/* Calls fn on every pid in the cgroup; returns how many, or -errno. */
static int for_each_pid(const struct cgroup *cg, void (*fn)(pid_t))
{
	return for_each_id(cg, "cgroup.procs", fn);
}

int cgroup_tasks(const struct cgroup *cg)
{
	return for_each_id(cg, "cgroup.threads", NULL);
}

static void kill_pid(pid_t pid)
{
	kill(pid, SIGKILL);
}

int cgroup_destroy(struct cgroup *cg)
{
	struct timespec pause = { .tv_nsec = 5 * 1000 * 1000 };
	int err = 0;

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
		err = -EBUSY;
	else
		cg->path[0] = '\0';
	/* gone, or left for the reaper: either way no longer ours */
	if (cg->lock >= 0)
		close(cg->lock);
	cg->lock = -1;
	return err;
}

/* Locks whyserve/name for the caller if nobody else holds it: a stale one. */
static bool stale(const char *parent, const char *name, struct cgroup *cg)
{
	int fd;

	if (snprintf(cg->path, sizeof(cg->path), "%s/%s", parent, name) >= (int)sizeof(cg->path))
		return false;
	fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return false;
	}
	cg->lock = fd;
	return true;
}

int cgroup_reap_stale(void)
{
	char parent[300];
	struct dirent *d;
	int n = 0, pfd;
	DIR *dir;

	pfd = lock_parent(parent, sizeof(parent));
	if (pfd < 0)
		return 0;
	dir = opendir(parent);
	while (dir && (d = readdir(dir))) {
		struct cgroup cg = { .lock = -1 };

		if (d->d_type == DT_DIR && d->d_name[0] != '.' && stale(parent, d->d_name, &cg))
			n += cgroup_destroy(&cg) == 0;
	}
	if (dir)
		closedir(dir);
	close(pfd);
	return n;
}
