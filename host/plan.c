/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.c - PURE: image + board + options -> a fully checked load plan
 *
 * No I/O happens here. The plan says where every byte goes (card address,
 * window, window offset), what is zero-filled, which words are relocated and
 * where the CPU starts; it is rejected as a whole when anything is outside a
 * window, overlaps a reserved range or another segment, or overflows.
 * Overlaps count in card addresses and in the backing bytes behind them:
 * two windows onto the same memory (refused in board files, possible in a
 * board built in memory) cannot smuggle a segment onto the mailbox. Where
 * the image and its command line go is plan_place.c's choice; this file
 * builds the plan around it and checks it.
 */
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"

#define RANGE "[0x%" PRIx64 ", 0x%" PRIx64 ")"

static int cmp_addr(const void *a, const void *b)
{
	const struct cl_plan_seg *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Segments reaching the same memory through two aliased windows. */
static int check_alias_segs(struct cl_ctx *ctx, const struct cl_plan *p)
{
	const struct cl_board *b = p->board;
	struct cl_clash k;
	char via[160];
	unsigned i, j;

	if (!cl_board_aliased(b))
		return 0;
	for (i = 0; i < p->nseg; i++)
		for (j = i + 1; j < p->nseg; j++) {
			const struct cl_plan_seg *x = &p->seg[i], *y = &p->seg[j];

			if (cl_clash(b, x->addr, x->memsz, y->addr, y->memsz,
				     &k))
				return cl_seterr(ctx, CL_E_PLACE, "segments %u "
						 RANGE " and %u " RANGE
						 " overlap%s", x->phidx,
						 x->addr, x->addr + x->memsz,
						 y->phidx, y->addr,
						 y->addr + y->memsz,
						 cl_clash_via(b, &k, via,
							      sizeof(via)));
		}
	return 0;
}

/* Every segment in one window, clear of reserved ranges and of each other,
 * in card addresses and in the backing bytes behind them. */
static int check_segments(struct cl_ctx *ctx, struct cl_plan *p,
			  const struct cl_plan_opts *o)
{
	const struct cl_board *b = p->board;
	struct cl_plan_seg *sorted;
	struct cl_clash k;
	char via[160];
	bool alias = cl_board_aliased(b);
	unsigned i;

	for (i = 0; i < p->nseg; i++) {
		struct cl_plan_seg *s = &p->seg[i];
		const struct cl_reserved *r;
		const struct cl_range *x;
		uint64_t end;
		int w;

		if (cl_add_ovf(s->addr, s->memsz, &end))
			return cl_seterr(ctx, CL_E_PLACE, "segment %u at 0x%"
					 PRIx64 " + 0x%" PRIx64 " wraps around",
					 s->phidx, s->addr, s->memsz);
		w = cl_window_find(b, s->addr, s->memsz, &s->win_off);
		if (w < 0)
			return cl_seterr(ctx, CL_E_PLACE, "segment %u " RANGE
					 " is not inside one RAM window of "
					 "board '%s'", s->phidx, s->addr, end,
					 b->name);
		s->win = (unsigned)w;
		r = cl_reserved_hit(b, alias, s->addr, s->memsz, &k);
		if (r)
			return cl_seterr(ctx, CL_E_PLACE, "segment %u " RANGE
					 " overlaps reserved '%s' " RANGE "%s",
					 s->phidx, s->addr, end, r->name,
					 r->addr, r->addr + r->size,
					 cl_clash_via(b, &k, via, sizeof(via)));
		x = cl_busy_hit(b, alias, o->busy, o->nbusy, s->addr,
				s->memsz, &k);
		if (x)
			return cl_seterr(ctx, CL_E_PLACE, "segment %u " RANGE
					 " of '%s' overlaps %s " RANGE "%s",
					 s->phidx, s->addr, end, p->img->path,
					 x->name, x->addr, x->addr + x->size,
					 cl_clash_via(b, &k, via, sizeof(via)));
	}
	if (check_alias_segs(ctx, p))
		return CL_E_PLACE;
	sorted = malloc(p->nseg * sizeof(*sorted));
	if (!sorted)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	memcpy(sorted, p->seg, p->nseg * sizeof(*sorted));
	qsort(sorted, p->nseg, sizeof(*sorted), cmp_addr);
	for (i = 1; i < p->nseg; i++) {
		const struct cl_plan_seg *x = &sorted[i - 1], *y = &sorted[i];

		if (x->addr + x->memsz > y->addr) {
			cl_seterr(ctx, CL_E_PLACE, "segments %u " RANGE " and %u "
				  RANGE " overlap", x->phidx, x->addr,
				  x->addr + x->memsz, y->phidx, y->addr,
				  y->addr + y->memsz);
			free(sorted);
			return CL_E_PLACE;
		}
	}
	free(sorted);
	return 0;
}

/* boot-abi = pvh applies: the board's, to a boot's first (ELF) image */
static bool pvh(const struct cl_plan *p, const struct cl_plan_opts *o)
{
	return p->board->boot_pvh && !o->not_first &&
	       p->img->kind == CL_KIND_ELF;
}

/* The entry, moved with the image, and inside an executable segment. */
static int check_entry(struct cl_ctx *ctx, struct cl_plan *p,
		       const struct cl_plan_opts *o)
{
	const struct cl_image *img = p->img;
	uint64_t e = img->kind == CL_KIND_RAW ? img->raw_addr :
						 img->entry + p->bias;
	unsigned i;
	int rc;

	if (o->has_entry) {
		e = o->entry;
	} else if (pvh(p, o)) {
		/* a physical address, moved with the image */
		e = img->phys32_entry + p->bias;
	} else if (img->type == ET_EXEC && !o->use_vaddr) {
		/* Loaded at p_paddr: an entry given as a virtual address
		 * moves to the matching physical one. */
		for (i = 0; i < img->nseg; i++) {
			const struct cl_seg *s = &img->seg[i];

			if (e >= s->paddr && e - s->paddr < s->memsz)
				break;
		}
		for (unsigned j = 0; i == img->nseg && j < img->nseg; j++) {
			const struct cl_seg *s = &img->seg[j];

			if (e >= s->vaddr && e - s->vaddr < s->memsz) {
				e = e - s->vaddr + s->paddr;
				break;
			}
		}
	}
	rc = cl_entry_check(ctx, &p, 1, e);
	if (!rc)
		p->entry = e;
	return rc;
}

int cl_entry_check(struct cl_ctx *ctx, struct cl_plan *const *plans,
		   unsigned n, uint64_t e)
{
	unsigned i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < plans[i]->nseg; k++) {
			const struct cl_plan_seg *s = &plans[i]->seg[k];

			if ((s->flags & PF_X) && e >= s->addr &&
			    e - s->addr < s->memsz)
				return 0;
		}
	return cl_seterr(ctx, CL_E_PLACE, "entry 0x%" PRIx64 " is not inside "
			 "a loaded executable segment", e);
}

