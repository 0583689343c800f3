// SPDX-License-Identifier: MIT
/* harness run: each model under each scenario, probes attached; then the
 * trace summaries, the comparison and the explanation. */
#include "harness/commands.h"
#include "harness/run_opts.h"

#include <stdio.h>

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	int err = run_opts_parse(argc, argv, &o);

	if (err)
		return err;
	fprintf(stderr, "harness run: not yet wired\n");
	return 1;
}
