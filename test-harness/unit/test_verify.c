/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_verify.c - cl_boot_verify over the mem transport: a card loaded by
 * cl_boot_load reads the same (images held whole or streamed, plain or
 * gzip); one byte changed anywhere a load writes is found and named with
 * its card address; a different image, command line, --set or argument
 * differs; and verify never writes, holds, flushes or releases */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "cardboot.h"
#include "cardram.h"
#include "elfgen.h"
#include "internal.h"
#include "tap.h"
#include "transport.h"

#define MB (RAM + RAM_SIZE - 0x1000) /* mailbox, reserved to the end */
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define PARAMS_VADDR 0x2800 /* image 0's parameter block, in its bss */
#define NOTE_DESC_VADDR 24  /* elfgen: one note, PT_NOTE at vaddr 0 */
#define PLATFORM_DTB 0x80300000u /* what the "ROM" announces */
/* 27 bytes and the NUL: no padding after /chosen/bootargs in the DTB */
#define CMDLINE "console=ttyS0 verify=yes ok"
#define BLOB_SIZE 0x1800
#define INITRD_SIZE 0x2345

static struct cl_ctx *ctx;
static struct cl_board board;

/* ---- files --------------------------------------------------------------- */

static char tmpdir[64];
static char *files[16];
static unsigned nfiles;

static const char *put_file(const char *name, const void *buf, size_t len,
			    bool gz)
{
	char *path;

	if (nfiles == N_ELEMS(files) ||
	    asprintf(&path, "%s/%s", tmpdir, name) < 0)
		abort();
	if (gz) {
		gzFile f = gzopen(path, "wb9");

		if (!f || gzwrite(f, buf, (unsigned)len) != (int)len ||
		    gzclose(f) != Z_OK)
			goto fail;
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
			goto fail;
		close(fd);
	}
	files[nfiles++] = path;
	return path;
fail:
	printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
	exit(1);
}

static void cleanup_files(void)
{
	while (nfiles) {
		unlink(files[--nfiles]);
		free(files[nfiles]);
	}
	rmdir(tmpdir);
}

/* Image 0: ET_DYN riscv64, text [0, 0x800) RX as a ramp from text_fill,
 * data [0x1000, 0x1100) of 0x42 with bss to 0x3000 RW, two RELA pointers
 * in data, a PARAMS note (block at 0x2800, in bss), symbols counter (file
 * bytes) and inbss. */
static uint8_t *build0(size_t *len, uint8_t text_fill)
{
	const struct egen_seg seg[] = {
		{ .vaddr = 0, .paddr = 0, .filesz = 0x800, .memsz = 0x800,
		  .align = 0x1000, .flags = PF_R | PF_X, .fill = text_fill,
		  .ramp = true },
		{ .vaddr = 0x1000, .paddr = 0x1000, .filesz = 0x100,
		  .memsz = 0x2000, .align = 0x1000, .flags = PF_R | PF_W,
		  .fill = 0x42 },
	};
	static const struct egen_rel rel[] = {
		{ .offset = 0x1008, .type = 3 /* R_RISCV_RELATIVE */,
		  .addend = 0x40 },
		{ .offset = 0x1080, .type = 3, .addend = 0x1000 },
	};
	static const struct egen_sym sym[] = {
		{ "counter", 0x1010, 4, STT_OBJECT, false },
		{ "inbss", 0x1200, 4, STT_OBJECT, false },
	};
	uint8_t desc[8];
	struct egen_spec s = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_RISCV, .type = ET_DYN, .entry = 0x10,
		.nseg = N_ELEMS(seg), .seg = seg, .dynamic = true,
		.relfmt = EGEN_RELA, .nrel = N_ELEMS(rel), .rel = rel,
		.note = true, .note_name = "cardload",
		.note_type = CARDBOOT_NOTE_PARAMS, .note_desc = desc,
		.note_desclen = 8, .nsym = N_ELEMS(sym), .sym = sym,
	};

	egen_put64(desc, ELFDATA2LSB, PARAMS_VADDR - NOTE_DESC_VADDR);
	return egen_build(&s, len);
}

