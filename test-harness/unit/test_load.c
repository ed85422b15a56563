/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_load.c - cl_load over the mem transport: bytes, bss, digest, verify,
 * the mailbox handshake and its failure paths; what start and a releasing
 * load demand of the card before they write anything */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "cardboot.h"
#include "cardram.h"
#include "elfgen.h"
#include "internal.h"
#include "tap.h"

#define MB (RAM + RAM_SIZE - 0x1000)

static struct cl_ctx *ctx;
static struct cl_board board;

/* What the card's ROM writes before it spins: magic, version, hart id,
 * platform DTB, then READY. */
static void rom_announce(void)
{
	cardram_rom_ready(MB, 0, RAM + 0x300000);
}

/* The card's RAM file, sparse, or filled with 0xff below the mailbox; its
 * ROM spinning on the mailbox. */
static void make_ram(bool fill)
{
	cardram_new();
	if (fill)
		memset(ram, 0xff, RAM_SIZE - 0x1000);
	rom_announce();
}

static uint32_t ram_crc(void)
{
	return (uint32_t)crc32(0, ram, RAM_SIZE);
}

static uint32_t mb32(unsigned off)
{
	return (uint32_t)ram_le(MB + off, 4);
}

static uint64_t mb64(unsigned off)
{
	return ram_le(MB + off, 8);
}


struct run {
	struct cl_image *img;
	struct cl_plan *plan;
	struct cl_tp *tp;
	struct cl_load_result res;
	int rc;
};

static void run_load(struct run *r, const char *fk, const char *fv,
		     bool no_start)
{
	struct cl_plan_opts po = { .has_base = true, .base = RAM + 0x10000,
				   .argmask = 0x5, .arg = { 7, 0, 9, 0 } };
	struct cl_load_opts lo = { .no_start = no_start };
	struct cl_param p[2] = { { "mem.path", ram_path }, { fk, fv } };
	size_t len;
	uint8_t *buf = egen_sample_dyn(&len);

	memset(r, 0, sizeof(*r));
	r->rc = cl_image_from_memory(ctx, "t.elf", buf, len, NULL, &r->img);
	free(buf);
	if (!r->rc)
		r->rc = cl_plan_make(ctx, r->img, &board, &po, &r->plan);
	if (!r->rc)
		r->rc = cl_open(ctx, &board, p, fk ? 2 : 1, &r->tp);
	if (!r->rc)
		r->rc = cl_load(ctx, r->plan, r->tp, &lo, &r->res);
}

static void end_run(struct run *r)
{
	cl_close(r->tp);
	cl_load_result_free(&r->res);
	cl_plan_free(r->plan);
	cl_image_free(r->img);
}

static uint64_t rd64(uint64_t card)
{
	return ram_le(card, 8);
}

