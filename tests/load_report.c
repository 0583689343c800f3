// SPDX-License-Identifier: MIT
/*
 * The load tools' own reports as harness/run/load_report.c reads them,
 * from what wrk 4.1, Locust 2.12 and Artillery 2.0.34 wrote in this
 * project's runs (their load.log, Artillery's --output): every figure read
 * is the one written.
 */
#include "harness/run/load_report.h"
#include "tests/lib/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char wrk_output[] = "Running 2s test @ http://127.0.0.1:8080/\n"
				 "  1 threads and 50 connections\n"
				 "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
				 "    Latency     2.02ms    2.32ms  14.89ms   83.75%\n"
				 "    Req/Sec    26.47k     2.50k   31.42k    70.00%\n"
				 "  Latency Distribution\n"
				 "     50%  510.00us\n"
				 "     75%    3.30ms\n"
				 "     90%    5.32ms\n"
				 "     99%    8.97ms\n"
				 "  53149 requests in 2.02s, 6.13MB read\n"
				 "  Socket errors: connect 0, read 2, write 0, timeout 3\n"
				 "Requests/sec:  26310.46\n"
				 "Transfer/sec:      3.04MB\n";

/* its periodic table first, then the final one: the final is read */
static const char locust_output[] =
	"[2026-12-03 15:08:29,696] vm/INFO/locust.main: Starting Locust\n"
	"Type     Name     # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n"
	"--------|--------|-------|-------------|-------|-------|-------|-------|--------|-----------\n"
	"         Aggregated     1200     0(0.00%) |     30       4      70     29 |  400.00        0.00\n"
	"[2026-12-03 15:08:34,147] vm/INFO/locust.main: Shutting down (exit code 0)\n"
	"Type     Name     # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n"
	"--------|--------|-------|-------------|-------|-------|-------|-------|--------|-----------\n"
	"GET      //      2476     0(0.00%) |     31       4      78     30 |  560.97        0.00\n"
	"--------|--------|-------|-------------|-------|-------|-------|-------|--------|-----------\n"
	"         Aggregated      2476     3(0.12%) |     31       4      78     30 |  560.97     0.00\n"
	"\n"
	"Response time percentiles (approximated)\n"
	"Type     Name      50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # "
	"reqs\n"
	"--------|--------|--------|------|------|------|------|------|------|------|------|------|------\n"
	"GET      //       30     35     37     39     44     51     59     64     76     79     79   2476\n"
	"--------|--------|--------|------|------|------|------|------|------|------|------|------|------\n"
	"         Aggregated      30     35     37     39     44     51     59     64     76     79     79 "
	"  2476\n";

static const char locust_csv[] =
	"Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min "
	"Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,"
	"90%,95%,98%,99%,99.9%,99.99%,100%\n"
	"GET,/,2273,0,30,31.2,4,78.7,13.0,566.1,0.0,30,35,37,39,44,51,59,65,76,79,79\n"
	",Aggregated,2273,1,30,31.2,4,78.7,13.0,566.1,0.0,30,35,37,39,44,51,59,65,76,79,79\n";

/* Artillery 2.0.34's --output, its aggregate as it wrote it (intermediate
 * periods left out), with 2 errors added */
static const char artillery_json[] =
	"{\"aggregate\": {\"counters\": {\"vusers.created\": 62, \"http.requests\": 62, "
	"\"http.codes.200\": 60, \"http.responses\": 60, \"http.downloaded_bytes\": 840, "
	"\"errors.ECONNREFUSED\": 2, \"vusers.failed\": 2, \"vusers.completed\": 60}, "
	"\"rates\": {\"http.request_rate\": 21}, \"firstCounterAt\": 1796311470587, "
	"\"lastCounterAt\": 1796311473536, \"summaries\": {\"http.response_time\": {\"min\": 0, "
	"\"max\": 214, \"count\": 60, \"mean\": 31.1, \"p50\": 2, \"median\": 2, \"p75\": 47, "
	"\"p90\": 94.6, \"p95\": 104.6, \"p99\": 186.8, \"p999\": 186.8}}}, "
	"\"intermediate\": []}";

