// SPDX-License-Identifier: MIT
/*
 * A fuzz target's committed inputs replayed without libFuzzer (make test):
 * every file of tests/fuzz/corpus/TARGET, then of tests/fuzz/crashes/TARGET,
 * handed to the target's LLVMFuzzerTestOneInput, built with gcc, ASan and
 * UBSan. FUZZ_TARGET names the target (build/tests/fuzz_replay_TARGET).
 */
#include "tests/lib/check.h"
#include "tests/lib/file.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every file but the hidden ones (., ..) */
static int is_input(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Replays every input of tests/fuzz/KIND/FUZZ_TARGET; how many, or -errno. */
static int replay(const char *kind, char *dir, size_t len)
{
	struct dirent **names;
	int n;

	snprintf(dir, len, "%s/../tests/fuzz/%s/%s", test_bin_dir(), kind, FUZZ_TARGET);
	n = scandir(dir, &names, is_input, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		char path[4096];
		uint8_t *data;
		size_t size = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		data = file_read(path, &size);
		if (CHECK(data, "failed to read %s: %s", path, strerror(errno))) {
			/* a crash below ends the case: its log names the input */
			fprintf(stderr, "  %s\n", path);
			LLVMFuzzerTestOneInput(data, size);
		}
		free(data);
		free(names[i]);
	}
	free(names);
	return n;
}

/*
 * The corpus is committed: an empty or missing one is a failure. Crash
 * reproducers exist only for targets that found a bug, replayed after it.
 */
static void committed_inputs(void)
{
	char dir[4096];
	int n = replay("corpus", dir, sizeof(dir));

	if (!CHECK(n > 0, "no inputs in %s (%s)", dir, n < 0 ? strerror(-n) : "empty"))
		return;
	n = replay("crashes", dir, sizeof(dir));
	CHECK(n >= 0 || n == -ENOENT, "cannot read %s: %s", dir, strerror(-n));
}

static const struct test_case cases[] = {
	TEST(committed_inputs),
};
TEST_MAIN(cases)
