/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_elf.c - ELF validation through cl_image_from_memory (BAD-INPUTS 6-21)
 *
 * Every image is built by elfgen.h, then corrupted field by field. Each bad
 * case runs in all four class/byte-order combinations and must fail with the
 * documented code and a message naming the culprit; each tolerated oddity
 * (p_align 0 or 1, garbage section header fields) must load.
 */
#include <stdlib.h>
#include <string.h>
#include "cardload.h"
#include "elfgen.h"
#include "tap.h"

static struct cl_ctx *ctx;

static const struct {
	int cls, endian, machine;
	const char *name;
} kinds[] = {
	{ ELFCLASS64, ELFDATA2LSB, EM_RISCV, "ELF64 LSB" },
	{ ELFCLASS64, ELFDATA2MSB, EM_AARCH64, "ELF64 MSB" },
	{ ELFCLASS32, ELFDATA2LSB, EM_RISCV, "ELF32 LSB" },
	{ ELFCLASS32, ELFDATA2MSB, EM_ARM, "ELF32 MSB" },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* The image every case starts from: text RX and data RW with bss. */
struct desc {
	struct egen_spec spec;
	struct egen_seg seg[2];
};

static void base_desc(struct desc *d, unsigned k, int type)
{
	uint64_t b = type == ET_DYN ? 0 : 0x80000000u;

	memset(d, 0, sizeof(*d));
	d->seg[0] = (struct egen_seg){
		.vaddr = b, .paddr = b, .filesz = 0x200, .memsz = 0x200,
		.align = 0x1000, .flags = PF_R | PF_X, .fill = 0x11,
		.ramp = true,
	};
	d->seg[1] = (struct egen_seg){
		.vaddr = b + 0x1000, .paddr = b + 0x1000, .filesz = 0x40,
		.memsz = 0x100, .align = 0x1000, .flags = PF_R | PF_W,
		.fill = 0x5a,
	};
	d->spec = (struct egen_spec){
		.elfclass = kinds[k].cls, .endian = kinds[k].endian,
		.machine = kinds[k].machine, .type = type, .entry = b + 0x10,
		.nseg = 2, .seg = d->seg,
	};
}

static int open_img(const uint8_t *buf, size_t len, struct cl_image **img)
{
	struct cl_image_opts opts = { 0 };

	*img = NULL;
	return cl_image_from_memory(ctx, "t.elf", buf, len, &opts, img);
}

/* The image's segments are exactly the spec's. */
static void check_segs(const struct cl_image *img, const struct egen_spec *s,
		       const char *name)
{
	int good = img->nseg == s->nseg;
	unsigned i;

	for (i = 0; good && i < s->nseg; i++) {
		const struct cl_seg *g = &img->seg[i];
		const struct egen_seg *w = &s->seg[i];

		good = g->phidx == i && g->flags == w->flags &&
		       g->offset == egen_seg_off(s, i) && g->vaddr == w->vaddr &&
		       g->paddr == w->paddr && g->filesz == w->filesz &&
		       g->memsz == w->memsz && g->align == w->align;
		if (!good)
			diag("segment %u: phidx %u flags %x off 0x%" PRIx64
			     " vaddr 0x%" PRIx64 " paddr 0x%" PRIx64
			     " filesz 0x%" PRIx64 " memsz 0x%" PRIx64
			     " align 0x%" PRIx64, i, g->phidx, g->flags,
			     g->offset, g->vaddr, g->paddr, g->filesz,
			     g->memsz, g->align);
	}
	ok(good, "%s: %u segments as built", name, s->nseg);
}

/* ---- valid images ------------------------------------------------------- */

static void test_valid(unsigned k, int type, bool split)
{
	struct cl_image *img;
	struct desc d;
	char name[96];
	uint8_t *buf;
	size_t len;
	int rc;

	base_desc(&d, k, type);
	if (split) { /* linked high, loaded low: the usual kernel layout */
		d.seg[0].vaddr = d.seg[0].paddr + 0x40000000;
		d.seg[1].vaddr = d.seg[1].paddr + 0x40000000;
		d.spec.entry = d.seg[0].vaddr + 0x10;
	}
	snprintf(name, sizeof(name), "valid %s %s%s", kinds[k].name,
		 type == ET_DYN ? "ET_DYN" : "ET_EXEC",
		 split ? " vaddr != paddr" : "");
	buf = egen_build(&d.spec, &len);
	rc = open_img(buf, len, &img);
	if (!ok(rc == 0, "%s: loads", name)) {
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		free(buf);
		return;
	}
	ok(img->kind == CL_KIND_ELF && img->elfclass == kinds[k].cls &&
	   img->endian == kinds[k].endian && img->machine == kinds[k].machine &&
	   img->type == type, "%s: kind, class, byte order, machine, type",
	   name);
	is_u64(img->entry, d.spec.entry, "%s: entry", name);
	is_int(img->phnum, 2, "%s: phnum", name);
	check_segs(img, &d.spec, name);
	ok(img->size == len && img->data != buf &&
	   !memcmp(img->data, buf, len), "%s: data is a copy of the file",
	   name);
	ok(!img->has_dynamic && !img->dyn.present, "%s: no PT_DYNAMIC", name);
	memset(buf, 0, len); /* the image must not depend on our buffer */
	ok(img->data[0] == 0x7f && img->data[img->seg[0].offset] == 0x11,
	   "%s: private copy survives the caller's buffer", name);
	cl_image_free(img);
	free(buf);
}

/* PT_DYNAMIC with every table kind: the image reports their addresses. */
static void test_valid_dynamic(unsigned k)
{
	static const struct egen_rel rel[2] = {
		{ 0x1000, 3, 0, 0x10 }, { 0x1008, 0, 0, 0 },
	};
	static const struct egen_rel relr[1] = { { 0x1010, 0, 0, 0x20 } };
	static const struct egen_rel jmp[1] = { { 0x1018, 3, 0, 0x30 } };
	struct cl_image *img;
	struct egen_layout l;
	struct desc d;
	char name[64];
	uint8_t *buf;
	size_t len;
	int rc;
	uint64_t dv;

	base_desc(&d, k, ET_DYN);
	d.spec.dynamic = true;
	d.spec.nrel = 2, d.spec.rel = rel;
	d.spec.nrelr = 1, d.spec.relr = relr;
	d.spec.njmprel = 1, d.spec.jmprel = jmp;
	d.spec.note = true;
	d.spec.note_name = "GNU";
	d.spec.note_type = 3;
	d.spec.note_desc = "abcdefgh";
	d.spec.note_desclen = 8;
	egen_layout(&d.spec, &l);
	dv = l.dseg_vaddr - l.dseg_off;
	snprintf(name, sizeof(name), "valid %s ET_DYN with PT_DYNAMIC",
		 kinds[k].name);
	buf = egen_build(&d.spec, &len);
	rc = open_img(buf, len, &img);
	if (!ok(rc == 0, "%s: loads", name)) {
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		free(buf);
		return;
	}
	is_int(img->phnum, 5, "%s: phnum counts PT_DYNAMIC and PT_NOTE", name);
	is_int(img->nseg, 3, "%s: the dynamic segment is loaded", name);
	ok(img->has_dynamic && img->dyn_offset == l.dyn_off &&
	   img->dyn_size == l.dyn_size, "%s: PT_DYNAMIC located", name);
	ok(img->dyn.present, "%s: dyninfo present", name);
	is_u64(img->dyn.rela, l.rel_off + dv, "%s: DT_RELA", name);
	is_u64(img->dyn.relasz, l.rel_size, "%s: DT_RELASZ", name);
	is_u64(img->dyn.relaent, l.relaent, "%s: DT_RELAENT", name);
	is_u64(img->dyn.relr, l.relr_off + dv, "%s: DT_RELR", name);
	is_u64(img->dyn.relrsz, l.relr_size, "%s: DT_RELRSZ", name);
	is_u64(img->dyn.relrent, l.w, "%s: DT_RELRENT", name);
	is_u64(img->dyn.jmprel, l.jmp_off + dv, "%s: DT_JMPREL", name);
	is_u64(img->dyn.pltrelsz, l.jmp_size, "%s: DT_PLTRELSZ", name);
	is_u64(img->dyn.pltrel, DT_RELA, "%s: DT_PLTREL", name);
	cl_image_free(img);
	free(buf);
}

/* ---- corrupted images --------------------------------------------------- */

enum pk { PK_END, PK_IDENT, PK_EHDR, PK_PHDR, PK_LEN };

struct poke {
	enum pk kind;
	int field;          /* EI_* index, enum egen_efield or egen_pfield */
	unsigned ph;        /* program header, for PK_PHDR */
	uint64_t val;       /* PK_LEN: the new length */
	bool from_len;      /* val is added to the image length */
};

struct bad_case {
	const char *name;
	bool only64;        /* the value does not fit ELF32 */
	struct poke poke[3];
	int want, alt;      /* alt: another acceptable code, or 0 */
	const char *msg[2]; /* each must appear; "a|b" accepts either */
};

#define IDENT(i, v) { PK_IDENT, (i), 0, (v), false }
#define EH(f, v) { PK_EHDR, EGEN_E_##f, 0, (v), false }
#define EH_END(f, v) { PK_EHDR, EGEN_E_##f, 0, (uint64_t)(v), true }
#define PH(n, f, v) { PK_PHDR, EGEN_P_##f, (n), (v), false }
#define PH_END(n, f, v) { PK_PHDR, EGEN_P_##f, (n), (uint64_t)(v), true }
#define LEN(v) { PK_LEN, 0, 0, (v), false }

#define SHORT CL_E_FORMAT, CL_E_ELF
#define BAD CL_E_ELF, 0
#define ALL false
#define ONLY64 true

static const struct bad_case bad_cases[] = {
	/* 6: too short, wrong identification */
	{ "1 byte", ALL, { LEN(1) }, SHORT, { "t.elf" } },
	{ "magic only", ALL, { LEN(4) }, SHORT, { "t.elf" } },
	{ "e_ident only", ALL, { LEN(16) }, SHORT, { "t.elf" } },
	{ "40 bytes of header", ALL, { LEN(40) }, SHORT, { "t.elf" } },
	{ "ELF64 header cut at 60 bytes", ONLY64, { LEN(60) }, SHORT,
	  { "t.elf" } },
	{ "EI_CLASS 0", ALL, { IDENT(EI_CLASS, 0) }, BAD, { "class" } },
	{ "EI_CLASS 3", ALL, { IDENT(EI_CLASS, 3) }, BAD, { "class" } },
	{ "EI_DATA 0", ALL, { IDENT(EI_DATA, 0) }, BAD,
	  { "byte order|EI_DATA|endian" } },
	{ "EI_DATA 3", ALL, { IDENT(EI_DATA, 3) }, BAD,
	  { "byte order|EI_DATA|endian" } },
	{ "EI_VERSION 0", ALL, { IDENT(EI_VERSION, 0) }, BAD, { "version" } },
	{ "EI_VERSION 2", ALL, { IDENT(EI_VERSION, 2) }, BAD, { "version" } },
	{ "e_version 0", ALL, { EH(VERSION, 0) }, BAD, { "e_version" } },
	{ "e_version 2", ALL, { EH(VERSION, 2) }, BAD, { "e_version" } },
	{ "e_type ET_NONE", ALL, { EH(TYPE, ET_NONE) }, BAD, { "type" } },
	{ "e_type ET_REL", ALL, { EH(TYPE, ET_REL) }, BAD, { "type" } },
	{ "e_type ET_CORE", ALL, { EH(TYPE, ET_CORE) }, BAD, { "type" } },
	/* 7: e_phentsize */
	{ "e_phentsize 0", ALL, { EH(PHENTSIZE, 0) }, BAD, { "e_phentsize" } },
	{ "e_phentsize 1", ALL, { EH(PHENTSIZE, 1) }, BAD, { "e_phentsize" } },
	{ "e_phentsize 40", ALL, { EH(PHENTSIZE, 40) }, BAD,
	  { "e_phentsize" } },
	{ "e_phentsize 57", ALL, { EH(PHENTSIZE, 57) }, BAD,
	  { "e_phentsize" } },
	/* 8, 9: program header table outside the file */
	{ "e_phoff at end of file", ALL, { EH_END(PHOFF, 0) }, BAD,
	  { "program header|e_phoff" } },
	{ "e_phoff 8 bytes before end", ALL, { EH_END(PHOFF, -8) }, BAD,
	  { "program header|e_phoff" } },
	{ "e_phoff 0x7ffffff0", ALL, { EH(PHOFF, 0x7ffffff0) }, BAD,
	  { "program header|e_phoff" } },
	{ "e_phoff + table wraps", ALL, { EH(PHOFF, UINT64_MAX - 15) }, BAD,
	  { "program header|e_phoff" } },
	{ "e_phnum 1000 runs past the file", ALL, { EH(PHNUM, 1000) }, BAD,
	  { "program header|e_phnum" } },
	/* 10: no PT_LOAD */
	{ "e_phnum 0", ALL, { EH(PHNUM, 0) }, BAD,
	  { "program header|PT_LOAD" } },
	{ "no PT_LOAD", ALL, { PH(0, TYPE, PT_NULL), PH(1, TYPE, PT_PHDR) },
	  BAD, { "PT_LOAD" } },
	/* 13: p_filesz > p_memsz */
	{ "p_filesz > p_memsz", ALL, { PH(1, MEMSZ, 0x3f) }, BAD,
	  { "segment 1", "p_filesz|filesz" } },
	/* 14: file bytes outside the file */
	{ "p_filesz past end of file", ALL,
	  { PH(1, FILESZ, 0x1000), PH(1, MEMSZ, 0x1000) }, BAD,
	  { "segment 1" } },
	{ "p_offset near end of file", ALL, { PH_END(1, OFFSET, -0x20) }, BAD,
	  { "segment 1" } },
	{ "p_offset past end of file", ALL, { PH_END(1, OFFSET, 0x1000) },
	  BAD, { "segment 1" } },
	{ "p_offset + p_filesz wraps", ALL,
	  { PH(1, OFFSET, UINT64_MAX - 0x1f) }, BAD, { "segment 1" } },
	{ "p_filesz = p_memsz = max", ALL,
	  { PH(1, FILESZ, UINT64_MAX), PH(1, MEMSZ, UINT64_MAX) }, BAD,
	  { "segment 1" } },
	/* 19: p_align */
	{ "p_align 3", ALL, { PH(1, ALIGN, 3) }, BAD,
	  { "segment 1", "align" } },
	{ "p_align 0x30", ALL, { PH(1, ALIGN, 0x30) }, BAD,
	  { "segment 1", "align" } },
	{ "p_align 0x1001", ALL, { PH(1, ALIGN, 0x1001) }, BAD,
	  { "segment 1", "align" } },
	{ "p_align 2 GiB", ALL, { PH(1, ALIGN, 0x80000000u) }, BAD,
	  { "segment 1", "align" } },
	{ "p_align 0xffffffff", ALL, { PH(1, ALIGN, 0xffffffffu) }, BAD,
	  { "segment 1", "align" } },
	{ "p_align 1 TiB", ONLY64, { PH(1, ALIGN, UINT64_C(1) << 40) }, BAD,
	  { "segment 1", "align" } },
	{ "p_align 2^63", ONLY64, { PH(1, ALIGN, UINT64_C(1) << 63) }, BAD,
	  { "segment 1", "align" } },
	/* tolerated: must load */
	{ "p_align 0 (no alignment)", ALL, { PH(1, ALIGN, 0) }, 0, 0,
	  { NULL } },
	{ "p_align 1 (no alignment)", ALL, { PH(1, ALIGN, 1) }, 0, 0,
	  { NULL } },
	{ "p_align 1 GiB", ALL, { PH(1, ALIGN, 0x40000000) }, 0, 0,
	  { NULL } },
	/* 12: garbage section header fields */
	{ "e_shoff past end of file", ALL,
	  { EH_END(SHOFF, 0x1000), EH(SHNUM, 5) }, 0, 0, { NULL } },
	{ "e_shoff + table wraps", ALL,
	  { EH(SHOFF, UINT64_MAX - 7), EH(SHNUM, 3) }, 0, 0, { NULL } },
	{ "e_shnum 0xfff0", ALL, { EH(SHOFF, 0x40), EH(SHNUM, 0xfff0) }, 0,
	  0, { NULL } },
	{ "e_shentsize 7", ALL,
	  { EH(SHOFF, 0x40), EH(SHNUM, 2), EH(SHENTSIZE, 7) }, 0, 0,
	  { NULL } },
	{ "e_shstrndx 0x1234 without sections", ALL,
	  { EH(SHSTRNDX, 0x1234) }, 0, 0, { NULL } },
	{ "e_shnum 0xffff, e_shoff 0", ALL, { EH(SHNUM, 0xffff) }, 0, 0,
	  { NULL } },
};

/* Apply the pokes; returns the (possibly shortened) length. */
static size_t apply(uint8_t *buf, size_t len, const struct egen_spec *s,
		    const struct poke *p)
{
	size_t newlen = len;
	unsigned i;

	for (i = 0; i < 3 && p[i].kind != PK_END; i++) {
		uint64_t v = p[i].from_len ? len + p[i].val : p[i].val;

		switch (p[i].kind) {
		case PK_IDENT:
			buf[p[i].field] = (uint8_t)v;
			break;
		case PK_EHDR:
			egen_set(buf, s, egen_ehdr_field(s, p[i].field), v);
			break;
		case PK_PHDR:
			egen_set(buf, s, egen_phdr_field(s, p[i].ph, p[i].field),
				 v);
			break;
		case PK_LEN:
			newlen = v < len ? (size_t)v : len;
			break;
		case PK_END:
			break;
		}
	}
	return newlen;
}

static void run_bad(const struct bad_case *c, unsigned k)
{
	struct cl_image *img;
	struct desc d;
	uint8_t *buf, *cut;
	size_t len;
	unsigned i;
	int rc;

	base_desc(&d, k, ET_EXEC);
	buf = egen_build(&d.spec, &len);
	len = apply(buf, len, &d.spec, c->poke);
	/* an exact-size allocation, so ASan sees any read past the end */
	cut = malloc(len ? len : 1);
	memcpy(cut, buf, len);
	rc = open_img(cut, len, &img);
	if (c->want == 0) {
		if (ok(rc == 0, "%s (%s): loads", c->name, kinds[k].name)) {
			is_int(img->nseg, 2, "%s (%s): both segments",
			       c->name, kinds[k].name);
			cl_image_free(img);
		} else {
			diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		}
		goto out;
	}
	if (!ok(rc == c->want || (c->alt && rc == c->alt), "%s (%s): %s%s%s",
		c->name, kinds[k].name, cl_errname(c->want),
		c->alt ? " or " : "", c->alt ? cl_errname(c->alt) : "")) {
		diag("got %d %s: %s", rc, rc ? cl_errname(rc) : "",
		     cl_errmsg(ctx));
		if (rc == 0)
			cl_image_free(img);
		goto out;
	}
	for (i = 0; i < 2 && c->msg[i]; i++)
		if (!ok(msg_has(cl_errmsg(ctx), c->msg[i]),
			"%s (%s): message names '%s'", c->name, kinds[k].name,
			c->msg[i]))
			diag("message: %s", cl_errmsg(ctx));
out:
	free(cut);
	free(buf);
}

/* ---- counts: CL_MAX_PHNUM, PN_XNUM -------------------------------------- */

static void test_phnum_cap(unsigned k)
{
	struct cl_image *img;
	struct desc d;
	uint8_t *buf;
	size_t len;
	int rc;

	base_desc(&d, k, ET_EXEC);
	d.spec.nseg = 1;
	d.spec.pad_phdrs = CL_MAX_PHNUM - 1;
	buf = egen_build(&d.spec, &len);
	rc = open_img(buf, len, &img);
	if (ok(rc == 0, "%s: %d program headers load", kinds[k].name,
	       CL_MAX_PHNUM)) {
		is_int(img->nseg, 1, "%s: one PT_LOAD among PT_NULLs",
		       kinds[k].name);
		cl_image_free(img);
	} else {
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
	}
	free(buf);

	d.spec.pad_phdrs = CL_MAX_PHNUM;
	buf = egen_build(&d.spec, &len);
	rc = open_img(buf, len, &img);
	is_int(rc, CL_E_ELF, "%s: %d program headers refused", kinds[k].name,
	       CL_MAX_PHNUM + 1);
	if (rc == 0)
		cl_image_free(img);
	else
		ok(msg_has(cl_errmsg(ctx), "program header|e_phnum|phnum"),
		   "%s: message names the program headers: %s",
		   kinds[k].name, cl_errmsg(ctx));
	free(buf);
}

/* 21: many tiny segments up to the cap, then one more. */
static void test_many_segments(unsigned k)
{
	unsigned n = CL_MAX_PHNUM, i;
	struct egen_seg *seg = calloc(n + 1, sizeof(*seg));
	struct egen_spec s = {
		.elfclass = kinds[k].cls, .endian = kinds[k].endian,
		.machine = kinds[k].machine, .type = ET_EXEC,
		.entry = 0x80000000u, .seg = seg,
	};
	struct cl_image *img;
	uint8_t *buf;
	size_t len;
	int rc;

	for (i = 0; i <= n; i++)
		seg[i] = (struct egen_seg){
			.vaddr = 0x80000000u + i * 0x10,
			.paddr = 0x80000000u + i * 0x10, .filesz = 0x10,
			.memsz = 0x10, .align = 0x10, .flags = PF_R | PF_X,
			.fill = (uint8_t)i,
		};
	s.nseg = n;
	buf = egen_build(&s, &len);
	rc = open_img(buf, len, &img);
	if (ok(rc == 0, "%s: %u tiny PT_LOADs load", kinds[k].name, n)) {
		is_int(img->nseg, n, "%s: all of them listed", kinds[k].name);
		ok(img->seg[n - 1].vaddr == seg[n - 1].vaddr &&
		   img->seg[n - 1].offset == egen_seg_off(&s, n - 1),
		   "%s: the last one is right", kinds[k].name);
		cl_image_free(img);
	} else {
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
	}
	free(buf);

	s.nseg = n + 1;
	buf = egen_build(&s, &len);
	rc = open_img(buf, len, &img);
	is_int(rc, CL_E_ELF, "%s: %u tiny PT_LOADs refused", kinds[k].name,
	       n + 1);
	if (rc == 0)
		cl_image_free(img);
	free(buf);
	free(seg);
}

/* 11: PN_XNUM with a good, missing or lying section header 0. */
static void test_xnum(unsigned k)
{
	struct cl_image *img;
	struct egen_layout l;
	struct desc d;
	uint8_t *buf;
	size_t len, info;
	int rc;

	base_desc(&d, k, ET_EXEC);
	d.spec.xnum = true;
	egen_layout(&d.spec, &l);
	info = (size_t)l.shoff + (kinds[k].cls == ELFCLASS64 ? 44 : 28);
	buf = egen_build(&d.spec, &len);
	rc = open_img(buf, len, &img);
	if (ok(rc == 0, "%s: PN_XNUM with sh_info = 2 loads", kinds[k].name)) {
		ok(img->phnum == 2 && img->nseg == 2,
		   "%s: PN_XNUM count taken from section 0", kinds[k].name);
		cl_image_free(img);
	} else {
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
	}

	egen_put32(buf + info, d.spec.endian, 5000);
	rc = open_img(buf, len, &img);
	is_int(rc, CL_E_ELF, "%s: PN_XNUM with sh_info = 5000 refused",
	       kinds[k].name);
	if (rc == 0)
		cl_image_free(img);

	egen_put32(buf + info, d.spec.endian, 300);
	rc = open_img(buf, len, &img);
	is_int(rc, CL_E_ELF, "%s: PN_XNUM with sh_info = 300 (past the file) "
	       "refused", kinds[k].name);
	if (rc == 0)
		cl_image_free(img);

	egen_set(buf, &d.spec, egen_ehdr_field(&d.spec, EGEN_E_SHOFF), 0);
	rc = open_img(buf, len, &img);
	is_int(rc, CL_E_ELF, "%s: PN_XNUM without section headers refused",
	       kinds[k].name);
	if (rc == 0)
		cl_image_free(img);
	else
		ok(msg_has(cl_errmsg(ctx), "PN_XNUM|section|e_phnum"),
		   "%s: message says why: %s", kinds[k].name, cl_errmsg(ctx));
	free(buf);
}

/* 12: a real section header table, then garbage in it. */
static void test_shdrs(unsigned k)
{
	static const struct { enum egen_efield f; uint64_t v; } junk[] = {
		{ EGEN_E_SHNUM, 0xfff0 }, { EGEN_E_SHENTSIZE, 3 },
		{ EGEN_E_SHSTRNDX, 0xfeee }, { EGEN_E_SHOFF, UINT64_MAX },
	};
	struct cl_image *img;
	struct desc d;
	uint8_t *buf;
	size_t len;
	unsigned i;
	int rc;

	base_desc(&d, k, ET_EXEC);
	d.spec.shdrs = true;
	buf = egen_build(&d.spec, &len);
	rc = open_img(buf, len, &img);
	if (ok(rc == 0, "%s: with section headers loads", kinds[k].name))
		cl_image_free(img);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		egen_set(buf, &d.spec, egen_ehdr_field(&d.spec, junk[i].f),
			 junk[i].v);
		rc = open_img(buf, len, &img);
		if (ok(rc == 0, "%s: garbage section header field %u still "
		       "loads", kinds[k].name, i)) {
			check_segs(img, &d.spec, kinds[k].name);
			cl_image_free(img);
		} else {
			diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
		}
	}
	free(buf);
}

