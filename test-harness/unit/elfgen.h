/* SPDX-License-Identifier: GPL-2.0-or-later */
/* elfgen.h - build synthetic ELF images in memory for the unit tests
 *
 * A header-only builder: describe the image (class, byte order, machine,
 * type, entry, PT_LOAD segments, an optional PT_DYNAMIC with relocation
 * tables, an optional PT_NOTE, an optional symbol table) in a struct
 * egen_spec and egen_build() returns a malloc'd buffer holding it. Every
 * field is written by hand in the chosen byte order; libelf is not used, so
 * the tests never share its view of the format with the library under test.
 *
 * File layout, in this order:
 *   ELF header, program headers,
 *   user segments (p_offset congruent to p_vaddr modulo p_align, capped),
 *   the "dynamic segment": an R PT_LOAD holding .dynamic, then the RELA/REL,
 *     RELR and JMPREL tables (DT_* values are virtual addresses in it),
 *   the note (one note, or notes_raw: several built with egen_note()),
 *   .shstrtab, .symtab and .strtab (with nsym), the section headers (only
 *   when asked or when there are symbols).
 *
 * Sections with symbols: [0] SHT_NULL, [1] .shstrtab, [2] .symtab (sh_link
 * 3), [3] .strtab. Symbols are STB_GLOBAL, defined in SHN_ABS unless undef.
 *
 * Program header order: user PT_LOADs (seg[0..nseg-1]), then the dynamic
 * segment's PT_LOAD and PT_DYNAMIC, then PT_NOTE, then pad_phdrs PT_NULLs.
 * egen_layout() reports where everything went; egen_ehdr_field(),
 * egen_phdr_field() and egen_dyn_val_off() give offsets for corrupting the
 * built image with egen_set().
 */
#ifndef CL_ELFGEN_H
#define CL_ELFGEN_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EGEN_FN static __attribute__((unused))

/* Offsets are congruent to vaddrs modulo min(p_align, this). */
#define EGEN_MAX_CONGRUENCE 0x200000u
#define EGEN_MAX_DYN_EXTRA 8

#define EGEN_DT_RELRSZ 35
#define EGEN_DT_RELR 36
#define EGEN_DT_RELRENT 37

/* .shstrtab contents: names at 1, then (with symbols) 11 and 19 */
#define EGEN_SHSTR "\0.shstrtab"
#define EGEN_SHSTR_SYM "\0.shstrtab\0.symtab\0.strtab"

struct egen_seg {            /* one PT_LOAD */
	uint64_t vaddr, paddr;   /* both written as given */
	uint64_t filesz, memsz, align;
	uint32_t flags;          /* PF_R | PF_W | PF_X */
	uint8_t fill;            /* content: every byte is fill ... */
	bool ramp;               /* ... or byte j is (fill + j) & 0xff */
};

enum egen_relfmt { EGEN_RELA, EGEN_REL };

/* One relocation record. For REL tables (and RELR) the addend is stored in
 * the image at r_offset, as the ELF ABIs say, when r_offset lies in a user
 * segment's file bytes; for RELA it goes in the record. */
struct egen_rel {
	uint64_t offset;         /* r_offset, a virtual address */
	uint32_t type, sym;
	int64_t addend;
};

struct egen_dyn {
	int64_t tag;
	uint64_t val;
};

struct egen_sym {            /* one .symtab entry after the null symbol */
	const char *name;
	uint64_t value, size;
	uint8_t type;            /* STT_OBJECT, STT_FUNC, ... (0: STT_NOTYPE) */
	bool undef;              /* st_shndx SHN_UNDEF instead of SHN_ABS */
};

struct egen_spec {
	int elfclass;            /* ELFCLASS32 or ELFCLASS64 */
	int endian;              /* ELFDATA2LSB or ELFDATA2MSB */
	int machine;             /* EM_* */
	int type;                /* ET_EXEC, ET_DYN */
	uint64_t entry;
	uint32_t flags;          /* e_flags */
	unsigned nseg;
	const struct egen_seg *seg;
	unsigned pad_phdrs;      /* PT_NULL headers appended to the table */

	/* PT_DYNAMIC and relocations */
	bool dynamic;
	uint64_t dyn_vaddr;      /* 0: page after the highest user segment */
	uint64_t dyn_align;      /* 0: the largest user p_align (at least 8) */
	enum egen_relfmt relfmt; /* format of rel[] (DT_RELA or DT_REL) */
	unsigned nrel;
	const struct egen_rel *rel;
	unsigned nrelr;          /* addresses for DT_RELR, ascending, even */
	const struct egen_rel *relr; /* offset and in-place addend used */
	unsigned nrelr_words;    /* raw DT_RELR words instead of encoding */
	const uint64_t *relr_words;
	enum egen_relfmt jmpfmt; /* format of jmprel[] (DT_PLTREL) */
	unsigned njmprel;
	const struct egen_rel *jmprel;
	unsigned ndyn_extra;     /* more entries before DT_NULL */
	struct egen_dyn dyn_extra[EGEN_MAX_DYN_EXTRA];

