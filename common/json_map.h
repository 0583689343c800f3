/* SPDX-License-Identifier: MIT */
/*
 * A struct and its JSON object, both ways, by one table: every member once,
 * with its key, its kind and its unit, so that what a writer emits a
 * reader takes back, by construction. Reading checks each value's type and
 * range: a number that does not fit its member is refused, not truncated.
 *
 *   static const struct jm_field cost_fields[] = {
 *           JM_U64(struct prog_cost, "events", events),
 *           JM_U64(struct prog_cost, "run_ns", run_ns),
 *   };
 *   JM_TABLE(cost_table, cost_fields);
 *   json_t *j = jm_to_json(&c, &cost_table);
 *   err = jm_from_json(j, &c, &cost_table);
 */
#ifndef WHYSERVE_JSON_MAP_H
#define WHYSERVE_JSON_MAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum jm_kind {
	JM_INT,	   /* int */
	JM_UINT,   /* unsigned */
	JM_U64,	   /* a 64-bit unsigned: uint64_t, __u64 */
	JM_DOUBLE, /* double; NAN (not measured) is null */
	JM_BOOL,
	JM_STR,	  /* a char array, always terminated */
	JM_ENUM,  /* an enum (int-sized), as one of names (NULL-terminated) */
	JM_OBJ,	  /* a nested object: sub's members at base + off */
	JM_ARRAY, /* elements of sub, size bytes apart, at base + off; their
		      number an int at count_off, at most max */
	JM_CODEC, /* written and read by the functions of codec */
};

struct jm_table;

/* For what no table can say (a histogram, a map of counts): member is at
 * base + off. from may be NULL: a figure derived on writing, not read. */
struct jm_codec {
	json_t *(*to)(const void *member, const void *base);
	int (*from)(const json_t *j, void *member, void *base);
};

struct jm_field {
	const char *key;
	size_t off;
	enum jm_kind kind;
	size_t size;		      /* JM_STR: the array; JM_ARRAY: an element */
	double div;		      /* numbers: JSON = member / div; 0 is 1 */
	double lo, hi;		      /* JM_DOUBLE: read only within [lo, hi] (if hi > lo) */
	bool real;		      /* integers: written as a real (scaled) */
	const struct jm_table *sub;   /* JM_OBJ, JM_ARRAY */
	size_t count_off, max;	      /* JM_ARRAY */
	const struct jm_codec *codec; /* JM_CODEC */
	const char *const *names;     /* JM_ENUM: by value */
	/* written only when this says so (NULL: always); a reader takes what
	 * is there */
	bool (*present)(const void *base);
	/* 1 + the offset of a bool member that says the field was measured:
	 * written only when it is true, set on reading when the key is there */
	size_t have;
};

struct jm_table {
	const struct jm_field *fields;
	size_t n;
};

/* one line a kind, as a table reads */
/* clang-format off */
#define JM_TABLE(name, fields) \
	static const struct jm_table name = { fields, sizeof(fields) / sizeof((fields)[0]) }

#define JM_M(type, member) offsetof(type, member)
#define JM_FIELD(k, o, kd) .key = (k), .off = (o), .kind = (kd)
#define JM_INT(type, k, m) { JM_FIELD(k, JM_M(type, m), JM_INT) }
#define JM_UINT(type, k, m) { JM_FIELD(k, JM_M(type, m), JM_UINT) }
#define JM_U64(type, k, m) { JM_FIELD(k, JM_M(type, m), JM_U64) }
#define JM_DOUBLE(type, k, m) { JM_FIELD(k, JM_M(type, m), JM_DOUBLE) }
#define JM_DOUBLE_IN(type, k, m, l, h) { JM_FIELD(k, JM_M(type, m), JM_DOUBLE), .lo = (l), .hi = (h) }
#define JM_BOOL(type, k, m) { JM_FIELD(k, JM_M(type, m), JM_BOOL) }
#define JM_STR(type, k, m) { JM_FIELD(k, JM_M(type, m), JM_STR), .size = sizeof(((type *)0)->m) }
#define JM_ENUM(type, k, m, n) { JM_FIELD(k, JM_M(type, m), JM_ENUM), .names = (n) }
/* a nested object of the same struct's members (off 0), or of a member */
#define JM_GROUP(k, table) { JM_FIELD(k, 0, JM_OBJ), .sub = &(table) }
#define JM_OBJ(type, k, m, table) { JM_FIELD(k, JM_M(type, m), JM_OBJ), .sub = &(table) }
#define JM_ARRAY(type, k, m, count, table)                                              \
	{ JM_FIELD(k, JM_M(type, m), JM_ARRAY), .size = sizeof(((type *)0)->m[0]),       \
	  .sub = &(table), .count_off = JM_M(type, count),                                \
	  .max = sizeof(((type *)0)->m) / sizeof(((type *)0)->m[0]) }
#define JM_CODEC(type, k, m, c) { JM_FIELD(k, JM_M(type, m), JM_CODEC), .codec = &(c) }
/* a u64 of nanoseconds, as a real number of microseconds */
#define JM_NS_AS_US(type, k, m) { JM_FIELD(k, JM_M(type, m), JM_U64), .div = 1e3, .real = true }
/* the field only when the bool member says it was measured */
#define JM_HAVE(type, m) .have = 1 + JM_M(type, m)
/* clang-format on */

/* A new object of base's members; NULL when out of memory. */
json_t *jm_to_json(const void *base, const struct jm_table *t);
/* Adds them to obj. 0 or -ENOMEM. */
int jm_write(json_t *obj, const void *base, const struct jm_table *t);
/*
 * Reads into base the members whose keys obj holds (the others are left
 * as they are). 0, or -EINVAL when obj is not an object or a value is of
 * the wrong type, -ERANGE when a number does not fit its member, or what
 * a codec returned.
 */
int jm_read(const json_t *obj, void *base, const struct jm_table *t);
/* The same, with why saying where and what ("sys[3].calls: not a number"). */
int jm_read_why(const json_t *obj, void *base, const struct jm_table *t, char *why, size_t len);

/* o[key] as a string, or "" when it is not one. */
const char *jm_str(const json_t *o, const char *key);

#endif
