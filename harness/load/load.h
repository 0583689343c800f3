/* SPDX-License-Identifier: MIT */
/*
 * The load generator, as a library: `harness load` and `harness run` both
 * call load_run() in-process. Scenarios, each a well-known way of loading
 * a server:
 *
 *   throughput  closed loop: each connection sends its next request as soon
 *               as the last one is answered, kept alive (wrk)
 *   connect     the same with a new TCP connection per request (close)
 *   rate        open loop at `rate` requests/s over all connections; latency
 *               counts from each request's intended send time, so a stalled
 *               server shows in the percentiles (wrk2)
 *   users       `users` users started at `spawn_rate` per second, each on a
 *               connection of its own, waiting a uniform random think time
 *               between requests (Locust's between(min, max))
 *
 * Threads each run one epoll loop over their share of the connections,
 * with no locks; their figures are merged when they end. Errors are
 * counted by kind, never fatal. Only loopback is a valid target, and every
 * run is bounded in time.
 *
 *   struct load_opts o = { .url = "http://127.0.0.1:8080/", .connections = 64,
 *                          .duration_s = 5 };
 *   struct load_result r;
 *   if (load_run(&o, &r)) fprintf(stderr, "%s\n", r.error);
 *   else load_result_print(stdout, &r);
 *   load_result_free(&r);
 */
#ifndef WHYSERVE_HARNESS_LOAD_H
#define WHYSERVE_HARNESS_LOAD_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/load/histogram.h"
#include "harness/load/http_response.h"

#define LOAD_DEFAULT_CONNECTIONS 10
#define LOAD_DEFAULT_THREADS	 2
#define LOAD_DEFAULT_DURATION_S	 10.0
#define LOAD_DEFAULT_TIMEOUT_S	 2.0
/* what load_run accepts: the commands check their options against these */
#define LOAD_MIN_DURATION_S  0.001
#define LOAD_MAX_DURATION_S  3600.0
#define LOAD_MIN_TIMEOUT_S   0.001
#define LOAD_MAX_TIMEOUT_S   600.0
#define LOAD_MAX_CONNECTIONS 60000 /* users too: a connection each */
#define LOAD_MAX_THREADS     256
#define LOAD_MIN_RATE	     1.0 /* rate: 0 is no rate */
#define LOAD_MAX_RATE	     1e8
#define LOAD_MIN_SPAWN_RATE  0.1 /* users started per second; 0: all at once */
#define LOAD_MAX_SPAWN_RATE  1e6
#define LOAD_MAX_THINK_S     3600.0
#define LOAD_MAX_REQUESTS    1e12 /* max_requests: past what an hour at LOAD_MAX_RATE sends */
#define LOAD_STATUS_MAX	     600
/* a rate send that leaves this late, its connection free, is the client's lag */
#define LOAD_LATE_NS 10000000ULL

enum load_scenario {
	LOAD_THROUGHPUT,
	LOAD_CONNECT,
	LOAD_RATE,
	LOAD_USERS,
};

enum load_error {
	LOAD_ERR_CONNECT_REFUSED,
	LOAD_ERR_CONNECT_TIMEOUT,
	LOAD_ERR_RESET,	       /* ECONNRESET on send or receive */
	LOAD_ERR_BROKEN_PIPE,  /* EPIPE on send */
	LOAD_ERR_CLOSED,       /* the server closed before a whole response */
	LOAD_ERR_READ_TIMEOUT, /* no whole response within the timeout */
	LOAD_ERR_BAD_RESPONSE, /* not parsable as HTTP/1.x */
	LOAD_ERR_OTHER,	       /* any other errno: see load_result.other_errno */
	LOAD_ERR_KINDS,
};

/* What the progress callback sees, about once a second. */
struct load_progress {
	double elapsed_s; /* since the start, warm-up included */
	bool warming_up;
	uint64_t requests;    /* measured so far */
	uint64_t errors;      /* errors and non-2xx responses so far */
	double rate;	      /* requests/s since the last call */
	uint64_t p99_ns;      /* of the whole seconds measured so far (±3%) */
	unsigned connections; /* open now */
};

