/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_board.c - unit tests of board files, their finder and machine names */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "internal.h"

/* The smallest valid board, and a RAM window to go with it. */
#define HEAD "name = t\ntransport = mem\nrelease = none\n"
#define RAM "ram = 0x80000000 128M\n"
#define MB_OK "reserved = mailbox 0x87c00000 4K\nmailbox = 0x87c00000\n"

struct bad_case {
	const char *what;
	const char *text;
	size_t len;              /* 0: strlen(text) */
	int err;                 /* 0: CL_E_BOARD */
	const char *msg[2];      /* substrings the message must hold */
};

static const struct bad_case bad[] = {
	{ "unknown key", HEAD RAM "foo = 1\n", 0, 0,
	  { "'t.board' line 5: unknown key 'foo'" } },
	{ "duplicate scalar key", HEAD "name = u\n" RAM, 0, 0,
	  { "line 4: key 'name' given twice", "first on line 1" } },
	{ "missing name", "transport = mem\nrelease = none\n" RAM, 0, 0,
	  { "'t.board': missing required key 'name'" } },
	{ "missing transport", "name = t\nrelease = none\n" RAM, 0, 0,
	  { "missing required key 'transport'" } },
	{ "missing release", "name = t\ntransport = mem\n" RAM, 0, 0,
	  { "missing required key 'release'" } },
	{ "missing ram", HEAD, 0, 0, { "missing required key 'ram'" } },
	{ "empty file", "", 0, 0, { "missing required key 'name'" } },
	{ "line without =", HEAD RAM "ram 0 4K\n", 0, 0,
	  { "line 5: expected 'key = value'" } },
	{ "no value", HEAD RAM "description =\n", 0, 0,
	  { "line 5: key 'description' has no value" } },
	{ "bad number", HEAD "ram = 0x8000000g 4K\n", 0, 0,
	  { "line 4: bad ram address '0x8000000g'" } },
	{ "bad number: bare 0x", HEAD "ram = 0x 4K\n", 0, 0,
	  { "bad ram address '0x'" } },
	{ "bad number: sign", HEAD "ram = 0 -4K\n", 0, 0,
	  { "bad ram size '-4K'" } },
	{ "bad number: lowercase suffix", HEAD "ram = 0 4k\n", 0, 0,
	  { "bad ram size '4k'" } },
	{ "suffix overflow", HEAD "ram = 0 17179869184G\n", 0, 0,
	  { "line 4: ram size '17179869184G' does not fit in 64 bits" } },
	{ "digit overflow", HEAD "ram = 0x10000000000000000 4K\n", 0, 0,
	  { "does not fit in 64 bits" } },
	{ "size 0", HEAD "ram = 0x1000 0\n", 0, 0,
	  { "'t.board' line 4: ram size 0" } },
	{ "wrapping window", HEAD "ram = 0xfffffffffffff000 8K\n", 0, 0,
	  { "line 4: ram window 0xfffffffffffff000 size 0x2000 wraps" } },
	{ "window ending at 2^64", HEAD "ram = 0xfffffffffffff000 4K\n", 0, 0,
	  { "wraps" } },
	{ "wrapping offset", HEAD "ram = 0 4K offset=0xfffffffffffff800\n", 0,
	  0, { "line 4: ram offset 0xfffffffffffff800 size 0x1000 wraps" } },
	{ "overlapping windows",
	  HEAD RAM "ram = 0x90000000 1M offset=128M\n"
	  "ram = 0x87f00000 2M offset=129M\n", 0, 0,
	  { "line 6: ram window [0x87f00000, 0x88100000) overlaps ram0",
	    "from line 4" } },
	{ "too many windows", HEAD
	  "ram = 0x0000 4K offset=0x0000\nram = 0x1000 4K offset=0x1000\n"
	  "ram = 0x2000 4K offset=0x2000\nram = 0x3000 4K offset=0x3000\n"
	  "ram = 0x4000 4K offset=0x4000\nram = 0x5000 4K offset=0x5000\n"
	  "ram = 0x6000 4K offset=0x6000\nram = 0x7000 4K offset=0x7000\n"
	  "ram = 0x8000 4K offset=0x8000\n", 0, 0,
	  { "line 12: more than 8 ram windows" } },
	{ "unknown ram attribute", HEAD "ram = 0 4K speed=fast\n", 0, 0,
	  { "line 4: unknown ram attribute 'speed=fast'" } },
	{ "stray ram word", HEAD "ram = 0 4K 8K\n", 0, 0,
	  { "unexpected '8K'" } },
	{ "ram offset twice", HEAD "ram = 0 4K offset=0 offset=1\n", 0, 0,
	  { "ram offset given twice" } },
	{ "ram missing size", HEAD "ram = 0x80000000\n", 0, 0,
	  { "bad ram '0x80000000' (want ADDR SIZE [offset=OFF])" } },
	{ "duplicate reserved name", HEAD RAM
	  "reserved = fw 0x80000000 1M\nreserved = fw 0x81000000 1M\n", 0, 0,
	  { "line 6: reserved name 'fw' already used on line 5" } },
	{ "reserved size 0", HEAD RAM "reserved = fw 0x80000000 0\n", 0, 0,
	  { "line 5: reserved 'fw' size 0" } },
	{ "reserved wraps", HEAD RAM "reserved = io 0xffffffffffffff00 4K\n",
	  0, 0, { "reserved 'io' 0xffffffffffffff00 size 0x1000 wraps" } },
	{ "bad reserved name", HEAD RAM "reserved = a/b 0 4K\n", 0, 0,
	  { "bad reserved name 'a/b'" } },
	{ "mailbox outside reserved", HEAD RAM
	  "reserved = mailbox 0x87c00000 4K\nmailbox = 0x87c00fb0\n", 0, 0,
	  { "line 6: mailbox [0x87c00fb0, 0x87c01010) is not inside a "
	    "reserved range" } },
	{ "mailbox outside window", HEAD RAM
	  "reserved = mailbox 0x90000000 4K\nmailbox = 0x90000000\n", 0, 0,
	  { "line 6: mailbox [0x90000000, 0x90000060) is not inside a ram "
	    "window" } },
	{ "console outside reserved", HEAD RAM MB_OK
	  "console = 0x80000000 4K\n", 0, 0,
	  { "line 7: console [0x80000000, 0x80001000) is not inside a "
	    "reserved range" } },
	{ "console overlaps mailbox", HEAD RAM MB_OK
	  "console = 0x87c00000 1K\n", 0, 0,
	  { "line 7: console overlaps the mailbox" } },
	{ "console too small", HEAD RAM "console = 0x87c00000 16\n", 0, 0,
	  { "line 5: console 0x87c00000 size 0x10 must be 8-byte aligned" } },
	{ "console one word", HEAD RAM "console = 0x87c00000\n", 0, 0,
	  { "line 5: bad console '0x87c00000' (want ADDR SIZE)" } },
	{ "console twice", HEAD RAM MB_OK "reserved = con 0x87d00000 8K\n"
	  "console = 0x87d00000 4K\nconsole = 0x87d00000 4K\n", 0, 0,
	  { "line 9: key 'console' given twice (first on line 8)" } },
	{ "match on nothing", HEAD RAM "match = :\n", 0, 0,
	  { "line 5: bad match ':'" } },
	{ "match not hex", HEAD RAM "match = 1af4:xyz\n", 0, 0,
	  { "line 5: bad match '1af4:xyz'" } },
	{ "release = regs without steps", "name = t\ntransport = pci\n"
	  "release = regs\n" RAM, 0, 0,
	  { "line 3: release = regs needs start-step lines" } },
	{ "bad hold-step", HEAD RAM "hold-step = write32 6:0x0 1\n", 0, 0,
	  { "line 5: hold-step: bad register '6:0x0'" } },
	{ "bad release-step", HEAD RAM "release-step = ssh\n", 0, 0,
	  { "line 5: bad release-step 'ssh' (want qmp or none)" } },
	{ "mailbox misaligned", HEAD RAM
	  "reserved = mailbox 0x87c00000 4K\nmailbox = 0x87c00004\n", 0, 0,
	  { "line 6: mailbox 0x87c00004 is not 8-byte aligned" } },
	{ "release = mailbox without mailbox",
	  "name = t\ntransport = mem\nrelease = mailbox\n" RAM, 0, 0,
	  { "line 3: release = mailbox needs a 'mailbox' key" } },
	{ "bad release", "name = t\ntransport = mem\nrelease = reset\n" RAM,
	  0, 0, { "line 3: bad release 'reset'" } },
	{ "unknown machine", HEAD RAM "machine = z80\n", 0, 0,
	  { "line 5: unknown machine 'z80'", "riscv64, riscv32, aarch64" } },
	{ "bad endian", HEAD RAM "endian = middle\n", 0, 0,
	  { "bad endian 'middle'" } },
	{ "bad access-width", HEAD RAM "access-width = 3\n", 0, 0,
	  { "line 5: bad access-width '3' (want 1, 2, 4 or 8)" } },
	{ "bad option: no dot", HEAD RAM "option = path=/x\n", 0, 0,
	  { "line 5: bad option 'path=/x'" } },
	{ "bad option: no =", HEAD RAM "option = mem.path\n", 0, 0,
	  { "bad option 'mem.path' (want KEY=VALUE)" } },
	{ "bad option: spaced key", HEAD RAM "option = mem.path = /x\n", 0, 0,
	  { "bad option 'mem.path = /x'" } },
	{ "duplicate option", HEAD RAM "option = mem.path=/a\n"
	  "option = mem.path=/b\n", 0, 0,
	  { "line 6: option 'mem.path' already given on line 5" } },
	{ "bad name", "name = my board\ntransport = mem\n", 0, 0,
	  { "line 1: bad name 'my board'" } },
	{ "bad transport", "transport = a/b\n", 0, 0,
	  { "bad transport 'a/b'" } },
	{ "NUL byte", HEAD "ram = 0 4K\0\n", sizeof(HEAD "ram = 0 4K\0\n") - 1,
	  0, { "'t.board' line 4: NUL byte" } },
	/* issue 11 item 3: two card addresses for the same memory */
	{ "aliased windows, same offset", HEAD RAM
	  "ram = 0x90000000 1M offset=0\n", 0, 0,
	  { "'t.board' line 5: ram1 [0x90000000, 0x90100000) and ram0 "
	    "[0x80000000, 0x88000000) from line 4 map the same memory",
	    "backing offsets [0x0, 0x100000)" } },
	{ "aliased windows, default offsets", HEAD
	  "ram = 0x80000000 64K\nram = 0x90000000 64K\n", 0, 0,
	  { "line 5: ram1", "ram0 [0x80000000, 0x80010000) from line 4" } },
	{ "aliased windows, partly", HEAD RAM
	  "ram = 0x90000000 2M offset=0x7f00000\n", 0, 0,
	  { "line 5: ram1", "backing offsets [0x7f00000, 0x8000000)" } },
	{ "aliased windows, second inside the first's backing", HEAD
	  "ram = 0x90000000 1M offset=127M\n" RAM, 0, 0,
	  { "line 5: ram1 [0x80000000, 0x88000000) and ram0", "from line 4" } },
	{ "aliased windows on one BAR", HEAD
	  "ram = 0x80000000 1M bar=2\nram = 0x90000000 1M bar=2 "
	  "offset=512K\n", 0, 0,
	  { "line 5: ram1", "BAR 2 offsets [0x80000, 0x100000)" } },
	{ "aliased apertures on one BAR", HEAD
	  "ram = 0x80000000 4M bar=2 aperture=1M window-reg=0:0x10\n"
	  "ram = 0x90000000 4M bar=2 offset=512K aperture=1M "
	  "window-reg=0:0x14\n", 0, 0,
	  { "line 5: ram1", "BAR 2 offsets [0x80000, 0x100000)" } },
};

