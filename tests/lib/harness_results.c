// SPDX-License-Identifier: MIT
#include "tests/lib/harness_results.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/file.h"
#include "tests/lib/results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 24

json_t *harness_results_in(const char *const args[], char *dir)
{
	char bin[512], out[8192], path[128];
	const char *argv[MAX_ARGS + 6];
	json_t *results;
	int st, n = 0;

	test_require_root();
	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	snprintf(dir, 64, "/tmp/whyserve-harness-XXXXXX");
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
	st = cmd_run(out, sizeof(out), 120, argv);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	results = json_load_file(path, 0, NULL);
	if (!CHECK(st == 0 && results, "harness run: exit %d:\n%.3000s", st, out)) {
		json_decref(results);
		results = NULL;
	}
	return results;
}

json_t *harness_results(const char *const args[], const char *model, char **summary)
{
	char dir[64], path[128];
	json_t *results = harness_results_in(args, dir);
	size_t len;

	if (summary)
		*summary = NULL;
	if (summary && dir[0]) {
		uint8_t *text;

		snprintf(path, sizeof(path), "%s/%s.txt", dir, model);
		/* a string: file_read's buffer ends with the file's last byte */
		text = file_read(path, &len);
		*summary = text ? strndup((char *)text, len) : NULL;
		free(text);
	}
	if (dir[0])
		rm_rf(dir);
	return results;
}

const json_t *harness_experiment(const json_t *results, size_t i)
{
	return json_array_get(json_object_get(results, "experiments"), i);
}

bool harness_served(json_t *exp, const char *model, double *rps)
{
	json_t *probes = json_object_get(exp, "probes");

	*rps = json_num(json_object_get(exp, "load"), "rate");
	return CHECK(exp, "no %s experiment", model) &&
	       CHECK(json_num(json_object_get(exp, "load"), "requests") > 0,
		     "%s: no request served", model) &&
	       CHECK(json_is_true(
			     json_object_get(json_object_get(probes, "syscalls"), "available")) &&
			     json_is_true(json_object_get(json_object_get(probes, "sched"),
							  "available")),
		     "%s: the probes did not attach", model) &&
	       CHECK(results_limited_by(exp)[0], "%s: no verdict", model);
}
