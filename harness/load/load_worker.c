// SPDX-License-Identifier: MIT
/*
 * A load thread's epoll loop and its connections' state machine.
 *
 * Each request costs one send() and (usually) one recv(): the request bytes
 * are formatted once, sent straight after the previous response (no
 * EPOLLOUT round), and responses are read into one buffer per thread and
 * parsed incrementally, never kept. Sockets stay registered for EPOLLIN
 * (level-triggered), so a kept-alive request needs no epoll_ctl. A new
 * connection sends right after connect(): on loopback the handshake is
 * done by the time connect() returns, and only if it is not does it wait
 * for EPOLLOUT.
 *
 * Timers (the rate schedule, think times, retries) are a heap; timeouts
 * are found by a sweep every plan->sweep_ns rather than a timer each, so
 * a closed-loop request touches no timer at all.
 */
#include "harness/load/load_worker.h"
#include "harness/load/http_response.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#define RBUF_SIZE  65536
#define MAX_EVENTS 256
#define RETRY_NS   10000000ULL /* a failed connect is retried after 10 ms */
/* the longest the requests in flight at the end are waited for */
#define SETTLE_MAX_NS 2000000000ULL

enum conn_state {
	C_IDLE,	      /* nothing outstanding; maybe a timer for its next send */
	C_CONNECTING, /* request waits for the handshake (EPOLLOUT) */
	C_SENDING,    /* request partly sent (EPOLLOUT) */
	C_READING,    /* request sent, response awaited */
};

struct load_conn {
	int fd;
	uint8_t state;
	bool connected;	      /* handshake known to be complete */
	bool overdue;	      /* rate: queued already late, after a failure */
	uint32_t events;      /* registered with epoll; 0: not yet */
	uint32_t index;	      /* among all the run's connections */
	uint32_t sent;	      /* request bytes sent */
	uint64_t start_ns;    /* the request's latency counts from here */
	uint64_t connect_ns;  /* connect() was called */
	uint64_t deadline_ns; /* timeout of the outstanding request */
	uint64_t bytes;	      /* of the response so far */
	uint64_t nth;	      /* requests started (rate: its place in the schedule) */
	uint64_t answered;    /* answers it got while measuring */
	struct timer timer;
	struct http_response_parser parser;
};

#define conn_of(t) ((struct load_conn *)((char *)(t)-offsetof(struct load_conn, timer)))

/* counters progress reads from another thread: plain code, atomic stores */
#define COUNT_ADD(x, n) __atomic_store_n(&(x), (x) + (n), __ATOMIC_RELAXED)

static bool measuring(const struct load_worker *w, uint64_t now)
{
	return now >= w->plan->measure_ns && !w->settling;
}

static struct load_worker_second *second_of(struct load_worker *w, uint64_t now)
{
	uint64_t s = (now - w->plan->measure_ns) / NS_PER_S;

	return &w->seconds[s < w->plan->nseconds ? s : w->plan->nseconds - 1];
}

static uint64_t random_u64(struct load_worker *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t think_ns(struct load_worker *w)
{
	const struct load_plan *p = w->plan;
	uint64_t span = p->think_max_ns - p->think_min_ns;

	return p->think_min_ns + (span ? random_u64(w) % (span + 1) : 0);
}

/* rate: when the nth request of connection c is due */
static uint64_t intended_ns(const struct load_plan *p, const struct load_conn *c, uint64_t nth)
{
	return p->start_ns +
	       (uint64_t)(((double)c->index + (double)nth * p->connections) * p->ns_per_request);
}

static void count_error(struct load_worker *w, enum load_error kind, int err, uint64_t now)
{
	if (!measuring(w, now))
		return;
	w->errors[kind]++;
	if (kind == LOAD_ERR_OTHER)
		w->other_errno = err;
	COUNT_ADD(w->errors_total, 1);
	COUNT_ADD(second_of(w, now)->errors, 1);
}

static enum load_error connect_error(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return LOAD_ERR_CONNECT_REFUSED;
	case ETIMEDOUT:
		return LOAD_ERR_CONNECT_TIMEOUT;
	default:
		return LOAD_ERR_OTHER;
	}
}

