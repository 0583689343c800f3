/* SPDX-License-Identifier: MIT */
/*
 * io_uring set-up for server-io_uring: which features this kernel has
 * (probed once, at start-up), rings created with the best set-up flags it
 * takes, and provided buffers: a buffer ring, or the older
 * IORING_OP_PROVIDE_BUFFERS where there is none.
 */
#ifndef WHYSERVE_URING_H
#define WHYSERVE_URING_H

#include <liburing.h>
#include <stdbool.h>

struct uring_features {
	unsigned setup_flags;  /* IORING_SETUP_* the kernel takes */
	bool buf_ring;	       /* provided-buffer rings: 5.19 */
	bool multishot_accept; /* IORING_ACCEPT_MULTISHOT: 5.19 */
	bool multishot_recv;   /* IORING_RECV_MULTISHOT: 6.0 */
};

/*
 * Probes the kernel on a scratch ring and socket, and says on stderr, in
 * one line, what it lacks and what is done instead. The environment
 * variable WHYSERVE_IO_URING_LEGACY=1 makes it report all of them missing
 * (to test the fallbacks). 0 or -errno: io_uring itself is unusable.
 */
int uring_probe(struct uring_features *f);
/* A ring of entries SQEs (4x as many CQEs). 0 or -errno. */
int uring_init(struct io_uring *ring, unsigned entries, unsigned setup_flags);
/* The next free SQE, submitting the queue first when it is full. */
struct io_uring_sqe *uring_sqe(struct io_uring *ring);

/* CQEs with this user_data are of no interest (provided-buffer refills). */
#define URING_IGNORE 0

struct uring_bufs {
	struct io_uring *ring;
	struct io_uring_buf_ring *br; /* NULL: refilled with PROVIDE_BUFFERS */
	char *mem;
	unsigned count, size, added;
	int group;
};

/* count (a power of two) buffers of size bytes, as buffer group group. */
int uring_bufs_init(struct uring_bufs *b, struct io_uring *ring, int group, unsigned count,
		    unsigned size, bool use_ring);
void uring_bufs_free(struct uring_bufs *b);
static inline char *uring_buf(const struct uring_bufs *b, unsigned bid)
{
	return b->mem + (size_t)bid * b->size;
}
/* Gives buffer bid back to the kernel (visible after uring_bufs_publish). */
void uring_buf_put(struct uring_bufs *b, unsigned bid);
void uring_bufs_publish(struct uring_bufs *b);

#endif
