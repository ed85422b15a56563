/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_regseq.c - register sequences: cl_regstep_parse table-driven, and
 * running steps through the pci transport on a fake sysfs tree */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "elfgen.h"
#include "fakesys.h"
#include "release.h"
#include "tap.h"
#include "transport.h"

#define RAM 0x80000000u
#define MiB (1u << 20)
#define SLOT "0000:00:04.0"

static struct cl_ctx *ctx;
static char dir[FAKE_DIR_MAX];

/* 4 KiB of registers in BAR0, 1 MiB of RAM in BAR2. */
static const struct fake_bar card_bars[6] = {
	{ .size = 0x1000 }, { 0 }, { .size = MiB },
};

static const char *msg(void)
{
	return cl_errmsg(ctx);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- parsing ----------------------------------------------------------- */

struct parse_case {
	const char *text;
	const char *err;        /* NULL: parses to the fields below */
	enum cl_regop op;
	unsigned width, argn;
	int bar;
	uint64_t off, value, mask, want;
	unsigned timeout_ms;
};

#define GOOD(t, o, w, n, b, f, v, m, wa, ms)				\
	{ .text = t, .op = o, .width = w, .argn = n, .bar = b,		\
	  .off = f, .value = v, .mask = m, .want = wa, .timeout_ms = ms }
#define BAD(t, e) { .text = t, .err = e }

static const struct parse_case parse_cases[] = {
	/* every op: text, op, width, argn, bar, off, value, mask, want, ms */
	GOOD("write8 0:0x13 0xff", CL_REG_WRITE, 1, 0, 0, 0x13, 0xff, 0, 0, 0),
	GOOD("write16 1:0x2 0xffff", CL_REG_WRITE, 2, 0, 1, 0x2, 0xffff, 0, 0,
	     0),
	GOOD("write32 0:0x10 0x1", CL_REG_WRITE, 4, 0, 0, 0x10, 1, 0, 0, 0),
	GOOD("write64 5:0x8 0xffffffffffffffff", CL_REG_WRITE, 8, 0, 5, 8,
	     UINT64_MAX, 0, 0, 0),
	GOOD("write32\t0:16\t7", CL_REG_WRITE, 4, 0, 0, 16, 7, 0, 0, 0),
	GOOD("write32 0:4K 1K", CL_REG_WRITE, 4, 0, 0, 4096, 1024, 0, 0, 0),
	GOOD("entry32 0:0x20", CL_REG_ENTRY, 4, 0, 0, 0x20, 0, 0, 0, 0),
	GOOD("entry64 2:0x28", CL_REG_ENTRY, 8, 0, 2, 0x28, 0, 0, 0, 0),
	GOOD("entry-hi32 0:0x24", CL_REG_ENTRY_HI, 4, 0, 0, 0x24, 0, 0, 0, 0),
	GOOD("arg32 1 0:0x30", CL_REG_ARG, 4, 1, 0, 0x30, 0, 0, 0, 0),
	GOOD("arg64 3 0:0x38", CL_REG_ARG, 8, 3, 0, 0x38, 0, 0, 0, 0),
	GOOD("poll8 0:0x3 0x81 0x1 100", CL_REG_POLL, 1, 0, 0, 3, 0, 0x81, 1,
	     100),
	GOOD("poll16 0:0x6 0xffff 0 1", CL_REG_POLL, 2, 0, 0, 6, 0, 0xffff, 0,
	     1),
	GOOD("poll32 0:0x4 0x80000000 0x80000000 600000", CL_REG_POLL, 4, 0, 0,
	     4, 0, 0x80000000, 0x80000000, 600000),
	GOOD("poll64 3:0x10 0xffffffffffffffff 0x5 0", CL_REG_POLL, 8, 0, 3,
	     0x10, 0, UINT64_MAX, 5, 0),
	GOOD("delay 10", CL_REG_DELAY, 0, 0, -1, 0, 0, 0, 0, 10),
	GOOD("delay 0", CL_REG_DELAY, 0, 0, -1, 0, 0, 0, 0, 0),

	/* unknown ops */
	BAD("frob 0:0 1", "unknown step 'frob'"),
	BAD("write 0:0 1", "unknown step 'write'"),
	BAD("write12 0:0 1", "unknown step 'write12'"),
	BAD("poll 0:0 1 1 1", "unknown step 'poll'"),
	BAD("entry 0:0", "unknown step 'entry'"),
	BAD("Write32 0:0 1", "unknown step 'Write32'"),
	BAD("", "bad step ''"),
	BAD("   ", "bad step"),
	BAD("write32 0:0 1 2 3 4 5 6", "bad step"),

	/* wrong word counts */
	BAD("write32 0:0x10", "step 'write32' takes 2 words, got 1"),
	BAD("write32 0:0x10 1 2", "step 'write32' takes 2 words, got 3"),
	BAD("entry32 0:0x20 5", "step 'entry32' takes 1 words, got 2"),
	BAD("entry-hi32", "step 'entry-hi32' takes 1 words, got 0"),
	BAD("arg32 0:0x30", "step 'arg32' takes 2 words, got 1"),
	BAD("poll32 0:0 0x1 0x1", "step 'poll32' takes 4 words, got 3"),
	BAD("delay", "step 'delay' takes 1 words, got 0"),
	BAD("delay 1 2", "step 'delay' takes 1 words, got 2"),

	/* registers */
	BAD("write32 6:0x10 1", "bad register '6:0x10'"),
	BAD("write32 0x10 1", "bad register '0x10'"),
	BAD("write32 :0x10 1", "bad register ':0x10'"),
	BAD("write32 0: 1", "bad register '0:'"),
	BAD("write32 -1:0 1", "bad register '-1:0'"),
	BAD("write32 0:zz 1", "bad register '0:zz'"),
	BAD("write32 123456789:0 1", "bad register"),
	BAD("entry64 7:0", "bad register '7:0'"),
	BAD("write16 0:0x1 1", "register 0:0x1 is not 2-byte aligned"),
	BAD("write32 0:0x11 1", "register 0:0x11 is not 4-byte aligned"),
	BAD("write64 0:0x4 1", "register 0:0x4 is not 8-byte aligned"),
	BAD("entry32 0:0x22", "not 4-byte aligned"),
	BAD("entry64 0:0x24", "not 8-byte aligned"),
	BAD("arg64 0 0:0x34", "not 8-byte aligned"),
	BAD("poll16 0:0x3 1 1 1", "not 2-byte aligned"),

	/* values */
	BAD("write8 0:0 0x100", "value wider than 1 bytes"),
	BAD("write16 0:0 0x10000", "value wider than 2 bytes"),
	BAD("write32 0:0 0x100000000", "value wider than 4 bytes"),
	BAD("write32 0:0 4G", "value wider than 4 bytes"),
	BAD("poll8 0:0 0x100 0 10", "value wider than 1 bytes"),
	BAD("poll8 0:0 0xff 0x100 10", "value wider than 1 bytes"),
	BAD("poll32 0:0 0x1 0x100000000 10", "value wider than 4 bytes"),
	BAD("write32 0:0 banana", "bad value 'banana'"),
	BAD("write32 0:0 0x", "bad value '0x'"),
	BAD("write32 0:0 -1", "bad value '-1'"),
	BAD("write64 0:0 0x1ffffffffffffffff", "bad value"),
	BAD("write64 0:0 18446744073709551616", "bad value"),
	BAD("poll32 0:0 0x1 0x1 forever", "bad poll"),
	BAD("poll32 0:0 zz 0x1 10", "bad poll"),
	BAD("poll32 0:0 0x1 zz 10", "bad poll"),
	BAD("poll32 0:0 0x1 0x1 600001", "bad poll"),
	BAD("delay soon", "bad delay 'soon'"),
	BAD("delay 600001", "bad delay '600001'"),
	BAD("arg32 4 0:0x30", "bad argument number '4' (0..3)"),
	BAD("arg64 x 0:0x30", "bad argument number 'x'"),
};

static void test_parse(void)
{
	char err[160], big[300];
	struct cl_regstep s;
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];

		err[0] = 0;
		rc = cl_regstep_parse(c->text, &s, err, sizeof(err));
		if (c->err) {
			ok(rc == -1 && strstr(err, c->err),
			   "parse '%s': refused (%s)", c->text, c->err);
			if (rc != -1 || !strstr(err, c->err))
				diag("rc %d err '%s'", rc, err);
			continue;
		}
		ok(rc == 0 && s.op == c->op && s.width == c->width &&
		   s.argn == c->argn && s.reg.bar == c->bar &&
		   s.reg.off == c->off && s.value == c->value &&
		   s.mask == c->mask && s.want == c->want &&
		   s.timeout_ms == c->timeout_ms, "parse '%s'", c->text);
		if (rc)
			diag("%s", err);
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	rc = cl_regstep_parse(big, &s, err, sizeof(err));
	ok(rc == -1 && strstr(err, "too long"), "parse: a 299-byte step is "
	   "too long");
	rc = cl_regstep_parse("write32 0:0x10 0x1", &s, err, 8);
	ok(rc == 0, "parse: a small error buffer is fine when nothing fails");
	rc = cl_regstep_parse("frob", &s, err, 8);
	ok(rc == -1 && strlen(err) == 7, "parse: errors are cut to the "
	   "buffer");
}

