/* SPDX-License-Identifier: MIT */
/*
 * One real experiment for a probe test: build/harness run MODEL -s
 * SCENARIO --quick, as root, into a directory of its own that is removed
 * afterwards, and what it recorded.
 *
 *   char *summary;
 *   json_t *e = experiment_run("fork", "connect", &summary);
 *   double requests = json_number(json_object_get(e, "figures"), "requests");
 */
#ifndef WHYSERVE_TESTS_EXPERIMENT_H
#define WHYSERVE_TESTS_EXPERIMENT_H

#include <jansson.h>

/* Its record in results.json (a new reference: "figures", "probes", ...)
 * and its trace summary, MODEL.txt (malloc'ed, or NULL); NULL after a
 * failed CHECK when the run failed. */
json_t *experiment_run(const char *model, const char *scenario, char **summary);
/* o[key] as a number, NAN when it is not one. */
double json_number(const json_t *o, const char *key);

#endif