static const char *img0, *img0_gz, *img0_other, *img1, *blob_a, *initrd,
	*dtb;

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

static void make_files(void)
{
	static uint8_t a[BLOB_SIZE], rd[INITRD_SIZE];
	uint8_t *buf;
	size_t len;
	void *fdt = calloc(1, 4096);
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cl-test-verify-XXXXXX");
	if (!fdt || !mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	buf = build0(&len, 0x31);
	img0 = put_file("img0.elf", buf, len, false);
	img0_gz = put_file("img0.elf.gz", buf, len, true);
	free(buf);
	buf = build0(&len, 0x35);
	img0_other = put_file("other.elf", buf, len, false);
	free(buf);
	buf = egen_build_second(&len); /* image 1 */
	img1 = put_file("img1.elf", buf, len, false);
	free(buf);
	pattern(a, sizeof(a), 0xa0);
	pattern(rd, sizeof(rd), 0xc0);
	blob_a = put_file("a.bin", a, sizeof(a), false);
	initrd = put_file("initrd.img", rd, sizeof(rd), false);
	rc = fdt_create_empty_tree(fdt, 4096);
	if (!rc)
		rc = fdt_add_subnode(fdt, 0, "chosen") < 0;
	if (!rc)
		rc = fdt_pack(fdt);
	if (rc) {
		printf("Bail out! libfdt: %s\n", fdt_strerror(rc));
		exit(1);
	}
	dtb = put_file("t.dtb", fdt, fdt_totalsize(fdt), false);
	free(fdt);
}

/* ---- the card ------------------------------------------------------------ */

static uint32_t ram_hash(void)
{
	return (uint32_t)crc32(0, ram, RAM_SIZE);
}

/* RAM 0xee below the mailbox; the "ROM" has announced READY and a
 * platform DTB (which goes into the parameter block). */
static void fresh_card(void)
{
	cardram_new();
	memset(ram, 0xee, MB - RAM);
	cardram_rom_ready(MB, 0, PLATFORM_DTB);
}

static struct cl_tp *open_tp(const char *fk, const char *fv)
{
	struct cl_param prm[2] = { { "mem.path", ram_path }, { fk, fv } };
	struct cl_tp *tp = NULL;

	if (cl_open(ctx, &board, prm, fk ? 2 : 1, &tp))
		diag("cl_open: %s", cl_errmsg(ctx));
	return tp;
}

/* The boot every test starts from: image 0 (path main) and image 1, a
 * blob, an initrd, a device tree, --cmdline, two --set (one in file
 * bytes, one in bss), arguments 0 and 2 and @dtb in 1. */
static void spec_init(struct cl_boot_spec *sp, const char *main_image,
		      bool stream)
{
	memset(sp, 0, sizeof(*sp));
	sp->board = &board;
	sp->iopts.mem_mode = stream ? CL_MEM_STREAM : CL_MEM_WHOLE;
	sp->nimage = 2;
	sp->image[0].path = main_image;
	sp->image[1].path = img1;
	sp->popts.cmdline = CMDLINE;
	sp->popts.argmask = 0x5;
	sp->popts.arg[0] = 7;
	sp->popts.arg[2] = 9;
	sp->arg_ref[1] = "@dtb";
	sp->nset = 2;
	sp->set[0] = "counter=0x1234";
	sp->set[1] = "inbss=0xdeadbeef";
	sp->nblob = 1;
	sp->blob[0].name = "a";
	sp->blob[0].path = blob_a;
	sp->initrd = initrd;
	sp->dtb = dtb;
}

/* The reference boot, loaded (--no-start) onto a fresh card; kept for the
 * addresses the tests poke at. */
static struct cl_boot *ref;

static int load_ref(void)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES] = { { 0 } };
	struct cl_load_opts lo = { .no_start = true };
	struct cl_boot_spec sp;
	struct cl_tp *tp;
	unsigned i;
	int rc;

	fresh_card();
	spec_init(&sp, img0, false);
	tp = open_tp(NULL, NULL);
	rc = tp ? cl_boot_plan(ctx, &sp, tp, &ref) : -1;
	if (!rc)
		rc = cl_boot_load(ctx, ref, tp, &lo, res);
	if (!ok(rc == 0, "the reference boot loads"))
		diag("%s: %s", cl_errname(rc), cl_errmsg(ctx));
	for (i = 0; ref && i < ref->nimg; i++)
		cl_load_result_free(&res[i]);
	cl_close(tp);
	return rc;
}

