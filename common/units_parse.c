// SPDX-License-Identifier: MIT
#include "common/units_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A suffix multiplies by mul and divides by div: dividing by 1e3 makes
 * "100ms" the double nearest 0.1, so it equals a limit written 0.1, where
 * multiplying by 1e-3 (itself inexact) may miss it by one bit.
 */
struct suffix {
	const char *text;
	double mul, div;
};

static const struct suffix plain[] = { { "", 1, 1 }, { NULL, 0, 0 } };
static const struct suffix thousands[] = {
	{ "", 1, 1 }, { "k", 1e3, 1 }, { "M", 1e6, 1 }, { NULL, 0, 0 }
};
/* largest first: units_format takes the first one that fits */
static const struct suffix times[] = { { "h", 3600, 1 }, { "m", 60, 1 },   { "s", 1, 1 },
				       { "ms", 1, 1e3 }, { "us", 1, 1e6 }, { "", 1, 1 },
				       { NULL, 0, 0 } };

static const struct {
	const struct suffix *suffixes;
	bool whole;
	const char *wanted, *note; /* a message says: wanted from MIN to MAX note */
} kinds[] = {
	[UNITS_INTEGER] = { plain, true, "an integer", "" },
	[UNITS_COUNT] = { thousands, true, "a whole number", " (k, M allowed: 2k = 2000)" },
	[UNITS_RATE] = { thousands, false, "a number per second", " (k, M allowed: 2k = 2000)" },
	[UNITS_DURATION] = { times, false, "a number with us, ms, s, m or h (seconds without),",
			     "" },
};

#define DIGITS "0123456789"

/*
 * What strtod reads, less what it reads that nobody types for these
 * options: leading blanks and '+', "inf", "nan", hex. Integers are digits.
 */
static bool number_at(const char *s, enum units_kind kind, double *v, const char **end)
{
	const char *digits = s + (*s == '-');
	char *e;

	if (kind == UNITS_INTEGER && (!*digits || digits[strspn(digits, DIGITS)]))
		return false;
	if (!isdigit((unsigned char)*digits) && *digits != '.')
		return false;
	errno = 0;
	*v = strtod(s, &e);
	*end = e;
	/* ERANGE: beyond a double's range, or too close to 0 to hold */
	return !errno && e != s && (size_t)(e - s) <= strspn(s, DIGITS ".eE+-") && isfinite(*v);
}

int units_parse(const struct units_spec *u, const char *s, double *out, char *why, size_t len)
{
	const struct suffix *x = kinds[u->kind].suffixes;
	const char *end;
	char range[64];
	double v;

	if (number_at(s, u->kind, &v, &end)) {
		while (x->text && strcmp(end, x->text))
			x++;
		if (x->text) {
			v = v * x->mul / x->div;
			if ((!kinds[u->kind].whole || v == floor(v)) && v >= u->min &&
			    v <= u->max) {
				*out = v;
				return 0;
			}
		}
	}
	snprintf(why, len, "invalid %s '%s': %s from %s%s", u->name, s, kinds[u->kind].wanted,
		 units_range(u, range, sizeof(range)), kinds[u->kind].note);
	return -EINVAL;
}

/* x is a whole number of thousandths: "1.5", not "1.66667" */
static bool short_decimal(double x)
{
	double k = x * 1000;

	return fabs(k - round(k)) <= 1e-9 * fabs(k);
}

char *units_format(enum units_kind kind, double v, char *buf, size_t len)
{
	if (kind == UNITS_DURATION && v > 0) {
		for (const struct suffix *x = times; *x->text; x++) {
			double r = v * x->div / x->mul;

			if (r >= 1 && short_decimal(r)) {
				snprintf(buf, len, "%.15g%s", r, x->text);
				return buf;
			}
		}
	}
	snprintf(buf, len, "%.15g%s", v, kind == UNITS_DURATION ? "s" : "");
	return buf;
}

char *units_range(const struct units_spec *u, char *buf, size_t len)
{
	char min[32], max[32];

	snprintf(buf, len, "%s to %s", units_format(u->kind, u->min, min, sizeof(min)),
		 units_format(u->kind, u->max, max, sizeof(max)));
	return buf;
}

int units_parse_cpus(const char *name, const char *list, int *cpus, unsigned max, char *why,
		     size_t len)
{
	const char *s = list;
	unsigned n = 0;

	while (*s) {
		char *end;
		long a, b;

		if (!isdigit((unsigned char)*s))
			goto invalid;
		a = b = strtol(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				goto invalid;
			b = strtol(s, &end, 10);
			if (b < a)
				goto invalid;
		}
		for (long c = a; c <= b; c++) {
			if (n >= max || c >= CPU_SETSIZE)
				goto invalid;
			cpus[n++] = c;
		}
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			goto invalid;
		s = end;
	}
	if (n)
		return n;
invalid:
	snprintf(why, len,
		 "invalid %s '%s': a CPU list such as 1 or 0-1,3 (CPUs 0 to %d, %u at most)", name,
		 list, CPU_SETSIZE - 1, max);
	return -EINVAL;
}