static bool equal(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fabs(b);
}

/* a report file: written, read by read, removed */
static int read_file_report(const char *text, int (*read)(const char *, struct load_tool_report *),
			    struct load_tool_report *r)
{
	char path[] = "/tmp/whyserve-load-report-XXXXXX";
	int fd = mkstemp(path), err;

	if (!CHECK(fd >= 0, "mkstemp"))
		return -EIO;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write");
	close(fd);
	err = read(path, r);
	unlink(path);
	return err;
}

static void wrk_summary(void)
{
	struct load_tool_report r;

	CHECK(!wrk_summary_read(wrk_output, &r), "not read");
	CHECK(r.requests == 53149 && equal(r.rps, 26310.46), "requests %g, rate %g", r.requests,
	      r.rps);
	CHECK(equal(r.mean_us, 2020) && equal(r.max_us, 14890), "mean %g, max %g", r.mean_us,
	      r.max_us);
	CHECK(equal(r.p50_us, 510) && equal(r.p99_us, 8970), "p50 %g, p99 %g", r.p50_us, r.p99_us);
	CHECK(r.failures == 5, "failures %g (socket errors 2 + 3)", r.failures);
	CHECK(wrk_summary_read("wrk: invalid option\n", &r) == -EPROTO, "garbage read");
}

static void locust_summary(void)
{
	struct load_tool_report r;

	CHECK(!locust_summary_read(locust_output, &r), "not read");
	CHECK(r.requests == 2476 && r.failures == 3 && equal(r.rps, 560.97),
	      "requests %g, failures %g, rate %g", r.requests, r.failures, r.rps);
	CHECK(equal(r.mean_us, 31000) && equal(r.max_us, 78000), "mean %g, max %g", r.mean_us,
	      r.max_us);
	CHECK(equal(r.p50_us, 30000) && equal(r.p99_us, 64000), "p50 %g, p99 %g", r.p50_us,
	      r.p99_us);
	CHECK(locust_summary_read("Starting Locust\n", &r) == -EPROTO, "no summary read");
}

static void locust_stats_csv(void)
{
	struct load_tool_report r;

	CHECK(!read_file_report(locust_csv, locust_csv_read, &r), "not read");
	CHECK(r.requests == 2273 && r.failures == 1 && equal(r.rps, 566.1),
	      "requests %g, failures %g, rate %g", r.requests, r.failures, r.rps);
	CHECK(equal(r.mean_us, 31200) && equal(r.p50_us, 30000) && equal(r.p99_us, 65000) &&
		      equal(r.max_us, 78700),
	      "mean %g p50 %g p99 %g max %g", r.mean_us, r.p50_us, r.p99_us, r.max_us);
	CHECK(locust_csv_read("/nonexistent/whyserve_stats.csv", &r) == -ENOENT,
	      "a missing CSV read");
}

static void artillery_output(void)
{
	struct load_tool_report r;

	CHECK(!read_file_report(artillery_json, artillery_json_read, &r), "not read");
	/* its rate over its first counter to its last: 60 in 2.949 s */
	CHECK(r.requests == 60 && r.failures == 4 && equal(r.rps, 60 / 2.949),
	      "requests %g, failures %g, rate %g", r.requests, r.failures, r.rps);
	CHECK(equal(r.mean_us, 31100) && equal(r.p50_us, 2000) && equal(r.p99_us, 186800) &&
		      equal(r.max_us, 214000),
	      "mean %g p50 %g p99 %g max %g", r.mean_us, r.p50_us, r.p99_us, r.max_us);
	CHECK(read_file_report("{\"aggregate\": {}}", artillery_json_read, &r) == -EPROTO,
	      "an empty report read");
	CHECK(artillery_json_read("/nonexistent/whyserve.json", &r) == -ENOENT,
	      "a missing report read");
}

static const struct test_case cases[] = {
	TEST(wrk_summary),
	TEST(locust_summary),
	TEST(locust_stats_csv),
	TEST(artillery_output),
};

TEST_MAIN(cases)
