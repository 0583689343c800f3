/* SPDX-License-Identifier: MIT */
/*
 * uring probe (io_uring): per opcode, submissions, completions (CQEs),
 * errors, punts to io-wq workers, the submission-to-completion latency;
 * and how often io_uring_enter slept waiting for completions. The API
 * follows probes/probe.h.
 *
 * Costs (struct prog_cost) are zero unless the caller holds
 * prog_stats_enable() while the probe runs.
 */
#ifndef WHYSERVE_URING_PROBE_H
#define WHYSERVE_URING_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/probe.h"
#include "probes/prog_stats.h"
#include "probes/uring.h"

struct uring_op_stats {
	__u64 submitted;
	__u64 completed;  /* CQEs: a multishot request posts many */
	__u64 errors;     /* CQEs with res < 0 */
	__u64 punted;     /* to io-wq: blocking work, or IOSQE_ASYNC */
	__u64 multishot;  /* multishot submissions (not in latency) */
	struct log2_hist latency; /* ns, submission to CQE */
};

struct uring_stats {
	struct uring_op_stats ops[URING_OP_SLOTS]; /* by opcode (IORING_OP_*) */
	__u64 submitted, completed, errors, punted; /* over all opcodes */
	__u64 cq_waits;     /* io_uring_enter slept for completions */
	__u64 unattributed; /* CQEs not matched to a request: submitted before
			     * attach, or posted for none (MSG_RING) */
	bool have_punts, have_waits;
	struct prog_cost cost;
	char why[192];      /* what is missing and why; "" when all works */
};

struct uring_probe;

int uring_probe_open(struct uring_probe **p,
		     const struct probe_target *t, char *why, size_t len);
int uring_probe_attach(struct uring_probe *p, char *why, size_t len);
int uring_probe_read(struct uring_probe *p, struct uring_stats *out);
int uring_probe_reset(struct uring_probe *p);
void uring_probe_destroy(struct uring_probe *p);

/* Tests: attach io_uring_complete as kernels before 6.13 offer it, the
 * classic tracepoint (needs tracefs), instead of tp_btf. */
extern bool uring_probe_classic_complete;

/* "READ", "ACCEPT", ... from this kernel's enum io_uring_op; NULL if unknown */
const char *uring_op_name(unsigned int op);

void uring_stats_print(FILE *f, const struct uring_stats *s);
json_t *uring_stats_to_json(const struct uring_stats *s);
/* The inverse, from results.json: 0 or -EINVAL. */
int uring_stats_from_json(const json_t *j, struct uring_stats *s);

#endif