struct load_opts {
	const char *url;       /* http://127.0.0.1:PORT/PATH; loopback only */
	unsigned connections;  /* 0: 10 (users: one per user) */
	unsigned threads;      /* 0: 2; never more than connections */
	double duration_s;     /* measured time; 0: 10 s; at most 3600 */
	double warmup_s;       /* run first, not measured */
	double timeout_s;      /* connect, and each response; 0: 2 s */
	uint64_t max_requests; /* also stop after about this many (0: no limit) */
	bool close;	       /* connect: a new connection per request */
	bool strict;	       /* read responses as wrk does: no leniency */
	double rate;	       /* > 0: rate, requests/s over all connections */
	unsigned users;	       /* > 0: users */
	double spawn_rate;     /* users started per second; 0: all at once */
	double think_min_s;    /* users wait uniform [min, max] s between requests */
	double think_max_s;
	const char *const *headers; /* extra request headers, "Name: value" */
	unsigned nheaders;
	const int *cpus; /* thread i runs on cpus[i % ncpus]; NULL: any */
	unsigned ncpus;
	/* called from load_run's thread, about once a second */
	void (*progress)(const struct load_progress *p, void *arg);
	void *progress_arg;
	/* called from load_run's thread as the measured window opens (true)
	 * and closes (false), on time to a millisecond or so: for figures of
	 * the caller's own over the same window (a server's CPU time) */
	void (*window)(bool opens, void *arg);
	void *window_arg;
	volatile sig_atomic_t *stop; /* becomes non-zero: end now, keep results */
	/* > 0: end now too when it becomes readable (a server's pidfd: the
	 * server is gone, and nothing more is to be measured) */
	int stop_fd;
	/*
	 * A run split over share_count hosts (0: not split): this one opens
	 * the connections (users) whose index % share_count == share_index,
	 * of `connections` in all, each sending when the whole run's schedule
	 * says (rate: every connection's intended send times are kept), so
	 * that the hosts' loads together are the one run's.
	 */
	unsigned share_index, share_count;
	bool any_address; /* the target may be off loopback (an agent's server) */
	/* kept alive (throughput, rate): every connection opened before
	 * ready() and the clock, its connect not measured */
	bool open_first;
	uint64_t seed; /* of the users' think times; 0: from the clock */
	/* called once set up, before the clock starts: non-zero ends the run
	 * there (an agent answers "ready" and waits for "go" in it) */
	int (*ready)(void *arg);
	void *ready_arg;
};

/* One second of the measured window (the last one may be shorter). */
struct load_second {
	double span_s;	   /* 1, or less for the last */
	uint64_t requests; /* completed in it */
	uint64_t errors;   /* errors and non-2xx responses in it */
	uint64_t bytes;
	uint64_t p99_ns; /* of its requests (±3%) */
};

