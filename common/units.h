/* SPDX-License-Identifier: MIT */
/* Numbers as people read them: "640 µs", "1.03 s", "81.2k", "3 204". */
#ifndef WHYSERVE_HARNESS_UNITS_H
#define WHYSERVE_HARNESS_UNITS_H

#include <stddef.h>

/* A duration given in microseconds, in ns/µs/ms/s with 3 significant digits. */
char *fmt_us(char *buf, size_t len, double us);
/* A count with thin grouping (12 345), or with k/M past a million. */
char *fmt_count(char *buf, size_t len, double n);
/* A ratio as a percentage with up to one decimal: "91%", "0.4%". */
char *fmt_pct(char *buf, size_t len, double share);
/* A size in bytes, in B/KiB/MiB/GiB with 3 significant digits; "-" for NAN. */
char *fmt_bytes(char *buf, size_t len, double bytes);

#endif
