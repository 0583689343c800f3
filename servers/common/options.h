/* SPDX-License-Identifier: MIT */
/* The command line every server takes, and the set-up every server does. */
#ifndef WHYSERVE_OPTIONS_H
#define WHYSERVE_OPTIONS_H

#include <stddef.h>

/* options only some models take */
#define OPT_POOL    0x1 /* --pool N */
#define OPT_WORKERS 0x2 /* --workers N */

struct server_model {
	const char *name;     /* "server-epoll": messages and the start-up line */
	const char *doc;      /* what --help says the model is */
	const char *examples; /* EXAMPLES lines for --help */
	unsigned options;     /* OPT_* it takes besides the common ones */
};

struct server_opts {
	const char *host; /* address to listen on */
	int port;
	int backlog;		 /* listen(2) backlog: the accept-queue limit */
	long work_us;		 /* CPU burnt per request */
	long sleep_us;		 /* time blocked per request */
	size_t body_bytes;	 /* length of the 200 body */
	int pool;		 /* --pool: threads in a fixed pool, 0: one per connection */
	int workers;		 /* --workers: event loops */
	double idle_timeout_s;	 /* a connection idle this long is closed */
	double header_timeout_s; /* a request head not whole this long: 408 */
};

/*
 * Parses the command line (bad input: one line on stderr, exit 2; --help:
 * usage, exit 0) and does what every server needs before it listens:
 * raises the open-file limit, ignores SIGPIPE, builds the replies,
 * calibrates --work-us. Exits 1 when that fails.
 */
void server_init(int argc, char **argv, const struct server_model *m, struct server_opts *o);

/* The model's name, for messages ("server-epoll"). */
extern const char *server_name;

/* One line on stderr: "server-epoll: <message>". */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a failure that may recur with every connection: at most one a second. */
void report_ratelimited(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
