/* SPDX-License-Identifier: MIT */
/*
 * The load hosts of a run (--load-host): on each, `harness load --agent`
 * started once through the user's ssh command and kept for the whole run,
 * one job per load it runs (load/load_agent.h speaks to it). Closing its
 * stdin ends it, here and there; so does this process dying.
 */
#ifndef WHYSERVE_HARNESS_LOAD_HOSTS_H
#define WHYSERVE_HARNESS_LOAD_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness/load/load_agent.h"
#include "harness/record/options.h"

struct load_hosts {
	unsigned n;
	struct load_agent agent[RUN_MAX_LOAD_HOSTS]; /* agent[i].host: o->load_hosts[i] */
	pid_t pid[RUN_MAX_LOAD_HOSTS];		     /* its ssh */
	int err_fd[RUN_MAX_LOAD_HOSTS];		     /* what ssh (and the agent) said */
	char said[RUN_MAX_LOAD_HOSTS][512];
	char listen[64];      /* where the servers listen for them */
	char listen_how[300]; /* how that was chosen, for people */
};

/*
 * Starts an agent on every host of o and greets it. 0, or -EINVAL with why
 * naming the first host that failed and the reason (ssh's own words: no
 * route, a refused key, no harness there; or another protocol). Whatever
 * it started is ended before it returns an error.
 */
int load_hosts_open(struct load_hosts *h, const struct run_opts *o, char *why, size_t len);
/* Why agent i failed, in one line: its ssh's last words when it had any. */
const char *load_hosts_why(struct load_hosts *h, unsigned i);
/* Reads what ssh and the agents wrote on stderr so far (a full pipe
 * would stall them), keeping each one's last line. */
void load_hosts_drain(struct load_hosts *h);
/* Has any agent failed (and so left the run)? */
bool load_hosts_lost(const struct load_hosts *h);
/* Ends every agent (stdin closed, then signals) and its ssh. */
void load_hosts_close(struct load_hosts *h);

#endif