/* 22: a note whose sizes lie must not crash whoever reads notes. */
static void test_bad_note(unsigned k)
{
	static const uint32_t lies[] = { 0xffffffffu, 0xfffffffdu, 0x7fffffff };
	struct cl_image *img;
	struct egen_layout l;
	struct desc d;
	uint8_t *buf;
	size_t len;
	unsigned i, f;
	int rc;

	base_desc(&d, k, ET_EXEC);
	d.spec.note = true;
	d.spec.note_name = "cardload";
	d.spec.note_type = 1;
	d.spec.note_desc = "12345678";
	d.spec.note_desclen = 8;
	egen_layout(&d.spec, &l);
	for (f = 0; f < 2; f++) /* namesz, descsz */
		for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
			buf = egen_build(&d.spec, &len);
			egen_put32(buf + l.note_off + 4 * f, d.spec.endian,
				   lies[i]);
			rc = open_img(buf, len, &img);
			ok(rc == 0 || rc == CL_E_ELF, "%s: note %s 0x%x: "
			   "loads or CL_E_ELF, no crash", kinds[k].name,
			   f ? "descsz" : "namesz", lies[i]);
			if (rc == 0)
				cl_image_free(img);
			free(buf);
		}
}

/* Issue 11 item 9: a dynamic section naming a table twice is refused (the
 * loader would have to guess which one the image means); a repeated tag
 * the loader does not read is left alone. */
