// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * io_uring: what the target asks of io_uring, per opcode.
 *
 *   io_uring_submit_req         an SQE became a request (after its prep)
 *   io_uring_complete           a CQE was posted; req is NULL for the extra
 *                               CQEs of multishot requests (aux CQEs)
 *   io_uring_queue_async_work   a request handed to an io-wq worker thread
 *   io_uring_cqring_wait        io_uring_enter found too few CQEs and sleeps
 *
 * Latency runs from submission to the request's CQE, keyed by the request
 * pointer (requests are recycled, so the key is removed at completion).
 * A multishot request lives as long as it keeps posting: it is counted, not
 * timed, and its aux CQEs are matched to its opcode by (ring, user_data).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "probes/io_uring.h"
#include "probes/bits.bpf.h"
#include "probes/target.bpf.h"

/* REQ_F_APOLL_MULTISHOT of this kernel, found in its BTF by the loader */
const volatile __u64 multishot_flag = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IO_URING_OP_SLOTS);
	__type(key, __u32);
	__type(value, struct io_uring_op_counts);
} ops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct io_uring_totals);
} totals SEC(".maps");

/* request -> submission time; LRU: a request without a CQE
 * (IOSQE_CQE_SKIP_SUCCESS, cancelled rings) must not fill it */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);
	__type(key, __u64);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct io_uring_ms_key);
	__type(value, __u32);
} multishot SEC(".maps");

static __always_inline struct io_uring_op_counts *op_counts(__u32 op)
{
	__u32 slot = op < IO_URING_OP_SLOTS ? op : IO_URING_OP_SLOTS - 1;

	return bpf_map_lookup_elem(&ops, &slot);
}

static __always_inline struct io_uring_totals *totals_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&totals, &zero);
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(submit, struct io_kiocb *req)
{
	struct io_uring_op_counts *c;
	__u64 key, ts;

	if (!current_in_target())
		return 0;
	c = op_counts(req->opcode);
	if (!c)
		return 0;
	__sync_fetch_and_add(&c->submitted, 1);
	if (req->flags & multishot_flag) {
		struct io_uring_ms_key k = {
			.ctx = (__u64)req->ctx,
			.user_data = req->cqe.user_data,
		};
		__u32 op = req->opcode;

		__sync_fetch_and_add(&c->multishot, 1);
		bpf_map_update_elem(&multishot, &k, &op, BPF_ANY);
		return 0;
	}
	key = (__u64)req;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &key, &ts, BPF_ANY);
	return 0;
}

static __always_inline void count_cqe(struct io_uring_op_counts *c, __s32 res)
{
	__sync_fetch_and_add(&c->completed, 1);
	if (res < 0)
		__sync_fetch_and_add(&c->errors, 1);
}

static __always_inline int complete(__u64 ring, struct io_kiocb *req, __u64 user_data, __s32 res,
				    __u32 cflags)
{
	struct io_uring_ms_key k = { .ctx = ring, .user_data = user_data };
	struct io_uring_op_counts *c;
	struct io_uring_totals *t;
	__u64 key, *ts;
	__u32 *op;

	if (!req) {
		/* an aux CQE: a multishot request's, if we saw it submitted */
		op = bpf_map_lookup_elem(&multishot, &k);
		if (!op) {
			t = totals_get();
			if (t)
				__sync_fetch_and_add(&t->unattributed, 1);
			return 0;
		}
		c = op_counts(*op);
		if (c)
			count_cqe(c, res);
		if (!(cflags & IO_URING_CQE_F_MORE))
			bpf_map_delete_elem(&multishot, &k);
		return 0;
	}
	c = op_counts(BPF_CORE_READ(req, opcode));
	if (!c)
		return 0;
	count_cqe(c, res);
	if (BPF_CORE_READ(req, flags) & multishot_flag) {
		if (!(cflags & IO_URING_CQE_F_MORE))
			bpf_map_delete_elem(&multishot, &k);
		return 0;
	}
	key = (__u64)req;
	ts = bpf_map_lookup_elem(&start, &key);
	if (!ts)
		return 0; /* submitted before we attached */
	log2_hist_add(&c->latency, bpf_ktime_get_ns() - *ts);
	bpf_map_delete_elem(&start, &key);
	return 0;
}

/* 6.x: trace_io_uring_complete(ctx, req, cqe) */
SEC("tp_btf/io_uring_complete")
int BPF_PROG(complete_btf, struct io_ring_ctx *ring, void *req, struct io_uring_cqe *cqe)
{
	if (!current_in_target())
		return 0;
	return complete((__u64)ring, req, cqe->user_data, cqe->res, cqe->flags);
}

/* Kernels whose tracepoint passes the fields one by one: the event record
 * has kept the same fields throughout. */
SEC("tp/io_uring/io_uring_complete")
int complete_tp(struct trace_event_raw_io_uring_complete *ev)
{
	if (!current_in_target())
		return 0;
	return complete((__u64)ev->ctx, ev->req, ev->user_data, ev->res, ev->cflags);
}

SEC("tp_btf/io_uring_queue_async_work")
int BPF_PROG(punt, struct io_kiocb *req, int rw)
{
	struct io_uring_op_counts *c;

	if (!current_in_target())
		return 0;
	c = op_counts(req->opcode);
	if (c)
		__sync_fetch_and_add(&c->punted, 1);
	return 0;
}

SEC("tp_btf/io_uring_cqring_wait")
int BPF_PROG(cq_wait, void *ring, int min_events)
{
	struct io_uring_totals *t;

	if (!current_in_target())
		return 0;
	t = totals_get();
	if (t)
		__sync_fetch_and_add(&t->cq_waits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
