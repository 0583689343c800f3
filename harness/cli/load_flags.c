// SPDX-License-Identifier: MIT
#include "harness/cli/load_flags.h"
#include "common/flags.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the long-only options: keys past any character, and any parent's */
enum {
	KEY_WARMUP = 0x1000,
	KEY_TIMEOUT,
	KEY_USERS,
	KEY_SPAWN_RATE,
	KEY_THINK,
	KEY_STRICT,
};

static const struct argp_option options[] = {
	{ "connections", 'c', "N", 0, "Client connections", 0 },
	{ "duration", 'd', "TIME", 0, "How long to measure; under harness run, each experiment",
	  0 },
	{ "warmup", KEY_WARMUP, "TIME", 0, "Load this long first, without measuring", 0 },
	{ "timeout", KEY_TIMEOUT, "TIME", 0, "A connection or a response this late is an error",
	  0 },
	{ "rate", 'R', "N", 0, "Open loop (the rate scenario): N requests/s in all", 0 },
	{ "users", KEY_USERS, "N", 0, "Users of the users scenario, a connection each", 0 },
	{ "spawn-rate", KEY_SPAWN_RATE, "N", 0, "Users started per second", 0 },
	{ "think", KEY_THINK, "MIN[-MAX]", 0,
	  "Users' think time between requests, e.g. 1-5 or 100ms-200ms", 0 },
	{ "quiet", 'q', NULL, 0, "No progress line", 0 },
	{ "strict", KEY_STRICT, NULL, 0,
	  "Read responses as wrk does: a header line without a colon, or a head the "
	  "close ends, is a bad response (by default they are read as Python's http.client "
	  "reads them, and counted)",
	  0 },
	{ 0 },
};

/* The options that take one number: where it goes, and what it may be. */
static const struct number {
	int key;
	enum load_flag flag;
	size_t off; /* of its member in struct load_flags: unsigned for a count, else double */
	struct units_spec spec;
} numbers[] = {
	{ 'c',
	  LOAD_FLAG_CONNECTIONS,
	  offsetof(struct load_flags, o.connections),
	  { "--connections", UNITS_COUNT, 1, LOAD_MAX_CONNECTIONS } },
	{ 'd',
	  LOAD_FLAG_DURATION,
	  offsetof(struct load_flags, o.duration_s),
	  { "--duration", UNITS_DURATION, LOAD_MIN_DURATION_S, LOAD_MAX_DURATION_S } },
	{ KEY_WARMUP,
	  LOAD_FLAG_WARMUP,
	  offsetof(struct load_flags, o.warmup_s),
	  { "--warmup", UNITS_DURATION, 0, LOAD_MAX_DURATION_S } },
	{ KEY_TIMEOUT,
	  LOAD_FLAG_TIMEOUT,
	  offsetof(struct load_flags, o.timeout_s),
	  { "--timeout", UNITS_DURATION, LOAD_MIN_TIMEOUT_S, LOAD_MAX_TIMEOUT_S } },
	{ 'R',
	  LOAD_FLAG_RATE,
	  offsetof(struct load_flags, o.rate),
	  { "--rate", UNITS_RATE, LOAD_MIN_RATE, LOAD_MAX_RATE } },
	{ KEY_USERS,
	  LOAD_FLAG_USERS,
	  offsetof(struct load_flags, o.users),
	  { "--users", UNITS_COUNT, 1, LOAD_MAX_CONNECTIONS } },
	{ KEY_SPAWN_RATE,
	  LOAD_FLAG_SPAWN_RATE,
	  offsetof(struct load_flags, o.spawn_rate),
	  { "--spawn-rate", UNITS_RATE, LOAD_MIN_SPAWN_RATE, LOAD_MAX_SPAWN_RATE } },
};

/* each of MIN and MAX */
static const struct units_spec think = { "--think", UNITS_DURATION, 0, LOAD_MAX_THINK_S };

static const struct number *number_of(int key)
{
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if (numbers[i].key == key)
			return &numbers[i];
	return NULL;
}

static double get(const struct load_flags *f, const struct number *n)
{
	const char *p = (const char *)f + n->off;

	return n->spec.kind == UNITS_COUNT ? *(const unsigned *)p : *(const double *)p;
}

static void set(struct load_flags *f, const struct number *n, double v)
{
	char *p = (char *)f + n->off;

	if (n->spec.kind == UNITS_COUNT)
		*(unsigned *)p = v;
	else
		*(double *)p = v;
}

/* "100ms-200ms", "1-5" or "2"; the dash between them is not an exponent's ("1e-3") */
static void parse_think(struct argp_state *st, struct load_flags *f, const char *arg)
{
	const char *dash = strchr(arg, '-');
	char min[64], range[64];
	size_t len;

	while (dash && dash > arg && (dash[-1] == 'e' || dash[-1] == 'E'))
		dash = strchr(dash + 1, '-');
	len = dash ? (size_t)(dash - arg) : strlen(arg);
	snprintf(min, sizeof(min), "%.*s", (int)len, arg);
	if (len >= sizeof(min) || units_parse(&think, min, &f->o.think_min_s, NULL, 0) ||
	    units_parse(&think, dash ? dash + 1 : min, &f->o.think_max_s, NULL, 0) ||
	    f->o.think_max_s < f->o.think_min_s)
		argp_failure(st, 2, 0,
			     "invalid --think '%s': MIN-MAX (or one time), each from %s, "
			     "MIN no more than MAX",
			     arg, units_range(&think, range, sizeof(range)));
}

static error_t parse(int key, char *arg, struct argp_state *st)
{
	struct load_flags *f = st->input;
	const struct load_flags *d = f->defaults;
	const struct number *n = number_of(key);

	if (n) {
		set(f, n, flag_value(st, &n->spec, arg));
		f->given |= 1u << n->flag;
		return 0;
	}
	switch (key) {
	case KEY_THINK:
		parse_think(st, f, arg);
		f->given |= 1u << LOAD_FLAG_THINK;
		break;
	case KEY_STRICT:
		f->o.strict = true;
		f->given |= 1u << LOAD_FLAG_STRICT;
		break;
	case 'q':
		f->quiet = true;
		f->given |= 1u << LOAD_FLAG_QUIET;
		break;
	case ARGP_KEY_INIT:
		if (d) {
			*f = *d;
			f->defaults = d;
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --help: each number's range, and the command's default when it has one */
static char *help(int key, const char *text, void *input)
{
	const struct load_flags *f = input, *d = f ? f->defaults : NULL;
	const struct number *n = number_of(key);
	char range[64], min[32], max[32], *s;

	if (!text || !d)
		return (char *)text;
	if (n)
		return flag_help(text, &n->spec, get(d, n));
	if (key != KEY_THINK)
		return (char *)text;
	units_range(&think, range, sizeof(range));
	if (d->o.think_max_s > 0 &&
	    asprintf(&s, "%s (each %s; default %s-%s)", text, range,
		     units_format(UNITS_DURATION, d->o.think_min_s, min, sizeof(min)),
		     units_format(UNITS_DURATION, d->o.think_max_s, max, sizeof(max))) >= 0)
		return s;
	return asprintf(&s, "%s (each %s)", text, range) < 0 ? (char *)text : s;
}

const struct argp load_flags_argp = { options, parse, NULL, NULL, NULL, help, NULL };
