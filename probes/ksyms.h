/* SPDX-License-Identifier: MIT */
/*
 * The kernel's text symbols (/proc/kallsyms, BPF programs and modules
 * included), to name the addresses of a kernel stack. Addresses read as
 * zero unless root (kernel.kptr_restrict): ksyms_load says so.
 *
 *   struct ksyms *ks = ksyms_load(why, len);
 *   const char *name = ksyms_name(ks, addr);   "tcp_sendmsg", or NULL
 *   ksyms_free(ks);
 */
#ifndef WHYSERVE_KSYMS_H
#define WHYSERVE_KSYMS_H

#include <linux/types.h>
#include <stddef.h>

struct ksyms;

/* Read now: NULL with errno set and why saying why. */
struct ksyms *ksyms_load(char *why, size_t len);
/* The function addr is in: the last symbol at or below it, or NULL when
 * it is below them all. */
const char *ksyms_name(const struct ksyms *ks, __u64 addr);
void ksyms_free(struct ksyms *ks);

#endif
