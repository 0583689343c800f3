// SPDX-License-Identifier: MIT
#include "common/flags.h"

#include <stdio.h>

double flag_value(struct argp_state *st, const struct units_spec *u, const char *arg)
{
	char why[UNITS_WHY_MAX];
	double v = 0;

	if (units_parse(u, arg, &v, why, sizeof(why)))
		argp_failure(st, 2, 0, "%s", why);
	return v;
}

int flag_cpus(struct argp_state *st, const char *name, const char *arg, int *cpus, unsigned max)
{
	char why[UNITS_WHY_MAX];
	int n = units_parse_cpus(name, arg, cpus, max, why, sizeof(why));

	if (n < 0)
		argp_failure(st, 2, 0, "%s", why);
	return n;
}

char *flag_help(const char *text, const struct units_spec *u, double dflt)
{
	char range[64], value[32], *s;
	int n;

	units_range(u, range, sizeof(range));
	if (dflt >= u->min)
		n = asprintf(&s, "%s (%s; default %s)", text, range,
			     units_format(u->kind, dflt, value, sizeof(value)));
	else
		n = asprintf(&s, "%s (%s)", text, range);
	return n < 0 ? (char *)text : s;
}
