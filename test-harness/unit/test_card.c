/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_card.c - the card without an image, over the mem transport: hold,
 * memory read and written by address, the console ring followed, and what
 * a wait that times out says */
#include <string.h>
#include <zlib.h>
#include "cardboot.h"
#include "cardram.h"
#include "internal.h"
#include "tap.h"

#define MB (RAM + RAM_SIZE - 0x1000)
#define CON (RAM + 0x3fe000)    /* console ring, not in a reserved range */
#define CON_DATA (0x100 - CARDBOOT_CONSOLE_DATA_OFF)
#define ROMDATA (RAM + 0x200000) /* reserved 'rom-data', 4 KiB */

static struct cl_ctx *ctx;
static struct cl_board board;

static const char *msg(void)
{
	return cl_errmsg(ctx);
}

static uint32_t ram_crc(void)
{
	return (uint32_t)crc32(0, ram, RAM_SIZE);
}

static uint32_t mb32(unsigned off)
{
	return (uint32_t)ram_le(MB + off, 4);
}

/* A card whose ROM spins on the mailbox, RAM below it holding a pattern. */
static void make_card(void)
{
	unsigned i;

	cardram_new();
	for (i = 0; i < RAM_SIZE - 0x2000; i++)
		ram[i] = (uint8_t)(i * 7 + 3);
	cardram_rom_ready(MB, 0, 0);
}

static struct cl_tp *open_card(const struct cl_board *b, const char *fk,
			       const char *fv)
{
	struct cl_param p[2] = { { "mem.path", ram_path }, { fk, fv } };
	struct cl_tp *tp = NULL;

	if (cl_open(ctx, b, p, fk ? 2 : 1, &tp))
		diag("cl_open: %s", msg());
	return tp;
}

static void test_hold(void)
{
	struct cl_board none = board;
	struct cl_tp *tp;
	uint32_t before;
	int rc;

	make_card();
	ram_put_le(MB + CARDBOOT_MB_ENTRY_OFF, 8, RAM + 0x10);
	ram_put_le(MB + CARDBOOT_MB_STAGED_OFF, 4, CARDBOOT_STAGED);
	ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
	ram_put_le(MB + CARDBOOT_MB_STATUS_OFF, 4, CARDBOOT_STATUS_DONE(1));
	ram_put_le(CON + CARDBOOT_CONSOLE_HEAD_OFF, 4, 77);
	tp = open_card(&board, NULL, NULL);
	rc = tp ? cl_hold(ctx, &board, tp) : -1;
	cl_close(tp);
	is_int(rc, 0, "hold: succeeds");
	ok(mb32(CARDBOOT_MB_STAGED_OFF) == 0 &&
	   mb32(CARDBOOT_MB_GO_OFF) == CARDBOOT_HOLD &&
	   mb32(CARDBOOT_MB_STATUS_OFF) == CARDBOOT_STATUS_NONE,
	   "hold: nothing staged, GO withdrawn, status cleared");
	ok(ram_le(CON, 4) == CARDBOOT_CONSOLE_MAGIC &&
	   ram_le(CON + CARDBOOT_CONSOLE_SIZE_OFF, 4) == CON_DATA &&
	   ram_le(CON + CARDBOOT_CONSOLE_HEAD_OFF, 4) == 0,
	   "hold: the console ring starts afresh");
	ok(mb32(CARDBOOT_MB_READY_OFF) == CARDBOOT_READY &&
	   ram_le(MB + CARDBOOT_MB_ENTRY_OFF, 8) == RAM + 0x10 &&
	   ram[0x1234] == (uint8_t)(0x1234 * 7 + 3),
	   "hold: the ROM's words, the old entry and RAM are left alone");

	/* the transport's hold fails: nothing written after it */
	make_card();
	ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
	before = ram_crc();
	tp = open_card(&board, "fault.fail", "hold:1");
	rc = tp ? cl_hold(ctx, &board, tp) : -1;
	cl_close(tp);
	ok(rc == CL_E_IO && ram_crc() == before,
	   "hold: a failing transport hold stops there, nothing written");
	/* a mailbox word that does not land */
	tp = open_card(&board, "fault.corrupt-write", "1");
	rc = tp ? cl_hold(ctx, &board, tp) : -1;
	cl_close(tp);
	ok(rc == CL_E_VERIFY && msg_has(msg(), "staged word"),
	   "hold: a mailbox word that reads back wrong is CL_E_VERIFY (%s)",
	   msg());

	/* a board that releases by nothing: no mailbox words written */
	make_card();
	ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
	none.release = CL_RELEASE_NONE;
	none.has_console = false;
	before = ram_crc();
	tp = open_card(&none, NULL, NULL);
	rc = tp ? cl_hold(ctx, &none, tp) : -1;
	cl_close(tp);
	ok(rc == 0 && ram_crc() == before,
	   "hold: release = none, no console: nothing to write");
}

