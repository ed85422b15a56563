/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_params.c - cardload notes, the boot-parameter block, the command
 * line, the console ring and waiting for the payload's status */
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "cardboot.h"
#include "cardram.h"
#include "elfgen.h"
#include "internal.h"
#include "tap.h"

#define MB (RAM + RAM_SIZE - 0x2000)
#define CON (RAM + RAM_SIZE - 0x1000)
#define NOTE_DESC_VADDR 24 /* elfgen: PT_NOTE at vaddr 0, 12-byte header,
			    * "cardload\0" padded to 12 */

static struct cl_ctx *ctx;
static struct cl_board board;

static void make_board(void)
{
	cardram_board(&board, "param-test", MB, 0x2000);
	board.has_console = true;
	board.console = CON;
	board.console_size = 0x100;
}

#define le ram_le
#define put_le ram_put_le

/* ET_DYN riscv64 with text, data+bss, and cardload notes: PARAMS pointing
 * at params_vaddr, ABI abi (0: no ABI note; elfgen has one note, so the
 * ABI case replaces the PARAMS note). */
static uint8_t *image(size_t *len, uint64_t params_vaddr, uint32_t abi)
{
	static const struct egen_seg seg[] = {
		{ .vaddr = 0x1000, .paddr = 0x1000, .filesz = 0x800,
		  .memsz = 0x800, .align = 0x1000, .flags = PF_R | PF_X,
		  .fill = 0x31, .ramp = true },
		{ .vaddr = 0x2000, .paddr = 0x2000, .filesz = 0x300,
		  .memsz = 0x3000, .align = 0x1000, .flags = PF_R | PF_W,
		  .fill = 0x42 },
	};
	uint8_t desc[8];
	struct egen_spec spec = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_RISCV, .type = ET_DYN, .entry = 0x1010,
		.nseg = 2, .seg = seg, .note = true, .note_name = "cardload",
		.note_type = CARDBOOT_NOTE_PARAMS, .note_desc = desc,
		.note_desclen = 8,
	};

	egen_put64(desc, ELFDATA2LSB, params_vaddr - NOTE_DESC_VADDR);
	if (abi) {
		spec.note_type = CARDBOOT_NOTE_ABI;
		spec.note_desclen = 4;
		egen_put32(desc, ELFDATA2LSB, abi);
	}
	return egen_build(&spec, len);
}

static int plan_for(uint64_t params_vaddr, uint32_t abi,
		    const struct cl_plan_opts *po, struct cl_image **img,
		    struct cl_plan **plan)
{
	size_t len;
	uint8_t *buf = image(&len, params_vaddr, abi);
	int rc = cl_image_from_memory(ctx, "p.elf", buf, len, NULL, img);

	free(buf);
	*plan = NULL;
	if (!rc)
		rc = cl_plan_make(ctx, *img, &board, po, plan);
	return rc;
}

static void test_notes_and_plan(void)
{
	struct cl_plan_opts po = { .has_base = true, .base = RAM + 0x100000 };
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	int rc;

	rc = plan_for(0x2400, 0, &po, &img, &plan);
	ok(!rc && img->has_params && img->params_vaddr == 0x2400,
	   "PARAMS note: self-relative offset resolved to 0x2400");
	ok(!rc && plan->has_params && plan->params_addr == RAM + 0x101400,
	   "the parameter block moves with the image");
	cl_plan_free(plan);
	cl_image_free(img);

	rc = plan_for(0x4f00, 0, &po, &img, &plan);
	ok(rc == CL_E_ELF && msg_has(cl_errmsg(ctx), "parameter block"),
	   "a parameter block running past its segment is refused");
	cl_image_free(img);

	rc = plan_for(0, 1, &po, &img, &plan);
	ok(!rc && img->has_abi && img->abi == 1 && !img->has_params,
	   "ABI note 1 accepted");
	cl_plan_free(plan);
	cl_image_free(img);
	rc = plan_for(0, 7, &po, &img, &plan);
	ok(rc == CL_E_ELF && msg_has(cl_errmsg(ctx), "ABI 7"),
	   "a payload wanting another handoff ABI is refused");
	cl_image_free(img);

	po.cmdline = "console=uart";
	rc = plan_for(0, 1, &po, &img, &plan);
	ok(rc == CL_E_USAGE && msg_has(cl_errmsg(ctx), "--cmdline"),
	   "--cmdline without a parameter block is a usage error");
	cl_image_free(img);

	rc = plan_for(0x2400, 0, &po, &img, &plan);
	ok(!rc && plan->has_cmdline && plan->cmdline_size == 13,
	   "the command line is planned with its NUL");
	/* lowest free: RAM start (image is at +1 MiB) */
	ok(!rc && plan->cmdline_addr == RAM, "it goes to the lowest free "
	   "address (0x%llx)", rc ? 0ull : (unsigned long long)
	   plan->cmdline_addr);
	cl_plan_free(plan);
	cl_image_free(img);

	po.base = RAM; /* image at the bottom: the command line goes after */
	rc = plan_for(0x2400, 0, &po, &img, &plan);
	/* segments land at [RAM, RAM+0x800) and [RAM+0x1000, RAM+0x4000):
	 * the gap between them is the image's own (issue 11 item 10) */
	ok(!rc && plan->cmdline_addr == RAM + 0x4000,
	   "the command line goes after the image's span, never into the "
	   "gap between its segments (0x%llx)", rc ? 0ull :
	   (unsigned long long)plan->cmdline_addr);
	cl_plan_free(plan);
	cl_image_free(img);

	{
		char *big = malloc(CL_CMDLINE_MAX + 1);

		memset(big, 'x', CL_CMDLINE_MAX);
		big[CL_CMDLINE_MAX] = 0;
		po.cmdline = big;
		rc = plan_for(0x2400, 0, &po, &img, &plan);
		ok(rc == CL_E_USAGE && msg_has(cl_errmsg(ctx), "limit"),
		   "an oversized command line is refused before any write");
		cl_image_free(img);
		free(big);
	}
}

