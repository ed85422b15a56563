/* SPDX-License-Identifier: BSD-2-Clause */
/* crc32.c - the image digest of cardboot.h: CRC-32 with zlib's polynomial
 *
 * Same results as zlib's crc32(): reflected polynomial 0xedb88320, initial
 * and final xor 0xffffffff applied inside, so card_crc32(0, ...) starts a
 * digest and passing the previous result chains segments.
 *
 * The card CPU is slow and images can be tens of MiB, so this is
 * "slice-by-8": eight 256-entry tables, one 64-bit load per 8 bytes. The
 * tables (8 KiB) are computed on first use into .bss, which keeps them out
 * of the image and out of .data (a payload checks the digest before it
 * writes any .data).
 */
#include "card.h"

#define CRC32_POLY 0xedb88320u

typedef uint64_t __attribute__((may_alias)) u64_alias;

static uint32_t crc_table[8][256];
static int crc_table_ready;

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32_POLY : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
				crc_table[0][crc_table[t - 1][i] & 0xff];
	crc_table_ready = 1;
}

uint32_t card_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_table_ready)
		crc32_init();
	crc = ~crc;
	while (len && ((uintptr_t)p & 7)) {
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
		len--;
	}
	for (; len >= 8; p += 8, len -= 8) {
		/* Little-endian: the first byte is the low one. */
		uint64_t v = *(const u64_alias *)p ^ crc;

		crc = crc_table[7][v & 0xff] ^
		      crc_table[6][(v >> 8) & 0xff] ^
		      crc_table[5][(v >> 16) & 0xff] ^
		      crc_table[4][(v >> 24) & 0xff] ^
		      crc_table[3][(v >> 32) & 0xff] ^
		      crc_table[2][(v >> 40) & 0xff] ^
		      crc_table[1][(v >> 48) & 0xff] ^
		      crc_table[0][v >> 56];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t card_crc32_zeros(uint32_t crc, uint64_t len)
{
	if (!crc_table_ready)
		crc32_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[0][crc & 0xff] ^ (crc >> 8);
	return ~crc;
}
