// SPDX-License-Identifier: MIT
/*
 * harness report DIR: a finished run shown again from its results.json
 * alone: every experiment's trace summary, the comparison and the
 * explanation on the terminal, as the run printed them; or with --html the
 * charts in DIR/report.html (or --out FILE).
 */
#include "harness/cli/commands.h"
#include "harness/record/record.h"
#include "harness/report/report_html.h"
#include "harness/report/results.h"

#include <argp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char doc[] =
    "Show a finished run again, from its results.json alone: the trace summary\n"
    "of every experiment, the comparison and the explanation, as the run\n"
    "printed them; or with --html the charts as a web page.\n"
    "\n"
    "USAGE: harness report DIR [OPTION...]\n"
    "\n"
    "EXAMPLES:\n"
    "    harness report results/20260101-120000          # the summaries again\n"
    "    harness report results/20260101-120000 --html   # its report.html again\n"
    "    harness report /tmp/x --html -o /tmp/x.html     # the page somewhere else\n"
    "\n"
    "DIR is a directory 'harness run' wrote (it holds results.json). The page is\n"
    "one self-contained file: no script, nothing fetched when it opens.\n";

static const struct argp_option options[] = {
    {"html", 'H', NULL, 0, "Write report.html into DIR instead of printing the summaries", 0},
    {"out", 'o', "FILE", 0, "With --html: write the page to FILE instead", 0},
    {},
};

struct report_env {
	const char *dir;
	const char *out;
	bool html;
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct report_env *env = state->input;

	switch (key) {
	case 'H':
		env->html = true;
		break;
	case 'o':
		env->out = arg;
		break;
	case ARGP_KEY_ARG:
		if (env->dir)
			argp_error(state, "unexpected argument '%s'", arg);
		env->dir = arg;
		break;
	case ARGP_KEY_END:
		if (!env->dir)
			argp_error(state, "which results? give the directory of a run");
		if (env->out && !env->html)
			argp_error(state, "--out goes with --html");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Every experiment's trace summary, as the run printed it. */
static void print_trace_summaries(FILE *f, const json_t *experiments)
{
	const json_t *e;
	size_t i;

	json_array_foreach(experiments, i, e) {
		int err;
		char *text = metrics_summary_from_json(e, &err);

		if (text) {
			fputs(text, f);
			free(text);
			continue;
		}
		fprintf(f, "==== %s · %s ====\n(no trace summary: %s)\n\n",
			json_string_value(json_object_get(e, "model")) ?: "?",
			json_string_value(json_object_get(e, "scenario")) ?: "?",
			err == -ENODATA ? "recorded without the latency histograms, by an older "
					  "harness; its MODEL.txt has it"
					: strerror(-err));
	}
}

int cmd_report(int argc, char **argv)
{
	const struct argp argp = {options, parse, NULL, doc, NULL, NULL, NULL};
	struct report_env env = {};
	char path[4096], page[4096];
	json_error_t jerr;
	json_t *results;
	int err;

	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, &env))
		return 2;
	if (snprintf(path, sizeof(path), "%s/results.json", env.dir) >= (int)sizeof(path)) {
		fprintf(stderr, "%s: directory name too long\n", argv[0]);
		return 2;
	}
	results = json_load_file(path, 0, &jerr);
	if (!results) {
		fprintf(stderr, "%s: failed to read %s: %s\n", argv[0], path, jerr.text);
		return 1;
	}
	if (!json_is_array(json_object_get(results, "experiments"))) {
		fprintf(stderr, "%s: %s holds no experiments: not the results of 'harness run'\n",
			argv[0], path);
		json_decref(results);
		return 1;
	}
	if (!env.html) {
		print_trace_summaries(stdout, json_object_get(results, "experiments"));
		print_run_summary(stdout, json_object_get(results, "experiments"));
		json_decref(results);
		return 0;
	}
	snprintf(page, sizeof(page), "%s", env.out ? env.out : "");
	if (!env.out &&
	    snprintf(page, sizeof(page), "%s/report.html", env.dir) >= (int)sizeof(page))
		err = -ENAMETOOLONG;
	else
		err = report_html_write(page, results);
	json_decref(results);
	if (err) {
		fprintf(stderr, "%s: failed to write %s: %s\n", argv[0], page, strerror(-err));
		return 1;
	}
	printf("report: %s\n", page);
	return 0;
}
