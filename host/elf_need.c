/* SPDX-License-Identifier: GPL-2.0-or-later */
/* elf_need.c - which file ranges of an ELF image the loader reads itself
 *
 * A streamed (low-memory) load keeps only these ranges of the decompressed
 * image in memory: the ELF header, program and section headers, PT_NOTE and
 * PT_DYNAMIC contents, the dynamic relocation tables, symbol tables and
 * their string tables (for --set). Segment bytes go to the card and are
 * never kept.
 *
 * Pure: each range is derived only from ranges the caller reports complete
 * (have()), so a half-filled buffer never yields a garbage range; calling
 * again as more ranges complete gives the fixed point. Nothing here judges
 * the image (elf.c does that on the gathered bytes): odd fields just yield
 * no range, and every range is clipped to [0, size).
 */
#include <elf.h>
#include "internal.h"

struct need {
	const uint8_t *d;
	uint64_t size;
	cl_have_fn have;
	void *arg;
	struct cl_range64 *w;
	unsigned n, max;
	bool over;
	int cls, end;
	unsigned a;		/* address width: 4 or 8 */
};

static void want(struct need *s, uint64_t off, uint64_t len)
{
	if (!len || off >= s->size)
		return;
	if (len > s->size - off)
		len = s->size - off;
	if (s->n == s->max) {
		s->over = true;
		return;
	}
	s->w[s->n++] = (struct cl_range64){ off, len };
}

/* [off, off+len) is wanted and complete: its bytes may be read. */
static bool got(struct need *s, uint64_t off, uint64_t len)
{
	uint64_t end;

	want(s, off, len);
	return len && !cl_add_ovf(off, len, &end) && end <= s->size &&
	       s->have(s->arg, off, len);
}

static uint64_t word(const struct need *s, uint64_t off, unsigned w)
{
	return elf_get(s->d + off, w, s->end);
}

/* File offset of link address va in a PT_LOAD's file bytes, or -1. */
static int64_t va_to_off(const struct need *s, uint64_t ph, unsigned phnum,
			 unsigned phent, uint64_t va)
{
	unsigned i;

	for (i = 0; i < phnum; i++) {
		uint64_t p = ph + (uint64_t)i * phent;
		unsigned o = s->cls == ELFCLASS64 ? 8 : 4;
		uint64_t off, vaddr, filesz;

		if (word(s, p, 4) != PT_LOAD)
			continue;
		/* Elf64: type flags offset vaddr paddr filesz;
		 * Elf32: type offset vaddr paddr filesz */
		off = word(s, p + o, s->a);
		vaddr = word(s, p + o + s->a, s->a);
		filesz = word(s, p + o + 3 * s->a, s->a);
		if (va >= vaddr && va - vaddr < filesz && off <= INT64_MAX &&
		    va - vaddr <= (uint64_t)INT64_MAX - off)
			return (int64_t)(off + (va - vaddr));
	}
	return -1;
}

/* Relocation tables named by a complete PT_DYNAMIC. */
static void dynamic_tables(struct need *s, uint64_t off, uint64_t len,
			   uint64_t ph, unsigned phnum, unsigned phent)
{
	static const struct { int64_t addr, size; } tab[] = {
		{ DT_RELA, DT_RELASZ }, { DT_REL, DT_RELSZ },
		{ DT_RELR, DT_RELRSZ }, { DT_JMPREL, DT_PLTRELSZ },
	};
	unsigned ent = 2 * s->a, i;
	uint64_t va[4] = { 0 }, sz[4] = { 0 }, k;

	for (k = 0; k + ent <= len; k += ent) {
		uint64_t tag = word(s, off + k, s->a),
			 val = word(s, off + k + s->a, s->a);

		if (tag == DT_NULL)
			break;
		for (i = 0; i < 4; i++) {
			if (tag == (uint64_t)tab[i].addr)
				va[i] = val;
			if (tag == (uint64_t)tab[i].size)
				sz[i] = val;
		}
	}
	for (i = 0; i < 4; i++) {
		int64_t at = va[i] && sz[i] ?
				     va_to_off(s, ph, phnum, phent, va[i]) : -1;

		if (at >= 0)
			want(s, (uint64_t)at, sz[i]);
	}
}