static void test_read(void)
{
	struct cl_tp *tp;
	uint8_t buf[0x200];
	int rc;

	make_card();
	tp = open_card(&board, NULL, NULL);
	if (!tp)
		return;
	rc = cl_card_read(ctx, &board, tp, RAM + 0x1000, buf, sizeof(buf));
	ok(!rc && !memcmp(buf, ram + 0x1000, sizeof(buf)),
	   "read: the card's bytes");
	rc = cl_card_read(ctx, &board, tp, RAM + RAM_SIZE - 0x100, buf,
			  sizeof(buf));
	ok(rc == CL_E_PLACE && msg_has(msg(), "read [0x803fff00, 0x80400100) "
				       "is not inside one RAM window of board "
				       "'card'"),
	   "read: past the window's end is CL_E_PLACE naming the range");
	rc = cl_card_read(ctx, &board, tp, 0x1000, buf, 16);
	ok(rc == CL_E_PLACE && msg_has(msg(), "[0x1000, 0x1010)"),
	   "read: below every window is CL_E_PLACE");
	rc = cl_card_read(ctx, &board, tp, UINT64_MAX - 3, buf, 16);
	ok(rc == CL_E_PLACE && msg_has(msg(), "wraps"),
	   "read: a range that wraps is CL_E_PLACE");
	rc = cl_card_read(ctx, &board, tp, RAM, buf, 0);
	is_int(rc, CL_E_USAGE, "read: 0 bytes is a usage error");
	rc = cl_card_read(ctx, &board, tp, MB, buf, CARDBOOT_MB_SIZE);
	ok(!rc && !memcmp(buf, ram + (MB - RAM), CARDBOOT_MB_SIZE),
	   "read: reserved ranges read freely (the mailbox)");
	cl_close(tp);
}

