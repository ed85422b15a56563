/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stream.c - an image's decompressed bytes, in order, a chunk at a time
 *
 * The low-memory load reads the image through this, once per pass, instead
 * of holding it whole. Input comes from the file mapping; the pages already
 * consumed are dropped from this process (MADV_DONTNEED on a clean private
 * file mapping: the page cache keeps them, a later pass maps them again), so
 * memory stays at one output chunk plus the decoder's own state whatever the
 * image size. An uncompressed image is its own output: chunks point into
 * the mapping, and are dropped once the caller moves on.
 *
 * Every pass must see the same bytes: each keeps a CRC and length of all it
 * produced, which the caller compares between passes.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "decompress.h"
#include "internal.h"
#include "stream.h"

#define STREAM_IN_STEP ((size_t)256 << 10) /* input per decoder step */

/* Drop the input's pages below upto; at the end of the input, its last
 * partial page too (the mapping ends on that page's end, never beyond). */
static void drop_below(struct cl_stream *s, size_t upto)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = upto >= s->in_len ? (s->in_len + page - 1) / page * page :
					 upto / page * page;

	if (s->drop && end > s->dropped) {
		madvise(s->in + s->dropped, end - s->dropped, MADV_DONTNEED);
		s->dropped = end;
	}
}

static int start(struct cl_stream *s)
{
	s->in_pos = 0;
	s->out_pos = 0;
	s->crc = 0;
	s->done = false;
	if (!s->d)
		return 0;
	return s->d->open(s->ctx, s->name, s->mem_limit, &s->st);
}

int cl_stream_open(struct cl_ctx *ctx, const char *name,
		   const struct cl_decomp *d, uint8_t *in, size_t in_len,
		   bool drop, uint64_t cap, uint64_t mem_limit,
		   struct cl_stream **out)
{
	struct cl_stream *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	*s = (struct cl_stream){ .ctx = ctx, .name = name, .d = d, .in = in,
				 .in_len = in_len, .drop = drop, .cap = cap,
				 .mem_limit = mem_limit };
	if (d) {
		s->buf = malloc(CL_STREAM_CHUNK);
		if (!s->buf) {
			free(s);
			return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
		}
	}
	rc = start(s);
	if (rc) {
		cl_stream_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int cl_stream_rewind(struct cl_stream *s)
{
	if (s->d && s->st)
		s->d->close(s->st);
	s->st = NULL;
	drop_below(s, s->in_len);
	s->dropped = 0;
	return start(s);
}

/* Decompress into s->buf until it is full or the data ends. */
static int fill(struct cl_stream *s, size_t *n)
{
	unsigned idle = 0;
	size_t have = 0;
	int rc;

	while (have < CL_STREAM_CHUNK && !s->done) {
		size_t left = s->in_len - s->in_pos;
		size_t feed = left < STREAM_IN_STEP ? left : STREAM_IN_STEP;
		const uint8_t *p = s->in + s->in_pos;
		size_t plen = feed, made = 0;

		rc = s->d->step(s->st, &p, &plen, feed == left, s->buf + have,
				CL_STREAM_CHUNK - have, &made, &s->done);
		if (rc)
			return rc;
		s->in_pos += feed - plen;
		have += made;
		drop_below(s, s->in_pos);
		idle = feed - plen || made ? 0 : idle + 1;
		if (idle > 2)
			return cl_seterr(s->ctx, CL_E_DECOMP, "'%s': the %s "
					 "decoder makes no progress at input "
					 "offset %zu", s->name, s->d->name,
					 s->in_pos);
	}
	*n = have;
	return 0;
}

int cl_stream_next(struct cl_stream *s, uint8_t **chunk, size_t *n)
{
	uint64_t end;
	int rc;

	*chunk = NULL;
	*n = 0;
	if (!s->d) {
		size_t left = s->in_len - (size_t)s->out_pos;

		drop_below(s, (size_t)s->out_pos);
		*n = left < CL_STREAM_CHUNK ? left : CL_STREAM_CHUNK;
		*chunk = s->in + s->out_pos;
	} else {
		rc = fill(s, n);
		if (rc)
			return rc;
		*chunk = s->buf;
	}
	if (cl_add_ovf(s->out_pos, (uint64_t)*n, &end) || end > s->cap) {
		s->over_cap = true;
		return CL_E_TOOBIG;	/* the caller names the cap */
	}
	s->crc = cl_crc32(s->crc, *chunk, *n);
	s->out_pos = end;
	return 0;
}

void cl_stream_close(struct cl_stream *s)
{
	if (!s)
		return;
	if (s->d && s->st)
		s->d->close(s->st);
	free(s->buf);
	free(s);
}