static void test_bad(struct cl_ctx *ctx, const struct bad_case *c)
{
	struct cl_board b;
	const char *m;
	size_t len = c->len ? c->len : strlen(c->text);
	int rc, want = c->err ? c->err : CL_E_BOARD;
	unsigned i;

	rc = cl_board_parse(ctx, "t.board", c->text, len, &b);
	m = cl_errmsg(ctx);
	is_int(rc, want, "%s: fails with %s", c->what, cl_errname(want));
	for (i = 0; i < 2 && c->msg[i]; i++)
		if (!ok(strstr(m, c->msg[i]) != NULL, "%s: message names '%s'",
			c->what, c->msg[i]))
			diag("message: %s", m);
	ok(b.nwin == 0 && b.name[0] == '\0', "%s: board left empty", c->what);
}

/* Bad boards too long to write out in the table. */
static void test_generated(struct cl_ctx *ctx)
{
	char *t = malloc(8192);
	struct cl_board b;
	size_t n;
	int i, rc;

	if (!t)
		abort();
	/* a line of exactly 1023 characters is fine, 1024 is not */
	n = (size_t)sprintf(t, HEAD RAM "description = ");
	memset(t + n, 'x', 1023 - strlen("description = "));
	n += 1023 - strlen("description = ");
	strcpy(t + n, "\n");
	rc = cl_board_parse(ctx, "t.board", t, strlen(t), &b);
	is_int(rc, CL_E_BOARD, "1023-character line parses, then fails on "
	       "the description length");
	ok(strstr(cl_errmsg(ctx), "line 5: description longer than 127")
	   != NULL,
	   "description longer than 127 characters is an error");
	n = (size_t)sprintf(t, HEAD RAM "# ");
	memset(t + n, 'x', 1022);
	strcpy(t + n + 1022, "\n");
	rc = cl_board_parse(ctx, "t.board", t, strlen(t), &b);
	is_int(rc, CL_E_BOARD, "overlong line fails");
	ok(strstr(cl_errmsg(ctx), "line 5: line longer than 1023 characters")
	   != NULL, "overlong line: message names the line");
	t[strlen(t) - 2] = '\0';            /* a 1023-character comment */
	rc = cl_board_parse(ctx, "t.board", t, strlen(t), &b);
	is_int(rc, 0, "1023-character comment line parses");

	n = (size_t)sprintf(t, HEAD RAM);
	for (i = 0; i <= CL_MAX_RESERVED; i++)
		n += (size_t)sprintf(t + n, "reserved = r%d 0x%x 4K\n", i,
				     i * 0x1000);
	rc = cl_board_parse(ctx, "t.board", t, n, &b);
	is_int(rc, CL_E_BOARD, "too many reserved ranges fails");
	ok(strstr(cl_errmsg(ctx), "more than 32 reserved") != NULL,
	   "too many reserved ranges: message");

	n = (size_t)sprintf(t, HEAD RAM);
	for (i = 0; i <= CL_MAX_BOARD_OPTS; i++)
		n += (size_t)sprintf(t + n, "option = mem.o%d=%d\n", i, i);
	rc = cl_board_parse(ctx, "t.board", t, n, &b);
	is_int(rc, CL_E_BOARD, "too many options fails");
	ok(strstr(cl_errmsg(ctx), "line 21: more than 16 options") != NULL,
	   "too many options: message");
	free(t);
}

