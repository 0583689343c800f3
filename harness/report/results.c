// SPDX-License-Identifier: MIT
#include "harness/report/results.h"
#include "harness/report/html.h"
#include "harness/report/record_json.h"
#include "harness/report/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int results_dir_open(const struct run_opts *o, struct out_dir *d, char *why, size_t len)
{
	struct out_dir parent;
	int err;

	if (o->out_dir)
		return out_dir_open(o->out_dir, OUT_CREATE, d, why, len);
	err = out_dir_open("results", OUT_CREATE, &parent, why, len);
	if (!err)
		err = out_dir_new_stamped(&parent, d, why, len);
	out_dir_close(&parent, false);
	return err;
}

/* Each model's trace summaries, in the order they ran. */
static int write_model(const struct out_dir *d, const struct run_record *r, const struct model *m)
{
	char name[64], *text;
	FILE *f = NULL;

	for (int i = 0; i < r->nexps; i++) {
		if (r->exps[i]->model != m)
			continue;
		if (!f) {
			snprintf(name, sizeof(name), "%s.txt", m->name);
			f = out_file(d, name);
			if (!f)
				return -errno;
		}
		text = trace_summary(r->exps[i]);
		if (text)
			fputs(text, f);
		free(text);
	}
	return f && fclose(f) ? -errno : 0;
}

/* One file of the results, written by write. */
static int write_one(const struct out_dir *d, const char *name,
		     int (*write)(FILE *f, const struct run_record *r, const json_t *results),
		     const struct run_record *r, const json_t *results)
{
	FILE *f = out_file(d, name);
	int err;

	if (!f)
		return -errno;
	err = write(f, r, results);
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static int write_json(FILE *f, const struct run_record *r, const json_t *results)
{
	(void)r;
	return json_dumpf(results, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) ? -EIO : 0;
}

static int write_summary(FILE *f, const struct run_record *r, const json_t *results)
{
	(void)results;
	print_run_summary(f, r);
	return ferror(f) ? -EIO : 0;
}

/* What each load tool of the user's printed: MODEL.load.log. */
static int write_tool_logs(const struct out_dir *d, const struct run_record *r)
{
	for (int i = 0; i < r->nexps; i++) {
		const struct experiment_record *e = r->exps[i];
		char name[64];
		FILE *f;

		if (!e->tool.ran || !e->tool.log)
			continue;
		snprintf(name, sizeof(name), "%s.load.log", e->model->name);
		f = out_file(d, name);
		if (!f)
			return -errno;
		fwrite(e->tool.log, 1, e->tool.log_len, f);
		if (fclose(f))
			return -errno;
	}
	return 0;
}

int results_write(const struct out_dir *d, const struct run_record *r)
{
	json_t *results = run_record_to_json(r);
	int err;

	if (!results)
		return -ENOMEM;
	err = write_one(d, "results.json", write_json, r, results);
	for (int m = 0; m < nmodels && !err; m++)
		err = write_model(d, r, &models[m]);
	for (int m = 0; m < r->options.ncustom && !err; m++)
		err = write_model(d, r, &r->options.custom[m]);
	if (!err)
		err = write_tool_logs(d, r);
	if (!err)
		err = write_one(d, "summary.txt", write_summary, r, results);
	if (!err)
		err = write_one(d, "report.html", report_html, r, results);
	json_decref(results);
	return err;
}
