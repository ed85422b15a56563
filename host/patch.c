/* SPDX-License-Identifier: GPL-2.0-or-later */
/* patch.c - relocations and --set bytes, applied to a chunk of an image
 *
 * The plan (plan.c, reloc.c, symbols.c) says which words of the file
 * change and to what; this applies them to the bytes on their way to the
 * card, a chunk at a time in file order, so a whole image and a streamed
 * one are patched by the same code. Relocations first, then --set values
 * (a --set over a relocated word wins, as it was asked for last). A patch
 * may straddle two chunks: each gets its part. An implicit addend (REL of
 * a streamed image, `add`) is naturally aligned, so it never straddles:
 * it is read from the chunk and the bias added there.
 */
#include <stdlib.h>
#include "internal.h"
#include "load.h"

struct cl_patcher {
	const struct cl_plan *p;
	uint32_t *order;	/* patch indices by offset, then by index */
	size_t next;		/* first patch that may reach the next chunk */
};

static int by_src(const void *a, const void *b, void *arg)
{
	const struct cl_patch *pt = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;

	if (pt[i].src != pt[j].src)
		return pt[i].src < pt[j].src ? -1 : 1;
	return i < j ? -1 : i > j;
}

int cl_patcher_new(struct cl_ctx *ctx, const struct cl_plan *p,
		   struct cl_patcher **out)
{
	struct cl_patcher *pt = calloc(1, sizeof(*pt));
	size_t i;

	*out = NULL;
	if (pt)
		pt->order = malloc((p->npatch ? p->npatch : 1) *
				   sizeof(*pt->order));
	if (!pt || !pt->order) {
		cl_patcher_free(pt);
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	}
	pt->p = p;
	for (i = 0; i < p->npatch; i++)
		pt->order[i] = (uint32_t)i;
	qsort_r(pt->order, p->npatch, sizeof(*pt->order), by_src,
		(void *)p->patch);
	*out = pt;
	return 0;
}

/* Copy the part of bytes[0, len) meant for image offset src into chunk
 * [pos, pos+n). */
static void put_part(uint8_t *chunk, uint64_t pos, size_t n, uint64_t src,
		     const uint8_t *bytes, size_t len)
{
	uint64_t lo = src > pos ? src : pos;
	uint64_t hi = src + len < pos + n ? src + len : pos + n;

	if (lo < hi)
		memcpy(chunk + (lo - pos), bytes + (lo - src),
		       (size_t)(hi - lo));
}

/* Patch w's part of chunk [pos, pos+n). */
static void patch_one(const struct cl_image *img, const struct cl_patch *w,
		      uint8_t *chunk, uint64_t pos, size_t n)
{
	uint8_t word[8];

	if (w->add) {
		uint8_t *at = chunk + (w->src - pos);

		if (w->src >= pos && w->src + w->width <= pos + n)
			img_put(img, at, w->width,
				w->value + img_get(img, at, w->width));
		return;
	}
	img_put(img, word, w->width, w->value);
	put_part(chunk, pos, n, w->src, word, w->width);
}

void cl_patch_chunk(struct cl_patcher *pt, uint8_t *chunk, uint64_t pos,
		    size_t n)
{
	const struct cl_plan *p = pt->p;
	size_t i;

	while (pt->next < p->npatch &&
	       p->patch[pt->order[pt->next]].src + 8 <= pos)
		pt->next++;
	for (i = pt->next; i < p->npatch; i++) {
		const struct cl_patch *w = &p->patch[pt->order[i]];

		if (w->src >= pos + n)
			break;
		patch_one(p->img, w, chunk, pos, n);
	}
	for (i = 0; i < p->nset; i++)
		if (p->set[i].in_file)
			put_part(chunk, pos, n, p->set[i].src, p->set[i].bytes,
				 p->set[i].len);
}

void cl_patcher_free(struct cl_patcher *pt)
{
	if (pt) {
		free(pt->order);
		free(pt);
	}
}

/* The public one-shot form: the relocations alone, over a whole image. */
void cl_plan_relocate(const struct cl_plan *plan, uint8_t *data)
{
	size_t i;

	for (i = 0; i < plan->npatch; i++)
		patch_one(plan->img, &plan->patch[i], data, 0,
			  (size_t)plan->img->size);
}
