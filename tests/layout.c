// SPDX-License-Identifier: MIT
/*
 * The layout holds: each room of the source tree includes only the rooms
 * below it (README's layout; the Makefile links the harness's rooms in the
 * same order), and the rules are applied in one place.
 */
#include "tests/lib/check.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Each room and the rooms it may include, itself first. */
static const struct room {
	const char *path;
	const char *may[10];
} rooms[] = {
	{ "common", { "common" } },
	{ "servers", { "servers", "common" } },
	{ "probes", { "probes", "common" } },
	{ "harness/load", { "harness/load", "common" } },
	{ "harness/sandbox", { "harness/sandbox", "common" } },
	{ "harness/explain", { "harness/explain", "common" } },
	{ "harness/record",
	  { "harness/record", "harness/explain", "harness/load", "probes", "common" } },
	{ "harness/report",
	  { "harness/report", "harness/record", "harness/explain", "harness/load", "probes",
	    "common" } },
	{ "harness/run",
	  { "harness/run", "harness/record", "harness/sandbox", "harness/load", "probes",
	    "harness/explain", "common" } },
	{ "harness/cli",
	  { "harness/cli", "harness/run", "harness/report", "harness/record", "harness/sandbox",
	    "harness/load", "probes", "harness/explain", "common" } },
};
#define NROOMS (sizeof(rooms) / sizeof(rooms[0]))

/* The room a path ("harness/run/run.h") is in, or NULL (outside every room). */
static const struct room *room_of(const char *path)
{
	const struct room *best = NULL;

	for (size_t i = 0; i < NROOMS; i++) {
		size_t n = strlen(rooms[i].path);

		if (!strncmp(path, rooms[i].path, n) && path[n] == '/' &&
		    (!best || n > strlen(best->path)))
			best = &rooms[i];
	}
	return best;
}

static bool may_include(const struct room *r, const struct room *target)
{
	for (int i = 0; r->may[i]; i++)
		if (!strcmp(r->may[i], target->path))
			return true;
	return false;
}

static const char *root(void)
{
	static char dir[512];

	snprintf(dir, sizeof(dir), "%s/..", test_bin_dir());
	return dir;
}

/* Calls fn on every .c and .h file under dir (relative to the root). */
static int each_source(const char *dir, void (*fn)(const char *rel, const char *text, void *),
		       void *arg)
{
	char path[1024], rel[512];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", root(), dir);
	dp = opendir(path);
	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		size_t len = strlen(d->d_name);
		struct stat st;

		if (d->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", dir, d->d_name);
		snprintf(path, sizeof(path), "%s/%s", root(), rel);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			n += each_source(rel, fn, arg);
		} else if (len > 2 && (!strcmp(d->d_name + len - 2, ".c") ||
				       !strcmp(d->d_name + len - 2, ".h"))) {
			FILE *f = fopen(path, "r");
			char *text = NULL;
			size_t cap = 0;

			if (f && getdelim(&text, &cap, '\0', f) >= 0)
				fn(rel, text, arg);
			if (f)
				fclose(f);
			free(text);
			n++;
		}
	}
	closedir(dp);
	return n;
}

static void check_includes(const char *rel, const char *text, void *arg)
{
	const struct room *from = room_of(rel);
	int *bad = arg;

	for (const char *p = strstr(text, "#include \""); p; p = strstr(p + 1, "#include \"")) {
		char target[256];
		const struct room *to;

		if (sscanf(p, "#include \"%255[^\"]\"", target) != 1)
			continue;
		to = room_of(target);
		if (from && to && !may_include(from, to)) {
			CHECK(false, "%s includes %s: %s is above %s", rel, target, to->path,
			      from->path);
			(*bad)++;
		}
	}
}

static void rooms_include_only_rooms_below(void)
{
	static const char *const tops[] = { "common", "servers", "probes", "harness" };
	int bad = 0, files = 0;

	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++)
		files += each_source(tops[i], check_includes, &bad);
	CHECK(files > 100, "only %d source files found under %s", files, root());
	CHECK(!bad, "%d includes point up", bad);
}

/* Calls of explain_experiment( that are not its declaration or definition. */
static void count_calls(const char *rel, const char *text, void *arg)
{
	int *calls = arg;

	for (const char *p = strstr(text, "explain_experiment("); p;
	     p = strstr(p + 1, "explain_experiment(")) {
		const char *line = p;

		while (line > text && line[-1] != '\n')
			line--;
		/* "int explain_experiment(" declares or defines it */
		if (!strncmp(line, "int explain_experiment(", 23))
			continue;
		fprintf(stderr, "  %s calls explain_experiment\n", rel);
		(*calls)++;
	}
}

static void rules_applied_in_one_place(void)
{
	int calls = 0;

	each_source("harness", count_calls, &calls);
	each_source("probes", count_calls, &calls);
	CHECK(calls == 1, "explain_experiment is called in %d places, not 1", calls);
}

static const struct test_case cases[] = {
	TEST(rooms_include_only_rooms_below),
	TEST(rules_applied_in_one_place),
};

TEST_MAIN(cases)
