/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_notes.c - the cardload ELF notes (BAD-INPUTS 22): placement, board
 * and machine notes through the plan, malformed, repeated, oversized and
 * lying notes refused without a crash, unknown types tolerated */
#include <string.h>
#include "cardboot.h"
#include "cardram.h"
#include "elfgen.h"
#include "internal.h"
#include "tap.h"

#define MB (RAM + RAM_SIZE - 0x1000)
#define NOTES_MAX (32u << 10)
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct cl_ctx *ctx;
static struct cl_board board; /* "b1", riscv64, one 4 MiB window */

/* ---- building images with several notes -------------------------------- */

struct notes {
	uint8_t buf[NOTES_MAX];
	size_t len;
	int endian;
};

static void notes_init(struct notes *n, int endian)
{
	n->len = 0;
	n->endian = endian;
}

/* Append one note; returns its offset in the PT_NOTE. */
static size_t notes_add(struct notes *n, const char *owner, uint32_t type,
			const void *desc, uint32_t desclen)
{
	size_t at = n->len, size = egen_note(NULL, n->endian, owner, type,
					     desc, desclen);

	if (at + size > sizeof(n->buf))
		abort();
	egen_note(n->buf + at, n->endian, owner, type, desc, desclen);
	n->len += size;
	return at;
}

static size_t notes_cl(struct notes *n, uint32_t type, const void *desc,
		       uint32_t desclen)
{
	return notes_add(n, CARDBOOT_NOTE_NAME, type, desc, desclen);
}

/* A PLACEMENT descriptor in the notes' byte order. */
static size_t notes_place(struct notes *n, uint64_t align, uint64_t min,
			  uint64_t max)
{
	uint8_t d[24];

	egen_put64(d, n->endian, align);
	egen_put64(d + 8, n->endian, min);
	egen_put64(d + 16, n->endian, max);
	return notes_cl(n, CARDBOOT_NOTE_PLACEMENT, d, 24);
}

static size_t notes_str(struct notes *n, uint32_t type, const char *s)
{
	return notes_cl(n, type, s, (uint32_t)strlen(s) + 1);
}

/* ET_DYN riscv64: text [0, 0x800) RX, data [0x1000, 0x1100) + bss to
 * 0x2000 RW (span 0x2000, p_align 0x1000), with the notes n. */
static const struct egen_seg segs[] = {
	{ .vaddr = 0, .paddr = 0, .filesz = 0x800, .memsz = 0x800,
	  .align = 0x1000, .flags = PF_R | PF_X, .fill = 0x13, .ramp = true },
	{ .vaddr = 0x1000, .paddr = 0x1000, .filesz = 0x100, .memsz = 0x1000,
	  .align = 0x1000, .flags = PF_R | PF_W, .fill = 0x24 },
};

static struct egen_spec spec_for(const struct notes *n)
{
	return (struct egen_spec){
		.elfclass = ELFCLASS64, .endian = n->endian,
		.machine = EM_RISCV, .type = ET_DYN, .entry = 0x10,
		.nseg = N_ELEMS(segs), .seg = segs, .note = true,
		.notes_raw = n->buf, .notes_raw_len = (uint32_t)n->len,
	};
}

static int open_notes(const struct notes *n, struct cl_image **img)
{
	struct egen_spec s = spec_for(n);
	size_t len;
	uint8_t *buf = egen_build(&s, &len);
	int rc = cl_image_from_memory(ctx, "n.elf", buf, len, NULL, img);

	free(buf);
	return rc;
}

/* Open and plan on b; the image stays open (free both). */
static int plan_notes(const struct notes *n, const struct cl_board *b,
		      const struct cl_plan_opts *po, struct cl_image **img,
		      struct cl_plan **plan)
{
	int rc = open_notes(n, img);

	*plan = NULL;
	if (!rc)
		rc = cl_plan_make(ctx, *img, b, po, plan);
	return rc;
}

static void done(struct cl_image *img, struct cl_plan *plan)
{
	cl_plan_free(plan);
	cl_image_free(img);
}

