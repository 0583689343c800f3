// SPDX-License-Identifier: MIT
/*
 * `harness load --agent`: a load host's side of load_agent.h. One thread
 * reads stdin for the whole life of the agent (so that "stop" and a closed
 * stdin are seen while a load runs); the main thread runs the jobs and is
 * the only one that writes stdout.
 */
#include "harness/load/load_agent.h"
#include "harness/load/load_target.h"

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Lines from stdin, handed over one at a time. */
struct inbox {
	FILE *in;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	char *line; /* waiting for the main thread; NULL: none */
	bool eof;
	bool running; /* a load runs: "stop" ends it */
	volatile sig_atomic_t stop;
};

static void *read_stdin(void *arg)
{
	struct inbox *b = arg;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, b->in)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		pthread_mutex_lock(&b->lock);
		if (b->running && !strcmp(line, "stop")) {
			b->stop = 1;
		} else {
			while (b->line && !b->eof)
				pthread_cond_wait(&b->changed, &b->lock);
			b->line = strdup(line);
			pthread_cond_broadcast(&b->changed);
		}
		pthread_mutex_unlock(&b->lock);
	}
	free(line);
	/* the controller is gone (or done): end whatever runs */
	pthread_mutex_lock(&b->lock);
	b->eof = true;
	b->stop = 1;
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* The next line, the caller's to free; NULL once stdin closed. */
static char *next_line(struct inbox *b)
{
	char *line;

	pthread_mutex_lock(&b->lock);
	while (!b->line && !b->eof)
		pthread_cond_wait(&b->changed, &b->lock);
	line = b->line;
	b->line = NULL;
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
	return line;
}

struct agent {
	struct inbox inbox;
	FILE *out;
	unsigned connections, threads; /* this share's */
};

/* One line of JSON: {key: value}; false once stdout is gone. */
static bool say(struct agent *a, const char *key, json_t *value)
{
	json_t *j = json_pack("{s:o}", key, value ? value : json_null());
	bool ok = j && json_dumpf(j, a->out, JSON_COMPACT) == 0 && fputc('\n', a->out) != EOF &&
		  fflush(a->out) == 0;

	json_decref(j);
	return ok;
}

static bool say_error(struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool say_error(struct agent *a, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return say(a, "error", json_string(why));
}

/* The server answers a connection from here: else no load can reach it. */
static int reachable(const struct load_job *j, char *why, size_t len)
{
	struct load_target t;
	struct timeval tv = { .tv_sec = (time_t)j->timeout_s,
			      .tv_usec = (long)((j->timeout_s - (time_t)j->timeout_s) * 1e6) };
	int fd, err;

	err = load_target_parse(&t, j->url, NULL, 0, false, true, why, len);
	if (err)
		return err;
	fd = socket(t.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		err = -errno;
	else if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
		 connect(fd, (struct sockaddr *)&t.addr, t.addrlen))
		err = errno == EINPROGRESS ? -ETIMEDOUT : -errno;
	if (err)
		snprintf(why, len, "cannot connect to %s: %s", j->url, strerror(-err));
	if (fd >= 0)
		close(fd);
	load_target_free(&t);
	return err;
}

/* load_run's ready hook: say so, then wait for "go". */
static int ready(void *arg)
{
	struct agent *a = arg;
	char *go;
	int err = 0;

	if (!say(a, "ready",
		 json_pack("{s:i, s:i, s:i}", "protocol", LOAD_AGENT_PROTOCOL, "connections",
			   (int)a->connections, "threads", (int)a->threads)))
		return -EPIPE;
	go = next_line(&a->inbox);
	if (!go || strcmp(go, "go"))
		err = -ECANCELED;
	free(go);
	pthread_mutex_lock(&a->inbox.lock);
	a->inbox.running = !err;
	if (a->inbox.eof)
		err = -ECANCELED;
	pthread_mutex_unlock(&a->inbox.lock);
	return err;
}

static void progress(const struct load_progress *p, void *arg)
{
	say(arg, "progress",
	    json_pack("{s:f, s:b, s:I, s:I, s:f, s:f, s:i}", "elapsed_s", p->elapsed_s,
		      "warming_up", p->warming_up, "requests", (json_int_t)p->requests, "errors",
		      (json_int_t)p->errors, "rate", p->rate, "p99_us", p->p99_ns / 1e3,
		      "connections", (int)p->connections));
}

/* The controller's address, as ssh told this agent: the first word of
 * SSH_CONNECTION ("client-ip client-port server-ip server-port"). */
static json_t *ssh_client(void)
{
	const char *c = getenv("SSH_CONNECTION");
	size_t n = c ? strcspn(c, " ") : 0;

	return n ? json_stringn(c, n) : json_null();
}

/* The controller's message says our protocol; else refused, both named. */
static bool our_protocol(struct agent *a, const json_t *said)
{
	json_int_t protocol = json_integer_value(json_object_get(said, "protocol"));

	if (protocol == LOAD_AGENT_PROTOCOL)
		return true;
	say_error(a,
		  "this agent speaks protocol %d, the controller %lld: install the same harness on "
		  "both",
		  LOAD_AGENT_PROTOCOL, (long long)protocol);
	return false;
}

/* hello: both sides' protocol checked before any job */
static bool greet(struct agent *a, const json_t *hello)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!our_protocol(a, hello))
		return false;
	return say(a, "hello",
		   json_pack("{s:i, s:i, s:o}", "protocol", LOAD_AGENT_PROTOCOL, "cpus",
			     (int)(cpus > 0 ? cpus : 1), "ssh_connection", ssh_client()));
}

