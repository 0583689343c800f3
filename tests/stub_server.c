// SPDX-License-Identifier: MIT
/*
 * A server that never starts: it takes any arguments, prints nothing and
 * waits to be killed. The harness's start-up paths (a Ctrl-C while it
 * waits for the start-up line) are tested with it in a model's place.
 */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