struct vrun {
	int rc;
	struct cl_verify_result out;
	uint64_t writes;        /* through cl_tp_write, during verify */
	bool ram_same;          /* card RAM unchanged by verify */
};

/* Plan sp against the card and verify it; fk=fv an extra -O option. */
static void verify_spec(const struct cl_boot_spec *sp, const char *fk,
			const char *fv, struct vrun *v)
{
	struct cl_tp *tp = open_tp(fk, fv);
	struct cl_boot *bt = NULL;
	uint32_t before = ram_hash();

	memset(v, 0, sizeof(*v));
	v->rc = tp ? cl_boot_plan(ctx, sp, tp, &bt) : -1;
	if (v->rc)
		diag("plan: %s: %s", cl_errname(v->rc), cl_errmsg(ctx));
	else
		v->rc = cl_boot_verify(ctx, bt, tp, &v->out);
	v->writes = tp ? tp->writes : 0;
	v->ram_same = ram_hash() == before;
	cl_boot_free(bt);
	cl_close(tp);
}

static void verify_main(bool stream, struct vrun *v)
{
	struct cl_boot_spec sp;

	spec_init(&sp, img0, stream);
	verify_spec(&sp, NULL, NULL, v);
}

/* ---- the same card ------------------------------------------------------- */

static void test_same(void)
{
	static const char *const hooks[] = { "write", "fill", "flush", "hold",
					     "release" };
	const char *modes[] = { "whole", "streamed", "gzip, whole",
				"gzip, streamed" };
	uint64_t want_bytes = 0;
	struct cl_boot_spec sp;
	struct vrun v;
	unsigned i;

	for (i = 0; i < ref->nimg; i++)
		want_bytes += ref->plan[i]->load_bytes +
			      ref->plan[i]->zero_bytes;
	for (i = 0; i < ref->ndata; i++)
		want_bytes += ref->data[i].size;
	want_bytes += ref->plan[0]->cmdline_size;
	want_bytes += 8 + 4 + 8 * CARDBOOT_NARGS; /* mailbox */

	for (i = 0; i < N_ELEMS(modes); i++) {
		spec_init(&sp, i < 2 ? img0 : img0_gz, i & 1);
		verify_spec(&sp, NULL, NULL, &v);
		if (!ok(v.rc == 0 && v.out.same, "%s: the loaded card verifies "
			"the same", modes[i]))
			diag("%s: %s", cl_errname(v.rc), cl_errmsg(ctx));
		is_u64(v.out.bytes_compared, want_bytes, "%s: every byte "
		       "a load writes compared once, mailbox included",
		       modes[i]);
		ok(v.writes == 0 && v.ram_same, "%s: no write, card RAM "
		   "unchanged", modes[i]);
	}
	/* a transport that fails any write, fill, flush, hold or release */
	for (i = 0; i < N_ELEMS(hooks); i++) {
		char fail[32];

		snprintf(fail, sizeof(fail), "%s:1:always", hooks[i]);
		spec_init(&sp, img0, false);
		verify_spec(&sp, "fault.fail", fail, &v);
		if (!ok(v.rc == 0, "verify never calls the transport's %s",
			hooks[i]))
			diag("%s: %s", cl_errname(v.rc), cl_errmsg(ctx));
		spec_init(&sp, img0, true);
		verify_spec(&sp, "fault.fail", fail, &v);
		ok(v.rc == 0, "streamed: verify never calls the transport's %s",
		   hooks[i]);
	}
}

