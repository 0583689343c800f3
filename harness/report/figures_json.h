/* SPDX-License-Identifier: MIT */
/* Figures in results.json, and back: `harness report` explains again from
 * the stored figures alone. NAN (not measured) is stored as null. */
#ifndef WHYSERVE_HARNESS_FIGURES_JSON_H
#define WHYSERVE_HARNESS_FIGURES_JSON_H

#include <jansson.h>

#include "harness/explain/explain.h"
#include "harness/explain/figures.h"

json_t *figures_to_json(const struct figures *f);
/* 0, or -EINVAL when a field has the wrong type. */
int figures_from_json(const json_t *j, struct figures *f);

json_t *findings_to_json(const struct finding *fs, int n);

#endif
