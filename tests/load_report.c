// SPDX-License-Identifier: MIT
/*
 * The load tools' own reports as harness/run/load_report.c reads them,
 * from what wrk 4.1 and Locust 2.12 printed in this project's runs (their
 * load.log): every figure read is the one printed.
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

static bool equal(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fabs(b);
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
	char path[] = "/tmp/whyserve-locust-csv-XXXXXX";
	struct load_tool_report r;
	int fd = mkstemp(path);

	if (!CHECK(fd >= 0, "mkstemp"))
		return;
	CHECK(write(fd, locust_csv, strlen(locust_csv)) == (ssize_t)strlen(locust_csv), "write");
	close(fd);
	CHECK(!locust_csv_read(path, &r), "not read");
	CHECK(r.requests == 2273 && r.failures == 1 && equal(r.rps, 566.1),
	      "requests %g, failures %g, rate %g", r.requests, r.failures, r.rps);
	CHECK(equal(r.mean_us, 31200) && equal(r.p50_us, 30000) && equal(r.p99_us, 65000) &&
		      equal(r.max_us, 78700),
	      "mean %g p50 %g p99 %g max %g", r.mean_us, r.p50_us, r.p99_us, r.max_us);
	unlink(path);
	CHECK(locust_csv_read(path, &r) == -ENOENT, "a missing CSV read");
}

static const struct test_case cases[] = {
	TEST(wrk_summary),
	TEST(locust_summary),
	TEST(locust_stats_csv),
};

TEST_MAIN(cases)
