/* SPDX-License-Identifier: MIT */
/*
 * A probe's figures read back from results.json, the inverse of its
 * NAME_stats_to_json: integer fields by table, its cost, its "missing".
 *
 *   static const struct json_field f[] = {
 *           JSON_FIELD(struct sched_stats, "voluntary", voluntary), ...
 *   };
 *   err = JSON_FIELDS_READ(j, s, f);
 */
#ifndef WHYSERVE_STATS_JSON_H
#define WHYSERVE_STATS_JSON_H

#include <jansson.h>
#include <stddef.h>
#include "probes/prog_stats.h"

/* An integer member of a struct (4 or 8 bytes, signed or not) and its key. */
struct json_field {
	const char *key;
	size_t off, size;
};
#define JSON_FIELD(type, key, member) \
	{ key, offsetof(type, member), sizeof(((type *)0)->member) }

/* Reads the fields o has into base (the others are left alone).
 * 0, or -EINVAL when o is not an object or a field not an integer. */
int json_fields_read(const json_t *o, void *base, const struct json_field *f, size_t n);
#define JSON_FIELDS_READ(o, base, table) \
	json_fields_read(o, base, table, sizeof(table) / sizeof((table)[0]))
/* {"events": N, "run_ns": N}; 0 or -EINVAL */
int prog_cost_from_json(const json_t *j, struct prog_cost *c);
/* The inverse: a new reference */
json_t *prog_cost_to_json(const struct prog_cost *c);
/* o[key] into buf when a string, else "" */
void json_string_read(const json_t *o, const char *key, char *buf, size_t len);

#endif
