/* SPDX-License-Identifier: MIT */
/*
 * A TCP listener in a process of its own, placed as the harness places a
 * server (a cgroup, a network namespace of its own), for tests of probes
 * that see only the target: it does with its listening socket what the
 * test asks (never accept, accept and close, ...). The network namespace
 * helpers let the test's clients join it.
 */
#ifndef WHYSERVE_TESTS_LISTENER_H
#define WHYSERVE_TESTS_LISTENER_H

#include <stdbool.h>
#include <sys/types.h>

struct cgroup;

struct listener {
	pid_t pid;
	int port;
};

/*
 * A process listening on 127.0.0.1 with the given backlog, in cg (NULL:
 * ours) and, with own_netns, in a new network namespace; it runs serve
 * on its listening socket and never returns. It dies with the caller.
 * 0, or -errno.
 */
int listener_start(struct listener *l, const struct cgroup *cg, bool own_netns, int backlog,
		   void (*serve)(int fd));

/* Moves the calling thread into a new network namespace with lo up. */
int netns_fresh(void);
/* Joins the network namespace of pid (the calling thread only). */
int netns_join(pid_t pid);

#endif
