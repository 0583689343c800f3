// SPDX-License-Identifier: MIT
#include "probes/ksyms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ksym {
	__u64 addr;
	size_t name; /* its offset in the names buffer, which may move */
};

struct ksyms {
	struct ksym *syms;
	size_t n;
	char *names; /* every name, NUL-separated */
};

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Reads every text symbol: its address, its name into the buffer. */
static int read_all(FILE *f, struct ksyms *ks)
{
	size_t cap = 0, names_len = 0, names_cap = 0;
	char line[512];

	while (fgets(line, sizeof(line), f)) {
		char type, name[256];
		unsigned long long addr;
		size_t len;

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue; /* data: never in a stack */
		len = strlen(name) + 1;
		if (ks->n == cap) {
			void *m = realloc(ks->syms,
					  (cap = cap ? cap * 2 : 65536) * sizeof(*ks->syms));

			if (!m)
				return -ENOMEM;
			ks->syms = m;
		}
		if (names_len + len > names_cap) {
			void *m =
				realloc(ks->names, names_cap = names_cap ? names_cap * 2 : 1 << 20);

			if (!m)
				return -ENOMEM;
			ks->names = m;
		}
		memcpy(ks->names + names_len, name, len);
		ks->syms[ks->n].addr = addr;
		ks->syms[ks->n++].name = names_len;
		names_len += len;
	}
	return 0;
}

struct ksyms *ksyms_load(char *why, size_t len)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	FILE *f;
	int err;

	why[0] = '\0';
	if (!ks)
		return NULL;
	f = fopen("/proc/kallsyms", "re");
	if (!f) {
		err = -errno;
		snprintf(why, len, "cannot read /proc/kallsyms: %s", strerror(-err));
		goto fail;
	}
	err = read_all(f, ks);
	fclose(f);
	if (err)
		goto fail;
	qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	if (!ks->n || !ks->syms[ks->n - 1].addr) {
		err = -EPERM;
		snprintf(why, len,
			 "/proc/kallsyms shows no addresses (not root, or kernel.kptr_restrict)");
		goto fail;
	}
	return ks;
fail:
	ksyms_free(ks);
	errno = -err;
	return NULL;
}

const char *ksyms_name(const struct ksyms *ks, __u64 addr)
{
	size_t lo = 0, hi = ks->n;

	/* the first symbol above addr is at lo */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? ks->names + ks->syms[lo - 1].name : NULL;
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->names);
	free(ks);
}
