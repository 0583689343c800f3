// SPDX-License-Identifier: MIT
#include "tests/lib/file.h"
#include "tests/lib/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undo the per-row filters (PNG spec, section 9) in place into img->px. */
static int unfilter(const uint8_t *raw, struct png_image *img)
{
	size_t stride = (size_t)img->width * img->channels, bpp = img->channels;

	for (unsigned int y = 0; y < img->height; y++) {
		const uint8_t *in = raw + y * (stride + 1) + 1;
		uint8_t *out = img->px + y * stride, *up = y ? out - stride : NULL;
		int type = in[-1];

		for (size_t x = 0; x < stride; x++) {
			int a = x >= bpp ? out[x - bpp] : 0, b = up ? up[x] : 0;
			int c = up && x >= bpp ? up[x - bpp] : 0, v;

			switch (type) {
			case 0:
				v = 0;
				break;
			case 1:
				v = a;
				break;
			case 2:
				v = b;
				break;
			case 3:
				v = (a + b) / 2;
				break;
			case 4:
				v = paeth(a, b, c);
				break;
			default:
				return -EINVAL;
			}
			out[x] = in[x] + v;
		}
	}
	return 0;
}

int png_load(const char *path, struct png_image *img)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t len = 0, pos = 8, zlen = 0;
	uint8_t *file = file_read(path, &len), *z = NULL, *raw = NULL;
	uLongf rawlen;
	int err = -EINVAL;

	memset(img, 0, sizeof(*img));
	if (!file)
		return -errno ?: -EIO;
	if (len < 33 || memcmp(file, sig, 8))
		goto out;
	z = malloc(len);
	if (!z) {
		err = -ENOMEM;
		goto out;
	}
	while (pos + 12 <= len) {
		uint32_t n = be32(file + pos);
		const uint8_t *type = file + pos + 4, *data = file + pos + 8;

		if (n > len - pos - 12)
			goto out;
		if (!memcmp(type, "IHDR", 4)) {
			img->width = be32(data);
			img->height = be32(data + 4);
			/* depth 8; colour type 2 (RGB) or 6 (RGBA); no interlace */
			if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12])
				goto out;
			img->channels = data[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			memcpy(z + zlen, data, n);
			zlen += n;
		} else if (!memcmp(type, "IEND", 4)) {
			break;
		}
		pos += n + 12;
	}
	if (!img->width || !img->height || img->width > 20000 || img->height > 40000)
		goto out;
	rawlen = (uLongf)img->height * (img->width * img->channels + 1);
	raw = malloc(rawlen);
	img->px = malloc((size_t)img->height * img->width * img->channels);
	if (!raw || !img->px) {
		err = -ENOMEM;
		goto out;
	}
	if (uncompress(raw, &rawlen, z, zlen) != Z_OK)
		goto out;
	err = unfilter(raw, img);
out:
	if (err)
		png_free(img);
	free(file);
	free(z);
	free(raw);
	return err;
}

void png_free(struct png_image *img)
{
	free(img->px);
	img->px = NULL;
}

unsigned int png_colours(const struct png_image *img, unsigned int max, double *top_share)
{
	enum {
		SLOTS = 1 << 16
	};
	uint32_t *key = calloc(SLOTS, sizeof(*key)), *count = calloc(SLOTS, sizeof(*count));
	size_t npx = (size_t)img->width * img->height, seen = 0;
	unsigned int distinct = 0, top = 0;

	*top_share = 1;
	if (!key || !count)
		goto out;
	for (size_t i = 0; i < npx; i++) {
		const uint8_t *p = img->px + i * img->channels;
		/* opaque colour + 1, so that 0 marks an empty slot */
		uint32_t k = ((uint32_t)p[0] << 16 | p[1] << 8 | p[2]) + 1,
			 h = (k * 2654435761u) >> 16;

		while (key[h] && key[h] != k)
			h = (h + 1) & (SLOTS - 1);
		if (!key[h]) {
			if (distinct == SLOTS / 2)
				continue; /* full: enough colours seen */
			key[h] = k;
			distinct++;
		}
		if (++count[h] > top)
			top = count[h];
		seen++;
	}
	*top_share = seen ? (double)top / seen : 1;
out:
	free(key);
	free(count);
	return distinct < max ? distinct : max;
}
