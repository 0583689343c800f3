/* SPDX-License-Identifier: MIT */
/*
 * The load's options, with one meaning in `harness run` and `harness load`:
 * an argp child both commands include, so the letters, names, units and
 * ranges (the load generator's own, from load.h) are the same in both.
 *
 *   -c, --connections N     -d, --duration TIME     --warmup TIME
 *   --timeout TIME          -R, --rate N            --users N
 *   --spawn-rate N          --think MIN[-MAX]       -q, --quiet
 *   --strict
 *
 * Durations take us, ms, s, m or h ("10" is "10s"); counts and rates k and
 * M. A command points its child input at a struct load_flags whose
 * defaults member holds its own defaults: parsing starts from them (all
 * of the struct: set anything else after parsing), and --help shows them.
 *
 *   static const struct argp_child children[] = { { &load_flags_argp, 0, NULL, 0 }, { 0 } };
 *   ...ARGP_KEY_INIT: state->child_inputs[0] = &env->flags;
 */
#ifndef WHYSERVE_HARNESS_LOAD_FLAGS_H
#define WHYSERVE_HARNESS_LOAD_FLAGS_H

#include <argp.h>
#include <stdbool.h>

#include "harness/load/load.h"

/* each option, for load_flags.given */
enum load_flag {
	LOAD_FLAG_CONNECTIONS,
	LOAD_FLAG_DURATION,
	LOAD_FLAG_WARMUP,
	LOAD_FLAG_TIMEOUT,
	LOAD_FLAG_RATE,
	LOAD_FLAG_USERS,
	LOAD_FLAG_SPAWN_RATE,
	LOAD_FLAG_THINK,
	LOAD_FLAG_QUIET,
	LOAD_FLAG_STRICT,
};

struct load_flags {
	/*
	 * Their values, where load_run takes them: connections, duration_s,
	 * warmup_s, timeout_s, rate, users, spawn_rate, think_min_s and
	 * think_max_s (a command's own options may fill in the rest).
	 */
	struct load_opts o;
	bool quiet;			   /* no progress line */
	unsigned given;			   /* 1 << LOAD_FLAG_*: on the command line */
	const struct load_flags *defaults; /* the command's: set before parsing */
};

#define LOAD_FLAG_GIVEN(f, flag) (((f)->given >> (flag)) & 1)

extern const struct argp load_flags_argp;

#endif