/* ---- PLACEMENT ---------------------------------------------------------- */

static void test_placement_parse(void)
{
	struct cl_image *img = NULL;
	struct notes n;
	int rc;

	notes_init(&n, ELFDATA2LSB);
	notes_place(&n, 0x100000, RAM + 0x180000, RAM + 0x3fffff);
	rc = open_notes(&n, &img);
	ok(!rc && img->has_placement && img->place_align == 0x100000 &&
	   img->place_min == RAM + 0x180000 && img->place_max == RAM + 0x3fffff,
	   "PLACEMENT note: align, min, max parsed (LE)");
	cl_image_free(img);

	notes_init(&n, ELFDATA2MSB);
	notes_place(&n, 0x200000, 0x123456789a000000ull, 0);
	rc = open_notes(&n, &img);
	ok(!rc && img->has_placement && img->place_align == 0x200000 &&
	   img->place_min == 0x123456789a000000ull && img->place_max == 0,
	   "PLACEMENT note: descriptor words in the file's byte order (BE)");
	cl_image_free(img);

	notes_init(&n, ELFDATA2LSB);
	rc = open_notes(&n, &img);
	ok(!rc && !img->has_placement && img->nnotes == 0,
	   "an empty PT_NOTE: no placement, no notes");
	cl_image_free(img);
}

struct place_case {
	const char *name;
	uint64_t align, min, max;   /* the note */
	bool has_base;
	uint64_t base;
	bool reserve;               /* board: reserved 'rom' at +1 MiB */
	bool busy;                  /* opts: busy 'other' at +1 MiB */
	int want;
	uint64_t want_base;         /* when want == 0 */
	const char *msg;            /* when want != 0 */
};

#define R(x) (RAM + (x))
static const struct place_case place_cases[] = {
	{ "auto: lowest multiple of align at or above min",
	  0x100000, R(0x180000), 0, false, 0, false, false, 0, R(0x200000),
	  NULL },
	{ "auto: min below RAM, lowest RAM address",
	  0x1000, 0x1000, 0, false, 0, false, false, 0, R(0), NULL },
	{ "auto: note align below p_align, p_align wins",
	  0x10, R(0x100010), 0, false, 0, false, false, 0, R(0x101000), NULL },
	{ "auto: whole image ends exactly at max (inclusive)",
	  0x1000, R(0x100000), R(0x101fff), false, 0, false, false, 0,
	  R(0x100000), NULL },
	{ "auto: skips a reserved range inside [min, max]",
	  0x1000, R(0x100000), 0, false, 0, true, false, 0, R(0x103000), NULL },
	{ "auto: skips other images' busy ranges",
	  0x1000, R(0x100000), 0, false, 0, false, true, 0, R(0x101000), NULL },
	{ "auto: [min, max] smaller than the image",
	  0x1000, R(0x100000), R(0x100fff), false, 0, false, false,
	  CL_E_PLACE, 0, "placement note" },
	{ "auto: min above every window",
	  0x1000, R(RAM_SIZE), 0, false, 0, false, false, CL_E_PLACE, 0,
	  "placement note" },
	{ "auto: min near 2^64",
	  0x1000, 0xfffffffffffff000ull, 0, false, 0, false, false,
	  CL_E_PLACE, 0, "no room" },
	{ "auto: [min, max] taken by a reserved range",
	  0x1000, R(0x100000), R(0x102fff), false, 0, true, false,
	  CL_E_PLACE, 0, "placement note" },
	{ "--base inside [min, max], aligned",
	  0x100000, R(0x180000), 0, true, R(0x300000), false, false, 0,
	  R(0x300000), NULL },
	{ "--base ending exactly at max",
	  0x1000, R(0x100000), R(0x101fff), true, R(0x100000), false, false,
	  0, R(0x100000), NULL },
	{ "--base below min",
	  0x100000, R(0x180000), 0, true, R(0x100000), false, false,
	  CL_E_PLACE, 0, "placement note" },
	{ "--base puts the image past max",
	  0x1000, R(0x100000), R(0x101fff), true, R(0x101000), false, false,
	  CL_E_PLACE, 0, "placement note" },
	{ "--base misaligned for the note",
	  0x100000, R(0x180000), 0, true, R(0x210000), false, false,
	  CL_E_PLACE, 0, "alignment" },
	{ "--base wrapping around",
	  0x1000, 0, 0, true, 0xfffffffffffff000ull, false, false,
	  CL_E_PLACE, 0, "wraps" },
};
#undef R