/* ---- running ----------------------------------------------------------- */

static void regs_board(struct cl_board *b)
{
	fake_board(b, "tregs", RAM);
}

static uint64_t reg(uint64_t off, unsigned n)
{
	return fake_le(dir, SLOT, "resource0", off, n);
}

static void set_reg(uint64_t off, unsigned n, uint64_t v)
{
	fake_put_le(dir, SLOT, "resource0", off, n, v);
}

static void clear_regs(void)
{
	static const uint8_t zero[0x1000];

	fake_write(dir, SLOT, "resource0", 0, zero, sizeof(zero));
}

/* Parse the steps (NULL-terminated) and run them. */
static int run(struct cl_tp *tp, const char *const *text, uint64_t entry,
	       const uint64_t *args)
{
	struct cl_regstep s[CL_MAX_STEPS];
	char err[160];
	unsigned n;

	for (n = 0; text[n]; n++)
		if (n == CL_MAX_STEPS ||
		    cl_regstep_parse(text[n], &s[n], err, sizeof(err))) {
			diag("step '%s': %s", text[n], err);
			return -100;
		}
	return cl_regseq_run(ctx, tp, s, n, entry, args);
}

static int run1(struct cl_tp *tp, const char *text, uint64_t entry,
		const uint64_t *args)
{
	const char *t[2] = { text, NULL };

	return run(tp, t, entry, args);
}