	/* PT_NOTE (in the file only, not loaded) */
	bool note;
	const char *note_name;
	uint32_t note_type;
	const void *note_desc;
	uint32_t note_desclen;

	/* section headers: SHT_NULL and .shstrtab */
	bool shdrs;
	bool xnum;               /* e_phnum = PN_XNUM, real count in sh_info */

	/* with note: the PT_NOTE holds these bytes instead of the one note
	 * above (several notes, or hand-made headers; see egen_note()) */
	const void *notes_raw;
	uint32_t notes_raw_len;

	/* a symbol table (.symtab and .strtab; implies section headers) */
	unsigned nsym;
	const struct egen_sym *sym;
};

struct egen_layout {
	unsigned w;              /* address width: 4 or 8 */
	size_t ehsize, phentsize, dynent, relaent, relent;
	uint64_t phoff;
	unsigned phnum;          /* program headers written */
	int dload_ph, dynamic_ph, note_ph; /* indexes, -1 when absent */
	uint64_t user_end;       /* file offset after the user segments */
	/* the R segment holding .dynamic and the tables */
	uint64_t dseg_off, dseg_vaddr, dseg_paddr, dseg_size, dseg_align;
	uint64_t dyn_off, dyn_size;     /* all offsets here are file offsets */
	uint64_t rel_off, rel_size;
	uint64_t relr_off, relr_size;
	uint64_t jmp_off, jmp_size;
	uint64_t note_off, note_size;
	uint64_t shstr_off, shoff;
	unsigned shnum;
	uint64_t size;           /* whole file */
	/* with nsym */
	uint64_t shstr_size, sym_off, sym_size, symstr_off, symstr_size;
	size_t syment;
};

/* ---- byte order ---------------------------------------------------------- */

EGEN_FN void egen_put(uint8_t *p, int endian, unsigned width, uint64_t v)
{
	unsigned i;

	for (i = 0; i < width; i++) {
		unsigned k = endian == ELFDATA2MSB ? width - 1 - i : i;

		p[k] = (uint8_t)(v >> (8 * i));
	}
}

EGEN_FN uint64_t egen_getn(const uint8_t *p, int endian, unsigned width)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < width; i++) {
		unsigned k = endian == ELFDATA2MSB ? i : width - 1 - i;

		v = v << 8 | p[k];
	}
	return v;
}

EGEN_FN void egen_put16(uint8_t *p, int endian, uint16_t v)
{
	egen_put(p, endian, 2, v);
}

EGEN_FN void egen_put32(uint8_t *p, int endian, uint32_t v)
{
	egen_put(p, endian, 4, v);
}

EGEN_FN void egen_put64(uint8_t *p, int endian, uint64_t v)
{
	egen_put(p, endian, 8, v);
}

/* ---- layout -------------------------------------------------------------- */

EGEN_FN unsigned egen_width(const struct egen_spec *s)
{
	return s->elfclass == ELFCLASS64 ? 8 : 4;
}

EGEN_FN uint64_t egen_align_up(uint64_t x, uint64_t a)
{
	return a > 1 ? (x + a - 1) / a * a : x;
}

/* Smallest offset >= cur congruent to vaddr modulo min(align, cap). */
EGEN_FN uint64_t egen_place(uint64_t cur, uint64_t vaddr, uint64_t align)
{
	uint64_t m = align > 1 ? align : 1;

	if (m > EGEN_MAX_CONGRUENCE)
		m = EGEN_MAX_CONGRUENCE;
	return cur + ((vaddr % m) + m - (cur % m)) % m;
}

EGEN_FN unsigned egen_phnum(const struct egen_spec *s)
{
	return s->nseg + (s->dynamic ? 2 : 0) + (s->note ? 1 : 0) +
	       s->pad_phdrs;
}

EGEN_FN uint64_t egen_headers_end(const struct egen_spec *s)
{
	size_t eh = s->elfclass == ELFCLASS64 ? 64 : 52;
	size_t ph = s->elfclass == ELFCLASS64 ? 56 : 32;

	return eh + (uint64_t)egen_phnum(s) * ph;
}

/* File offset of user segment i; i == nseg gives the end of the last. */
EGEN_FN uint64_t egen_seg_off(const struct egen_spec *s, unsigned i)
{
	uint64_t cur = egen_headers_end(s), off;
	unsigned k;

	for (k = 0; k < s->nseg; k++) {
		off = egen_place(cur, s->seg[k].vaddr, s->seg[k].align);
		if (k == i)
			return off;
		cur = off + s->seg[k].filesz;
	}
	return cur;
}

