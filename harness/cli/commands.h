/* SPDX-License-Identifier: MIT */
/* The harness's subcommands: each one file, each parsing its own options
 * (argp) from argv[0] = its name. Return 0 ok, 1 failure, 2 bad usage. */
#ifndef WHYSERVE_HARNESS_COMMANDS_H
#define WHYSERVE_HARNESS_COMMANDS_H

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

extern const struct command harness_commands[];

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_report(int argc, char **argv);

struct run_opts;
/* Parses `harness run` arguments (cli/run_options.c); 0, or 2 after
 * printing one line. */
int run_opts_parse(int argc, char **argv, struct run_opts *o);

#endif