static enum load_error io_error(int err)
{
	switch (err) {
	case ECONNRESET:
		return LOAD_ERR_RESET;
	case EPIPE:
		return LOAD_ERR_BROKEN_PIPE;
	case ETIMEDOUT:
		return LOAD_ERR_READ_TIMEOUT;
	default:
		return LOAD_ERR_OTHER;
	}
}

static void conn_close(struct load_worker *w, struct load_conn *c)
{
	if (c->fd < 0)
		return;
	close(c->fd); /* also leaves the epoll set */
	c->fd = -1;
	c->events = 0;
	c->connected = false;
	COUNT_ADD(w->open, -1);
}

static int conn_watch(struct load_worker *w, struct load_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->events == events)
		return 0;
	if (epoll_ctl(w->epfd, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev))
		return -errno;
	c->events = events;
	return 0;
}

static void conn_request(struct load_worker *w, struct load_conn *c, uint64_t now,
			 uint64_t start_ns);

/*
 * After a response (or a failure): when does c send again? Closed loop: at
 * once. Rate: at its next place in the schedule, at once if that has passed
 * (latency still counts from it). Users: after a think time. A failure
 * goes through the timer heap, so a failing server cannot recurse.
 */
static void conn_next(struct load_worker *w, struct load_conn *c, uint64_t now,
		      enum load_error failed)
{
	const struct load_plan *p = w->plan;
	uint64_t due = now;

	c->state = C_IDLE;
	if (w->settling) { /* the run is over: no next request */
		conn_close(w, c);
		return;
	}
	switch (p->scenario) {
	case LOAD_THROUGHPUT:
	case LOAD_CONNECT:
		if (failed == LOAD_ERR_CONNECT_REFUSED || failed == LOAD_ERR_OTHER)
			due = now + RETRY_NS; /* not a busy loop on a closed port */
		break;
	case LOAD_RATE:
		due = intended_ns(p, c, c->nth);
		break;
	case LOAD_USERS:
		due = now + think_ns(w);
		break;
	}
	if (failed == LOAD_ERR_KINDS && due <= now) {
		conn_request(w, c, now, p->scenario == LOAD_RATE ? due : now);
		return;
	}
	c->overdue = due <= now;
	/* cannot fail: the heap has room for every connection */
	timer_heap_add(&w->timers, &c->timer, due);
}

static void conn_fail(struct load_worker *w, struct load_conn *c, enum load_error kind, int err,
		      uint64_t now)
{
	count_error(w, kind, err, now);
	conn_close(w, c);
	conn_next(w, c, now, kind);
}

static void conn_established(struct load_worker *w, struct load_conn *c)
{
	uint64_t now = mono_ns();

	c->connected = true;
	if (measuring(w, now)) {
		w->connects++;
		histogram_record(&w->connect, now - c->connect_ns);
	}
}

/* Sends (the rest of) the request; on EAGAIN waits for EPOLLOUT. */
static void conn_send(struct load_worker *w, struct load_conn *c)
{
	const struct load_plan *p = w->plan;
	ssize_t n = send(c->fd, p->request + c->sent, p->request_len - c->sent, MSG_NOSIGNAL);
	int err;

	if (n < 0) {
		err = errno;
		if (err == EAGAIN || err == EINTR) {
			/* the handshake or the send buffer: wait until writable */
			err = -conn_watch(w, c, c->connected ? EPOLLIN | EPOLLOUT : EPOLLOUT);
			if (err)
				conn_fail(w, c, LOAD_ERR_OTHER, err, mono_ns());
			return;
		}
		conn_fail(w, c, c->connected ? io_error(err) : connect_error(err), err, mono_ns());
		return;
	}
	if (!c->connected)
		conn_established(w, c);
	c->sent += n;
	if (c->sent < p->request_len) {
		c->state = C_SENDING;
		err = -conn_watch(w, c, EPOLLIN | EPOLLOUT);
	} else {
		c->state = C_READING;
		err = -conn_watch(w, c, EPOLLIN);
		if (measuring(w, c->start_ns))
			w->sent++;
	}
	if (err)
		conn_fail(w, c, LOAD_ERR_OTHER, err, mono_ns());
}

