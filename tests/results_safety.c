// SPDX-License-Identifier: MIT
/*
 * harness run and harness report write files as root: never through a
 * link planted where they write, never into a directory others may write
 * in, and under sudo they hand what they made to the user, only that.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOBODY 65534

static const char *harness(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/harness", test_bin_dir());
	return path;
}

/* A root-owned 0600 file with known contents: what a planted link aims at. */
static bool victim(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, "secret\n", 7) == 7;

	if (fd >= 0)
		close(fd);
	return CHECK(ok && !chown(path, 0, 0), "cannot make %s: %s", path, strerror(errno));
}

static bool untouched(const char *path)
{
	char buf[64] = "";
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return CHECK(n == 7 && !strcmp(buf, "secret\n") && !stat(path, &st) && st.st_uid == 0 &&
			     (st.st_mode & 07777) == 0600,
		     "%s was changed through a link (%zd bytes: '%s')", path, n, buf);
}

static bool temp_dir(char *dir, size_t len, const char *what)
{
	snprintf(dir, len, "/tmp/whyserve-%s-XXXXXX", what);
	return CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

/* Exit 2, one line naming why, nothing started. */
static void refused(const char *out_dir, const char *why)
{
	const char *argv[] = { harness(),    "run",   "blocking", "--quick", "-s",
			       "throughput", "--out", out_dir,	  NULL };
	char out[2048];
	int rc = cmd_run(out, sizeof(out), 30, argv);

	CHECK(rc == 2 && strstr(out, why) && strchr(out, '\n') == out + strlen(out) - 1,
	      "--out %s: exit %d: %s", out_dir, rc, out);
}

/* --out a link, or a directory others may write in: refused before anything runs. */
static void unsafe_out_dir_refused(void)
{
	char dir[64], link[80], secret[80];

	test_require_root();
	if (!temp_dir(dir, sizeof(dir), "unsafe"))
		return;
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(secret, sizeof(secret), "%s/real", dir);
	if (!CHECK(!mkdir(secret, 0700) && !symlink(secret, link), "set-up"))
		goto out;
	refused(link, "is a symbolic link: refused");
	CHECK(!chmod(secret, 0777), "chmod");
	refused(secret, "is writable by others (mode 0777)");
	CHECK(!chmod(secret, 0755) && !chown(secret, 12345, 12345), "chown");
	refused(secret, "belongs to uid 12345");
out:
	rm_rf(dir);
}

/*
 * Links planted in --out for every file a run writes: each is replaced by
 * the run's own file, handed to the user sudo ran us for; what they aimed
 * at is untouched. The directory, not created by the run, keeps its owner.
 */
static void planted_links_replaced(void)
{
	static const char *const files[] = { "results.json", "summary.txt", "report.html",
					     "blocking.txt" };
	char dir[64], out_dir[80], path[160], secret[80], out[8192];
	const char *argv[] = { "env",	     "SUDO_UID=65534", "SUDO_GID=65534", harness(),
			       "run",	     "blocking",       "--quick",	 "-s",
			       "throughput", "--out",	       out_dir,		 NULL };
	struct stat st;
	int rc;

	test_require_root();
	if (!temp_dir(dir, sizeof(dir), "links"))
		return;
	snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	if (!CHECK(!mkdir(out_dir, 0755), "mkdir") || !victim(secret))
		goto out;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out_dir, files[i]);
		if (!CHECK(!symlink(secret, path), "symlink %s", path))
			goto out;
	}
	rc = cmd_run(out, sizeof(out), 120, argv);
	if (!CHECK(rc == 0, "harness run: exit %d: %.2000s", rc, out))
		goto out;
	untouched(secret);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out_dir, files[i]);
		CHECK(!lstat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
			      st.st_uid == NOBODY && st.st_gid == NOBODY,
		      "%s: not a file of the run's, handed to uid %d", path, NOBODY);
	}
	CHECK(!stat(out_dir, &st) && st.st_uid == 0, "--out, not the run's own, changed owner");

	/* harness report --html, as root, into a directory holding a link */
	snprintf(path, sizeof(path), "%s/report.html", out_dir);
	unlink(path);
	if (!CHECK(!symlink(secret, path), "symlink"))
		goto out;
	rc = cmd_run(out, sizeof(out), 30,
		     (const char *const[]){ harness(), "report", out_dir, "--html", NULL });
	CHECK(rc == 0, "harness report --html: exit %d: %s", rc, out);
	untouched(secret);
	CHECK(!lstat(path, &st) && S_ISREG(st.st_mode), "report.html is still a link");
out:
	rm_rf(dir);
}

/* A directory the run creates is handed over; results/ only when it made it. */
static void created_dirs_handed_over(void)
{
	static char out[1 << 18]; /* the run's whole output: its last line says where */
	char dir[64], out_dir[80];
	const char *argv[] = { "env",	     "SUDO_UID=65534", "SUDO_GID=65534", harness(),
			       "run",	     "blocking",       "--quick",	 "-s",
			       "throughput", "--out",	       out_dir,		 NULL };
	struct stat st;
	int rc;

	test_require_root();
	if (!temp_dir(dir, sizeof(dir), "created"))
		return;
	snprintf(out_dir, sizeof(out_dir), "%s/new/out", dir);
	rc = cmd_run(out, sizeof(out), 120, argv);
	if (CHECK(rc == 0, "harness run: exit %d: %.2000s", rc, out))
		CHECK(!stat(out_dir, &st) && st.st_uid == NOBODY,
		      "the directory the run created is not the user's");

	/* the default place, ./results/<time>, where results/ was there before */
	snprintf(out_dir, sizeof(out_dir), "%s/results", dir);
	if (!CHECK(!mkdir(out_dir, 0755), "mkdir"))
		goto out;
	rc = cmd_run(out, sizeof(out), 120,
		     (const char *const[]){ "sh", "-c", "cd \"$0\" && exec \"$@\"", dir, "env",
					    "SUDO_UID=65534", "SUDO_GID=65534", harness(), "run",
					    "blocking", "--quick", "-s", "throughput", NULL });
	if (CHECK(rc == 0, "harness run in %s: exit %d: %.2000s", dir, rc, out)) {
		char *line = strstr(out, "\nresults: results/"), stamp[32], made[160];

		CHECK(!stat(out_dir, &st) && st.st_uid == 0,
		      "results/, not the run's, changed owner");
		if (!CHECK(line && sscanf(line, "\nresults: results/%31[^/]", stamp) == 1,
			   "no results line: %.2000s", out))
			goto out;
		snprintf(made, sizeof(made), "%s/%s", out_dir, stamp);
		CHECK(!stat(made, &st) && st.st_uid == NOBODY, "%s is not the user's", made);
	}
out:
	rm_rf(dir);
}

static const struct test_case cases[] = {
	TEST(unsafe_out_dir_refused),
	TEST_SLOW(planted_links_replaced, 150),
	TEST_SLOW(created_dirs_handed_over, 150),
};

TEST_MAIN(cases)
