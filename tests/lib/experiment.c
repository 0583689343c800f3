// SPDX-License-Identifier: MIT
#include "tests/lib/experiment.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *experiment_run(const char *model, const char *scenario, char **summary)
{
	char bin[512], dir[64] = "/tmp/whyserve-experiment-XXXXXX", out[8192], path[128];
	const char *argv[] = { bin, "run", model, "-s", scenario, "--quick", "--out", dir, NULL };
	json_t *results, *e = NULL;
	size_t len;
	int st;

	*summary = NULL;
	test_require_root();
	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	if (!CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno)))
		return NULL;
	st = cmd_run(out, sizeof(out), 120, argv);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	results = json_load_file(path, 0, NULL);
	if (CHECK(st == 0 && results, "harness run %s -s %s: exit %d:\n%.3000s", model, scenario,
		  st, out))
		e = json_incref(json_array_get(json_object_get(results, "experiments"), 0));
	snprintf(path, sizeof(path), "%s/%s.txt", dir, model);
	*summary = (char *)file_read(path, &len);
	json_decref(results);
	rm_rf(dir);
	return e;
}

double json_number(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}