static void test_placement_plan(void)
{
	static const struct cl_range busy = { RAM + 0x100000, 0x1000, "other" };
	unsigned i;

	for (i = 0; i < N_ELEMS(place_cases); i++) {
		const struct place_case *c = &place_cases[i];
		struct cl_plan_opts po = { .has_base = c->has_base,
					   .base = c->base };
		struct cl_board b = board;
		struct cl_image *img = NULL;
		struct cl_plan *plan = NULL;
		struct notes n;
		int rc;

		if (c->reserve)
			b.res[b.nres++] = (struct cl_reserved){ "rom",
				RAM + 0x100000, 0x3000 };
		if (c->busy) {
			po.busy = &busy;
			po.nbusy = 1;
		}
		notes_init(&n, ELFDATA2LSB);
		notes_place(&n, c->align, c->min, c->max);
		rc = plan_notes(&n, &b, &po, &img, &plan);
		if (!c->want) {
			is_int(rc, 0, "placement: %s: planned", c->name);
			if (rc)
				diag("%s", cl_errmsg(ctx));
			else
				is_u64(plan->base, c->want_base,
				       "placement: %s: base", c->name);
		} else {
			ok(rc == c->want && msg_has(cl_errmsg(ctx), c->msg),
			   "placement: %s: %s naming '%s'", c->name,
			   cl_errname(c->want), c->msg);
			if (rc != c->want || !msg_has(cl_errmsg(ctx), c->msg))
				diag("got %s: %s", cl_errname(rc),
				     cl_errmsg(ctx));
		}
		done(img, plan);
	}
}

static void test_placement_inconsistent(void)
{
	static const struct {
		const char *name;
		uint64_t align, min, max;
	} bad[] = {
		{ "align 0", 0, RAM, 0 },
		{ "align 3 (not a power of two)", 3, RAM, 0 },
		{ "align 0x3000 (not a power of two)", 0x3000, RAM, 0 },
		{ "align 2 GiB (above the 1 GiB cap)", 1ull << 31, RAM, 0 },
		{ "max below min", 0x1000, RAM + 0x200000, RAM + 0x100000 },
		{ "max 1, min 2", 0x1000, 2, 1 },
	};
	unsigned i;

	for (i = 0; i < N_ELEMS(bad); i++) {
		struct cl_image *img = NULL;
		struct notes n;
		int rc;

		notes_init(&n, ELFDATA2LSB);
		notes_place(&n, bad[i].align, bad[i].min, bad[i].max);
		rc = open_notes(&n, &img);
		ok(rc == CL_E_ELF && msg_has(cl_errmsg(ctx), "placement note"),
		   "inconsistent placement note, %s: CL_E_ELF", bad[i].name);
		if (rc != CL_E_ELF)
			diag("got %s: %s", cl_errname(rc), cl_errmsg(ctx));
		cl_image_free(img);
	}
}

/* ---- BOARD and MACHINE --------------------------------------------------- */

