// SPDX-License-Identifier: MIT
#include "probes/cgroup_perf.h"
#include "common/cgroup2.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* "0::/whyserve/x" in /proc/PID/cgroup: pid's cgroup v2, opened. */
static int pid_cgroup_dir(pid_t pid, char *why, size_t len)
{
	char path[64], line[512], root[256], dir[800];
	FILE *f;
	int fd = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			fd = cgroup2_root(root, sizeof(root));
			if (fd)
				break;
			snprintf(dir, sizeof(dir), "%s%s", root, line + 3);
			fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				fd = -errno;
			break;
		}
	fclose(f);
	if (fd == -ENOENT)
		snprintf(why, len, "process %d is in no cgroup v2", pid);
	return fd;
}

int cgroup_perf_dir(__u64 id, pid_t pid, char *why, size_t len)
{
	int fd;

	why[0] = '\0';
	if (!id)
		return pid_cgroup_dir(pid, why, len);
	fd = cgroup2_open_id(id);
	if (fd == -ENOENT)
		snprintf(why, len, "no cgroup v2 of id %llu", (unsigned long long)id);
	else if (fd == -EPERM)
		snprintf(why, len,
			 "not root: opening a cgroup by its id needs CAP_DAC_READ_SEARCH");
	return fd;
}

int cgroup_perf_open(struct cgroup_perf *c, int cgroup_fd, __u64 config, char *why, size_t len)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = config,
		.disabled = 1,
	};

	return cgroup_perf_open_attr(c, cgroup_fd, &a, why, len);
}

int cgroup_perf_open_attr(struct cgroup_perf *c, int cgroup_fd, struct perf_event_attr *a,
			  char *why, size_t len)
{
	int err, opened = 0;

	why[0] = '\0';
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0)
		return c->ncpus < 0 ? c->ncpus : -EINVAL;
	c->fd = malloc(c->ncpus * sizeof(*c->fd));
	if (!c->fd)
		return -ENOMEM;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		c->fd[cpu] = syscall(SYS_perf_event_open, a, cgroup_fd, cpu, -1,
				     PERF_FLAG_PID_CGROUP | PERF_FLAG_FD_CLOEXEC);
		if (c->fd[cpu] >= 0) {
			opened++;
			continue;
		}
		if (errno == ENODEV)
			continue; /* an offline CPU: nothing runs there */
		err = -errno;
		if (err == -EACCES || err == -EPERM)
			snprintf(why, len, "not root: perf events of a cgroup need CAP_PERFMON");
		else if (err == -EINVAL || err == -EBADF || err == -ENOENT || err == -EOPNOTSUPP)
			snprintf(
				why, len,
				"perf events cannot follow a cgroup v2 here (CONFIG_CGROUP_PERF off, "
				"or perf_event on a v1 hierarchy): %s",
				strerror(-err));
		else
			snprintf(why, len, "failed to open a perf event of the cgroup: %s",
				 strerror(-err));
		cgroup_perf_close(c);
		return err;
	}
	return opened ? 0 : -ENODEV;
}

/* Runs ioctl req on every CPU's event. */
static int each(struct cgroup_perf *c, unsigned long req)
{
	for (int cpu = 0; cpu < c->ncpus; cpu++)
		if (c->fd[cpu] >= 0 && ioctl(c->fd[cpu], req, 0))
			return -errno;
	return 0;
}

int cgroup_perf_enable(struct cgroup_perf *c)
{
	return each(c, PERF_EVENT_IOC_ENABLE);
}

int cgroup_perf_reset(struct cgroup_perf *c)
{
	return each(c, PERF_EVENT_IOC_RESET);
}

int cgroup_perf_read(const struct cgroup_perf *c, __u64 *n)
{
	*n = 0;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		ssize_t r;
		__u64 v;

		if (c->fd[cpu] < 0)
			continue;
		r = read(c->fd[cpu], &v, sizeof(v));
		if (r != sizeof(v))
			return r < 0 ? -errno : -EIO;
		*n += v;
	}
	return 0;
}

void cgroup_perf_close(struct cgroup_perf *c)
{
	for (int cpu = 0; c->fd && cpu < c->ncpus; cpu++)
		if (c->fd[cpu] >= 0)
			close(c->fd[cpu]);
	free(c->fd);
	c->fd = NULL;
	c->ncpus = 0;
}
