/* SPDX-License-Identifier: MIT */
/* Start a built server (or any program that prints "listening on HOST:PORT")
 * on a free port, wait for it to listen, stop it, look at its /proc. */
#ifndef WHYSERVE_TESTS_SERVER_H
#define WHYSERVE_TESTS_SERVER_H

#include <stdbool.h>
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
/* Live (not zombie) child processes of pid, at most max in pids: how many. */
int proc_children(pid_t pid, pid_t *pids, int max);
/* Every thread of pid and of its descendants sleeping (S): waiting for
 * something, none running or about to? */
bool proc_tree_asleep(pid_t pid);
/* Bytes an IPv4 TCP socket of local_port has received from the peer at
 * remote_port and nobody has read yet (/proc/net/tcp), or -ENOENT. */
long tcp_unread_bytes(int local_port, int remote_port);

#endif