static void test_valid(struct cl_ctx *ctx)
{
	static const char text[] =
		"# a card with every key\n"
		"\n"
		"name = full.card-1\n"
		"  description = a card with spaces   # and a comment\n"
		"transport=mem\n"
		"machine = aarch64\n"
		"endian = big\n"
		"ram = 0x40000000 0x1000_bad\n";
	static const char full[] =
		"name = full.card-1\n"
		"description = card#1\n"
		"transport = pcie\n"
		"machine = riscv32\n"
		"endian = big\n"
		"ram = 0x80000000 64M offset=4K\n"
		"ram = 0x10 16\n"
		"reserved = mailbox 0x80001000 0x100\n"
		"reserved = regs 0xf0000000 1G\n"
		"mailbox = 0x80001000\n"
		"access-width = 8\n"
		"release = mailbox\n"
		"option = pcie.bar=2\n"
		"option = mem.path=/dev/shm/x y\n";
	struct cl_board b;
	int rc;

	rc = cl_board_parse(ctx, "full.board", full, strlen(full), &b);
	is_int(rc, 0, "board with every key parses");
	if (rc)
		diag("message: %s", cl_errmsg(ctx));
	ok(!strcmp(b.name, "full.card-1"), "name");
	ok(!strcmp(b.description, "card#1"), "'#' inside a word is kept");
	ok(!strcmp(b.transport, "pcie"), "transport");
	ok(!strcmp(b.path, "full.board"), "path is the name given");
	is_int(b.machine, EM_RISCV, "machine");
	is_int(b.elfclass, ELFCLASS32, "elfclass");
	is_int(b.endian, ELFDATA2MSB, "endian");
	is_int(b.access_width, 8, "access-width");
	is_int(b.release, CL_RELEASE_MAILBOX, "release");
	ok(b.has_mailbox, "has mailbox");
	is_u64(b.mailbox, 0x80001000, "mailbox address");
	is_int(b.nwin, 2, "two windows");
	ok(!strcmp(b.win[0].name, "ram0") && !strcmp(b.win[1].name, "ram1"),
	   "windows named ram0, ram1");
	is_u64(b.win[0].addr, 0x80000000, "ram0 addr");
	is_u64(b.win[0].size, 64 << 20, "ram0 size (M suffix)");
	is_u64(b.win[0].offset, 4096, "ram0 offset (K suffix)");
	is_u64(b.win[1].addr, 0x10, "ram1 addr");
	is_u64(b.win[1].size, 16, "ram1 size (decimal)");
	is_u64(b.win[1].offset, 0, "ram1 offset defaults to 0");
	is_u64(cl_board_ram_total(&b), (64 << 20) + 16, "ram total");
	is_int(b.nres, 2, "two reserved ranges");
	ok(!strcmp(b.res[1].name, "regs"), "reserved name");
	is_u64(b.res[1].addr, 0xf0000000, "reserved outside ram allowed");
	is_u64(b.res[1].size, 1ull << 30, "reserved size (G suffix)");
	is_int(b.nopt, 2, "two options");
	ok(!strcmp(b.opt[1], "mem.path=/dev/shm/x y"), "option kept verbatim");

	rc = cl_board_parse(ctx, "t.board", text, strlen(text), &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "line 8: bad ram size"),
	   "comments and blank lines count in line numbers");
}

