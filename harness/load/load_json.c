// SPDX-License-Identifier: MIT
/* A load result as JSON: every figure, latencies in microseconds; and
 * back, for printing a finished run again. */
#include "harness/load/load.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static json_t *real_us(uint64_t ns)
{
	return json_real(ns / 1e3);
}

/*
 * The histogram itself, so that a run is printed again exactly as it was
 * (mean, stdev, every percentile): {"precision": 7, "sum_ns": S, "min_ns":
 * m, "max_ns": M, "low_ns": [...], "counts": [...]}, as columns: the
 * buckets that hold values, each by the smallest value it holds (a bucket
 * is 2^-precision of its value wide), and how many.
 */
static json_t *histogram_json(const struct histogram *h)
{
	json_t *low = json_array(), *counts = json_array();

	for (size_t i = 0; i < h->nbuckets; i++)
		if (h->counts[i]) {
			json_array_append_new(low, json_integer(histogram_bucket_low(h->precision, i)));
			json_array_append_new(counts, json_integer(h->counts[i]));
		}
	return json_pack("{s:i, s:I, s:I, s:I, s:o, s:o}", "precision", (int)h->precision,
			 "sum_ns", (json_int_t)h->sum, "min_ns", (json_int_t)(h->total ? h->min : 0),
			 "max_ns", (json_int_t)h->max, "low_ns", low, "counts", counts);
}

static json_t *latency_json(const struct histogram *h)
{
	static const struct {
		const char *key;
		double p;
	} pct[] = {
		{ "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p99.9", 99.9 }, { "p99.99", 99.99 },
	};
	json_t *j = json_object();

	json_object_set_new(j, "count", json_integer(h->total));
	json_object_set_new(j, "min", real_us(h->total ? h->min : 0));
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		json_object_set_new(j, pct[i].key, real_us(histogram_percentile(h, pct[i].p)));
	json_object_set_new(j, "max", real_us(h->max));
	json_object_set_new(j, "mean", json_real(histogram_mean(h) / 1e3));
	json_object_set_new(j, "stdev", json_real(histogram_stdev(h) / 1e3));
	json_object_set_new(j, "histogram", histogram_json(h));
	return j;
}

static json_t *errors_json(const struct load_result *r)
{
	json_t *j = json_object(), *status = json_object();
	char code[8];

	for (int k = 0; k < LOAD_ERR_KINDS; k++)
		json_object_set_new(j, load_error_name(k), json_integer(r->errors[k]));
	if (r->other_errno)
		json_object_set_new(j, "other_error", json_string(strerror(r->other_errno)));
	/* the non-2xx responses, by status */
	for (int s = 0; s < LOAD_STATUS_MAX; s++)
		if (r->status[s] && (s < 200 || s > 299)) {
			snprintf(code, sizeof(code), "%d", s);
			json_object_set_new(status, code, json_integer(r->status[s]));
		}
	json_object_set_new(j, "status", status);
	return j;
}

static json_t *series_json(const struct load_result *r)
{
	json_t *a = json_array();

	for (unsigned s = 0; s < r->nseconds; s++) {
		const struct load_second *d = &r->seconds[s];

		json_array_append_new(a, json_pack("{s:i, s:f, s:I, s:f, s:I, s:I, s:f}",
			"t", (int)s, "span_s", d->span_s,
			"requests", (json_int_t)d->requests,
			"rate", d->span_s > 0 ? d->requests / d->span_s : 0.0,
			"errors", (json_int_t)d->errors,
			"bytes", (json_int_t)d->bytes,
			"p99_us", d->p99_ns / 1e3));
	}
	return a;
}

