// SPDX-License-Identifier: MIT
#include "harness/run/load_report.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CSV_COLUMNS 32

static void report_init(struct load_tool_report *r, const char *source)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->source, sizeof(r->source), "%s", source);
	r->requests = r->failures = r->rps = NAN;
	r->mean_us = r->p50_us = r->p99_us = r->max_us = NAN;
}

/* Splits a CSV line in place: Locust quotes its names, never with commas
 * inside in the header or the Aggregated row. How many fields. */
static int csv_split(char *line, char *field[], int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < max;) {
		char *end = strchr(p, ',');

		if (end)
			*end = '\0';
		if (*p == '"') {
			p++;
			p[strcspn(p, "\"")] = '\0';
		}
		field[n++] = p;
		if (!end)
			break;
		p = end + 1;
	}
	return n;
}

static double column(char *const names[], char *const values[], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return values[i][0] && strcmp(values[i], "N/A") ? strtod(values[i], NULL)
									: NAN;
	return NAN;
}

int locust_csv_read(const char *path, struct load_tool_report *r)
{
	char head[2048], line[2048], *names[CSV_COLUMNS], *values[CSV_COLUMNS];
	FILE *f = fopen(path, "re");
	int n = 0, err = -EPROTO;

	report_init(r, "locust --csv");
	if (!f)
		return -errno;
	if (fgets(head, sizeof(head), f))
		n = csv_split(head, names, CSV_COLUMNS);
	while (err && fgets(line, sizeof(line), f)) {
		if (csv_split(line, values, CSV_COLUMNS) != n || strcmp(values[1], "Aggregated"))
			continue;
		/* its times are in milliseconds */
		r->requests = column(names, values, n, "Request Count");
		r->failures = column(names, values, n, "Failure Count");
		r->rps = column(names, values, n, "Requests/s");
		r->mean_us = column(names, values, n, "Average Response Time") * 1e3;
		r->p50_us = column(names, values, n, "50%") * 1e3;
		r->p99_us = column(names, values, n, "99%") * 1e3;
		r->max_us = column(names, values, n, "Max Response Time") * 1e3;
		err = isnan(r->requests) ? -EPROTO : 0;
	}
	fclose(f);
	return err;
}

/* "1.23ms", "456.78us", "2.00s", "1.50m": in us; NAN when not a time */
static double wrk_time_us(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return NAN;
	if (!strncmp(end, "us", 2))
		return v;
	if (!strncmp(end, "ms", 2))
		return v * 1e3;
	if (*end == 's')
		return v * 1e6;
	if (*end == 'm')
		return v * 60e6;
	if (*end == 'h')
		return v * 3600e6;
	return NAN;
}

int wrk_summary_read(const char *text, struct load_tool_report *r)
{
	const char *p;
	double v;

	report_init(r, "wrk --latency");
	/* "  Latency     1.23ms  456.00us  12.34ms   89.00%" (wrk2 too) */
	if ((p = strstr(text, "\n    Latency ")) || (p = strstr(text, "\n  Latency "))) {
		char mean[32], sd[32], max[32];

		if (sscanf(p, " Latency %31s %31s %31s", mean, sd, max) == 3) {
			r->mean_us = wrk_time_us(mean);
			r->max_us = wrk_time_us(max);
		}
	}
	/* "Latency Distribution": "     50%    1.00ms" (wrk2: " 50.000%    1.00ms") */
	for (p = text; (p = strstr(p, "%")); p++) {
		const char *q = p;
		char t[32];

		while (q > text && (q[-1] == '.' || (q[-1] >= '0' && q[-1] <= '9')))
			q--;
		if (q == p || (q > text && q[-1] != ' ') || sscanf(p + 1, " %31s", t) != 1)
			continue;
		v = strtod(q, NULL);
		if (v == 50 && isnan(r->p50_us))
			r->p50_us = wrk_time_us(t);
		else if (v == 99 && isnan(r->p99_us))
			r->p99_us = wrk_time_us(t);
	}
	/* "  123456 requests in 5.00s, 12.34MB read" */
	for (p = text; (p = strstr(p, " requests in ")); p++) {
		const char *q = p;

		while (q > text && q[-1] >= '0' && q[-1] <= '9')
			q--;
		if (q < p)
			r->requests = strtod(q, NULL);
	}
	if ((p = strstr(text, "Requests/sec:")))
		r->rps = strtod(p + strlen("Requests/sec:"), NULL);
	/* "  Non-2xx or 3xx responses: 12", "  Socket errors: connect 0, read 1, ..." */
	r->failures = 0;
	if ((p = strstr(text, "Non-2xx or 3xx responses:")))
		r->failures += strtod(p + strlen("Non-2xx or 3xx responses:"), NULL);
	if ((p = strstr(text, "Socket errors:"))) {
		double c = 0, rd = 0, w = 0, t = 0;

		sscanf(p, "Socket errors: connect %lf, read %lf, write %lf, timeout %lf", &c, &rd,
		       &w, &t);
		r->failures += c + rd + w + t;
	}
	return isnan(r->requests) || isnan(r->rps) ? -EPROTO : 0;
}

