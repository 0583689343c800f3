// SPDX-License-Identifier: MIT
#include "probes/stats_json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int json_fields_read(const json_t *o, void *base, const struct json_field *f, size_t n)
{
	if (!json_is_object(o))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(o, f[i].key);
		char *p = (char *)base + f[i].off;
		json_int_t x;

		if (!v)
			continue;
		if (!json_is_integer(v))
			return -EINVAL;
		x = json_integer_value(v);
		if (f[i].size == sizeof(uint32_t))
			*(uint32_t *)p = (uint32_t)x;
		else
			*(uint64_t *)p = (uint64_t)x; /* two's complement: signed too */
	}
	return 0;
}

int prog_cost_from_json(const json_t *j, struct prog_cost *c)
{
	static const struct json_field f[] = {
		JSON_FIELD(struct prog_cost, "events", events),
		JSON_FIELD(struct prog_cost, "run_ns", run_ns),
	};

	memset(c, 0, sizeof(*c));
	return j ? json_fields_read(j, c, f, sizeof(f) / sizeof(f[0])) : 0;
}

json_t *prog_cost_to_json(const struct prog_cost *c)
{
	return json_pack("{s:I, s:I}", "events", (json_int_t)c->events,
			 "run_ns", (json_int_t)c->run_ns);
}

void json_string_read(const json_t *o, const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "%s", json_string_value(json_object_get(o, key)) ?: "");
}