static void test_defaults_and_layout(struct cl_ctx *ctx)
{
	static const char crlf[] =
		"# whole-line comment\r\n"
		"   # indented comment\r\n"
		"\r\n"
		"\t \r\n"
		"name = t # trailing comment\r\n"
		"transport = mem\r\n"
		"machine = ppc\r\n"
		"release = none\r\n"
		"ram = 0 0x10M";            /* no final newline */
	static const char mb[] = HEAD RAM MB_OK "machine = riscv64\n";
	struct cl_board b;
	int rc;

	rc = cl_board_parse(ctx, "crlf.board", crlf, strlen(crlf), &b);
	is_int(rc, 0, "comments, blank lines, CRLF, no final newline");
	if (rc)
		diag("message: %s", cl_errmsg(ctx));
	ok(!strcmp(b.name, "t"), "trailing comment stripped from value");
	is_int(b.access_width, 4, "access-width defaults to 4");
	is_int(b.release, CL_RELEASE_NONE, "release none");
	is_int(b.endian, ELFDATA2MSB, "endian defaults to the machine's (ppc)");
	is_u64(b.win[0].size, 16 << 20, "hex with suffix");
	ok(!b.has_mailbox && b.nres == 0 && b.nopt == 0, "no optional lists");

	rc = cl_board_parse(ctx, "mb.board", mb, strlen(mb), &b);
	is_int(rc, 0, "mailbox inside a window and a reserved range");
	is_int(b.endian, ELFDATA2LSB, "riscv64 defaults to little-endian");

	rc = cl_board_parse(ctx, "min.board", HEAD RAM, strlen(HEAD RAM), &b);
	is_int(rc, 0, "minimal board parses");
	ok(b.machine == 0 && b.elfclass == 0 && b.endian == 0,
	   "no machine: any machine, class and byte order");
	rc = cl_board_parse(ctx, "n.board", HEAD RAM "\n", sizeof(HEAD RAM),
			    &b);
	is_int(rc, 0, "text need not be NUL-terminated");
}

