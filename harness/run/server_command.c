// SPDX-License-Identifier: MIT
#include "harness/run/server_command.h"
#include "harness/record/record.h"
#include "harness/sandbox/server_proc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* command with each {host}, {port} (and {url}, {dir}, when given)
 * replaced; -ENAMETOOLONG if out is short */
static int substitute(char *out, size_t len, const char *command, const char *host, int port,
		      const char *url, const char *dir)
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
		else if (url && !strncmp(p, "{url}", 5))
			put = url, k = strlen(url), p += 5;
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
		return "an unquoted | & ; < > ( ) { } or newline: there is no shell (only {host}, "
		       "{port} and, in a load command, {url} are put in)";
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

static int split(struct server_command *c, const char *command, const char *host, int port,
		 const char *url, const char *dir, char *why, size_t len)
{
	char line[MODEL_COMMAND_MAX + 256];
	int err;

	memset(c, 0, sizeof(*c));
	if (substitute(line, sizeof(line), command, host, port, url, dir)) {
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

int server_command_split(struct server_command *c, const char *command, const char *host, int port,
			 const char *dir, char *why, size_t len)
{
	return split(c, command, host, port, NULL, dir, why, len);
}

int command_split(struct server_command *c, const char *command, const char *host, int port,
		  const char *url, char *why, size_t len)
{
	return split(c, command, host, port, url, NULL, why, len);
}

void server_command_free(struct server_command *c)
{
	if (c->split)
		wordfree(&c->words);
	c->split = false;
}

void command_url(const struct run_opts *o, int port, char *url, size_t len)
{
	snprintf(url, len, "http://127.0.0.1:%d%s", port, o->path[0] ? o->path : "/");
}
