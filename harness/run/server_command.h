/* SPDX-License-Identifier: MIT */
/*
 * A server of the user's (--server NAME=COMMAND), or a load tool of theirs
 * (--load-cmd COMMAND), as the argv to run: {host} and {port} put in ({url}
 * too in a load command), the rest split into words as a shell splits them, by
 * wordexp(3): quotes, backslashes, $VAR of the harness's environment and
 * globs; no command substitution, no undefined variable, no | ; & < > ( )
 * { }: there is no shell. Its program is looked for on the server's PATH.
 */
#ifndef WHYSERVE_HARNESS_SERVER_COMMAND_H
#define WHYSERVE_HARNESS_SERVER_COMMAND_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <wordexp.h>

struct server_command {
	wordexp_t words;
	bool split;
	char path[PATH_MAX]; /* words[0], found: the program to run */
};

/* 0, or -EINVAL with why ("unbalanced quotes", ...); dir, when not NULL,
 * is put in for {dir} (a reference server's directory). Freed with: */
int server_command_split(struct server_command *c, const char *command, const char *host, int port,
			 const char *dir, char *why, size_t len);
/* The same for a load command (--load-cmd): {url} put in too. */
int command_split(struct server_command *c, const char *command, const char *host, int port,
		  const char *url, char *why, size_t len);
void server_command_free(struct server_command *c);

/* The URL the load asks for: http://127.0.0.1:PORT/ (or --server-path). */
struct run_opts;
void command_url(const struct run_opts *o, int port, char *url, size_t len);

#endif
