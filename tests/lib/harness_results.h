/* SPDX-License-Identifier: MIT */
/* What `harness run` recorded, for the tests that run real servers under
 * load through it: its results.json, and a model's trace summary. */
#ifndef WHYSERVE_TESTS_HARNESS_RESULTS_H
#define WHYSERVE_TESTS_HARNESS_RESULTS_H

#include <jansson.h>

/*
 * Runs build/harness run ARGS... --quick --out DIR (DIR a fresh directory,
 * removed after; args NULL-terminated) and returns its results.json, or
 * NULL after a failed CHECK. With summary not NULL, *summary is DIR/MODEL.txt
 * (malloc'ed; NULL if missing). Needs root.
 */
json_t *harness_results(const char *const args[], const char *model, char **summary);

#define HARNESS_DIR_LEN 64
/*
 * The same run, whatever its exit status (*status; its output in out),
 * and its directory kept: dir names it ("" when none could be made) until
 * the caller's rm_rf(dir). Its results.json, or NULL.
 */
json_t *harness_results_in(const char *const args[], char dir[HARNESS_DIR_LEN], int *status,
			   char *out, size_t outlen);

/* Experiment i of results (its "experiments" array), or NULL. */
const json_t *harness_experiment(const json_t *results, size_t i);

#endif
