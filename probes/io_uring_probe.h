/* SPDX-License-Identifier: MIT */
/*
 * io_uring probe: per opcode, submissions, completions (CQEs),
 * errors, punts to io-wq workers, the submission-to-completion latency;
 * and how often io_uring_enter slept waiting for completions. The API
 * follows probes/probe.h.
 *
 * Costs (struct prog_cost) are zero unless the caller holds
 * prog_stats_enable() while the probe runs.
 */
#ifndef WHYSERVE_IO_URING_PROBE_H
#define WHYSERVE_IO_URING_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/io_uring.h"
#include "probes/probe.h"
#include "probes/prog_stats.h"

struct io_uring_op_stats {
	__u64 submitted;
	__u64 completed;	  /* CQEs: a multishot request posts many */
	__u64 errors;		  /* CQEs with res < 0 */
	__u64 punted;		  /* to io-wq: blocking work, or IOSQE_ASYNC */
	__u64 multishot;	  /* multishot submissions (not in latency) */
	struct log2_hist latency; /* ns, submission to CQE */
};

struct io_uring_stats {
	struct io_uring_op_stats ops[IO_URING_OP_SLOTS]; /* by opcode (IORING_OP_*) */
	__u64 submitted, completed, errors, punted;	 /* over all opcodes */
	__u64 cq_waits;					 /* io_uring_enter slept for completions */
	__u64 unattributed; /* CQEs not matched to a request: submitted before
			     * attach, or posted for none (MSG_RING) */
	bool have_punts, have_waits;
	struct prog_cost cost;
	char why[192]; /* what is missing and why; "" when all works */
};

/* The calls of probes/probe.h, on its common types: p is a handle from
 * open, stats a struct io_uring_stats. */
extern const struct probe_ops io_uring_probe_ops;

int io_uring_probe_open(void **p, const struct probe_target *t, char *why, size_t len);
int io_uring_probe_attach(void *p, char *why, size_t len);
int io_uring_probe_read(void *p, void *stats);
int io_uring_probe_reset(void *p);
void io_uring_probe_destroy(void *p);

/* Tests: attach io_uring_complete as kernels before 6.13 offer it, the
 * classic tracepoint (needs tracefs), instead of tp_btf. */
extern bool io_uring_probe_classic_complete;

/* "READ", "ACCEPT", ... from this kernel's enum io_uring_op; NULL if unknown */
const char *io_uring_op_name(unsigned int op);

void io_uring_stats_print(FILE *f, const void *stats);
json_t *io_uring_stats_to_json(const void *stats);
/* The inverse, from results.json: 0, or -EINVAL (not such a record) or
 * -ERANGE (a value that does not fit its member). */
int io_uring_stats_from_json(const json_t *j, void *stats);

#endif
