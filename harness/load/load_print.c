// SPDX-License-Identifier: MIT
/* A load result as text, in wrk's layout (its last lines are wrk's, so
 * what parses wrk's output parses this). */
#include "harness/load/load.h"
#include "common/units.h"

#include <math.h>
#include <string.h>

#define UNITS_LEN 32
#define T(ns)	  fmt_us((char[UNITS_LEN]){ 0 }, UNITS_LEN, (ns) / 1e3)

/* "61.55MB", as wrk says it */
static char *bytes(char *buf, size_t len, double b)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	int i = 0;

	while (b >= 1024 && i < 4)
		b /= 1024, i++;
	snprintf(buf, len, "%.2f%s", b, unit[i]);
	return buf;
}

static void print_distribution(FILE *f, const struct histogram *h)
{
	static const struct {
		const char *label;
		double p;
	} pct[] = {
		{ "50%", 50 }, { "90%", 90 }, { "99%", 99 }, { "99.9%", 99.9 }, { "99.99%", 99.99 },
	};

	fprintf(f, "  Latency Distribution\n");
	fprintf(f, "     %-7s%9s\n", "min", T(h->total ? h->min : 0));
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		fprintf(f, "     %-7s%9s\n", pct[i].label, T(histogram_percentile(h, pct[i].p)));
	fprintf(f, "     %-7s%9s\n", "max", T(h->max));
}

static void print_errors(FILE *f, const struct load_result *r)
{
	const char *sep = "";

	if (r->errors_total == r->non2xx)
		goto statuses;
	fprintf(f, "  Errors:");
	for (int k = 0; k < LOAD_ERR_KINDS; k++)
		if (r->errors[k]) {
			fprintf(f, "%s %s %llu", sep, load_error_label(k),
				(unsigned long long)r->errors[k]);
			if (k == LOAD_ERR_OTHER && r->other_errno)
				fprintf(f, " (%s)", strerror(r->other_errno));
			sep = ",";
		}
	fprintf(f, "\n");
statuses:
	if (r->non2xx) {
		sep = "";
		fprintf(f, "  Non-2xx responses: %llu (", (unsigned long long)r->non2xx);
		for (int s = 0; s < LOAD_STATUS_MAX; s++)
			if (r->status[s] && (s < 200 || s > 299)) {
				fprintf(f, "%s%d: %llu", sep, s, (unsigned long long)r->status[s]);
				sep = ", ";
			}
		fprintf(f, ")\n");
	}
}

void load_result_print_lenient(FILE *f, const struct load_result *r, const char *indent)
{
	char a[UNITS_LEN];

	for (int k = 0; k < HTTP_LENIENT_KINDS; k++) {
		if (!r->lenient[k])
			continue;
		fprintf(f, "%s%s %s", indent, fmt_count(a, sizeof(a), r->lenient[k]),
			http_lenient_label(k));
		if (k == HTTP_LENIENT_BODY_AT_CLOSE)
			fprintf(f, ": one connection per request");
		fprintf(f, "\n");
	}
}

static void print_scenario(FILE *f, const struct load_result *r)
{
	if (r->scenario == LOAD_RATE)
		fprintf(f, "  Rate: %.2f requests/s asked, %.2f achieved (%.1f%%)\n",
			r->rate_target, r->rate,
			r->rate_target ? 100 * r->rate / r->rate_target : 0);
	if (r->scenario == LOAD_USERS)
		fprintf(f, "  Users: %u of %u started; %u connections open at most\n",
			r->users_started, r->users, r->connections_peak);
	if (r->scenario != LOAD_RATE && r->scenario != LOAD_USERS)
		return;
	fprintf(f,
		"  Client lag behind its schedule: mean %s, max %s, %llu sends more than %s late\n",
		T(r->mean_lag_ns), T(r->max_lag_ns), (unsigned long long)r->late_sends,
		T(LOAD_LATE_NS));
	if (r->behind)
		fprintf(f, "  Behind schedule: %s\n",
			r->client_behind
				? "the client itself could not keep up (more threads, or fewer other processes on its CPUs)"
				: "the server did not answer fast enough for this many connections");
}

static void print_series(FILE *f, const struct load_result *r)
{
	char a[UNITS_LEN];

	if (r->nseconds < 2)
		return;
	fprintf(f, "  Per second:   %10s %8s %9s\n", "requests/s", "errors", "p99");
	for (unsigned s = 0; s < r->nseconds; s++) {
		const struct load_second *d = &r->seconds[s];

		fprintf(f, "    %4u-%-4u   %10s %8llu %9s\n", s, s + 1,
			fmt_count(a, sizeof(a), round(d->span_s > 0 ? d->requests / d->span_s : 0)),
			(unsigned long long)d->errors, T(d->p99_ns));
	}
}

void load_result_print(FILE *f, const struct load_result *r)
{
	const struct histogram *h = &r->latency, *c = &r->connect;
	char a[UNITS_LEN];

	fprintf(f, "%s load, %.2fs @ %s\n", load_scenario_name(r->scenario), r->duration_s, r->url);
	fprintf(f, "  %u threads and %u connections\n", r->threads, r->connections);
	fprintf(f, "  Thread Stats   Avg      Stdev     Max\n");
	fprintf(f, "    Latency   %8s  %8s  %8s\n", T(histogram_mean(h)), T(histogram_stdev(h)),
		T(h->max));
	print_distribution(f, h);
	if (c->total)
		fprintf(f, "  Connect (%llu new): 50%% %s, 99%% %s, max %s\n",
			(unsigned long long)c->total, T(histogram_percentile(c, 50)),
			T(histogram_percentile(c, 99)), T(c->max));
	print_series(f, r);
	print_scenario(f, r);
	fprintf(f, "  %llu requests in %.2fs, %s read%s\n", (unsigned long long)r->requests,
		r->duration_s, bytes(a, sizeof(a), r->bytes), r->stopped ? " (stopped early)" : "");
	print_errors(f, r);
	load_result_print_lenient(f, r, "  ");
	if (r->unanswered)
		fprintf(f, "  Unanswered at the end: %llu requests, waiting up to %s%s",
			(unsigned long long)r->unanswered, T(r->unanswered_wait_ns),
			r->starved ? "; " : "\n");
	if (r->starved)
		fprintf(f, "%llu connection(s) never answered while measuring\n",
			(unsigned long long)r->starved);
	if (r->requests)
		fprintf(f,
			"  Client CPU: %.2fs user, %.2fs sys, %.2fus per request, threads %.0f%% busy\n",
			r->cpu_user_s, r->cpu_sys_s,
			(r->cpu_user_s + r->cpu_sys_s) * 1e6 / r->requests, 100 * r->cpu_busy);
	fprintf(f, "Requests/sec: %10.2f\n", r->rate);
	fprintf(f, "Transfer/sec: %10s\n",
		bytes(a, sizeof(a), r->duration_s > 0 ? r->bytes / r->duration_s : 0));
}
