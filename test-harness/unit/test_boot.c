/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_boot.c - a whole boot (cl_boot_plan, cl_boot_load) over the mem
 * transport: --set symbol patches, several images, blobs, initrd and a
 * patched device tree, argument and entry references; every refusal comes
 * from the plan, before anything is written to the card */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "cardboot.h"
#include "cardram.h"
#include "elfgen.h"
#include "internal.h"
#include "tap.h"

#define MB (RAM + RAM_SIZE - 0x1000) /* mailbox, reserved to the end */
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define PARAMS_VADDR 0x2800 /* image 0's parameter block, in its bss */
#define NOTE_DESC_VADDR 24  /* elfgen: one note, PT_NOTE at vaddr 0 */

static struct cl_ctx *ctx;
static struct cl_board board;

/* ---- files in a temporary directory -------------------------------------- */

static char tmpdir[64];
static char *files[64];
static unsigned nfiles;

/* Write len bytes to tmpdir/name; returns the path (freed at the end). */
static const char *put_file(const char *name, const void *buf, size_t len)
{
	char *path;
	int fd;

	if (nfiles == N_ELEMS(files) ||
	    asprintf(&path, "%s/%s", tmpdir, name) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (len && write(fd, buf, len) != (ssize_t)len)) {
		printf("Bail out! cannot write %s: %s\n", path,
		       strerror(errno));
		exit(1);
	}
	close(fd);
	files[nfiles++] = path;
	return path;
}

static char subdir[200];

static void cleanup_files(void)
{
	while (nfiles) {
		if (unlink(files[--nfiles]))
			diag("cannot remove %s: %s", files[nfiles],
			     strerror(errno));
		free(files[nfiles]);
	}
	if ((subdir[0] && rmdir(subdir)) || rmdir(tmpdir))
		diag("cannot remove %s: %s", tmpdir, strerror(errno));
}

static uint8_t *read_back(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		abort();
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size)
		abort();
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* ---- the images ---------------------------------------------------------- */

/* Image 0: ET_DYN riscv64 LE, text [0, 0x800) RX, data [0x1000, 0x1100)
 * with bss to 0x3000 RW, a PARAMS note (block at 0x2800) and symbols. */
static const struct egen_seg segs0[] = {
	{ .vaddr = 0, .paddr = 0, .filesz = 0x800, .memsz = 0x800,
	  .align = 0x1000, .flags = PF_R | PF_X, .fill = 0x31, .ramp = true },
	{ .vaddr = 0x1000, .paddr = 0x1000, .filesz = 0x100, .memsz = 0x2000,
	  .align = 0x1000, .flags = PF_R | PF_W, .fill = 0x42 },
};

#define NSYM_BASE 20
#define NSYM_GEN 33 /* s00 .. s32: one more than --set takes */
static struct egen_sym syms0[NSYM_BASE + NSYM_GEN] = {
	{ "counter", 0x1010, 4, STT_OBJECT, false },
	{ "wide", 0x1018, 8, STT_OBJECT, false },
	{ "name", 0x1020, 16, STT_OBJECT, false },
	{ "three", 0x1030, 3, STT_OBJECT, false },
	{ "small", 0x1034, 1, STT_OBJECT, false },
	{ "half", 0x1036, 2, STT_OBJECT, false },
	{ "notype", 0x1040, 4, STT_NOTYPE, false },
	{ "twice", 0x1044, 4, STT_OBJECT, false },
	{ "twice", 0x1048, 4, STT_OBJECT, false },
	{ "same", 0x104c, 4, STT_OBJECT, false },
	{ "same", 0x104c, 4, STT_OBJECT, false },
	{ "straddle", 0x10fc, 8, STT_OBJECT, false },
	{ "inbss", 0x1200, 4, STT_OBJECT, false },
	{ "ro", 0x200, 4, STT_OBJECT, false },
	{ "code", 0x100, 4, STT_FUNC, false },
	{ "missing", 0, 4, STT_OBJECT, true },
	{ "outside", 0x5000, 4, STT_OBJECT, false },
	{ "inparams", PARAMS_VADDR + 0x10, 4, STT_OBJECT, false },
	{ "atparams", PARAMS_VADDR - 4, 8, STT_OBJECT, false },
	{ "beforeparams", PARAMS_VADDR - 4, 4, STT_OBJECT, false },
};
static char gen_names[NSYM_GEN][8];

/* s00 .. s32: 4-byte objects at 0x1060 + 4n, in data's file bytes */
static void gen_syms(void)
{
	for (unsigned i = 0; i < NSYM_GEN; i++) {
		snprintf(gen_names[i], sizeof(gen_names[i]), "s%02u", i);
		syms0[NSYM_BASE + i] = (struct egen_sym){ gen_names[i],
			0x1060 + 4 * i, 4, STT_OBJECT, false };
	}
}

static uint8_t *build0(size_t *len, bool params, bool symbols)
{
	uint8_t desc[8];
	struct egen_spec s = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_RISCV, .type = ET_DYN, .entry = 0x10,
		.nseg = N_ELEMS(segs0), .seg = segs0, .note = params,
		.note_name = "cardload", .note_type = CARDBOOT_NOTE_PARAMS,
		.note_desc = desc, .note_desclen = 8,
		.nsym = symbols ? N_ELEMS(syms0) : 0, .sym = syms0,
	};

	egen_put64(desc, ELFDATA2LSB, PARAMS_VADDR - NOTE_DESC_VADDR);
	return egen_build(&s, len);
}

/* ET_EXEC at a fixed card address, optionally big-endian with symbols. */
static uint8_t *build_exec(size_t *len, uint64_t at, bool be)
{
	static const struct egen_sym syms[] = {
		{ "big", RAM + 0x100010, 8, STT_OBJECT, false },
		{ "half", RAM + 0x100018, 2, STT_OBJECT, false },
	};
	const struct egen_seg seg[] = {
		{ .vaddr = at, .paddr = at, .filesz = 0x100, .memsz = 0x100,
		  .align = 0x1000, .flags = PF_R | PF_W | PF_X, .fill = 0x77 },
	};
	const struct egen_spec s = {
		.elfclass = ELFCLASS64,
		.endian = be ? ELFDATA2MSB : ELFDATA2LSB,
		.machine = be ? EM_PPC64 : EM_RISCV, .type = ET_EXEC,
		.entry = at, .nseg = 1, .seg = seg,
		.nsym = be ? N_ELEMS(syms) : 0, .sym = syms,
	};

	return egen_build(&s, len);
}

static const char *img0, *img0_plain, *img0_stripped, *img1, *exec_at0,
	*exec_be, *raw_bin, *blob_a, *blob_b, *blob_big, *empty, *initrd,
	*dtb, *dtb_bare, *not_dtb, *dtb_short, *img0_long;
static uint8_t *img0_bytes;
static size_t img0_len;

