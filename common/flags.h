/* SPDX-License-Identifier: MIT */
/*
 * An option's value read by common/units_parse, for argp parsers (the
 * harness's commands, bench/): a refusal is one line ("harness run:
 * invalid --backlog '70000': a whole number from 1 to 65535 ...") and exit
 * status 2, before anything starts.
 */
#ifndef WHYSERVE_FLAGS_H
#define WHYSERVE_FLAGS_H

#include <argp.h>

#include "common/units_parse.h"

/* arg as u says; does not return when it is refused. */
double flag_value(struct argp_state *st, const struct units_spec *u, const char *arg);

/*
 * For an argp help_filter: text, then u's range and the default, malloc'd:
 * "Client connections (1 to 60000; default 10)". A default below the
 * range (0 for "none") is not shown.
 */
char *flag_help(const char *text, const struct units_spec *u, double dflt);

/* The CPU list arg (option name) into cpus[]: their number; does not return when refused. */
int flag_cpus(struct argp_state *st, const char *name, const char *arg, int *cpus, unsigned max);

#endif
