/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_warm.c - warming a load's card pages while its image inflates:
 * where the headers say the segments go (cl_warm_elf_ranges), what the mem
 * transport's prepare does to a window (allocates, changes no byte), and
 * a whole plan and load with warming on, for a good and a bad gzip image */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "cardram.h"
#include "elfgen.h"
#include "internal.h"
#include "tap.h"
#include "transport.h"
#include "warm.h"

#define MB (RAM + RAM_SIZE - 0x1000)
#define PATTERN_END (RAM + 0x180000)	/* [RAM, here) holds 0x5a */
#define SEG (RAM + 0x100000)		/* the test image's segment */
#define SEG_SIZE 0x200000u

static struct cl_ctx *ctx;
static struct cl_board board;
static char img_path[64];

/* ---- cl_warm_elf_ranges ---------------------------------------------- */

static const struct egen_seg exec_segs[] = {
	{ .vaddr = 0x1000, .paddr = 0x80200000, .filesz = 0x3000,
	  .memsz = 0x3000, .align = 0x1000, .flags = PF_R | PF_X, .fill = 1 },
	{ .vaddr = 0x10000, .paddr = 0x80300000, .filesz = 0x100,
	  .memsz = 0x2000, .align = 0x1000, .flags = PF_R | PF_W, .fill = 2 },
	{ .vaddr = 0x20000, .paddr = 0x80400000, .filesz = 0,
	  .memsz = 0x1000, .align = 0x1000, .flags = PF_R | PF_W },
};

static uint8_t *build(int cls, int endian, int type,
		      const struct egen_seg *seg, unsigned nseg, size_t *len)
{
	struct egen_spec s = { .elfclass = cls, .endian = endian,
			       .machine = EM_RISCV, .type = type,
			       .entry = seg[0].vaddr, .nseg = nseg,
			       .seg = seg };

	return egen_build(&s, len);
}

static int same_ranges(const struct cl_warm_range *r, unsigned n,
		       const struct cl_warm_range *want, unsigned nwant)
{
	unsigned i;

	if (n != nwant)
		return 0;
	for (i = 0; i < n; i++)
		if (r[i].addr != want[i].addr || r[i].len != want[i].len)
			return 0;
	return 1;
}

static void test_ranges(void)
{
	static const struct cl_warm_range at_paddr[] = {
		{ 0x80200000, 0x3000 }, { 0x80300000, 0x100 } };
	static const struct cl_warm_range at_vaddr[] = {
		{ 0x1000, 0x3000 }, { 0x10000, 0x100 } };
	static const struct egen_seg far[] = {
		{ .vaddr = 0, .paddr = UINT64_MAX - 0xfff, .filesz = 0x2000,
		  .memsz = 0x2000, .align = 0x1000, .flags = PF_R | PF_X },
	};
	struct cl_warm_range r[8];
	uint8_t *b;
	size_t len;
	unsigned n;

	b = build(ELFCLASS64, ELFDATA2LSB, ET_EXEC, exec_segs, 3, &len);
	n = cl_warm_elf_ranges(b, len, 0, 0, 0, r, 8);
	ok(same_ranges(r, n, at_paddr, 2), "ET_EXEC: the file bytes of each "
	   "PT_LOAD at p_paddr, none for a bss-only segment");
	n = cl_warm_elf_ranges(b, len, 1, 0, 0, r, 8);
	ok(same_ranges(r, n, at_vaddr, 2), "ET_EXEC with use_vaddr: at "
	   "p_vaddr");
	n = cl_warm_elf_ranges(b, len, 0, 0, 0, r, 1);
	ok(same_ranges(r, n, at_paddr, 1), "at most max ranges");
	is_int(cl_warm_elf_ranges(b, len, 0, 1, 0x80000000, r, 8), 0,
	       "ET_EXEC with a base (the plan refuses it): none");
	is_int(cl_warm_elf_ranges(b, 64 + 2 * 56, 0, 0, 0, r, 8), 0,
	       "program headers past the bytes given: none");
	b[1] = 'X';
	is_int(cl_warm_elf_ranges(b, len, 0, 0, 0, r, 8), 0, "not ELF: none");
	free(b);

	b = build(ELFCLASS32, ELFDATA2MSB, ET_EXEC, exec_segs, 3, &len);
	n = cl_warm_elf_ranges(b, len, 0, 0, 0, r, 8);
	ok(same_ranges(r, n, at_paddr, 2), "ELF32 big-endian ET_EXEC: at "
	   "p_paddr");
	free(b);

	b = build(ELFCLASS64, ELFDATA2LSB, ET_DYN, exec_segs, 3, &len);
	{
		static const struct cl_warm_range at_base[] = {
			{ 0x80010000, 0x3000 }, { 0x8001f000, 0x100 } };

		n = cl_warm_elf_ranges(b, len, 0, 1, 0x80010000, r, 8);
		ok(same_ranges(r, n, at_base, 2), "ET_DYN with a base: the "
		   "lowest p_vaddr at the base, the rest as linked from it");
	}
	is_int(cl_warm_elf_ranges(b, len, 0, 0, 0, r, 8), 0,
	       "ET_DYN the plan will place: none (no guessing)");
	is_int(cl_warm_elf_ranges(b, len, 0, 1, UINT64_MAX - 0x1000, r, 8),
	       0, "ET_DYN whose base wraps: none");
	free(b);

	b = build(ELFCLASS64, ELFDATA2LSB, ET_EXEC, far, 1, &len);
	is_int(cl_warm_elf_ranges(b, len, 0, 0, 0, r, 8), 0,
	       "a segment that wraps past the top: none");
	free(b);
}