static void test_run(void)
{
	static const uint64_t args[4] = { 1, 2, 0x300000000ull, 4 };
	const uint64_t entry = 0x123456789abcull;
	struct cl_param p = { "pci.sysfs", dir };
	struct cl_board b;
	struct cl_tp *tp = NULL;
	struct cl_regstep s;
	double t0, dt;
	int rc;

	regs_board(&b);
	rc = cl_open(ctx, &b, &p, 1, &tp);
	is_int(rc, 0, "run: open the fake card");
	if (rc) {
		diag("%s", msg());
		return;
	}

	clear_regs();
	set_reg(0x14, 4, 0xaaaaaaaa);
	set_reg(0x0c, 4, 0xbbbbbbbb);
	rc = run1(tp, "write32 0:0x10 0x12345678", 0, NULL);
	ok(rc == 0 && reg(0x10, 4) == 0x12345678,
	   "run: write32 lands in resource0 at the offset");
	ok(reg(0x14, 4) == 0xaaaaaaaa && reg(0x0c, 4) == 0xbbbbbbbb,
	   "run: write32 touches nothing around it");
	rc = run1(tp, "write8 0:0x21 0xab", 0, NULL);
	ok(rc == 0 && reg(0x20, 4) == 0xab00, "run: write8 is one byte");
	rc = run1(tp, "write16 0:0x26 0xbeef", 0, NULL);
	ok(rc == 0 && reg(0x24, 4) == 0xbeef0000, "run: write16 is two bytes");
	rc = run1(tp, "write64 0:0x28 0x1122334455667788", 0, NULL);
	is_u64(reg(0x28, 8), 0x1122334455667788ull, "run: write64");

	set_reg(0x40, 8, UINT64_MAX);
	set_reg(0x48, 8, UINT64_MAX);
	set_reg(0x50, 8, UINT64_MAX);
	{
		static const char *const seq[] = {
			"entry64 0:0x40", "entry32 0:0x48",
			"entry-hi32 0:0x50", NULL,
		};

		rc = run(tp, seq, entry, args);
	}
	is_int(rc, 0, "run: entry steps");
	is_u64(reg(0x40, 8), entry, "run: entry64 writes all 64 bits");
	is_u64(reg(0x48, 8), 0xffffffff00000000ull | (entry & 0xffffffff),
	       "run: entry32 writes the low half, 32 bits wide");
	is_u64(reg(0x50, 8), 0xffffffff00000000ull | (entry >> 32),
	       "run: entry-hi32 writes the high half, 32 bits wide");

	set_reg(0x58, 8, UINT64_MAX);
	set_reg(0x60, 8, UINT64_MAX);
	set_reg(0x68, 8, UINT64_MAX);
	{
		static const char *const seq[] = {
			"arg64 2 0:0x58", "arg32 3 0:0x60", "arg32 2 0:0x68",
			NULL,
		};

		rc = run(tp, seq, entry, args);
	}
	ok(rc == 0 && reg(0x58, 8) == 0x300000000ull,
	   "run: arg64 writes argument 2");
	is_u64(reg(0x60, 8), 0xffffffff00000004ull, "run: arg32 writes "
	       "argument 3, 32 bits wide");
	is_u64(reg(0x68, 8), 0xffffffff00000000ull, "run: arg32 truncates a "
	       "wide argument to its width");
	rc = run1(tp, "arg64 0 0:0x58", entry, NULL);
	ok(rc == 0 && reg(0x58, 8) == 0, "run: no arguments write zero");

	/* polls */
	set_reg(0x70, 4, 0x5a);
	t0 = now_ms();
	rc = run1(tp, "poll32 0:0x70 0xff 0x5a 5000", 0, NULL);
	dt = now_ms() - t0;
	ok(rc == 0 && dt < 1000, "run: poll32 on a ready register returns at "
	   "once (%.1f ms)", dt);
	set_reg(0x74, 4, 0xf3);
	rc = run1(tp, "poll32 0:0x74 0xf0 0xf0 30", 0, NULL);
	is_int(rc, 0, "run: poll compares under the mask");
	t0 = now_ms();
	rc = run1(tp, "poll32 0:0x78 0x1 0x1 30", 0, NULL);
	dt = now_ms() - t0;
	ok(rc == CL_E_TIMEOUT && strstr(msg(), "0:0x78") &&
	   strstr(msg(), "30 ms"), "run: poll32 times out naming the "
	   "register");
	diag("%s", msg());
	ok(dt >= 30 && dt < 2000, "run: ... after its timeout (%.1f ms)", dt);
	rc = run1(tp, "poll64 0:0x78 0xffffffffffffffff 0x1 0", 0, NULL);
	is_int(rc, CL_E_TIMEOUT, "run: poll with timeout 0 reads once");
	{
		pid_t pid;
		int st = 0;

		set_reg(0x7c, 4, 0);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct timespec ts = { 0, 40 * 1000000L };

			nanosleep(&ts, NULL);
			set_reg(0x7c, 4, 0x100);
			_exit(0);
		}
		t0 = now_ms();
		rc = run1(tp, "poll32 0:0x7c 0x100 0x100 3000", 0, NULL);
		dt = now_ms() - t0;
		waitpid(pid, &st, 0);
		ok(rc == 0 && dt >= 20, "run: poll waits for the card to set "
		   "the bit (%.1f ms)", dt);
	}
	t0 = now_ms();
	rc = run1(tp, "delay 25", 0, NULL);
	dt = now_ms() - t0;
	ok(rc == 0 && dt >= 25, "run: delay 25 waits (%.1f ms)", dt);

	/* registers the card does not have */
	rc = run1(tp, "write32 0:0xffc 1", 0, NULL);
	ok(rc == 0 && reg(0xffc, 4) == 1, "run: the last word of BAR0");
	rc = run1(tp, "write32 0:0x1000 1", 0, NULL);
	ok(rc == CL_E_BOARD && strstr(msg(), "0:0x1000") &&
	   strstr(msg(), "outside BAR0") && strstr(msg(), "4096 bytes"),
	   "run: a register past the BAR is refused");
	diag("%s", msg());
	rc = run1(tp, "write64 0:0xff8 0x55", 0, NULL);
	ok(rc == 0 && reg(0xff8, 8) == 0x55, "run: the last 64-bit word of "
	   "BAR0");
	rc = run1(tp, "poll32 0:0x1000 1 1 1000", 0, NULL);
	is_int(rc, CL_E_BOARD, "run: polling past the BAR is refused, not a "
	       "timeout");
	rc = run1(tp, "write32 1:0 1", 0, NULL);
	ok(rc == CL_E_NODEV && strstr(msg(), "BAR1 is not a memory BAR"),
	   "run: a register in an unused BAR is refused");
	rc = run1(tp, "write32 2:0x100 0xcafe", 0, NULL);
	ok(rc == 0 && fake_le(dir, SLOT, "resource2", 0x100, 4) == 0xcafe,
	   "run: a register in another memory BAR");
	memset(&s, 0, sizeof(s));
	s.op = CL_REG_WRITE;
	s.width = 4;
	s.reg.bar = 6;
	rc = cl_regseq_run(ctx, tp, &s, 1, 0, NULL);
	ok(rc == CL_E_BOARD && strstr(msg(), "BAR6"),
	   "run: BAR 6 in a hand-made step is refused");
	s.reg.bar = 0;
	s.reg.off = 0xffc;
	s.width = 8;
	rc = cl_regseq_run(ctx, tp, &s, 1, 0, NULL);
	is_int(rc, CL_E_BOARD, "run: a register straddling the BAR's end is "
	       "refused");
	s.width = 4;
	s.reg.off = UINT64_MAX - 1;
	rc = cl_regseq_run(ctx, tp, &s, 1, 0, NULL);
	is_int(rc, CL_E_BOARD, "run: an offset that wraps is refused");
	s.reg.bar = -1;
	s.reg.off = 0;
	rc = cl_regseq_run(ctx, tp, &s, 1, 0, NULL);
	is_int(rc, CL_E_USAGE, "run: a step with no register is refused");
	{
		static const char *const seq[] = {
			"write32 0:0x1000 1", "write32 0:0x80 1", NULL,
		};

		set_reg(0x80, 4, 0);
		rc = run(tp, seq, 0, NULL);
		ok(rc == CL_E_BOARD && reg(0x80, 4) == 0,
		   "run: a sequence stops at its first failing step");
	}
	cl_close(tp);

	/* a transport without registers */
	{
		char path[FAKE_DIR_MAX + 64];
		struct cl_param mp = { "mem.path", path };
		struct cl_board mb = b;

		fake_path(path, sizeof(path), dir, SLOT, "resource2");
		snprintf(mb.transport, sizeof(mb.transport), "mem");
		mb.win[0].bar = -1;
		rc = cl_open(ctx, &mb, &mp, 1, &tp);
		if (!rc)
			rc = run1(tp, "write32 0:0x10 1", 0, NULL);
		ok(rc == CL_E_USAGE && strstr(msg(), "no device registers"),
		   "run: the mem transport has no registers");
		cl_close(tp);
	}
}