static void test_good(bool prefill)
{
	const char *how = prefill ? "0xff-filled RAM" : "sparse RAM";
	uint64_t base = RAM + 0x10000;
	struct run r;
	uint32_t crc;
	unsigned i, ramp_ok = 1, bss_ok = 1;

	make_ram(prefill);
	run_load(&r, NULL, NULL, false);
	is_int(r.rc, 0, "%s: load succeeds", how);
	if (r.rc) {
		diag("%s", cl_errmsg(ctx));
		end_run(&r);
		return;
	}
	for (i = 0; i < 0x800; i++)
		ramp_ok &= ram[base - RAM + i] == (uint8_t)(0x11 + i);
	ok(ramp_ok, "%s: text segment byte for byte", how);
	is_u64(rd64(base + 0x1008), base + 0x40, "%s: RELA pointer 1", how);
	is_u64(rd64(base + 0x1010), base + 0x1000, "%s: RELA pointer 2", how);
	ok(ram[base - RAM + 0x1000] == 0x22 && ram[base - RAM + 0x10ff] == 0x22,
	   "%s: data segment", how);
	for (i = 0x1100; i < 0xa000; i++)
		bss_ok &= ram[base - RAM + i] == 0;
	ok(bss_ok, "%s: bss is zero", how);
	if (prefill)
		is_u64(r.res.bytes_zeroed, 0x8f00, "prefilled: bss written");
	else
		is_u64(r.res.bytes_zeroed, 0x1000 - 0x100,
		       "sparse: only the bss bytes sharing a page with data "
		       "are written");
	for (crc = 0, i = 0; i < r.plan->nseg; i++)
		crc = crc32(crc, ram + (r.plan->seg[i].addr - RAM),
			    r.plan->seg[i].filesz);
	is_u64(r.res.digest, crc, "%s: digest is CRC-32 of every segment's "
	       "file bytes as they lie in RAM", how);
	for (i = 0; i < r.plan->nseg; i++) {
		const struct cl_plan_seg *sg = &r.plan->seg[i];
		uint32_t c = crc32(0, ram + (sg->addr - RAM), sg->memsz);

		is_u64(r.res.seg_digest[i], c, "%s: segment %u digest covers "
		       "file bytes and bss", how, sg->phidx);
	}
	ok(r.res.verified && r.res.staged && r.res.released,
	   "%s: verified, staged, released", how);
	is_u64(mb64(CARDBOOT_MB_ENTRY_OFF), base + 0x10, "mailbox entry");
	is_u64(mb32(CARDBOOT_MB_ARGMASK_OFF), 0x5, "mailbox argmask");
	is_u64(mb64(CARDBOOT_MB_ARG_OFF), 7, "mailbox arg0");
	is_u64(mb64(CARDBOOT_MB_ARG_OFF + 16), 9, "mailbox arg2");
	is_u64(mb32(CARDBOOT_MB_STAGED_OFF), CARDBOOT_STAGED, "staged word");
	is_u64(mb32(CARDBOOT_MB_GO_OFF), CARDBOOT_GO, "GO written");
	end_run(&r);
}

static void test_verify_failure(void)
{
	struct run r;
	uint32_t go_before;

	make_ram(false);
	/* a stale GO from an earlier boot must be cleared by hold */
	ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
	go_before = mb32(CARDBOOT_MB_GO_OFF);
	run_load(&r, "fault.corrupt-at", "0x80011004", false);
	is_int(r.rc, CL_E_VERIFY, "a corrupted byte fails verification");
	ok(strstr(cl_errmsg(ctx), "0x80011004") != NULL,
	   "the message names the first differing address");
	ok(go_before == CARDBOOT_GO && mb32(CARDBOOT_MB_GO_OFF) == CARDBOOT_HOLD,
	   "GO is cleared at hold and never written after a mismatch");
	ok(mb32(CARDBOOT_MB_STAGED_OFF) != CARDBOOT_STAGED,
	   "nothing staged after a mismatch");
	ok(!r.res.released && !r.res.verified, "result says not released");
	end_run(&r);
}

static void test_no_start_then_start(void)
{
	struct cl_tp *tp = NULL;
	struct cl_param p = { "mem.path", ram_path };
	struct cl_card_status st;
	struct run r;
	int rc;

	make_ram(false);
	rc = cl_open(ctx, &board, &p, 1, &tp);
	is_int(cl_start(ctx, &board, tp), CL_E_STATE,
	       "start with nothing staged is a state error");
	cl_close(tp);
	run_load(&r, NULL, NULL, true);
	ok(!r.rc && r.res.staged && !r.res.released, "--no-start: staged only");
	is_u64(mb32(CARDBOOT_MB_GO_OFF), CARDBOOT_HOLD, "--no-start: no GO");
	end_run(&r);
	rc = cl_open(ctx, &board, &p, 1, &tp);
	if (!rc)
		rc = cl_start(ctx, &board, tp);
	is_int(rc, 0, "start releases the staged image");
	is_u64(mb32(CARDBOOT_MB_GO_OFF), CARDBOOT_GO, "start wrote GO");
	rc = cl_status(ctx, &board, tp, &st);
	ok(!rc && st.mailbox && st.go == CARDBOOT_GO &&
	   st.entry == RAM + 0x10010 && st.argmask == 5 && st.arg[2] == 9,
	   "status reads the mailbox back");
	cl_close(tp);
}