/* RELR words for s->relr (or the raw words); returns the count, fills out
 * when non-NULL. An address word, then bitmaps of the following 63 (31)
 * words, as lld writes them. */
EGEN_FN unsigned egen_relr_encode(const struct egen_spec *s, uint64_t *out)
{
	unsigned w = egen_width(s), nbits = w * 8 - 1, i = 0, n = 0;

	if (s->nrelr_words) {
		if (out)
			memcpy(out, s->relr_words, s->nrelr_words * sizeof(*out));
		return s->nrelr_words;
	}
	while (i < s->nrelr) {
		uint64_t base = s->relr[i].offset + w;

		if (out)
			out[n] = s->relr[i].offset;
		n++;
		i++;
		for (;;) {
			uint64_t bitmap = 0;

			while (i < s->nrelr && s->relr[i].offset >= base &&
			       s->relr[i].offset - base < (uint64_t)nbits * w &&
			       (s->relr[i].offset - base) % w == 0) {
				bitmap |= UINT64_C(1) << ((s->relr[i].offset -
							   base) / w);
				i++;
			}
			if (!bitmap)
				break;
			if (out)
				out[n] = bitmap << 1 | 1;
			n++;
			base += (uint64_t)nbits * w;
		}
	}
	return n;
}

/* The .dynamic entries (without DT_NULL); returns the count. */
EGEN_FN unsigned egen_dyn_list(const struct egen_spec *s,
			       const struct egen_layout *l, struct egen_dyn *out)
{
	unsigned n = 0, i;

#define EGEN_DYN(t, v) do {						\
	if (out)							\
		out[n] = (struct egen_dyn){ (t), (v) };			\
	n++;								\
} while (0)
	if (s->nrel && s->relfmt == EGEN_RELA) {
		EGEN_DYN(DT_RELA, l ? l->dseg_vaddr + l->rel_off - l->dseg_off : 0);
		EGEN_DYN(DT_RELASZ, l ? l->rel_size : 0);
		EGEN_DYN(DT_RELAENT, l ? l->relaent : 0);
	} else if (s->nrel) {
		EGEN_DYN(DT_REL, l ? l->dseg_vaddr + l->rel_off - l->dseg_off : 0);
		EGEN_DYN(DT_RELSZ, l ? l->rel_size : 0);
		EGEN_DYN(DT_RELENT, l ? l->relent : 0);
	}
	if (s->nrelr || s->nrelr_words) {
		EGEN_DYN(EGEN_DT_RELR,
			 l ? l->dseg_vaddr + l->relr_off - l->dseg_off : 0);
		EGEN_DYN(EGEN_DT_RELRSZ, l ? l->relr_size : 0);
		EGEN_DYN(EGEN_DT_RELRENT, egen_width(s));
	}
	if (s->njmprel) {
		EGEN_DYN(DT_JMPREL,
			 l ? l->dseg_vaddr + l->jmp_off - l->dseg_off : 0);
		EGEN_DYN(DT_PLTRELSZ, l ? l->jmp_size : 0);
		EGEN_DYN(DT_PLTREL, s->jmpfmt == EGEN_RELA ? DT_RELA : DT_REL);
	}
	for (i = 0; i < s->ndyn_extra && i < EGEN_MAX_DYN_EXTRA; i++)
		EGEN_DYN(s->dyn_extra[i].tag, s->dyn_extra[i].val);
#undef EGEN_DYN
	return n;
}

