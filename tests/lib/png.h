/* SPDX-License-Identifier: MIT */
/* Just enough of a PNG reader to look at a screenshot: 8-bit RGB or RGBA,
 * not interlaced (what Chromium writes). Needs -lz. */
#ifndef WHYSERVE_TESTS_PNG_H
#define WHYSERVE_TESTS_PNG_H

#include <stdint.h>

struct png_image {
	unsigned int width, height;
	unsigned int channels; /* 3 or 4 */
	uint8_t *px;	       /* rows of width * channels bytes */
};

/* 0 or -errno (-EINVAL: not a PNG of that kind). */
int png_load(const char *path, struct png_image *img);
void png_free(struct png_image *img);

/* Distinct colours (counted up to max), and into *top_share the share of
 * the pixels taken by the commonest colour: a blank page is one colour. */
unsigned int png_colours(const struct png_image *img, unsigned int max, double *top_share);

#endif