static void test_board_machine(void)
{
	struct cl_board b2 = board, arm = board;
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct notes n;
	int rc;

	snprintf(b2.name, sizeof(b2.name), "b2");
	notes_init(&n, ELFDATA2LSB);
	notes_str(&n, CARDBOOT_NOTE_BOARD, "b1");
	rc = plan_notes(&n, &board, NULL, &img, &plan);
	ok(!rc && !strcmp(img->need_board, "b1"),
	   "BOARD note 'b1' on board 'b1': planned");
	done(img, plan);
	rc = plan_notes(&n, &b2, NULL, &img, &plan);
	ok(rc == CL_E_PLACE && msg_has(cl_errmsg(ctx), "'b1'") &&
	   msg_has(cl_errmsg(ctx), "'b2'"),
	   "BOARD note 'b1' on board 'b2': CL_E_PLACE naming both");
	diag("%s", cl_errmsg(ctx));
	done(img, plan);

	notes_init(&n, ELFDATA2LSB);
	notes_str(&n, CARDBOOT_NOTE_MACHINE, "riscv64");
	rc = plan_notes(&n, &board, NULL, &img, &plan);
	ok(!rc && !strcmp(img->need_machine, "riscv64"),
	   "MACHINE note 'riscv64' on a riscv64 board: planned");
	done(img, plan);

	notes_init(&n, ELFDATA2LSB);
	notes_str(&n, CARDBOOT_NOTE_MACHINE, "aarch64");
	rc = plan_notes(&n, &board, NULL, &img, &plan);
	ok(rc == CL_E_PLACE && msg_has(cl_errmsg(ctx), "aarch64") &&
	   msg_has(cl_errmsg(ctx), "riscv64"),
	   "MACHINE note 'aarch64' on a riscv64 board: refused, naming both");
	diag("%s", cl_errmsg(ctx));
	done(img, plan);

	/* an aarch64 board: the ELF machine check comes first */
	arm.machine = EM_AARCH64;
	notes_init(&n, ELFDATA2LSB);
	notes_str(&n, CARDBOOT_NOTE_MACHINE, "riscv64");
	rc = plan_notes(&n, &arm, NULL, &img, &plan);
	ok(rc == CL_E_ELF || rc == CL_E_PLACE,
	   "a riscv64 image with its MACHINE note on an aarch64 board: "
	   "refused");
	done(img, plan);

	/* both notes, and an ABI note, in one PT_NOTE */
	notes_init(&n, ELFDATA2LSB);
	notes_cl(&n, CARDBOOT_NOTE_ABI, "\1\0\0\0", 4);
	notes_str(&n, CARDBOOT_NOTE_BOARD, "b1");
	notes_str(&n, CARDBOOT_NOTE_MACHINE, "riscv64");
	rc = plan_notes(&n, &board, NULL, &img, &plan);
	ok(!rc && img->has_abi && img->abi == 1 && img->nnotes == 3 &&
	   !strcmp(img->need_board, "b1") &&
	   !strcmp(img->need_machine, "riscv64"),
	   "ABI, BOARD and MACHINE notes together: all read, planned");
	done(img, plan);
	rc = plan_notes(&n, &b2, NULL, &img, &plan);
	ok(rc == CL_E_PLACE, "... and the BOARD note still refuses 'b2'");
	done(img, plan);
}

/* A PARAMS note after another note: its offset counts from its own
 * descriptor, wherever that lies in the PT_NOTE (at vaddr 0 here). */
static void test_params_position(void)
{
	struct cl_image *img = NULL;
	struct notes n;
	uint8_t d[8];
	size_t at;
	int rc;

	notes_init(&n, ELFDATA2LSB);
	notes_cl(&n, CARDBOOT_NOTE_ABI, "\1\0\0\0", 4);
	at = n.len + 12 + 12; /* header, "cardload\0" padded */
	egen_put64(d, ELFDATA2LSB, 0x1400 - at);
	notes_cl(&n, CARDBOOT_NOTE_PARAMS, d, 8);
	rc = open_notes(&n, &img);
	ok(!rc && img->has_params && img->params_vaddr == 0x1400,
	   "PARAMS as the second note: offset from its own descriptor "
	   "(0x%llx)", rc ? 0ull : (unsigned long long)img->params_vaddr);
	cl_image_free(img);
}

/* ---- where the PARAMS note may point (issue 11 item 9) ------------------ */

