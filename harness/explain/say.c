// SPDX-License-Identifier: MIT
#include "harness/explain/say.h"

#include <stdarg.h>
#include <stdio.h>

bool known(double v)
{
	return !isnan(v);
}

void say(struct finding *o, const char *rule, const char *confidence, const char *fmt, ...)
{
	va_list ap;

	snprintf(o->rule, sizeof(o->rule), "%s", rule);
	snprintf(o->confidence, sizeof(o->confidence), "%s", confidence);
	va_start(ap, fmt);
	vsnprintf(o->text, sizeof(o->text), fmt, ap);
	va_end(ap);
}

void cite(struct finding *o, const char *name, double value)
{
	if (o->nevidence < EVIDENCE_MAX) {
		struct evidence *e = &o->ev[o->nevidence++];

		snprintf(e->name, sizeof(e->name), "%s", name);
		e->value = value;
	}
}
