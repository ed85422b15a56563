/* SPDX-License-Identifier: BSD-2-Clause */
/* deflate.h - a DEFLATE (RFC 1951) decoder for the card, and the gzip
 *             (RFC 1952) wrapper around it
 *
 * Both work in memory: the whole compressed stream is in RAM, and the
 * output goes to one buffer that also serves as the history window (back
 * references read earlier output), so nothing is staged or copied twice.
 * Nothing is allocated; the tables live in .bss. Freestanding: only
 * memcpy, memset and card_crc32 from the card runtime.
 */
#ifndef INFLATE_DEFLATE_H
#define INFLATE_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* Errors of both layers: 0 is success, these are negative. */
#define INF_ERR_DATA		(-1)	/* invalid DEFLATE data */
#define INF_ERR_DISTANCE	(-2)	/* back reference before the output */
#define INF_ERR_OVERFLOW	(-3)	/* output does not fit in the buffer */
#define INF_ERR_TRUNCATED	(-4)	/* input ends inside the stream */
#define INF_ERR_HEADER		(-5)	/* not a gzip member we can read */
#define INF_ERR_HCRC		(-6)	/* gzip header CRC (FHCRC) mismatch */
#define INF_ERR_CRC		(-7)	/* CRC-32 of the output != trailer */
#define INF_ERR_ISIZE		(-8)	/* output size mod 2^32 != trailer */
#define INF_ERR_TRAILING	(-9)	/* bytes after the deflate stream */
#define INF_ERR_COUNT		9

/* Decode the raw DEFLATE stream in[0..in_len) into out[0..out_cap).
 * *out_len gets the number of bytes produced and *in_used the number of
 * input bytes the stream occupied (up to the byte holding the last bit of
 * its final block), on success. */
int deflate_decode(const uint8_t *in, size_t in_len, size_t *in_used,
		   uint8_t *out, size_t out_cap, size_t *out_len);

/* Decode the single gzip member that is exactly gz[0..gz_len) into
 * out[0..out_cap), checking the header (CM 8, no reserved flags, FHCRC if
 * present), the CRC-32 and ISIZE trailer, and that nothing follows.
 * *out_len gets the decompressed size on success. */
int gunzip(const uint8_t *gz, size_t gz_len, uint8_t *out, size_t out_cap,
	   size_t *out_len);

/* A short lower-case description of an INF_ERR_* code. */
const char *inflate_strerror(int err);

#pragma GCC visibility pop

#endif /* INFLATE_DEFLATE_H */
