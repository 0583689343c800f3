/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* io_uring: types shared by io_uring.bpf.c and its loader. */
#ifndef WHYSERVE_IO_URING_H
#define WHYSERVE_IO_URING_H

#include "probes/hist.h"

/* Slots per opcode (6.18 has 63 opcodes); opcodes from the last slot up
 * are counted together in it. */
#define IO_URING_OP_SLOTS 72

/* uapi: a multishot request's CQE that is not its last */
#define IO_URING_CQE_F_MORE (1U << 1)

/* Per CPU, per opcode. */
struct io_uring_op_counts {
	__u64 submitted;	  /* SQEs submitted (io_uring_submit_req) */
	__u64 completed;	  /* CQEs posted (io_uring_complete) */
	__u64 errors;		  /* ... with res < 0 */
	__u64 punted;		  /* handed to an io-wq worker (io_uring_queue_async_work) */
	__u64 multishot;	  /* submissions that post many CQEs (no latency) */
	struct log2_hist latency; /* ns, submission to completion, single-shot */
};

/* Per CPU, for the whole target. */
struct io_uring_totals {
	__u64 cq_waits;	    /* io_uring_enter sleeping for completions */
	__u64 unattributed; /* CQEs whose request we did not see submitted */
};

/* A multishot request's extra CQEs carry no request: they are matched to
 * its opcode by ring and user_data. */
struct io_uring_ms_key {
	__u64 ctx;
	__u64 user_data;
};

#endif
