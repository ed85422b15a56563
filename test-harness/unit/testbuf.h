/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testbuf.h - bytes the unit tests make: a buffer, allocation that bails
 * out of the TAP plan, and compressed streams (zlib's deflate in any
 * wrapper, zstd's simple frame) built with the real libraries */
#ifndef CL_TESTBUF_H
#define CL_TESTBUF_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

struct buf {
	uint8_t *p;
	size_t n;
};

static inline void bail(const char *why)
{
	printf("Bail out! %s\n", why);
	exit(1);
}

static inline void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		bail("out of memory");
	return p;
}

/* zlib's deflate at level with window bits wbits (31: gzip, -15: raw). */
static inline struct buf zlib_pack(const void *p, size_t n, int level,
				   int wbits)
{
	z_stream zs = { 0 };
	struct buf b;

	if (deflateInit2(&zs, level, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY))
		bail("deflateInit2 failed");
	b.n = deflateBound(&zs, n) + 64;
	b.p = xmalloc(b.n);
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)n;
	zs.next_out = b.p;
	zs.avail_out = (uInt)b.n;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		bail("deflate did not finish");
	b.n = zs.total_out;
	deflateEnd(&zs);
	return b;
}

/* The simple API: a frame with its content size, no checksum. */
static inline struct buf zstd_simple(const void *p, size_t n, int level)
{
	struct buf b;
	size_t r;

	b.n = ZSTD_compressBound(n);
	b.p = xmalloc(b.n);
	r = ZSTD_compress(b.p, b.n, p, n, level);
	if (ZSTD_isError(r))
		bail("ZSTD_compress failed");
	b.n = r;
	return b;
}

#endif /* CL_TESTBUF_H */