/* One job: refused, failed or run; false once stdout is gone or the
 * controller speaks another protocol. */
static bool serve_job(struct agent *a, const char *line)
{
	json_error_t jerr;
	json_t *msg = json_loads(line, 0, &jerr);
	struct load_job job;
	struct load_opts o;
	struct load_result r;
	char why[512];
	bool ok;
	int err;

	if (msg && json_object_get(msg, "hello")) {
		ok = greet(a, json_object_get(msg, "hello"));
		json_decref(msg);
		return ok;
	}
	if (!msg || !json_object_get(msg, "job")) {
		json_decref(msg);
		return say_error(a, "not a job: %.200s", line);
	} /* before the rest: another protocol's job may not read as ours */
	if (!our_protocol(a, json_object_get(msg, "job"))) {
		json_decref(msg);
		return false;
	}
	err = load_job_from_json(json_object_get(msg, "job"), &job, why, sizeof(why));
	json_decref(msg);
	if (err)
		return say_error(a, "bad job: %s", why);
	if (!job.threads) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		job.threads = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (reachable(&job, why, sizeof(why)))
		return say_error(a, "%s", why);

	load_job_opts(&job, &o);
	a->connections = load_share_connections(o.users ? o.users : o.connections, job.share_index,
						job.share_count);
	a->threads = job.threads < a->connections ? job.threads : a->connections;
	a->inbox.stop = 0;
	o.stop = &a->inbox.stop;
	o.ready = ready;
	o.ready_arg = a;
	o.progress = progress;
	o.progress_arg = a;
	err = load_run(&o, &r);
	pthread_mutex_lock(&a->inbox.lock);
	a->inbox.running = false;
	pthread_mutex_unlock(&a->inbox.lock);
	if (err == -ECANCELED)
		ok = true; /* no "go": the controller gave up */
	else if (err)
		ok = say_error(a, "%s", r.error);
	else
		ok = say(a, "result", load_result_to_json(&r));
	load_result_free(&r);
	return ok;
}

int load_agent_serve(FILE *in, FILE *out)
{
	struct agent a = { .inbox = { .in = in,
				      .lock = PTHREAD_MUTEX_INITIALIZER,
				      .changed = PTHREAD_COND_INITIALIZER },
			   .out = out };
	pthread_t reader;
	char *line;
	int status = 0;

	/* a controller gone mid-line is seen as a failed write, not a signal */
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&reader, NULL, read_stdin, &a.inbox)) {
		fprintf(stderr, "harness load --agent: failed to start its reader\n");
		return 1;
	}
	pthread_detach(reader);
	while ((line = next_line(&a.inbox))) {
		bool ok = !line[0] || serve_job(&a, line);

		free(line);
		if (!ok) {
			status = 2;
			break;
		}
	}
	return status;
}
