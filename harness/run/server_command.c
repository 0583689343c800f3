// SPDX-License-Identifier: MIT
#include "harness/run/server_command.h"
#include "harness/record/record.h"
#include "harness/sandbox/server_proc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* command with each {host}, {port} (and {dir}, when given) replaced;
 * -ENAMETOOLONG if out is short */
static int substitute(char *out, size_t len, const char *command, const char *host, int port,
		      const char *dir)
{
	char port_s[16];
	size_t n = 0;

	snprintf(port_s, sizeof(port_s), "%d", port);
	for (const char *p = command; *p;) {
		const char *put = p;
		size_t k = 1; /* one character as it is */

		if (!strncmp(p, "{host}", 6))
			put = host, k = strlen(host), p += 6;
		else if (!strncmp(p, "{port}", 6))
			put = port_s, k = strlen(port_s), p += 6;
		else if (dir && !strncmp(p, "{dir}", 5))
			put = dir, k = strlen(dir), p += 5;
		else
			p++;
		if (n + k >= len)
			return -ENAMETOOLONG;
		memcpy(out + n, put, k);
		n += k;
	}
	out[n] = '\0';
	return 0;
}

static const char *wordexp_why(int err)
{
	switch (err) {
	case WRDE_BADCHAR:
		return "an unquoted | & ; < > ( ) { } or newline: there is no shell (only {host} "
		       "and {port} are put in)";
	case WRDE_BADVAL:
		return "an undefined variable";
	case WRDE_CMDSUB:
		return "a command substitution: there is no shell";
	case WRDE_SYNTAX:
		return "unbalanced quotes or parentheses";
	default:
		return "out of memory";
	}
}

/* The program as the server's PATH finds it (a name with '/' as it is). */
static int find_program(const char *name, char *path, size_t len)
{
	char dirs[] = SERVER_PATH;

	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return access(path, X_OK) ? -errno : 0;
	}
	for (char *d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
		snprintf(path, len, "%s/%s", d, name);
		if (!access(path, X_OK))
			return 0;
	}
	return -ENOENT;
}

int server_command_split(struct server_command *c, const char *command, const char *host, int port,
			 const char *dir, char *why, size_t len)
{
	char line[MODEL_COMMAND_MAX + 256];
	int err;

	memset(c, 0, sizeof(*c));
	if (substitute(line, sizeof(line), command, host, port, dir)) {
		snprintf(why, len, "longer than %zu characters", sizeof(line) - 1);
		return -EINVAL;
	}
	err = wordexp(line, &c->words, WRDE_NOCMD | WRDE_UNDEF);
	if (err) {
		if (err == WRDE_NOSPACE)
			wordfree(&c->words);
		snprintf(why, len, "%s", wordexp_why(err));
		return -EINVAL;
	}
	c->split = true;
	if (c->words.we_wordc == 0) {
		snprintf(why, len, "no command");
		return -EINVAL;
	}
	if (c->words.we_wordc >= RECORD_MAX_ARGS) {
		snprintf(why, len, "more than %d words", RECORD_MAX_ARGS - 1);
		return -EINVAL;
	}
	err = find_program(c->words.we_wordv[0], c->path, sizeof(c->path));
	if (err) {
		snprintf(why, len, "%s: %s%s", c->words.we_wordv[0], strerror(-err),
			 strchr(c->words.we_wordv[0], '/') ? "" : " on " SERVER_PATH);
		return -EINVAL;
	}
	return 0;
}

void server_command_free(struct server_command *c)
{
	if (c->split)
		wordfree(&c->words);
	c->split = false;
}