EGEN_FN void egen_layout(const struct egen_spec *s, struct egen_layout *l)
{
	int is64 = s->elfclass == ELFCLASS64;
	uint64_t cur, hi = 0, delta = 0, maxalign = 8;
	unsigned i, ph;

	memset(l, 0, sizeof(*l));
	l->w = egen_width(s);
	l->ehsize = is64 ? 64 : 52;
	l->phentsize = is64 ? 56 : 32;
	l->dynent = 2 * l->w;
	l->relaent = 3 * l->w;
	l->relent = 2 * l->w;
	l->phoff = l->ehsize;
	l->phnum = egen_phnum(s);
	l->dload_ph = l->dynamic_ph = l->note_ph = -1;
	ph = s->nseg;
	cur = l->user_end = egen_seg_off(s, s->nseg);

	if (s->dynamic) {
		l->dload_ph = (int)ph++;
		l->dynamic_ph = (int)ph++;
		for (i = 0; i < s->nseg; i++) {
			const struct egen_seg *g = &s->seg[i];

			if (g->vaddr + g->memsz >= hi) {
				hi = g->vaddr + g->memsz;
				delta = g->paddr - g->vaddr;
			}
			if (g->align > maxalign)
				maxalign = g->align;
		}
		l->dseg_align = s->dyn_align ? s->dyn_align : maxalign;
		l->dseg_vaddr = s->dyn_vaddr ? s->dyn_vaddr :
			egen_align_up(hi, l->dseg_align > 0x1000 ?
					  l->dseg_align : 0x1000);
		l->dseg_paddr = l->dseg_vaddr + delta;
		l->dseg_off = egen_place(cur, l->dseg_vaddr, l->dseg_align);
		l->dyn_off = l->dseg_off;
		l->dyn_size = (egen_dyn_list(s, NULL, NULL) + 1) * l->dynent;
		l->rel_off = egen_align_up(l->dyn_off + l->dyn_size, 8);
		l->rel_size = (uint64_t)s->nrel *
			      (s->relfmt == EGEN_RELA ? l->relaent : l->relent);
		l->relr_off = egen_align_up(l->rel_off + l->rel_size, 8);
		l->relr_size = (uint64_t)egen_relr_encode(s, NULL) * l->w;
		l->jmp_off = egen_align_up(l->relr_off + l->relr_size, 8);
		l->jmp_size = (uint64_t)s->njmprel *
			      (s->jmpfmt == EGEN_RELA ? l->relaent : l->relent);
		l->dseg_size = l->jmp_off + l->jmp_size - l->dseg_off;
		cur = l->dseg_off + l->dseg_size;
	}
	if (s->note) {
		size_t namesz = s->note_name ? strlen(s->note_name) + 1 : 0;

		l->note_ph = (int)ph++;
		l->note_off = egen_align_up(cur, 4);
		l->note_size = s->notes_raw ? s->notes_raw_len :
			       12 + egen_align_up(namesz, 4) +
			       egen_align_up(s->note_desclen, 4);
		cur = l->note_off + l->note_size;
	}
	l->syment = is64 ? 24 : 16;
	if (s->shdrs || s->xnum || s->nsym) {
		l->shstr_off = cur;
		l->shstr_size = s->nsym ? sizeof(EGEN_SHSTR_SYM) :
					  sizeof(EGEN_SHSTR);
		cur += l->shstr_size;
		if (s->nsym) {
			l->sym_off = egen_align_up(cur, 8);
			l->sym_size = (uint64_t)(s->nsym + 1) * l->syment;
			l->symstr_off = l->sym_off + l->sym_size;
			l->symstr_size = 1;
			for (i = 0; i < s->nsym; i++)
				l->symstr_size += strlen(s->sym[i].name) + 1;
			cur = l->symstr_off + l->symstr_size;
		}
		l->shoff = egen_align_up(cur, 8);
		l->shnum = s->nsym ? 4 : 2;
		cur = l->shoff + l->shnum * (is64 ? 64 : 40);
	}
	l->size = cur;
}

/* ---- field offsets, for corrupting a built image ------------------------- */

struct egen_field {
	size_t off;
	unsigned width;
};

enum egen_efield {
	EGEN_E_TYPE, EGEN_E_MACHINE, EGEN_E_VERSION, EGEN_E_ENTRY,
	EGEN_E_PHOFF, EGEN_E_SHOFF, EGEN_E_FLAGS, EGEN_E_EHSIZE,
	EGEN_E_PHENTSIZE, EGEN_E_PHNUM, EGEN_E_SHENTSIZE, EGEN_E_SHNUM,
	EGEN_E_SHSTRNDX,
};

enum egen_pfield {
	EGEN_P_TYPE, EGEN_P_FLAGS, EGEN_P_OFFSET, EGEN_P_VADDR, EGEN_P_PADDR,
	EGEN_P_FILESZ, EGEN_P_MEMSZ, EGEN_P_ALIGN,
};

EGEN_FN struct egen_field egen_ehdr_field(const struct egen_spec *s,
					  enum egen_efield f)
{
	unsigned w = egen_width(s);
	size_t tail = 24 + 3 * w; /* e_flags */

	switch (f) {
	case EGEN_E_TYPE: return (struct egen_field){ 16, 2 };
	case EGEN_E_MACHINE: return (struct egen_field){ 18, 2 };
	case EGEN_E_VERSION: return (struct egen_field){ 20, 4 };
	case EGEN_E_ENTRY: return (struct egen_field){ 24, w };
	case EGEN_E_PHOFF: return (struct egen_field){ 24 + w, w };
	case EGEN_E_SHOFF: return (struct egen_field){ 24 + 2 * w, w };
	case EGEN_E_FLAGS: return (struct egen_field){ tail, 4 };
	case EGEN_E_EHSIZE: return (struct egen_field){ tail + 4, 2 };
	case EGEN_E_PHENTSIZE: return (struct egen_field){ tail + 6, 2 };
	case EGEN_E_PHNUM: return (struct egen_field){ tail + 8, 2 };
	case EGEN_E_SHENTSIZE: return (struct egen_field){ tail + 10, 2 };
	case EGEN_E_SHNUM: return (struct egen_field){ tail + 12, 2 };
	case EGEN_E_SHSTRNDX: return (struct egen_field){ tail + 14, 2 };
	}
	abort();
}

