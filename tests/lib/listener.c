// SPDX-License-Identifier: MIT
#include "tests/lib/listener.h"
#include "harness/sandbox/cgroup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Moves the calling thread into a new network namespace with lo up. */
int netns_fresh(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, err = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			err = -errno;
	} else {
		err = -errno;
	}
	close(fd);
	return err;
}

/* Joins the network namespace of pid (the calling thread only). */
int netns_join(pid_t pid)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

int listener_start(struct listener *l, const struct cgroup *cg, bool own_netns, int backlog,
		   void (*serve)(int fd))
{
	struct pollfd pfd;
	int pipefd[2];

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	l->pid = fork();
	if (l->pid < 0)
		return -errno;
	if (l->pid == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof(sa);
		int fd = -1, port = -1;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		/* the socket belongs to the cgroup it is created in */
		if ((cg && cgroup_add_pid(cg, getpid())) || (own_netns && netns_fresh()))
			goto out;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, backlog) ||
		    getsockname(fd, (struct sockaddr *)&sa, &len))
			goto out;
		port = ntohs(sa.sin_port);
out:
		if (write(pipefd[1], &port, sizeof(port)) != sizeof(port) || port < 0)
			_exit(1);
		serve(fd);
		_exit(0);
	}
	close(pipefd[1]);
	pfd = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
	l->port = -1;
	if (poll(&pfd, 1, 5000) != 1 ||
	    read(pipefd[0], &l->port, sizeof(l->port)) != sizeof(l->port))
		l->port = -1;
	close(pipefd[0]);
	return l->port > 0 ? 0 : -EIO;
}