static void test_dup_dynamic(unsigned k)
{
	static const struct egen_rel rel[1] = { { 0x1000, 3, 0, 0x10 } };
	static const struct egen_rel relr[1] = { { 0x1010, 0, 0, 0x20 } };
	static const struct egen_rel jmp[1] = { { 0x1018, 3, 0, 0x30 } };
	static const struct {
		int64_t tag;
		const char *name;
	} tags[] = {
		{ DT_RELA, "DT_RELA" }, { DT_RELASZ, "DT_RELASZ" },
		{ DT_RELAENT, "DT_RELAENT" }, { DT_REL, "DT_REL" },
		{ DT_RELSZ, "DT_RELSZ" }, { DT_RELENT, "DT_RELENT" },
		{ EGEN_DT_RELR, "DT_RELR" }, { EGEN_DT_RELRSZ, "DT_RELRSZ" },
		{ EGEN_DT_RELRENT, "DT_RELRENT" }, { DT_JMPREL, "DT_JMPREL" },
		{ DT_PLTRELSZ, "DT_PLTRELSZ" }, { DT_PLTREL, "DT_PLTREL" },
	};
	struct cl_image *img;
	struct desc d;
	char want[64];
	uint8_t *buf;
	size_t len;
	unsigned i;
	int rc;

	base_desc(&d, k, ET_DYN);
	d.spec.dynamic = true;
	d.spec.nrel = 1, d.spec.rel = rel;
	d.spec.nrelr = 1, d.spec.relr = relr;
	d.spec.njmprel = 1, d.spec.jmprel = jmp;
	d.spec.ndyn_extra = 2;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		/* two more: a repeat whether or not the table has the tag */
		d.spec.dyn_extra[0] = (struct egen_dyn){ tags[i].tag, 0x1000 };
		d.spec.dyn_extra[1] = (struct egen_dyn){ tags[i].tag, 0x1000 };
		snprintf(want, sizeof(want), "two %s entries", tags[i].name);
		buf = egen_build(&d.spec, &len);
		rc = open_img(buf, len, &img);
		ok(rc == CL_E_ELF && msg_has(cl_errmsg(ctx), want),
		   "%s: %s twice in PT_DYNAMIC: CL_E_ELF naming it",
		   kinds[k].name, tags[i].name);
		if (rc != CL_E_ELF)
			diag("got %s: %s", cl_errname(rc),
			     rc ? cl_errmsg(ctx) : "");
		if (!rc)
			cl_image_free(img);
		free(buf);
	}
	d.spec.dyn_extra[0] = (struct egen_dyn){ DT_DEBUG, 0 };
	d.spec.dyn_extra[1] = (struct egen_dyn){ DT_DEBUG, 0 };
	buf = egen_build(&d.spec, &len);
	rc = open_img(buf, len, &img);
	ok(rc == 0, "%s: DT_DEBUG twice (not read by the loader): loads",
	   kinds[k].name);
	if (!rc)
		cl_image_free(img);
	free(buf);
}

int main(void)
{
	unsigned k, i;

	ctx = cl_ctx_new();
	if (!ctx) {
		printf("Bail out! cl_ctx_new failed\n");
		return 1;
	}
	for (k = 0; k < NKINDS; k++) {
		test_valid(k, ET_EXEC, false);
		test_valid(k, ET_DYN, false);
		test_valid(k, ET_EXEC, true);
		test_valid_dynamic(k);
	}
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		for (k = 0; k < NKINDS; k++)
			if (!bad_cases[i].only64 || kinds[k].cls == ELFCLASS64)
				run_bad(&bad_cases[i], k);
	for (k = 0; k < NKINDS; k++) {
		test_phnum_cap(k);
		test_many_segments(k);
		test_xnum(k);
		test_shdrs(k);
		test_bad_note(k);
		test_dup_dynamic(k);
	}
	cl_ctx_free(ctx);
	return tap_done();
}
