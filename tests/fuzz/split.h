/* SPDX-License-Identifier: MIT */
/*
 * What the fuzz targets of incremental parsers share: the input fed whole
 * and fed in two pieces must give the same answers, however it is split.
 *
 *   static void feed(const struct iovec *pieces, int n, struct answers *out)
 *   {
 *           ... a fresh parser takes the pieces in order, answers_add()
 *           for each answer, then the end of the stream ...
 *   }
 *   int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
 *   {
 *           split_check(data, size, feed, field_names);
 *           return 0;
 *   }
 */
#ifndef WHYSERVE_TESTS_FUZZ_SPLIT_H
#define WHYSERVE_TESTS_FUZZ_SPLIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* the figures that make one answer, named by the target */
#define ANSWER_FIELDS 5

/* A parser's answers, in order. */
struct answers {
	uint64_t (*v)[ANSWER_FIELDS];
	size_t n, cap;
};

void answers_add(struct answers *a, const uint64_t v[ANSWER_FIELDS]);

/* Feeds the pieces, as reads of one stream, to a fresh parser; its answers into out. */
typedef void (*feed_fn)(const struct iovec *pieces, int n, struct answers *out);

/*
 * The first two bytes of data say where to cut the rest in two. The rest
 * fed whole, then in those two pieces (each in a buffer of its own size, so
 * that ASan sees a read past one), must give the same answers: else both
 * are printed, with the fields' names, and the process aborts.
 */
void split_check(const uint8_t *data, size_t size, feed_fn feed,
		 const char *const names[ANSWER_FIELDS]);

#endif
