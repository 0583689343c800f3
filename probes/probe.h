/* SPDX-License-Identifier: MIT */
/*
 * What every probe's user-space API looks like. For a probe NAME
 * (probes/NAME.bpf.c, probes/NAME.h for the types shared with BPF,
 * probes/NAME_probe.h declaring this API, probes/NAME.c for it):
 *
 *   int  NAME_probe_open(void **p, const struct probe_target *t,
 *                        char *why, size_t len);
 *                                       open the skeleton, set the target, load
 *   int  NAME_probe_attach(void *p, char *why, size_t len);
 *   int  NAME_probe_read(void *p, void *stats);       into a struct NAME_stats
 *   int  NAME_probe_reset(void *p);                   zero the counters
 *   void NAME_probe_destroy(void *p);                 detach, unload; NULL ok
 *   void NAME_stats_print(FILE *f, const void *stats);
 *   json_t *NAME_stats_to_json(const void *stats);
 *   int  NAME_stats_from_json(const json_t *j, void *stats);
 *                                       the inverse, from results.json
 *
 * p is the handle open gave, stats a struct NAME_stats: the calls take the
 * types every probe shares, so that one table of them, NAME_probe_ops,
 * serves probes/probes.h, which runs every probe through it. And struct
 * NAME_stats has, besides its figures:
 *
 *   struct prog_cost cost;  its programs' runs and ns since attach or reset
 *   char why[192];          figures it goes without, and why ("" if none)
 *
 * Functions return 0 or -errno. When open or attach fails, why (len bytes,
 * len > 0, the caller's) says why, or is "" when errno says it all; it is
 * "" after a success. A hook this kernel lacks (probes/hooks.h tells,
 * before load) makes open fail with a reason that names it, or leaves out
 * the figures that need it (stats.why); it never aborts anything else.
 */
#ifndef WHYSERVE_PROBE_H
#define WHYSERVE_PROBE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>

struct probe_target {
	__u64 cgroup_id; /* cgroup v2 id of the server under test */
	pid_t pid;	 /* its main process: /proc/PID/net/ names its netns */
};

/* A probe's calls, as above, and what probes/probes.h says of it. */
struct probe_ops {
	const char *name;   /* "syscalls", "io_uring": as in results.json */
	const char *yields; /* what a run without it goes without */
	int (*open)(void **p, const struct probe_target *t, char *why, size_t len);
	int (*attach)(void *p, char *why, size_t len);
	int (*read)(void *p, void *stats);
	int (*reset)(void *p);
	void (*destroy)(void *p);
	void (*print)(FILE *f, const void *stats);
	json_t *(*to_json)(const void *stats);
	int (*from_json)(const json_t *j, void *stats);
	size_t cost, why;	 /* offsets of stats.cost and stats.why */
	bool counts_without_btf; /* has a way without BPF: opened even without BTF */
};

#endif
