/* SPDX-License-Identifier: GPL-2.0-or-later */
/* digest.c - the image digest of cardboot.h (CRC-32, zlib's polynomial)
 *
 * libdeflate's CRC-32 (carry-less multiply where the CPU has it) computes
 * the same function as zlib's crc32() several times faster; the digest is
 * on the load path for every byte, so that is the one used. zlib's
 * crc32_combine64 joins the CRCs of pieces computed apart (streamed loads)
 * and appends runs of zeros (bss) without reading them.
 */
#include <libdeflate.h>
#include <zlib.h>
#include "internal.h"

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
