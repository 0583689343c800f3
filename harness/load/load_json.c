// SPDX-License-Identifier: MIT
/*
 * A load result as JSON, and back (for printing a finished run again): one
 * table, every figure once; latencies in microseconds, each histogram
 * itself so that every percentile can be printed again.
 */
#include "common/json_map.h"
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
			json_array_append_new(low,
					      json_integer(histogram_bucket_low(h->precision, i)));
			json_array_append_new(counts, json_integer(h->counts[i]));
		}
	return json_pack("{s:i, s:I, s:I, s:I, s:o, s:o}", "precision", (int)h->precision, "sum_ns",
			 (json_int_t)h->sum, "min_ns", (json_int_t)(h->total ? h->min : 0),
			 "max_ns", (json_int_t)h->max, "low_ns", low, "counts", counts);
}

json_t *load_latency_to_json(const struct histogram *h)
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

		json_array_append_new(a,
				      json_pack("{s:i, s:f, s:I, s:f, s:I, s:I, s:f}", "t", (int)s,
						"span_s", d->span_s, "requests",
						(json_int_t)d->requests, "rate",
						d->span_s > 0 ? d->requests / d->span_s : 0.0,
						"errors", (json_int_t)d->errors, "bytes",
						(json_int_t)d->bytes, "p99_us", d->p99_ns / 1e3));
	}
	return a;
}