#define BLOB_A_SIZE 0x1800
#define BLOB_B_SIZE 0x900
#define INITRD_SIZE 0x2345

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* A device tree: root cells 2/2 and /chosen, or an empty tree. */
static void *make_dtb(bool full, size_t *len)
{
	void *fdt = calloc(1, 4096);
	int rc = fdt_create_empty_tree(fdt, 4096);

	if (!rc && full) {
		rc = fdt_setprop_u32(fdt, 0, "#address-cells", 2);
		if (!rc)
			rc = fdt_setprop_u32(fdt, 0, "#size-cells", 2);
		if (!rc)
			rc = fdt_add_subnode(fdt, 0, "chosen") < 0;
	}
	if (!rc)
		rc = fdt_pack(fdt);
	if (rc) {
		printf("Bail out! libfdt: %s\n", fdt_strerror(rc));
		exit(1);
	}
	*len = fdt_totalsize(fdt);
	return fdt;
}

static void make_files(void)
{
	static uint8_t a[BLOB_A_SIZE], b[BLOB_B_SIZE], rd[INITRD_SIZE];
	uint8_t *buf;
	size_t len;
	void *fdt;
	int fd;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cl-test-boot-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	img0_bytes = build0(&img0_len, true, true);
	img0 = put_file("img0.elf", img0_bytes, img0_len);
	buf = build0(&len, false, true);
	img0_plain = put_file("img0-noparams.elf", buf, len);
	free(buf);
	buf = build0(&len, true, false);
	img0_stripped = put_file("img0-stripped.elf", buf, len);
	free(buf);
	buf = egen_build_second(&len); /* image 1 */
	img1 = put_file("img1.elf", buf, len);
	free(buf);
	buf = build_exec(&len, RAM, false);
	exec_at0 = put_file("exec-at-ram.elf", buf, len);
	free(buf);
	buf = build_exec(&len, RAM + 0x100000, true);
	exec_be = put_file("exec-be.elf", buf, len);
	free(buf);
	pattern(a, sizeof(a), 0xa0);
	pattern(b, sizeof(b), 0xb0);
	pattern(rd, sizeof(rd), 0xc0);
	raw_bin = put_file("raw.bin", b, 0x300);
	blob_a = put_file("a.bin", a, sizeof(a));
	blob_b = put_file("b.bin", b, sizeof(b));
	initrd = put_file("initrd.img", rd, sizeof(rd));
	empty = put_file("empty.bin", NULL, 0);
	not_dtb = put_file("not.dtb", "this is not a device tree, only "
			   "some text long enough to be read", 60);
	fdt = make_dtb(true, &len);
	dtb = put_file("full.dtb", fdt, len);
	dtb_short = put_file("short.dtb", fdt, len - 8); /* totalsize lies */
	free(fdt);
	fdt = make_dtb(false, &len);
	dtb_bare = put_file("bare.dtb", fdt, len);
	free(fdt);
	/* nearly all of RAM: fits the read cap, never the board */
	blob_big = put_file("big.bin", NULL, 0);
	fd = open(blob_big, O_WRONLY);
	if (fd < 0 || ftruncate(fd, RAM_SIZE - 0x1000))
		abort();
	close(fd);
	/* image 0 again, behind a long directory name */
	snprintf(subdir, sizeof(subdir), "%s/a-rather-long-directory-name-"
		 "for-the-main-image", tmpdir);
	if (mkdir(subdir, 0700))
		abort();
	img0_long = put_file("a-rather-long-directory-name-for-the-main-image"
			     "/img0.elf", img0_bytes, img0_len);
}

/* ---- helpers ------------------------------------------------------------- */

static uint32_t ram_hash(void)
{
	return (uint32_t)crc32(0, ram, RAM_SIZE);
}

/* The card's RAM: every byte 0xee below the mailbox, the mailbox zero but
 * for what the ROM announces before it spins (magic, version, READY). */
static void fresh_ram(void)
{
	cardram_new();
	memset(ram, 0xee, MB - RAM);
	cardram_rom_ready(MB, 0, 0);
}

static void spec_init(struct cl_boot_spec *sp, const struct cl_board *b,
		      const char *main_image)
{
	memset(sp, 0, sizeof(*sp));
	sp->board = b;
	sp->nimage = 1;
	sp->image[0].path = main_image;
}

static void add_image(struct cl_boot_spec *sp, const char *path,
		      bool has_addr, uint64_t addr)
{
	sp->image[sp->nimage].path = path;
	sp->image[sp->nimage].has_addr = has_addr;
	sp->image[sp->nimage].addr = addr;
	sp->nimage++;
}

static void add_blob(struct cl_boot_spec *sp, const char *name,
		     const char *path, bool has_addr, uint64_t addr)
{
	sp->blob[sp->nblob].name = name;
	sp->blob[sp->nblob].path = path;
	sp->blob[sp->nblob].has_addr = has_addr;
	sp->blob[sp->nblob].addr = addr;
	sp->nblob++;
}

static struct cl_tp *open_tp(const struct cl_board *b)
{
	struct cl_param prm = { "mem.path", ram_path };
	struct cl_tp *tp = NULL;

	if (cl_open(ctx, b, &prm, 1, &tp))
		diag("cl_open: %s", cl_errmsg(ctx));
	return tp;
}

/* Plan; on failure say why. */
static int plan_ok(const char *name, const struct cl_boot_spec *sp,
		   struct cl_tp *tp, struct cl_boot **bt)
{
	int rc = cl_boot_plan(ctx, sp, tp, bt);

	if (!ok(rc == 0 && *bt, "%s: planned", name))
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
	return rc == 0 && *bt;
}

/* A refusal: the code, a message naming the culprit, no boot, and the
 * card's RAM as it was. */
static void refuse(const char *name, const struct cl_boot_spec *sp,
		   struct cl_tp *tp, int want, const char *msg)
{
	uint32_t before = ram_hash();
	struct cl_boot *bt = (struct cl_boot *)&bt; /* must become NULL */
	int rc = cl_boot_plan(ctx, sp, tp, &bt);

	if (!ok(rc == want && !bt && (!msg || msg_has(cl_errmsg(ctx), msg)),
		"%s: %s%s%s", name, cl_errname(want), msg ? " naming " : "",
		msg ? msg : ""))
		diag("got %s: %s", cl_errname(rc), rc ? cl_errmsg(ctx) : "");
	ok(ram_hash() == before, "%s: card RAM unchanged", name);
	if (!rc)
		cl_boot_free(bt);
}

/* Load a planned boot through a fresh transport; res has one per image. */
static int load(struct cl_boot *bt, const struct cl_board *b,
		struct cl_load_result *res)
{
	struct cl_tp *tp = open_tp(b);
	int rc = tp ? cl_boot_load(ctx, bt, tp, NULL, res) : -1;

	if (rc)
		diag("cl_boot_load: %s: %s", cl_errname(rc), cl_errmsg(ctx));
	cl_close(tp);
	return rc;
}

static void free_results(struct cl_load_result *res, unsigned n)
{
	while (n--)
		cl_load_result_free(&res[n]);
}

static bool ram_is(uint64_t addr, const void *want, size_t n)
{
	return addr >= RAM && addr + n <= RAM + RAM_SIZE &&
	       !memcmp(ram + (addr - RAM), want, n);
}

static bool ram_all(uint64_t addr, uint8_t byte, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ram[addr - RAM + i] != byte)
			return false;
	return true;
}

