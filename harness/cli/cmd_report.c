// SPDX-License-Identifier: MIT
/*
 * harness report DIR: a finished run shown again from its results.json
 * alone: every experiment's trace summary, the comparison and the
 * explanation on the terminal, as the run printed them; or with --html the
 * charts in DIR/report.html (or --out FILE).
 */
#include "harness/cli/commands.h"
#include "harness/report/html.h"
#include "harness/report/out_dir.h"
#include "harness/report/record_json.h"
#include "harness/report/text.h"

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
	{ "html", 'H', NULL, 0, "Write report.html into DIR instead of printing the summaries", 0 },
	{ "out", 'o', "FILE", 0, "With --html: write the page to FILE instead", 0 },
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

/*
 * report.html into DIR, or into --out FILE: created afresh, never through a
 * link (harness report may run as root). page gets its path; 0, or -errno
 * with why saying what went wrong.
 */
static int write_page(const struct report_env *env, const struct run_record *r,
		      const json_t *results, char *page, char *why, size_t len)
{
	char dir[4096];
	const char *name;
	struct out_dir d;
	FILE *f;
	int err;

	if (env->out) {
		const char *slash = strrchr(env->out, '/');

		name = slash ? slash + 1 : env->out;
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - env->out) : 1,
			 slash ? env->out : ".");
		snprintf(page, len, "%s", env->out);
	} else {
		name = "report.html";
		snprintf(dir, sizeof(dir), "%s", env->dir);
		snprintf(page, len, "%s/%s", env->dir, name);
	}
	err = out_dir_open(dir[0] ? dir : "/", OUT_STICKY_OK, &d, why, len);
	if (err)
		return err;
	f = out_file(&d, name);
	if (!f) {
		err = -errno;
	} else {
		err = report_html(f, r, results);
		if (fclose(f) && !err)
			err = -errno;
	}
	out_dir_close(&d, false);
	if (err)
		snprintf(why, len, "failed to write %.3000s: %s", page, strerror(-err));
	return err;
}

int cmd_report(int argc, char **argv)
{
	const struct argp argp = { options, parse, NULL, doc, NULL, NULL, NULL };
	struct report_env env = {};
	struct run_record r;
	char path[4096], page[4096], why[4096];
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
	err = run_record_from_json(results, &r, why, sizeof(why));
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], path,
			err == -ENOMEM ? strerror(-err) : why);
		json_decref(results);
		run_record_free(&r);
		return 1;
	}
	if (!env.html) {
		print_trace_summaries(stdout, &r);
		print_run_summary(stdout, &r);
	} else {
		err = write_page(&env, &r, results, page, why, sizeof(page));
	}
	json_decref(results);
	run_record_free(&r);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[0], why);
		return 1;
	}
	if (env.html)
		printf("report: %s\n", page);
	return 0;
}
