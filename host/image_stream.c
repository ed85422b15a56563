/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image_stream.c - open an image for a low-memory (streamed) load
 *
 * The image is decompressed pass after pass and never held whole. What the
 * loader reads itself (headers, notes, dynamic, relocation and symbol
 * tables: elf_need.c) is copied into a sparse reservation as large as the
 * image, which becomes img->data, so elf.c, reloc.c and symbols.c work on it
 * unchanged; every other page of it stays untouched and costs nothing.
 * Segment bytes are streamed once more at load time (source.c).
 *
 * A range learned while the stream is already past it (the dynamic section
 * names relocation tables that precede it) needs another pass; a few passes
 * reach the fixed point. Every pass must produce the same bytes (length and
 * CRC), so the file cannot change between the checks and the load unseen.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "decompress.h"
#include "internal.h"
#include "stream.h"

#define MAX_WANTS 8192
#define MAX_PASSES 6
/* Decoder memory and kept metadata allowed in a streamed load. */
#define STREAM_DECODER_MEM ((uint64_t)16 << 20)
#define STREAM_META_MAX ((uint64_t)12 << 20)

struct want {
	uint64_t off, len;
	uint64_t seen_from;	/* stream offset when it became wanted */
	bool complete;
};

struct gather {
	struct cl_ctx *ctx;
	struct cl_image *img;
	const char *name;
	const struct cl_image_opts *opts;
	bool compressed;
	uint64_t size;		/* the image size, or the cap until known */
	struct want w[MAX_WANTS];
	unsigned n;
	uint64_t kept;		/* bytes of wanted ranges */
	struct cl_range64 tmp[MAX_WANTS];
};

static bool have(void *arg, uint64_t off, uint64_t len)
{
	const struct gather *g = arg;
	unsigned i;

	for (i = 0; i < g->n; i++)
		if (g->w[i].complete && g->w[i].off <= off &&
		    off - g->w[i].off <= g->w[i].len &&
		    len <= g->w[i].len - (off - g->w[i].off))
			return true;
	return false;
}

/* Add what has become wanted; pos: the first stream offset still to be
 * seen (the start of the chunk in hand). */
static int update(struct gather *g, uint64_t pos)
{
	int n = g->img->kind == CL_KIND_RAW ? 0 :
		cl_elf_wants(g->img->data, g->size, have, g, g->tmp,
			     MAX_WANTS);
	unsigned i, j;

	if (n < 0)
		return cl_seterr(g->ctx, CL_E_TOOBIG, "'%s': more than %d "
				 "header, note and table ranges to keep for a "
				 "low-memory load", g->name, MAX_WANTS);
	for (i = 0; i < (unsigned)n; i++) {
		for (j = 0; j < g->n; j++)
			if (g->w[j].off == g->tmp[i].off &&
			    g->w[j].len == g->tmp[i].len)
				break;
		if (j < g->n)
			continue;
		if (g->n == MAX_WANTS)
			return cl_seterr(g->ctx, CL_E_TOOBIG, "'%s': more than "
					 "%d ranges to keep for a low-memory "
					 "load", g->name, MAX_WANTS);
		g->kept += g->tmp[i].len;
		if (g->kept > STREAM_META_MAX)
			return cl_seterr(g->ctx, CL_E_TOOBIG, "'%s': its "
					 "headers, notes and relocation and "
					 "symbol tables exceed %" PRIu64 " bytes,"
					 " the most a low-memory load keeps",
					 g->name, STREAM_META_MAX);
		g->w[g->n++] = (struct want){ g->tmp[i].off, g->tmp[i].len,
					      pos, false };
	}
	return 0;
}

/* Copy the wanted parts of chunk [pos, pos+n); true if a range completed. */
static bool keep(struct gather *g, uint64_t pos, const uint8_t *chunk,
		 size_t n)
{
	bool done = false;
	unsigned i;

	for (i = 0; i < g->n; i++) {
		struct want *w = &g->w[i];
		uint64_t lo = w->off > pos ? w->off : pos;
		uint64_t hi = w->off + w->len < pos + n ? w->off + w->len :
							  pos + n;

		if (w->complete || lo >= hi)
			continue;
		memcpy(g->img->data + lo, chunk + (lo - pos), (size_t)(hi - lo));
		if (w->seen_from <= w->off && hi == w->off + w->len)
			done = w->complete = true;
	}
	return done;
}

