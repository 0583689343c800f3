// SPDX-License-Identifier: MIT
#include "tests/fuzz/split.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void answers_add(struct answers *a, const uint64_t v[ANSWER_FIELDS])
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->v = realloc(a->v, a->cap * sizeof(a->v[0]));
		if (!a->v)
			abort();
	}
	memcpy(a->v[a->n++], v, sizeof(a->v[0]));
}

static void print_answers(const char *how, const struct answers *a,
			  const char *const names[ANSWER_FIELDS])
{
	fprintf(stderr, "%s: %zu answer(s)\n", how, a->n);
	for (size_t i = 0; i < a->n; i++) {
		fprintf(stderr, "  [%zu]", i);
		for (int k = 0; k < ANSWER_FIELDS; k++)
			fprintf(stderr, " %s %" PRIu64, names[k], a->v[i][k]);
		fputc('\n', stderr);
	}
}

/* a copy of exactly the piece's bytes, for ASan */
static struct iovec piece(const uint8_t *data, size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p)
		abort();
	memcpy(p, data, len);
	return (struct iovec){ p, len };
}

void split_check(const uint8_t *data, size_t size, feed_fn feed,
		 const char *const names[ANSWER_FIELDS])
{
	struct answers whole = { 0 }, split = { 0 };
	struct iovec pieces[2];
	size_t cut;

	if (size < 2)
		return;
	cut = (data[0] | data[1] << 8) % (size - 1);
	data += 2;
	size -= 2;
	pieces[0] = piece(data, size);
	feed(pieces, 1, &whole);
	free(pieces[0].iov_base);

	pieces[0] = piece(data, cut);
	pieces[1] = piece(data + cut, size - cut);
	feed(pieces, 2, &split);
	free(pieces[0].iov_base);
	free(pieces[1].iov_base);

	if (whole.n != split.n ||
	    (whole.n && memcmp(whole.v, split.v, whole.n * sizeof(whole.v[0])))) {
		fprintf(stderr,
			"the answers depend on how the input is split (at %zu of %zu bytes)\n", cut,
			size);
		print_answers("fed whole", &whole, names);
		print_answers("fed in two pieces", &split, names);
		abort();
	}
	free(whole.v);
	free(split.v);
}
