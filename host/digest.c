/* SPDX-License-Identifier: GPL-2.0-or-later */
/* digest.c - the image digest of cardboot.h (CRC-32, zlib's polynomial)
 *
 * A segment's digest is the CRC of its file bytes and bss; the image
 * digest chains every segment's file bytes with the parameter block's
 * bytes counted as zeros (the block holds the digest). The load carries
 * both along piece by piece (cl_digest_part) and joins them at the end.
 *
 * libdeflate's CRC-32 (carry-less multiply where the CPU has it) computes
 * the same function as zlib's crc32() several times faster; the digest is
 * on the load path for every byte, so that is the one used. zlib's
 * crc32_combine64 joins the CRCs of pieces computed apart (streamed loads)
 * and appends runs of zeros (bss) without reading them.
 */
#include <libdeflate.h>
#include <zlib.h>
#include "cardboot.h"
#include "internal.h"
#include "load.h"

uint32_t cl_crc32(uint32_t crc, const void *buf, size_t len)
{
	return libdeflate_crc32(crc, buf, len);
}

/* len zero bytes more: they multiply the CRC register (the CRC inverted)
 * by x^(8 len) modulo the polynomial, which zlib's combine operator does in
 * O(log len) steps instead of running the CRC over len zeros (40 MiB of
 * bss took milliseconds). */
uint32_t cl_crc32_zeros(uint32_t crc, uint64_t len)
{
	if (!len)
		return crc;
	return ~(uint32_t)crc32_combine_op(~crc, 0,
					   crc32_combine_gen((z_off_t)len));
}

uint32_t cl_crc32_join(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
	_Static_assert(sizeof(z_off_t) == 8, "64-bit lengths for crc32_combine");
	return (uint32_t)crc32_combine(crc_a, crc_b, (z_off_t)len_b);
}

/* The parameter block's bytes inside segment s's file bytes, as [*lo, *hi)
 * relative to the segment; false if it has none there. */
static bool params_in_seg(const struct cl_plan *p,
			  const struct cl_plan_seg *s, uint64_t *lo,
			  uint64_t *hi)
{
	uint64_t pa = p->params_addr, pn = sizeof(struct cardboot_params);

	if (!p->has_params || !cl_overlap(s->addr, s->filesz, pa, pn))
		return false;
	*lo = pa > s->addr ? pa - s->addr : 0;
	*hi = pa + pn - s->addr < s->filesz ? pa + pn - s->addr : s->filesz;
	return true;
}

void cl_digest_part(const struct cl_plan *p, unsigned i, const uint8_t *d,
		    uint64_t a, uint64_t b, uint32_t *file_crc,
		    uint32_t *img_crc)
{
	uint64_t lo, hi, x, y;

	file_crc[i] = cl_crc32(file_crc[i], d, (size_t)(b - a));
	if (!params_in_seg(p, &p->seg[i], &lo, &hi) || b <= lo ||
	    a >= hi) {
		img_crc[i] = cl_crc32(img_crc[i], d, (size_t)(b - a));
		return;
	}
	x = a > lo ? a : lo;	/* [x, y): the parameter block's bytes */
	y = b < hi ? b : hi;
	img_crc[i] = cl_crc32(img_crc[i], d, (size_t)(x - a));
	img_crc[i] = cl_crc32_zeros(img_crc[i], y - x);
	img_crc[i] = cl_crc32(img_crc[i], d + (y - a), (size_t)(b - y));
}

/* A segment's digest adds its bss; the image digest chains every
 * segment's img_crc. */
void cl_load_digests(const struct cl_plan *p, const uint32_t *file_crc,
		     const uint32_t *img_crc, struct cl_load_result *res)
{
	unsigned i;

	res->digest = 0;
	for (i = 0; i < p->nseg; i++) {
		const struct cl_plan_seg *s = &p->seg[i];

		res->seg_digest[i] = cl_crc32_zeros(file_crc[i],
						    s->memsz - s->filesz);
		res->digest = cl_crc32_join(res->digest, img_crc[i],
					    s->filesz);
	}
}
