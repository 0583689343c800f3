/* SPDX-License-Identifier: MIT */
/* Run an external program (curl, wrk, bpftool, ...) and capture its output. */
#ifndef WHYSERVE_TESTS_CMD_H
#define WHYSERVE_TESTS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Runs argv (NULL-terminated, looked up on PATH) with stdout and stderr
 * captured into out (NUL-terminated, truncated to outlen), killed after
 * timeout_s. Returns its exit status, 128+signal, or -errno.
 */
int cmd_run(char *out, size_t outlen, int timeout_s, const char *const argv[]);
/* The same, telling the pid it ran as (to find what it left behind). */
int cmd_run_pid(char *out, size_t outlen, int timeout_s, const char *const argv[], pid_t *pid);
/* Removes a directory and all in it (nothing if dir is ""). */
void rm_rf(const char *dir);
/* Is the program on PATH (or an executable path)? */
bool cmd_exists(const char *name);
/*
 * tests/fixtures where a server run as nobody can read it: a copy in a
 * fresh directory under /tmp, made once per process and removed at its
 * exit. The checkout may sit where nobody may not enter (/root, on a fresh
 * machine), and harness run starts a user's server as nobody.
 */
const char *test_fixtures_dir(void);

#endif