/* ---- the window -------------------------------------------------------- */

/* CRC of the RAM file read with pread: reading holes this way allocates
 * nothing (through the mapping it would). */
static uint32_t file_crc(void)
{
	static uint8_t buf[1 << 16];
	uint32_t crc = 0;
	off_t off;
	int fd = open(ram_path, O_RDONLY);

	for (off = 0; fd >= 0 && off < RAM_SIZE; off += sizeof(buf))
		if (pread(fd, buf, sizeof(buf), off) == (ssize_t)sizeof(buf))
			crc = (uint32_t)crc32(crc, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	return crc;
}

static long long file_blocks(void)
{
	struct stat st;

	return stat(ram_path, &st) ? -1 : (long long)st.st_blocks;
}

/* The card offset of the first data at or after card address a (tmpfs:
 * fallocated pages count as holes until written), or -1. */
static long long data_from(uint64_t a)
{
	int fd = open(ram_path, O_RDONLY);
	off_t d = fd < 0 ? -1 : lseek(fd, (off_t)(a - RAM), SEEK_DATA);

	if (fd >= 0)
		close(fd);
	return d < 0 ? -1 : (long long)d;
}

static bool on_tmpfs(void)
{
	struct statfs fs;

	return !statfs(ram_path, &fs) && fs.f_type == TMPFS_MAGIC;
}

/* A card as a test finds it: 0x5a below PATTERN_END (written through the
 * file, so the pages above stay holes), the ROM spinning. */
static void fresh_card(void)
{
	static uint8_t pat[0x10000];
	uint64_t off;
	int fd;

	cardram_new();
	memset(pat, 0x5a, sizeof(pat));
	fd = open(ram_path, O_RDWR);
	for (off = 0; fd >= 0 && off < PATTERN_END - RAM; off += sizeof(pat))
		if (pwrite(fd, pat, sizeof(pat), (off_t)off) < 0)
			perror(ram_path);
	if (fd >= 0)
		close(fd);
	cardram_rom_ready(MB, 0, 0);
}

static struct cl_tp *open_tp(const char *fault)
{
	struct cl_param prm[2] = { { "mem.path", ram_path },
				   { "fault.delay", "0" } };
	struct cl_tp *tp = NULL;

	if (cl_open(ctx, &board, prm, fault ? 2 : 1, &tp))
		diag("cl_open: %s", cl_errmsg(ctx));
	return tp;
}

static void test_prepare(void)
{
	struct cl_tp *tp;
	uint32_t crc;
	long long blocks;
	bool tmpfs;

	fresh_card();
	tmpfs = on_tmpfs();
	tp = open_tp(NULL);
	if (!ok(tp != NULL, "prepare: the mem transport opens"))
		return;
	crc = file_crc();
	blocks = file_blocks();
	/* half over the pattern, half over holes */
	cl_tp_prepare(tp, PATTERN_END - 0x80000, 0x100000);
	ok(file_blocks() >= blocks + (0x80000 >> 9),
	   "prepare allocates the holes under the range (%lld -> %lld "
	   "blocks)", blocks, file_blocks());
	if (tmpfs)
		is_int(data_from(PATTERN_END), MB - RAM, "tmpfs: the "
		       "prepared pages still read as holes (zero-skipping "
		       "unchanged)");
	else
		ok(1, "holes after prepare # SKIP not on tmpfs");
	is_u64(file_crc(), crc, "prepare changes no byte of the window");
	blocks = file_blocks();
	cl_tp_prepare(tp, RAM + RAM_SIZE - 0x1000, 0x2000);
	cl_tp_prepare(tp, RAM - 0x1000, 0x2000);
	ok(file_blocks() == blocks && file_crc() == crc,
	   "a range not inside one window: nothing");
	cl_close(tp);

	tp = open_tp("fault");
	if (tp) {
		blocks = file_blocks();
		cl_tp_prepare(tp, RAM + 0x300000, 0x10000);
		ok(file_blocks() == blocks, "a transport without prepare (the "
		   "fault wrapper): nothing");
		cl_close(tp);
	}
}

/* Zero-skipping over prepared pages, piece after piece as a load writes:
 * what was written since is data again, whatever the transport learned
 * before about holes there. */
static void test_skip_after_prepare(void)
{
	static uint8_t buf[0x10000], zeros[0x10000];
	uint64_t a = RAM + 0x200000, skipped, n;
	struct cl_tp *tp;
	bool good = true;
	unsigned g;

	fresh_card();
	tp = open_tp(NULL);
	if (!tp)
		return;
	cl_tp_prepare(tp, a, 0x100000);
	for (g = 0; g < sizeof(buf) / 4096; g++) /* odd grains hold data */
		memset(buf + g * 4096, g & 1 ? 0x11 * g : 0, 4096);
	is_int(cl_tp_write_image(tp, a, buf, sizeof(buf), &skipped), 0,
	       "an image piece over prepared pages");
	is_u64(skipped, sizeof(buf) / 2, "its zero grains are left out "
	       "(prepared pages read as zeros)");
	is_int(cl_tp_write_image(tp, a + sizeof(buf), buf, sizeof(buf),
				 &skipped), 0, "the next piece");
	is_u64(skipped, sizeof(buf) / 2, "the same there");
	is_int(cl_tp_write_image(tp, a, zeros, sizeof(zeros), &skipped), 0,
	       "zeros over the first piece again");
	is_u64(skipped, sizeof(buf) / 2, "only the grains never written are "
	       "left out");
	is_int(cl_tp_zero(tp, a + sizeof(buf), sizeof(buf), &n), 0,
	       "zero the second piece");
	is_u64(n, sizeof(buf) / 2, "its data grains are zero-filled, no "
	       "more");
	for (g = 0; g < 2 * sizeof(buf); g++)
		good &= ram[a - RAM + g] == 0;
	ok(good, "both pieces read zeros");
	cl_close(tp);
}

/* ---- warming from an image file ---------------------------------------- */

/* An ET_EXEC image with one RX segment of SEG_SIZE bytes at SEG (a ramp),
 * entry at its start, written to img_path gzip'd (or as is); bad: the
 * gzip trailer's CRC broken. */
static void write_image(int type, bool gz, bool bad)
{
	struct egen_seg seg = { .vaddr = SEG, .paddr = SEG, .filesz = SEG_SIZE,
				.memsz = SEG_SIZE + 0x1000, .align = 0x1000,
				.flags = PF_R | PF_X, .fill = 7, .ramp = true };
	z_stream zs = { 0 };
	uint8_t *elf, *out;
	size_t len, n;
	FILE *f;

	if (type == ET_DYN)
		seg.vaddr = seg.paddr = 0;
	elf = build(ELFCLASS64, ELFDATA2LSB, type, &seg, 1, &len);
	out = malloc(len + 4096);
	n = len;
	if (!gz) {
		memcpy(out, elf, len);
	} else if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				Z_DEFAULT_STRATEGY) == Z_OK) {
		zs.next_in = elf;
		zs.avail_in = (uInt)len;
		zs.next_out = out;
		zs.avail_out = (uInt)(len + 4096);
		deflate(&zs, Z_FINISH);
		n = zs.total_out;
		deflateEnd(&zs);
		if (bad)
			out[n - 8] ^= 1;
	}
	snprintf(img_path, sizeof(img_path), "/tmp/cl-test-warm-%d.img",
		 (int)getpid());
	f = fopen(img_path, "wb");
	if (!f || fwrite(out, 1, n, f) != n)
		perror(img_path);
	if (f)
		fclose(f);
	free(out);
	free(elf);
}