/* ---- release = regs: cl_load runs hold and start steps ----------------- */

static const char regs_board_text[] =
	"name = rr\n"
	"transport = pci\n"
	"release = regs\n"
	"match = 1af4:1110\n"
	"ram = 0x80000000 1M bar=2\n"
	"hold-step = write32 0:0x100 0x401d\n"
	"hold-step = poll32 0:0x104 0x1 0x0 100\n"
	"start-step = entry64 0:0x108\n"
	"start-step = entry32 0:0x110\n"
	"start-step = entry-hi32 0:0x114\n"
	"start-step = arg64 0 0:0x118\n"
	"start-step = arg32 2 0:0x120\n"
	"start-step = write32 0:0x124 0x60\n";

static uint8_t *image(size_t *len)
{
	static const struct egen_seg seg[] = {
		{ .vaddr = 0, .paddr = 0, .filesz = 0x800, .memsz = 0x1000,
		  .align = 0x1000, .flags = PF_R | PF_X, .fill = 0x11,
		  .ramp = true },
	};
	const struct egen_spec spec = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_RISCV, .type = ET_DYN, .entry = 0x10,
		.nseg = 1, .seg = seg,
	};

	return egen_build(&spec, len);
}

/* With through_fault, the fault-injecting wrapper sits in between (set to
 * a write call that never comes): register steps must pass through it. */
