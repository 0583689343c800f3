// SPDX-License-Identifier: MIT
#include "probes/hist_json.h"

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
