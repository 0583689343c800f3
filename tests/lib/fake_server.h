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
	/* reads one byte of the request and closes: a reset (TCP_ABORT_ON_CLOSE) */
	FAKE_CLOSE_UNREAD,
	FAKE_NO_ACCEPT,	     /* accepts no more: the accept queue fills */
	FAKE_STOP_LISTENING, /* closes its listening socket: connects are refused */
	/* answers 200 as if kept alive, then closes: the next request meets a
	 * reset in CLOSE_WAIT, a broken pipe */
	FAKE_ANSWER_CLOSE,
	/* answers 200, sends a FIN, then a reset (SO_LINGER 0): the client's
	 * next send meets a broken pipe (a reset in CLOSE_WAIT is EPIPE) */
	FAKE_ANSWER_RESET,
	/* a child per connection answers and closes; the parent keeps its
	 * copy of the descriptor: no FIN until it exits (the delayed close) */
	FAKE_FORK_KEEP,
	FAKE_BEHAVIOURS,
};

/* Their names, as build/fake-server takes them: "ok", "close-unread", ... */
extern const char *const fake_behaviour_names[FAKE_BEHAVIOURS];

struct fake_server {
	struct server srv;	  /* pid and port; server_stop() ends it too */
	volatile uint64_t *count; /* [0] requests read, [1] responses sent */
};

/*
 * Serves on the listening socket lfd, counting in count[2], for ever:
 * the first ok_first requests are answered 200 (a harness's readiness
 * check), the others as b says.
 */
void fake_server_serve(int lfd, enum fake_behaviour b, unsigned ok_first, volatile uint64_t *count);

/* Starts one; 0 or -errno. */
int fake_server_start(struct fake_server *f, enum fake_behaviour b);
uint64_t fake_server_requests(const struct fake_server *f);
uint64_t fake_server_responses(const struct fake_server *f);
/* Stops it (SIGTERM) and unmaps the counters; its exit status or -errno. */
int fake_server_stop(struct fake_server *f);

#endif
