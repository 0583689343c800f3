/* SPDX-License-Identifier: MIT */
/* How the rules and the verdict word what they find: a text, and the
 * figures it cites as evidence. Inside explain/ only. */
#ifndef WHYSERVE_HARNESS_SAY_H
#define WHYSERVE_HARNESS_SAY_H

#include <stdbool.h>

#include "harness/explain/explain.h"

/* measured: not NAN */
bool known(double v);
/* o says fmt, as rule, with a confidence ("high": measured; "medium": inferred) */
void say(struct finding *o, const char *rule, const char *confidence, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* and cites a figure as its evidence (at most EVIDENCE_MAX) */
void cite(struct finding *o, const char *name, double value);

#endif
