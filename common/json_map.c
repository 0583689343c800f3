// SPDX-License-Identifier: MIT
#include "common/json_map.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
		if (!(f->real || f->div) && *(const uint64_t *)m > INT64_MAX)
			return json_real((double)*(const uint64_t *)m);
		return integer(f, (json_int_t)*(const uint64_t *)m, (double)*(const uint64_t *)m);
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

/* A JSON number as the member's integer: whole and in [lo, hi] once unscaled. */
static int whole(const struct jm_field *f, const json_t *v, double lo, double hi, double *out)
{
	double x;

	if (!json_is_number(v))
		return -EINVAL;
	if (json_is_integer(v) && !f->div) {
		json_int_t i = json_integer_value(v);

		if (i < lo || i > hi)
			return -ERANGE;
		*out = i;
		return 0;
	}
	x = json_number_value(v) * div_of(f);
	if (!isfinite(x) || x < lo - 0.5 || x > hi + 0.5)
		return -ERANGE;
	*out = x < lo ? lo : x > hi ? hi : round(x);
	return 0;
}

static int array_from_json(const struct jm_field *f, const json_t *a, char *m, void *base)
{
	int *count = (int *)((char *)base + f->count_off);
	const json_t *v;
	size_t i;
	int err;

	if (!json_is_array(a))
		return -EINVAL;
	if (json_array_size(a) > f->max)
		return -ERANGE;
	*count = 0;
	json_array_foreach(a, i, v) {
		err = jm_read(v, m + i * f->size, f->sub);
		if (err)
			return err;
		(*count)++;
	}
	return 0;
}

static int value_from_json(const struct jm_field *f, const json_t *v, void *base)
{
	char *m = (char *)base + f->off;
	double x;
	int err = 0;

	switch (f->kind) {
	case JM_INT:
		err = whole(f, v, INT_MIN, INT_MAX, &x);
		if (!err)
			*(int *)m = x;
		return err;
	case JM_UINT:
		err = whole(f, v, 0, UINT_MAX, &x);
		if (!err)
			*(unsigned *)m = x;
		return err;
	case JM_U64:
		if (json_is_integer(v) && !f->div) {
			if (json_integer_value(v) < 0)
				return -ERANGE;
			*(uint64_t *)m = json_integer_value(v);
			return 0;
		}
		/* a value past 2^63 was written as a real: 2^64 is the largest */
		err = whole(f, v, 0, 0x1p64, &x);
		if (!err)
			*(uint64_t *)m = x >= 0x1p64 ? UINT64_MAX : (uint64_t)x;
		return err;
	case JM_DOUBLE:
		if (json_is_null(v)) {
			*(double *)m = NAN;
			return 0;
		}
		if (!json_is_number(v))
			return -EINVAL;
		x = json_number_value(v) * div_of(f);
		if (!isfinite(x))
			return -ERANGE;
		*(double *)m = x;
		return 0;
	case JM_BOOL:
		if (!json_is_boolean(v))
			return -EINVAL;
		*(bool *)m = json_is_true(v);
		return 0;
	case JM_STR:
		if (!json_is_string(v))
			return -EINVAL;
		snprintf(m, f->size, "%s", json_string_value(v));
		return 0;
	case JM_ENUM:
		for (int i = 0; f->names[i] && json_is_string(v); i++)
			if (!strcmp(f->names[i], json_string_value(v))) {
				*(int *)m = i;
				return 0;
			}
		return -EINVAL;
	case JM_OBJ:
		return jm_read(v, m, f->sub);
	case JM_ARRAY:
		return array_from_json(f, v, m, base);
	case JM_CODEC:
		return f->codec->from ? f->codec->from(v, m, base) : 0;
	}
	return -EINVAL;
}

int jm_read(const json_t *obj, void *base, const struct jm_table *t)
{
	if (!json_is_object(obj))
		return -EINVAL;
	for (size_t i = 0; i < t->n; i++) {
		const struct jm_field *f = &t->fields[i];
		const json_t *v = json_object_get(obj, f->key);
		int err;

		if (f->have)
			*(bool *)((char *)base + f->have - 1) = v != NULL;
		if (!v)
			continue;
		err = value_from_json(f, v, base);
		if (err)
			return err;
	}
	return 0;
}

const char *jm_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}
