/* SPDX-License-Identifier: MIT */
/*
 * The record as results.json, and back: every part by its own mapping (the
 * load's, each probe's, the figures', the findings', the ranking's), one
 * table each, used both ways.
 */
#ifndef WHYSERVE_HARNESS_RECORD_JSON_H
#define WHYSERVE_HARNESS_RECORD_JSON_H

#include <jansson.h>

#include "harness/record/record.h"

/* The whole of results.json; NULL when out of memory. */
json_t *run_record_to_json(const struct run_record *r);

/*
 * The inverse, into r (empty; freed with run_record_free either way): 0,
 * -EINVAL or -ERANGE when j is not the results of `harness run` (a part
 * missing, of the wrong type, out of range), -EPROTO when it was written
 * by a newer harness; why says which part, and what is wrong with it. A
 * results.json older than RECORD_FORMAT kept no findings or rankings in
 * a form to read: they are explained on reading, from its figures. An
 * experiment whose measurements cannot be read is kept with its figures,
 * and says why (unprintable).
 */
int run_record_from_json(const json_t *j, struct run_record *r, char *why, size_t len);

#endif