static int load_via(const struct cl_board *b, bool no_start,
		    struct cl_load_result *res, bool through_fault)
{
	struct cl_plan_opts po = { .has_base = true, .base = RAM + 0x10000,
				   .argmask = 0x5, .arg = { 7, 0, 9, 0 } };
	struct cl_load_opts lo = { .no_start = no_start };
	struct cl_param p[2] = { { "pci.sysfs", dir },
				 { "fault.corrupt-write", "100000" } };
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct cl_tp *tp = NULL;
	size_t len;
	uint8_t *buf = image(&len);
	int rc;

	memset(res, 0, sizeof(*res));
	rc = cl_image_from_memory(ctx, "t.elf", buf, len, NULL, &img);
	free(buf);
	if (!rc)
		rc = cl_plan_make(ctx, img, b, &po, &plan);
	if (!rc)
		rc = cl_open(ctx, b, p, through_fault ? 2 : 1, &tp);
	if (!rc)
		rc = cl_load(ctx, plan, tp, &lo, res);
	cl_close(tp);
	cl_load_result_free(res);
	cl_plan_free(plan);
	cl_image_free(img);
	return rc;
}

static int load(const struct cl_board *b, bool no_start,
		struct cl_load_result *res)
{
	return load_via(b, no_start, res, false);
}

