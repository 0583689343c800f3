/* SPDX-License-Identifier: MIT */
/*
 * Small HTTP servers that behave (and misbehave) on purpose, for testing a
 * client such as the load generator: each runs in a forked child on a free
 * loopback port and counts, in memory shared with the test, the requests
 * it read and the responses it sent.
 */
#ifndef WHYSERVE_TESTS_FAKE_SERVER_H
#define WHYSERVE_TESTS_FAKE_SERVER_H

#include <stdint.h>

#include "tests/lib/server.h"

enum fake_behaviour {
	FAKE_OK,      /* 200, a 5-byte body, kept alive */
	FAKE_500,     /* 500, kept alive */
	FAKE_GARBAGE, /* a line that is not HTTP */
	FAKE_RESET,   /* reads the request, then resets the connection (RST) */
	FAKE_SILENT,  /* reads the request, never answers */
	FAKE_CLOSE,   /* reads the request, closes without an answer (FIN) */
	/* as the seeds' servers answer, each then closing (shared/seeds/):
	 * 000's single-process one, its status line and the request echoed */
	FAKE_ECHO_AFTER_STATUS,
	FAKE_STATUS_LINE_ONLY, /* 000's multi-process one: the status line alone */
	FAKE_BARE_LF,	       /* 001's: a head of bare "\n" line ends, a body */
};

/* What FAKE_ECHO_AFTER_STATUS ... FAKE_BARE_LF send before closing. */
const char *fake_server_answer(enum fake_behaviour b);

struct fake_server {
	struct server srv;	  /* pid and port; server_stop() ends it too */
	volatile uint64_t *count; /* [0] requests read, [1] responses sent */
};

/* Starts one; 0 or -errno. */
int fake_server_start(struct fake_server *f, enum fake_behaviour b);
uint64_t fake_server_requests(const struct fake_server *f);
uint64_t fake_server_responses(const struct fake_server *f);
/* Stops it (SIGTERM) and unmaps the counters; its exit status or -errno. */
int fake_server_stop(struct fake_server *f);

#endif