/* ---- one byte or word changed -------------------------------------------- */

/* Verify (whole and streamed) must stop at addr naming what, expecting
 * want and finding got; the card is left as it was. */
static void expect_diff(const char *name, bool both, uint64_t addr,
			const char *what, uint64_t want, uint64_t got)
{
	char hex[32];
	struct vrun v;
	unsigned m;

	snprintf(hex, sizeof(hex), "0x%" PRIx64, addr);
	for (m = 0; m < (both ? 2u : 1u); m++) {
		const char *mode = m ? "streamed" : "whole";

		verify_main(m, &v);
		if (!ok(v.rc == CL_E_VERIFY && !v.out.same, "%s (%s): "
			"CL_E_VERIFY", name, mode)) {
			diag("%s: %s", cl_errname(v.rc), cl_errmsg(ctx));
			continue;
		}
		is_u64(v.out.first_diff_addr, addr, "%s (%s): first "
		       "difference at its address", name, mode);
		if (!ok(!strcmp(v.out.what, what), "%s (%s): named '%s'",
			name, mode, what))
			diag("named '%s'", v.out.what);
		is_u64(v.out.expected, want, "%s (%s): expected value", name,
		       mode);
		is_u64(v.out.found, got, "%s (%s): value found", name, mode);
		if (!ok(msg_has(cl_errmsg(ctx), hex) &&
			msg_has(cl_errmsg(ctx), what), "%s (%s): the message "
			"names %s and '%s'", name, mode, hex, what))
			diag("message: %s", cl_errmsg(ctx));
		ok(v.writes == 0 && v.ram_same, "%s (%s): nothing written",
		   name, mode);
	}
}

/* Change the byte at addr to got, verify, put it back. */
static void flip(const char *name, bool both, uint64_t addr, const char *what,
		 uint8_t got)
{
	uint8_t *p = &ram[addr - RAM], was = *p;

	*p = got;
	expect_diff(name, both, addr, what, was, got);
	*p = was;
}

