/* SPDX-License-Identifier: MIT */
/*
 * Whether a server of the user's is ready: it prints no start-up line, so
 * it is ready when its port answers a GET with any HTTP status.
 */
#ifndef WHYSERVE_HARNESS_SERVER_READY_H
#define WHYSERVE_HARNESS_SERVER_READY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Asks 127.0.0.1:port for path until it answers in HTTP, pid exits, or
 * timeout_ms pass. 0; -EINTR when *stop was set; or -errno with why
 * ("exited with status 1 before it answered", "did not listen on port
 * 8080 within 5 s", "answered on port 8080, but not in HTTP: ...").
 */
int server_answers_http(pid_t pid, int port, const char *path, int timeout_ms,
			volatile sig_atomic_t *stop, char *why, size_t len);

/* A TCP connection to 127.0.0.1:port: its descriptor, or -errno. */
int connect_local(int port);

/* Something already listens on 127.0.0.1:port (with --no-netns, another
 * server): it would answer in the place of the one about to start. */
bool port_taken(int port);

#endif