static void test_write_check(void)
{
	static const struct {
		const char *name;
		uint64_t addr, len;
		unsigned flags;
		int want;
		const char *msg;
	} c[] = {
		{ "free RAM", RAM + 0x100000, 0x1000, 0, 0, NULL },
		{ "up to the reserved range", ROMDATA - 0x1000, 0x1000, 0, 0,
		  NULL },
		{ "its last byte over a reserved range", ROMDATA - 0xfff,
		  0x1000, 0, CL_E_PLACE, "write [0x801ff001, 0x80200001) "
		  "overlaps reserved 'rom-data' [0x80200000, 0x80201000)" },
		{ "over the mailbox's reserved range", MB + 0x20, 8, 0,
		  CL_E_PLACE, "reserved 'mailbox'" },
		{ "over the console ring", CON + 0x80, 0x100, 0, CL_E_PLACE,
		  "overlaps the console ring [0x803fe000, 0x803fe100)" },
		{ "--force over a reserved range", ROMDATA, 0x1000,
		  CL_WRITE_FORCE, 0, NULL },
		{ "--force over the mailbox", MB, CARDBOOT_MB_SIZE,
		  CL_WRITE_FORCE, 0, NULL },
		{ "--force outside every window", RAM - 0x10, 0x20,
		  CL_WRITE_FORCE, CL_E_PLACE, "not inside one RAM window" },
		{ "wrapping", UINT64_MAX - 0xf, 0x20, 0, CL_E_PLACE, "wraps" },
		{ "0 bytes", RAM, 0, 0, CL_E_USAGE, "0 bytes" },
		{ "unknown flag", RAM, 4, 0x80, CL_E_USAGE, "flags 0x80" },
	};
	struct cl_board nores = board, alias = board;
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rc = cl_card_write_check(ctx, &board, c[i].addr, c[i].len,
					 c[i].flags);
		if (!ok(rc == c[i].want && (!c[i].msg || msg_has(msg(),
								   c[i].msg)),
			"write check: %s: %s", c[i].name,
			c[i].want ? cl_errname(c[i].want) : "fine"))
			diag("got %s: %s", cl_errname(rc), msg());
	}
	nores.nres = 0;
	rc = cl_card_write_check(ctx, &nores, MB + 0x50, 4, 0);
	ok(rc == CL_E_PLACE && msg_has(msg(), "overlaps the mailbox "
				       "[0x803ff000, 0x803ff060)"),
	   "write check: the mailbox, reserved or not");
	rc = cl_card_write_check(ctx, &nores, MB + CARDBOOT_MB_SIZE, 4, 0);
	is_int(rc, 0, "write check: just past an unreserved mailbox is fine");
	/* a second window mapping the same bytes as the reserved range */
	alias.nwin = 2;
	alias.win[1] = (struct cl_window){ .name = "alias", .addr = 0x90000000,
					   .size = 0x100000,
					   .offset = ROMDATA - RAM - 0x80000,
					   .bar = -1 };
	rc = cl_card_write_check(ctx, &alias, 0x90080000, 0x10, 0);
	ok(rc == CL_E_PLACE && msg_has(msg(), "reserved 'rom-data'"),
	   "write check: a reserved range reached through an aliased window");
	rc = cl_card_write_check(ctx, &alias, 0x90000000, 0x1000, 0);
	is_int(rc, 0, "write check: the alias's other bytes are fine");
}

static void test_write(void)
{
	uint8_t data[0x3000];
	struct cl_tp *tp;
	uint32_t before;
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0xa5);
	make_card();
	ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
	tp = open_card(&board, NULL, NULL);
	rc = tp ? cl_card_write(ctx, &board, tp, RAM + 0x100001, data,
				sizeof(data), 0) : -1;
	cl_close(tp);
	ok(!rc && !memcmp(ram + 0x100001, data, sizeof(data)) &&
	   ram[0x100000] == (uint8_t)(0x100000 * 7 + 3) &&
	   ram[0x103001] == (uint8_t)(0x103001 * 7 + 3),
	   "write: the bytes land, nothing around them changes");
	is_u64(mb32(CARDBOOT_MB_GO_OFF), CARDBOOT_HOLD,
	       "write: the card was held first");

	make_card();
	ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
	tp = open_card(&board, NULL, NULL);
	rc = tp ? cl_card_write(ctx, &board, tp, RAM + 0x100000, data, 16,
				CL_WRITE_NO_HOLD) : -1;
	cl_close(tp);
	ok(!rc && !memcmp(ram + 0x100000, data, 16) &&
	   mb32(CARDBOOT_MB_GO_OFF) == CARDBOOT_GO,
	   "write --no-hold: written, the card not held");

	/* refused before anything is touched, hold included */
	make_card();
	ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
	before = ram_crc();
	tp = open_card(&board, NULL, NULL);
	rc = tp ? cl_card_write(ctx, &board, tp, ROMDATA + 0x800, data, 16,
				0) : -1;
	ok(rc == CL_E_PLACE && ram_crc() == before,
	   "write over a reserved range: CL_E_PLACE, nothing written, not "
	   "even the hold");
	rc = tp ? cl_card_write(ctx, &board, tp, RAM + RAM_SIZE - 8, data, 16,
				0) : -1;
	ok(rc == CL_E_PLACE && ram_crc() == before,
	   "write past the window: CL_E_PLACE, nothing written");
	rc = tp ? cl_card_write(ctx, &board, tp, ROMDATA + 0x800, data, 16,
				CL_WRITE_FORCE) : -1;
	ok(!rc && !memcmp(ram + (ROMDATA - RAM) + 0x800, data, 16),
	   "write --force over a reserved range: written");
	cl_close(tp);

	/* a byte that does not land: the first differing address */
	make_card();
	tp = open_card(&board, "fault.corrupt-at", "0x80100123");
	rc = tp ? cl_card_write(ctx, &board, tp, RAM + 0x100100, data, 0x100,
				CL_WRITE_NO_HOLD) : -1;
	cl_close(tp);
	ok(rc == CL_E_VERIFY && msg_has(msg(), "first difference at "
				       "0x80100123"),
	   "write: a read-back mismatch is CL_E_VERIFY at the first differing "
	   "address (%s)", msg());
}