static int conn_open(struct load_worker *w, struct load_conn *c)
{
	const struct load_plan *p = w->plan;
	int one = 1;

	c->fd = socket(p->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	COUNT_ADD(w->open, 1);
	c->events = 0;
	c->connected = false;
	/* Nagle only holds back data sent while earlier data is unacknowledged:
	 * a connection that sends one request never meets it */
	if (!p->close)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->connect_ns = mono_ns();
	if (connect(c->fd, (const struct sockaddr *)&p->addr, p->addrlen) && errno != EINPROGRESS)
		return -errno;
	return 0;
}

/* Starts a request; its latency counts from start_ns. */
static void conn_request(struct load_worker *w, struct load_conn *c, uint64_t now,
			 uint64_t start_ns)
{
	int err;

	c->nth++;
	c->start_ns = start_ns;
	c->deadline_ns = now + w->plan->timeout_ns;
	c->sent = 0;
	c->bytes = 0;
	http_response_parser_init(&c->parser, w->plan->strict);
	if (c->fd < 0) {
		err = conn_open(w, c);
		if (err) {
			conn_fail(w, c, connect_error(-err), -err, now);
			return;
		}
	}
	c->state = c->connected ? C_SENDING : C_CONNECTING;
	conn_send(w, c);
}

static void conn_done(struct load_worker *w, struct load_conn *c, uint64_t now)
{
	const struct http_response_parser *r = &c->parser;
	bool keep = !r->close && !w->plan->close && c->state == C_READING;

	if (measuring(w, now)) {
		struct load_worker_second *s = second_of(w, now);
		uint64_t lat = now > c->start_ns ? now - c->start_ns : 0;

		histogram_record(&w->latency, lat);
		histogram_record(&s->latency, lat);
		c->answered++;
		COUNT_ADD(s->requests, 1);
		COUNT_ADD(w->requests, 1);
		s->bytes += c->bytes;
		w->bytes += c->bytes;
		w->status[r->status]++;
		/* most answers needed no leniency: one test for them */
		for (int k = 0; r->lenient && k < HTTP_LENIENT_KINDS; k++)
			w->lenient[k] += r->lenient >> k & 1;
		if (r->status < 200 || r->status > 299) {
			w->non2xx++;
			COUNT_ADD(w->errors_total, 1);
			COUNT_ADD(s->errors, 1);
		}
	}
	if (!keep)
		conn_close(w, c);
	conn_next(w, c, now, LOAD_ERR_KINDS);
}

static void conn_read(struct load_worker *w, struct load_conn *c)
{
	ssize_t n = recv(c->fd, w->rbuf, RBUF_SIZE, 0);
	size_t used;
	int r;

	if (n < 0) {
		int err = errno;

		if (err == EAGAIN || err == EINTR)
			return;
		conn_fail(w, c, c->connected ? io_error(err) : connect_error(err), err, mono_ns());
		return;
	}
	if (n == 0) {
		if (c->state == C_IDLE) {
			/* it closed a kept-alive connection between requests */
			conn_close(w, c);
		} else if (c->bytes && http_response_parse_eof(&c->parser) == HTTP_RESPONSE_DONE) {
			conn_done(w, c, mono_ns());
		} else {
			conn_fail(w, c, LOAD_ERR_CLOSED, 0, mono_ns());
		}
		return;
	}
	if (c->state == C_IDLE) { /* bytes nobody asked for */
		conn_fail(w, c, LOAD_ERR_BAD_RESPONSE, 0, mono_ns());
		return;
	}
	c->bytes += n;
	r = http_response_parse(&c->parser, w->rbuf, n, &used);
	if (r == HTTP_RESPONSE_MORE)
		return;
	if (r == HTTP_RESPONSE_BAD || used < (size_t)n)
		conn_fail(w, c, LOAD_ERR_BAD_RESPONSE, 0, mono_ns());
	else
		conn_done(w, c, mono_ns());
}

static void conn_event(struct load_worker *w, struct load_conn *c, uint32_t events)
{
	if (c->fd < 0)
		return;
	if (c->state == C_CONNECTING) {
		if (events & (EPOLLERR | EPOLLHUP)) {
			int err = 0;
			socklen_t len = sizeof(err);

			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
			conn_fail(w, c, connect_error(err ? err : ECONNREFUSED), err, mono_ns());
		} else if (events & EPOLLOUT) {
			conn_send(w, c);
		}
		return;
	}
	if ((events & EPOLLOUT) && c->state == C_SENDING) {
		conn_send(w, c);
		if (c->fd < 0 || c->state != C_SENDING)
			return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		conn_read(w, c);
}

/* A timer fired: c's turn to send (a scheduled request, a spawn, a retry). */
static void conn_due(struct load_worker *w, struct load_conn *c, uint64_t now)
{
	const struct load_plan *p = w->plan;
	uint64_t due = c->timer.due_ns, lag = now - due;
	bool scheduled = p->scenario == LOAD_RATE || p->scenario == LOAD_USERS;

	if (p->scenario == LOAD_USERS && c->nth == 0)
		COUNT_ADD(w->users_started, 1);
	/* the connection was free when its time came: any lag is ours */
	if (scheduled && !c->overdue && measuring(w, now)) {
		w->timer_sends++;
		w->lag_sum_ns += lag;
		if (lag > LOAD_LATE_NS)
			w->late_sends++;
		if (lag > w->max_lag_ns)
			w->max_lag_ns = lag;
	}
	/* rate: latency counts from the intended time, lag included */
	conn_request(w, c, now, p->scenario == LOAD_RATE ? due : now);
}

static void fire_timers(struct load_worker *w, uint64_t now)
{
	/* at most one pass over the heap: retries due "now" wait a round */
	for (uint32_t n = w->timers.len; n; n--) {
		struct timer *t = timer_heap_first(&w->timers);

		if (!t || t->due_ns > now)
			break;
		timer_heap_remove(&w->timers, t);
		conn_due(w, conn_of(t), now);
	}
}

static void sweep_timeouts(struct load_worker *w, uint64_t now)
{
	for (unsigned i = 0; i < w->nconns; i++) {
		struct load_conn *c = &w->conns[i];

		if (c->state != C_IDLE && now >= c->deadline_ns)
			conn_fail(w, c,
				  c->connected ? LOAD_ERR_READ_TIMEOUT : LOAD_ERR_CONNECT_TIMEOUT,
				  ETIMEDOUT, now);
	}
}

static void schedule_first(struct load_worker *w)
{
	const struct load_plan *p = w->plan;

	for (unsigned i = 0; i < w->nconns; i++) {
		struct load_conn *c = &w->conns[i];
		uint64_t due = p->start_ns;

		if (p->scenario == LOAD_RATE)
			due = intended_ns(p, c, 0);
		else if (p->scenario == LOAD_USERS)
			due = p->start_ns + (uint64_t)(c->index * p->ns_per_user);
		timer_heap_add(&w->timers, &c->timer, due);
	}
}

/*
 * The run is over, but not for the requests in flight: each is answered
 * (not counted) before its connection is closed, up to the timeout (at
 * most SETTLE_MAX_NS). A connection closed under a server about to answer
 * resets the connection in its send(), and a server that does not expect
 * it dies (seed 000's: BrokenPipeError in its second send()): the harness
 * must not be what kills a server. Idle connections go first, so that a
 * serial server comes to the waiting ones, and so do those whose handshake
 * is not done (a SYN the full accept queue dropped, retried after 1 s):
 * no server holds them yet.
 */
static void settle(struct load_worker *w, uint64_t now)
{
	uint64_t deadline =
		now + (w->plan->timeout_ns < SETTLE_MAX_NS ? w->plan->timeout_ns : SETTLE_MAX_NS);
	struct epoll_event events[MAX_EVENTS];

	w->settling = true;
	for (unsigned i = 0; i < w->nconns; i++) {
		struct load_conn *c = &w->conns[i];
		struct pollfd handshake = { .fd = c->fd, .events = POLLOUT };

		if (c->state == C_IDLE || (c->state == C_CONNECTING && poll(&handshake, 1, 0) == 0))
			conn_close(w, c);
	}
	while (w->open && now < deadline) {
		uint64_t left = deadline - now;
		struct timespec ts = { left / NS_PER_S, left % NS_PER_S };
		int n = epoll_pwait2(w->epfd, events, MAX_EVENTS, &ts, NULL);

		for (int i = 0; i < n; i++)
			if (events[i].data.ptr)
				conn_event(w, events[i].data.ptr, events[i].events);
		now = mono_ns();
	}
}

static bool should_stop(const struct load_worker *w, uint64_t now)
{
	return now >= w->plan->end_ns || __atomic_load_n(w->plan->stop, __ATOMIC_RELAXED) ||
	       (w->max_requests && w->requests >= w->max_requests);
}

void *load_worker_run(void *arg)
{
	struct load_worker *w = arg;
	const struct load_plan *p = w->plan;
	struct epoll_event events[MAX_EVENTS];
	uint64_t now, next_sweep;
	struct rusage ru;

	schedule_first(w);
	now = mono_ns();
	next_sweep = now + p->sweep_ns;
	while (!should_stop(w, now)) {
		struct timer *t;
		struct timespec ts;
		uint64_t until = p->end_ns;
		int n;

		fire_timers(w, now);
		if (now >= next_sweep) {
			sweep_timeouts(w, now);
			next_sweep = now + p->sweep_ns;
		}
		if (next_sweep < until)
			until = next_sweep;
		t = timer_heap_first(&w->timers);
		if (t && t->due_ns < until)
			until = t->due_ns;
		until = until > now ? until - now : 0;
		ts.tv_sec = until / NS_PER_S;
		ts.tv_nsec = until % NS_PER_S;
		n = epoll_pwait2(w->epfd, events, MAX_EVENTS, &ts, NULL);
		if (n < 0 && errno != EINTR) {
			w->err = -errno;
			break;
		}
		now = mono_ns();
		if (n <= 0 || should_stop(w, now))
			continue;
		for (int i = 0; i < n; i++)
			if (events[i].data.ptr) /* NULL: the wake-up eventfd */
				conn_event(w, events[i].data.ptr, events[i].events);
		now = mono_ns();
	}
	w->stop_ns = now;
	for (unsigned i = 0; i < w->nconns; i++) {
		struct load_conn *c = &w->conns[i];

		/* a request the server never answered is neither a latency nor
		 * (before its timeout) an error: count it, or it goes unseen */
		if (c->fd >= 0 && c->state != C_IDLE) {
			w->unanswered++;
			if (now > c->start_ns && now - c->start_ns > w->unanswered_wait_ns)
				w->unanswered_wait_ns = now - c->start_ns;
			/* waiting, and never answered while measuring: starved */
			if (!c->answered)
				w->starved++;
		}
	}
	/* stopped (Ctrl-C, the server gone): no one to be gentle with */
	if (!__atomic_load_n(p->stop, __ATOMIC_RELAXED))
		settle(w, now);
	for (unsigned i = 0; i < w->nconns; i++)
		conn_close(w, &w->conns[i]);
	if (!getrusage(RUSAGE_THREAD, &ru)) {
		w->cpu_user_ns = ru.ru_utime.tv_sec * NS_PER_S + ru.ru_utime.tv_usec * 1000ULL;
		w->cpu_sys_ns = ru.ru_stime.tv_sec * NS_PER_S + ru.ru_stime.tv_usec * 1000ULL;
	}
	__atomic_store_n(&w->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Handshakes done (or failed) on every pending connection of pfd, or the
 * deadline: each one done is connected, the others closed (the run opens
 * them again, and counts what fails then). */
static void finish_handshakes(struct load_worker **w, struct pollfd *pfd, struct load_conn **conn,
			      unsigned n, uint64_t deadline_ns)
{
	unsigned pending = n;

	while (pending) {
		uint64_t now = mono_ns();
		int ready;

		if (now >= deadline_ns)
			break;
		ready = poll(pfd, n, (deadline_ns - now) / 1000000 + 1);
		if (ready < 0 && errno != EINTR)
			break;
		for (unsigned i = 0; ready > 0 && i < n; i++) {
			int err = 0;
			socklen_t len = sizeof(err);

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
			conn[i]->connected = !err && !(pfd[i].revents & (POLLERR | POLLHUP));
			pfd[i].fd = -1;
			pending--;
		}
	}
	for (unsigned i = 0, k = 0; k < n; k++) {
		/* which worker conn[k] is in: the order they were listed */
		while (conn[k] < w[i]->conns || conn[k] >= w[i]->conns + w[i]->nconns)
			i++;
		if (!conn[k]->connected)
			conn_close(w[i], conn[k]);
	}
}

int load_workers_open(struct load_worker **w, unsigned nworkers, uint64_t timeout_ns)
{
	unsigned n = 0, total = 0;
	struct pollfd *pfd;
	struct load_conn **conn;

	for (unsigned i = 0; i < nworkers; i++)
		total += w[i]->nconns;
	pfd = calloc(total ?: 1, sizeof(*pfd));
	conn = calloc(total ?: 1, sizeof(*conn));
	if (!pfd || !conn) {
		free(pfd);
		free(conn);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < nworkers; i++)
		for (unsigned k = 0; k < w[i]->nconns; k++) {
			struct load_conn *c = &w[i]->conns[k];

			/* one that cannot even start is the run's to retry */
			if (conn_open(w[i], c)) {
				conn_close(w[i], c);
				continue;
			}
			pfd[n] = (struct pollfd){ .fd = c->fd, .events = POLLOUT };
			conn[n++] = c;
		}
	finish_handshakes(w, pfd, conn, n, mono_ns() + timeout_ns);
	free(pfd);
	free(conn);
	return 0;
}

int load_worker_init(struct load_worker *w, const struct load_plan *plan, unsigned id)
{
	struct epoll_event wake = { .events = EPOLLIN, .data.ptr = NULL };
	int err;

	memset(w, 0, sizeof(*w));
	w->plan = plan;
	w->id = id;
	/* connections are dealt round-robin: each worker gets every
	 * threads-th one of this host's, so spawns and schedules interleave
	 * evenly; a host's are every share_count-th one of the run's */
	w->nconns = (plan->own_connections - id + plan->threads - 1) / plan->threads;
	w->cpu = -1;
	w->rng = 0x9E3779B97F4A7C15ULL * (id + 1 + (uint64_t)plan->share_index * LOAD_MAX_THREADS) ^
		 (plan->seed ? plan->seed : (uint64_t)mono_ns());
	if (!w->rng)
		w->rng = 1; /* xorshift stays at 0 */
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return -errno;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, plan->wake_fd, &wake))
		return -errno;
	w->conns = calloc(w->nconns, sizeof(*w->conns));
	w->rbuf = malloc(RBUF_SIZE);
	w->seconds = calloc(plan->nseconds, sizeof(*w->seconds));
	if (!w->conns || !w->rbuf || !w->seconds)
		return -ENOMEM;
	for (unsigned i = 0; i < w->nconns; i++) {
		w->conns[i].fd = -1;
		w->conns[i].index =
			plan->share_index + (id + i * plan->threads) * plan->share_count;
		w->conns[i].timer.index = TIMER_IDLE;
	}
	err = timer_heap_init(&w->timers, w->nconns);
	if (!err)
		err = histogram_init(&w->latency, HISTOGRAM_PRECISE);
	if (!err)
		err = histogram_init(&w->connect, HISTOGRAM_PRECISE);
	for (unsigned s = 0; !err && s < plan->nseconds; s++)
		err = histogram_init(&w->seconds[s].latency, HISTOGRAM_COARSE);
	return err;
}

void load_worker_free(struct load_worker *w)
{
	if (w->epfd >= 0)
		close(w->epfd);
	w->epfd = -1;
	if (w->seconds)
		for (unsigned s = 0; s < w->plan->nseconds; s++)
			histogram_free(&w->seconds[s].latency);
	free(w->seconds);
	w->seconds = NULL;
	histogram_free(&w->latency);
	histogram_free(&w->connect);
	timer_heap_free(&w->timers);
	free(w->conns);
	free(w->rbuf);
	w->conns = NULL;
	w->rbuf = NULL;
}
