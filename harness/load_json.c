// SPDX-License-Identifier: MIT
/* A load result as JSON: every figure, latencies in microseconds. */
#include "harness/load.h"

#include <string.h>

static json_t *real_us(uint64_t ns)
{
	return json_real(ns / 1e3);
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