static void test_qemu_board(struct cl_ctx *ctx)
{
	static const char path[] = "boards/qemu-virt-riscv64.board";
	struct cl_board b;
	int rc;

	rc = cl_board_load(ctx, path, &b);
	is_int(rc, 0, "%s loads", path);
	if (rc)
		diag("message: %s", cl_errmsg(ctx));
	ok(!strcmp(b.name, "qemu-virt-riscv64"), "qemu board name");
	ok(!strcmp(b.path, path), "qemu board path");
	ok(!strcmp(b.transport, "mem"), "qemu board transport");
	is_int(b.machine, EM_RISCV, "qemu board machine");
	is_int(b.elfclass, ELFCLASS64, "qemu board class");
	is_int(b.endian, ELFDATA2LSB, "qemu board endian");
	is_int(b.nwin, 1, "qemu board: one window");
	is_u64(b.win[0].addr, 0x80000000, "qemu ram0 addr");
	is_u64(b.win[0].size, 128 << 20, "qemu ram0 size");
	is_u64(b.win[0].offset, 0, "qemu ram0 offset");
	is_int(b.nres, 3, "qemu board: three reserved ranges");
	ok(!strcmp(b.res[0].name, "mailbox") && b.res[0].addr == 0x87c00000 &&
	   b.res[0].size == 4096, "qemu reserved mailbox");
	ok(!strcmp(b.res[1].name, "console") && b.res[1].addr == 0x87c01000 &&
	   b.res[1].size == 60 << 10, "qemu reserved console");
	ok(!strcmp(b.res[2].name, "platform-dtb") &&
	   b.res[2].addr == 0x87e00000 && b.res[2].size == 2 << 20,
	   "qemu reserved platform-dtb");
	ok(b.has_console && b.console == 0x87c01000 &&
	   b.console_size == 60 << 10, "qemu console ring");
	is_int(b.release_step, CL_STEP_QMP, "qemu release-step qmp");
	ok(b.has_mailbox && b.mailbox == 0x87c00000, "qemu mailbox");
	is_int(b.release, CL_RELEASE_MAILBOX, "qemu release");
	is_int(b.access_width, 4, "qemu access-width");
	ok(b.nopt == 1 && !strcmp(b.opt[0], "mem.path=/dev/shm/cardload-card0"),
	   "qemu mem.path option");
	is_int(cl_window_find(&b, 0x80000000, 0x200000, NULL), 0,
	   "qemu firmware area is in ram0");
}