/* ET_DYN riscv64: text [0, 0x800) RX, rodata [0x1000, 0x1400) R, data
 * [0x2000, 0x2100) + bss to 0x3000 RW, optionally PT_DYNAMIC (elfgen puts
 * it in an R segment of its own at 0x3000; rw makes that segment RW), and
 * one PARAMS note naming target. */
static int open_params_at(uint64_t target, bool dynamic, bool rw,
			  struct cl_image **img)
{
	static const struct egen_seg seg3[] = {
		{ .vaddr = 0, .paddr = 0, .filesz = 0x800, .memsz = 0x800,
		  .align = 0x1000, .flags = PF_R | PF_X, .fill = 0x13 },
		{ .vaddr = 0x1000, .paddr = 0x1000, .filesz = 0x400,
		  .memsz = 0x400, .align = 0x1000, .flags = PF_R,
		  .fill = 0x35 },
		{ .vaddr = 0x2000, .paddr = 0x2000, .filesz = 0x100,
		  .memsz = 0x1000, .align = 0x1000, .flags = PF_R | PF_W,
		  .fill = 0x24 },
	};
	struct notes n;
	struct egen_spec s;
	struct egen_layout l;
	uint8_t d[8], *buf;
	size_t len;
	int rc;

	notes_init(&n, ELFDATA2LSB);
	egen_put64(d, ELFDATA2LSB, target - 24); /* header, "cardload\0" */
	notes_cl(&n, CARDBOOT_NOTE_PARAMS, d, 8);
	s = spec_for(&n);
	s.nseg = N_ELEMS(seg3);
	s.seg = seg3;
	s.dynamic = dynamic;
	s.dyn_vaddr = 0x3000;
	s.ndyn_extra = dynamic ? 1 : 0;
	s.dyn_extra[0] = (struct egen_dyn){ 21 /* DT_DEBUG */, 0 };
	buf = egen_build(&s, &len);
	if (dynamic && rw) {
		egen_layout(&s, &l);
		egen_set(buf, &s, egen_phdr_field(&s, (unsigned)l.dload_ph,
						  EGEN_P_FLAGS), PF_R | PF_W);
	}
	rc = cl_image_from_memory(ctx, "p.elf", buf, len, NULL, img);
	free(buf);
	return rc;
}

static void test_params_where(void)
{
	static const struct {
		const char *name;
		uint64_t target;
		bool dynamic, rw;
		const char *msg[3];
	} bad[] = {
		{ "in the text (R-X)", 0x100, false, false,
		  { "PARAMS", "segment 0", "code" } },
		{ "running from rodata into data", 0x13f0, false, false,
		  { "PARAMS", "segment 1 [0x1000, 0x1400) R--", "read-only" } },
		{ "in the dynamic section's R segment", 0x3000, true, false,
		  { "PARAMS", "segment 3", "read-only" } },
		{ "on PT_DYNAMIC in a writable segment", 0x3000, true, true,
		  { "PARAMS", "PT_DYNAMIC", "[0x3000," } },
	};
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	unsigned i, k;
	int rc;

	for (i = 0; i < N_ELEMS(bad); i++) {
		rc = open_params_at(bad[i].target, bad[i].dynamic, bad[i].rw,
				    &img);
		ok(rc == CL_E_ELF, "a PARAMS note %s: CL_E_ELF", bad[i].name);
		for (k = 0; k < 3; k++)
			if (!ok(rc && msg_has(cl_errmsg(ctx), bad[i].msg[k]),
				"a PARAMS note %s: message names '%s'",
				bad[i].name, bad[i].msg[k]))
				diag("got %s: %s", cl_errname(rc),
				     rc ? cl_errmsg(ctx) : "");
		cl_image_free(img);
		img = NULL;
	}
	/* writable data, with a PT_DYNAMIC elsewhere: fine */
	rc = open_params_at(0x2800, true, true, &img);
	if (!rc)
		rc = cl_plan_make(ctx, img, &board, NULL, &plan);
	ok(!rc && plan->has_params, "a PARAMS note in the bss of an RW "
	   "segment: planned");
	if (rc)
		diag("got %s: %s", cl_errname(rc), cl_errmsg(ctx));
	done(img, plan);
}