/* What a payload does: byte at data[head % size], then head + 1. */
static void con_put(const char *s, size_t n)
{
	uint32_t head = (uint32_t)ram_le(CON + CARDBOOT_CONSOLE_HEAD_OFF, 4);

	while (n--) {
		ram[CON - RAM + CARDBOOT_CONSOLE_DATA_OFF + head % CON_DATA] =
			(uint8_t)*s++;
		head++;
	}
	ram_put_le(CON + CARDBOOT_CONSOLE_HEAD_OFF, 4, head);
}

static void test_follow(void)
{
	uint64_t cursor = UINT64_MAX, lost = 99;
	char big[600], *text = NULL;
	struct cl_board nocon = board;
	struct cl_tp *tp;
	size_t len = 99;
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	make_card();
	tp = open_card(&board, NULL, NULL);
	if (!tp)
		return;
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(rc == CL_E_STATE && msg_has(msg(), "no console ring at 0x803fe000"),
	   "follow: a ring no load initialised is CL_E_STATE");
	nocon.has_console = false;
	rc = cl_console_follow(ctx, &nocon, tp, &cursor, &text, &len, &lost);
	is_int(rc, CL_E_USAGE, "follow: a board without a ring");

	cl_hold(ctx, &board, tp);
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(!rc && len == 0 && text && !*text && cursor == 0 && !lost,
	   "follow: an empty ring, cursor at 0");
	free(text);
	con_put("hello ", 6);
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(!rc && len == 6 && !strcmp(text, "hello ") && cursor == 6 && !lost,
	   "follow: what was written since");
	free(text);
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(!rc && len == 0 && cursor == 6, "follow: nothing new, nothing");
	free(text);
	con_put("world", 5);
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(!rc && len == 5 && !strcmp(text, "world") && cursor == 11,
	   "follow: only the new bytes");
	free(text);
	con_put(big, 300);
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(!rc && len == CON_DATA && lost == 300 - CON_DATA &&
	   !memcmp(text, big + 300 - CON_DATA, CON_DATA) && cursor == 311,
	   "follow: more than the ring holds: its last %u bytes, %u lost",
	   CON_DATA, 300 - CON_DATA);
	free(text);

	/* a new load re-initialises the ring under the follower */
	cl_hold(ctx, &board, tp);
	con_put("again", 5);
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(!rc && len == 5 && !strcmp(text, "again") && cursor == 5 && !lost,
	   "follow: a ring restarted by a load is read from its start");
	free(text);

	/* the head count wraps past 2^32 */
	ram_put_le(CON + CARDBOOT_CONSOLE_HEAD_OFF, 4, 0xfffffffcu);
	cursor = 0xfffffffcu;
	con_put("wrap-around", 11);
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	if (!ok(!rc && len == 11 && !strcmp(text, "wrap-around") &&
		cursor == 7, "follow: across the 32-bit wrap of the head "
		"count"))
		diag("rc %d len %zu cursor 0x%" PRIx64 " lost %" PRIu64 " '%s'",
		     rc, len, cursor, lost, text ? text : "");
	free(text);

	/* the first call, on a ring that went round: cl_console_read's view */
	cl_hold(ctx, &board, tp);
	con_put(big, 500);
	cursor = UINT64_MAX;
	rc = cl_console_follow(ctx, &board, tp, &cursor, &text, &len, &lost);
	ok(!rc && len == CON_DATA && lost == 500 - CON_DATA &&
	   !memcmp(text, big + 500 - CON_DATA, CON_DATA) && cursor == 500,
	   "follow from UINT64_MAX: everything the ring holds");
	free(text);
	rc = cl_console_read(ctx, &board, tp, &text, &len, &lost);
	ok(!rc && len == CON_DATA && lost == 500 - CON_DATA &&
	   !memcmp(text, big + 500 - CON_DATA, CON_DATA) && !text[len],
	   "console read: the same, NUL-terminated");
	free(text);
	cl_close(tp);
}

