/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan_place.c - PURE: where an image, its command line and (boot-abi =
 * pvh) its start_info block go in card memory
 *
 * The image's base (fixed by the ELF, --base, or the lowest free address
 * its placement note allows) and the command line's place come from one
 * search for free card memory, cl_find_free's: in the board's windows,
 * clear of reserved ranges, of other images (busy), of the image's own
 * segments and span, in card addresses and in the backing bytes behind
 * them (ranges.c). plan.c checks the result.
 */
#include <gelf.h>
#include <inttypes.h>
#include <string.h>
#include "internal.h"
#include "pvh.h"

/* boot-abi = pvh: nothing of the handoff in the first page */
#define PVH_LOWEST 0x1000

/* Smallest y >= x with y % align == rem (align a power of two). */
static int align_up_to(uint64_t x, uint64_t align, uint64_t rem, uint64_t *y)
{
	uint64_t v = (x & ~(align - 1)) | rem;

	if (v < x && cl_add_ovf(v, align, &v))
		return -1;
	*y = v;
	return 0;
}

/* What a search for free card memory must avoid, besides reserved ranges:
 * ranges used by other images, this image's planned segments and its span
 * (for data placed around it), and everything outside [lo, hi] (a
 * placement note's limits). Each is avoided in card addresses and in the
 * backing bytes behind them. */
struct space {
	const struct cl_board *b;
	const struct cl_range *busy;
	unsigned nbusy;
	const struct cl_plan_seg *seg;
	unsigned nseg;
	uint64_t span_addr, span_size; /* size 0: none */
	uint64_t lo, hi;
	bool alias;                    /* set by search(): cl_board_aliased() */
};

/* The first thing [a, a+n) runs into, as [*bs, *be); false when free. */
static bool blocked(const struct space *sp, uint64_t a, uint64_t n,
		    uint64_t *bs, uint64_t *be)
{
	const struct cl_board *b = sp->b;
	struct cl_clash k;
	unsigned i;
	bool hit;

	if (a < sp->lo) {
		*bs = 0, *be = sp->lo;
		return true;
	}
	if (a + n - 1 > sp->hi) {
		*bs = sp->hi + 1, *be = UINT64_MAX;
		return true;
	}
	hit = cl_reserved_hit(b, sp->alias, a, n, &k) ||
	      cl_busy_hit(b, sp->alias, sp->busy, sp->nbusy, a, n, &k);
	for (i = 0; !hit && i < sp->nseg; i++)
		hit = cl_meets(b, sp->alias, a, n, sp->seg[i].addr,
			       sp->seg[i].memsz, &k);
	if (!hit)
		hit = cl_meets(b, sp->alias, a, n, sp->span_addr,
			       sp->span_size, &k);
	if (hit)
		*bs = k.bs, *be = k.be;
	return hit;
}

/* Largest y <= x with y % align == rem. */
static int align_down_to(uint64_t x, uint64_t align, uint64_t rem,
			 uint64_t *y)
{
	uint64_t v = (x & ~(align - 1)) | rem;

	if (v > x) {
		if (v < align)
			return -1;
		v -= align;
	}
	*y = v;
	return 0;
}

/* Lowest (or highest) n bytes in the board's windows where the start is
 * rem modulo align and nothing in sp is touched. */
