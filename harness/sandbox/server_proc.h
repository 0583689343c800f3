/* SPDX-License-Identifier: MIT */
/*
 * The server under test as a process: started in its cgroup, pinned to its
 * CPUs, without root (and no way back to it), with none of the harness's
 * descriptors or environment, and killed by the kernel if the harness
 * dies; ready once it prints its start-up line ("... listening on
 * HOST:PORT ..."). A server of the user's prints none: it is started and
 * left for the caller to find ready (spec->port).
 */
#ifndef WHYSERVE_HARNESS_SERVER_PROC_H
#define WHYSERVE_HARNESS_SERVER_PROC_H

#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cgroup;

/* the PATH a server runs with, and finds its programs on */
#define SERVER_PATH "/usr/local/bin:/usr/bin:/bin"

struct server_spec {
	const char *const *argv; /* argv[0] is the program's path */
	const struct cgroup *cg; /* NULL: stay in the harness's cgroup */
	const cpu_set_t *cpus;	 /* NULL: any CPU */
	bool drop_root;		 /* run as user when started as root */
	const char *user;	 /* NULL: nobody */
	/* > 0: it prints no start-up line, and its stdout and stderr go to a
	 * file, not a pipe: a server logging every request never fills it and
	 * stalls; err holds the file's tail */
	int port;
};

struct server_proc {
	pid_t pid;
	int port;
	char line[256];	      /* its start-up line */
	int err_fd;	      /* its stderr (non-blocking), until stopped */
	bool err_file;	      /* err_fd is a file (spec->port) */
	char err[1024];	      /* what it wrote there: messages, never per request */
	bool reaped;	      /* it ended, and status says how */
	int status;	      /* its exit status, 128 + signal when killed */
	double rusage_cpu_us; /* once reaped: its and its reaped children's CPU (wait4) */
};

/* Starts it and waits up to timeout_ms for its start-up line (none with
 * spec->port). 0 or -errno. */
int server_proc_start(struct server_proc *sp, const struct server_spec *spec, int timeout_ms);
/* Collects what it wrote on stderr so far into sp->err (the last of it, for
 * a server of the user's). */
void server_proc_drain_stderr(struct server_proc *sp);
/* SIGTERM, then SIGKILL after timeout_ms; sp->err holds its last words.
 * Its exit status, or -errno. */
int server_proc_stop(struct server_proc *sp, int timeout_ms);
/* The same with sig first (a load tool: SIGINT), to it and its process
 * group; after server_proc_wait reaped it, only its output is closed. */
int server_proc_stop_with(struct server_proc *sp, int sig, int timeout_ms);
/* Waits up to timeout_ms for it to end by itself: its exit status,
 * -ETIMEDOUT, -EINTR once *stop is set (stop may be NULL), or -errno. */
int server_proc_wait(struct server_proc *sp, int timeout_ms, volatile sig_atomic_t *stop);
/* All it wrote (spec->port: the file), up to len - 1 bytes, '\0'-ended:
 * how many, or -errno. Before server_proc_stop, which closes it. */
int server_proc_output(struct server_proc *sp, char *buf, size_t len);

/* One line from fd (its '\n' dropped) within timeout_ms: 0, -ETIMEDOUT,
 * -EPIPE (closed first), -EINTR (a signal came) or -errno. */
int read_line_timeout(int fd, char *buf, size_t len, int timeout_ms);
/* The port of a start-up line "... listening on HOST:PORT ...", or -EPROTO. */
int startup_line_port(const char *line);

/* Path of a binary shipped with the harness (server-epoll, ...): beside the
 * harness in the build tree, or in ../lib/whyserve when installed. */
int find_sibling_binary(const char *name, char *path, size_t len);

#endif