json_t *load_result_to_json(const struct load_result *r)
{
	json_t *j = json_object(), *status = json_object();
	char code[8];

	if (!j || !status) {
		json_decref(j);
		json_decref(status);
		return NULL;
	}
	json_object_set_new(j, "scenario", json_string(load_scenario_name(r->scenario)));
	json_object_set_new(j, "url", json_string(r->url));
	json_object_set_new(j, "threads", json_integer(r->threads));
	json_object_set_new(j, "connections", json_integer(r->connections));
	json_object_set_new(j, "duration_s", json_real(r->duration_s));
	json_object_set_new(j, "requests", json_integer(r->requests));
	json_object_set_new(j, "sent", json_integer(r->sent));
	json_object_set_new(j, "bytes", json_integer(r->bytes));
	json_object_set_new(j, "connects", json_integer(r->connects));
	json_object_set_new(j, "rate", json_real(r->rate));
	json_object_set_new(j, "latency_us", latency_json(&r->latency));
	json_object_set_new(j, "connect_us", latency_json(&r->connect));
	json_object_set_new(j, "errors", errors_json(r));
	if (r->other_errno)
		json_object_set_new(j, "other_errno", json_integer(r->other_errno));
	json_object_set_new(j, "errors_total", json_integer(r->errors_total));
	json_object_set_new(j, "unanswered", json_integer(r->unanswered));
	json_object_set_new(j, "unanswered_wait_us", json_real(r->unanswered_wait_ns / 1e3));
	for (int s = 0; s < LOAD_STATUS_MAX; s++)
		if (r->status[s]) {
			snprintf(code, sizeof(code), "%d", s);
			json_object_set_new(status, code, json_integer(r->status[s]));
		}
	json_object_set_new(j, "status", status);
	json_object_set_new(j, "series", series_json(r));
	json_object_set_new(j, "client_cpu", json_pack("{s:f, s:f, s:f, s:f}",
		"user_s", r->cpu_user_s, "sys_s", r->cpu_sys_s,
		"per_request_us", r->requests ? (r->cpu_user_s + r->cpu_sys_s) * 1e6 / r->requests : 0.0,
		"busy", r->cpu_busy));
	if (r->scenario == LOAD_RATE || r->scenario == LOAD_USERS)
		json_object_set_new(j, "schedule", json_pack("{s:I, s:f, s:f, s:b, s:b}",
			"late_sends", (json_int_t)r->late_sends, "mean_lag_us", r->mean_lag_ns / 1e3,
			"max_lag_us", r->max_lag_ns / 1e3, "behind", r->behind,
			"client_behind", r->client_behind));
	if (r->scenario == LOAD_RATE)
		json_object_set_new(j, "open_loop", json_pack("{s:f, s:f}",
			"target_rate", r->rate_target, "achieved_rate", r->rate));
	if (r->scenario == LOAD_USERS)
		json_object_set_new(j, "users", json_pack("{s:i, s:i}",
			"users", (int)r->users, "started", (int)r->users_started));
	json_object_set_new(j, "connections_peak", json_integer(r->connections_peak));
	json_object_set_new(j, "stopped", json_boolean(r->stopped));
	return j;
}

/* ------------------------------------------------------------ and back */

static int histogram_from_json(const json_t *j, struct histogram *h)
{
	const json_t *hist = json_object_get(j, "histogram"), *v;
	const json_t *lows = json_object_get(hist, "low_ns"), *counts = json_object_get(hist, "counts");
	json_int_t precision = json_integer_value(json_object_get(hist, "precision"));
	size_t i;
	int err;

	if (!hist)
		return -ENODATA; /* recorded before the histograms were */
	if (!json_is_array(lows) || json_array_size(counts) != json_array_size(lows))
		return -EINVAL;
	err = histogram_init(h, precision < 1 || precision > 12 ? 0 : precision);
	if (err)
		return err;
	json_array_foreach(lows, i, v) {
		json_int_t low = json_integer_value(v);
		json_int_t n = json_integer_value(json_array_get(counts, i));

		if (low < 0 || (uint64_t)low > HISTOGRAM_MAX_NS || n <= 0)
			return -EINVAL;
		h->counts[histogram_index(h->precision, low)] += n;
		h->total += n;
	}
	h->sum = json_integer_value(json_object_get(hist, "sum_ns"));
	h->max = json_integer_value(json_object_get(hist, "max_ns"));
	if (h->total)
		h->min = json_integer_value(json_object_get(hist, "min_ns"));
	return 0;
}

enum kind { UINT, U64, DOUBLE, BOOL, US_AS_NS, US_AS_NS_DOUBLE };

/* The figures load_result_to_json writes as plain values: in obj (NULL:
 * the top level), key. */