static void test_bytes(void)
{
	const struct cl_plan *p0 = ref->plan[0], *p1 = ref->plan[1];
	uint64_t base = p0->base, pa = p0->params_addr;
	uint8_t want;
	struct vrun v;
	unsigned i;

	flip("text byte", true, base + 0x123, "image 0 segment 0", 0);
	flip("relocated pointer", true, base + 0x1008, "image 0 segment 1",
	     0x41);
	is_u64(ram_le(base + 0x1008, 8), base + 0x40, "(the pointer on the "
	       "card is relocated)");
	flip("--set in file bytes", true, base + 0x1011, "image 0 segment 1",
	     0);
	flip("bss byte", true, base + 0x1800, "image 0 segment 1 bss", 0xee);
	flip("--set in bss", true, base + 0x1202, "image 0 symbol 'inbss'",
	     0);
	flip("parameter block digest", true,
	     pa + offsetof(struct cardboot_params, digest), "image 0 params",
	     ram[pa + offsetof(struct cardboot_params, digest) - RAM] ^ 1);
	flip("command line", false, p0->cmdline_addr + 3, "image 0 cmdline",
	     'S');
	flip("image 1 text", true, p1->seg[0].addr + 5, "image 1 segment 0",
	     0);
	flip("image 1 bss", false, p1->seg[0].addr + 0x300,
	     "image 1 segment 0 bss", 1);
	for (i = 0; i < ref->ndata; i++) {
		const struct cl_data *d = &ref->data[i];
		char what[64];

		snprintf(what, sizeof(what), d == ref->initrd ? "initrd" :
			 d == ref->dtb ? "dtb" : "blob '%s'", d->name);
		flip(what, false, d->addr + d->size - 1, what,
		     ram[d->addr + d->size - 1 - RAM] ^ 0x80);
	}

	/* the first difference in load order wins */
	want = ram[base + 0x10 - RAM];
	ram[base + 0x1800 - RAM] = 1;
	flip("text and bss bytes", false, base + 0x10, "image 0 segment 0",
	     want ^ 1);
	ram[base + 0x1800 - RAM] = 0;
	ram[pa - RAM] ^= 1;
	flip("params and blob", false, ref->data[0].addr, "blob 'a'",
	     ram[ref->data[0].addr - RAM] ^ 1);
	ram[pa - RAM] ^= 1;

	/* mailbox fields: what cl_mailbox_stage writes */
	ram_put_le(MB + CARDBOOT_MB_ENTRY_OFF, 8, ref->entry + 4);
	expect_diff("mailbox entry", true, MB + CARDBOOT_MB_ENTRY_OFF,
		    "mailbox entry", ref->entry, ref->entry + 4);
	ram_put_le(MB + CARDBOOT_MB_ENTRY_OFF, 8, ref->entry);
	ram_put_le(MB + CARDBOOT_MB_ARGMASK_OFF, 4, 0xf);
	expect_diff("mailbox argmask", false, MB + CARDBOOT_MB_ARGMASK_OFF,
		    "mailbox argmask", 0x7, 0xf);
	ram_put_le(MB + CARDBOOT_MB_ARGMASK_OFF, 4, 0x7);
	ram_put_le(MB + CARDBOOT_MB_ARG_OFF + 16, 8, 10);
	expect_diff("mailbox arg 2", false, MB + CARDBOOT_MB_ARG_OFF + 16,
		    "mailbox arg 2", 9, 10);
	ram_put_le(MB + CARDBOOT_MB_ARG_OFF + 16, 8, 9);

	/* The ROM announces another platform DTB: a load now would write
	 * another parameter block. */
	ram_put_le(MB + CARDBOOT_MB_PLATFORM_DTB_OFF, 8, PLATFORM_DTB + 0x10);
	expect_diff("platform DTB announced anew", false,
		    pa + offsetof(struct cardboot_params, platform_dtb),
		    "image 0 params", (PLATFORM_DTB + 0x10) & 0xff,
		    PLATFORM_DTB & 0xff);
	ram_put_le(MB + CARDBOOT_MB_PLATFORM_DTB_OFF, 8, PLATFORM_DTB);

	verify_main(false, &v);
	ok(v.rc == 0, "every byte put back: the same again");
}

/* ---- a different boot ---------------------------------------------------- */

