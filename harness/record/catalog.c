// SPDX-License-Identifier: MIT
#include "harness/record/catalog.h"
#include "harness/record/options.h"
#include "common/server_limits.h"

#include <stdio.h>
#include <string.h>

const struct model models[] = {
	{ "blocking",
	  "one process, one connection at a time: accept, serve until it closes, accept",
	  { .serial = true },
	  "",
	  false },
	{ "fork",
	  "a process per connection: accept, fork; the parent reaps",
	  { .per_connection = PER_CONNECTION_PROCESS },
	  "",
	  false },
	{ "pthread",
	  "a thread per connection: accept, pthread_create",
	  { .per_connection = PER_CONNECTION_THREAD },
	  "",
	  false },
	{ "epoll",
	  "one event loop per worker: non-blocking sockets, epoll_wait",
	  { .event_loop = true },
	  "",
	  false },
	{ "io_uring",
	  "a completion ring per worker: multishot accept, provided buffers, batched submits",
	  { .event_loop = true },
	  "",
	  false },
	/* daemon off, pid and temporary files in {dir}: its nginx.conf */
	{ "nginx",
	  "the reference: nginx, as configured by the harness (an event loop per worker process)",
	  { .event_loop = true },
	  "/usr/sbin/nginx -e stderr -p {dir}/ -c nginx.conf",
	  true },
};
const int nmodels = sizeof(models) / sizeof(models[0]);
const char custom_model_idea[] = "a server of your own (--server): what it does, unknown";

const struct scenario scenarios[] = {
	{ "throughput", "closed loop, keep-alive connections, as fast as the server answers",
	  SCENARIO_THROUGHPUT, false, 0, true },
	{ "connect", "a new TCP connection for every request: accept-heavy", SCENARIO_CONNECT, true,
	  0, true },
	{ "sleep", "keep-alive, and the handler blocks 1 ms per request, like a database call",
	  SCENARIO_THROUGHPUT, false, 1000, true },
	{ "rate", "open loop at --rate requests/s, latency from the intended send time",
	  SCENARIO_RATE, false, 0, false },
	{ "users",
	  "--users users spawned at --spawn-rate/s, each thinking --think between requests",
	  SCENARIO_USERS, false, 0, false },
	{ "ramp",
	  "open loop, rates stepped up by 2x until the server stops keeping up, then bisected "
	  "to its knee within 5%; latency from the intended send time",
	  SCENARIO_RAMP, false, 0, false },
	{ "conns",
	  "keep-alive closed loop at 1, 10, 100, 1 000 and 10 000 connections (--conns-steps), "
	  "the backlog raised to the most: rate, latency, memory and tasks at each",
	  SCENARIO_CONNS, false, 0, false },
	{ "command",
	  "your own load tool (--load-cmd), from its first connection to its end, its CPU too",
	  SCENARIO_COMMAND, false, 0, false },
};
const int nscenarios = sizeof(scenarios) / sizeof(scenarios[0]);

const struct model *model_find(const char *name)
{
	for (int i = 0; i < nmodels; i++)
		if (!strcmp(models[i].name, name))
			return &models[i];
	return NULL;
}

const char *model_names(void)
{
	static char names[128];

	if (!names[0])
		for (int i = 0; i < nmodels; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%.*s",
				 i ? " " : "", MODEL_NAME_MAX - 1, models[i].name);
	return names;
}

bool scenario_is_sweep(const struct scenario *s)
{
	return s->kind == SCENARIO_RAMP || s->kind == SCENARIO_CONNS;
}

const struct scenario *scenario_find(const char *name)
{
	for (int i = 0; i < nscenarios; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

unsigned run_opts_sleep_us(const struct run_opts *o, const struct scenario *s)
{
	return o->sleep_us > 0 ? (unsigned)o->sleep_us : s->server_sleep_us;
}

/* conns measures what connections cost once open; ten thousand connects
 * against a queue of 128 would measure SYN retries (1 s, 3 s) instead,
 * which are connect's and ramp's to show */
int run_opts_backlog(const struct run_opts *o, const struct scenario *s)
{
	int backlog = o->backlog;

	for (int i = 0; s->kind == SCENARIO_CONNS && i < o->nconns_steps; i++)
		if (o->conns_steps[i] > backlog)
			backlog = o->conns_steps[i];
	return backlog < SERVER_MAX_BACKLOG ? backlog : SERVER_MAX_BACKLOG;
}

bool run_opts_asks_handlers(const struct run_opts *o, const struct scenario *s)
{
	return run_opts_sleep_us(o, s) > 0 || o->work_us > 0;
}

const struct model *run_opts_model_find(const struct run_opts *o, const char *name)
{
	for (int i = 0; i < o->ncustom; i++)
		if (!strcmp(o->custom[i].name, name))
			return &o->custom[i];
	return model_find(name);
}

int run_opts_experiments(const struct run_opts *o)
{
	int m = o->ncustom, s = 0;

	for (int i = 0; i < nmodels; i++)
		m += o->model[i];
	for (int i = 0; i < nscenarios; i++)
		s += o->scenario[i];
	return m * s;
}