static void test_block_in_ram(void)
{
	struct cl_plan_opts po = { .has_base = true, .base = RAM + 0x100000,
				   .cmdline = "root=/dev/ram0 quiet" };
	struct cl_param prm = { "mem.path", ram_path };
	struct cl_load_result res = { 0 };
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct cl_tp *tp = NULL;
	uint64_t pb, reserved_nonzero = 0;
	int rc;

	cardram_new();
	/* the ROM has posted its magic, version, the platform DTB and READY
	 * (a card whose ROM never ran is not released) */
	put_le(MB + CARDBOOT_MB_MAGIC_OFF, 4, CARDBOOT_MB_MAGIC);
	put_le(MB + CARDBOOT_MB_VERSION_OFF, 4, CARDBOOT_MB_VERSION);
	put_le(MB + CARDBOOT_MB_PLATFORM_DTB_OFF, 8, 0x87e00000);
	put_le(MB + CARDBOOT_MB_READY_OFF, 4, CARDBOOT_READY);
	rc = plan_for(0x2400, 0, &po, &img, &plan);
	if (!rc)
		rc = cl_open(ctx, &board, &prm, 1, &tp);
	if (!rc)
		rc = cl_load(ctx, plan, tp, NULL, &res);
	is_int(rc, 0, "load with a parameter block and a command line");
	if (rc) {
		diag("%s", cl_errmsg(ctx));
		goto out;
	}
	pb = plan->params_addr;
#define F(field, n) le(pb + offsetof(struct cardboot_params, field), n)
	is_u64(F(magic, 4), CARDBOOT_PARAMS_MAGIC, "params magic");
	is_u64(F(version, 4), CARDBOOT_PARAMS_VERSION, "params version");
	is_u64(F(size, 4), sizeof(struct cardboot_params), "params size");
	is_u64(F(load_base, 8), RAM + 0x100000, "params load_base");
	is_u64(F(reloc_offset, 8), RAM + 0x100000 - 0x1000, "params reloc");
	is_u64(F(entry, 8), RAM + 0x100010, "params entry");
	is_u64(F(mailbox, 8), MB, "params mailbox");
	is_u64(F(console, 8), CON, "params console");
	is_u64(F(cmdline_size, 8), 21, "params cmdline_size");
	ok(!strcmp((char *)ram + (F(cmdline, 8) - RAM), "root=/dev/ram0 quiet"),
	   "the command line is in RAM where params say");
	is_u64(F(platform_dtb, 8), 0x87e00000, "params platform_dtb from ROM");
	is_u64(F(digest, 4), res.digest, "params digest = result digest");
	is_u64(F(digest_kind, 4), CARDBOOT_DIGEST_CRC32, "params digest kind");
	is_u64(F(nwindows, 4), 1, "params nwindows");
	is_u64(F(windows[0].size, 8), RAM_SIZE, "params window size");
	is_u64(F(nsegs, 4), plan->nseg, "params nsegs");
	is_u64(F(segs[1].addr, 8), RAM + 0x101000, "params seg 1 addr");
	is_u64(F(segs[1].filesz, 8), 0x300, "params seg 1 filesz");
	is_u64(F(segs[1].memsz, 8), 0x3000, "params seg 1 memsz");
	is_u64(F(segs[1].flags, 4), PF_R | PF_W, "params seg 1 flags");
	ok(!strcmp((char *)ram + (pb - RAM) +
		   offsetof(struct cardboot_params, board), "param-test"),
	   "params board name");
	for (unsigned i = 0; i < 64; i++)
		reserved_nonzero |= ram[pb - RAM +
					offsetof(struct cardboot_params,
						 reserved) + i];
	ok(!reserved_nonzero && F(flags, 4) == 0 && F(initrd, 8) == 0,
	   "unused fields are zero");
	{
		/* the digest as a payload computes it: file bytes of every
		 * segment as they lie in RAM, the parameter block as zeros */
		uint8_t z[sizeof(struct cardboot_params)] = { 0 };
		uint32_t crc = 0;

		for (unsigned i = 0; i < plan->nseg; i++) {
			const struct cl_plan_seg *s = &plan->seg[i];

			crc = crc32(crc, ram + (s->addr - RAM), s->filesz);
		}
		/* params lie in bss here: not covered */
		ok(pb >= plan->seg[1].addr + plan->seg[1].filesz,
		   "params lie in zero-fill memory in this image");
		is_u64(crc, res.digest, "digest = CRC of file bytes in RAM");
		(void)z;
	}
out:
	cl_close(tp);
	cl_load_result_free(&res);
	cl_plan_free(plan);
	cl_image_free(img);
}

