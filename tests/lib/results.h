/* SPDX-License-Identifier: MIT */
/* A harness run's results.json, as the tests read it. */
#ifndef WHYSERVE_TESTS_RESULTS_H
#define WHYSERVE_TESTS_RESULTS_H

#include <jansson.h>
#include <stdbool.h>

/* DIR/results.json, or NULL (why on stderr). */
json_t *results_load(const char *dir);
/* The experiment of model under scenario, or NULL. */
json_t *results_experiment(json_t *results, const char *model, const char *scenario);
/* An experiment's finding of rule, or NULL. */
json_t *results_finding(json_t *exp, const char *rule);
/* obj[key] as a number, NAN when it is none. */
double json_num(const json_t *obj, const char *key);
/* Its verdict's limited_by ("serial_serving"), or "" when it has none. */
const char *results_limited_by(json_t *exp);
/* The experiment's findings include rule, or its verdict is it. */
bool results_concluded(json_t *exp, const char *rule);
/* figures.traits.TRAIT is true: the rules reasoned over it so. */
bool results_fig_trait(json_t *exp, const char *trait);
/* traits_inferred.TRAIT.is: "yes", "no", "unknown", or "" when missing. */
const char *results_trait_is(json_t *exp, const char *trait);
/* traits_inferred.TRAIT: its text and evidence, or NULL. */
json_t *results_trait(json_t *exp, const char *trait);
/* The line of an account (experiment.account.cpu or .time) by name, or NULL. */
json_t *results_account_line(json_t *exp, const char *account, const char *name);

#endif