/* File offset of program header i. */
EGEN_FN size_t egen_phdr_off(const struct egen_spec *s, unsigned i)
{
	struct egen_layout l;

	egen_layout(s, &l);
	return (size_t)l.phoff + i * l.phentsize;
}

EGEN_FN struct egen_field egen_phdr_field(const struct egen_spec *s,
					  unsigned i, enum egen_pfield f)
{
	size_t base = egen_phdr_off(s, i);
	static const size_t off64[] = { 0, 4, 8, 16, 24, 32, 40, 48 };
	static const size_t off32[] = { 0, 24, 4, 8, 12, 16, 20, 28 };

	if (s->elfclass == ELFCLASS64)
		return (struct egen_field){ base + off64[f],
					    f <= EGEN_P_FLAGS ? 4 : 8 };
	return (struct egen_field){ base + off32[f], 4 };
}

/* Store v (truncated to the field's width) in the image's byte order. */
EGEN_FN void egen_set(uint8_t *buf, const struct egen_spec *s,
		      struct egen_field f, uint64_t v)
{
	egen_put(buf + f.off, s->endian, f.width, v);
}

EGEN_FN uint64_t egen_get(const uint8_t *buf, const struct egen_spec *s,
			  struct egen_field f)
{
	return egen_getn(buf + f.off, s->endian, f.width);
}

/* Field holding the d_val of the first .dynamic entry with tag (off 0 when
 * there is none). */
EGEN_FN struct egen_field egen_dyn_val(const uint8_t *buf,
				       const struct egen_spec *s, int64_t tag)
{
	struct egen_layout l;
	uint64_t off;

	egen_layout(s, &l);
	for (off = l.dyn_off; off < l.dyn_off + l.dyn_size; off += l.dynent)
		if ((int64_t)egen_getn(buf + off, s->endian, l.w) == tag)
			return (struct egen_field){ (size_t)off + l.w, l.w };
	return (struct egen_field){ 0, 0 };
}

/* File offset of a virtual address inside a user segment's file bytes, or
 * 0 when it is not in one. */
EGEN_FN uint64_t egen_vaddr_off(const struct egen_spec *s, uint64_t va)
{
	unsigned i;

	for (i = 0; i < s->nseg; i++) {
		const struct egen_seg *g = &s->seg[i];

		if (va >= g->vaddr && va - g->vaddr < g->filesz)
			return egen_seg_off(s, i) + (va - g->vaddr);
	}
	return 0;
}

/* File offset of a w-byte word at va, when all of it lies in one user
 * segment's file bytes; 0 otherwise. */
EGEN_FN uint64_t egen_word_off(const struct egen_spec *s, uint64_t va,
			       unsigned w)
{
	uint64_t at = egen_vaddr_off(s, va);

	return at && egen_vaddr_off(s, va + w - 1) == at + w - 1 ? at : 0;
}

/* ---- building ------------------------------------------------------------ */

EGEN_FN void egen_phdr(uint8_t *p, const struct egen_spec *s, uint32_t type,
		       uint32_t flags, uint64_t off, uint64_t vaddr,
		       uint64_t paddr, uint64_t filesz, uint64_t memsz,
		       uint64_t align)
{
	int e = s->endian;

	if (s->elfclass == ELFCLASS64) {
		egen_put32(p + 0, e, type);
		egen_put32(p + 4, e, flags);
		egen_put64(p + 8, e, off);
		egen_put64(p + 16, e, vaddr);
		egen_put64(p + 24, e, paddr);
		egen_put64(p + 32, e, filesz);
		egen_put64(p + 40, e, memsz);
		egen_put64(p + 48, e, align);
	} else {
		egen_put32(p + 0, e, type);
		egen_put32(p + 4, e, (uint32_t)off);
		egen_put32(p + 8, e, (uint32_t)vaddr);
		egen_put32(p + 12, e, (uint32_t)paddr);
		egen_put32(p + 16, e, (uint32_t)filesz);
		egen_put32(p + 20, e, (uint32_t)memsz);
		egen_put32(p + 24, e, flags);
		egen_put32(p + 28, e, (uint32_t)align);
	}
}