/* A boot that would release a card whose ROM never announced READY is
 * refused before anything is written; one that only stages goes ahead. */
static void test_not_ready(void)
{
	static const struct {
		const char *name;
		uint32_t magic, version, ready;
		const char *msg;
	} c[] = {
		{ "mailbox never written", 0, 0, 0, "(magic unset)" },
		{ "magic but no READY", CARDBOOT_MB_MAGIC, CARDBOOT_MB_VERSION,
		  0, "(ready word unset)" },
		{ "READY but a stale magic", 0x12345678, CARDBOOT_MB_VERSION,
		  CARDBOOT_READY, "(magic 0x12345678, not cardboot's" },
		{ "READY from a version 2 ROM", CARDBOOT_MB_MAGIC, 2,
		  CARDBOOT_READY, "(version 2, not 1)" },
		{ "ready word garbage", CARDBOOT_MB_MAGIC, CARDBOOT_MB_VERSION,
		  0x1, "(ready word 0x00000001, not READY)" },
	};
	unsigned i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct run r;
		uint32_t before;

		cardram_new();
		ram_put_le(MB + CARDBOOT_MB_MAGIC_OFF, 4, c[i].magic);
		ram_put_le(MB + CARDBOOT_MB_VERSION_OFF, 4, c[i].version);
		ram_put_le(MB + CARDBOOT_MB_READY_OFF, 4, c[i].ready);
		before = ram_crc();
		run_load(&r, NULL, NULL, false);
		is_int(r.rc, CL_E_STATE, "%s: a releasing load is a state "
		       "error", c[i].name);
		ok(msg_has(cl_errmsg(ctx), "has not announced READY") &&
		   msg_has(cl_errmsg(ctx), "0x803ff000") &&
		   msg_has(cl_errmsg(ctx), c[i].msg),
		   "%s: the message names the mailbox and what is missing",
		   c[i].name);
		if (i == 0)
			diag("%s", cl_errmsg(ctx));
		ok(ram_crc() == before && !r.res.staged && !r.res.released,
		   "%s: nothing written", c[i].name);
		end_run(&r);
		run_load(&r, NULL, NULL, true);
		ok(!r.rc && r.res.staged && !r.res.released &&
		   mb32(CARDBOOT_MB_GO_OFF) == CARDBOOT_HOLD,
		   "%s: a load that does not release still works", c[i].name);
		end_run(&r);
	}
}

static int start_on(const struct cl_board *b)
{
	struct cl_param p = { "mem.path", ram_path };
	struct cl_tp *tp = NULL;
	int rc = cl_open(ctx, b, &p, 1, &tp);

	if (!rc)
		rc = cl_start(ctx, b, tp);
	cl_close(tp);
	return rc;
}

