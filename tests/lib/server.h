/* SPDX-License-Identifier: MIT */
/* Start a built server (or any program that prints "listening on HOST:PORT")
 * on a free port, wait for it to listen, stop it, look at its /proc. */
#ifndef WHYSERVE_TESTS_SERVER_H
#define WHYSERVE_TESTS_SERVER_H

#include <sys/types.h>

struct server {
	pid_t pid;
	int port;
	char line[256]; /* its start-up line */
};

/*
 * Starts build/server-MODEL --port 0 ARGS... (ARGS ends with NULL; may be
 * NULL) and waits, up to 5 s, for its start-up line. 0 or -errno.
 */
int server_start(struct server *s, const char *model, const char *const args[]);
/* The same for any command line whose start-up line names its port. */
int server_start_argv(struct server *s, const char *const argv[]);
/* SIGTERM, then wait up to 5 s. Returns its exit status, or -errno. */
int server_stop(struct server *s);
/* Still running (not exited, not a zombie)? */
int server_alive(const struct server *s);

int proc_count_fds(pid_t pid);
/* Threads of a process (Threads: in /proc/PID/status). */
int proc_count_threads(pid_t pid);
/* The state letter of a process (R, S, D, T, ...), or 0. */
char proc_state(pid_t pid);
/* Live child processes of pid (zombies counted in *zombies if not NULL). */
int proc_count_children(pid_t pid, int *zombies);

#endif
