/* test_load.c - cl_load over the mem transport: bytes, bss, digest, verify,
 * the mailbox handshake and its failure paths */
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

/* The card's RAM file, sparse, or filled with 0xff below the mailbox. */
static void make_ram(bool fill)
{
	cardram_new();
	if (fill)
		memset(ram, 0xff, RAM_SIZE - 0x1000);
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

int main(void)
{
	ctx = cl_ctx_new();
	cardram_board(&board, "t", MB, 0x1000);
	test_good(false);
	test_good(true);
	test_verify_failure();
	test_no_start_then_start();
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
