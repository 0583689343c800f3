// SPDX-License-Identifier: MIT
#include "tests/lib/harness_results.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 24

json_t *harness_results_in(const char *const args[], char dir[HARNESS_DIR_LEN], int *status,
			   char *out, size_t outlen)
{
	char bin[512], path[128];
	const char *argv[MAX_ARGS + 6];
	int n = 0;

	test_require_root();
	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	snprintf(dir, HARNESS_DIR_LEN, "/tmp/whyserve-harness-XXXXXX");
	if (!CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno))) {
		dir[0] = '\0';
		return NULL;
	}
	argv[n++] = bin;
	argv[n++] = "run";
	for (int i = 0; args[i] && i < MAX_ARGS; i++)
		argv[n++] = args[i];
	argv[n++] = "--quick";
	argv[n++] = "--out";
	argv[n++] = dir;
	argv[n] = NULL;
	*status = cmd_run(out, outlen, 120, argv);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	return json_load_file(path, 0, NULL);
}

json_t *harness_results(const char *const args[], const char *model, char **summary)
{
	char dir[HARNESS_DIR_LEN], out[8192], path[128];
	json_t *results;
	size_t len;
	int st = -1;

	results = harness_results_in(args, dir, &st, out, sizeof(out));
	if (!dir[0])
		return NULL;
	if (!CHECK(st == 0 && results, "harness run: exit %d:\n%.3000s", st, out)) {
		json_decref(results);
		results = NULL;
	}
	if (summary) {
		snprintf(path, sizeof(path), "%s/%s.txt", dir, model);
		*summary = (char *)file_read(path, &len);
	}
	rm_rf(dir);
	return results;
}

const json_t *harness_experiment(const json_t *results, size_t i)
{
	return json_array_get(json_object_get(results, "experiments"), i);
}
