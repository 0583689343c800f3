/* SPDX-License-Identifier: MIT */
/* --server NAME=COMMAND: a server of the user's, a model of its own. */
#ifndef WHYSERVE_HARNESS_SERVER_FLAG_H
#define WHYSERVE_HARNESS_SERVER_FLAG_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>

struct model;
struct run_opts;

/* Adds it to o->custom, or fails the parse (exit 2) saying why. */
void custom_server_add(struct run_opts *o, const char *arg, struct argp_state *st);
/* Each command split with the port chosen (it may come after --server):
 * a command that cannot run is refused before any server starts. */
void custom_servers_check(const struct run_opts *o, struct argp_state *st);
/* A reference server named runs under one scenario at least (our
 * handlers asked nothing there), else the parse fails. */
void reference_runs_somewhere(const struct run_opts *o, struct argp_state *st);
/* A reference server's program is there (why: what is missing). */
bool reference_installed(const struct model *m, char *why, size_t len);

/* --load-cmd COMMAND: the user's load tool, in place of the scenarios. */
void load_command_set(struct run_opts *o, const char *arg, struct argp_state *st);
/* Split as it will run, {url} and all, and the scenarios set to 'command':
 * a command that cannot run is refused before any server starts. */
void load_command_check(struct run_opts *o, bool scenarios_given, struct argp_state *st);

#endif