static int search(const struct space *in, uint64_t n, uint64_t align,
		  uint64_t rem, bool high, uint64_t *out)
{
	struct space s = *in;
	const struct space *sp = &s;
	const struct cl_board *b = sp->b;
	unsigned order[CL_MAX_WINDOWS], i, j, nw = b->nwin;
	uint64_t bs, be;

	if (!n)
		return -1;
	s.alias = cl_board_aliased(b);
	for (i = 0; i < nw; i++)
		order[i] = i;
	for (i = 1; i < nw; i++) /* insertion sort: at most 8 windows */
		for (j = i; j > 0 && b->win[order[j]].addr <
				     b->win[order[j - 1]].addr; j--) {
			unsigned t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < nw; i++) {
		const struct cl_window *w = &b->win[order[high ? nw - 1 - i : i]];
		uint64_t cand, end, wend = w->addr + w->size;

		if (high) {
			if (w->size < n ||
			    align_down_to(wend - n, align, rem, &cand))
				continue;
			while (cand >= w->addr) {
				if (!blocked(sp, cand, n, &bs, &be)) {
					*out = cand;
					return 0;
				}
				if (bs < n + w->addr ||
				    align_down_to(bs - n, align, rem, &cand))
					break;
			}
			continue;
		}
		if (align_up_to(w->addr, align, rem, &cand))
			continue;
		while (!cl_add_ovf(cand, n, &end) && end <= wend) {
			if (!blocked(sp, cand, n, &bs, &be)) {
				*out = cand;
				return 0;
			}
			if (be == UINT64_MAX ||
			    align_up_to(be, align, rem, &cand))
				break;
		}
	}
	return -1;
}

int cl_find_free(const struct cl_board *b, const struct cl_range *busy,
		 unsigned nbusy, uint64_t size, uint64_t align, bool high,
		 uint64_t *out)
{
	const struct space sp = { .b = b, .busy = busy, .nbusy = nbusy,
				  .hi = UINT64_MAX };

	if (!cl_is_pow2(align))
		return -1;
	return search(&sp, size, align, 0, high, out);
}

/* Free space for plan p: other images' ranges and p's own segments. */
static struct space plan_space(const struct cl_plan *p,
			       const struct cl_plan_opts *o)
{
	return (struct space){ .b = p->board, .busy = o->busy,
			       .nbusy = o->nbusy, .seg = p->seg,
			       .nseg = p->nseg, .hi = UINT64_MAX };
}

/* Where the image's segments land: sets base, bias, placement. */
int cl_plan_place(struct cl_ctx *ctx, struct cl_plan *p,
		  const struct cl_plan_opts *o)
{
	const struct cl_image *img = p->img;
	const struct cl_board *b = p->board;
	uint64_t top = 0, end, rem, lo = 0, hi = UINT64_MAX;
	unsigned i;

	p->link_base = UINT64_MAX;
	p->align = 1;
	for (i = 0; i < img->nseg; i++) {
		const struct cl_seg *s = &img->seg[i];
		uint64_t a = cl_seg_link_addr(img, s, o->use_vaddr);

		if (a < p->link_base)
			p->link_base = a;
		if (a + s->memsz > top) /* no wrap: checked in elf.c */
			top = a + s->memsz;
		if (s->align > p->align)
			p->align = s->align;
	}
	p->span = top - p->link_base;
	if (img->type != ET_DYN) {
		if (o->has_base)
			return cl_seterr(ctx, CL_E_USAGE,
					 "--base applies to ET_DYN images; "
					 "'%s' is ET_EXEC", img->path);
		p->base = p->link_base;
		p->placement = o->use_vaddr ? "fixed at p_vaddr" :
					      "fixed at p_paddr";
		return 0;
	}
	if (img->has_placement) {
		if (img->place_align > p->align)
			p->align = img->place_align;
		lo = img->place_min;
		if (img->place_max)
			hi = img->place_max;
	}
	rem = p->link_base & (p->align - 1);
	if (o->has_base) {
		if ((o->base & (p->align - 1)) != rem)
			return cl_seterr(ctx, CL_E_PLACE,
					 "--base 0x%" PRIx64 " breaks the "
					 "image's alignment of 0x%" PRIx64
					 " (largest p_align or placement note)",
					 o->base, p->align);
		if (cl_add_ovf(o->base, p->span, &end))
			return cl_seterr(ctx, CL_E_PLACE,
					 "--base 0x%" PRIx64 " + span 0x%" PRIx64
					 " wraps around", o->base, p->span);
		if (o->base < lo || end - 1 > hi)
			return cl_seterr(ctx, CL_E_PLACE, "--base 0x%" PRIx64
					 " puts '%s' outside [0x%" PRIx64 ", 0x%"
					 PRIx64 "], where its placement note "
					 "allows it", o->base, img->path, lo,
					 hi);
		p->base = o->base;
		p->placement = "at --base";
	} else {
		struct space sp = plan_space(p, o);

		sp.lo = lo;
		sp.hi = hi;
		if (search(&sp, p->span, p->align, rem, false, &p->base))
			return cl_seterr(ctx, CL_E_PLACE,
					 "no room for '%s' (0x%" PRIx64 " bytes,"
					 " aligned to 0x%" PRIx64 "%s) in any RAM "
					 "window of board '%s'", img->path,
					 p->span, p->align, img->has_placement ?
					 ", within its placement note" : "",
					 b->name);
		p->placement = img->has_placement ?
			       "lowest free address its note allows" :
			       "lowest free address";
	}
	p->bias = p->base - p->link_base;
	return 0;
}