/* CRC-32 of every segment's file bytes as they lie in card RAM. */
static uint32_t ram_digest(const struct cl_plan *p)
{
	uLong crc = crc32(0, NULL, 0);

	for (unsigned i = 0; i < p->nseg; i++)
		crc = crc32(crc, ram + (p->seg[i].addr - RAM),
			    (uInt)p->seg[i].filesz);
	return (uint32_t)crc;
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

#define PF(p, field, n) \
	ram_le((p) + offsetof(struct cardboot_params, field), n)

/* ---- --set --------------------------------------------------------------- */

static void test_set_load(void)
{
	static const char *const sets[] = {
		"counter=0x1234", "inbss=0xdeadbeef", "name=str:hello",
		"small=0xff", "half=513", "wide=0x0102030405060708",
		"three=str:ab", "notype=4K", "same=7", "ro=0x11223344",
	};
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	uint64_t base, pb;
	uint8_t *file;
	size_t flen;
	unsigned i;

	fresh_ram();
	spec_init(&sp, &board, img0);
	for (i = 0; i < N_ELEMS(sets); i++)
		sp.set[sp.nset++] = sets[i];
	if (!plan_ok("--set: ten symbols", &sp, NULL, &bt))
		return;
	base = bt->plan[0]->base;
	ok(bt->plan[0]->nset == N_ELEMS(sets) && bt->plan[0]->set[0].in_file &&
	   !bt->plan[0]->set[1].in_file,
	   "--set: counter is file-backed, inbss is not");
	is_u64(bt->plan[0]->set[1].addr, base + 0x1200,
	       "--set: inbss lands at base + 0x1200");
	if (load(bt, &board, res))
		goto out;
	ok(ram_is(base + 0x1010, "\x34\x12\0\0", 4),
	   "--set counter=0x1234: little-endian bytes in RAM");
	ok(ram_is(base + 0x1018, "\x08\x07\x06\x05\x04\x03\x02\x01", 8),
	   "--set wide: 8 bytes, little-endian");
	ok(ram_is(base + 0x1034, "\xff\x42\x01\x02", 4),
	   "--set small=0xff and half=513 (the byte between as linked)");
	ok(ram_is(base + 0x1020, "hello\0\x42", 7),
	   "--set name=str:hello: text and NUL, the rest of the symbol as "
	   "linked");
	ok(ram_is(base + 0x1030, "ab\0", 3), "--set three=str:ab fills the "
	   "3-byte symbol");
	ok(ram_is(base + 0x1040, "\0\x10\0\0", 4), "--set notype=4K (an "
	   "STT_NOTYPE symbol, a K suffix)");
	ok(ram_is(base + 0x104c, "\x07\0\0\0", 4),
	   "--set on a symbol listed twice with the same value");
	ok(ram_is(base + 0x200, "\x44\x33\x22\x11", 4),
	   "--set on an object in the text segment");
	ok(ram_is(base + 0x1200, "\xef\xbe\xad\xde", 4),
	   "--set inbss: written after bss was zeroed");
	ok(ram_all(base + 0x1100, 0, 0x100) &&
	   ram_all(base + 0x1204, 0, 0x1000),
	   "the rest of bss is zero (RAM was 0xee)");
	is_u64(ram_digest(bt->plan[0]), res[0].digest,
	       "the digest is the CRC of the file bytes as loaded, patches "
	       "included");
	pb = bt->plan[0]->params_addr;
	is_u64(pb, base + PARAMS_VADDR, "the parameter block moved with "
	       "image 0");
	is_u64(PF(pb, digest, 4), res[0].digest,
	       "the parameter block carries that digest");
	file = read_back(img0, &flen);
	ok(flen == img0_len && !memcmp(file, img0_bytes, flen),
	   "the image file itself is unchanged");
	free(file);
out:
	free_results(res, bt->nimg);
	cl_boot_free(bt);
}

/* The digest must change with the patch: the same boot without --set. */
static void test_set_digest_differs(void)
{
	struct cl_load_result r1[CL_BOOT_MAX_IMAGES] = { { 0 } },
			      r2[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_boot_spec sp;
	struct cl_boot *a = NULL, *b = NULL;

	fresh_ram();
	spec_init(&sp, &board, img0);
	if (cl_boot_plan(ctx, &sp, NULL, &a) || load(a, &board, r1))
		goto out;
	sp.set[sp.nset++] = "counter=0x1234";
	if (cl_boot_plan(ctx, &sp, NULL, &b) || load(b, &board, r2))
		goto out;
	ok(r1[0].digest != r2[0].digest && ram_digest(b->plan[0]) ==
	   r2[0].digest, "--set changes the image digest (0x%08x -> 0x%08x)",
	   r1[0].digest, r2[0].digest);
out:
	if (a)
		free_results(r1, a->nimg);
	if (b)
		free_results(r2, b->nimg);
	cl_boot_free(a);
	cl_boot_free(b);
}

static void test_set_bigendian(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;

	fresh_ram();
	spec_init(&sp, &board, exec_be);
	sp.set[sp.nset++] = "big=0x1122334455667788";
	sp.set[sp.nset++] = "half=0xabcd";
	if (!plan_ok("--set on a big-endian ET_EXEC", &sp, NULL, &bt))
		return;
	if (!load(bt, &board, res)) {
		ok(ram_is(RAM + 0x100010, "\x11\x22\x33\x44\x55\x66\x77\x88",
			  8), "--set big: 8 bytes in big-endian order");
		ok(ram_is(RAM + 0x100018, "\xab\xcd\x77", 3),
		   "--set half: 2 bytes in big-endian order");
		is_u64(ram_digest(bt->plan[0]), res[0].digest,
		       "big-endian image: digest covers the patches");
	}
	free_results(res, bt->nimg);
	cl_boot_free(bt);
}

static void test_set_refusals(void)
{
	static const struct {
		const char *set;
		const char *msg;
	} bad[] = {
		{ "name=str:0123456789abcdef", "17 bytes" },
		{ "inbss=str:abcd", "5 bytes" },
		{ "nosuch=1", "nosuch" },
		{ "three=1", "3 bytes" },
		{ "three=str:abc", "4 bytes" },
		{ "small=0x100", "0x100" },
		{ "half=65536", "65536" },
		{ "counter=0x100000000", "0x100000000" },
		{ "wide=0x10000000000000000", "wide" },
		{ "counter=-1", "-1" },
		{ "counter=", "counter" },
		{ "counter=12abc", "12abc" },
		{ "straddle=1", "straddles" },
		{ "outside=1", "not inside" },
		{ "twice=1", "more than one" },
		{ "code=1", "code" },
		{ "missing=1", "missing" },
		{ "=1", "SYMBOL=VALUE" },
		{ "counter", "SYMBOL=VALUE" },
		{ "s00_a_symbol_name_of_sixty_four_"
		  "characters_is_one_too_long_for_x=1", /* 64 bytes */
		  "SYMBOL=VALUE" },
		{ "s00_a_symbol_name_of_sixty_three"
		  "_characters_is_not_in_the_image=1", /* 63 bytes */
		  "no such" },
		{ "notype=2", "twice" },
	};
	struct cl_boot_spec sp;
	char name[96];
	unsigned i;

	fresh_ram();
	for (i = 0; i < N_ELEMS(bad); i++) {
		spec_init(&sp, &board, img0);
		sp.set[sp.nset++] = "notype=1"; /* a good one first */
		sp.set[sp.nset++] = bad[i].set;
		snprintf(name, sizeof(name), "--set %s", bad[i].set);
		refuse(name, &sp, NULL, CL_E_USAGE, bad[i].msg);
	}
	spec_init(&sp, &board, img0_stripped);
	sp.set[sp.nset++] = "counter=1";
	refuse("--set on an image without a symbol table", &sp, NULL,
	       CL_E_USAGE, "stripped");
}

static void test_set_edges(void)
{
	static const char *const fine[] = {
		"name=str:0123456789abcde", /* 16 bytes with the NUL */
		"straddle=str:abc",         /* 4 bytes, all file-backed */
		"inbss=str:abc",
		"wide=0xffffffffffffffff",
		"name=str:",
	};
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	char name[96];
	unsigned i;

	for (i = 0; i < N_ELEMS(fine); i++) {
		spec_init(&sp, &board, img0);
		sp.set[sp.nset++] = fine[i];
		snprintf(name, sizeof(name), "--set %s", fine[i]);
		if (plan_ok(name, &sp, NULL, &bt))
			cl_boot_free(bt);
		bt = NULL;
	}
	/* the 33rd --set, through cl_plan_set on a planned boot */
	spec_init(&sp, &board, img0);
	for (i = 0; i < CL_MAX_SETS; i++) {
		static char sets[CL_MAX_SETS][16];

		snprintf(sets[i], sizeof(sets[i]), "s%02u=%u", i, i);
		sp.set[sp.nset++] = sets[i];
	}
	if (plan_ok("32 --set", &sp, NULL, &bt)) {
		int rc = cl_plan_set(ctx, bt->plan[0], "s32=2");

		ok(rc == CL_E_USAGE && msg_has(cl_errmsg(ctx), "32"),
		   "the 33rd --set: CL_E_USAGE naming the limit");
		cl_boot_free(bt);
	}
}

/* ---- several images and the entry ---------------------------------------- */

static void test_images(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	const struct cl_plan *p0, *p1;
	bool clear = true;
	unsigned i, k;

	fresh_ram();
	spec_init(&sp, &board, img0);
	add_image(&sp, img1, false, 0);
	sp.entry_ref = "@image1";
	if (plan_ok("two ET_DYN images, the second placed automatically",
		    &sp, NULL, &bt)) {
		p0 = bt->plan[0];
		p1 = bt->plan[1];
		is_int(bt->nimg, 2, "two images planned");
		is_u64(p0->base, RAM, "image 0 at the lowest address");
		for (i = 0; i < p0->nseg; i++)
			for (k = 0; k < p1->nseg; k++)
				clear &= !overlap(p0->seg[i].addr,
						  p0->seg[i].memsz,
						  p1->seg[k].addr,
						  p1->seg[k].memsz);
		ok(clear, "image 1 clear of image 0");
		ok(p1->base % 0x10000 == 0, "image 1 at a multiple of its "
		   "p_align (0x%llx)", (unsigned long long)p1->base);
		is_u64(p1->base, RAM + 0x10000,
		       "image 1 at the first free 64 KiB boundary");
		is_u64(bt->entry, p1->base + 0x20,
		       "--entry @image1: image 1's entry");
		is_u64(p1->entry, p1->base + 0x20, "image 1's plan entry");
		if (!load(bt, &board, res)) {
			ok(ram_digest(p1) == res[1].digest &&
			   ram_all(p1->seg[0].addr + 0x200, 0, 0x200),
			   "image 1 in RAM: digest matches, bss zero");
			is_u64(ram_le(MB + CARDBOOT_MB_ENTRY_OFF, 8),
			       bt->entry, "the mailbox entry is image 1's");
			is_u64(ram_le(MB + CARDBOOT_MB_GO_OFF, 4), CARDBOOT_GO,
			       "released");
		}
		free_results(res, bt->nimg);
		cl_boot_free(bt);
	}

	spec_init(&sp, &board, img0);
	add_image(&sp, img1, true, RAM + 0x200000);
	if (plan_ok("image 1 at @0x80200000", &sp, NULL, &bt)) {
		is_u64(bt->plan[1]->base, RAM + 0x200000, "image 1 at its "
		       "@ADDR");
		is_u64(bt->entry, bt->plan[0]->entry, "the entry is image "
		       "0's by default");
		cl_boot_free(bt);
	}

	spec_init(&sp, &board, img0);
	add_image(&sp, raw_bin, true, RAM + 0x300000);
	sp.popts.has_entry = true;
	sp.popts.entry = RAM + 0x300000;
	if (plan_ok("a raw second image with @ADDR and --entry in it", &sp,
		    NULL, &bt)) {
		ok(bt->img[1]->kind == CL_KIND_RAW &&
		   bt->plan[1]->seg[0].addr == RAM + 0x300000 &&
		   bt->plan[1]->seg[0].filesz == 0x300,
		   "image 1 is raw, at its address");
		cl_boot_free(bt);
	}

	spec_init(&sp, &board, img0);
	add_image(&sp, raw_bin, true, RAM + 0x300000);
	if (plan_ok("a raw second image with @ADDR", &sp, NULL, &bt)) {
		ok(bt->img[1]->kind == CL_KIND_RAW &&
		   bt->plan[1]->seg[0].addr == RAM + 0x300000,
		   "image 1 is raw, at its address");
		cl_boot_free(bt);
	}

	/* the main image raw (--addr), with and without an ELF after it */
	spec_init(&sp, &board, raw_bin);
	sp.iopts.raw = true;
	sp.iopts.raw_addr = RAM + 0x300000;
	sp.popts.has_entry = true;
	sp.popts.entry = RAM + 0x300000;
	if (plan_ok("a raw main image with --addr and --entry", &sp, NULL,
		    &bt)) {
		ok(bt->img[0]->kind == CL_KIND_RAW &&
		   bt->entry == RAM + 0x300000, "raw image 0, entry as given");
		cl_boot_free(bt);
	}
	add_image(&sp, img1, false, 0);
	if (plan_ok("a raw main image, then an ELF image", &sp, NULL, &bt)) {
		ok(bt->img[1]->kind == CL_KIND_ELF,
		   "--addr of the main image does not make image 1 raw");
		cl_boot_free(bt);
	}

	spec_init(&sp, &board, img0);
	add_image(&sp, exec_be, false, 0); /* fixed at +1 MiB, no @ADDR */
	sp.popts.has_entry = true;
	sp.popts.entry = RAM + 0x100080;
	if (plan_ok("an ET_EXEC second image at its own address, --entry "
		    "in it", &sp, NULL, &bt)) {
		is_u64(bt->plan[1]->seg[0].addr, RAM + 0x100000,
		       "ET_EXEC image 1 at its p_paddr");
		is_u64(bt->entry, RAM + 0x100080, "a numeric --entry inside "
		       "image 1's executable segment");
		cl_boot_free(bt);
	}
}

static void test_image_refusals(void)
{
	struct cl_boot_spec sp;

	fresh_ram();
	memset(&sp, 0, sizeof(sp));
	sp.board = &board;
	refuse("no image", &sp, NULL, CL_E_USAGE, "no image");

	spec_init(&sp, &board, img0);
	add_image(&sp, img1, true, RAM);
	refuse("image 1 @ADDR over image 0", &sp, NULL, CL_E_PLACE,
	       "img0.elf");
	spec_init(&sp, &board, img0_long);
	add_image(&sp, img1, true, RAM);
	refuse("image 1 @ADDR over image 0 (a long path)", &sp, NULL,
	       CL_E_PLACE, "img0.elf");
	spec_init(&sp, &board, img0);
	add_image(&sp, img1, true, RAM + 0x208000);
	refuse("image 1 @ADDR off its alignment", &sp, NULL, CL_E_PLACE,
	       "alignment");
	spec_init(&sp, &board, img0);
	add_image(&sp, img1, true, 0x10000000);
	refuse("image 1 @ADDR outside RAM", &sp, NULL, CL_E_PLACE,
	       "not inside");
	spec_init(&sp, &board, img0);
	add_image(&sp, exec_at0, false, 0);
	refuse("an ET_EXEC second image over image 0", &sp, NULL, CL_E_PLACE,
	       "img0.elf");
	spec_init(&sp, &board, img0);
	add_image(&sp, exec_be, true, RAM + 0x200000);
	refuse("an ET_EXEC second image with @ADDR", &sp, NULL, CL_E_USAGE,
	       "ET_EXEC");
	spec_init(&sp, &board, img0);
	add_image(&sp, raw_bin, false, 0);
	refuse("a raw second image without @ADDR", &sp, NULL, CL_E_FORMAT,
	       "raw.bin");
	spec_init(&sp, &board, img0);
	add_image(&sp, "/nonexistent/img.elf", false, 0);
	refuse("a missing second image", &sp, NULL, CL_E_FILE, "img.elf");

	spec_init(&sp, &board, img0);
	add_image(&sp, img1, false, 0);
	sp.popts.has_entry = true;
	sp.popts.entry = RAM + 0x1000; /* image 0's data: not executable */
	refuse("--entry in a data segment", &sp, NULL, CL_E_PLACE, "entry");
	sp.popts.entry = RAM + 0x380000;
	refuse("--entry outside every image", &sp, NULL, CL_E_PLACE,
	       "0x80380000");
	sp.popts.has_entry = false;
	sp.entry_ref = "@image2";
	refuse("--entry @image2 with two images", &sp, NULL, CL_E_USAGE,
	       "@image2");
	sp.entry_ref = "@image";
	refuse("--entry @image", &sp, NULL, CL_E_USAGE, "@image");
	add_blob(&sp, "fw", blob_a, false, 0);
	sp.entry_ref = "@fw";
	refuse("--entry @fw (a blob)", &sp, NULL, CL_E_PLACE, "entry");
}

/* ---- blobs --------------------------------------------------------------- */

static void test_blobs(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_board b = board;
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	uint8_t *a, *bb;
	size_t alen, blen;

	fresh_ram();
	spec_init(&sp, &b, img0);
	add_blob(&sp, "fw", blob_a, false, 0);
	add_blob(&sp, "cfg", blob_b, true, RAM + 0x100000);
	if (plan_ok("two blobs, one placed, one at its address", &sp, NULL,
		    &bt)) {
		is_int(bt->ndata, 2, "two data items");
		ok(!strcmp(bt->data[0].name, "fw") &&
		   bt->data[0].size == BLOB_A_SIZE,
		   "blob 'fw', its size");
		is_u64(bt->data[0].addr, (MB - BLOB_A_SIZE) & ~0xfffull,
		       "blob placed high, below the mailbox, 4 KiB aligned");
		is_u64(bt->data[1].addr, RAM + 0x100000,
		       "blob 'cfg' exactly at its address");
		if (!load(bt, &b, res)) {
			a = read_back(blob_a, &alen);
			bb = read_back(blob_b, &blen);
			ok(ram_is(bt->data[0].addr, a, alen),
			   "blob 'fw' bytes in RAM");
			ok(ram_is(RAM + 0x100000, bb, blen),
			   "blob 'cfg' bytes in RAM");
			free(a);
			free(bb);
		}
		free_results(res, bt->nimg);
		cl_boot_free(bt);
	}

	b.data_align = 0x10000;
	spec_init(&sp, &b, img0);
	add_blob(&sp, "fw", blob_a, false, 0);
	if (plan_ok("data-align 64 KiB", &sp, NULL, &bt)) {
		is_u64(bt->data[0].addr, (MB - BLOB_A_SIZE) & ~0xffffull,
		       "blob high at a multiple of 64 KiB");
		cl_boot_free(bt);
	}
	b.data_align = 0;
	b.data_low = true;
	if (plan_ok("data-place low", &sp, NULL, &bt)) {
		is_u64(bt->data[0].addr, RAM + 0x3000,
		       "blob at the lowest free address, after image 0");
		cl_boot_free(bt);
	}
	add_blob(&sp, "cfg", blob_b, false, 0);
	if (plan_ok("two blobs, data-place low", &sp, NULL, &bt)) {
		is_u64(bt->data[1].addr, RAM + 0x5000,
		       "the second blob after the first, aligned");
		cl_boot_free(bt);
	}
}

static void test_blob_refusals(void)
{
	struct cl_boot_spec sp;

	fresh_ram();
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", blob_a, true, RAM + 0x100000);
	add_blob(&sp, "fw2", blob_b, true, RAM + 0x101000);
	refuse("two blobs overlapping", &sp, NULL, CL_E_PLACE, "fw2 [");
	refuse("two blobs overlapping (the first named)", &sp, NULL,
	       CL_E_PLACE, "overlaps fw [");

	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", blob_b, true, MB - 0x800);
	refuse("a blob over the reserved mailbox", &sp, NULL, CL_E_PLACE,
	       "mailbox");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", blob_b, true, 0x10000000);
	refuse("a blob outside RAM", &sp, NULL, CL_E_PLACE, "not inside");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", blob_b, true, RAM + RAM_SIZE - 0x100);
	refuse("a blob across the end of RAM", &sp, NULL, CL_E_PLACE,
	       "not inside");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", blob_b, true, UINT64_MAX - 0x100);
	refuse("a blob wrapping around", &sp, NULL, CL_E_PLACE, "fw");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", blob_b, true, RAM + 0x1800);
	refuse("a blob over image 0", &sp, NULL, CL_E_PLACE, "img0.elf");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", "/nonexistent/fw.bin", false, 0);
	refuse("a missing blob file", &sp, NULL, CL_E_FILE, "fw.bin");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", empty, false, 0);
	refuse("an empty blob file", &sp, NULL, CL_E_FILE, "empty.bin");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", tmpdir, false, 0);
	refuse("a directory as a blob", &sp, NULL, CL_E_FILE, "regular");
	spec_init(&sp, &board, img0);
	add_blob(&sp, "big", blob_big, false, 0);
	refuse("a blob too big for the free RAM", &sp, NULL, CL_E_PLACE,
	       "no room");
}

/* ---- initrd and device tree ---------------------------------------------- */

static const void *chosen_prop(const struct cl_boot *bt, const char *name,
			       int *len)
{
	const void *fdt = bt->dtb->bytes;
	int node = fdt_path_offset(fdt, "/chosen");

	*len = -1;
	return node < 0 ? NULL : fdt_getprop(fdt, node, name, len);
}

static uint64_t be64(const void *p)
{
	return egen_getn(p, ELFDATA2MSB, 8);
}

static void test_initrd_dtb(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	const struct cl_plan *p0;
	const void *v;
	uint8_t *rd;
	size_t rdlen;
	uint64_t pb;
	int len;

	fresh_ram();
	spec_init(&sp, &board, img0);
	sp.initrd = initrd;
	sp.dtb = dtb;
	sp.popts.cmdline = "x=1";
	if (!plan_ok("initrd, device tree and --cmdline", &sp, NULL, &bt))
		return;
	p0 = bt->plan[0];
	ok(bt->initrd && bt->dtb && bt->ndata == 2,
	   "bt->initrd and bt->dtb set");
	if (!bt->initrd || !bt->dtb)
		goto out;
	ok(bt->initrd->size == INITRD_SIZE && bt->initrd->addr % 4096 == 0 &&
	   bt->dtb->addr % 4096 == 0, "initrd and DTB 4 KiB aligned");
	ok(!overlap(bt->initrd->addr, bt->initrd->size, bt->dtb->addr,
		    bt->dtb->size) &&
	   !overlap(p0->cmdline_addr, p0->cmdline_size, bt->dtb->addr,
		    bt->dtb->size) &&
	   !overlap(p0->cmdline_addr, p0->cmdline_size, bt->initrd->addr,
		    bt->initrd->size) &&
	   !overlap(p0->base, p0->span, bt->initrd->addr, bt->initrd->size) &&
	   !overlap(p0->base, p0->span, bt->dtb->addr, bt->dtb->size),
	   "image, command line, initrd and DTB do not overlap");
	ok(!fdt_check_header(bt->dtb->bytes) &&
	   fdt_totalsize(bt->dtb->bytes) == bt->dtb->size,
	   "the patched DTB is a device tree of its size");
	v = chosen_prop(bt, "bootargs", &len);
	ok(v && len == 4 && !memcmp(v, "x=1", 4), "/chosen bootargs = \"x=1\"");
	v = chosen_prop(bt, "linux,initrd-start", &len);
	ok(v && len == 8 && be64(v) == bt->initrd->addr,
	   "/chosen linux,initrd-start = the initrd's address");
	v = chosen_prop(bt, "linux,initrd-end", &len);
	ok(v && len == 8 && be64(v) == bt->initrd->addr + INITRD_SIZE,
	   "/chosen linux,initrd-end = its address + size");
	ok(p0->initrd_addr == bt->initrd->addr &&
	   p0->initrd_size == INITRD_SIZE && p0->dtb_addr == bt->dtb->addr &&
	   p0->dtb_size == bt->dtb->size,
	   "image 0's plan carries initrd and DTB for its parameter block");
	ok(fdt_node_offset_by_prop_value(bt->dtb->bytes, -1, "device_type",
					 "memory", 7) < 0,
	   "no memory node without dtb-memory");
	if (load(bt, &board, res))
		goto out;
	pb = p0->params_addr;
	is_u64(PF(pb, initrd, 8), bt->initrd->addr, "params initrd");
	is_u64(PF(pb, initrd_size, 8), INITRD_SIZE, "params initrd_size");
	is_u64(PF(pb, dtb, 8), bt->dtb->addr, "params dtb");
	is_u64(PF(pb, dtb_size, 8), bt->dtb->size, "params dtb_size");
	is_u64(PF(pb, cmdline_size, 8), 4, "params cmdline_size");
	ok(ram_is(PF(pb, cmdline, 8), "x=1", 4), "the command line in RAM");
	ok(ram_is(bt->dtb->addr, bt->dtb->bytes, bt->dtb->size),
	   "the patched DTB in RAM");
	rd = read_back(initrd, &rdlen);
	ok(ram_is(bt->initrd->addr, rd, rdlen), "the initrd in RAM");
	free(rd);
out:
	free_results(res, bt->nimg);
	cl_boot_free(bt);
}

static void test_dtb_variants(void)
{
	struct cl_board b = board;
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	const void *v;
	int node, len;

	/* a bare tree: /chosen is created; a payload without a parameter
	 * block gets the command line through the DTB only */
	spec_init(&sp, &board, img0_plain);
	sp.dtb = dtb_bare;
	sp.popts.cmdline = "console=hvc0";
	if (plan_ok("an empty tree, no parameter block, --cmdline", &sp, NULL,
		    &bt)) {
		v = chosen_prop(bt, "bootargs", &len);
		ok(v && len == 13 && !strcmp(v, "console=hvc0") &&
		   !bt->plan[0]->has_cmdline,
		   "/chosen created; the command line only in the DTB");
		ok(!chosen_prop(bt, "linux,initrd-start", &len),
		   "no initrd: no linux,initrd-start");
		cl_boot_free(bt);
	}

	/* dtb-memory: reg lists every window in the root's cells */
	b.dtb_memory = true;
	b.win[1] = (struct cl_window){ .name = "ram1", .addr = 0x100000000ull,
				       .size = 0x200000, .offset = RAM_SIZE,
				       .bar = -1 };
	b.nwin = 2;
	spec_init(&sp, &b, img0);
	sp.dtb = dtb;
	if (plan_ok("dtb-memory, cells 2/2, two windows", &sp, NULL, &bt)) {
		static const uint32_t want[] = { 0, RAM, 0, RAM_SIZE,
						 1, 0, 0, 0x200000 };
		const fdt32_t *reg;

		node = fdt_node_offset_by_prop_value(bt->dtb->bytes, -1,
						     "device_type", "memory",
						     7);
		reg = node < 0 ? NULL : fdt_getprop(bt->dtb->bytes, node,
						    "reg", &len);
		ok(reg && len == (int)sizeof(want), "memory reg: 8 cells");
		for (unsigned i = 0; reg && len == (int)sizeof(want) &&
				     i < N_ELEMS(want); i++)
			is_u64(fdt32_to_cpu(reg[i]), want[i], "memory reg "
			       "cell %u", i);
		cl_boot_free(bt);
	}
	b.nwin = 1;
	spec_init(&sp, &b, img0);
	sp.dtb = dtb_bare; /* no cells: 2 address, 1 size by default */
	if (plan_ok("dtb-memory, default cells", &sp, NULL, &bt)) {
		const fdt32_t *reg;

		node = fdt_node_offset_by_prop_value(bt->dtb->bytes, -1,
						     "device_type", "memory",
						     7);
		reg = node < 0 ? NULL : fdt_getprop(bt->dtb->bytes, node,
						    "reg", &len);
		ok(reg && len == 12 && fdt32_to_cpu(reg[0]) == 0 &&
		   fdt32_to_cpu(reg[1]) == RAM &&
		   fdt32_to_cpu(reg[2]) == RAM_SIZE,
		   "memory reg: <0 0x80000000 0x400000>");
		cl_boot_free(bt);
	}

	fresh_ram();
	spec_init(&sp, &board, img0);
	sp.dtb = not_dtb;
	refuse("a text file as --dtb", &sp, NULL, CL_E_FORMAT, "not.dtb");
	sp.dtb = dtb_short;
	refuse("a DTB shorter than its totalsize", &sp, NULL, CL_E_FORMAT,
	       "short.dtb");
	sp.dtb = empty;
	refuse("an empty --dtb", &sp, NULL, CL_E_FILE, "empty.bin");
	sp.dtb = "/nonexistent/x.dtb";
	refuse("a missing --dtb", &sp, NULL, CL_E_FILE, "x.dtb");
	sp.dtb = NULL;
	sp.initrd = "/nonexistent/initrd";
	refuse("a missing --initrd", &sp, NULL, CL_E_FILE, "initrd");
	sp.initrd = NULL;
	spec_init(&sp, &board, img0_plain);
	sp.popts.cmdline = "x=1";
	refuse("--cmdline without a parameter block or a DTB", &sp, NULL,
	       CL_E_USAGE, "--cmdline");
}

/* The ROM announces itself in the mailbox. */
static void announce(uint64_t hartid, uint64_t platform_dtb)
{
	cardram_rom_ready(MB, hartid, platform_dtb);
}

#define PDTB (RAM + 0x380000)

static void test_dtb_from_card(void)
{
	struct cl_board b = board;
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	struct cl_tp *tp;
	const void *v;
	size_t len;
	void *fdt;
	int plen;

	b.res[b.nres++] = (struct cl_reserved){ "platform-dtb", PDTB,
						0x10000 };
	fresh_ram();
	fdt = make_dtb(true, &len);
	memcpy(ram + (PDTB - RAM), fdt, len);
	free(fdt);
	announce(0, PDTB);
	spec_init(&sp, &b, img0);
	sp.dtb_from_card = true;
	sp.popts.cmdline = "from=card";
	refuse("--dtb-from-card without the card", &sp, NULL, CL_E_USAGE,
	       "dtb-from-card");
	tp = open_tp(&b);
	if (!tp)
		return;
	if (plan_ok("--dtb-from-card: the DTB the ROM announced", &sp, tp,
		    &bt)) {
		v = chosen_prop(bt, "bootargs", &plen);
		ok(bt->dtb && v && !strcmp(v, "from=card") &&
		   bt->dtb->addr != PDTB,
		   "the card's DTB, patched, goes to new memory");
		cl_boot_free(bt);
	}
	memset(ram + (PDTB - RAM), 0x5a, 64);
	refuse("--dtb-from-card: no DTB where announced", &sp, tp,
	       CL_E_FORMAT, "0x80380000");
	memcpy(ram + (PDTB - RAM), "\xd0\x0d\xfe\xed\x00\x00\x00\x27", 8);
	refuse("--dtb-from-card: a totalsize smaller than a header", &sp, tp,
	       CL_E_FORMAT, "magic or size 39 wrong");
	memcpy(ram + (PDTB - RAM), "\xd0\x0d\xfe\xed\x00\x20\x00\x01", 8);
	refuse("--dtb-from-card: a totalsize over 2 MiB", &sp, tp,
	       CL_E_FORMAT, "magic or size 2097153 wrong");
	ram_put_le(MB + CARDBOOT_MB_READY_OFF, 4, 0);
	refuse("--dtb-from-card: nothing announced, none on the board", &sp,
	       tp, CL_E_STATE, "platform-dtb");
	cl_close(tp);
}

/* ---- argument references ------------------------------------------------- */

static void test_arg_refs(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	unsigned i;

	fresh_ram();
	spec_init(&sp, &board, img0);
	add_image(&sp, img1, false, 0);
	add_blob(&sp, "fw", blob_b, false, 0);
	sp.initrd = initrd;
	sp.dtb = dtb;
	sp.popts.cmdline = "x=1";
	sp.arg_ref[0] = "@dtb";
	sp.arg_ref[1] = "@initrd";
	sp.arg_ref[2] = "@params";
	sp.arg_ref[3] = "@cmdline";
	if (plan_ok("--arg @dtb @initrd @params @cmdline", &sp, NULL, &bt)) {
		is_u64(bt->arg[0], bt->dtb->addr, "@dtb");
		is_u64(bt->arg[1], bt->initrd->addr, "@initrd");
		is_u64(bt->arg[2], bt->plan[0]->params_addr, "@params");
		is_u64(bt->arg[3], bt->plan[0]->cmdline_addr, "@cmdline");
		is_u64(bt->argmask, 0xf, "argmask 0xf");
		if (!load(bt, &board, res)) {
			for (i = 0; i < 4; i++)
				is_u64(ram_le(MB + CARDBOOT_MB_ARG_OFF + 8 * i,
					      8), bt->arg[i],
				       "mailbox arg[%u] staged", i);
			is_u64(ram_le(MB + CARDBOOT_MB_ARGMASK_OFF, 4), 0xf,
			       "mailbox argmask staged");
			is_u64(ram_le(MB + CARDBOOT_MB_STAGED_OFF, 4),
			       CARDBOOT_STAGED, "mailbox staged");
		}
		free_results(res, bt->nimg);
		cl_boot_free(bt);
	}

	memset(sp.arg_ref, 0, sizeof(sp.arg_ref));
	sp.arg_ref[0] = "@image1";
	sp.arg_ref[1] = "@fw";
	sp.popts.argmask = 1u << 3;
	sp.popts.arg[3] = 7;
	if (plan_ok("--arg @image1 @fw and a number", &sp, NULL, &bt)) {
		is_u64(bt->arg[0], bt->plan[1]->entry, "@image1: its entry");
		is_u64(bt->arg[1], bt->data[0].addr, "@fw: the blob's address");
		ok(bt->arg[3] == 7 && bt->argmask == 0xb,
		   "a numeric arg[3] kept, argmask 0xb");
		cl_boot_free(bt);
	}

	sp.popts.argmask = 0;
	sp.arg_ref[1] = "@nosuch";
	refuse("--arg @nosuch", &sp, NULL, CL_E_USAGE, "@nosuch");
	sp.arg_ref[1] = "@image9";
	refuse("--arg @image9", &sp, NULL, CL_E_USAGE, "@image9");
	sp.arg_ref[1] = "@hartid";
	refuse("--arg @hartid without the card", &sp, NULL, CL_E_USAGE,
	       "@hartid");
	sp.arg_ref[1] = "@platform-dtb";
	refuse("--arg @platform-dtb, no card, none on the board", &sp, NULL,
	       CL_E_USAGE, "@platform-dtb");

	spec_init(&sp, &board, img0_plain);
	sp.arg_ref[0] = "@params";
	refuse("--arg @params without a parameter block", &sp, NULL,
	       CL_E_USAGE, "@params");
	sp.arg_ref[0] = "@dtb";
	refuse("--arg @dtb without a DTB", &sp, NULL, CL_E_USAGE, "@dtb");
	sp.arg_ref[0] = "@initrd";
	refuse("--arg @initrd without an initrd", &sp, NULL, CL_E_USAGE,
	       "@initrd");
	sp.arg_ref[0] = "@cmdline";
	refuse("--arg @cmdline without a command line", &sp, NULL,
	       CL_E_USAGE, "@cmdline");
}

static void test_card_refs(void)
{
	struct cl_board b = board;
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	struct cl_tp *tp;

	b.platform_dtb = RAM + 0x3f0000;
	fresh_ram();
	spec_init(&sp, &b, img0);
	sp.arg_ref[1] = "@platform-dtb";
	if (plan_ok("--arg @platform-dtb, no card: the board's", &sp, NULL,
		    &bt)) {
		is_u64(bt->arg[1], RAM + 0x3f0000, "@platform-dtb from the "
		       "board file");
		cl_boot_free(bt);
	}
	sp.arg_ref[0] = "@hartid";
	refuse("--arg @hartid, no card (the board has a platform DTB)", &sp,
	       NULL, CL_E_USAGE, "@hartid");

	tp = open_tp(&b);
	if (!tp)
		return;
	ram_put_le(MB + CARDBOOT_MB_READY_OFF, 4, 0);
	refuse("--arg @hartid, the ROM has not announced", &sp, tp,
	       CL_E_USAGE, "@hartid");
	announce(3, RAM + 0x380000);
	if (plan_ok("--arg @hartid @platform-dtb, the ROM announced", &sp, tp,
		    &bt)) {
		is_u64(bt->arg[0], 3, "@hartid from the mailbox");
		is_u64(bt->arg[1], RAM + 0x380000, "@platform-dtb from the "
		       "mailbox, over the board's");
		is_u64(bt->argmask, 0x3, "argmask 0x3");
		cl_boot_free(bt);
	}
	/* a stale magic but READY: what counts is the ready word */
	ram_put_le(MB + CARDBOOT_MB_READY_OFF, 4, CARDBOOT_READY + 1);
	refuse("--arg @hartid, ready word not READY", &sp, tp, CL_E_USAGE,
	       "@hartid");
	cl_close(tp);
}

/* ---- issue 11: nothing of the loader's lands where it would be lost or
 * where an image lives -------------------------------------------------- */

/* --set into the parameter block: the block, written after, would undo it */
static void test_set_params(void)
{
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;

	fresh_ram();
	spec_init(&sp, &board, img0);
	sp.set[sp.nset++] = "inparams=1";
	refuse("--set inside the parameter block", &sp, NULL, CL_E_PLACE,
	       "--set inparams");
	refuse("--set inside the parameter block: the block named", &sp, NULL,
	       CL_E_PLACE, "parameter block [0x80002800, ");
	spec_init(&sp, &board, img0);
	sp.set[sp.nset++] = "atparams=0x55";
	refuse("--set running into the parameter block", &sp, NULL,
	       CL_E_PLACE, "atparams: the symbol [0x800027fc, 0x80002804) "
	       "overlaps the parameter block");
	spec_init(&sp, &board, img0);
	sp.set[sp.nset++] = "beforeparams=0x55";
	if (plan_ok("--set just before the parameter block", &sp, NULL, &bt))
		cl_boot_free(bt);
}

/* Image 0 is text [0, 0x800) and data [0x1000, 0x3000): the gap between
 * is its own. The command line and data placed low go after its span. */
static void test_spans(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_board b = board;
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	const struct cl_plan *p0;

	fresh_ram();
	b.data_low = true;
	b.data_align = 0x100;
	spec_init(&sp, &b, img0);
	sp.popts.cmdline = "console=uart";
	add_blob(&sp, "small", raw_bin, false, 0); /* 0x300: fits the gap */
	if (!plan_ok("command line and a low blob beside a gapped image", &sp,
		     NULL, &bt))
		return;
	p0 = bt->plan[0];
	ok(p0->base == RAM && p0->span == 0x3000, "image 0 spans [RAM, "
	   "RAM + 0x3000) with a gap at [RAM + 0x800, RAM + 0x1000)");
	is_u64(p0->cmdline_addr, RAM + 0x3000, "the command line goes after "
	       "image 0's span, not into its gap");
	is_u64(bt->data[0].addr, RAM + 0x3100, "the low blob goes after the "
	       "span and the command line, not into the gap");
	if (!load(bt, &b, res))
		ok(ram_all(RAM + 0x800, 0xee, 0x800), "nothing was written in "
		   "the gap");
	free_results(res, bt->nimg);
	cl_boot_free(bt);

	spec_init(&sp, &board, img0);
	add_blob(&sp, "fw", raw_bin, true, RAM + 0x800);
	refuse("a blob @ADDR in the gap of image 0", &sp, NULL, CL_E_PLACE,
	       "fw [0x80000800, +0x300)");
	refuse("a blob @ADDR in the gap of image 0: the image named", &sp,
	       NULL, CL_E_PLACE, "the span of image img0.elf [0x80000000, "
	       "0x80003000)");

	/* another image is data of a kind too: never in image 0's gap */
	spec_init(&sp, &board, img0);
	add_image(&sp, raw_bin, true, RAM + 0x800);
	refuse("a raw image @ADDR in the gap of image 0", &sp, NULL,
	       CL_E_PLACE, "the span of image img0.elf [0x80000000, "
	       "0x80003000)");
}

/* A board built in memory whose ram1 shows ram0's memory again: data is
 * checked in backing bytes as well as card addresses. */
static void test_alias(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	const uint64_t alias = 0x90000000u; /* RAM again */
	struct cl_board b = board;
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	uint8_t *a;
	size_t alen;

	b.nwin = 2;
	b.win[1] = (struct cl_window){ .name = "ram1", .addr = alias,
				       .size = RAM_SIZE, .offset = 0,
				       .bar = -1 };
	fresh_ram();
	spec_init(&sp, &b, img0);
	add_blob(&sp, "fw", blob_a, false, 0);
	if (plan_ok("aliased board: a blob placed high", &sp, NULL, &bt)) {
		is_u64(bt->data[0].addr,
		       (alias + (MB - RAM) - BLOB_A_SIZE) & ~0xfffull,
		       "the blob stops below the mailbox's alias at the top "
		       "of ram1");
		if (!load(bt, &b, res)) {
			a = read_back(blob_a, &alen);
			ok(ram_is(bt->data[0].addr - alias + RAM, a, alen),
			   "the blob's bytes, seen through ram0");
			free(a);
			is_u64(ram_le(MB + CARDBOOT_MB_GO_OFF, 4), CARDBOOT_GO,
			       "the mailbox is intact: released");
		}
		free_results(res, bt->nimg);
		cl_boot_free(bt);
	}
	spec_init(&sp, &b, img0);
	add_blob(&sp, "fw", blob_b, true, alias + (MB - RAM));
	refuse("aliased board: a blob @ the mailbox's alias", &sp, NULL,
	       CL_E_PLACE, "reserved 'mailbox' (the same memory: ram1 and "
	       "ram0");
	spec_init(&sp, &b, img0);
	add_blob(&sp, "fw", blob_b, true, alias + 0x1800);
	refuse("aliased board: a blob @ image 0's alias", &sp, NULL,
	       CL_E_PLACE, "img0.elf");
	spec_init(&sp, &b, img0);
	add_image(&sp, img1, true, alias);
	refuse("aliased board: image 1 @ image 0's alias", &sp, NULL,
	       CL_E_PLACE, "img0.elf");
}

int main(void)
{
	ctx = cl_ctx_new();
	if (!ctx) {
		printf("Bail out! cl_ctx_new failed\n");
		return 1;
	}
	cardram_board(&board, "boot-test", MB, 0x1000);
	gen_syms();
	make_files();
	test_set_load();
	test_set_digest_differs();
	test_set_bigendian();
	test_set_refusals();
	test_set_edges();
	test_images();
	test_image_refusals();
	test_blobs();
	test_blob_refusals();
	test_initrd_dtb();
	test_dtb_variants();
	test_dtb_from_card();
	test_arg_refs();
	test_card_refs();
	test_set_params();
	test_spans();
	test_alias();
	cleanup_files();
	free(img0_bytes);
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
