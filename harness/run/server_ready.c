// SPDX-License-Identifier: MIT
#include "harness/run/server_ready.h"
#include "common/clock.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define RETRY_MS 10 /* between connects while it is not listening yet */

/* -ECHILD with why once it has ended; it stays a zombie for its stop */
static int ended(pid_t pid, char *why, size_t len)
{
	siginfo_t info = { 0 };

	if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) || info.si_pid != pid)
		return 0;
	/* 0: it may have left a daemon behind, which its cgroup's end kills */
	if (info.si_code == CLD_EXITED)
		snprintf(why, len, "exited with status %d before it answered%s", info.si_status,
			 info.si_status ? "" : " (a server must stay in the foreground)");
	else
		snprintf(why, len, "was killed by signal %d (%s) before it answered",
			 info.si_status, strsignal(info.si_status));
	return -ECHILD;
}

/* "HTTP/1.x NNN": a status line, whatever the status */
static int http_status_line(const char *s)
{
	return !strncmp(s, "HTTP/1.", 7) && isdigit((unsigned char)s[7]) && s[8] == ' ' &&
	       isdigit((unsigned char)s[9]) && isdigit((unsigned char)s[10]) &&
	       isdigit((unsigned char)s[11]);
}

/* What it said instead, printable and short, for the message. */
static void printable(char *s, size_t n)
{
	s[n < 40 ? n : 40] = '\0';
	s[strcspn(s, "\r\n")] = '\0';
	for (char *p = s; *p; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
}

/* Its answer on fd by the deadline: 0 in HTTP, or -errno with why. */
static int read_answer(int fd, int port, long long deadline, char *why, size_t len)
{
	char buf[64];
	size_t n = 0;

	/* a status line is 12 characters at least: fewer, up to a newline, are not */
	while (n < 12 && !memchr(buf, '\n', n)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - mono_ms();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, left) == 0) {
			snprintf(why, len, "accepted on port %d but sent %s within the deadline",
				 port, n ? "no HTTP status line" : "nothing back");
			return -ETIMEDOUT;
		}
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r < 0 && errno == EINTR)
			return -EINTR;
		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	if (n >= 12 && http_status_line(buf))
		return 0;
	if (!n) {
		snprintf(why, len, "closed the connection on port %d without an answer", port);
		return -ECONNRESET;
	}
	printable(buf, n);
	snprintf(why, len, "answered on port %d, but not in HTTP: \"%s\"", port, buf);
	return -EPROTO;
}

int connect_local(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

bool port_taken(int port)
{
	int fd = connect_local(port);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* One GET: 1 answered in HTTP, 0 not listening yet, or -errno with why. */
static int ask(int port, const char *path, long long deadline, char *why, size_t len)
{
	char req[512];
	int fd = connect_local(port), err, n;

	if (fd == -ECONNREFUSED)
		return 0;
	if (fd < 0) {
		snprintf(why, len, "failed to connect to port %d: %s", port, strerror(-fd));
		return fd;
	}
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", path,
		     port);
	if (send(fd, req, n, MSG_NOSIGNAL) != n) {
		snprintf(why, len, "closed the connection on port %d before the request", port);
		err = -ECONNRESET;
	} else {
		err = read_answer(fd, port, deadline, why, len);
	}
	close(fd);
	return err ?: 1;
}

int server_answers_http(pid_t pid, int port, const char *path, int timeout_ms,
			volatile sig_atomic_t *stop, char *why, size_t len)
{
	long long deadline = mono_ms() + timeout_ms;
	int err;

	for (;;) {
		if (*stop)
			return -EINTR;
		err = ended(pid, why, len);
		if (err)
			return err;
		err = ask(port, path, deadline, why, len);
		if (err == -EINTR && *stop)
			return -EINTR;
		/* a server that said no and then died: its exit says more */
		if (err < 0)
			return ended(pid, why, len) ?: err;
		if (err > 0)
			return 0;
		if (mono_ms() >= deadline) {
			snprintf(
				why, len,
				"did not listen on port %d within %d s (is {port} in its command?)",
				port, timeout_ms / 1000);
			return -ETIMEDOUT;
		}
		poll(NULL, 0, RETRY_MS);
	}
}
