// SPDX-License-Identifier: MIT
#include "probes/hist_json.h"

#include <errno.h>
#include <string.h>

json_t *log2_hist_to_json(const struct log2_hist *h, const char *unit)
{
	json_t *counts = json_array();
	int last = -1;

	for (int i = 0; i < LOG2_SLOTS; i++)
		if (h->slots[i])
			last = i;
	for (int i = 0; i <= last; i++)
		json_array_append_new(counts, json_integer(h->slots[i]));
	return json_pack("{s:s, s:o}", "unit", unit, "counts", counts);
}

int log2_hist_from_json(const json_t *j, struct log2_hist *h)
{
	const json_t *counts = json_object_get(j, "counts"), *v;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (!json_is_array(counts) || json_array_size(counts) > LOG2_SLOTS)
		return -EINVAL;
	json_array_foreach(counts, i, v) {
		if (!json_is_integer(v))
			return -EINVAL;
		h->slots[i] = json_integer_value(v);
	}
	return 0;
}
