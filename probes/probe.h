/* SPDX-License-Identifier: MIT */
/*
 * What every probe's user-space API looks like. For a probe NAME
 * (probes/NAME.bpf.c, probes/NAME.h for the types shared with BPF,
 * probes/NAME.c for this API):
 *
 *   int  NAME_probe_open(struct NAME_probe **p, const struct probe_target *t);
 *                                       open the skeleton, set the target, load
 *   int  NAME_probe_attach(struct NAME_probe *p);
 *   int  NAME_probe_read(struct NAME_probe *p, struct NAME_stats *out);
 *   int  NAME_probe_reset(struct NAME_probe *p);      zero the counters
 *   void NAME_probe_destroy(struct NAME_probe *p);    detach, unload; NULL ok
 *   void NAME_stats_print(FILE *f, const struct NAME_stats *s);
 *   json_t *NAME_stats_to_json(const struct NAME_stats *s);
 *
 * Functions return 0 or -errno. A hook this kernel lacks makes open or
 * attach fail with a reason (probe_why) that names it; it never aborts
 * anything else.
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
