// SPDX-License-Identifier: MIT
#include "servers/common/uring.h"
#include "servers/common/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* set-up flags, newest first: each try drops what the kernel refused */
static const struct {
	unsigned flags;
	const char *lacks; /* what is missing when this try is refused */
} setups[] = {
	{ IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	  "IORING_SETUP_DEFER_TASKRUN (6.1)" },
	{ IORING_SETUP_COOP_TASKRUN, "IORING_SETUP_COOP_TASKRUN (5.19)" },
	{ 0, NULL },
};

int uring_init(struct io_uring *ring, unsigned entries, unsigned setup_flags)
{
	struct io_uring_params p = {
		.flags = setup_flags | IORING_SETUP_CQSIZE,
		.cq_entries = 4 * entries,
	};

	return io_uring_queue_init_params(entries, ring, &p);
}

struct io_uring_sqe *uring_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	while (!sqe) {
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
	}
	return sqe;
}

/* Submits the SQE prepared last: still in flight, or refused at once? */
static bool in_flight(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	bool ok;

	io_uring_submit(ring);
	if (io_uring_peek_cqe(ring, &cqe))
		return true;
	ok = cqe->res != -EINVAL;
	io_uring_cqe_seen(ring, cqe);
	return ok;
}

static bool probe_multishot_accept(struct io_uring *ring)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	/* an address of only the family: the kernel picks an abstract one */
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa_family_t)) && !listen(fd, 1)) {
		io_uring_prep_multishot_accept(uring_sqe(ring), fd, NULL, NULL, 0);
		ok = in_flight(ring);
	}
	if (fd >= 0)
		close(fd); /* what is in flight holds the socket until the ring goes */
	return ok;
}

static bool probe_multishot_recv(struct io_uring *ring, int group)
{
	struct io_uring_sqe *sqe;
	int sv[2];
	bool ok;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return false;
	sqe = uring_sqe(ring);
	io_uring_prep_recv_multishot(sqe, sv[0], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = group;
	ok = in_flight(ring);
	close(sv[0]);
	close(sv[1]);
	return ok;
}

int uring_probe(struct uring_features *f)
{
	bool legacy = getenv("WHYSERVE_IO_URING_LEGACY") != NULL;
	char lacks[512] = "";
	struct uring_bufs bufs;
	struct io_uring ring;
	int err, i;

	*f = (struct uring_features){ 0 };
	/* legacy: start at the last try, as if the others had been refused */
	for (i = 0; legacy && setups[i].lacks; i++)
		strcat(strcat(lacks, "; "), setups[i].lacks);
	for (;; i++) {
		err = uring_init(&ring, 8, setups[i].flags);
		if (err != -EINVAL || !setups[i].lacks)
			break;
		strcat(strcat(lacks, "; "), setups[i].lacks);
	}
	if (err) {
		report("failed to set up io_uring: %s", strerror(-err));
		return err;
	}
	f->setup_flags = setups[i].flags;
	if (!legacy) {
		f->buf_ring = !uring_bufs_init(&bufs, &ring, 0, 8, 64, true);
		f->multishot_accept = probe_multishot_accept(&ring);
		f->multishot_recv = f->buf_ring && probe_multishot_recv(&ring, 0);
		if (f->buf_ring)
			uring_bufs_free(&bufs);
	}
	io_uring_queue_exit(&ring);

	if (!f->buf_ring)
		strcat(lacks, "; provided-buffer rings (5.19): refilled by PROVIDE_BUFFERS");
	if (!f->multishot_accept)
		strcat(lacks, "; multishot accept (5.19): one accept per connection");
	if (!f->multishot_recv)
		strcat(lacks, "; multishot recv (6.0): one recv per read");
	if (lacks[0])
		report("this kernel lacks %s%s", lacks + 2,
		       legacy ? " (as WHYSERVE_IO_URING_LEGACY asks)" : "");
	return 0;
}

int uring_bufs_init(struct uring_bufs *b, struct io_uring *ring, int group, unsigned count,
		    unsigned size, bool use_ring)
{
	struct io_uring_buf_reg reg = { .ring_entries = count, .bgid = group };
	struct io_uring_cqe *cqe;
	int err;

	*b = (struct uring_bufs){ .ring = ring, .count = count, .size = size, .group = group };
	if (posix_memalign((void **)&b->mem, 4096, (size_t)count * size))
		return -ENOMEM;
	if (!use_ring) {
		/* before 5.19: hand the kernel all the buffers with one SQE */
		io_uring_prep_provide_buffers(uring_sqe(ring), b->mem, size, count, group, 0);
		err = io_uring_submit_and_wait(ring, 1);
		if (err >= 0)
			err = io_uring_wait_cqe(ring, &cqe);
		if (err >= 0) {
			err = cqe->res < 0 ? cqe->res : 0;
			io_uring_cqe_seen(ring, cqe);
		}
		goto out;
	}
	/* liburing 2.4+ has io_uring_setup_buf_ring(); 2.3 does not: map it ourselves */
	b->br = mmap(NULL, count * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->br == MAP_FAILED) {
		b->br = NULL;
		err = -errno;
		goto out;
	}
	reg.ring_addr = (unsigned long)b->br;
	err = io_uring_register_buf_ring(ring, &reg, 0);
	if (err)
		goto out;
	io_uring_buf_ring_init(b->br);
	for (unsigned bid = 0; bid < count; bid++)
		uring_buf_put(b, bid);
	uring_bufs_publish(b);
out:
	if (err)
		uring_bufs_free(b);
	return err;
}

void uring_bufs_free(struct uring_bufs *b)
{
	if (b->br) {
		io_uring_unregister_buf_ring(b->ring, b->group);
		munmap(b->br, b->count * sizeof(struct io_uring_buf));
	}
	free(b->mem);
	*b = (struct uring_bufs){ 0 };
}

void uring_buf_put(struct uring_bufs *b, unsigned bid)
{
	struct io_uring_sqe *sqe;

	if (b->br) {
		io_uring_buf_ring_add(b->br, uring_buf(b, bid), b->size, bid,
				      io_uring_buf_ring_mask(b->count), b->added++);
		return;
	}
	sqe = uring_sqe(b->ring);
	io_uring_prep_provide_buffers(sqe, uring_buf(b, bid), b->size, 1, b->group, bid);
	io_uring_sqe_set_data64(sqe, URING_IGNORE);
}

void uring_bufs_publish(struct uring_bufs *b)
{
	if (b->br && b->added) {
		io_uring_buf_ring_advance(b->br, b->added);
		b->added = 0;
	}
}