EGEN_FN void egen_ehdr(uint8_t *p, const struct egen_spec *s,
		       const struct egen_layout *l)
{
	int e = s->endian;
	unsigned w = l->w;
	size_t t = 24 + 3 * w;

	memcpy(p, ELFMAG, SELFMAG);
	p[EI_CLASS] = (uint8_t)s->elfclass;
	p[EI_DATA] = (uint8_t)s->endian;
	p[EI_VERSION] = EV_CURRENT;
	p[EI_OSABI] = ELFOSABI_NONE;
	egen_put16(p + 16, e, (uint16_t)s->type);
	egen_put16(p + 18, e, (uint16_t)s->machine);
	egen_put32(p + 20, e, EV_CURRENT);
	egen_put(p + 24, e, w, s->entry);
	egen_put(p + 24 + w, e, w, l->phoff);
	egen_put(p + 24 + 2 * w, e, w, l->shoff);
	egen_put32(p + t, e, s->flags);
	egen_put16(p + t + 4, e, (uint16_t)l->ehsize);
	egen_put16(p + t + 6, e, (uint16_t)l->phentsize);
	egen_put16(p + t + 8, e, s->xnum ? PN_XNUM : (uint16_t)l->phnum);
	egen_put16(p + t + 10, e, l->shnum ? (w == 8 ? 64 : 40) : 0);
	egen_put16(p + t + 12, e, (uint16_t)l->shnum);
	egen_put16(p + t + 14, e, l->shnum ? 1 : 0);
}

/* One relocation record; also stores a REL addend at r_offset. */
EGEN_FN void egen_rel(uint8_t *buf, const struct egen_spec *s,
		      const struct egen_layout *l, uint8_t *p,
		      const struct egen_rel *r, enum egen_relfmt fmt)
{
	unsigned w = l->w;
	uint64_t info, at;

	if (w == 8)
		info = (uint64_t)r->sym << 32 | r->type;
	else
		info = (uint64_t)r->sym << 8 | (r->type & 0xff);
	egen_put(p, s->endian, w, r->offset);
	egen_put(p + w, s->endian, w, info);
	if (fmt == EGEN_RELA) {
		egen_put(p + 2 * w, s->endian, w, (uint64_t)r->addend);
		return;
	}
	at = egen_word_off(s, r->offset, w);
	if (at)
		egen_put(buf + at, s->endian, w, (uint64_t)r->addend);
}

EGEN_FN void egen_write_dynamic(uint8_t *buf, const struct egen_spec *s,
				const struct egen_layout *l)
{
	struct egen_dyn dyn[16 + EGEN_MAX_DYN_EXTRA];
	unsigned n = egen_dyn_list(s, l, dyn), i, w = l->w;
	size_t ent;
	uint64_t *words;

	for (i = 0; i < n; i++) {
		egen_put(buf + l->dyn_off + i * l->dynent, s->endian, w,
			 (uint64_t)dyn[i].tag);
		egen_put(buf + l->dyn_off + i * l->dynent + w, s->endian, w,
			 dyn[i].val);
	}
	/* DT_NULL: already zero */
	ent = s->relfmt == EGEN_RELA ? l->relaent : l->relent;
	for (i = 0; i < s->nrel; i++)
		egen_rel(buf, s, l, buf + l->rel_off + i * ent, &s->rel[i],
			 s->relfmt);
	ent = s->jmpfmt == EGEN_RELA ? l->relaent : l->relent;
	for (i = 0; i < s->njmprel; i++)
		egen_rel(buf, s, l, buf + l->jmp_off + i * ent, &s->jmprel[i],
			 s->jmpfmt);
	n = egen_relr_encode(s, NULL);
	words = calloc(n ? n : 1, sizeof(*words));
	if (!words)
		abort();
	egen_relr_encode(s, words);
	for (i = 0; i < n; i++)
		egen_put(buf + l->relr_off + i * w, s->endian, w, words[i]);
	free(words);
	for (i = 0; i < s->nrelr; i++) { /* values in place */
		uint64_t at = egen_word_off(s, s->relr[i].offset, w);

		if (at)
			egen_put(buf + at, s->endian, w,
				 (uint64_t)s->relr[i].addend);
	}
}

EGEN_FN void egen_write_note(uint8_t *buf, const struct egen_spec *s,
			     const struct egen_layout *l)
{
	uint8_t *p = buf + l->note_off;
	size_t namesz = s->note_name ? strlen(s->note_name) + 1 : 0;

	egen_put32(p, s->endian, (uint32_t)namesz);
	egen_put32(p + 4, s->endian, s->note_desclen);
	egen_put32(p + 8, s->endian, s->note_type);
	if (namesz)
		memcpy(p + 12, s->note_name, namesz);
	if (s->note_desclen)
		memcpy(p + 12 + egen_align_up(namesz, 4), s->note_desc,
		       s->note_desclen);
}

/* One note (header, name, descriptor, 4-byte padding) at out, in the given
 * byte order; returns its size. out may be NULL to measure. */
