// SPDX-License-Identifier: MIT
/* The test library itself: checks fail when they must, cases are isolated. */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"

#include <string.h>

static void cmd_captures_output_and_status(void)
{
	const char *ok[] = { "sh", "-c", "echo hello; exit 3", NULL };
	const char *slow[] = { "sleep", "10", NULL };
	char out[64];
	long long t0 = now_ms();

	CHECK(cmd_run(out, sizeof(out), 5, ok) == 3, "exit status");
	CHECK(strcmp(out, "hello\n") == 0, "output '%s'", out);
	CHECK(cmd_run(out, sizeof(out), 1, slow) == 128 + 9, "killed at timeout");
	CHECK(now_ms() - t0 < 5000, "timeout honoured");
	CHECK(cmd_exists("sh") && !cmd_exists("no-such-program-whyserve"), "PATH lookup");
}

static void wait_until_honours_deadline(void)
{
	long long t0 = now_ms();
	int n = 0;

	CHECK(WAIT_UNTIL(++n >= 3, 1000), "became true");
	CHECK(!WAIT_UNTIL(false, 100), "never true");
	CHECK(now_ms() - t0 >= 100 && now_ms() - t0 < 1000, "waited %lld ms", now_ms() - t0);
}

static void bin_dir_is_build(void)
{
	const char *d = test_bin_dir();

	CHECK(strlen(d) > 0 && strcmp(d + strlen(d) - 5, "build") == 0, "dir %s", d);
}

static const struct test_case cases[] = {
	TEST(cmd_captures_output_and_status),
	TEST(wait_until_honours_deadline),
	TEST(bin_dir_is_build),
};

TEST_MAIN(cases)
