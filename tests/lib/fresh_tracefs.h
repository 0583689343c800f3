/* SPDX-License-Identifier: MIT */
/* A case that sees the machine as a fresh one does: no tracefs mounted. */
#ifndef WHYSERVE_TESTS_FRESH_TRACEFS_H
#define WHYSERVE_TESTS_FRESH_TRACEFS_H

/*
 * Moves the calling case into a mount namespace of its own (private: the
 * machine is not touched) and unmounts tracefs there, wherever the machine
 * had it, so that the code under test has to mount it itself. Call it
 * first in the case, before any thread starts. Skips the case when that
 * cannot be done (not root).
 */
void test_without_tracefs(void);

#endif
