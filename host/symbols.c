/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols.c - --set SYMBOL=VALUE: patch a payload global by its .symtab name
 *
 * The symbol must be defined, unique, and lie inside one loaded segment; a
 * number must fit the symbol's size (1, 2, 4 or 8 bytes, stored in the
 * image's byte order); a string (str:TEXT) and its NUL must fit the
 * symbol. File-backed targets are patched in host memory before the image
 * is written (so the digest covers them); targets in zero-filled memory
 * are written to the card after bss is cleared. A symbol whose bytes the
 * loader also writes (the parameter block, a relocated word) is refused:
 * one of the two writes would be silently lost.
 */
#include <gelf.h>
#include <inttypes.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"

/* The symbol's value and size, or an error naming it. */
static int lookup(struct cl_ctx *ctx, const struct cl_image *img,
		  const char *name, uint64_t *value, uint64_t *size)
{
	Elf *e = img_in(img)->elf;
	Elf_Scn *scn = NULL;
	unsigned found = 0;
	GElf_Shdr sh;

	if (!e)
		return cl_seterr(ctx, CL_E_USAGE, "--set needs an ELF image; "
				 "'%s' is raw", img->path);
	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize ||
		    sh.sh_entsize != gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT))
			return cl_seterr(ctx, CL_E_ELF, "'%s': unreadable symbol "
					 "table", img->path);
		n = d->d_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *s;

			if (!gelf_getsym(d, (int)i, &sym) ||
			    sym.st_shndx == SHN_UNDEF ||
			    (GELF_ST_TYPE(sym.st_info) != STT_OBJECT &&
			     GELF_ST_TYPE(sym.st_info) != STT_NOTYPE))
				continue;
			s = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!s || strcmp(s, name))
				continue;
			if (found && (*value != sym.st_value ||
				      *size != sym.st_size))
				return cl_seterr(ctx, CL_E_USAGE, "--set %s: "
						 "'%s' defines more than one "
						 "symbol of that name", name,
						 img->path);
			*value = sym.st_value;
			*size = sym.st_size;
			found++;
		}
	}
	if (!found)
		return cl_seterr(ctx, CL_E_USAGE, "--set %s: no such data "
				 "symbol in '%s' (is its symbol table "
				 "stripped?)", name, img->path);
	return 0;
}

/* Where the symbol lands: which segment, in its file bytes or not. */
static int locate(struct cl_ctx *ctx, const struct cl_plan *p,
		  struct cl_setsym *set, uint64_t v, uint64_t size)
{
	const struct cl_image *img = p->img;
	unsigned i;

	for (i = 0; i < img->nseg; i++) {
		const struct cl_seg *s = &img->seg[i];
		uint64_t off = v - s->vaddr;

		if (v < s->vaddr || off > s->memsz || s->memsz - off < size)
			continue;
		set->addr = p->seg[i].addr + off;
		if (off + size <= s->filesz) {
			set->in_file = true;
			set->src = s->offset + off;
		} else if (off < s->filesz) {
			return cl_seterr(ctx, CL_E_USAGE, "--set %s: the symbol "
					 "straddles the end of segment %u's "
					 "file bytes", set->name, s->phidx);
		}
		return 0;
	}
	return cl_seterr(ctx, CL_E_USAGE, "--set %s: the symbol [0x%" PRIx64
			 ", +0x%" PRIx64 ") is not inside one loaded segment",
			 set->name, v, size);
}

/* Bytes the loader writes itself would silently undo or be undone by the
 * patch: the parameter block (written after the image) and words a
 * relocation patches. Both are placement conflicts (CL_E_PLACE). */
static int check_conflicts(struct cl_ctx *ctx, const struct cl_plan *p,
			   const struct cl_setsym *set)
{
	uint64_t pa = p->params_addr, pn = sizeof(struct cardboot_params);
	size_t i;

	if (p->has_params && cl_overlap(set->addr, set->len, pa, pn))
		return cl_seterr(ctx, CL_E_PLACE, "--set %s: the symbol "
				 "[0x%" PRIx64 ", 0x%" PRIx64 ") overlaps "
				 "the parameter block [0x%" PRIx64 ", 0x%"
				 PRIx64 ") that cardload writes after the "
				 "image", set->name, set->addr,
				 set->addr + set->len, pa, pa + pn);
	if (!set->in_file)
		return 0; /* relocations patch file-backed bytes only */
	for (i = 0; i < p->npatch; i++) {
		const struct cl_patch *pt = &p->patch[i];

		if (!cl_overlap(set->src, set->len, pt->src, pt->width))
			continue;
		return cl_seterr(ctx, CL_E_PLACE, "--set %s: the symbol "
				 "[0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the "
				 "word at 0x%" PRIx64 " that a relocation "
				 "(%s) patches", set->name, set->addr,
				 set->addr + set->len,
				 set->addr + (pt->src - set->src), /* mod 2^64 */
				 p->reloc_kind);
	}
	return 0;
}

int cl_plan_set(struct cl_ctx *ctx, struct cl_plan *p, const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct cl_setsym *set;
	uint64_t v = 0, size = 0, num;
	size_t nlen;
	int rc;

	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(set->name))
		return cl_seterr(ctx, CL_E_USAGE, "--set '%s': want "
				 "SYMBOL=VALUE or SYMBOL=str:TEXT", spec);
	if (p->nset == CL_MAX_SETS)
		return cl_seterr(ctx, CL_E_USAGE, "more than %d --set",
				 CL_MAX_SETS);
	set = &p->set[p->nset];
	memset(set, 0, sizeof(*set));
	nlen = (size_t)(eq - spec);
	memcpy(set->name, spec, nlen);
	for (unsigned i = 0; i < p->nset; i++)
		if (!strcmp(p->set[i].name, set->name))
			return cl_seterr(ctx, CL_E_USAGE, "--set %s given twice",
					 set->name);
	rc = lookup(ctx, p->img, set->name, &v, &size);
	if (rc)
		return rc;
	if (!strncmp(eq + 1, "str:", 4)) {
		const char *text = eq + 5;

		set->len = strlen(text) + 1;
		if (set->len > size || set->len > sizeof(set->bytes))
			return cl_seterr(ctx, CL_E_USAGE, "--set %s: the string "
					 "and its NUL are %zu bytes; the symbol "
					 "holds %" PRIu64, set->name, set->len,
					 size);
		memcpy(set->bytes, text, set->len);
	} else {
		if (size != 1 && size != 2 && size != 4 && size != 8)
			return cl_seterr(ctx, CL_E_USAGE, "--set %s: the symbol "
					 "is %" PRIu64 " bytes; a number needs "
					 "1, 2, 4 or 8 (str:TEXT for text)",
					 set->name, size);
		if (cl_parse_num(eq + 1, &num) ||
		    (size < 8 && num >> (8 * size)))
			return cl_seterr(ctx, CL_E_USAGE, "--set %s: '%s' is not "
					 "a number that fits %" PRIu64 " bytes",
					 set->name, eq + 1, size);
		set->len = (size_t)size;
		img_put(p->img, set->bytes, (unsigned)size, num);
	}
	rc = locate(ctx, p, set, v, set->len);
	if (!rc)
		rc = check_conflicts(ctx, p, set);
	if (!rc)
		p->nset++;
	return rc;
}
