// SPDX-License-Identifier: MIT
/*
 * build/fake-server: the tests' misbehaving servers (tests/lib/fake_server)
 * as a program, for `harness run --server` to start as it starts a
 * server of the user's: it answers the first requests (the harness's
 * readiness check), then misbehaves as told.
 */
#include "common/units_parse.h"
#include "tests/lib/fake_server.h"

#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct {
	const char *host;
	int port, backlog;
	unsigned ok_first;
	int behaviour;
} env = { "127.0.0.1", 8080, 128, 1, -1 };

static const char doc[] =
	"A server that misbehaves on purpose, for the tests.\v"
	"BEHAVIOUR: ok, 500, garbage, reset, silent, close, close-unread, no-accept, "
	"stop-listening, answer-close, answer-reset, fork-keep (tests/lib/fake_server.h)\n\n"
	"EXAMPLES:\n"
	"  fake-server --port 8080 close-unread\n"
	"  fake-server --port 8080 --backlog 4 no-accept";

static const struct argp_option opts[] = {
	{ "host", 'h', "ADDR", 0, "listen on ADDR (127.0.0.1)", 0 },
	{ "port", 'p', "PORT", 0, "listen on PORT (8080)", 0 },
	{ "backlog", 'b', "N", 0, "listen backlog (128)", 0 },
	{ "ok-first", 'k', "N", 0, "answer the first N requests 200 (1)", 0 },
	{},
};

static const struct units_spec port = { "--port", UNITS_INTEGER, 0, 65535 };
static const struct units_spec backlog = { "--backlog", UNITS_INTEGER, 0, 65535 };
static const struct units_spec ok_first = { "--ok-first", UNITS_COUNT, 0, 1e6 };

/* A number as common/units_parse takes it, or the parse fails (exit 2). */
static double number(const struct units_spec *u, const char *s, struct argp_state *st)
{
	char why[UNITS_WHY_MAX];
	double v;

	if (units_parse(u, s, &v, why, sizeof(why)))
		argp_error(st, "%s", why);
	return v;
}

static error_t parse(int key, char *arg, struct argp_state *st)
{
	switch (key) {
	case 'h':
		env.host = arg;
		break;
	case 'p':
		env.port = number(&port, arg, st);
		break;
	case 'b':
		env.backlog = number(&backlog, arg, st);
		break;
	case 'k':
		env.ok_first = number(&ok_first, arg, st);
		break;
	case ARGP_KEY_ARG:
		for (int b = 0; b < FAKE_BEHAVIOURS; b++)
			if (!strcmp(arg, fake_behaviour_names[b]))
				env.behaviour = b;
		if (env.behaviour < 0)
			argp_error(st, "unknown behaviour: %s", arg);
		break;
	case ARGP_KEY_END:
		if (env.behaviour < 0)
			argp_usage(st);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse, "BEHAVIOUR", doc, NULL, NULL, NULL };
	static uint64_t count[2];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, lfd;

	argp_err_exit_status = 2; /* bad input: one line, exit 2 */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	sa.sin_port = htons(env.port);
	if (inet_pton(AF_INET, env.host, &sa.sin_addr) != 1) {
		fprintf(stderr, "fake-server: not an IPv4 address: %s\n", env.host);
		return 2;
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, env.backlog)) {
		fprintf(stderr, "fake-server: failed to listen on %s:%d: %s\n", env.host, env.port,
			strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	fake_server_serve(lfd, env.behaviour, env.ok_first, count);
	return 0;
}
