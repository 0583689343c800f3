// SPDX-License-Identifier: MIT
/* The errors table: each client error beside its kernel cause, counted. */
#include "harness/report/text.h"

#include <math.h>

static const char *client_words(const char *client)
{
	return !client[0] ? "(none)" : client;
}

void print_errors(FILE *f, const struct error_row *rows, int n)
{
	if (!n) {
		fprintf(f, "errors: none, on either side\n");
		return;
	}
	fprintf(f, "errors, and what the kernel did:\n");
	fprintf(f, "  %-16s %10s  %-12s %s\n", "CLIENT ERROR", "COUNT", "KERNEL COUNT",
		"KERNEL CAUSE");
	for (int i = 0; i < n; i++) {
		char count[24] = "-", events[24] = "-";

		if (!isnan(rows[i].count))
			snprintf(count, sizeof(count), "%.0f", rows[i].count);
		if (!isnan(rows[i].events))
			snprintf(events, sizeof(events), "%.0f", rows[i].events);
		fprintf(f, "  %-16s %10s  %-12s %s\n", client_words(rows[i].client), count, events,
			rows[i].cause);
	}
}
