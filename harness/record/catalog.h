/* SPDX-License-Identifier: MIT */
/* The server models and the load scenarios an experiment can combine. */
#ifndef WHYSERVE_HARNESS_CATALOG_H
#define WHYSERVE_HARNESS_CATALOG_H

#include <stdbool.h>

#include "harness/explain/figures.h"

#define MODEL_NAME_MAX	  16 /* with its '\0': a figures' model name */
#define MODEL_COMMAND_MAX 512

struct model {
	char name[MODEL_NAME_MAX]; /* "epoll": runs build/server-epoll */
	const char *idea;	   /* the one idea it shows */
	struct traits traits;	   /* what the rules know of it; an event loop takes --workers */
	/* a server of the user's (--server NAME=COMMAND), its traits unknown
	 * (all false); "" for the catalog's own. A value, not a pointer: the
	 * options holding it are copied into the record. */
	char command[MODEL_COMMAND_MAX];
	/* a reference server (nginx): not ours, but configured by the harness
	 * as ours are (--backlog, one worker per server CPU or --workers, the
	 * same body), its command in the catalog ({dir}: its private directory,
	 * holding the configuration written for it), explained by its inferred
	 * traits; run when named, not by `all` */
	bool reference;
};

/* what a user's server is said to be, its traits unknown */
extern const char custom_model_idea[];

enum scenario_kind {
	SCENARIO_THROUGHPUT,
	SCENARIO_CONNECT,
	SCENARIO_RATE,
	SCENARIO_USERS,
	SCENARIO_RAMP,	  /* open-loop rates stepped to the knee (a sweep) */
	SCENARIO_CONNS,	  /* a closed loop at each number of connections (a sweep) */
	SCENARIO_COMMAND, /* the user's load tool (--load-cmd) in place of ours */
};

struct scenario {
	const char *name;
	const char *what;
	enum scenario_kind kind;
	bool close;		  /* a new connection per request */
	unsigned server_sleep_us; /* the handler blocks this long */
	bool by_default;	  /* part of `run all` without --scenario */
};

extern const struct model models[];
extern const int nmodels;
extern const struct scenario scenarios[];
extern const int nscenarios;

const struct model *model_find(const char *name);
/* "blocking fork pthread epoll io_uring nginx": for messages */
const char *model_names(void);
const struct scenario *scenario_find(const char *name);
/* ramp and conns: a load per step, not one */
bool scenario_is_sweep(const struct scenario *s);

#endif