static int write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fwrite(text, 1, len, f) == len ? 0 : -1;
	return fclose(f) || rc ? -1 : 0;
}

static void test_files(struct cl_ctx *ctx)
{
	char top[] = "/tmp/test_board.XXXXXX";
	char d1[64], d2[64], f[128], big[128], want[256];
	const char *dirs[3] = { d1, d2, NULL };
	const char *nodirs[1] = { NULL };
	struct cl_board b;
	char *fill;
	int rc;

	if (!ok(mkdtemp(top) != NULL, "make a temporary directory"))
		return;
	snprintf(d1, sizeof(d1), "%s/a", top);
	snprintf(d2, sizeof(d2), "%s/b", top);
	snprintf(f, sizeof(f), "%s/x.board", d2);
	snprintf(big, sizeof(big), "%s/big.board", d2);
	ok(!mkdir(d1, 0700) && !mkdir(d2, 0700) &&
	   !write_file(f, HEAD RAM, strlen(HEAD RAM)),
	   "write board files");

	rc = cl_board_find(ctx, "x", dirs, &b);
	is_int(rc, 0, "find 'x' in the second directory");
	ok(!strcmp(b.path, f), "found board records its path");

	rc = cl_board_find(ctx, "nope", dirs, &b);
	is_int(rc, CL_E_BOARD, "missing board fails");
	snprintf(want, sizeof(want), "board 'nope' not found (looked in %s, "
		 "%s)", d1, d2);
	if (!ok(!strcmp(cl_errmsg(ctx), want), "not-found message lists dirs"))
		diag("message: %s", cl_errmsg(ctx));
	rc = cl_board_find(ctx, "x", nodirs, &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "board 'x' not found"),
	   "no directories: not found");

	rc = cl_board_find(ctx, f, nodirs, &b);
	is_int(rc, 0, "name with '/' is loaded as a path");
	rc = cl_board_find(ctx, "../b/x", dirs, &b);
	ok(rc == CL_E_BOARD &&
	   strstr(cl_errmsg(ctx), "cannot open board file '../b/x'"),
	   "name with '/' is not searched in dirs");
	rc = cl_board_find(ctx, "x.board", dirs, &b);
	ok(rc == CL_E_BOARD &&
	   strstr(cl_errmsg(ctx), "cannot open board file 'x.board'"),
	   "name ending in .board is a path");
	rc = cl_board_find(ctx, "a b", dirs, &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "bad board name 'a b'"),
	   "bad board name");

	/* issue 11: a board file that is not there is a board error (exit
	 * 3), not an unreadable input (exit 4) */
	rc = cl_board_load(ctx, "/nonexistent/cardload.board", &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "cannot open board "
	   "file '/nonexistent/cardload.board': No such file"),
	   "missing board file: CL_E_BOARD naming the path");
	is_int(cl_exit_code(rc), 3, "missing board file: exit code 3");
	rc = cl_board_find(ctx, "./nope.board", dirs, &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "'./nope.board'"),
	   "--board ./nope.board: CL_E_BOARD naming the path");
	rc = cl_board_load(ctx, d1, &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), d1),
	   "a directory is not a board file: CL_E_BOARD naming it");

	fill = malloc(65537);
	if (!fill)
		abort();
	memset(fill, '\n', 65537);
	memcpy(fill, HEAD RAM, strlen(HEAD RAM));
	ok(!write_file(big, fill, 65536), "write a 64 KiB board");
	rc = cl_board_load(ctx, big, &b);
	is_int(rc, 0, "64 KiB board loads");
	ok(!write_file(big, fill, 65537), "write a 64 KiB + 1 board");
	rc = cl_board_load(ctx, big, &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "larger than 64 KiB"),
	   "board over 64 KiB fails");
	free(fill);

	unlink(big);
	unlink(f);
	rmdir(d1);
	rmdir(d2);
	rmdir(top);
}

/* Windows that do not share backing bytes are fine. */
static void test_alias_ok(struct cl_ctx *ctx)
{
	static const struct {
		const char *what, *ram;
	} fine[] = {
		{ "backing ranges end to end",
		  "ram = 0x80000000 1M\nram = 0x90000000 1M offset=1M\n" },
		{ "same offsets on two BARs",
		  "ram = 0x80000000 1M bar=2\nram = 0x90000000 1M bar=4\n" },
		{ "apertures side by side on one BAR",
		  "ram = 0x80000000 4M bar=2 aperture=1M window-reg=0:0x10\n"
		  "ram = 0x90000000 4M bar=2 offset=1M aperture=1M "
		  "window-reg=0:0x14\n" },
	};
	char text[512];
	struct cl_board b;
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		snprintf(text, sizeof(text), HEAD "%s", fine[i].ram);
		rc = cl_board_parse(ctx, "t.board", text, strlen(text), &b);
		is_int(rc, 0, "not aliased: %s", fine[i].what);
		if (rc)
			diag("message: %s", cl_errmsg(ctx));
	}
}