#define ROW_TOKENS 40

/* A line's whitespace-separated words, '|' left out, in place. */
static int words(char *line, char *w[], int max)
{
	int n = 0;

	for (char *t = strtok(line, " \t\r"); t && n < max; t = strtok(NULL, " \t\r"))
		if (strcmp(t, "|"))
			w[n++] = t;
	return n;
}

/* The line that starts at p, copied into buf. */
static void line_at(const char *p, char *buf, size_t len)
{
	size_t n = strcspn(p, "\n");

	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

/* The first line at or after p whose first word is "Aggregated", or NULL. */
static const char *aggregated_after(const char *p)
{
	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *q = p + strspn(p, " ");

		if (!strncmp(q, "Aggregated ", 11))
			return q;
	}
	return NULL;
}

int locust_summary_read(const char *text, struct load_tool_report *r)
{
	const char *last = NULL, *p, *row;
	char head[1024], line[1024], *h[ROW_TOKENS], *v[ROW_TOKENS];
	int nh, nv;

	report_init(r, "locust's final summary");
	for (p = text; (p = strstr(p, "Response time percentiles")); p++)
		last = p;
	if (!last)
		return -EPROTO;
	/* the stats table printed just before: the last Aggregated row before it */
	for (p = text; (row = aggregated_after(p)) && row < last; p = row + 1) {
		line_at(row, line, sizeof(line));
		nv = words(line, v, ROW_TOKENS);
		/* Aggregated, # reqs, # fails(%), Avg, Min, Max, Med, req/s, failures/s */
		if (nv < 8)
			continue;
		r->requests = strtod(v[1], NULL);
		r->failures = strtod(v[2], NULL);
		r->mean_us = strtod(v[3], NULL) * 1e3;
		r->max_us = strtod(v[5], NULL) * 1e3;
		r->rps = strtod(v[7], NULL);
	}
	/* its percentiles: columns counted from the end, "# reqs" the last */
	p = strchr(last, '\n');
	row = aggregated_after(p);
	if (!p || !row)
		return -EPROTO;
	line_at(p + 1, head, sizeof(head));
	line_at(row, line, sizeof(line));
	nh = words(head, h, ROW_TOKENS);
	nv = words(line, v, ROW_TOKENS);
	for (int i = 1; i < nh && i < nv; i++) {
		/* header's i-th from the end, "#" and "reqs" being one column */
		const char *name = h[nh - 1 - i];

		if (!strcmp(name, "50%"))
			r->p50_us = strtod(v[nv - 1 - (i - 1)], NULL) * 1e3;
		else if (!strcmp(name, "99%"))
			r->p99_us = strtod(v[nv - 1 - (i - 1)], NULL) * 1e3;
	}
	return isnan(r->requests) ? -EPROTO : 0;
}

static double json_at(const json_t *o, const char *group, const char *key)
{
	const json_t *v = json_object_get(json_object_get(o, group), key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

int artillery_json_read(const char *path, struct load_tool_report *r)
{
	json_error_t error;
	json_t *j = json_load_file(path, 0, &error), *a, *t;
	double first, last, failed;
	const char *key;
	json_t *v;

	report_init(r, "artillery --output");
	if (!j)
		return access(path, R_OK) ? -errno : -EPROTO;
	a = json_object_get(j, "aggregate");
	r->requests = json_at(a, "counters", "http.responses");
	/* users that failed, and errors by kind ("errors.ECONNREFUSED") */
	failed = json_at(a, "counters", "vusers.failed");
	r->failures = isnan(failed) ? 0 : failed;
	json_object_foreach(json_object_get(a, "counters"), key, v)
		if (!strncmp(key, "errors.", 7) && json_is_number(v))
			r->failures += json_number_value(v);
	/* over its own time: its first counter to its last, in ms */
	first = json_number_value(json_object_get(a, "firstCounterAt"));
	last = json_number_value(json_object_get(a, "lastCounterAt"));
	r->rps = last > first ? r->requests / ((last - first) / 1e3)
			      : json_at(a, "rates", "http.request_rate");
	/* its times are in milliseconds */
	t = json_object_get(json_object_get(a, "summaries"), "http.response_time");
	r->mean_us = json_number_value(json_object_get(t, "mean")) * 1e3;
	r->p50_us = json_number_value(json_object_get(t, "median")) * 1e3;
	r->p99_us = json_number_value(json_object_get(t, "p99")) * 1e3;
	r->max_us = json_number_value(json_object_get(t, "max")) * 1e3;
	if (!t)
		r->mean_us = r->p50_us = r->p99_us = r->max_us = NAN;
	json_decref(j);
	return isnan(r->requests) ? -EPROTO : 0;
}
