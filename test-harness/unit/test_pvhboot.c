/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pvhboot.c - boot-abi = pvh: the board key, the plan and the load
 *
 * A board file with "boot-abi = pvh" parses (and a bad value is refused by
 * name); on such a board an x86_64 ELF with a Xen PHYS32_ENTRY note plans
 * with that entry, the start_info block in free RAM clear of the span, the
 * mailbox and the command line, and arg0 = its address; cl_load writes it
 * into the card RAM of cardram.h, where it is read back field by field. An
 * ELF without the note is refused at plan time; --entry and a given arg0
 * win; a board without the key plans as before.
 */
#include <string.h>
#include "cardram.h"
#include "elfgen.h"
#include "internal.h"
#include "pvh.h"
#include "tap.h"

#define MB (RAM + RAM_SIZE - 0x1000)
#define TEXT (RAM + 0x100000)
#define ENTRY32 (TEXT + 0x10)

static struct cl_ctx *ctx;
static struct cl_board board;

static const struct egen_seg segs[] = {
	{ .vaddr = 0xffffffff81000000ull, .paddr = TEXT, .filesz = 0x1000,
	  .memsz = 0x3000, .align = 0x1000, .flags = PF_R | PF_X,
	  .fill = 0x90 },
};

/* x86_64 ET_EXEC at TEXT; with note, a PHYS32_ENTRY of 8 bytes */
static struct cl_image *x86_image(bool note, uint64_t entry32)
{
	uint8_t desc[8], notes[64];
	struct egen_spec s = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_X86_64, .type = ET_EXEC,
		.entry = 0xffffffff81000000ull, .nseg = 1, .seg = segs,
	};
	struct cl_image *img = NULL;
	size_t len, n;
	uint8_t *buf;

	egen_put64(desc, ELFDATA2LSB, entry32);
	n = egen_note(notes, ELFDATA2LSB, "Xen", note ? 18 : 6, desc, 8);
	s.note = true;
	s.notes_raw = notes;
	s.notes_raw_len = (uint32_t)n;
	buf = egen_build(&s, &len);
	if (cl_image_from_memory(ctx, "vmlinux", buf, len, NULL, &img))
		diag("image: %s", cl_errmsg(ctx));
	free(buf);
	return img;
}

static void test_key(void)
{
	static const char head[] =
		"name = x\ntransport = mem\nram = 0 16M offset=0\n"
		"release = none\n";
	char text[256];
	struct cl_board b;

	snprintf(text, sizeof(text), "%sboot-abi = pvh\n", head);
	if (!ok(!cl_board_parse(ctx, "x.board", text, strlen(text), &b) &&
		b.boot_pvh, "boot-abi = pvh"))
		diag("%s", cl_errmsg(ctx));
	snprintf(text, sizeof(text), "%sboot-abi = cardboot\n", head);
	ok(!cl_board_parse(ctx, "x.board", text, strlen(text), &b) && !b.boot_pvh,
	   "boot-abi = cardboot");
	ok(!cl_board_parse(ctx, "x.board", head, strlen(head), &b) && !b.boot_pvh,
	   "no boot-abi: cardboot");
	snprintf(text, sizeof(text), "%sboot-abi = multiboot\n", head);
	is_int(cl_board_parse(ctx, "x.board", text, strlen(text), &b), CL_E_BOARD,
	       "boot-abi = multiboot: CL_E_BOARD");
	ok(strstr(cl_errmsg(ctx), "multiboot") &&
	   strstr(cl_errmsg(ctx), "cardboot or pvh"), "names the value");
	snprintf(text, sizeof(text), "%sboot-abi = pvh\nboot-abi = pvh\n",
		 head);
	is_int(cl_board_parse(ctx, "x.board", text, strlen(text), &b), CL_E_BOARD,
	       "boot-abi twice: CL_E_BOARD");
}