/* The command line goes to free RAM, after the image is placed: never
 * inside the image's span (its gaps included: a payload may assume the
 * span is its own) nor inside busy, which a whole boot fills with every
 * image's span. */
int cl_plan_cmdline(struct cl_ctx *ctx, struct cl_plan *p, const char *cmdline,
		    const struct cl_range *busy, unsigned nbusy)
{
	struct space sp = { .b = p->board, .busy = busy, .nbusy = nbusy,
			    .seg = p->seg, .nseg = p->nseg,
			    .span_addr = p->base, .span_size = p->span,
			    .hi = UINT64_MAX };
	size_t len;

	if (!cmdline)
		return 0;
	if (!p->has_params && !p->board->boot_pvh)
		return cl_seterr(ctx, CL_E_USAGE, "--cmdline needs a payload "
				 "that carries a parameter block note "
				 "(CARDBOOT_NOTE_PARAMS); '%s' has none",
				 p->img->path);
	len = strlen(cmdline) + 1;
	if (len > CL_CMDLINE_MAX)
		return cl_seterr(ctx, CL_E_USAGE, "--cmdline is %zu bytes; the "
				 "limit is %d", len, CL_CMDLINE_MAX);
	if (p->board->boot_pvh) /* start_info's 0 means "no command line" */
		sp.lo = PVH_LOWEST;
	if (search(&sp, len, 8, 0, false, &p->cmdline_addr))
		return cl_seterr(ctx, CL_E_PLACE, "no room for the command "
				 "line (%zu bytes) on board '%s'", len,
				 p->board->name);
	p->has_cmdline = true;
	p->cmdline_size = len;
	p->cmdline = cmdline;
	return 0;
}

/* boot-abi = pvh: room for the start_info block (pvh.h) with a module
 * slot, in free RAM below 4 GiB (%ebx is 32 bits) and above the first page
 * (address 0 means "none" in start_info), clear of the image's span, busy
 * and the command line. */
int cl_plan_pvh(struct cl_ctx *ctx, struct cl_plan *p,
		const struct cl_range *busy, unsigned nbusy)
{
	const struct cl_pvh_in in = { .initrd_size = 1 };
	struct cl_range *more;
	struct space sp = { .b = p->board, .busy = busy, .nbusy = nbusy,
			    .seg = p->seg, .nseg = p->nseg,
			    .span_addr = p->base, .span_size = p->span,
			    .lo = PVH_LOWEST, .hi = UINT32_MAX };
	size_t size = cl_pvh_size(p->board, &in);
	int rc = 0;

	more = calloc((size_t)nbusy + 1, sizeof(*more));
	if (!more)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	if (nbusy)
		memcpy(more, busy, nbusy * sizeof(*more));
	if (p->has_cmdline)
		more[nbusy++] = (struct cl_range){ .addr = p->cmdline_addr,
						   .size = p->cmdline_size };
	sp.busy = more;
	sp.nbusy = nbusy;
	if (search(&sp, size, 8, 0, false, &p->pvh_addr))
		rc = cl_seterr(ctx, CL_E_PLACE, "no room below 4 GiB for the "
			       "PVH start_info (%zu bytes) on board '%s'",
			       size, p->board->name);
	else {
		p->has_pvh = true;
		p->pvh_size = size;
	}
	free(more);
	return rc;
}