/* ---- malformed notes ----------------------------------------------------- */

#define S47 "0123456789abcdef0123456789abcdef0123456789abcde"
#define S48 S47 "f"

struct note_in {
	uint32_t type;
	const char *desc;
	uint32_t len;
	const char *owner;   /* NULL: "cardload" */
};

struct note_case {
	const char *name;
	struct note_in n[3];
	int want;
	const char *msg;
};

#define ABI1 "\1\0\0\0"
#define Z8 "\0\0\0\0\0\0\0\0"
#define PL24 "\0\x10\0\0\0\0\0\0" "\0\0\0\x80\0\0\0\0" Z8 /* 4K, RAM, 0 */

/* a note of ours: type suffix, descriptor, descsz */
#define OURS(t, d, n) { CARDBOOT_NOTE_##t, d, n, NULL }
#define OURS_N(t, d, n) { t, d, n, NULL }

static const struct note_case note_cases[] = {
	{ "ABI with descsz 8", { OURS(ABI, Z8, 8) }, CL_E_ELF, "type 1" },
	{ "ABI with descsz 0", { OURS(ABI, "", 0) }, CL_E_ELF, "type 1" },
	{ "PARAMS with descsz 4", { OURS(PARAMS, Z8, 4) }, CL_E_ELF,
	  "type 2" },
	{ "PARAMS with descsz 16", { OURS(PARAMS, Z8 Z8, 16) }, CL_E_ELF,
	  "type 2" },
	{ "PLACEMENT with descsz 16", { OURS(PLACEMENT, PL24, 16) },
	  CL_E_ELF, "type 3" },
	{ "PLACEMENT with descsz 32", { OURS(PLACEMENT, PL24 Z8, 32) },
	  CL_E_ELF, "type 3" },
	{ "BOARD without its NUL", { OURS(BOARD, "b1", 2) }, CL_E_ELF,
	  "type 4" },
	{ "BOARD with a NUL before the end", { OURS(BOARD, "b1\0x", 5) },
	  CL_E_ELF, "type 4" },
	{ "BOARD with descsz 0", { OURS(BOARD, "", 0) }, CL_E_ELF,
	  "type 4" },
	{ "BOARD of 49 bytes", { OURS(BOARD, S48, 49) }, CL_E_ELF,
	  "type 4" },
	{ "MACHINE without its NUL", { OURS(MACHINE, "riscv64", 7) },
	  CL_E_ELF, "type 5" },
	{ "MACHINE with a NUL before the end",
	  { OURS(MACHINE, "riscv\0\0", 8) }, CL_E_ELF, "type 5" },
	{ "MACHINE of 49 bytes", { OURS(MACHINE, S48, 49) }, CL_E_ELF,
	  "type 5" },
	{ "ABI twice", { OURS(ABI, ABI1, 4), OURS(ABI, ABI1, 4) },
	  CL_E_ELF, "repeated" },
	{ "PARAMS twice", { OURS(PARAMS, Z8, 8), OURS(PARAMS, Z8, 8) },
	  CL_E_ELF, "repeated" },
	{ "PLACEMENT twice", { OURS(PLACEMENT, PL24, 24),
			       OURS(PLACEMENT, PL24, 24) },
	  CL_E_ELF, "repeated" },
	{ "BOARD twice (same name)", { OURS(BOARD, "b1", 3),
				       OURS(BOARD, "b1", 3) },
	  CL_E_ELF, "repeated" },
	{ "MACHINE twice, apart", { OURS(MACHINE, "riscv64", 8),
				    OURS(ABI, ABI1, 4),
				    OURS(MACHINE, "aarch64", 8) },
	  CL_E_ELF, "repeated" },
	/* accepted */
	{ "BOARD of exactly 48 bytes", { OURS(BOARD, S47, 48) }, 0, NULL },
	{ "MACHINE of exactly 48 bytes", { OURS(MACHINE, S47, 48) }, 0,
	  NULL },
	{ "unknown cardload type 99", { OURS_N(99, Z8, 8) }, 0, NULL },
	{ "unknown cardload type 0, twice", { OURS_N(0, "", 0),
					      OURS_N(0, "", 0) }, 0, NULL },
	{ "type 1 with descsz 8 from owner GNU",
	  { { CARDBOOT_NOTE_ABI, Z8, 8, "GNU" } }, 0, NULL },
	{ "type 4 without NUL from owner cardloadX",
	  { { CARDBOOT_NOTE_BOARD, "b1", 2, "cardloadX" } }, 0, NULL },
	{ "a note with no owner", { { CARDBOOT_NOTE_ABI, Z8, 8, "" } },
	  0, NULL },
};

