/* SPDX-License-Identifier: MIT */
/*
 * What every probe's user-space API looks like. For a probe NAME
 * (probes/NAME.bpf.c, probes/NAME.h for the types shared with BPF,
 * probes/NAME_probe.h declaring this API, probes/NAME.c for it):
 *
 *   int  NAME_probe_open(struct NAME_probe **p, const struct probe_target *t,
 *                        char *why, size_t len);
 *                                       open the skeleton, set the target, load
 *   int  NAME_probe_attach(struct NAME_probe *p, char *why, size_t len);
 *   int  NAME_probe_read(struct NAME_probe *p, struct NAME_stats *out);
 *   int  NAME_probe_reset(struct NAME_probe *p);      zero the counters
 *   void NAME_probe_destroy(struct NAME_probe *p);    detach, unload; NULL ok
 *   void NAME_stats_print(FILE *f, const struct NAME_stats *s);
 *   json_t *NAME_stats_to_json(const struct NAME_stats *s);
 *   int  NAME_stats_from_json(const json_t *j, struct NAME_stats *s);
 *                                       the inverse, from results.json
 *
 * and struct NAME_stats has, besides its figures:
 *
 *   struct prog_cost cost;  its programs' runs and ns since attach or reset
 *   char why[192];          figures it goes without, and why ("" if none)
 *
 * Functions return 0 or -errno. When open or attach fails, why (len bytes,
 * len > 0, the caller's) says why, or is "" when errno says it all; it is
 * "" after a success. A hook this kernel lacks (probes/hooks.h tells,
 * before load) makes open fail with a reason that names it, or leaves out
 * the figures that need it (stats.why); it never aborts anything else.
 * probes/probes.h runs every probe through this API.
 */
#ifndef WHYSERVE_PROBE_H
#define WHYSERVE_PROBE_H

#include <sys/types.h>
#include <linux/types.h>

struct probe_target {
	__u64 cgroup_id; /* cgroup v2 id of the server under test */
	pid_t pid;       /* its main process: /proc/PID/net/ names its netns */
};

#endif