int load_latency_from_json(const json_t *j, struct histogram *h)
{
	const json_t *hist = json_object_get(j, "histogram"), *v;
	const json_t *lows = json_object_get(hist, "low_ns"),
		     *counts = json_object_get(hist, "counts");
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

/* ---------------------------------------------------------------- codecs */

static json_t *latency_to(const void *m, const void *base)
{
	(void)base;
	return load_latency_to_json(m);
}

/* percentiles, mean and stdev are derived: only the histogram is read */
static int latency_from(const json_t *j, void *m, void *base)
{
	(void)base;
	return load_latency_from_json(j, m);
}

static const struct jm_codec latency_codec = { latency_to, latency_from };

static json_t *errors_to(const void *m, const void *base)
{
	(void)m;
	return errors_json(base);
}

/* o[key], a count; absent is 0. 0 or -EINVAL. */
static int count_from(const json_t *o, const char *key, uint64_t *n)
{
	const json_t *v = json_object_get(o, key);

	if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
		return -EINVAL;
	*n = json_integer_value(v);
	return 0;
}

/* the errors by kind, and the non-2xx responses by status */
static int errors_from(const json_t *j, void *m, void *base)
{
	struct load_result *r = base;

	(void)m;
	if (!json_is_object(j))
		return -EINVAL;
	for (int k = 0; k < LOAD_ERR_KINDS; k++)
		if (count_from(j, load_error_name(k), &r->errors[k]))
			return -EINVAL;
	return statuses_from_json(json_object_get(j, "status"), r, true);
}

static const struct jm_codec errors_codec = { errors_to, errors_from };

/* {"body_at_close": N, ...}: whole responses by the leniency they needed */
static json_t *lenient_to(const void *m, const void *base)
{
	const uint64_t *n = m;
	json_t *j = json_object();

	(void)base;
	for (int k = 0; j && k < HTTP_LENIENT_KINDS; k++)
		json_object_set_new(j, http_lenient_name(k), json_integer(n[k]));
	return j;
}

static int lenient_from(const json_t *j, void *m, void *base)
{
	uint64_t *n = m;

	(void)base;
	if (!json_is_object(j))
		return -EINVAL;
	for (int k = 0; k < HTTP_LENIENT_KINDS; k++)
		if (count_from(j, http_lenient_name(k), &n[k]))
			return -EINVAL;
	return 0;
}

static const struct jm_codec lenient_codec = { lenient_to, lenient_from };

static json_t *status_to(const void *m, const void *base)
{
	const struct load_result *r = base;
	json_t *status = json_object();
	char code[8];

	(void)m;
	for (int s = 0; status && s < LOAD_STATUS_MAX; s++)
		if (r->status[s]) {
			snprintf(code, sizeof(code), "%d", s);
			json_object_set_new(status, code, json_integer(r->status[s]));
		}
	return status;
}

/* the 2xx: the others are read with the errors */
static int status_from(const json_t *j, void *m, void *base)
{
	(void)m;
	return statuses_from_json(j, base, false);
}

static const struct jm_codec status_codec = { status_to, status_from };

static json_t *series_to(const void *m, const void *base)
{
	(void)m;
	return series_json(base);
}

static int series_from(const json_t *j, void *m, void *base)
{
	(void)m;
	return series_from_json(j, base);
}

static const struct jm_codec series_codec = { series_to, series_from };

/* derived for people reading results.json, not read */
static json_t *per_request_to(const void *m, const void *base)
{
	const struct load_result *r = base;

	(void)m;
	return json_real(r->requests ? (r->cpu_user_s + r->cpu_sys_s) * 1e6 / r->requests : 0.0);
}

static json_t *achieved_to(const void *m, const void *base)
{
	(void)m;
	return json_real(((const struct load_result *)base)->rate);
}

static const struct jm_codec per_request_codec = { per_request_to, NULL };
static const struct jm_codec achieved_codec = { achieved_to, NULL };

/* ---------------------------------------------------------------- the table */

static bool scheduled(const void *base)
{
	const struct load_result *r = base;

	return r->scenario == LOAD_RATE || r->scenario == LOAD_USERS;
}

static bool open_loop(const void *base)
{
	return ((const struct load_result *)base)->scenario == LOAD_RATE;
}

static bool with_users(const void *base)
{
	return ((const struct load_result *)base)->scenario == LOAD_USERS;
}

static bool errno_kept(const void *base)
{
	return ((const struct load_result *)base)->other_errno != 0;
}

#define L struct load_result
static const struct jm_field client_cpu_fields[] = {
	JM_DOUBLE(L, "user_s", cpu_user_s),
	JM_DOUBLE(L, "sys_s", cpu_sys_s),
	JM_CODEC(L, "per_request_us", requests, per_request_codec),
	JM_DOUBLE(L, "busy", cpu_busy),
};
JM_TABLE(client_cpu_table, client_cpu_fields);

static const struct jm_field schedule_fields[] = {
	JM_U64(L, "late_sends", late_sends),
	JM_U64(L, "scheduled_sends", timer_sends),
	{ JM_FIELD("mean_lag_us", JM_M(L, mean_lag_ns), JM_DOUBLE), .div = 1e3 },
	JM_NS_AS_US(L, "max_lag_us", max_lag_ns),
	JM_BOOL(L, "behind", behind),
	JM_BOOL(L, "client_behind", client_behind),
};
JM_TABLE(schedule_table, schedule_fields);

static const struct jm_field open_loop_fields[] = {
	JM_DOUBLE(L, "target_rate", rate_target),
	JM_CODEC(L, "achieved_rate", rate, achieved_codec),
};
JM_TABLE(open_loop_table, open_loop_fields);

static const struct jm_field users_fields[] = {
	JM_UINT(L, "users", users),
	JM_UINT(L, "started", users_started),
};
JM_TABLE(users_table, users_fields);

static const struct jm_field load_fields[] = {
	JM_ENUM(L, "scenario", scenario, load_scenario_names),
	JM_STR(L, "url", url),
	JM_UINT(L, "threads", threads),
	JM_UINT(L, "connections", connections),
	JM_DOUBLE(L, "duration_s", duration_s),
	JM_U64(L, "requests", requests),
	JM_U64(L, "sent", sent),
	JM_U64(L, "bytes", bytes),
	JM_U64(L, "connects", connects),
	JM_DOUBLE(L, "rate", rate),
	JM_CODEC(L, "latency_us", latency, latency_codec),
	JM_CODEC(L, "connect_us", connect, latency_codec),
	JM_CODEC(L, "errors", errors, errors_codec),
	{ JM_FIELD("other_errno", JM_M(L, other_errno), JM_INT), .present = errno_kept },
	JM_U64(L, "errors_total", errors_total),
	JM_BOOL(L, "strict", strict),
	JM_CODEC(L, "lenient", lenient, lenient_codec),
	JM_U64(L, "unanswered", unanswered),
	JM_NS_AS_US(L, "unanswered_wait_us", unanswered_wait_ns),
	JM_U64(L, "starved", starved),
	JM_CODEC(L, "status", status, status_codec),
	JM_CODEC(L, "series", seconds, series_codec),
	JM_GROUP("client_cpu", client_cpu_table),
	{ JM_FIELD("schedule", 0, JM_OBJ), .sub = &schedule_table, .present = scheduled },
	{ JM_FIELD("open_loop", 0, JM_OBJ), .sub = &open_loop_table, .present = open_loop },
	{ JM_FIELD("users", 0, JM_OBJ), .sub = &users_table, .present = with_users },
	JM_UINT(L, "connections_peak", connections_peak),
	JM_BOOL(L, "stopped", stopped),
};
#undef L
JM_TABLE(load_table, load_fields);

json_t *load_result_to_json(const struct load_result *r)
{
	return jm_to_json(r, &load_table);
}

int load_result_from_json(const json_t *j, struct load_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!json_is_object(j) || !json_object_get(j, "scenario"))
		return -EINVAL;
	return jm_read(j, r, &load_table);
}