static void test_release_regs(void)
{
	const uint64_t entry = RAM + 0x10010;
	struct cl_load_result res;
	struct cl_board b;
	char text[2048];
	int rc;

	rc = cl_board_parse(ctx, "rr.board", regs_board_text,
			    strlen(regs_board_text), &b);
	ok(rc == 0 && b.release == CL_RELEASE_REGS && b.nhold == 2 &&
	   b.nstart == 6, "regs: the board parses");
	if (rc) {
		diag("%s", msg());
		return;
	}
	clear_regs();
	rc = load(&b, false, &res);
	is_int(rc, 0, "regs: cl_load succeeds");
	if (rc)
		diag("%s", msg());
	is_u64(reg(0x100, 4), 0x401d, "regs: the hold steps ran");
	is_u64(reg(0x108, 8), entry, "regs: entry64 got the entry");
	ok(reg(0x110, 4) == entry && reg(0x114, 4) == 0,
	   "regs: entry32 and entry-hi32 got its halves");
	ok(reg(0x118, 8) == 7 && reg(0x120, 4) == 9,
	   "regs: argument registers got arguments 0 and 2");
	is_u64(reg(0x124, 4), 0x60, "regs: the last start step ran");
	clear_regs();
	rc = load_via(&b, false, &res, true);
	ok(rc == 0 && reg(0x108, 8) == entry && reg(0x124, 4) == 0x60,
	   "regs: the steps pass through the fault-injecting wrapper");
	ok(res.released && !res.staged && res.verified,
	   "regs: released without a mailbox");
	ok(fake_le(dir, SLOT, "resource2", 0x10010, 1) == 0x21,
	   "regs: the image is in RAM");

	clear_regs();
	rc = load(&b, true, &res);
	ok(rc == 0 && reg(0x100, 4) == 0x401d && reg(0x108, 8) == 0 &&
	   reg(0x124, 4) == 0 && !res.released,
	   "regs: --no-start runs hold steps only");

	/* a hold step that fails stops the load before any RAM write */
	{
		static const uint8_t zero[0x2000];

		clear_regs();
		set_reg(0x104, 4, 1);
		fake_write(dir, SLOT, "resource2", 0x10000, zero, sizeof(zero));
		rc = load(&b, false, &res);
		ok(rc == CL_E_TIMEOUT && strstr(msg(), "0:0x104"),
		   "regs: a hold poll that never clears times out");
		ok(fake_le(dir, SLOT, "resource2", 0x10010, 1) == 0 &&
		   reg(0x108, 8) == 0 && !res.released,
		   "regs: ... nothing written, nothing released");
	}

	/* board files */
	snprintf(text, sizeof(text), "name = rr\ntransport = pci\n"
		 "release = regs\nram = 0x80000000 1M bar=2\n");
	rc = cl_board_parse(ctx, "rr.board", text, strlen(text), &b);
	ok(rc == CL_E_BOARD && strstr(msg(), "needs start-step lines"),
	   "regs: release = regs without start steps is refused");
	snprintf(text, sizeof(text), "name = rr\ntransport = pci\n"
		 "release = regs\nram = 0x80000000 1M bar=2\n"
		 "start-step = write32 0:0x10 1\nhold-step = frob 0:0\n");
	rc = cl_board_parse(ctx, "rr.board", text, strlen(text), &b);
	ok(rc == CL_E_BOARD && strstr(msg(), "line 6") &&
	   strstr(msg(), "hold-step: unknown step 'frob'"),
	   "regs: a bad hold-step names its line");
	diag("%s", msg());
	{
		size_t used;
		unsigned i;

		used = (size_t)snprintf(text, sizeof(text),
					"name = rr\ntransport = pci\n"
					"release = regs\n"
					"ram = 0x80000000 1M bar=2\n");
		for (i = 0; i <= CL_MAX_STEPS; i++)
			used += (size_t)snprintf(text + used,
						 sizeof(text) - used,
						 "start-step = delay 0\n");
		rc = cl_board_parse(ctx, "rr.board", text, strlen(text), &b);
		ok(rc == CL_E_BOARD && strstr(msg(), "more than 16 start-step"),
		   "regs: at most %d start steps", CL_MAX_STEPS);
	}
}

int main(void)
{
	ctx = cl_ctx_new();
	test_parse();
	if (fake_new(dir) ||
	    fake_add(dir, SLOT, 0x1af4, 0x1110, card_bars, FAKE_CMD_MEM)) {
		ok(0, "build the fake sysfs tree");
	} else {
		test_run();
		test_release_regs();
	}
	fake_free(dir);
	cl_ctx_free(ctx);
	return tap_done();
}