static void test_console_and_wait(void)
{
	struct cl_param prm = { "mem.path", ram_path };
	struct cl_tp *tp = NULL;
	uint32_t status = 1;
	uint64_t lost;
	size_t len;
	char *text;
	unsigned i;
	int rc;

	/* after test_block_in_ram the ring header is initialised */
	is_u64(le(CON, 4), CARDBOOT_CONSOLE_MAGIC, "console magic at hold");
	is_u64(le(CON + 4, 4), 0x100 - 0x10, "console size at hold");
	is_u64(le(CON + 8, 4), 0, "console head at hold");
	rc = cl_open(ctx, &board, &prm, 1, &tp);
	if (rc)
		return;
	/* a payload writes 300 bytes into the 240-byte ring */
	for (i = 0; i < 300; i++)
		ram[CON - RAM + 0x10 + i % 0xf0] = (uint8_t)('a' + i % 26);
	put_le(CON + 8, 4, 300);
	rc = cl_console_read(ctx, &board, tp, &text, &len, &lost);
	ok(!rc && len == 0xf0 && lost == 60, "a wrapped ring keeps its last "
	   "240 bytes");
	ok(!rc && text[0] == 'a' + 60 % 26 && text[239] == 'a' + 299 % 26,
	   "oldest byte first");
	free(text);
	memcpy(ram + (CON - RAM) + 0x10, "abcde", 5);
	put_le(CON + 8, 4, 5);
	rc = cl_console_read(ctx, &board, tp, &text, &len, &lost);
	ok(!rc && len == 5 && lost == 0 && !memcmp(text, "abcde", 5),
	   "a short ring reads from the start");
	free(text);

	put_le(MB + CARDBOOT_MB_STATUS_OFF, 4, 0);
	rc = cl_wait(ctx, &board, tp, 50, &status);
	ok(rc == CL_E_TIMEOUT && status == 0, "no status: timeout");
	put_le(MB + CARDBOOT_MB_STATUS_OFF, 4, CARDBOOT_STATUS_DONE(0));
	rc = cl_wait(ctx, &board, tp, 50, &status);
	ok(rc == 0 && status == CARDBOOT_STATUS_DONE(0), "DONE: success");
	put_le(MB + CARDBOOT_MB_STATUS_OFF, 4, CARDBOOT_STATUS_FAIL(3));
	rc = cl_wait(ctx, &board, tp, 50, &status);
	ok(rc == CL_E_CARD && msg_has(cl_errmsg(ctx), "code 3"),
	   "FAIL: the payload's failure, with its code");
	put_le(MB + CARDBOOT_MB_STATUS_OFF, 4, CARDBOOT_STATUS_RUNNING);
	rc = cl_wait(ctx, &board, tp, 20, &status);
	ok(rc == CL_E_TIMEOUT, "RUNNING is not an outcome");
	put_le(CON, 4, 0);
	rc = cl_console_read(ctx, &board, tp, &text, &len, &lost);
	ok(rc == CL_E_STATE, "an uninitialised ring is a state error");
	cl_close(tp);
}

int main(void)
{
	ctx = cl_ctx_new();
	make_board();
	test_notes_and_plan();
	test_block_in_ram();
	test_console_and_wait();
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
