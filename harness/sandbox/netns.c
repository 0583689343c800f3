// SPDX-License-Identifier: MIT
#include "harness/sandbox/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			err = -errno;
	}
	close(fd);
	return err;
}

int netns_enter_new(struct netns *ns)
{
	int err;

	ns->home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns->home_fd < 0)
		return -errno;
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		goto fail;
	}
	err = loopback_up();
	if (!err)
		return 0;
	setns(ns->home_fd, CLONE_NEWNET);
fail:
	close(ns->home_fd);
	ns->home_fd = -1;
	return err;
}

int netns_leave(struct netns *ns)
{
	int err = 0;

	if (ns->home_fd < 0)
		return 0;
	if (setns(ns->home_fd, CLONE_NEWNET) < 0)
		err = -errno;
	close(ns->home_fd);
	ns->home_fd = -1;
	return err;
}

int sysctl_read(const char *name, char *buf, int len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	/* tabs between values (ip_local_port_range) read better as spaces */
	for (char *p = buf; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return 0;
}

/* /proc/net/tcp{,6}: "sl local_address rem_address st ...", the address
 * and port in hex, state 0A a listener */
static int listeners_in(const char *file, int *ports, int n, int max)
{
	char line[512];
	FILE *f = fopen(file, "r");

	if (!f)
		return errno == ENOENT ? n : -errno; /* no IPv6: none there */
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned port, state;

		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", &port, &state) ==
			    2 &&
		    state == 0x0A)
			ports[n++] = port;
	}
	fclose(f);
	return n;
}

int netns_listening_ports(int *ports, int max)
{
	/* thread-self: a namespace is a thread's, not the process's */
	int n = listeners_in("/proc/thread-self/net/tcp", ports, 0, max);

	return n < 0 ? n : listeners_in("/proc/thread-self/net/tcp6", ports, n, max);
}

int netns_tcp_counter(const char *name, double *value)
{
	FILE *f = fopen("/proc/thread-self/net/snmp", "re");
	char names[2048], values[2048];
	int err = -ENOENT;

	if (!f)
		return -errno;
	/* "Tcp: RtoAlgorithm ... ActiveOpens ..." then "Tcp: 1 ... 42 ..." */
	while (err == -ENOENT && fgets(names, sizeof(names), f)) {
		char *ns, *vs, *n, *v;

		if (strncmp(names, "Tcp:", 4) || !fgets(values, sizeof(values), f))
			continue;
		n = strtok_r(names + 4, " \n", &ns);
		v = strtok_r(values + 4, " \n", &vs);
		for (; n && v; n = strtok_r(NULL, " \n", &ns), v = strtok_r(NULL, " \n", &vs))
			if (!strcmp(n, name)) {
				*value = strtod(v, NULL);
				err = 0;
				break;
			}
	}
	fclose(f);
	return err;
}
