// SPDX-License-Identifier: MIT
/*
 * The server process as the harness starts it (harness/sandbox/): none of
 * the harness's descriptors or environment, stdin from /dev/null, no new
 * privileges, as nobody, in its cgroup.
 */
#include "tests/lib/check.h"
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/server_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A stand-in server: says what it was given on stderr (each descriptor's
 * target, its environment, NoNewPrivs, its uid), then its start-up line.
 */
static const char *const reporter[] = {
	"/bin/sh", "-c",
	/* ls, as any program the server runs, has what the shell was given,
	 * and its own listing of /proc/self/fd */
	"ls -l /proc/self/fd | sed -n 's/.* \\([0-9]*\\) -> /fd \\1 -> /p' >&2; "
	"env | sed 's/^/env /' >&2; grep -E '^(NoNewPrivs|Uid):' /proc/$$/status >&2; "
	"echo 'stand-in listening on 127.0.0.1:1'; exec sleep 30",
	NULL,
};

static void started_bare(void)
{
	struct server_spec spec = { .argv = reporter, .drop_root = true };
	struct server_proc sp;
	int leak, err, fds = 0;
	char *line, *save = NULL;

	test_require_root();
	/* what a harness holds open (a results file, a BPF map): not for it */
	leak = open("/etc/hostname", O_RDONLY); /* no O_CLOEXEC on purpose */
	setenv("WHYSERVE_SECRET", "from the harness", 1);
	if (!CHECK(leak >= 0, "open: %s", strerror(errno)))
		return;
	err = server_proc_start(&sp, &spec, 5000);
	if (!CHECK(!err, "start: %s: %s", strerror(-err), sp.err))
		return;
	/* all it said is on stderr once it stops */
	server_proc_stop(&sp, 2000);
	fprintf(stderr, "%s", sp.err);
	for (line = strtok_r(sp.err, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int fd;

		if (sscanf(line, "fd %d", &fd) == 1) {
			const char *target = strstr(line, " -> ");

			fds++;
			/* above stderr only ls's own listing of /proc/self/fd */
			CHECK(target && (fd <= 2 || (!strncmp(target, " -> /proc/", 10) &&
						     strstr(target, "/fd"))),
			      "descriptor of the harness's: %s", line);
			CHECK(fd != 0 || strstr(line, "/dev/null"), "stdin is not /dev/null: %s",
			      line);
		}
		CHECK(!strstr(line, "WHYSERVE_SECRET"), "the harness's environment: %s", line);
		CHECK(strncmp(line, "env ", 4) || !strncmp(line, "env PATH=", 9) ||
			      !strncmp(line, "env LC_ALL=", 11) || !strncmp(line, "env PWD=", 8) ||
			      !strncmp(line, "env SHLVL=", 10) || !strncmp(line, "env _=", 6),
		      "more than a minimal environment: %s", line);
		if (!strncmp(line, "NoNewPrivs:", 11))
			CHECK(strstr(line, "1"), "%s", line);
		if (!strncmp(line, "Uid:", 4))
			CHECK(!strstr(line, "\t0\t"), "still root: %s", line);
	}
	CHECK(fds >= 3, "no descriptor listed: %d", fds);
	CHECK(strstr(sp.line, "listening on"), "start-up line: %s", sp.line);
	close(leak);
}

static const struct test_case cases[] = {
	TEST(started_bare),
};

TEST_MAIN(cases)
