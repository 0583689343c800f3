// SPDX-License-Identifier: MIT
#include "tests/lib/results.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

json_t *results_load(const char *dir)
{
	char path[512];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	j = json_load_file(path, 0, &err);
	if (!j)
		fprintf(stderr, "%s: %s (line %d)\n", path, err.text, err.line);
	return j;
}

static bool named(json_t *o, const char *key, const char *value)
{
	return !strcmp(json_string_value(json_object_get(o, key)) ?: "", value);
}

json_t *results_experiment(json_t *results, const char *model, const char *scenario)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(results, "experiments"), i, e)
		if (named(e, "model", model) && named(e, "scenario", scenario))
			return e;
	return NULL;
}

json_t *results_finding(json_t *exp, const char *rule)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(exp, "findings"), i, f)
		if (named(f, "rule", rule))
			return f;
	return NULL;
}

double json_num(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *results_limited_by(json_t *exp)
{
	return json_string_value(json_object_get(json_object_get(exp, "verdict"), "limited_by"))
		       ?: "";
}

bool results_concluded(json_t *exp, const char *rule)
{
	return results_finding(exp, rule) || !strcmp(results_limited_by(exp), rule);
}

bool results_fig_trait(json_t *exp, const char *trait)
{
	return json_is_true(
		json_object_get(json_object_get(json_object_get(exp, "figures"), "traits"), trait));
}

json_t *results_trait(json_t *exp, const char *trait)
{
	return json_object_get(json_object_get(exp, "traits_inferred"), trait);
}

const char *results_trait_is(json_t *exp, const char *trait)
{
	return json_string_value(json_object_get(results_trait(exp, trait), "is")) ?: "";
}

json_t *results_account_line(json_t *exp, const char *account, const char *name)
{
	json_t *l;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(json_object_get(exp, "account"),
							   account),
					   "lines"),
			   i, l)
		if (named(l, "name", name))
			return l;
	return NULL;
}