#define F(obj, key, member, kind) { obj, key, offsetof(struct load_result, member), kind }
static const struct field {
	const char *obj, *key;
	size_t off;
	enum kind kind;
} fields[] = {
	F(NULL, "threads", threads, UINT),
	F(NULL, "connections", connections, UINT),
	F(NULL, "duration_s", duration_s, DOUBLE),
	F(NULL, "requests", requests, U64),
	F(NULL, "sent", sent, U64),
	F(NULL, "bytes", bytes, U64),
	F(NULL, "connects", connects, U64),
	F(NULL, "rate", rate, DOUBLE),
	F(NULL, "errors_total", errors_total, U64),
	F(NULL, "other_errno", other_errno, UINT),
	F(NULL, "unanswered", unanswered, U64),
	F(NULL, "unanswered_wait_us", unanswered_wait_ns, US_AS_NS),
	F(NULL, "connections_peak", connections_peak, UINT),
	F(NULL, "stopped", stopped, BOOL),
	F("client_cpu", "user_s", cpu_user_s, DOUBLE),
	F("client_cpu", "sys_s", cpu_sys_s, DOUBLE),
	F("client_cpu", "busy", cpu_busy, DOUBLE),
	F("schedule", "late_sends", late_sends, U64),
	F("schedule", "mean_lag_us", mean_lag_ns, US_AS_NS_DOUBLE),
	F("schedule", "max_lag_us", max_lag_ns, US_AS_NS),
	F("schedule", "behind", behind, BOOL),
	F("schedule", "client_behind", client_behind, BOOL),
	F("open_loop", "target_rate", rate_target, DOUBLE),
	F("users", "users", users, UINT),
	F("users", "started", users_started, UINT),
};
#undef F

static int fields_from_json(const json_t *j, struct load_result *r)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		const json_t *v = json_object_get(f->obj ? json_object_get(j, f->obj) : j, f->key);
		char *p = (char *)r + f->off;
		double x = json_number_value(v);

		if (!v)
			continue;
		if (f->kind == BOOL ? !json_is_boolean(v) : !json_is_number(v))
			return -EINVAL;
		switch (f->kind) {
		case UINT:
			*(unsigned *)p = x;
			break;
		case U64:
			*(uint64_t *)p = json_is_integer(v) ? (uint64_t)json_integer_value(v) : x;
			break;
		case DOUBLE:
			*(double *)p = x;
			break;
		case BOOL:
			*(bool *)p = json_is_true(v);
			break;
		case US_AS_NS:
			*(uint64_t *)p = llround(x * 1e3);
			break;
		case US_AS_NS_DOUBLE:
			*(double *)p = x * 1e3;
			break;
		}
	}
	return 0;
}

static int series_from_json(const json_t *a, struct load_result *r)
{
	const json_t *v;
	size_t i;

	r->seconds = calloc(json_array_size(a) ?: 1, sizeof(*r->seconds));
	if (!r->seconds)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct load_second *d = &r->seconds[r->nseconds++];

		d->span_s = json_number_value(json_object_get(v, "span_s"));
		d->requests = json_integer_value(json_object_get(v, "requests"));
		d->errors = json_integer_value(json_object_get(v, "errors"));
		d->bytes = json_integer_value(json_object_get(v, "bytes"));
		d->p99_ns = llround(json_number_value(json_object_get(v, "p99_us")) * 1e3);
	}
	return 0;
}

/* {"200": N, ...}: the 2xx, or (from "errors") the others, counted as non2xx */
static int statuses_from_json(const json_t *o, struct load_result *r, bool errors)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		int s = atoi(key);

		if (s < 0 || s >= LOAD_STATUS_MAX || !json_is_integer(v))
			return -EINVAL;
		if (errors == (s >= 200 && s <= 299))
			continue;
		r->status[s] = json_integer_value(v);
		if (errors)
			r->non2xx += r->status[s];
	}
	return 0;
}

int load_result_from_json(const json_t *j, struct load_result *r)
{
	const char *scenario = json_string_value(json_object_get(j, "scenario"));
	const json_t *errors = json_object_get(j, "errors");
	int err;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(j) || !scenario)
		return -EINVAL;
	for (r->scenario = LOAD_THROUGHPUT; strcmp(load_scenario_name(r->scenario), scenario);
	     r->scenario++)
		if (r->scenario == LOAD_USERS)
			return -EINVAL;
	snprintf(r->url, sizeof(r->url), "%s", json_string_value(json_object_get(j, "url")) ?: "");
	for (int k = 0; k < LOAD_ERR_KINDS; k++)
		r->errors[k] = json_integer_value(json_object_get(errors, load_error_name(k)));
	err = statuses_from_json(json_object_get(j, "status"), r, false)
	      ?: statuses_from_json(json_object_get(errors, "status"), r, true)
	      ?: fields_from_json(j, r);
	if (!err)
		err = histogram_from_json(json_object_get(j, "latency_us"), &r->latency);
	if (!err)
		err = histogram_from_json(json_object_get(j, "connect_us"), &r->connect);
	return err ?: series_from_json(json_object_get(j, "series"), r);
}
