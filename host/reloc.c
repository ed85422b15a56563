/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reloc.c - turn an ET_DYN image's relative relocations into word patches
 *
 * Only R_*_RELATIVE (and R_*_NONE) records are applied, from DT_RELA, DT_REL,
 * DT_RELR and DT_JMPREL. Anything else refuses the image as a whole: the
 * loader never produces a half-relocated image. The result is a list of
 * (offset in the image buffer, value, width) computed without touching the
 * buffer, so the plan stays pure; cl_plan_relocate() applies it.
 */
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct arch_rel {
	int machine;
	const char *name;
	uint32_t none, relative;
};

static const struct arch_rel arch_rels[] = {
	{ EM_RISCV, "R_RISCV_RELATIVE", 0, 3 },
	{ EM_AARCH64, "R_AARCH64_RELATIVE", 0, 1027 },
	{ EM_ARM, "R_ARM_RELATIVE", 0, 23 },
	{ EM_X86_64, "R_X86_64_RELATIVE", 0, 8 },
	{ EM_386, "R_386_RELATIVE", 0, 8 },
};

struct rstate {
	struct cl_ctx *ctx;
	const struct cl_image *img;
	const struct arch_rel *arch;
	unsigned width;        /* 4 or 8 */
	uint64_t bias;
	const struct cl_seg **by_vaddr; /* sorted, for lookups */
	struct cl_patch *patch;
	size_t n, cap;
};

