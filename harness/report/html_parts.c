// SPDX-License-Identifier: MIT
/* What the parts of report.html share: JSON look-ups, escaping, styles. */
#include "harness/report/html_parts.h"
#include "harness/record/catalog.h"
#include "harness/report/svg.h"
#include "common/units.h"

#include <stdarg.h>
#include <string.h>

static const json_t *jvget(const json_t *o, va_list ap)
{
	const char *key;

	while (o && (key = va_arg(ap, const char *)))
		o = json_object_get(o, key);
	return o;
}

const json_t *jget(const json_t *o, ...)
{
	va_list ap;

	va_start(ap, o);
	o = jvget(o, ap);
	va_end(ap);
	return o;
}

double jnum(const json_t *o, ...)
{
	va_list ap;

	va_start(ap, o);
	o = jvget(o, ap);
	va_end(ap);
	return json_is_number(o) ? json_number_value(o) : NAN;
}

const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

int report_style(const struct report *r, const char *model)
{
	const struct model *m = model_find(model);

	if (m)
		return m - models;
	/* a server of the user's: by its place on the page, within the styles
	 * (beside all five built-in models it shares one) */
	for (int i = 0; i < r->nmodels; i++)
		if (!strcmp(model, r->model[i]))
			return i % SVG_NSTYLES;
	return 0;
}

void report_esc(FILE *f, const char *s)
{
	svg_esc(f, s);
}

void report_id(FILE *f, const char *prefix, const char *a, const char *b)
{
	fputs(prefix, f);
	for (const char *s = a; s && *s; s++)
		fputc(strchr("-_", *s) || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
				      (*s >= 'A' && *s <= 'Z')
			      ? *s
			      : '_',
		      f);
	if (!b)
		return;
	fputc('-', f);
	report_id(f, "", b, NULL);
}

char *report_fmt_ratio(char *buf, size_t len, double v)
{
	if (v > 0 && v < 0.01)
		snprintf(buf, len, "%.1g", v);
	else
		fmt_count(buf, len, v);
	return buf;
}

void report_num_attr(FILE *f, double v)
{
	if (isnan(v))
		fputs("null", f);
	else
		fprintf(f, "%.10g", v); /* as results.json writes it */
}
