// SPDX-License-Identifier: MIT
#include "tests/lib/bpf_progs.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int bpf_progs_list(struct bpf_progs *p)
{
	union bpf_attr attr;

	p->n = 0;
	memset(&attr, 0, sizeof(attr));
	while (p->n < BPF_PROGS_MAX) {
		if (syscall(__NR_bpf, BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)) < 0)
			return errno == ENOENT ? 0 : -errno;
		p->id[p->n++] = attr.next_id;
		attr.start_id = attr.next_id;
	}
	return 0;
}

int bpf_progs_new(const struct bpf_progs *before, const struct bpf_progs *now)
{
	int fresh = 0;

	for (int i = 0; i < now->n; i++) {
		bool seen = false;

		for (int k = 0; k < before->n && !seen; k++)
			seen = before->id[k] == now->id[i];
		fresh += !seen;
	}
	return fresh;
}
