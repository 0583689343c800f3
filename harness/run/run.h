/* SPDX-License-Identifier: MIT */
/* A run: every model asked for under every scenario asked for, one
 * experiment after the other, into one record, ranked at the end. */
#ifndef WHYSERVE_HARNESS_RUN_H
#define WHYSERVE_HARNESS_RUN_H

#include <signal.h>

#include "harness/record/record.h"

/*
 * Runs them all into r (empty), each failure said on stderr as it comes:
 * 0 when every experiment ran; -EINTR when *stop was set (what finished is
 * in r, r->interrupted set); -EIO when some failed (the others are in r);
 * -ECHILD when the only failures were servers that died mid-run (each
 * recorded, failed, with why);
 * -EINVAL or -EACCES when the set-up is wrong (a busy port, ...): later
 * models would fail alike, so the run stops, with one line on stderr.
 */
int run_all(const struct run_opts *o, volatile sig_atomic_t *stop, struct run_record *r);

#endif
