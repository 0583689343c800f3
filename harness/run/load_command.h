/* SPDX-License-Identifier: MIT */
/*
 * The user's load tool (--load-cmd) as the experiment's load: started in a
 * cgroup of its own, pinned to the load CPUs, in the server's network
 * namespace (the calling thread's), as the user sudo ran the harness for
 * (root when none), its output kept; its end is the experiment's end, the
 * ceiling a limit (SIGINT, then SIGKILL after a grace). The sched probe
 * watches its cgroup as it watches the server's. Its start-up, until its
 * first connection, is kept apart: the window is its load's.
 */
#ifndef WHYSERVE_HARNESS_LOAD_COMMAND_H
#define WHYSERVE_HARNESS_LOAD_COMMAND_H

#include <sched.h>
#include <signal.h>
#include <stddef.h>

#include "harness/record/load_tool.h"

#define LOAD_TOOL_GRACE_MS 5000 /* after SIGINT: Locust writes its CSV then */

struct load_command_spec {
	const char *command; /* as given: {host} {port} {url} still in */
	int port;
	const char *url;
	const cpu_set_t *cpus; /* the load's */
	double ceiling_s;      /* --duration, from its start */
	volatile sig_atomic_t *stop;
	/* called once, at its first connection: the load's window begins */
	void (*load_began)(void *arg);
	void *arg;
};

/* Runs it to its end, filling t (t->log is the caller's to free). 0,
 * -EINTR (*stop was set: what it did is kept), or -errno with why. */
int load_command_run(const struct load_command_spec *s, struct load_tool *t, char *why, size_t len);

#endif
