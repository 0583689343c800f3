// SPDX-License-Identifier: MIT
/*
 * Fuzz target: results.json read back (run_record_from_json) and, when it
 * reads, rendered as harness report renders it: every trace summary, the
 * run's summary and report.html, into /dev/null. Whatever the JSON says,
 * nothing may crash, overflow, leak or be undefined. No BPF, no root: only
 * the probes' JSON readers and printers run.
 */
#include "harness/report/html.h"
#include "harness/report/record_json.h"
#include "harness/report/text.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct run_record r;
	char why[512];
	json_t *j;

	if (!sink) {
		sink = fopen("/dev/null", "w");
		if (!sink)
			abort();
	}
	j = json_loadb((const char *)data, size, 0, NULL);
	if (!j)
		return 0;
	if (!run_record_from_json(j, &r, why, sizeof(why))) {
		print_trace_summaries(sink, &r);
		print_run_summary(sink, &r);
		report_html(sink, &r, j);
	}
	run_record_free(&r);
	json_decref(j);
	return 0;
}
