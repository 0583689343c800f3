// SPDX-License-Identifier: MIT
/* harness: runs server models under load while BPF probes watch, and
 * explains the results. Dispatches to one subcommand per file. */
#include "harness/cli/commands.h"

#include <stdio.h>
#include <string.h>

const struct command harness_commands[] = {
	{ "run", cmd_run, "run server models under load with probes attached, and explain" },
	{ "list", cmd_list, "list the server models and load scenarios" },
	{ "load", cmd_load, "generate HTTP load against a server (wrk-like)" },
	{ "check", cmd_check, "which probes and kernel hooks this machine offers, and why not" },
	{ "report", cmd_report,
	  "show a finished run again from its results.json (--html: the charts)" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: harness COMMAND [OPTION...]\n\n"
		   "Why does this server model perform the way it does?\n\n"
		   "Commands:\n");
	for (const struct command *c = harness_commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\n'harness COMMAND --help' for the options of each.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (const struct command *c = harness_commands; c->name; c++)
		if (!strcmp(argv[1], c->name)) {
			/* "harness run: ..." in every message and usage line */
			static char name[64];

			snprintf(name, sizeof(name), "harness %s", c->name);
			argv[1] = name;
			return c->run(argc - 1, argv + 1);
		}
	fprintf(stderr, "harness: unknown command '%s' (see 'harness --help')\n", argv[1]);
	return 2;
}
