/* SPDX-License-Identifier: MIT */
/* What `harness run` was asked to do: models, scenarios and their load. */
#ifndef WHYSERVE_HARNESS_RUN_OPTS_H
#define WHYSERVE_HARNESS_RUN_OPTS_H

#include <stdbool.h>

#include "harness/record/catalog.h"

/* --load-cmd without --duration: the tool's own end, bounded by this */
#define LOAD_CMD_CEILING_S  600.0
#define RUN_MAX		    8
#define RUN_MAX_CUSTOM	    4	/* --server, each a model of its own */
#define RUN_MAX_CPUS	    256 /* in --server-cpus, --load-cpus */
#define RUN_MAX_LOAD_HOSTS  16
#define RUN_MAX_CONNS_STEPS 12

struct run_opts {
	bool model[RUN_MAX];		     /* indexed like models[] */
	struct model custom[RUN_MAX_CUSTOM]; /* the user's servers, after the catalog's */
	int ncustom;
	bool scenario[RUN_MAX]; /* indexed like scenarios[] */
	double duration_s;	/* measured load per experiment */
	double warmup_s;
	int connections;
	double rate; /* the rate scenario's requests/s */
	int users;
	double spawn_rate;
	double think_min_s, think_max_s;
	double timeout_s; /* a request unanswered this long is an error */
	/* the sweeps: each step's measured load, and conns' connections */
	double step_s;
	int conns_steps[RUN_MAX_CONNS_STEPS];
	int nconns_steps;
	int backlog;
	int workers; /* event-loop models; 0: one per server CPU */
	int port;
	int work_us;	      /* the handlers burn this much CPU per request */
	int sleep_us;	      /* ... and block this long; 0: as the scenario says */
	char server_user[32]; /* servers run as this user when started as root */
	char path[256];	      /* the load asks for it: "/" unless --server-path */
	/* the user's load tool in place of ours (scenario "command"); "" none */
	char load_cmd[MODEL_COMMAND_MAX];
	char server_cpus[64];
	char load_cpus[64];
	bool netns; /* each experiment in a network namespace of its own */
	bool quick;
	bool quiet;		  /* no progress lines */
	bool strict;		  /* the load reads responses as wrk does */
	bool exact_syscall_times; /* time every syscall (probes_opts) */
	const char *out_dir;	  /* NULL: results/<timestamp> */
	/* creates name in the run's directory for a server's output, appended
	 * to: its fd, or -errno (NULL: the output is kept in memory) */
	int (*open_log)(void *arg, const char *name);
	void *open_log_arg;
	/* the load from other hosts (--load-host): each runs `harness load
	 * --agent` through ssh; the servers listen where they reach them */
	char load_hosts[RUN_MAX_LOAD_HOSTS][256]; /* [USER@]HOST */
	int nload_hosts;
	char ssh[256];		  /* the command that reaches a host, split in words */
	char remote_harness[256]; /* the harness on the load hosts */
	char listen[64];	  /* the servers' address; "": as the hosts see us */
};

/* How long a handler blocks per request in scenario s (its default, or --sleep-us). */
struct scenario;
unsigned run_opts_sleep_us(const struct run_opts *o, const struct scenario *s);
/* The listen backlog the server is given under scenario s (--backlog, or
 * conns' largest step: the kernel caps it at somaxconn). */
int run_opts_backlog(const struct run_opts *o, const struct scenario *s);

/* Our handlers are asked to block (--sleep-us, the sleep scenario) or to
 * burn CPU (--work-us) per request in scenario s: nothing a reference
 * server (nginx) can be asked, so it is not run there. */
bool run_opts_asks_handlers(const struct run_opts *o, const struct scenario *s);

/* A model asked for by name: the user's servers first, then the catalog. */
const struct model *run_opts_model_find(const struct run_opts *o, const char *name);

/* How many experiments it asks for: models x scenarios. */
int run_opts_experiments(const struct run_opts *o);

#endif
