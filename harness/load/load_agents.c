// SPDX-License-Identifier: MIT
/*
 * The controller's side of load_agent.h: jobs out, lines in, from every
 * agent at once through poll(); their results merged into one.
 */
#include "common/clock.h"
#include "harness/load/load_agent.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE   (16 << 20) /* a result with every histogram bucket fits */
#define SLACK_MS   15000      /* past its duration, a result is overdue */
#define MAX_AGENTS 256

static void set_failed(struct load_agent *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_failed(struct load_agent *a, const char *fmt, ...)
{
	va_list ap;

	if (a->failed)
		return; /* the first reason is the one */
	a->failed = true;
	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
}

static bool send_line(struct load_agent *a, const char *line)
{
	size_t len = strlen(line), done = 0;

	while (done < len) {
		ssize_t n = write(a->to_fd, line + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += n;
	}
	return true;
}

/* Reads what is there; 0, or -EPIPE once it closed its stdout. */
static int take_in(struct load_agent *a)
{
	ssize_t n;

	if (a->cap - a->len < 65536) {
		size_t cap = a->cap ? 2 * a->cap : 131072;
		char *buf = cap <= MAX_LINE ? realloc(a->buf, cap) : NULL;

		if (!buf)
			return -ENOMEM;
		a->buf = buf;
		a->cap = cap;
	}
	n = read(a->from_fd, a->buf + a->len, a->cap - a->len - 1);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -EPIPE;
	a->len += n;
	return 0;
}

/* Its next whole line as JSON (the caller's), or NULL. */
static json_t *next_message(struct load_agent *a)
{
	char *nl;
	json_t *j;

	while ((nl = a->len ? memchr(a->buf, '\n', a->len) : NULL)) {
		*nl = '\0';
		j = json_loads(a->buf, 0, NULL);
		if (!j)
			set_failed(a, "said something not of the protocol: %.100s", a->buf);
		a->len -= nl + 1 - a->buf;
		memmove(a->buf, nl + 1, a->len);
		if (j)
			return j;
	}
	return NULL;
}

/* Its message says our protocol; else it failed, both versions named. */
static bool our_protocol(struct load_agent *a, const json_t *said)
{
	json_int_t protocol = json_integer_value(json_object_get(said, "protocol"));

	if (protocol == LOAD_AGENT_PROTOCOL)
		return true;
	set_failed(a,
		   "its harness speaks protocol %lld, this one %d: install the same harness on "
		   "both",
		   (long long)protocol, LOAD_AGENT_PROTOCOL);
	return false;
}

static void on_ready(struct load_agent *a, const json_t *ready)
{
	a->ready = our_protocol(a, ready);
}

static void on_hello(struct load_agent *a, const json_t *hello)
{
	if (!our_protocol(a, hello))
		return;
	a->cpus = json_integer_value(json_object_get(hello, "cpus"));
	snprintf(a->ssh_client, sizeof(a->ssh_client), "%s",
		 json_string_value(json_object_get(hello, "ssh_connection")) ?: "");
	a->greeted = true;
}

static void on_progress(struct load_agent *a, const json_t *p)
{
	a->last.requests = json_integer_value(json_object_get(p, "requests"));
	a->last.errors = json_integer_value(json_object_get(p, "errors"));
	a->last.rate = json_number_value(json_object_get(p, "rate"));
	a->last.p99_ns = llround(json_number_value(json_object_get(p, "p99_us")) * 1e3);
	a->last.connections = json_integer_value(json_object_get(p, "connections"));
	a->last.elapsed_s = json_number_value(json_object_get(p, "elapsed_s"));
	a->last.warming_up = json_is_true(json_object_get(p, "warming_up"));
}

static void on_result(struct load_agent *a, const json_t *res)
{
	int err = load_result_from_json(res, &a->result);

	if (err) {
		load_result_free(&a->result);
		set_failed(a, "sent a result that does not read (%s)", strerror(-err));
		return;
	}
	a->have_result = true;
}

/* What one message says, into a; true when it was a progress line. */
static bool take_message(struct load_agent *a, json_t *j)
{
	const json_t *v;
	bool progress = false;

	if ((v = json_object_get(j, "error")))
		set_failed(a, "%s", json_string_value(v) ? json_string_value(v) : "failed");
	else if ((v = json_object_get(j, "hello")))
		on_hello(a, v);
	else if ((v = json_object_get(j, "ready")))
		on_ready(a, v);
	else if ((v = json_object_get(j, "progress")))
		on_progress(a, v), progress = true;
	else if ((v = json_object_get(j, "result")))
		on_result(a, v);
	json_decref(j);
	return progress;
}

/* Still owes something: not failed, and not (yet) what done() asks. */
typedef bool (*agent_done)(const struct load_agent *a);

static bool is_greeted(const struct load_agent *a)
{
	return a->greeted;
}

static bool is_ready(const struct load_agent *a)
{
	return a->ready;
}

static bool has_result(const struct load_agent *a)
{
	return a->have_result;
}

/* Reads from every agent that owes until each is done or failed, or the
 * deadline; tick() is called once every agent still loading sent its
 * progress line of the second (or 1.5 s went by without), when given. */
static void gather(struct load_agent *a, unsigned n, agent_done done, uint64_t deadline_ns,
		   void (*tick)(struct load_agent *, unsigned, void *), void *arg,
		   volatile sig_atomic_t *stop)
{
	struct pollfd fds[MAX_AGENTS];
	unsigned idx[MAX_AGENTS];
	uint64_t last_tick = mono_ns();
	unsigned fresh = 0; /* progress lines since the last tick */
	bool stop_sent = false;

	for (;;) {
		unsigned m = 0;
		uint64_t now = mono_ns();
		int wait_ms;

		for (unsigned i = 0; i < n; i++)
			if (!a[i].failed && !done(&a[i])) {
				fds[m] = (struct pollfd){ .fd = a[i].from_fd, .events = POLLIN };
				idx[m++] = i;
			}
		if (!m)
			return;
		if (now >= deadline_ns) {
			for (unsigned k = 0; k < m; k++)
				set_failed(&a[idx[k]], "no answer in time");
			return;
		}
		if (stop && *stop && !stop_sent) {
			for (unsigned k = 0; k < m; k++)
				send_line(&a[idx[k]], "stop\n");
			stop_sent = true;
		}
		wait_ms = (deadline_ns - now) / 1000000 + 1;
		if (tick && wait_ms > 100)
			wait_ms = 100;
		if (poll(fds, m, wait_ms) < 0 && errno != EINTR)
			return;
		for (unsigned k = 0; k < m; k++) {
			struct load_agent *x = &a[idx[k]];
			json_t *j;
			int err;

			if (!fds[k].revents)
				continue;
			err = take_in(x);
			while ((j = next_message(x)))
				fresh += take_message(x, j);
			if (err && !x->failed && !done(x))
				set_failed(x, err == -EPIPE ? "its connection closed" : "%s",
					   strerror(-err));
		}
		if (tick && fresh && (fresh >= m || mono_ns() - last_tick > 1500000000ULL)) {
			tick(a, n, arg);
			last_tick = mono_ns();
			fresh = 0;
		}
	}
}

/* Every agent done() within timeout_ms: 0; else -ECONNABORTED, those not
 * failed for a reason of their own failed as `otherwise`. */
static int await_all(struct load_agent *a, unsigned n, agent_done done, int timeout_ms,
		     const char *otherwise)
{
	bool all = true;

	gather(a, n, done, mono_ns() + (uint64_t)timeout_ms * 1000000, NULL, NULL, NULL);
	for (unsigned i = 0; i < n; i++)
		if (!done(&a[i]) || a[i].failed) {
			set_failed(&a[i], "%s", otherwise);
			all = false;
		}
	return all ? 0 : -ECONNABORTED;
}

int load_agents_hello(struct load_agent *a, unsigned n, int timeout_ms)
{
	char hello[64];
	if (n > MAX_AGENTS)
		return -E2BIG;
	snprintf(hello, sizeof(hello), "{\"hello\": {\"protocol\": %d}}\n", LOAD_AGENT_PROTOCOL);
	for (unsigned i = 0; i < n; i++)
		if (!send_line(&a[i], hello))
			set_failed(&a[i], "could not be greeted");
	return await_all(a, n, is_greeted, timeout_ms, "no answer");
}

int load_agents_start(struct load_agent *a, unsigned n, const struct load_opts *o, int timeout_ms)
{
	if (n > MAX_AGENTS)
		return -E2BIG;
	for (unsigned i = 0; i < n; i++) {
		struct load_job job;
		json_t *j;
		char *s;

		/* a new job: what the last one said is over */
		a[i].ready = false;
		if (a[i].have_result)
			load_result_free(&a[i].result);
		a[i].have_result = false;
		memset(&a[i].last, 0, sizeof(a[i].last));
		load_job_of(&job, o, i, n);
		j = json_pack("{s:o}", "job", load_job_to_json(&job));
		s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (!s || !send_line(&a[i], s) || !send_line(&a[i], "\n"))
			set_failed(&a[i], "could not be sent its job");
		free(s);
	}
	return await_all(a, n, is_ready, timeout_ms, "not ready");
}

struct ticking {
	const struct load_opts *o;
	uint64_t start_ns;
};

/* the agents' last progress, summed, as one run's */
static void tick(struct load_agent *a, unsigned n, void *arg)
{
	struct ticking *t = arg;
	struct load_progress p = { .elapsed_s = (mono_ns() - t->start_ns) / 1e9 };

	for (unsigned i = 0; i < n; i++) {
		p.requests += a[i].last.requests;
		p.errors += a[i].last.errors;
		p.rate += a[i].last.rate;
		p.connections += a[i].last.connections;
		p.warming_up |= a[i].last.warming_up;
		if (a[i].last.p99_ns > p.p99_ns)
			p.p99_ns = a[i].last.p99_ns; /* the worst host's: at most */
	}
	t->o->progress(&p, t->o->progress_arg);
}

int load_agents_run(struct load_agent *a, unsigned n, const struct load_opts *o,
		    struct load_result *r)
{
	struct ticking t = { .o = o, .start_ns = mono_ns() };
	double run_s = (o->duration_s ? o->duration_s : LOAD_DEFAULT_DURATION_S) + o->warmup_s +
		       (o->timeout_s ? o->timeout_s : LOAD_DEFAULT_TIMEOUT_S);
	struct load_result *parts;
	unsigned whole = 0;
	int err;

	for (unsigned i = 0; i < n; i++)
		if (!send_line(&a[i], "go\n"))
			set_failed(&a[i], "could not be told to start");
	gather(a, n, has_result, t.start_ns + (uint64_t)(run_s * 1e9) + SLACK_MS * 1000000ULL,
	       o->progress ? tick : NULL, &t, o->stop);
	parts = calloc(n, sizeof(*parts));
	if (!parts) {
		memset(r, 0, sizeof(*r));
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++)
		if (a[i].have_result)
			parts[whole++] = a[i].result; /* shallow: merging only reads */
	for (unsigned i = 0; i < n; i++)
		if (!a[i].have_result)
			set_failed(&a[i], "lost mid-run");
	err = whole ? load_results_merge(r, parts, whole) : (memset(r, 0, sizeof(*r)), 0);
	free(parts);
	if (err)
		return err;
	return whole == n ? 0 : -EPIPE;
}

void load_agent_free(struct load_agent *a)
{
	if (a->have_result)
		load_result_free(&a->result);
	a->have_result = false;
	free(a->buf);
	a->buf = NULL;
	a->len = a->cap = 0;
}