static int check_machine(struct cl_ctx *ctx, const struct cl_image *img,
			 const struct cl_board *b)
{
	if ((b->machine && img->machine != b->machine) ||
	    (b->elfclass && img->elfclass != b->elfclass))
		return cl_seterr(ctx, CL_E_ELF, "'%s' is for %s but board '%s'"
				 " is %s", img->path,
				 cl_machine_name(img->machine, img->elfclass),
				 b->name,
				 cl_machine_name(b->machine, b->elfclass));
	if (img->need_board[0] && strcmp(img->need_board, b->name))
		return cl_seterr(ctx, CL_E_PLACE, "'%s' is for board '%s' (its "
				 "cardload note), not '%s'", img->path,
				 img->need_board, b->name);
	if (img->need_machine[0] &&
	    strcmp(img->need_machine, cl_machine_name(b->machine, b->elfclass)))
		return cl_seterr(ctx, CL_E_PLACE, "'%s' needs machine '%s' (its "
				 "cardload note); board '%s' is %s", img->path,
				 img->need_machine, b->name,
				 cl_machine_name(b->machine, b->elfclass));
	if (b->endian && img->endian != b->endian)
		return cl_seterr(ctx, CL_E_ELF, "'%s' is %s-endian but board "
				 "'%s' is %s-endian", img->path,
				 img->endian == ELFDATA2MSB ? "big" : "little",
				 b->name,
				 b->endian == ELFDATA2MSB ? "big" : "little");
	return 0;
}

/* The parameter block the image's note points at, moved with the image. */
static int place_params(struct cl_ctx *ctx, struct cl_plan *p)
{
	const struct cl_image *img = p->img;
	uint64_t v = img->params_vaddr, n = sizeof(struct cardboot_params);
	unsigned i;

	if (img->has_abi && img->abi != CARDBOOT_ABI_VERSION)
		return cl_seterr(ctx, CL_E_ELF, "'%s' wants handoff ABI %u; "
				 "this cardload speaks %u", img->path,
				 img->abi, CARDBOOT_ABI_VERSION);
	if (!img->has_params)
		return 0;
	for (i = 0; i < img->nseg; i++) {
		const struct cl_seg *s = &img->seg[i];

		if (v >= s->vaddr && v - s->vaddr <= s->memsz &&
		    s->memsz - (v - s->vaddr) >= n) {
			p->params_addr = p->seg[i].addr + (v - s->vaddr);
			p->has_params = true;
			return 0;
		}
	}
	return cl_seterr(ctx, CL_E_ELF, "'%s': the parameter block its note "
			 "names [0x%" PRIx64 ", +0x%" PRIx64 ") is not inside "
			 "one loaded segment", img->path, v, n);
}

