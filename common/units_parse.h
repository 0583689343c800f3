/* SPDX-License-Identifier: MIT */
/*
 * Numbers as people type them on a command line, each checked against the
 * range its option allows: counts ("2000", "2k", "1.5M"), rates (requests
 * or users per second, the same suffixes), durations ("10" and "10s" both
 * ten seconds; "500us", "500ms", "2m", "1h") and CPU lists ("1",
 * "0-1,3"). NaN, infinities, hex and anything outside the range are
 * refused with one line that says what was wanted:
 *
 *   static const struct units_spec duration = { "--duration", UNITS_DURATION, 1e-3, 3600 };
 *   char why[UNITS_WHY_MAX];
 *   double s;
 *
 *   if (units_parse(&duration, "1x", &s, why, sizeof(why)))
 *           puts(why); // invalid --duration '1x': a number with us, ms, s, m or h
 *                      // (seconds without), from 1ms to 1h
 */
#ifndef WHYSERVE_UNITS_PARSE_H
#define WHYSERVE_UNITS_PARSE_H

#include <stddef.h>

enum units_kind {
	UNITS_INTEGER,	/* a whole number in decimal digits, no suffix: ports, bytes, µs */
	UNITS_COUNT,	/* a whole number; k and M multiply by 1e3 and 1e6 */
	UNITS_RATE,	/* per second, any real number; k and M as for counts */
	UNITS_DURATION, /* in seconds; us, ms, s, m, h (no unit: seconds) */
};

struct units_spec {
	const char *name; /* what messages call it: the option, "--connections" */
	enum units_kind kind;
	double min, max; /* accepted, both included; in seconds for durations */
};

/* Room for any message below. */
#define UNITS_WHY_MAX 192

/*
 * The value of s as u says into *out: 0, or -EINVAL with one line in why
 * ("invalid NAME 'S': what was wanted, with the range"), *out untouched.
 */
int units_parse(const struct units_spec *u, const char *s, double *out, char *why, size_t len);

/*
 * v as one would type it: digits for counts and rates ("60000", "0.1"),
 * durations in the largest unit that keeps them short ("100ms", "1.5s", "1h").
 */
char *units_format(enum units_kind kind, double v, char *buf, size_t len);

/* u's range as it appears in messages and --help: "1 to 60000", "1ms to 1h". */
char *units_range(const struct units_spec *u, char *buf, size_t len);

/*
 * A CPU list, "1" or "0-1,3", into cpus[] (at most max of them, each below
 * CPU_SETSIZE): their number, or -EINVAL with one line in why naming name.
 */
int units_parse_cpus(const char *name, const char *list, int *cpus, unsigned max, char *why,
		     size_t len);

#endif