static int cmp_vaddr(const void *a, const void *b)
{
	const struct cl_seg *x = *(const struct cl_seg *const *)a;
	const struct cl_seg *y = *(const struct cl_seg *const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* Offset in the image buffer of len file-backed bytes at link address va,
 * or -1 when they are not all inside one segment's file bytes. */
static int64_t va_to_src(const struct rstate *st, uint64_t va, uint64_t len)
{
	size_t lo = 0, hi = st->img->nseg;
	uint64_t end;

	if (cl_add_ovf(va, len, &end))
		return -1;
	while (lo < hi) { /* last segment with vaddr <= va */
		size_t mid = (lo + hi) / 2;

		if (st->by_vaddr[mid]->vaddr <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	const struct cl_seg *s = st->by_vaddr[lo - 1];
	if (end > s->vaddr + s->filesz)
		return -1;
	return (int64_t)(s->offset + (va - s->vaddr));
}

static int add_patch(struct rstate *st, uint64_t where, uint64_t value,
		     bool add, const char *table, size_t idx)
{
	int64_t src = va_to_src(st, where, st->width);

	if (src < 0)
		return cl_seterr(st->ctx, CL_E_RELOC,
				 "'%s': %s record %zu patches 0x%" PRIx64
				 ", outside the image's file-backed bytes",
				 st->img->path, table, idx, where);
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		struct cl_patch *p = realloc(st->patch, cap * sizeof(*p));

		if (!p)
			return cl_seterr(st->ctx, CL_E_NOMEM, "out of memory");
		st->patch = p;
		st->cap = cap;
	}
	if (st->width == 4)
		value &= 0xffffffffu;
	if (add && src % st->width)
		return cl_seterr(st->ctx, CL_E_RELOC, "'%s': %s record %zu "
				 "patches 0x%" PRIx64 ", not aligned: a "
				 "low-memory load cannot apply it; use "
				 "--no-low-memory", st->img->path, table, idx,
				 where);
	st->patch[st->n++] = (struct cl_patch){
		.src = (uint64_t)src, .value = value, .width = (uint8_t)st->width,
		.add = add,
	};
	return 0;
}

/* The bytes of a table given by link address and size, or NULL. */
static const uint8_t *table_at(struct rstate *st, const char *name,
			       uint64_t va, uint64_t size)
{
	int64_t src = va_to_src(st, va, size);

	if (src < 0) {
		cl_seterr(st->ctx, CL_E_RELOC,
			  "'%s': %s table [0x%" PRIx64 ", +0x%" PRIx64
			  ") lies outside the image's file-backed bytes",
			  st->img->path, name, va, size);
		return NULL;
	}
	return st->img->data + src;
}

/* DT_RELA / DT_REL style tables, and DT_JMPREL which may be either. */
static int do_table(struct rstate *st, const char *name, uint64_t va,
		    uint64_t size, uint64_t ent, bool rela)
{
	Elf_Type type = rela ? ELF_T_RELA : ELF_T_REL;
	size_t want = gelf_fsize(img_in(st->img)->elf, type, 1, EV_CURRENT);
	const uint8_t *raw;
	Elf_Data *data;
	uint64_t i, count;
	int rc;

	if (!size)
		return 0;
	if (ent != want || size % want)
		return cl_seterr(st->ctx, CL_E_RELOC,
				 "'%s': %s entry size %" PRIu64 " / table "
				 "size %" PRIu64 " do not fit %zu-byte records",
				 st->img->path, name, ent, size, want);
	raw = table_at(st, name, va, size);
	if (!raw)
		return CL_E_RELOC;
	data = elf_getdata_rawchunk(img_in(st->img)->elf,
				    (int64_t)(raw - st->img->data), size, type);
	if (!data)
		return cl_seterr(st->ctx, CL_E_RELOC, "'%s': %s unreadable: %s",
				 st->img->path, name, elf_errmsg(-1));
	count = size / want;
	for (i = 0; i < count; i++) {
		uint64_t off, info, addend;
		uint32_t rtype, sym;

		if (rela) {
			GElf_Rela r;

			if (!gelf_getrela(data, (int)i, &r))
				goto bad;
			off = r.r_offset, info = r.r_info;
			addend = (uint64_t)r.r_addend;
		} else {
			GElf_Rel r;

			if (!gelf_getrel(data, (int)i, &r))
				goto bad;
			off = r.r_offset, info = r.r_info, addend = 0;
		}
		rtype = st->img->elfclass == ELFCLASS64 ? GELF_R_TYPE(info) :
							  ELF32_R_TYPE(info);
		sym = st->img->elfclass == ELFCLASS64 ? GELF_R_SYM(info) :
							ELF32_R_SYM(info);
		if (rtype == st->arch->none)
			continue;
		if (rtype != st->arch->relative || sym != 0)
			return cl_seterr(st->ctx, CL_E_RELOC,
					 "'%s': %s record %" PRIu64 " has "
					 "type %u%s; cardload applies only "
					 "%s (unsupported relocation)",
					 st->img->path, name, i, rtype,
					 sym ? " with a symbol" : "",
					 st->arch->name);
		if (!rela && st->img->streamed) { /* read at load time */
			rc = add_patch(st, off, st->bias, true, name, i);
			if (rc)
				return rc;
			continue;
		}
		if (!rela) { /* addend is the word in place */
			int64_t src = va_to_src(st, off, st->width);

			if (src >= 0)
				addend = img_get(st->img, st->img->data + src,
						 st->width);
		}
		rc = add_patch(st, off, addend + st->bias, false, name, i);
		if (rc)
			return rc;
	}
	return 0;
bad:
	return cl_seterr(st->ctx, CL_E_RELOC, "'%s': %s record %" PRIu64
			 " unreadable: %s", st->img->path, name, i,
			 elf_errmsg(-1));
}

/* DT_RELR: an even word is an address to relocate; an odd word is a bitmap
 * of the following (width*8 - 1) words after the last address. */
static int do_relr(struct rstate *st, const struct cl_dyninfo *d)
{
	unsigned w = st->width, bits = w * 8 - 1;
	const uint8_t *raw;
	uint64_t i, where = 0;
	bool have_base = false;
	int rc;

	if (!d->relrsz)
		return 0;
	if (d->relrent != w || d->relrsz % w)
		return cl_seterr(st->ctx, CL_E_RELOC,
				 "'%s': DT_RELR entry size %" PRIu64 " / table "
				 "size %" PRIu64 " do not fit %u-byte words",
				 st->img->path, d->relrent, d->relrsz, w);
	raw = table_at(st, "DT_RELR", d->relr, d->relrsz);
	if (!raw)
		return CL_E_RELOC;
	for (i = 0; i < d->relrsz / w; i++) {
		uint64_t e = img_get(st->img, raw + i * w, w);
		unsigned b;

		if (!(e & 1)) {
			where = e;
			have_base = true;
			e = 1 | 2; /* relocate `where` itself, below */
			bits = 1;
		} else if (!have_base) {
			return cl_seterr(st->ctx, CL_E_RELOC,
					 "'%s': DT_RELR word %" PRIu64
					 " is a bitmap before any address",
					 st->img->path, i);
		} else {
			bits = w * 8 - 1;
		}
		for (b = 1; b <= bits; b++) {
			uint64_t va = where + (uint64_t)(b - 1) * w;
			int64_t src;

			if (!(e >> b & 1))
				continue;
			src = va_to_src(st, va, w);
			if (src < 0)
				return cl_seterr(st->ctx, CL_E_RELOC,
						 "'%s': DT_RELR word %" PRIu64
						 " patches 0x%" PRIx64 ", outside "
						 "the image's file-backed bytes",
						 st->img->path, i, va);
			rc = st->img->streamed ?
			     add_patch(st, va, st->bias, true, "DT_RELR", i) :
			     add_patch(st, va,
				       img_get(st->img, st->img->data + src,
					       w) + st->bias,
				       false, "DT_RELR", i);
			if (rc)
				return rc;
		}
		/* after an address: next bitmap starts one word later;
		 * after a bitmap: bits words later */
		where += (uint64_t)bits * w;
	}
	return 0;
}

int cl_reloc_collect(struct cl_ctx *ctx, const struct cl_image *img,
		     uint64_t bias, struct cl_patch **out, size_t *n,
		     char *kind, size_t kindlen)
{
	const struct cl_dyninfo *d = &img->dyn;
	struct rstate st = { .ctx = ctx, .img = img, .bias = bias };
	unsigned i;
	int rc;

	*out = NULL;
	*n = 0;
	snprintf(kind, kindlen, "none");
	if (!d->present)
		return 0;
	/* A table without its size would silently skip relocations. */
	if ((d->rela && !d->relasz) || (d->rel && !d->relsz) ||
	    (d->relr && !d->relrsz) || (d->jmprel && !d->pltrelsz))
		return cl_seterr(ctx, CL_E_RELOC, "'%s': PT_DYNAMIC names a "
				 "relocation table without its size",
				 img->path);
	if (!(d->relasz || d->relsz || d->relrsz || d->pltrelsz))
		return 0;
	for (i = 0; i < sizeof(arch_rels) / sizeof(arch_rels[0]); i++)
		if (arch_rels[i].machine == img->machine)
			st.arch = &arch_rels[i];
	if (!st.arch)
		return cl_seterr(ctx, CL_E_RELOC,
				 "'%s': cannot relocate images for machine %s "
				 "(e_machine %d)", img->path,
				 cl_machine_name(img->machine, img->elfclass),
				 img->machine);
	st.width = img->elfclass == ELFCLASS64 ? 8 : 4;
	st.by_vaddr = malloc(img->nseg * sizeof(*st.by_vaddr));
	if (!st.by_vaddr)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	for (i = 0; i < img->nseg; i++)
		st.by_vaddr[i] = &img->seg[i];
	qsort(st.by_vaddr, img->nseg, sizeof(*st.by_vaddr), cmp_vaddr);

	rc = do_table(&st, "DT_RELA", d->rela, d->relasz, d->relaent, true);
	if (!rc)
		rc = do_table(&st, "DT_REL", d->rel, d->relsz, d->relent, false);
	if (!rc)
		rc = do_relr(&st, d);
	if (!rc && d->pltrelsz) {
		bool rela = d->pltrel == DT_RELA;

		if (d->pltrel != DT_RELA && d->pltrel != DT_REL)
			rc = cl_seterr(ctx, CL_E_RELOC, "'%s': DT_PLTREL %" PRIu64
				       " is neither DT_RELA nor DT_REL",
				       img->path, d->pltrel);
		else
			rc = do_table(&st, "DT_JMPREL", d->jmprel, d->pltrelsz,
				      gelf_fsize(img_in(img)->elf,
						 rela ? ELF_T_RELA : ELF_T_REL,
						 1, EV_CURRENT),
				      rela);
	}
	free(st.by_vaddr);
	if (rc) {
		free(st.patch);
		return rc;
	}
	snprintf(kind, kindlen, "%s%s%s%s", d->relasz ? "rela " : "",
		 d->relsz ? "rel " : "", d->relrsz ? "relr " : "",
		 d->pltrelsz ? "jmprel " : "");
	if (kind[0])
		kind[strlen(kind) - 1] = 0;
	*out = st.patch;
	*n = st.n;
	return 0;
}