static void spec_init(struct cl_boot_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->board = &board;
	sp->nimage = 1;
	sp->image[0].path = img_path;
	sp->warm = true;
}

/* Start warming for the image, wait until the window has want_blocks
 * (or max_ms), stop. Returns false if no warm-up started. */
static bool warm_until(struct cl_tp *tp, long long want_blocks, int max_ms)
{
	struct timespec ms = { 0, 1000000 };
	struct cl_boot_spec sp;
	struct cl_warm *w;
	int i;

	spec_init(&sp);
	w = cl_warm_start(&sp, tp);
	if (!w)
		return false;
	for (i = 0; i < max_ms && file_blocks() < want_blocks; i++)
		nanosleep(&ms, NULL);
	cl_warm_stop(w);
	return true;
}

static void test_warm_image(void)
{
	/* the segment covers [1 MiB, 3 MiB): the pattern up to 1.5 MiB, then
	 * holes; warmed, the file holds [0, 3 MiB) and the mailbox page */
	long long want = (long long)((SEG + SEG_SIZE - RAM) >> 9) + 8, blocks;
	struct cl_tp *tp;
	uint32_t crc;
	bool warmed;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		ok(1, "warming # SKIP one CPU: no warming");
		return;
	}
	fresh_card();
	write_image(ET_EXEC, true, false);
	tp = open_tp(NULL);
	crc = file_crc();
	warmed = warm_until(tp, want, 30000); /* spare CPU time only */
	blocks = file_blocks();
	ok(warmed && blocks == want, "gzip'd ET_EXEC: the segment's pages "
	   "are allocated, no more (%lld blocks, want %lld)", blocks, want);
	is_u64(file_crc(), crc, "gzip'd ET_EXEC warmed: no byte changed");
	if (on_tmpfs())
		is_int(data_from(PATTERN_END), MB - RAM, "tmpfs: still holes");
	cl_close(tp);

	fresh_card();
	write_image(ET_EXEC, false, false);
	tp = open_tp(NULL);
	blocks = file_blocks();
	warm_until(tp, want, 200); /* the good case takes a few ms */
	ok(file_blocks() == blocks, "an uncompressed image: no warming");
	cl_close(tp);

	fresh_card();
	write_image(ET_DYN, true, false);
	tp = open_tp(NULL);
	blocks = file_blocks();
	warm_until(tp, want, 200);
	ok(file_blocks() == blocks, "gzip'd ET_DYN the plan will place: no "
	   "warming");
	cl_close(tp);
}

