// SPDX-License-Identifier: MIT
#include "servers/common/options.h"
#include "servers/common/conn.h"
#include "common/server_limits.h"
#include "servers/common/reply.h"
#include "servers/common/work.h"
#include "common/units_parse.h"

#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

const char *server_name = "server";

static void vreport(const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s\n", server_name, msg);
}

void report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

void report_ratelimited(const char *fmt, ...)
{
	static time_t last;
	time_t now = time(NULL);
	va_list ap;

	if (__atomic_exchange_n(&last, now, __ATOMIC_RELAXED) == now)
		return;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

enum {
	O_HOST = 0x100,
	O_PORT,
	O_BACKLOG,
	O_WORK,
	O_SLEEP,
	O_BODY,
	O_IDLE,
	O_HEADER,
	O_POOL,
	O_WORKERS
};

static const struct argp_option common_options[] = {
	{ "host", O_HOST, "ADDR", 0, "Address to listen on (default 127.0.0.1; ::1 for IPv6)", 0 },
	{ "port", O_PORT, "N", 0, "TCP port (default 8080; 0: a free one, printed at start-up)",
	  0 },
	{ "backlog", O_BACKLOG, "N", 0, "listen() backlog, the accept-queue limit (default 128)",
	  0 },
	{ "work-us", O_WORK, "N", 0, "Burn N us of CPU per request (default 0)", 0 },
	{ "sleep-us", O_SLEEP, "N", 0,
	  "Block N us per request, as a database call would (default 0)", 0 },
	{ "body-bytes", O_BODY, "N", 0, "Length of the 200 body (default 14: \"Hello, World!\\n\")",
	  0 },
	{ "idle-timeout", O_IDLE, "T", 0,
	  "Close a connection that sends and takes nothing for T (default 60s)", 0 },
	{ "header-timeout", O_HEADER, "T", 0,
	  "Answer 408 and close when a request head is not whole T after its first byte "
	  "(default 10s)",
	  0 },
};
/* options some models take: [0] with OPT_POOL, [1] with OPT_WORKERS */
static const struct argp_option model_options[] = {
	{ "pool", O_POOL, "N", 0,
	  "A fixed pool of N threads, each accepting and serving (default 0: a thread per "
	  "connection)",
	  0 },
	{ "workers", O_WORKERS, "N", 0,
	  "N event loops, each a thread with its own listening socket (SO_REUSEPORT; default 1)",
	  0 },
};

struct parse {
	struct server_opts *o;
	const struct argp_option *options;
	bool reported; /* an error message was printed */
};

/* "--port" (of "--port", "--port=x"): one of ours, so its value is what is missing */
static bool is_option(const struct argp_option *options, const char *arg)
{
	for (; options->name; options++)
		if (!strncmp(arg, "--", 2) && !strcmp(arg + 2, options->name))
			return true;
	return false;
}

static const struct units_spec port = { "--port", UNITS_INTEGER, 0, SERVER_MAX_PORT };
static const struct units_spec backlog = { "--backlog", UNITS_COUNT, 1, SERVER_MAX_BACKLOG };
static const struct units_spec work_us = { "--work-us", UNITS_INTEGER, 0, SERVER_MAX_WORK_US };
static const struct units_spec sleep_us = { "--sleep-us", UNITS_INTEGER, 0, SERVER_MAX_SLEEP_US };
/* no k or M: a kilobyte is 1000 bytes to some, 1024 to others */
static const struct units_spec body_bytes = { "--body-bytes", UNITS_INTEGER, 0, REPLY_BODY_MAX };
static const struct units_spec pool = { "--pool", UNITS_COUNT, 0, SERVER_MAX_POOL };
static const struct units_spec workers = { "--workers", UNITS_COUNT, 1, SERVER_MAX_WORKERS };
static const struct units_spec idle_timeout = { "--idle-timeout", UNITS_DURATION,
						SERVER_MIN_TIMEOUT_S, SERVER_MAX_TIMEOUT_S };
static const struct units_spec header_timeout = { "--header-timeout", UNITS_DURATION,
						  SERVER_MIN_TIMEOUT_S, SERVER_MAX_TIMEOUT_S };

/* arg as u says, or one line on stderr. */
static int value(struct parse *p, const struct units_spec *u, const char *arg, double *out)
{
	char why[UNITS_WHY_MAX];

	if (units_parse(u, arg, out, why, sizeof(why))) {
		report("%s", why);
		p->reported = true;
		return EINVAL;
	}
	return 0;
}

static int number(struct parse *p, const struct units_spec *u, const char *arg, long *out)
{
	double v;
	int err = value(p, u, arg, &v);

	if (!err)
		*out = (long)v;
	return err;
}

static error_t parse_option(int key, char *arg, struct argp_state *state)
{
	struct parse *p = state->input;
	struct server_opts *o = p->o;
	long v = 0;
	int err = 0;

	switch (key) {
	case O_HOST:
		o->host = arg;
		break;
	case O_PORT:
		err = number(p, &port, arg, &v);
		o->port = v;
		break;
	case O_BACKLOG:
		err = number(p, &backlog, arg, &v);
		o->backlog = v;
		break;
	case O_WORK:
		err = number(p, &work_us, arg, &o->work_us);
		break;
	case O_SLEEP:
		err = number(p, &sleep_us, arg, &o->sleep_us);
		break;
	case O_BODY:
		err = number(p, &body_bytes, arg, &v);
		o->body_bytes = v;
		break;
	case O_IDLE:
		err = value(p, &idle_timeout, arg, &o->idle_timeout_s);
		break;
	case O_HEADER:
		err = value(p, &header_timeout, arg, &o->header_timeout_s);
		break;
	case O_POOL:
		err = number(p, &pool, arg, &v);
		o->pool = v;
		break;
	case O_WORKERS:
		err = number(p, &workers, arg, &v);
		o->workers = v;
		break;
	case ARGP_KEY_ARG:
		report("unexpected argument '%s' (see --help)", arg);
		p->reported = true;
		return EINVAL;
	case ARGP_KEY_ERROR:
		arg = state->argv[state->next - 1];
		if (p->reported)
			return 0;
		if (is_option(p->options, arg))
			report("option '%s' needs a value (see --help)", arg);
		else
			report("invalid option '%s' (see --help)", arg);
		p->reported = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return err;
}

static void parse_command_line(int argc, char **argv, const struct server_model *m,
			       struct server_opts *o)
{
	struct argp_option options[16] = { 0 };
	struct parse p = { .o = o, .options = options };
	struct argp argp = { options, parse_option, NULL, NULL, NULL, NULL, NULL };
	size_t n = sizeof(common_options) / sizeof(common_options[0]);
	char doc[2048];

	memcpy(options, common_options, sizeof(common_options));
	if (m->options & OPT_POOL)
		options[n++] = model_options[0];
	if (m->options & OPT_WORKERS)
		options[n++] = model_options[1];
	snprintf(doc, sizeof(doc),
		 "%s\n\nUSAGE: %s [--help] [--host ADDR] [--port N] [--backlog N] [--work-us N] "
		 "[--sleep-us N] [--body-bytes N] [--idle-timeout T] [--header-timeout T]%s%s"
		 "\n\vEXAMPLES:\n%s",
		 m->doc, m->name, m->options & OPT_POOL ? " [--pool N]" : "",
		 m->options & OPT_WORKERS ? " [--workers N]" : "", m->examples);
	argp.doc = doc;

	/*
	 * Twice: first quietly, to report bad input in one line of our own
	 * and exit 2; then as usual, which only matters for --help/--usage.
	 */
	if (argp_parse(&argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_EXIT, NULL, &p))
		exit(2);
	argp_err_exit_status = 2;
	argp_parse(&argp, argc, argv, 0, NULL, &p);
}

/* Servers hold a descriptor per connection: take all the kernel allows. */
static void raise_open_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		report("failed to raise open-file limit: %s", strerror(errno));
}

void server_init(int argc, char **argv, const struct server_model *m, struct server_opts *o)
{
	int err;

	server_name = m->name;
	*o = (struct server_opts){
		.host = "127.0.0.1",
		.port = 8080,
		.backlog = 128,
		.body_bytes = strlen(REPLY_BODY_DEFAULT),
		.workers = 1,
		.idle_timeout_s = SERVER_IDLE_TIMEOUT_S,
		.header_timeout_s = SERVER_HEADER_TIMEOUT_S,
	};
	parse_command_line(argc, argv, m, o);
	raise_open_file_limit();
	/* a peer that closes early must cost an EPIPE, not the process */
	signal(SIGPIPE, SIG_IGN);
	err = replies_init(o->body_bytes);
	if (!err)
		err = work_init(o->work_us, o->sleep_us);
	http_conn_timeouts(o->idle_timeout_s * 1e3, o->header_timeout_s * 1e3);
	if (err) {
		report("failed to prepare replies: %s", strerror(-err));
		exit(1);
	}
}
