/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source.c - an image's bytes as chunks, in file order, for the load
 *
 * Two kinds of source behind one interface:
 *   whole     the decompressed image is in img->data: chunks are pieces of
 *             it, one pass, and stay valid (a checker thread may read them
 *             back behind the writer)
 *   streamed  a low-memory image: one more pass of its stream (stream.c),
 *             a chunk at a time in one reused buffer; at the end the pass
 *             must have given the bytes the opening passes saw (length and
 *             CRC) or the file changed underneath: an error, card held
 * The load patches chunks in place: a whole image's patches are absolute
 * values (writing them twice changes nothing), a streamed chunk is fresh
 * from the decoder or the file on every pass.
 */
#include <stdlib.h>
#include "internal.h"
#include "load.h"
#include "stream.h"

struct cl_src {
	struct cl_ctx *ctx;
	const struct cl_image *img;
	const char *verb;
	struct cl_stream *st;	/* streamed, else NULL */
	uint64_t pos;		/* whole: the next chunk's offset */
};

int cl_src_open(struct cl_ctx *ctx, const struct cl_image *img,
		const char *verb, struct cl_src **out)
{
	struct cl_src *s = calloc(1, sizeof(*s));
	int rc = 0;

	*out = NULL;
	if (!s)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	*s = (struct cl_src){ .ctx = ctx, .img = img, .verb = verb };
	if (img->streamed) {
		const struct cl_image_in *in = img_in(img);

		rc = cl_stream_open(ctx, img->path, in->fmt, in->map,
				    in->map_size, true, img->size,
				    in->mem_limit, &s->st);
	}
	if (rc) {
		cl_src_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* The stream's pass has ended (or failed on its cap): did it repeat the
 * opening passes? */
static int changed(struct cl_src *s)
{
	return cl_seterr(s->ctx, CL_E_FILE, "'%s' changed while it was being "
			 "%s", s->img->path, s->verb);
}

int cl_src_next(struct cl_src *s, uint64_t *pos, uint8_t **chunk, size_t *n)
{
	const struct cl_image *img = s->img;
	int rc;

	if (!s->st) {
		uint64_t left = img->size - s->pos;

		*pos = s->pos;
		*chunk = img->data + s->pos;
		*n = left < CL_SRC_CHUNK ? (size_t)left : CL_SRC_CHUNK;
		s->pos += *n;
		return 0;
	}
	*pos = s->st->out_pos;
	rc = cl_stream_next(s->st, chunk, n);
	if (rc == CL_E_TOOBIG && s->st->over_cap)
		return changed(s);
	if (!rc && !*n && (s->st->out_pos != img->size ||
			   s->st->crc != img_in(img)->stream_crc))
		return changed(s);
	return rc;
}

bool cl_src_stable(const struct cl_src *s)
{
	return !s->st;
}

void cl_src_close(struct cl_src *s)
{
	if (s) {
		cl_stream_close(s->st);
		free(s);
	}
}