/* ---- board lint: every problem, not only the first ---------------------- */

struct heard {
	unsigned n;
	char msg[16][512];
};

static void on_error(void *arg, const char *msg)
{
	struct heard *h = arg;

	if (h->n < 16)
		snprintf(h->msg[h->n], sizeof(h->msg[0]), "%s", msg);
	h->n++;
}

/* msg holds want in the n-th problem heard */
static bool heard_has(const struct heard *h, unsigned n, const char *want)
{
	return n < h->n && n < 16 && strstr(h->msg[n], want);
}

static void test_lint(struct cl_ctx *ctx, const char *dir)
{
	static const char many[] =
		"name = t\n"
		"transport = mem\n"
		"colour = blue\n"                     /* 3: unknown key */
		"ram = 0x80000000 128M\n"
		"ram = 0x90000000 1M\n"               /* 5: aliased */
		"access-width = 3\n"                  /* 6: bad value */
		"reserved = mailbox 0x87c00000 4K\n"
		"mailbox = 0x87c00004\n"              /* 8: misaligned */
		"name = u\n"                          /* 9: given twice */
		"description =\n";                    /* 10: no value */
		/* and, for the whole file: no release */
	static const char *const want[] = {
		" line 3: unknown key 'colour'",
		" line 5: ram1 [0x90000000, 0x90100000) and ram0",
		" line 6: bad access-width '3'",
		" line 8: mailbox 0x87c00004 is not 8-byte aligned",
		" line 9: key 'name' given twice (first on line 1)",
		" line 10: key 'description' has no value",
		": missing required key 'release'",
	};
	static const struct {
		const char *what, *text, *want;
	} one[] = {
		{ "a bad ram line", HEAD "ram = 0x80000000 12Q\n"
		  "reserved = mailbox 0x87c00000 4K\nmailbox = 0x87c00000\n",
		  "line 4: bad ram size '12Q'" },
		{ "a bad reserved line", HEAD RAM
		  "reserved = mailbox 0x87c00000 4Q\nmailbox = 0x87c00000\n",
		  "line 5: bad reserved size '4Q'" },
		{ "a bad start-step line", "name = t\ntransport = pci\n"
		  "release = regs\n" RAM "start-step = jump 0:0\n",
		  "line 5: start-step: " },
	};
	char path[256], first[512], w[512];
	struct heard h = { 0 };
	struct cl_board b;
	unsigned i;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/many.board", dir);
	f = fopen(path, "w");
	if (!ok(f && fputs(many, f) >= 0 && !fclose(f), "write many.board"))
		return;
	rc = cl_board_lint(ctx, path, &b, on_error, &h);
	is_int(rc, CL_E_BOARD, "lint: a board with 7 problems fails");
	is_int(h.n, 7, "lint: every problem reported, once each");
	for (i = 0; i < 7; i++) {
		snprintf(w, sizeof(w), "'%s'%s", path, want[i]);
		if (!ok(heard_has(&h, i, w), "lint: problem %u,%s", i + 1,
			want[i]))
			diag("heard: %s", i < h.n ? h.msg[i] : "(nothing)");
	}
	snprintf(first, sizeof(first), "'%s'%s", path, want[0]);
	ok(strstr(cl_errmsg(ctx), first) != NULL,
	   "lint: cl_errmsg holds the first problem");
	ok(b.nwin == 0 && b.name[0] == '\0', "lint: board left empty");

	/* cl_board_load on the same file stops at the first */
	rc = cl_board_load(ctx, path, &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), first),
	   "load: the first problem only");

	/* a refused line is one problem: no 'no ram', misplaced mailbox or
	 * missing start-step after it */
	snprintf(path, sizeof(path), "%s/one.board", dir);
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		memset(&h, 0, sizeof(h));
		f = fopen(path, "w");
		if (!ok(f && fputs(one[i].text, f) >= 0 && !fclose(f),
			"write one.board"))
			return;
		rc = cl_board_lint(ctx, path, &b, on_error, &h);
		ok(rc == CL_E_BOARD && h.n == 1 &&
		   heard_has(&h, 0, one[i].want),
		   "lint: %s is one problem", one[i].what);
		if (h.n != 1 || !heard_has(&h, 0, one[i].want))
			diag("heard %u: %s / %s", h.n, h.msg[0], h.msg[1]);
	}
	unlink(path);

	/* a good file: 0, nothing heard, the board filled */
	memset(&h, 0, sizeof(h));
	rc = cl_board_lint(ctx, "boards/qemu-virt-riscv64.board", &b,
			   on_error, &h);
	ok(rc == 0 && h.n == 0 && !strcmp(b.name, "qemu-virt-riscv64"),
	   "lint: a good board passes, filled in, nothing reported");

	/* a missing file: one problem, CL_E_BOARD */
	memset(&h, 0, sizeof(h));
	snprintf(path, sizeof(path), "%s/nope.board", dir);
	rc = cl_board_lint(ctx, path, &b, on_error, &h);
	ok(rc == CL_E_BOARD && h.n == 1 && heard_has(&h, 0, path),
	   "lint: a missing file is one problem, CL_E_BOARD");
	rc = cl_board_lint(ctx, path, &b, NULL, NULL);
	is_int(rc, CL_E_BOARD, "lint: on_error may be NULL");
	snprintf(path, sizeof(path), "%s/many.board", dir);
	unlink(path);
}

