// SPDX-License-Identifier: MIT
/* common/units_parse: counts, rates, durations and CPU lists as typed on a
 * command line; what is malformed or out of range refused in one line. */
#include "common/units_parse.h"
#include "tests/lib/check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct units_spec duration = { "--duration", UNITS_DURATION, 1e-3, 3600 };
static const struct units_spec warmup = { "--warmup", UNITS_DURATION, 0, 3600 };
static const struct units_spec connections = { "--connections", UNITS_COUNT, 1, 60000 };
static const struct units_spec requests = { "--requests", UNITS_COUNT, 1, 1e12 };
static const struct units_spec rate = { "--rate", UNITS_RATE, 1, 1e8 };
static const struct units_spec spawn_rate = { "--spawn-rate", UNITS_RATE, 0.1, 1e6 };
static const struct units_spec port = { "--port", UNITS_INTEGER, 0, 65535 };

/* s refused, *out untouched, with one line naming the option, the value and the range */
static void refused(const struct units_spec *u, const char *s)
{
	char why[UNITS_WHY_MAX] = "", range[64], value[64];
	double v = 42;
	int err = units_parse(u, s, &v, why, sizeof(why));

	snprintf(value, sizeof(value), "'%s'", s);
	CHECK(err == -EINVAL && v == 42, "%s '%s' accepted as %.17g", u->name, s, v);
	CHECK(!strncmp(why, "invalid ", 8) && strstr(why, u->name) && strstr(why, value) &&
		      strstr(why, units_range(u, range, sizeof(range))) && !strchr(why, '\n'),
	      "%s '%s': message '%s'", u->name, s, why);
}

static void accepted(void)
{
	static const struct {
		const struct units_spec *u;
		const char *s;
		double want;
	} cases[] = {
		{ &duration, "10", 10 },
		{ &duration, "10s", 10 },
		{ &duration, "500ms", 0.5 },
		{ &duration, "2m", 120 },
		{ &duration, "1h", 3600 },
		{ &duration, "1.5s", 1.5 },
		{ &warmup, "250us", 250e-6 },
		{ &warmup, "0", 0 },
		/* the limits themselves, however typed */
		{ &duration, "1ms", 1e-3 },
		{ &duration, "1000us", 1e-3 },
		{ &duration, "60m", 3600 },
		{ &warmup, "100ms", 0.1 },
		{ &connections, "2000", 2000 },
		{ &connections, "2k", 2000 },
		{ &connections, "1e3", 1000 },
		{ &connections, "60k", 60000 },
		{ &requests, "1.5M", 1.5e6 },
		{ &rate, "5k", 5000 },
		{ &rate, "2.5", 2.5 },
		{ &spawn_rate, "0.1", 0.1 },
		{ &port, "8080", 8080 },
		{ &port, "0", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[UNITS_WHY_MAX] = "";
		double v = -1;
		int err = units_parse(cases[i].u, cases[i].s, &v, why, sizeof(why));

		CHECK(!err && v == cases[i].want, "%s '%s': %d, %.17g, want %.17g (%s)",
		      cases[i].u->name, cases[i].s, err, v, cases[i].want, why);
	}
}

static void refusals(void)
{
	static const char *const malformed[] = {
		"",    "nan",  "-nan", "inf",	"-inf", "infinity", "+10", " 10", "0x10",
		"10x", "10 s", "10S",  "10sec", "1e",	"k",	    ".",   "-",	  "1-2",
	};
	/* absurd, out of range, not whole; integers are digits only */
	static const struct {
		const struct units_spec *u;
		const char *s;
	} out_of_range[] = {
		{ &rate, "1e-300" },
		{ &rate, "0" },
		{ &rate, "-1" },
		{ &rate, "1e999" },
		{ &spawn_rate, "1e-300" },
		{ &spawn_rate, "1e-400" },
		{ &requests, "1e30" },
		{ &requests, "1e-300" },
		{ &requests, "1.5" },
		{ &connections, "70000" },
		{ &connections, "60.001k" },
		{ &connections, "0" },
		{ &duration, "-1" },
		{ &duration, "0" },
		{ &duration, "2h" },
		{ &duration, "999us" },
		{ &warmup, "-0.1" },
		{ &port, "70000" },
		{ &port, "-1" },
		{ &port, "1k" },
		{ &port, "1e3" },
		{ &port, "80.0" },
	};

	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		refused(&duration, malformed[i]);
		refused(&connections, malformed[i]);
		refused(&rate, malformed[i]);
	}
	for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++)
		refused(out_of_range[i].u, out_of_range[i].s);
}

static void message_says_what_was_wanted(void)
{
	char why[UNITS_WHY_MAX];
	double v;

	units_parse(&duration, "1x", &v, why, sizeof(why));
	CHECK(!strcmp(why, "invalid --duration '1x': a number with us, ms, s, m or h (seconds "
			   "without), from 1ms to 1h"),
	      "'%s'", why);
	units_parse(&connections, "70000", &v, why, sizeof(why));
	CHECK(!strcmp(why, "invalid --connections '70000': a whole number from 1 to 60000 (k, M "
			   "allowed: 2k = 2000)"),
	      "'%s'", why);
}

static void formats_as_typed(void)
{
	static const struct {
		enum units_kind kind;
		double v;
		const char *want;
	} cases[] = {
		{ UNITS_DURATION, 0.1, "100ms" }, { UNITS_DURATION, 3600, "1h" },
		{ UNITS_DURATION, 1.5, "1.5s" },  { UNITS_DURATION, 8, "8s" },
		{ UNITS_DURATION, 0, "0s" },	  { UNITS_DURATION, 600, "10m" },
		{ UNITS_DURATION, 1e-6, "1us" },  { UNITS_COUNT, 60000, "60000" },
		{ UNITS_RATE, 1e8, "100000000" }, { UNITS_RATE, 0.1, "0.1" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double back = -1;
		struct units_spec any = { "x", cases[i].kind, 0, 1e9 };

		units_format(cases[i].kind, cases[i].v, buf, sizeof(buf));
		CHECK(!strcmp(buf, cases[i].want), "%g: '%s', want '%s'", cases[i].v, buf,
		      cases[i].want);
		/* and what it prints reads back as the same value */
		CHECK(!units_parse(&any, buf, &back, NULL, 0) && back == cases[i].v,
		      "'%s' reads back as %.17g", buf, back);
	}
}

static void cpu_lists(void)
{
	static const char *const bad[] = { "",	 "1-", "1-x",	 "3-1",	 ",",  "1,",
					   "-1", "a",  "0-5000", "1,,2", " 1", "0-9" };
	char why[UNITS_WHY_MAX];
	int cpus[8], n;

	n = units_parse_cpus("--cpus", "1", cpus, 8, why, sizeof(why));
	CHECK(n == 1 && cpus[0] == 1, "'1': %d", n);
	n = units_parse_cpus("--cpus", "0-1,3", cpus, 8, why, sizeof(why));
	CHECK(n == 3 && cpus[0] == 0 && cpus[1] == 1 && cpus[2] == 3, "'0-1,3': %d", n);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		n = units_parse_cpus("--cpus", bad[i], cpus, 8, why, sizeof(why));
		CHECK(n == -EINVAL && strstr(why, "invalid --cpus") && strstr(why, "CPU list"),
		      "'%s': %d, '%s'", bad[i], n, why);
	}
}

static const struct test_case cases[] = {
	TEST(accepted),		TEST(refusals),	 TEST(message_says_what_was_wanted),
	TEST(formats_as_typed), TEST(cpu_lists),
};

TEST_MAIN(cases)