static void program_headers(struct need *s, uint64_t ph, unsigned phnum,
			    unsigned phent)
{
	unsigned i, o = s->cls == ELFCLASS64 ? 8 : 4;

	for (i = 0; i < phnum; i++) {
		uint64_t p = ph + (uint64_t)i * phent;
		uint32_t type = (uint32_t)word(s, p, 4);
		uint64_t off = word(s, p + o, s->a),
			 filesz = word(s, p + o + 3 * s->a, s->a);

		if (type == PT_NOTE)
			want(s, off, filesz);
		else if (type == PT_DYNAMIC && got(s, off, filesz))
			dynamic_tables(s, off, filesz, ph, phnum, phent);
	}
}

/* Symbol tables and the string tables they link to. */
static void section_headers(struct need *s, uint64_t sh, uint64_t shnum,
			    unsigned shent)
{
	/* Elf64_Shdr: name type(4) flags(8) addr offset size link;
	 * Elf32_Shdr: name type flags addr offset size link (all 4) */
	unsigned at_off = s->cls == ELFCLASS64 ? 24 : 16;
	uint64_t i;

	for (i = 0; i < shnum; i++) {
		uint64_t p = sh + i * shent, link;

		if (word(s, p + 4, 4) != SHT_SYMTAB)
			continue;
		want(s, word(s, p + at_off, s->a),
		     word(s, p + at_off + s->a, s->a));
		link = word(s, p + at_off + 2 * s->a, 4);
		if (link && link < shnum) {
			uint64_t q = sh + link * shent;

			if (word(s, q + 4, 4) != SHT_NOBITS)
				want(s, word(s, q + at_off, s->a),
				     word(s, q + at_off + s->a, s->a));
		}
	}
}

int cl_elf_wants(const uint8_t *d, uint64_t size, cl_have_fn have, void *arg,
		 struct cl_range64 *w, unsigned max)
{
	struct need s = { .d = d, .size = size, .have = have, .arg = arg,
			  .w = w, .max = max };
	uint64_t phoff, shoff, shnum, bytes;
	unsigned phent, shent, phnum, ehsize;

	if (!got(&s, 0, EI_NIDENT) || d[EI_MAG0] != ELFMAG0 ||
	    d[EI_MAG1] != ELFMAG1 || d[EI_MAG2] != ELFMAG2 ||
	    d[EI_MAG3] != ELFMAG3)
		return s.over ? -1 : (int)s.n;
	s.cls = d[EI_CLASS];
	s.end = d[EI_DATA];
	if ((s.cls != ELFCLASS32 && s.cls != ELFCLASS64) ||
	    (s.end != ELFDATA2LSB && s.end != ELFDATA2MSB))
		return s.over ? -1 : (int)s.n;
	s.a = s.cls == ELFCLASS64 ? 8 : 4;
	ehsize = s.cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (!got(&s, 0, ehsize))
		return s.over ? -1 : (int)s.n;
	phoff = word(&s, 24 + s.a, s.a);
	shoff = word(&s, 24 + 2 * s.a, s.a);
	phent = (unsigned)word(&s, 24 + 3 * s.a + 6, 2);
	phnum = (unsigned)word(&s, 24 + 3 * s.a + 8, 2);
	shent = (unsigned)word(&s, 24 + 3 * s.a + 10, 2);
	shnum = word(&s, 24 + 3 * s.a + 12, 2);

	if (shoff && shent == (s.cls == ELFCLASS64 ? sizeof(Elf64_Shdr) :
						       sizeof(Elf32_Shdr)) &&
	    got(&s, shoff, shent)) {
		/* extended numbering lives in section header 0 */
		if (!shnum)
			shnum = word(&s, shoff + (s.cls == ELFCLASS64 ? 32 :
								    20), s.a);
		if (phnum == PN_XNUM)
			phnum = (unsigned)word(&s, shoff + (s.cls ==
					       ELFCLASS64 ? 44 : 28), 4);
		if (!cl_mul_ovf(shnum, (uint64_t)shent, &bytes) &&
		    got(&s, shoff, bytes))
			section_headers(&s, shoff, shnum, shent);
	}
	if (phent == (s.cls == ELFCLASS64 ? sizeof(Elf64_Phdr) :
					    sizeof(Elf32_Phdr)) &&
	    phnum <= CL_MAX_PHNUM && got(&s, phoff, (uint64_t)phnum * phent))
		program_headers(&s, phoff, phnum, phent);
	return s.over ? -1 : (int)s.n;
}
