/* SPDX-License-Identifier: MIT */
/* The server models and the load scenarios an experiment can combine. */
#ifndef WHYSERVE_HARNESS_CATALOG_H
#define WHYSERVE_HARNESS_CATALOG_H

#include <stdbool.h>

#include "harness/explain/figures.h"

struct model {
	const char *name;     /* "epoll": runs build/server-epoll */
	const char *idea;     /* the one idea it shows */
	struct traits traits; /* what the rules know of it; an event loop takes --workers */
};

enum scenario_kind {
	SCENARIO_THROUGHPUT,
	SCENARIO_CONNECT,
	SCENARIO_RATE,
	SCENARIO_USERS
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
/* "blocking fork pthread epoll io_uring": for messages */
const char *model_names(void);
const struct scenario *scenario_find(const char *name);

#endif
