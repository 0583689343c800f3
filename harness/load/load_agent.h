/* SPDX-License-Identifier: MIT */
/*
 * Load from other hosts: `harness load --agent` runs shares of a run on a
 * load host, driven by the controller over its stdin and stdout (ssh
 * carries them; this room knows only the two descriptors). One JSON object
 * a line, both ways:
 *
 *   controller                         agent
 *   {"hello": {"protocol": 1}} ->
 *                              <-      {"hello": {"protocol": 1, "cpus": N,
 *                                       "ssh_connection": "$SSH_CONNECTION"}}
 *                                      or {"error": "this agent speaks ..."} *   {"job": {...}}             ->                 (struct load_job)
 *                              <-      {"ready": {"protocol": 1, ...}}
 *                                      once its connections are open (kept
 *                                      alive: throughput, rate)
 *                                      or {"error": "why"} (and the next job)
 *   go                         ->
 *                              <-      {"progress": {...}}  about once a second
 *   stop (optional: end early) ->
 *                              <-      {"result": {...}}    load_result_to_json
 *   ... the next job, or stdin closed: the agent exits
 *
 * The agent stops its load and exits when its stdin closes, so a killed
 * controller or a dropped ssh leaves nothing running on the load host.
 */
#ifndef WHYSERVE_HARNESS_LOAD_AGENT_H
#define WHYSERVE_HARNESS_LOAD_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/load/load.h"

/* the protocol's version: controller and agent must speak the same */
#define LOAD_AGENT_PROTOCOL 1

/* One share of a run, as the agent is asked to load. */
struct load_job {
	int protocol;
	enum load_scenario scenario;
	char url[320];
	unsigned connections; /* of the whole run (users: one each) */
	unsigned share_index, share_count;
	unsigned threads; /* 0: one per CPU of the load host */
	double rate;	  /* the whole run's requests/s */
	unsigned users;	  /* the whole run's */
	double spawn_rate, think_min_s, think_max_s;
	double duration_s, warmup_s, timeout_s;
	uint64_t seed;
};

/* share i of n of the load o asks for */
void load_job_of(struct load_job *j, const struct load_opts *o, unsigned i, unsigned n);
/* the load_opts that run it (url points into j) */
void load_job_opts(const struct load_job *j, struct load_opts *o);
json_t *load_job_to_json(const struct load_job *j);
/* 0, or -EINVAL with why saying what is wrong */
int load_job_from_json(const json_t *o, struct load_job *j, char *why, size_t len);

/* The controller's side of one agent: the caller connects the two
 * descriptors (ssh's stdin and stdout) and names the host. */
struct load_agent {
	const char *host; /* for messages */
	int to_fd;	  /* the agent's stdin */
	int from_fd;	  /* its stdout */
	/* filled in */
	bool greeted;	     /* it answered hello in our protocol */
	int cpus;	     /* the load host's */
	char ssh_client[64]; /* this host's address, as the agent's ssh saw it */
	bool ready;
	bool failed;	  /* at the start, or lost mid-run: why says */
	char why[512];	  /* "refused: ...", "ended mid-run", ... */
	bool have_result; /* result is this host's whole share */
	struct load_result result;
	struct load_progress last; /* its last progress line */
	char *buf;		   /* what it said, not yet a whole line */
	size_t len, cap;
};

/*
 * Greets each agent: 0 when every one answered in this protocol within
 * timeout_ms, else -ECONNABORTED (failed, why: another protocol, or what
 * it said instead). Once, before the first job.
 */
int load_agents_hello(struct load_agent *a, unsigned n, int timeout_ms);
/*
 * Sends agent i its share (i of n) of the load o asks for, and waits up to
 * timeout_ms for every one to be ready. 0, or -ECONNABORTED when one was
 * not (its failed and why say so); the caller then closes them all.
 */
int load_agents_start(struct load_agent *a, unsigned n, const struct load_opts *o, int timeout_ms);
/*
 * "go" to all; their progress summed into o->progress about once a second;
 * *o->stop passed on as "stop"; their results merged into r (the whole
 * load's figures). 0; -EPIPE when an agent was lost mid-run (failed, why):
 * r then merges the others' and the run is not whole; -ENOMEM.
 * r must be freed with load_result_free() when it returned 0 or -EPIPE.
 */
int load_agents_run(struct load_agent *a, unsigned n, const struct load_opts *o,
		    struct load_result *r);
void load_agent_free(struct load_agent *a);

/* The agent: serves jobs from in until it closes. Returns an exit status. */
int load_agent_serve(FILE *in, FILE *out);

#endif