/* A load with warming on: a bad image leaves the window as it was, a good
 * one writes its segment and nothing outside it and the mailbox. */
static void test_plan_and_load(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_load_opts lo = { .no_start = true };
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	struct cl_tp *tp;
	uint32_t crc;
	bool same = true;
	uint64_t i;
	int rc;

	fresh_card();
	write_image(ET_EXEC, true, true);
	tp = open_tp(NULL);
	crc = file_crc();
	spec_init(&sp);
	rc = cl_boot_plan(ctx, &sp, tp, &bt);
	ok(rc == CL_E_DECOMP && !bt, "a gzip image with a bad CRC is refused "
	   "(%s)", cl_errmsg(ctx));
	is_u64(file_crc(), crc, "bad gzip, warming on: the window is byte for "
	       "byte as it was");
	cl_close(tp);

	fresh_card();
	write_image(ET_EXEC, true, false);
	tp = open_tp(NULL);
	spec_init(&sp);
	rc = cl_boot_plan(ctx, &sp, tp, &bt);
	if (!rc)
		rc = cl_boot_load(ctx, bt, tp, &lo, res);
	if (!ok(rc == 0, "good gzip, warming on: planned and loaded"))
		diag("%s", cl_errmsg(ctx));
	for (i = 0; i < SEG_SIZE; i++)
		same &= ram[SEG - RAM + i] == (uint8_t)(7 + i);
	ok(same, "the segment is in RAM byte for byte");
	same = true;
	for (i = 0; i < SEG - RAM; i++)
		same &= ram[i] == 0x5a;
	for (i = SEG + SEG_SIZE - RAM; i < MB - RAM; i++)
		same &= ram[i] == 0;
	ok(same, "below it (0x5a) and above it (bss included, zeros) the "
	   "window is as it was");
	cl_load_result_free(&res[0]);
	cl_boot_free(bt);
	cl_close(tp);
}

int main(void)
{
	ctx = cl_ctx_new();
	cardram_board(&board, "t", MB, 0x1000);
	test_ranges();
	test_prepare();
	test_skip_after_prepare();
	test_warm_image();
	test_plan_and_load();
	unlink(img_path);
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
