/* SPDX-License-Identifier: MIT */
/* What `harness run` recorded, for the tests that run real servers under
 * load through it: its results.json, and a model's trace summary. */
#ifndef WHYSERVE_TESTS_HARNESS_RESULTS_H
#define WHYSERVE_TESTS_HARNESS_RESULTS_H

#include <jansson.h>
#include <stdbool.h>

/*
 * Runs build/harness run ARGS... --quick --out DIR (DIR a fresh directory,
 * removed after; args NULL-terminated) and returns its results.json, or
 * NULL after a failed CHECK. With summary not NULL, *summary is DIR/MODEL.txt
 * (a malloc'ed string; NULL if missing). Needs root.
 */
json_t *harness_results(const char *const args[], const char *model, char **summary);

/* The same, DIR left for the caller to read (its path in dir, at least 64
 * characters) and remove (rm_rf); "" when none was made. */
json_t *harness_results_in(const char *const args[], char *dir);

/* The experiment of model was run, served requests with the syscalls and
 * sched probes attached, and has a verdict (CHECKed); *rps its rate. */
bool harness_served(json_t *exp, const char *model, double *rps);

/* Experiment i of results (its "experiments" array), or NULL. */
const json_t *harness_experiment(const json_t *results, size_t i);

#endif
