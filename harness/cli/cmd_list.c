// SPDX-License-Identifier: MIT
/* harness list: the models and scenarios `harness run` knows. */
#include "harness/record/catalog.h"
#include "harness/cli/commands.h"
#include "harness/cli/server_flag.h"

#include <stdio.h>
#include <string.h>

int cmd_list(int argc, char **argv)
{
	char why[256];

	if (argc > 1 && strcmp(argv[1], "--help")) {
		fprintf(stderr, "harness list: takes no arguments\n");
		return 2;
	}
	if (argc > 1) {
		printf("Usage: harness list\n\nLists the server models and load scenarios.\n");
		return 0;
	}
	printf("Models (all):\n");
	for (int i = 0; i < nmodels; i++)
		if (!models[i].reference)
			printf("  %-10s %s\n", models[i].name, models[i].idea);
	printf("\nReference servers (run when named: harness run all nginx):\n");
	for (int i = 0; i < nmodels; i++)
		if (models[i].reference)
			printf("  %-10s %s; %s\n", models[i].name, models[i].idea,
			       reference_installed(&models[i], why, sizeof(why)) ? "installed"
										 : "not installed");
	printf("\nScenarios (* run by default):\n");
	for (int i = 0; i < nscenarios; i++)
		printf("  %-10s %c %s\n", scenarios[i].name, scenarios[i].by_default ? '*' : ' ',
		       scenarios[i].what);
	return 0;
}