/* start checks the staged mailbox before it writes anything. */
static void test_start_checks(void)
{
	struct cl_board res2 = board, nores = board, con = board, saved = board;
	static const struct {
		const char *name;
		int board; /* 0 board, 1 res2, 2 nores, 3 con */
		struct { unsigned off, width; uint64_t v; } set[3];
		int want;
		const char *msg;
	} c[] = {
		{ "magic not cardboot's", 0,
		  { { CARDBOOT_MB_MAGIC_OFF, 4, 0x12345678 } }, CL_E_STATE,
		  "magic 0x12345678, version 1" },
		{ "version 2", 0, { { CARDBOOT_MB_VERSION_OFF, 4, 2 } },
		  CL_E_STATE, "not cardboot's" },
		{ "GO already set", 0,
		  { { CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO } }, CL_E_STATE,
		  "released already" },
		{ "go word garbage", 0, { { CARDBOOT_MB_GO_OFF, 4, 0x1 } },
		  CL_E_STATE, "not held" },
		{ "nothing staged", 0, { { CARDBOOT_MB_STAGED_OFF, 4, 0 } },
		  CL_E_STATE, "no image is staged" },
		{ "argmask all ones", 0,
		  { { CARDBOOT_MB_ARGMASK_OFF, 4, 0xffffffff } }, CL_E_STATE,
		  "argmask 0xffffffff" },
		{ "argmask bit 4", 0, { { CARDBOOT_MB_ARGMASK_OFF, 4, 0x15 } },
		  CL_E_STATE, "beyond the 4 arguments" },
		{ "entry outside RAM", 0,
		  { { CARDBOOT_MB_ENTRY_OFF, 8, 0x1000 } }, CL_E_STATE,
		  "entry 0x1000 is outside every RAM window" },
		{ "entry just past RAM", 0,
		  { { CARDBOOT_MB_ENTRY_OFF, 8, RAM + RAM_SIZE } }, CL_E_STATE,
		  "outside every RAM window" },
		{ "entry inside the mailbox", 0,
		  { { CARDBOOT_MB_ENTRY_OFF, 8, MB + 0x20 } }, CL_E_STATE,
		  "inside reserved 'mailbox' [0x803ff000, 0x80400000)" },
		{ "entry inside another reserved range", 1,
		  { { CARDBOOT_MB_ENTRY_OFF, 8, RAM + 0x200ffc } }, CL_E_STATE,
		  "inside reserved 'rom-data'" },
		{ "entry inside an unreserved mailbox", 2,
		  { { CARDBOOT_MB_ENTRY_OFF, 8, MB + 0x5c } }, CL_E_STATE,
		  "inside the mailbox" },
		{ "entry inside the console ring", 3,
		  { { CARDBOOT_MB_ENTRY_OFF, 8, RAM + 0x300000 } }, CL_E_STATE,
		  "inside the console ring" },
		{ "ROM never announced", 0,
		  { { CARDBOOT_MB_MAGIC_OFF, 4, 0 },
		    { CARDBOOT_MB_VERSION_OFF, 4, 0 },
		    { CARDBOOT_MB_READY_OFF, 4, 0 } }, CL_E_STATE,
		  "has not announced READY in the mailbox at 0x803ff000 "
		  "(magic unset)" },
		{ "ROM not READY", 0, { { CARDBOOT_MB_READY_OFF, 4, 0 } },
		  CL_E_STATE, "(ready word unset)" },
	};
	const struct cl_board *boards[] = { &board, &res2, &nores, &con };
	unsigned i, k;
	int rc;

	res2.res[res2.nres++] = (struct cl_reserved){ "rom-data",
						      RAM + 0x200000, 0x1000 };
	nores.nres = 0;
	con.nres = 0;
	con.has_console = true;
	con.console = RAM + 0x300000;
	con.console_size = 0x1000;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct run r;
		uint32_t before;

		make_ram(false);
		board = *boards[c[i].board];
		run_load(&r, NULL, NULL, true);
		end_run(&r);
		board = saved;
		if (!ok(!r.rc, "%s: staged first", c[i].name))
			continue;
		for (k = 0; k < 3 && c[i].set[k].width; k++)
			ram_put_le(MB + c[i].set[k].off, c[i].set[k].width,
				   c[i].set[k].v);
		before = ram_crc();
		rc = start_on(boards[c[i].board]);
		if (!ok(rc == c[i].want && msg_has(cl_errmsg(ctx), c[i].msg),
			"%s: start refuses with %s naming it", c[i].name,
			cl_errname(c[i].want)))
			diag("got %s: %s", cl_errname(rc), cl_errmsg(ctx));
		ok(ram_crc() == before, "%s: card RAM unchanged", c[i].name);
	}
	make_ram(false);
	{
		struct run r;

		run_load(&r, NULL, NULL, true);
		end_run(&r);
	}
	rc = start_on(&board);
	ok(!rc && mb32(CARDBOOT_MB_GO_OFF) == CARDBOOT_GO,
	   "untouched, the same staging starts");
	rc = start_on(&board);
	ok(rc == CL_E_STATE && msg_has(cl_errmsg(ctx), "released already"),
	   "a second start is refused: released already");
}

int main(void)
{
	ctx = cl_ctx_new();
	cardram_board(&board, "t", MB, 0x1000);
	test_good(false);
	test_good(true);
	test_verify_failure();
	test_no_start_then_start();
	test_not_ready();
	test_start_checks();
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