static void test_malformed(void)
{
	unsigned i, k;

	for (i = 0; i < N_ELEMS(note_cases); i++) {
		const struct note_case *c = &note_cases[i];
		struct cl_image *img = NULL;
		struct notes n;
		int rc;

		notes_init(&n, ELFDATA2LSB);
		for (k = 0; k < 3 && c->n[k].desc; k++)
			notes_add(&n, c->n[k].owner ? c->n[k].owner :
				  CARDBOOT_NOTE_NAME, c->n[k].type,
				  c->n[k].desc, c->n[k].len);
		rc = open_notes(&n, &img);
		if (c->want) {
			ok(rc == c->want && msg_has(cl_errmsg(ctx), c->msg),
			   "note: %s: %s naming '%s'", c->name,
			   cl_errname(c->want), c->msg);
			if (rc != c->want)
				diag("got %s: %s", cl_errname(rc),
				     rc ? cl_errmsg(ctx) : "");
		} else {
			/* what a valid note of ours sets, nothing else */
			const char *board_want = "", *mach_want = "";

			for (k = 0; k < 3 && c->n[k].desc; k++) {
				if (c->n[k].owner)
					continue;
				if (c->n[k].type == CARDBOOT_NOTE_BOARD)
					board_want = c->n[k].desc;
				if (c->n[k].type == CARDBOOT_NOTE_MACHINE)
					mach_want = c->n[k].desc;
			}
			ok(!rc && img->nnotes == k && !img->has_abi &&
			   !img->has_params && !img->has_placement &&
			   !strcmp(img->need_board, board_want) &&
			   !strcmp(img->need_machine, mach_want),
			   "note: %s: accepted, read as it says", c->name);
			if (rc)
				diag("got %s: %s", cl_errname(rc),
				     cl_errmsg(ctx));
		}
		cl_image_free(img);
	}
}

/* Lying sizes in note 0 or 1 (of two), any owner: CL_E_ELF "malformed
 * note", never a crash or a read past the buffer (ASan). */
static void test_lying_sizes(void)
{
	static const uint32_t lies[] = {
		0xffffffffu, 0xfffffffeu, 0xfffffffdu, 0xfffffffcu,
		0x80000000u, 0x7fffffffu, 0x10000u, 0x41,
	};
	static const char *const owners[] = { CARDBOOT_NOTE_NAME, "GNU" };
	unsigned i, f, which, o;

	for (o = 0; o < N_ELEMS(owners); o++)
		for (which = 0; which < 2; which++)
			for (f = 0; f < 2; f++) /* namesz, descsz */
				for (i = 0; i < N_ELEMS(lies); i++) {
					struct cl_image *img = NULL;
					struct notes n;
					size_t at[2];
					int rc;

					notes_init(&n, ELFDATA2LSB);
					at[0] = notes_add(&n, owners[o], 77,
							  Z8, 8);
					at[1] = notes_add(&n, owners[o], 78,
							  Z8, 8);
					egen_put32(n.buf + at[which] + 4 * f,
						   ELFDATA2LSB, lies[i]);
					rc = open_notes(&n, &img);
					ok(rc == CL_E_ELF &&
					   msg_has(cl_errmsg(ctx),
						   "malformed note"),
					   "note %u of 2 (%s) with %s 0x%x: "
					   "CL_E_ELF, malformed note", which,
					   owners[o], f ? "descsz" : "namesz",
					   lies[i]);
					if (rc != CL_E_ELF)
						diag("got %s", cl_errname(rc));
					cl_image_free(img);
				}
}