static int plan_elf(struct cl_ctx *ctx, struct cl_plan *p,
		    const struct cl_plan_opts *o)
{
	const struct cl_image *img = p->img;
	unsigned i;
	int rc;

	rc = check_machine(ctx, img, p->board);
	if (!rc && pvh(p, o) && !img->has_phys32_entry)
		rc = cl_seterr(ctx, CL_E_ELF, "'%s' has no Xen PHYS32_ENTRY "
			       "note; board '%s' boots the pvh ABI (boot-abi)",
			       img->path, p->board->name);
	if (!rc)
		rc = cl_plan_place(ctx, p, o);
	if (rc)
		return rc;
	for (i = 0; i < img->nseg; i++) {
		const struct cl_seg *s = &img->seg[i];

		p->seg[i] = (struct cl_plan_seg){
			.phidx = s->phidx, .flags = s->flags,
			.addr = cl_seg_link_addr(img, s, o->use_vaddr) + p->bias,
			.filesz = s->filesz, .memsz = s->memsz,
			.src = s->offset,
		};
	}
	p->nseg = img->nseg;
	rc = check_segments(ctx, p, o);
	if (!rc)
		rc = check_entry(ctx, p, o);
	if (!rc)
		rc = place_params(ctx, p);
	if (!rc)
		rc = cl_plan_cmdline(ctx, p, o->cmdline, o->busy, o->nbusy);
	if (!rc && pvh(p, o))
		rc = cl_plan_pvh(ctx, p, o->busy, o->nbusy);
	if (!rc && img->type == ET_DYN)
		rc = cl_reloc_collect(ctx, img, p->bias, &p->patch, &p->npatch,
				      p->reloc_kind, sizeof(p->reloc_kind));
	return rc;
}

static int plan_raw(struct cl_ctx *ctx, struct cl_plan *p,
		    const struct cl_plan_opts *o)
{
	const struct cl_image *img = p->img;
	int rc;

	p->seg[0] = (struct cl_plan_seg){
		.phidx = 0, .flags = PF_R | PF_W | PF_X,
		.addr = img->raw_addr, .filesz = img->size,
		.memsz = img->size, .src = 0,
	};
	p->nseg = 1;
	p->base = p->link_base = img->raw_addr;
	p->span = img->size;
	p->align = 1;
	p->placement = "raw at --addr";
	rc = check_segments(ctx, p, o);
	if (!rc)
		rc = check_entry(ctx, p, o);
	if (!rc)
		rc = cl_plan_cmdline(ctx, p, o->cmdline, o->busy, o->nbusy);
	return rc;
}

int cl_plan_make(struct cl_ctx *ctx, const struct cl_image *img,
		 const struct cl_board *board, const struct cl_plan_opts *opts,
		 struct cl_plan **out)
{
	static const struct cl_plan_opts none;
	const struct cl_plan_opts *o = opts ? opts : &none;
	struct cl_plan *p;
	unsigned i;
	int rc;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->seg = calloc(img->nseg ? img->nseg : 1,
				    sizeof(*p->seg)))) {
		free(p);
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	}
	p->img = img;
	p->board = board;
	snprintf(p->reloc_kind, sizeof(p->reloc_kind), "none");
	rc = img->kind == CL_KIND_RAW ? plan_raw(ctx, p, o) :
					plan_elf(ctx, p, o);
	if (rc) {
		cl_plan_free(p);
		return rc;
	}
	for (i = 0; i < p->nseg; i++) {
		p->load_bytes += p->seg[i].filesz;
		p->zero_bytes += p->seg[i].memsz - p->seg[i].filesz;
	}
	p->argmask = o->argmask;
	memcpy(p->arg, o->arg, sizeof(p->arg));
	/* PVH: %ebx holds start_info's address, unless an argument is given */
	if (p->has_pvh && !(p->argmask & 1)) {
		p->argmask |= 1;
		p->arg[0] = p->pvh_addr;
	}
	*out = p;
	return 0;
}

void cl_plan_free(struct cl_plan *plan)
{
	if (!plan)
		return;
	free(plan->seg);
	free(plan->patch);
	free(plan);
}
