// SPDX-License-Identifier: MIT
#include "probes/hist_json.h"

#include <errno.h>
#include <string.h>

static json_t *to_json(const struct log2_hist *h, const char *unit)
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

static json_t *nsecs_to_json(const void *h, const void *stats)
{
	(void)stats;
	return to_json(h, "nsecs");
}

static json_t *depth_to_json(const void *h, const void *stats)
{
	(void)stats;
	return to_json(h, "depth");
}

/* 0, -EINVAL when j is not such a histogram, -ERANGE for a count below 0 */
static int from_json(const json_t *j, void *hist, void *stats)
{
	const json_t *counts = json_object_get(j, "counts"), *v;
	struct log2_hist *h = hist;
	size_t i;

	(void)stats;
	memset(h, 0, sizeof(*h));
	if (!json_is_array(counts) || json_array_size(counts) > LOG2_SLOTS)
		return -EINVAL;
	json_array_foreach(counts, i, v) {
		if (!json_is_integer(v))
			return -EINVAL;
		if (json_integer_value(v) < 0)
			return -ERANGE;
		h->slots[i] = json_integer_value(v);
	}
	return 0;
}

const struct jm_codec log2_hist_nsecs_json = { nsecs_to_json, from_json };
const struct jm_codec log2_hist_depth_json = { depth_to_json, from_json };
