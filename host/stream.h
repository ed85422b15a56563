/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stream.h - an image's decompressed bytes in order, with bounded memory */
#ifndef CL_STREAM_H
#define CL_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cl_ctx;
struct cl_decomp;

#define CL_STREAM_CHUNK ((size_t)1 << 20) /* bytes per chunk at most */

struct cl_stream {
	struct cl_ctx *ctx;
	const char *name;
	const struct cl_decomp *d; /* NULL: the input is the image itself */
	void *st;                  /* the decoder's state */
	uint8_t *in;               /* the file mapping, private and writable */
	size_t in_len, in_pos;
	bool drop;                 /* consumed pages may be dropped */
	size_t dropped;            /* input pages below this are dropped */
	uint64_t cap;              /* more output than this: CL_E_TOOBIG */
	uint64_t mem_limit;        /* decoder state allowed */
	uint8_t *buf;              /* one chunk of output */
	uint64_t out_pos;          /* output bytes produced this pass */
	uint32_t crc;              /* CRC-32 of them */
	bool done;
	bool over_cap;             /* the last CL_E_TOOBIG was the cap */
};

/* A stream over in[0, in_len) (decompressed by d unless NULL). drop: the
 * input is a clean file mapping whose consumed pages may be dropped. */
int cl_stream_open(struct cl_ctx *ctx, const char *name,
		   const struct cl_decomp *d, uint8_t *in, size_t in_len,
		   bool drop, uint64_t cap, uint64_t mem_limit,
		   struct cl_stream **out);
/* The next chunk (at output offset s->out_pos before the call): *n bytes
 * at *chunk, writable until the next call; *n == 0 at the end. Chunks
 * start at multiples of CL_STREAM_CHUNK. Errors come with a message, except
 * CL_E_TOOBIG with s->over_cap set (more than cap: the caller names it). */
int cl_stream_next(struct cl_stream *s, uint8_t **chunk, size_t *n);
/* Back to offset 0 for another pass. */
int cl_stream_rewind(struct cl_stream *s);
void cl_stream_close(struct cl_stream *s);

#endif /* CL_STREAM_H */
