/* SPDX-License-Identifier: MIT */
/*
 * One load thread: an epoll loop over its share of the connections, each a
 * small state machine (connect, send, read, wait for its next turn). It
 * measures into its own histograms and counters, merged by load.c when the
 * run ends; the few counters progress reads while it runs are stored with
 * relaxed atomics. Internal to the load generator.
 */
#ifndef WHYSERVE_HARNESS_LOAD_WORKER_H
#define WHYSERVE_HARNESS_LOAD_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "common/clock.h"
#include "harness/load/histogram.h"
#include "harness/load/load.h"
#include "harness/load/timer_heap.h"

#define NS_PER_S 1000000000ULL

/* Everything the workers share; set before they start, never written. */
struct load_plan {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *request;
	size_t request_len;
	enum load_scenario scenario;
	bool close;	     /* a new connection per request */
	bool strict;	     /* responses read as wrk reads them */
	uint64_t start_ns;   /* the load begins (warm-up first) */
	uint64_t measure_ns; /* measuring begins */
	uint64_t end_ns;
	uint64_t timeout_ns;
	uint64_t sweep_ns;		   /* how often timeouts are looked for */
	unsigned connections;		   /* in all workers, of every host sharing the run */
	unsigned share_index, share_count; /* this host's: index % count */
	unsigned own_connections;	   /* this host's */
	uint64_t seed;			   /* 0: from the clock */
	unsigned threads;
	double ns_per_request; /* rate: 1e9 / rate */
	double ns_per_user;    /* users: 1e9 / spawn rate (0: all at once) */
	uint64_t think_min_ns, think_max_ns;
	unsigned nseconds; /* per-second slots */
	int *stop;	   /* non-zero: end now (relaxed atomic) */
	int wake_fd;	   /* an eventfd made readable to wake workers */
};

struct load_worker_second {
	uint64_t requests, errors, bytes;
	struct histogram latency;
};

struct load_conn;

struct load_worker {
	const struct load_plan *plan;
	unsigned id;
	unsigned nconns;
	int cpu;	       /* -1: not pinned */
	uint64_t max_requests; /* its share; 0: no limit */
	pthread_t thread;
	int epfd;
	struct load_conn *conns;
	struct timer_heap timers;
	char *rbuf;
	uint64_t rng;

	/* measured, by this thread only */
	struct histogram latency, connect;
	struct load_worker_second *seconds;
	uint64_t requests, sent, bytes, connects;
	uint64_t errors[LOAD_ERR_KINDS];
	int other_errno;
	uint64_t status[LOAD_STATUS_MAX];
	uint64_t non2xx, errors_total;
	uint64_t lenient[HTTP_LENIENT_KINDS]; /* whole responses, by leniency needed */
	uint64_t timer_sends, lag_sum_ns, late_sends, max_lag_ns;
	uint64_t unanswered;	     /* requests still outstanding at the end */
	uint64_t unanswered_wait_ns; /* the longest of their waits */
	uint64_t starved; /* of their connections, those never answered while measuring */
	unsigned open, users_started;
	uint64_t stop_ns;		  /* when its loop ended */
	uint64_t cpu_user_ns, cpu_sys_ns; /* the thread's CPU time, whole run */
	int err;			  /* its loop failed: -errno */
	bool settling;			  /* ended: answers in flight read, not counted */
	int finished;			  /* relaxed atomic: the thread is done */
};

/* Allocates what the run needs (nothing is allocated while it runs). */
int load_worker_init(struct load_worker *w, const struct load_plan *plan, unsigned id);
/* Opens every connection of the n workers before they run (an agent is
 * ready once they are open): those whose handshake completes within
 * timeout_ns start connected (their connect is not measured), the others
 * are opened again by the run. 0 or -ENOMEM. */
int load_workers_open(struct load_worker **w, unsigned n, uint64_t timeout_ns);
/* The thread's body: runs until plan->end_ns, *plan->stop, or max_requests. */
void *load_worker_run(void *worker);
void load_worker_free(struct load_worker *w);

#endif
