/* SPDX-License-Identifier: MIT */
/* An experiment's figures in results.json, and back, by one table. NAN
 * (not measured) is stored as null. */
#ifndef WHYSERVE_HARNESS_FIGURES_JSON_H
#define WHYSERVE_HARNESS_FIGURES_JSON_H

#include <jansson.h>

#include "harness/explain/figures.h"

json_t *figures_to_json(const struct figures *f);
/* 0, or -EINVAL / -ERANGE when a field has the wrong type or range, with
 * why (if not NULL) naming it. */
int figures_from_json(const json_t *j, struct figures *f, char *why, size_t len);

#endif