/* A PT_NOTE ending in a partial header. */
static void test_truncated(void)
{
	struct cl_image *img = NULL;
	struct notes n;
	int rc;

	notes_init(&n, ELFDATA2LSB);
	notes_cl(&n, CARDBOOT_NOTE_ABI, ABI1, 4);
	memset(n.buf + n.len, 0, 8);
	n.len += 8; /* namesz, descsz, no type */
	rc = open_notes(&n, &img);
	ok(rc == CL_E_ELF && msg_has(cl_errmsg(ctx), "malformed note"),
	   "a PT_NOTE ending in 8 bytes of a note header: CL_E_ELF");
	if (rc != CL_E_ELF)
		diag("got %s", cl_errname(rc));
	cl_image_free(img);
}

static void test_count_cap(void)
{
	static struct notes n;
	struct cl_image *img = NULL;
	unsigned i;
	int rc;

	notes_init(&n, ELFDATA2LSB);
	for (i = 0; i < 1024; i++)
		notes_add(&n, "GNU", 1, NULL, 0);
	rc = open_notes(&n, &img);
	ok(!rc && img->nnotes == 1024, "1024 notes: accepted");
	cl_image_free(img);
	notes_add(&n, "GNU", 1, NULL, 0);
	rc = open_notes(&n, &img);
	ok(rc == CL_E_ELF && msg_has(cl_errmsg(ctx), "1024"),
	   "1025 notes: refused, naming the limit");
	if (rc != CL_E_ELF)
		diag("got %s", cl_errname(rc));
	cl_image_free(img);

	/* the cap counts notes of every owner, ours last */
	notes_init(&n, ELFDATA2LSB);
	for (i = 0; i < 1024; i++)
		notes_add(&n, "GNU", 1, NULL, 0);
	notes_cl(&n, CARDBOOT_NOTE_ABI, ABI1, 4);
	rc = open_notes(&n, &img);
	ok(rc == CL_E_ELF, "1024 foreign notes and one of ours: refused");
	cl_image_free(img);
}

/* Warnings go to the log callback, not stdout. */
static char warned[512];

static void log_fn(void *arg, enum cl_log_level lvl, const char *msg)
{
	(void)arg;
	if (lvl == CL_LOG_WARN)
		snprintf(warned, sizeof(warned), "%s", msg);
}

static void test_unknown_warns(void)
{
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct notes n;
	int rc;

	cl_set_log(ctx, log_fn, NULL);
	warned[0] = 0;
	notes_init(&n, ELFDATA2LSB);
	notes_cl(&n, 99, Z8, 8);
	rc = plan_notes(&n, &board, NULL, &img, &plan);
	ok(!rc, "an unknown cardload note type: planned");
	ok(msg_has(warned, "type 99"), "... with a warning naming the type "
	   "('%s')", warned);
	done(img, plan);
	cl_set_log(ctx, NULL, NULL);
}

int main(void)
{
	ctx = cl_ctx_new();
	if (!ctx) {
		printf("Bail out! cl_ctx_new failed\n");
		return 1;
	}
	cardram_board(&board, "b1", MB, 0x1000);
	board.machine = EM_RISCV;
	board.elfclass = ELFCLASS64;
	test_placement_parse();
	test_placement_plan();
	test_placement_inconsistent();
	test_board_machine();
	test_params_position();
	test_params_where();
	test_malformed();
	test_lying_sizes();
	test_truncated();
	test_count_cap();
	test_unknown_warns();
	cl_ctx_free(ctx);
	return tap_done();
}
