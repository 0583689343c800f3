// SPDX-License-Identifier: MIT
#include "common/json_map.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A u64 member as what it is declared (uint64_t, __u64: not the same C
 * type on every architecture): copied, not read through another type. */
static uint64_t get_u64(const void *m)
{
	uint64_t v;

	memcpy(&v, m, sizeof(v));
	return v;
}

static void set_u64(void *m, uint64_t v)
{
	memcpy(m, &v, sizeof(v));
}

static double div_of(const struct jm_field *f)
{
	return f->div ? f->div : 1;
}

static bool present(const struct jm_field *f, const void *base)
{
	if (f->have && !*(const bool *)((const char *)base + f->have - 1))
		return false;
	return !f->present || f->present(base);
}

/* An integer member: exact, or a real when scaled or asked for one. */
static json_t *integer(const struct jm_field *f, json_int_t v, double as_double)
{
	if (f->real || f->div)
		return json_real(as_double / div_of(f));
	return json_integer(v);
}

static json_t *array_to_json(const struct jm_field *f, const char *m, const void *base)
{
	int count = *(const int *)((const char *)base + f->count_off);
	json_t *a = json_array();

	for (int i = 0; a && i < count && (size_t)i < f->max; i++)
		if (json_array_append_new(a, jm_to_json(m + i * f->size, f->sub))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *value_to_json(const struct jm_field *f, const void *base)
{
	const char *m = (const char *)base + f->off;

	switch (f->kind) {
	case JM_INT:
		return integer(f, *(const int *)m, *(const int *)m);
	case JM_UINT:
		return integer(f, *(const unsigned *)m, *(const unsigned *)m);
	case JM_U64:
		/* past 2^63 as a real rather than negative */
		if (!(f->real || f->div) && get_u64(m) > INT64_MAX)
			return json_real((double)get_u64(m));
		return integer(f, (json_int_t)get_u64(m), (double)get_u64(m));
	case JM_DOUBLE:
		return isnan(*(const double *)m) ? json_null()
						 : json_real(*(const double *)m / div_of(f));
	case JM_BOOL:
		return json_boolean(*(const bool *)m);
	case JM_STR:
		return json_string(m);
	case JM_ENUM:
		for (int i = 0; f->names[i]; i++)
			if (i == *(const int *)m)
				return json_string(f->names[i]);
		return json_null();
	case JM_OBJ:
		return jm_to_json(m, f->sub);
	case JM_ARRAY:
		return array_to_json(f, m, base);
	case JM_CODEC:
		return f->codec->to(m, base);
	}
	return NULL;
}

int jm_write(json_t *obj, const void *base, const struct jm_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct jm_field *f = &t->fields[i];
		json_t *v;

		if (!present(f, base))
			continue;
		v = value_to_json(f, base);
		if (!v || json_object_set_new(obj, f->key, v))
			return -ENOMEM;
	}
	return 0;
}

json_t *jm_to_json(const void *base, const struct jm_table *t)
{
	json_t *o = json_object();

	if (o && jm_write(o, base, t)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Where reading went wrong, and what: "figures.sys[3].calls: not a number". */
struct where {
	char path[256]; /* built from the inside out */
	char what[128];
};

static int wrong(struct where *w, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int wrong(struct where *w, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->what, sizeof(w->what), fmt, ap);
	va_end(ap);
	return err;
}

/* "key" (or "[3]") in front of the path so far */
static int inside(struct where *w, int err, const char *key, long index)
{
	char head[80], tail[sizeof(w->path)];

	memcpy(tail, w->path, sizeof(tail));
	if (index >= 0)
		snprintf(head, sizeof(head), "[%ld]", index);
	else
		snprintf(head, sizeof(head), "%.64s", key);
	/* a long path keeps its outer part: it names where to look */
	snprintf(w->path, sizeof(w->path), "%s%s%.160s", head, tail[0] && tail[0] != '[' ? "." : "",
		 tail);
	return err;
}

static int read_table(const json_t *obj, void *base, const struct jm_table *t, struct where *w);

/* A JSON number as the member's integer: whole and in [lo, hi] once unscaled. */
static int whole(const struct jm_field *f, const json_t *v, double lo, double hi, double *out,
		 struct where *w)
{
	double x;

	if (!json_is_number(v))
		return wrong(w, -EINVAL, "not a number");
	if (json_is_integer(v) && !f->div) {
		json_int_t i = json_integer_value(v);

		if (i < lo || i > hi)
			return wrong(w, -ERANGE, "%lld out of range (%.0f to %.0f)", (long long)i,
				     lo, hi);
		*out = i;
		return 0;
	}
	x = json_number_value(v) * div_of(f);
	if (!isfinite(x) || x < lo - 0.5 || x > hi + 0.5)
		return wrong(w, -ERANGE, "%g out of range (%.0f to %.0f)", json_number_value(v),
			     lo / div_of(f), hi / div_of(f));
	*out = x < lo ? lo : x > hi ? hi : round(x);
	return 0;
}

static int array_from_json(const struct jm_field *f, const json_t *a, char *m, void *base,
			   struct where *w)
{
	int *count = (int *)((char *)base + f->count_off);
	const json_t *v;
	size_t i;
	int err;

	if (!json_is_array(a))
		return wrong(w, -EINVAL, "not an array");
	if (json_array_size(a) > f->max)
		return wrong(w, -ERANGE, "%zu elements, at most %zu", json_array_size(a), f->max);
	*count = 0;
	json_array_foreach(a, i, v) {
		err = read_table(v, m + i * f->size, f->sub, w);
		if (err)
			return inside(w, err, "", i);
		(*count)++;
	}
	return 0;
}

static int real_from_json(const struct jm_field *f, const json_t *v, double *m, struct where *w)
{
	double x;

	if (json_is_null(v)) {
		*m = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return wrong(w, -EINVAL, "not a number");
	x = json_number_value(v) * div_of(f);
	if (!isfinite(x) || (f->hi > f->lo && (x < f->lo || x > f->hi)))
		return wrong(w, -ERANGE, "%g out of range (%g to %g)", json_number_value(v),
			     f->lo / div_of(f), f->hi / div_of(f));
	*m = x;
	return 0;
}

static int value_from_json(const struct jm_field *f, const json_t *v, void *base, struct where *w)
{
	char *m = (char *)base + f->off;
	double x;
	int err = 0;

	switch (f->kind) {
	case JM_INT:
		err = whole(f, v, INT_MIN, INT_MAX, &x, w);
		if (!err)
			*(int *)m = x;
		return err;
	case JM_UINT:
		err = whole(f, v, 0, UINT_MAX, &x, w);
		if (!err)
			*(unsigned *)m = x;
		return err;
	case JM_U64:
		if (json_is_integer(v) && !f->div) {
			if (json_integer_value(v) < 0)
				return wrong(w, -ERANGE, "%lld is negative",
					     (long long)json_integer_value(v));
			set_u64(m, json_integer_value(v));
			return 0;
		}
		/* a value past 2^63 was written as a real: 2^64 is the largest */
		err = whole(f, v, 0, 0x1p64, &x, w);
		if (!err)
			set_u64(m, x >= 0x1p64 ? UINT64_MAX : (uint64_t)x);
		return err;
	case JM_DOUBLE:
		return real_from_json(f, v, (double *)m, w);
	case JM_BOOL:
		if (!json_is_boolean(v))
			return wrong(w, -EINVAL, "not true or false");
		*(bool *)m = json_is_true(v);
		return 0;
	case JM_STR:
		if (!json_is_string(v))
			return wrong(w, -EINVAL, "not a string");
		snprintf(m, f->size, "%s", json_string_value(v));
		return 0;
	case JM_ENUM:
		for (int i = 0; f->names[i] && json_is_string(v); i++)
			if (!strcmp(f->names[i], json_string_value(v))) {
				*(int *)m = i;
				return 0;
			}
		return wrong(w, -EINVAL, "not one of its names");
	case JM_OBJ:
		return read_table(v, m, f->sub, w);
	case JM_ARRAY:
		return array_from_json(f, v, m, base, w);
	case JM_CODEC:
		err = f->codec->from ? f->codec->from(v, m, base) : 0;
		return err ? wrong(w, err, "%s", strerror(-err)) : 0;
	}
	return -EINVAL;
}

static int read_table(const json_t *obj, void *base, const struct jm_table *t, struct where *w)
{
	if (!json_is_object(obj))
		return wrong(w, -EINVAL, "not an object");
	for (size_t i = 0; i < t->n; i++) {
		const struct jm_field *f = &t->fields[i];
		const json_t *v = json_object_get(obj, f->key);
		int err;

		if (f->have)
			*(bool *)((char *)base + f->have - 1) = v != NULL;
		if (!v)
			continue;
		err = value_from_json(f, v, base, w);
		if (err)
			return inside(w, err, f->key, -1);
	}
	return 0;
}

int jm_read(const json_t *obj, void *base, const struct jm_table *t)
{
	struct where w = { "", "" };

	return read_table(obj, base, t, &w);
}

int jm_read_why(const json_t *obj, void *base, const struct jm_table *t, char *why, size_t len)
{
	struct where w = { "", "" };
	int err = read_table(obj, base, t, &w);

	if (err && why && len)
		snprintf(why, len, "%s%s%s", w.path, w.path[0] ? ": " : "", w.what);
	return err;
}

const char *jm_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}