static void test_different(void)
{
	uint64_t base = ref->plan[0]->base;
	struct cl_boot_spec sp;
	struct vrun v;

	spec_init(&sp, img0_other, false);
	verify_spec(&sp, NULL, NULL, &v);
	ok(v.rc == CL_E_VERIFY && v.out.first_diff_addr == base &&
	   !strcmp(v.out.what, "image 0 segment 0") && v.out.expected == 0x35 &&
	   v.out.found == 0x31, "another image: differs at its first byte");
	spec_init(&sp, img0_other, true);
	verify_spec(&sp, NULL, NULL, &v);
	ok(v.rc == CL_E_VERIFY && v.out.first_diff_addr == base,
	   "another image, streamed: differs at its first byte");

	spec_init(&sp, img0, false);
	sp.set[0] = "counter=0x1235";
	verify_spec(&sp, NULL, NULL, &v);
	ok(v.rc == CL_E_VERIFY && v.out.first_diff_addr == base + 0x1010 &&
	   !strcmp(v.out.what, "image 0 segment 1"),
	   "another --set value: differs at the symbol");

	spec_init(&sp, img0, true);
	sp.popts.cmdline = "console=ttyS1 verify=yes ok";
	verify_spec(&sp, NULL, NULL, &v);
	ok(v.rc == CL_E_VERIFY && !strcmp(v.out.what, "dtb") &&
	   v.out.expected == '1' && v.out.found == '0',
	   "another --cmdline: differs first in the DTB's bootargs (the data "
	   "go before the command line)");
	spec_init(&sp, img0, true);
	sp.dtb = NULL;
	sp.arg_ref[1] = NULL;
	sp.popts.cmdline = "console=ttyS1 verify=yes ok";
	verify_spec(&sp, NULL, NULL, &v);
	ok(v.rc == CL_E_VERIFY &&
	   v.out.first_diff_addr == ref->plan[0]->cmdline_addr + 12 &&
	   !strcmp(v.out.what, "image 0 cmdline") && v.out.expected == '1',
	   "another --cmdline, no DTB: differs in the command line");

	spec_init(&sp, img0, false);
	sp.popts.arg[0] = 8;
	verify_spec(&sp, NULL, NULL, &v);
	ok(v.rc == CL_E_VERIFY && !strcmp(v.out.what, "mailbox arg 0") &&
	   v.out.expected == 8 && v.out.found == 7,
	   "another argument: differs in the mailbox");

	/* only what a load writes is compared: image 1's bytes are extra */
	spec_init(&sp, img0, false);
	sp.nimage = 1;
	verify_spec(&sp, NULL, NULL, &v);
	ok(v.rc == 0 && v.out.bytes_compared > 0 && v.writes == 0 &&
	   v.ram_same, "a boot without image 1 (nothing else moves) verifies "
	   "the same");
	if (v.rc)
		diag("%s: %s", cl_errname(v.rc), cl_errmsg(ctx));
}

/* A patched DTB must be the same bytes each time it is planned, or verify
 * finds a difference where a load would write the same: the padding after
 * an odd-length bootargs must be zeros, not leftover heap bytes (main()
 * makes those non-zero with M_PERTURB). */
static void test_dtb_padding(void)
{
	struct cl_boot_spec sp;
	struct cl_boot *bt = NULL;
	const uint8_t *prop;
	int len = 0, chosen, rc;
	bool zero = false;

	spec_init(&sp, img0, false);
	sp.popts.cmdline = "console=ttyS0"; /* 14 bytes: 2 of padding */
	rc = cl_boot_plan(ctx, &sp, NULL, &bt);
	if (!rc && bt->dtb) {
		chosen = fdt_path_offset(bt->dtb->bytes, "/chosen");
		prop = fdt_getprop(bt->dtb->bytes, chosen, "bootargs", &len);
		zero = prop && len == 14 && !prop[14] && !prop[15];
	}
	ok(zero, "patched DTB: the padding after /chosen/bootargs is zeros "
	   "(no uninitialised host bytes reach the card)");
	cl_boot_free(bt);
}

static void test_not_loaded(void)
{
	struct vrun v;

	fresh_card();
	verify_main(false, &v);
	ok(v.rc == CL_E_VERIFY &&
	   v.out.first_diff_addr == ref->plan[0]->base &&
	   v.out.found == 0xee && v.out.bytes_compared == 0,
	   "a card never loaded differs at the first byte of image 0");
	ok(v.writes == 0 && v.ram_same, "... and is left untouched");
}

int main(void)
{
	ctx = cl_ctx_new();
	if (!ctx) {
		printf("Bail out! cl_ctx_new failed\n");
		return 1;
	}
	mallopt(M_PERTURB, 0x5a); /* uninitialised heap bytes are not zero */
	cardram_board(&board, "verify-test", MB, 0x1000);
	make_files();
	if (!load_ref()) {
		test_same();
		test_bytes();
		test_different();
		test_dtb_padding();
		test_not_loaded();
	}
	cl_boot_free(ref);
	cleanup_files();
	cardram_free();
	cl_ctx_free(ctx);
	return tap_done();
}