/* One pass over the stream; *size: its length. */
static int pass(struct gather *g, struct cl_stream *s, uint64_t *size)
{
	uint8_t *chunk;
	size_t n;
	int rc;

	rc = update(g, 0);
	while (!rc) {
		uint64_t pos = s->out_pos;

		rc = cl_stream_next(s, &chunk, &n);
		if (rc == CL_E_TOOBIG && s->over_cap)	/* name the cap */
			rc = cl_image_cap_error(g->ctx, g->name, g->opts,
						g->img->file_size,
						g->compressed);
		if (rc || !n)
			break;
		/* ranges learned from this chunk may lie in it: keep again */
		while (!rc && keep(g, pos, chunk, n))
			rc = update(g, pos);
	}
	*size = s->out_pos;
	return rc;
}

static bool all_complete(struct gather *g)
{
	unsigned i;
	bool all = true;

	for (i = 0; i < g->n; i++) {
		struct want *w = &g->w[i];

		if (w->off >= g->size)		/* past the end: never */
			w->complete = true;
		else if (w->len > g->size - w->off)
			w->len = g->size - w->off;
		if (!w->complete) {
			w->seen_from = 0;
			all = false;
		}
	}
	return all;
}

static int gather(struct gather *g, struct cl_stream *s, uint64_t *size,
		  uint32_t *crc)
{
	unsigned p;
	int rc = 0;

	for (p = 0; p < MAX_PASSES; p++) {
		uint64_t got;

		if (p)
			rc = cl_stream_rewind(s);
		if (!rc)
			rc = pass(g, s, &got);
		if (rc)
			return rc;
		if (p && (got != *size || s->crc != *crc))
			return cl_seterr(g->ctx, CL_E_FILE, "'%s' changed while "
					 "it was being read", g->name);
		*size = g->size = got;
		*crc = s->crc;
		if (all_complete(g)) {
			/* the last additions may still want more */
			unsigned before = g->n;

			rc = update(g, 0);
			if (rc || (g->n == before && all_complete(g)))
				return rc;
		}
	}
	return cl_seterr(g->ctx, CL_E_ELF, "'%s': its headers still point "
			 "back into earlier parts of the file after %d passes; "
			 "load it without --low-memory", g->name, MAX_PASSES);
}

int cl_image_stream(struct cl_ctx *ctx, struct cl_image *img,
		    const char *name, const struct cl_decomp *d,
		    const struct cl_image_opts *opts)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct cl_image_in *in = img_in(img);
	uint64_t cap = cl_image_cap(opts, img->file_size, d != NULL), size = 0;
	struct cl_stream *s = NULL;
	struct gather *g = NULL;
	uint32_t crc = 0;
	size_t reserve;
	int rc;

	if (cap > SIZE_MAX - page)
		cap = SIZE_MAX - page;
	reserve = ((size_t)cap + page - 1) / page * page;
	in->meta = mmap(NULL, reserve ? reserve : page,
			PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (in->meta == MAP_FAILED) {
		in->meta = NULL;
		return cl_seterr(ctx, CL_E_NOMEM, "cannot reserve %zu bytes of "
				 "address space for '%s'", reserve, name);
	}
	in->meta_size = reserve ? reserve : page;
	img->data = in->meta;
	img->kind = opts->raw ? CL_KIND_RAW : CL_KIND_ELF;
	in->mem_limit = STREAM_DECODER_MEM;

	g = calloc(1, sizeof(*g));
	if (!g)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	*g = (struct gather){ .ctx = ctx, .img = img, .name = name,
			      .opts = opts, .compressed = d != NULL,
			      .size = cap };
	rc = cl_stream_open(ctx, name, d, in->map, in->map_size, true, cap,
			    in->mem_limit, &s);
	if (!rc)
		rc = gather(g, s, &size, &crc);
	if (!rc && !size)
		rc = cl_seterr(ctx, CL_E_FORMAT, "'%s' is empty%s", name,
			       d ? " once decompressed" : "");
	cl_stream_close(s);
	free(g);
	if (rc)
		return rc;
	img->size = size;
	in->stream_crc = crc;
	img->streamed = true;
	in->fmt = d;
	img->compression = d ? d->name : "none";
	return 0;
}