static bool overlaps(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

static void test_plan_load(void)
{
	struct cl_plan_opts po = { .cmdline = "console=ttyS0 root=/dev/vda" };
	struct cl_load_opts lo = { .no_start = true };
	struct cl_param prm = { "mem.path", ram_path };
	struct cl_image *img = x86_image(true, ENTRY32);
	struct cl_load_result res = { 0 };
	struct cl_plan *p = NULL;
	struct cl_tp *tp = NULL;
	uint64_t s, map;
	int rc;

	rc = img ? cl_plan_make(ctx, img, &board, &po, &p) : -1;
	is_int(rc, 0, "plans");
	if (rc) {
		diag("%s", cl_errmsg(ctx));
		cl_image_free(img);
		return;
	}
	s = p->pvh_addr;
	ok(p->has_pvh && p->pvh_size == cl_pvh_size(&board,
	   &(struct cl_pvh_in){ .initrd_size = 1 }), "start_info planned, "
	   "room for a module");
	is_u64(p->entry, ENTRY32, "entry = PHYS32_ENTRY");
	ok((p->argmask & 1) && p->arg[0] == s, "arg0 = start_info");
	ok(s >= 0x1000 && s + p->pvh_size <= 0x100000000ull && s % 8 == 0,
	   "start_info below 4 GiB, not in page 0, aligned");
	ok(!overlaps(s, p->pvh_size, p->base, p->span) &&
	   !overlaps(s, p->pvh_size, MB, 0x1000) &&
	   !overlaps(s, p->pvh_size, p->cmdline_addr, p->cmdline_size),
	   "clear of the span, the mailbox and the command line");

	rc = cl_open(ctx, &board, &prm, 1, &tp);
	if (!rc)
		rc = cl_load(ctx, p, tp, &lo, &res);
	is_int(rc, 0, "loads");
	if (rc)
		diag("%s", cl_errmsg(ctx));
	map = s + CL_PVH_INFO_SIZE;
	ok(ram_le(s, 4) == CL_PVH_MAGIC && ram_le(s + 4, 4) == 1,
	   "card: magic and version");
	ok(ram_le(s + 12, 4) == 0 && ram_le(s + 16, 8) == 0,
	   "card: no module");
	is_u64(ram_le(s + 24, 8), p->cmdline_addr, "card: cmdline_paddr");
	ok(!strcmp((const char *)ram + (p->cmdline_addr - RAM),
		   "console=ttyS0 root=/dev/vda"), "card: the command line");
	ok(ram_le(s + 40, 8) == map && ram_le(s + 48, 4) == 2,
	   "card: memmap at 0x%" PRIx64 ", 2 entries", map);
	ok(ram_le(map, 8) == RAM && ram_le(map + 8, 8) == RAM_SIZE - 0x1000 &&
	   ram_le(map + 16, 4) == 1, "card: memmap[0] RAM");
	ok(ram_le(map + 24, 8) == MB && ram_le(map + 32, 8) == 0x1000 &&
	   ram_le(map + 40, 4) == 2, "card: memmap[1] the mailbox, reserved");
	cl_close(tp);
	cl_load_result_free(&res);
	cl_plan_free(p);
	cl_image_free(img);
}

static void test_plan_cases(void)
{
	struct cl_plan_opts po = { 0 };
	struct cl_image *img;
	struct cl_plan *p = NULL;
	struct cl_board plain = board;

	img = x86_image(false, ENTRY32);
	is_int(cl_plan_make(ctx, img, &board, &po, &p), CL_E_ELF,
	       "no PHYS32_ENTRY on a pvh board: CL_E_ELF");
	ok(strstr(cl_errmsg(ctx), "PHYS32_ENTRY") &&
	   strstr(cl_errmsg(ctx), "vmlinux") && strstr(cl_errmsg(ctx), "pvh"),
	   "names the note, the image and the ABI");
	cl_image_free(img);

	img = x86_image(true, TEXT + 0x2000);
	is_int(cl_plan_make(ctx, img, &board, &po, &p), 0,
	       "PHYS32_ENTRY in the segment's bss: still executable");
	cl_plan_free(p);
	p = NULL;
	cl_image_free(img);
	img = x86_image(true, TEXT + 0x3000);
	is_int(cl_plan_make(ctx, img, &board, &po, &p), CL_E_PLACE,
	       "PHYS32_ENTRY past the segment: CL_E_PLACE");
	cl_image_free(img);

	img = x86_image(true, ENTRY32);
	po = (struct cl_plan_opts){ .has_entry = true, .entry = TEXT + 4,
				    .argmask = 1, .arg = { 0x1234 } };
	ok(!cl_plan_make(ctx, img, &board, &po, &p) && p->entry == TEXT + 4 &&
	   p->arg[0] == 0x1234 && p->has_pvh, "--entry and arg0 given win");
	cl_plan_free(p);
	p = NULL;
	po = (struct cl_plan_opts){ .not_first = true };
	ok(!cl_plan_make(ctx, img, &board, &po, &p) && !p->has_pvh &&
	   !(p->argmask & 1), "a boot's later image: no start_info");
	cl_plan_free(p);
	p = NULL;
	plain.boot_pvh = false;
	po = (struct cl_plan_opts){ 0 };
	ok(!cl_plan_make(ctx, img, &plain, &po, &p) && !p->has_pvh &&
	   p->entry == TEXT, "a cardboot board: e_entry, no start_info");
	cl_plan_free(p);
	cl_image_free(img);
}

int main(void)
{
	ctx = cl_ctx_new();
	if (!ctx)
		return 1;
	cardram_new();
	cardram_board(&board, "pvh", MB, 0x1000);
	board.boot_pvh = true;
	cardram_rom_ready(MB, 0, 0);
	test_key();
	test_plan_load();
	test_plan_cases();
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