static void test_wait(void)
{
	static const struct {
		const char *name;
		int off; /* -1: nothing, -2: console output */
		uint32_t v;
		int want;
		const char *msg;
	} c[] = {
		{ "released, nothing since", -1, 0, CL_E_TIMEOUT,
		  "no sign that the card started: GO is set, but there is no "
		  "status and nothing on the console ring" },
		{ "ROM never announced", CARDBOOT_MB_MAGIC_OFF, 0, CL_E_TIMEOUT,
		  "the card did not start: its ROM has not announced READY in "
		  "the mailbox at 0x803ff000 (magic unset)" },
		{ "GO withdrawn", CARDBOOT_MB_GO_OFF, CARDBOOT_HOLD,
		  CL_E_TIMEOUT, "not released: the go word is 0x00000000" },
		{ "payload RUNNING", CARDBOOT_MB_STATUS_OFF,
		  CARDBOOT_STATUS_RUNNING, CL_E_TIMEOUT, "posted RUNNING" },
		{ "payload DONE", CARDBOOT_MB_STATUS_OFF,
		  CARDBOOT_STATUS_DONE(3), 0, NULL },
		{ "payload FAIL", CARDBOOT_MB_STATUS_OFF,
		  CARDBOOT_STATUS_FAIL(7), CL_E_CARD, "(code 7)" },
		{ "console output, no status", -2, 0, CL_E_TIMEOUT,
		  "the payload ran (3 bytes on its console ring) but posted no "
		  "status" },
	};
	struct cl_tp *tp;
	uint32_t status;
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		make_card();
		tp = open_card(&board, NULL, NULL);
		if (!tp)
			return;
		cl_hold(ctx, &board, tp);
		ram_put_le(MB + CARDBOOT_MB_GO_OFF, 4, CARDBOOT_GO);
		if (c[i].off == -2)
			con_put("hi\n", 3);
		else if (c[i].off >= 0)
			ram_put_le(MB + (unsigned)c[i].off, 4, c[i].v);
		rc = cl_wait(ctx, &board, tp, 20, &status);
		cl_close(tp);
		if (!ok(rc == c[i].want && (!c[i].msg || msg_has(msg(),
								   c[i].msg)),
			"wait: %s: %s", c[i].name,
			c[i].want ? cl_errname(c[i].want) : "done"))
			diag("got %s: %s", cl_errname(rc), msg());
		if (i == 0)
			diag("%s", msg());
	}
}

int main(void)
{
	ctx = cl_ctx_new();
	cardram_board(&board, "card", MB, 0x1000);
	board.res[board.nres++] = (struct cl_reserved){ "rom-data", ROMDATA,
							0x1000 };
	board.has_console = true;
	board.console = CON;
	board.console_size = 0x100;
	test_hold();
	test_read();
	test_write_check();
	test_write();
	test_follow();
	test_wait();
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