struct load_result {
	/* what ran */
	enum load_scenario scenario;
	char url[256];
	unsigned threads, connections;
	double rate_target; /* rate: requests/s asked for */
	unsigned users;
	/* what was measured, after warm-up */
	double duration_s;
	uint64_t requests;	  /* whole responses, any status */
	uint64_t sent;		  /* requests sent */
	uint64_t bytes;		  /* response bytes read, headers included */
	uint64_t connects;	  /* connections established */
	double rate;		  /* requests / duration_s */
	struct histogram latency; /* ns, from the (intended) send to the whole
				     response; connect: connecting included */
	struct histogram connect; /* ns, connect() until established */
	uint64_t errors[LOAD_ERR_KINDS];
	int other_errno;		  /* the last LOAD_ERR_OTHER's errno */
	uint64_t status[LOAD_STATUS_MAX]; /* responses by status code */
	uint64_t non2xx;
	uint64_t errors_total; /* errors[] and non2xx */
	bool strict;	       /* responses were read as wrk reads them */
	/* whole responses that needed a leniency, by enum http_lenient's bit
	 * position: what http.client and curl accept and wrk does not */
	uint64_t lenient[HTTP_LENIENT_KINDS];
	uint64_t unanswered;	     /* sent (or connecting) and still unanswered at the end */
	uint64_t unanswered_wait_ns; /* the longest any of them had waited */
	/* client connections never answered while measuring, and waiting at
	 * the end: starved (a serial server's queue), not merely in flight */
	uint64_t starved;
	struct load_second *seconds;
	unsigned nseconds;
	/* the load threads' own CPU time over the whole run (warm-up too):
	 * near threads * (warm-up + duration) means the client was the limit */
	double cpu_user_s, cpu_sys_s;
	double cpu_busy; /* (user + sys) / (threads * run time), 0..1 */
	/* rate and users: did the schedule hold? A send due while its
	 * connection was free and leaving late is the client's own lag */
	uint64_t timer_sends; /* sends due while their connection was free */
	uint64_t late_sends;  /* of them, more than LOAD_LATE_NS late */
	uint64_t max_lag_ns;
	double mean_lag_ns;
	bool behind;	    /* rate: achieved < 95% of the target, or > 1% of
				sends late; users: > 1% of sends late */
	bool client_behind; /* ... and the client's to blame: > 1% of sends
				late, or its threads > 90% busy */
	/* users */
	unsigned users_started;
	unsigned connections_peak; /* most open at once (sampled every 20 ms) */
	bool stopped;		   /* ended early by *stop */
	char error[256];	   /* why load_run failed */
};

/*
 * Runs the load; returns 0, or -errno with r->error saying why (bad
 * options, a target off loopback, too few file descriptors). r is filled
 * in either way and must be freed with load_result_free().
 */
int load_run(const struct load_opts *o, struct load_result *r);
void load_result_free(struct load_result *r);
/* How many of `connections` are share_index's, of share_count hosts. */
unsigned load_share_connections(unsigned connections, unsigned share_index, unsigned share_count);
/* Sets behind and client_behind from the schedule's figures (rate and
 * users), busiest the busiest load thread's (or host's) CPU share. */
void load_judge_schedule(struct load_result *r, double busiest);

const char *load_scenario_name(enum load_scenario s);
/* the scenario the options ask for: users, rate, connect or throughput */
enum load_scenario load_scenario_of(const struct load_opts *o);
/* each scenario's name, indexed by enum load_scenario, NULL-terminated */
extern const char *const load_scenario_names[];
/* "connect_refused", "reset", ...: the JSON keys */
const char *load_error_name(enum load_error e);
/* "connect refused", ...: for people */
const char *load_error_label(enum load_error e);

/* The figures as JSON (every one of them); NULL on allocation failure. */
json_t *load_result_to_json(const struct load_result *r);
/*
 * The inverse, from results.json: 0, -ENODATA when j was recorded without
 * its latency histograms (before they were stored), -EINVAL when it is not
 * a load result, or -ENOMEM. r must be freed with load_result_free() either
 * way; load_result_print() then prints what the run printed.
 */
int load_result_from_json(const json_t *j, struct load_result *r);
/*
 * The shares of one run (load_opts.share_count hosts) as one result in r:
 * counts and CPU time added, histograms merged bucket by bucket, the
 * schedule judged again. 0, -EINVAL (no parts, or of different scenarios)
 * or -ENOMEM; r must be freed with load_result_free() either way.
 */
int load_results_merge(struct load_result *r, const struct load_result *parts, unsigned n);
/* A latency histogram as results.json keeps it ({"count", "p50", ...,
 * "histogram": its buckets}), and back from its buckets (h initialized
 * there: free it either way). 0, -ENODATA (no buckets), -EINVAL, -ENOMEM. */
json_t *load_latency_to_json(const struct histogram *h);
int load_latency_from_json(const json_t *j, struct histogram *h);
/* A wrk-like text summary. */
void load_result_print(FILE *f, const struct load_result *r);
/* One line per leniency the responses needed, each after indent
 * ("3 630 responses delimited by close, not by length: one connection per
 * request"); nothing when they needed none. */
void load_result_print_lenient(FILE *f, const struct load_result *r, const char *indent);

#endif