/* The library never looks in the current directory by itself. */
static void test_no_cwd(struct cl_ctx *ctx, const char *dir)
{
	const char *empty[] = { "", NULL };
	char path[256], old[4096];
	struct cl_board b;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/cwd.board", dir);
	f = fopen(path, "w");
	if (!ok(f && fputs(HEAD RAM, f) >= 0 && !fclose(f) &&
		getcwd(old, sizeof(old)) && !chdir(dir),
		"a board in the current directory"))
		return;
	rc = cl_board_find(ctx, "cwd", empty, &b);
	ok(rc == CL_E_BOARD && strstr(cl_errmsg(ctx), "no board directories"),
	   "an empty board directory is not the current directory");
	if (chdir(old))
		abort();
	unlink(path);
}

static void test_ram_total(void)
{
	struct cl_board b;

	memset(&b, 0, sizeof(b));
	is_u64(cl_board_ram_total(&b), 0, "ram total of no windows");
	b.nwin = 2;
	b.win[0].size = UINT64_MAX - 1;
	b.win[1].size = 2;
	is_u64(cl_board_ram_total(&b), UINT64_MAX, "ram total saturates");
}

static void test_machines(void)
{
	static const char *const names[] = {
		"riscv64", "riscv32", "aarch64", "arm", "x86_64", "i386",
		"ppc64", "ppc", "mips",
	};
	static const struct { int em, cls; const char *name; } pairs[] = {
		{ EM_RISCV, ELFCLASS64, "riscv64" },
		{ EM_RISCV, ELFCLASS32, "riscv32" },
		{ EM_AARCH64, ELFCLASS64, "aarch64" },
		{ EM_X86_64, ELFCLASS64, "x86_64" },
		{ EM_386, ELFCLASS32, "i386" },
		{ EM_AARCH64, ELFCLASS32, "unknown" },
		{ EM_NONE, 0, "unknown" },
	};
	unsigned i;
	int em, cls;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		em = cls = -1;
		is_int(cl_machine_lookup(names[i], &em, &cls), 0,
		       "lookup '%s'", names[i]);
		ok(!strcmp(cl_machine_name(em, cls), names[i]),
		   "'%s' round-trips (%s)", names[i], cl_machine_name(em, cls));
	}
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		ok(!strcmp(cl_machine_name(pairs[i].em, pairs[i].cls),
			   pairs[i].name), "machine %d class %d is '%s'",
		   pairs[i].em, pairs[i].cls, pairs[i].name);
	is_int(cl_machine_lookup("z80", &em, &cls), -1, "lookup 'z80' fails");
	is_int(cl_machine_lookup("RISCV64", &em, &cls), -1,
	       "lookup is case-sensitive");
}

int main(void)
{
	struct cl_ctx *ctx = cl_ctx_new();
	unsigned i;

	if (!ctx)
		return 1;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		test_bad(ctx, &bad[i]);
	test_generated(ctx);
	test_valid(ctx);
	test_defaults_and_layout(ctx);
	test_qemu_board(ctx);
	test_files(ctx);
	test_alias_ok(ctx);
	{
		char top[] = "/tmp/test_board_lint.XXXXXX";

		if (ok(mkdtemp(top) != NULL, "make a temporary directory")) {
			test_lint(ctx, top);
			test_no_cwd(ctx, top);
			rmdir(top);
		}
	}
	test_ram_total();
	test_machines();
	cl_ctx_free(ctx);
	return tap_done();
}