EGEN_FN size_t egen_note(uint8_t *out, int endian, const char *name,
			 uint32_t type, const void *desc, uint32_t desclen)
{
	size_t namesz = name ? strlen(name) + 1 : 0;
	size_t size = 12 + egen_align_up(namesz, 4) + egen_align_up(desclen, 4);

	if (!out)
		return size;
	memset(out, 0, size);
	egen_put32(out, endian, (uint32_t)namesz);
	egen_put32(out + 4, endian, desclen);
	egen_put32(out + 8, endian, type);
	if (namesz)
		memcpy(out + 12, name, namesz);
	if (desclen)
		memcpy(out + 12 + egen_align_up(namesz, 4), desc, desclen);
	return size;
}

/* One section header (64- or 32-bit layout). */
EGEN_FN void egen_shdr(uint8_t *p, const struct egen_spec *s, uint32_t name,
		       uint32_t type, uint64_t off, uint64_t size,
		       uint32_t link, uint32_t info, uint64_t align,
		       uint64_t entsize)
{
	int e = s->endian;

	if (s->elfclass == ELFCLASS64) {
		egen_put32(p + 0, e, name);
		egen_put32(p + 4, e, type);
		egen_put64(p + 24, e, off);
		egen_put64(p + 32, e, size);
		egen_put32(p + 40, e, link);
		egen_put32(p + 44, e, info);
		egen_put64(p + 48, e, align);
		egen_put64(p + 56, e, entsize);
	} else {
		egen_put32(p + 0, e, name);
		egen_put32(p + 4, e, type);
		egen_put32(p + 16, e, (uint32_t)off);
		egen_put32(p + 20, e, (uint32_t)size);
		egen_put32(p + 24, e, link);
		egen_put32(p + 28, e, info);
		egen_put32(p + 32, e, (uint32_t)align);
		egen_put32(p + 36, e, (uint32_t)entsize);
	}
}

/* .symtab (null symbol first), .strtab and their section headers. */
EGEN_FN void egen_write_symtab(uint8_t *buf, const struct egen_spec *s,
			       const struct egen_layout *l)
{
	size_t shent = s->elfclass == ELFCLASS64 ? 64 : 40;
	uint64_t name = 1;
	unsigned i;
	int e = s->endian;

	for (i = 0; i < s->nsym; i++) {
		const struct egen_sym *y = &s->sym[i];
		uint8_t *p = buf + l->sym_off + (i + 1) * l->syment;
		uint8_t info = (uint8_t)(STB_GLOBAL << 4 | (y->type & 0xf));
		uint16_t shndx = y->undef ? SHN_UNDEF : SHN_ABS;

		memcpy(buf + l->symstr_off + name, y->name,
		       strlen(y->name) + 1);
		egen_put32(p, e, (uint32_t)name);
		if (s->elfclass == ELFCLASS64) {
			p[4] = info;
			egen_put16(p + 6, e, shndx);
			egen_put64(p + 8, e, y->value);
			egen_put64(p + 16, e, y->size);
		} else {
			egen_put32(p + 4, e, (uint32_t)y->value);
			egen_put32(p + 8, e, (uint32_t)y->size);
			p[12] = info;
			egen_put16(p + 14, e, shndx);
		}
		name += strlen(y->name) + 1;
	}
	egen_shdr(buf + l->shoff + 2 * shent, s, 11, SHT_SYMTAB, l->sym_off,
		  l->sym_size, 3, 1, 8, l->syment);
	egen_shdr(buf + l->shoff + 3 * shent, s, 19, SHT_STRTAB,
		  l->symstr_off, l->symstr_size, 0, 0, 1, 0);
}

EGEN_FN void egen_write_shdrs(uint8_t *buf, const struct egen_spec *s,
			      const struct egen_layout *l)
{
	static const char strtab[] = EGEN_SHSTR_SYM;
	uint8_t *sh0 = buf + l->shoff, *sh1;
	int e = s->endian;

	memcpy(buf + l->shstr_off, strtab, l->shstr_size);
	if (s->elfclass == ELFCLASS64) {
		sh1 = sh0 + 64;
		if (s->xnum)
			egen_put32(sh0 + 44, e, l->phnum); /* sh_info */
		egen_put32(sh1 + 0, e, 1);             /* sh_name */
		egen_put32(sh1 + 4, e, SHT_STRTAB);
		egen_put64(sh1 + 24, e, l->shstr_off);
		egen_put64(sh1 + 32, e, l->shstr_size);
		egen_put64(sh1 + 48, e, 1);
	} else {
		sh1 = sh0 + 40;
		if (s->xnum)
			egen_put32(sh0 + 28, e, l->phnum);
		egen_put32(sh1 + 0, e, 1);
		egen_put32(sh1 + 4, e, SHT_STRTAB);
		egen_put32(sh1 + 16, e, (uint32_t)l->shstr_off);
		egen_put32(sh1 + 20, e, (uint32_t)l->shstr_size);
		egen_put32(sh1 + 32, e, 1);
	}
	if (s->nsym)
		egen_write_symtab(buf, s, l);
}

