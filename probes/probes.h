/* SPDX-License-Identifier: MIT */
/*
 * All the probes together, for one target: what `harness run` calls.
 *
 *   struct probes *ps;
 *   probes_open(&ps, &target, NULL);   every probe this kernel allows
 *   probes_attach(ps);                 ... warm-up ...
 *   probes_reset(ps);                  ... the measured load ...
 *   probes_read(ps, stats);
 *   probes_print(stdout, ps, stats);
 *   probes_destroy(ps);
 *
 * A probe that cannot open or attach (a hook missing, no BTF, not root) is
 * marked unavailable with its reason, and the others go on: only running
 * out of memory fails probes_open. While the probes are open the kernel's
 * BPF run-time statistics are on, so each probe reports its own cost; the
 * previous setting comes back at probes_destroy (or if the process dies).
 */
#ifndef WHYSERVE_PROBES_H
#define WHYSERVE_PROBES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/accept_queue_probe.h"
#include "probes/cpu_profile_probe.h"
#include "probes/errors_probe.h"
#include "probes/io_uring_probe.h"
#include "probes/page_faults_probe.h"
#include "probes/probe.h"
#include "probes/sched_probe.h"
#include "probes/syscalls_probe.h"

enum probe_kind {
	PROBE_SYSCALLS,
	PROBE_SCHED,
	PROBE_ACCEPT_QUEUE,
	PROBE_IO_URING,
	PROBE_PAGE_FAULTS,
	PROBE_CPU_PROFILE,
	PROBE_ERRORS,
	PROBE_KINDS,
};

struct probe_status {
	const char *name;   /* "syscalls", "io_uring": as in results.json */
	const char *yields; /* what a run without it goes without */
	bool available;	    /* opened, and attached once probes_attach ran */
	char why[256];	    /* why not; or "not asked for" */
};

struct probes_opts {
	unsigned only;		 /* open only these (1 << PROBE_x); 0: all */
	bool no_cost;		 /* leave the BPF run-time statistics alone: costs read
			* zero, and the probes run a little cheaper */
	bool time_every_syscall; /* exact syscall times, not a sample of the
				  * hot, fast calls (probes/syscalls.h) */
};

struct probes {
	struct probe_status status[PROBE_KINDS];
	void *probe[PROBE_KINDS]; /* its handle (probes/probe.h), NULL when unavailable */
	int stats_fd;		  /* holds BPF run-time statistics on; -1: off */
	char cost_why[128];	  /* why costs read zero, if they do */
};

/* What every available probe measured since attach (or the last reset). */
struct probes_stats {
	bool have[PROBE_KINDS];
	struct syscalls_stats syscalls;
	struct sched_stats sched;
	struct accept_queue_stats accept_queue;
	struct io_uring_stats io_uring;
	struct page_faults_stats page_faults;
	struct cpu_profile_stats cpu_profile;
	struct errors_stats errors;
};

/* 0 or -ENOMEM; *ps is set either way on success. opts may be NULL. */
int probes_open(struct probes **ps, const struct probe_target *t, const struct probes_opts *opts);
/* Attaches every available probe; one that fails becomes unavailable. */
int probes_attach(struct probes *ps);
/* Zeroes every probe's counters: the measurement starts now. */
int probes_reset(struct probes *ps);
/* Reads every available probe; one that fails to read is left out. */
int probes_read(struct probes *ps, struct probes_stats *out);
void probes_destroy(struct probes *ps);

/* A kernel hook a probe rests on, as `harness check` lists it. */
struct probe_hook {
	const char *sec;   /* libbpf section name: "tp_btf/sched_switch" */
	const char *alt;   /* taken instead when sec is missing, or NULL */
	const char *gives; /* what it measures */
	bool required;	   /* without it (or alt) the probe does not open */
};
/* The hooks of probe k, ending with one whose sec is NULL. */
const struct probe_hook *probe_hooks(enum probe_kind k);

/* Its name: "io_uring". */
const char *probe_name(enum probe_kind k);
/* What an available probe measured without, and why ("" if nothing), as read. */
const char *probes_lacks(const struct probes_stats *s, enum probe_kind k);

/* Number of available probes. */
int probes_available(const struct probes *ps);
/* The probe called name, or -ENOENT. */
int probe_kind_of(const char *name);
/* Run-time cost of one probe as read, or NULL when it did not run. */
const struct prog_cost *probes_cost(const struct probes_stats *s, enum probe_kind k);

/* Trace summaries of the available probes, the others with their reason. */
void probes_print(FILE *f, const struct probes *ps, const struct probes_stats *s);
/* What each probe cost: programs run, ns per run, total. */
void probes_print_cost(FILE *f, const struct probes *ps, const struct probes_stats *s);
/* {"syscalls": {...}, ..., "sched": {"available": false, "why": "..."}} */
json_t *probes_to_json(const struct probes *ps, const struct probes_stats *s);
/*
 * The inverse, for printing a run again from results.json: ps gets each
 * probe's status (available, or why not) and no probe, s what they
 * measured; a probe the record does not name (one older than the probe)
 * is unavailable, and says so. 0, or -EINVAL when j is not such a record.
 */
int probes_from_json(const json_t *j, struct probes *ps, struct probes_stats *s);

#endif
