// SPDX-License-Identifier: MIT
#include "probes/hist_print.h"

#define STARS 40

static void stars(FILE *f, __u64 val, __u64 max)
{
	int n = max ? (int)(val * STARS / max) : 0;

	for (int i = 0; i < STARS; i++)
		fputc(i < n ? '*' : ' ', f);
}

/* Draws n slots; slot i covers [2^i, 2^(i+1)), slot 0 also 0. */
static void draw(FILE *f, const __u64 *vals, int n, const char *unit)
{
	__u64 max = 0;
	int last = -1, w;

	for (int i = 0; i < n; i++) {
		if (vals[i] > max)
			max = vals[i];
		if (vals[i])
			last = i;
	}
	if (last < 0) {
		fprintf(f, "     (no events)\n");
		return;
	}
	w = last < 32 ? 10 : 20; /* as bcc: wider columns for big values */
	fprintf(f, "%*s%-*s : count    distribution\n", w - 5, "", w + 9, unit);
	for (int i = 0; i <= last; i++) {
		unsigned long long low = i ? 1ULL << i : 0;
		unsigned long long high = (1ULL << (i + 1)) - 1;

		fprintf(f, "%*llu -> %-*llu : %-8llu |", w, low, w, high,
			(unsigned long long)vals[i]);
		stars(f, vals[i], max);
		fprintf(f, "|\n");
	}
}

void print_log2_hist(FILE *f, const struct log2_hist *h, const char *unit)
{
	draw(f, h->slots, LOG2_SLOTS, unit);
}

void print_log2_hist_ns_as_us(FILE *f, const struct log2_hist *h)
{
	/* ns slot s is [2^s, 2^(s+1)) ns; 2^10 ns ≈ 1 µs, so µs slot k is ns
	 * slot k+10 (a 2.4% approximation bcc users will not notice), and
	 * everything below 1 µs folds into µs slot 0. */
	__u64 us[LOG2_SLOTS] = { 0 };

	for (int s = 0; s < LOG2_SLOTS; s++)
		us[s < 10 ? 0 : s - 10] += h->slots[s];
	draw(f, us, LOG2_SLOTS - 10, "usecs");
}

__u64 log2_hist_total(const struct log2_hist *h)
{
	__u64 n = 0;

	for (int i = 0; i < LOG2_SLOTS; i++)
		n += h->slots[i];
	return n;
}

__u64 log2_hist_percentile(const struct log2_hist *h, double p)
{
	__u64 total = log2_hist_total(h), seen = 0;

	if (!total)
		return 0;
	for (int i = 0; i < LOG2_SLOTS; i++) {
		seen += h->slots[i];
		if (seen * 100.0 >= p * total)
			return (1ULL << (i + 1)) - 1;
	}
	return (1ULL << LOG2_SLOTS) - 1;
}