/* Build the image; *len gets its size. Free the result with free(). */
EGEN_FN uint8_t *egen_build(const struct egen_spec *s, size_t *len)
{
	struct egen_layout l;
	uint8_t *buf;
	uint64_t cur;
	unsigned i, ph;

	egen_layout(s, &l);
	buf = calloc(1, l.size);
	if (!buf)
		abort();
	egen_ehdr(buf, s, &l);

	cur = l.ehsize + (uint64_t)l.phnum * l.phentsize;
	for (i = 0; i < s->nseg; i++) {
		const struct egen_seg *g = &s->seg[i];
		uint64_t off = egen_place(cur, g->vaddr, g->align), j;

		egen_phdr(buf + l.phoff + i * l.phentsize, s, PT_LOAD,
			  g->flags, off, g->vaddr, g->paddr, g->filesz,
			  g->memsz, g->align);
		for (j = 0; j < g->filesz; j++)
			buf[off + j] = (uint8_t)(g->ramp ? g->fill + j :
							   g->fill);
		cur = off + g->filesz;
	}
	ph = s->nseg;
	if (s->dynamic) {
		egen_phdr(buf + l.phoff + ph++ * l.phentsize, s, PT_LOAD, PF_R,
			  l.dseg_off, l.dseg_vaddr, l.dseg_paddr, l.dseg_size,
			  l.dseg_size, l.dseg_align);
		egen_phdr(buf + l.phoff + ph++ * l.phentsize, s, PT_DYNAMIC,
			  PF_R | PF_W, l.dyn_off,
			  l.dseg_vaddr + l.dyn_off - l.dseg_off,
			  l.dseg_paddr + l.dyn_off - l.dseg_off, l.dyn_size,
			  l.dyn_size, l.w);
		egen_write_dynamic(buf, s, &l);
	}
	if (s->note) {
		egen_phdr(buf + l.phoff + ph++ * l.phentsize, s, PT_NOTE, PF_R,
			  l.note_off, 0, 0, l.note_size, l.note_size, 4);
		if (s->notes_raw)
			memcpy(buf + l.note_off, s->notes_raw, l.note_size);
		else
			egen_write_note(buf, s, &l);
	}
	/* pad_phdrs: PT_NULL entries are all zeros already */
	if (l.shnum)
		egen_write_shdrs(buf, s, &l);
	*len = (size_t)l.size;
	return buf;
}

/* The small image several tests load: ET_DYN riscv64 linked at 0, RX text
 * [0, 0x800) as a byte ramp from 0x11, RW data [0x1000, 0x1100) of 0x22
 * holding two R_RISCV_RELATIVE pointers (at 0x1008 -> +0x40, 0x1010 ->
 * +0x1000), bss up to 0xa000, entry 0x10. */
EGEN_FN uint8_t *egen_sample_dyn(size_t *len)
{
	static const struct egen_seg seg[] = {
		{ .vaddr = 0, .paddr = 0, .filesz = 0x800, .memsz = 0x800,
		  .align = 0x1000, .flags = PF_R | PF_X, .fill = 0x11,
		  .ramp = true },
		{ .vaddr = 0x1000, .paddr = 0x1000, .filesz = 0x100,
		  .memsz = 0x9000, .align = 0x1000, .flags = PF_R | PF_W,
		  .fill = 0x22 },
	};
	static const struct egen_rel rel[] = {
		{ .offset = 0x1008, .type = 3, .addend = 0x40 },
		{ .offset = 0x1010, .type = 3, .addend = 0x1000 },
	};
	const struct egen_spec spec = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_RISCV, .type = ET_DYN, .entry = 0x10,
		.nseg = 2, .seg = seg, .dynamic = true, .relfmt = EGEN_RELA,
		.nrel = 2, .rel = rel,
	};

	return egen_build(&spec, len);
}

/* The second image of the multi-image tests: ET_DYN riscv64, text
 * [0, 0x200) (a ramp from 0x5a) + 0x200 of bss, p_align 64 KiB,
 * entry 0x20. */
EGEN_FN uint8_t *egen_build_second(size_t *len)
{
	static const struct egen_seg seg[] = {
		{ .vaddr = 0, .paddr = 0, .filesz = 0x200, .memsz = 0x400,
		  .align = 0x10000, .flags = PF_R | PF_X, .fill = 0x5a,
		  .ramp = true },
	};
	const struct egen_spec s = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_RISCV, .type = ET_DYN, .entry = 0x20,
		.nseg = 1, .seg = seg,
	};

	return egen_build(&s, len);
}

#endif /* CL_ELFGEN_H */
