/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_bzimage.c - x86 bzImages: the setup header, the payload, refusals
 *
 * Synthetic bzImages are built here: a setup header written field by field
 * (boot protocol version, setup_sects, payload_offset, payload_length)
 * around an ELF from elfgen.h compressed with zlib, libzstd or liblzma (xz
 * also with the x86 BCJ filter, as Debian's kernel), with the size word the
 * kernel's build appends to every method but gzip. cl_bzimage_parse is
 * checked on its own, then cl_image_from_memory and cl_image_open: round
 * trips, every refusal naming its field or method, every bound (offsets
 * and lengths at, past and overflowing the end of the file), the caps, a
 * raw load (--addr) that leaves the bzImage alone, --low-memory holding it
 * whole. (Debian's kernel itself: e2e/linux-x86.sh inspects and boots it.)
 */
#include <inttypes.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "decompress.h"
#include "internal.h"
#include "elfgen.h"
#include "tap.h"

static struct cl_ctx *ctx;	/* imgfail.h uses it */
#include "imgfail.h"
#include "testbuf.h"

static struct buf gzip_pack(const void *p, size_t n)
{
	return zlib_pack(p, n, 6, 31);
}

static struct buf zstd_pack(const void *p, size_t n)
{
	return zstd_simple(p, n, 19);
}

/* xz, as the kernel makes it: CRC-32, and with bcj the x86 BCJ filter
 * before LZMA2. */
static struct buf xz_pack(const void *p, size_t n, bool bcj)
{
	lzma_options_lzma lz;
	lzma_filter f[3];
	struct buf b;
	size_t pos = 0;
	unsigned i = 0;

	if (lzma_lzma_preset(&lz, 6))
		bail("lzma_lzma_preset failed");
	if (bcj)
		f[i++] = (lzma_filter){ LZMA_FILTER_X86, NULL };
	f[i++] = (lzma_filter){ LZMA_FILTER_LZMA2, &lz };
	f[i] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
	b.n = lzma_stream_buffer_bound(n);
	b.p = xmalloc(b.n);
	if (lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, p, n, b.p,
				      &pos, b.n) != LZMA_OK)
		bail("lzma_stream_buffer_encode failed");
	b.n = pos;
	return b;
}

/* ---- building a bzImage -------------------------------------------------- */

struct bzspec {
	uint16_t version;        /* 0: 0x020f */
	uint8_t setup_sects;     /* as written (0 means 4) */
	uint32_t gap;            /* bytes between the pm code and the payload */
	const struct buf *payload;
	bool size_word;          /* append the uncompressed size, as the kernel */
	uint32_t size_val;       /* the word's value */
	bool forge_off;          /* write off/len below instead of the truth */
	uint32_t off, len;
	size_t tail;             /* bytes after the payload */
};

static struct buf mk_bz(const struct bzspec *s)
{
	unsigned ss = s->setup_sects ? s->setup_sects : 4;
	size_t pm = ((size_t)ss + 1) * 512;
	size_t plen = s->payload->n + (s->size_word ? 4 : 0);
	struct buf b;

	b.n = pm + s->gap + plen + s->tail;
	b.p = calloc(1, b.n);
	if (!b.p)
		bail("out of memory");
	b.p[0] = 'M';
	b.p[1] = 'Z';
	b.p[0x1f1] = s->setup_sects;
	egen_put16(b.p + 0x1fe, ELFDATA2LSB, 0xaa55);
	memcpy(b.p + 0x202, "HdrS", 4);
	egen_put16(b.p + 0x206, ELFDATA2LSB, s->version ? s->version : 0x020f);
	egen_put32(b.p + 0x248, ELFDATA2LSB, s->forge_off ? s->off : s->gap);
	egen_put32(b.p + 0x24c, ELFDATA2LSB,
		   s->forge_off ? s->len : (uint32_t)plen);
	memcpy(b.p + pm + s->gap, s->payload->p, s->payload->n);
	if (s->size_word)
		egen_put32(b.p + pm + s->gap + s->payload->n, ELFDATA2LSB,
			   s->size_val);
	return b;
}

/* ---- the ELF inside ------------------------------------------------------ */

static const struct egen_seg x86_segs[] = {
	{ .vaddr = 0xffffffff81000000ull, .paddr = 0x1000000, .filesz = 0x3000,
	  .memsz = 0x3000, .align = 0x1000, .flags = PF_R | PF_X, .fill = 0x90,
	  .ramp = true },
	{ .vaddr = 0xffffffff81004000ull, .paddr = 0x1004000, .filesz = 0x800,
	  .memsz = 0x2000, .align = 0x1000, .flags = PF_R | PF_W, .fill = 0x5a },
};

static const struct egen_spec x86_spec = {
	.elfclass = ELFCLASS64, .endian = ELFDATA2LSB, .machine = EM_X86_64,
	.type = ET_EXEC, .entry = 0x1000000, .nseg = 2, .seg = x86_segs,
};

static struct buf elf;

static const struct cl_image_opts no_opts;

/* ---- tests ------------------------------------------------------------- */

static void round_trip(const char *what, const struct bzspec *s,
		       const char *comp)
{
	struct buf bz = mk_bz(s);
	struct cl_image *img = NULL;
	int rc = cl_image_from_memory(ctx, "vmlinuz", bz.p, bz.n, &no_opts,
				      &img);
	unsigned ss = s->setup_sects ? s->setup_sects : 4;

	is_int(rc, 0, "%s: opens", what);
	if (rc) {
		diag("message: %s", cl_errmsg(ctx));
		free(bz.p);
		return;
	}
	ok(img->bzimage && img->kind == CL_KIND_ELF, "%s: a bzImage, ELF",
	   what);
	is_int(img->boot_version, s->version ? s->version : 0x020f,
	       "%s: boot protocol", what);
	ok(!strcmp(img->compression, comp), "%s: compression %s", what,
	   img->compression);
	is_u64(img->payload_offset, (ss + 1) * 512 + s->gap,
	       "%s: payload offset", what);
	is_u64(img->payload_size, s->payload->n, "%s: payload size", what);
	is_u64(img->file_size, bz.n, "%s: file size", what);
	ok(img->size == elf.n && !memcmp(img->data, elf.p, elf.n),
	   "%s: the ELF comes back byte for byte", what);
	ok(img->machine == EM_X86_64 && img->nseg == 2 &&
	   img->seg[0].paddr == 0x1000000 && img->entry == 0x1000000,
	   "%s: loaded as any ELF", what);
	cl_image_free(img);
	free(bz.p);
}

static void test_parse(const struct buf *xz)
{
	struct bzspec s = { .setup_sects = 0, .gap = 0x1234, .payload = xz,
			    .size_word = true, .size_val = 0x12345678 };
	struct buf bz = mk_bz(&s);
	struct cl_bzimage h;

	ok(cl_bzimage_sniff(bz.p, bz.n), "sniff: HdrS at 0x202");
	ok(!cl_bzimage_sniff(bz.p, 0x205), "sniff: too short for HdrS");
	ok(!cl_bzimage_sniff(elf.p, elf.n), "sniff: an ELF is not a bzImage");
	is_int(cl_bzimage_parse(ctx, "v", bz.p, bz.n, &h), 0, "parse");
	is_int(h.version, 0x020f, "parse: version");
	is_int(h.setup_sects, 4, "parse: setup_sects 0 means 4");
	is_u64(h.pm_offset, 5 * 512, "parse: protected-mode code");
	is_u64(h.payload_offset, 0x1234, "parse: payload_offset");
	is_u64(h.payload_length, xz->n + 4, "parse: payload_length");
	ok(h.fmt == &cl_decomp_xz, "parse: xz");
	is_u64(h.stream_offset, 5 * 512 + 0x1234, "parse: stream offset");
	is_u64(h.stream_size, xz->n, "parse: size word cut off");
	is_u64(h.size_hint, 0x12345678, "parse: size hint from the word");
	free(bz.p);
}

static void expect_bz(const char *what, const struct bzspec *s, int want,
		      const char *n1, const char *n2)
{
	struct buf bz = mk_bz(s);

	expect_fail(what, "vmlinuz", bz.p, bz.n, &no_opts, want, n1, n2);
	free(bz.p);
}

static void test_refusals(const struct buf *gz, const struct buf *xz)
{
	static const struct {
		const char *what, *name;
		uint8_t magic[6];
	} other[] = {
		{ "bzip2", "bzip2", { 'B', 'Z', 'h', '9', '1', 'A' } },
		{ "lzma", "lzma", { 0x5d, 0, 0, 0x80, 0, 0xff } },
		{ "lzo", "lzo", { 0x89, 'L', 'Z', 'O', 0, 0x0d } },
		{ "lz4", "lz4", { 0x02, 0x21, 0x4c, 0x18, 1, 2 } },
		{ "unknown", "not recognised (starts with 01 02 03 04)",
		  { 1, 2, 3, 4, 5, 6 } },
	};
	struct bzspec s = { .setup_sects = 1, .payload = xz,
			    .size_word = true, .size_val = (uint32_t)elf.n };
	struct buf bz, junk;
	size_t i, plen = xz->n + 4;
	uint32_t room;

	s.version = 0x0207;
	expect_bz("protocol 2.07", &s, CL_E_FORMAT, "2.07", "older than 2.08");
	s.version = 0x0100;
	expect_bz("protocol 1.00", &s, CL_E_FORMAT, "1.00 (0x0100)", NULL);
	s.version = 0;

	/* header cut short: before the version, before payload_length */
	bz = mk_bz(&s);
	expect_fail("cut at 0x207", "vmlinuz", bz.p, 0x207, &no_opts,
		    CL_E_FORMAT, "cut short", NULL);
	expect_fail("cut at 0x24f", "vmlinuz", bz.p, 0x24f, &no_opts,
		    CL_E_FORMAT, "cut short", "2.08");
	/* protected-mode code past the end: 0x400 needs 0x400 bytes + */
	expect_fail("pm code at the end", "vmlinuz", bz.p, 0x400, &no_opts,
		    CL_E_FORMAT, "payload_offset", NULL);
	free(bz.p);
	s.setup_sects = 255;
	s.forge_off = true;
	s.off = 0;
	s.len = 4;
	bz = mk_bz(&s);
	expect_fail("setup_sects past the end", "vmlinuz", bz.p, 0x1ffff,
		    &no_opts, CL_E_FORMAT, "setup_sects 255", "0x20000");
	free(bz.p);
	s.setup_sects = 1;

	/* payload_offset and payload_length against the file */
	room = (uint32_t)plen;
	s.off = room;
	s.len = 4;
	expect_bz("payload_offset at the end", &s, CL_E_FORMAT,
		  "payload_offset", "outside");
	s.off = 0xffffffffu;
	expect_bz("payload_offset huge", &s, CL_E_FORMAT, "payload_offset",
		  "0xffffffff");
	s.off = 0;
	s.len = room + 1;
	expect_bz("payload_length one past", &s, CL_E_FORMAT,
		  "payload_length", "outside");
	s.len = 0xffffffffu;
	expect_bz("payload_length huge", &s, CL_E_FORMAT, "payload_length",
		  "0xffffffff");
	s.off = 8;
	s.len = room - 7;
	expect_bz("offset + length one past", &s, CL_E_FORMAT,
		  "payload_length", NULL);
	s.off = 0;
	s.len = 0;
	expect_bz("payload_length 0", &s, CL_E_FORMAT, "payload_length", NULL);
	s.len = 3;
	expect_bz("payload_length 3", &s, CL_E_FORMAT, "payload_length", NULL);
	s.forge_off = false;

	/* other kernel compressions, named */
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		struct buf p = { (uint8_t *)other[i].magic, 6 };
		struct bzspec o = { .setup_sects = 1, .payload = &p,
				    .size_word = true, .size_val = 100 };

		expect_bz(other[i].what, &o, CL_E_FORMAT, other[i].name,
			  i < 4 ? "gzip, zstd and xz" : "compression");
	}

	/* decompresses to something else than an ELF */
	junk = gzip_pack("#!/bin/sh\necho not a kernel\n", 28);
	s.payload = &junk;
	s.size_word = false;
	expect_bz("not an ELF", &s, CL_E_FORMAT,
		  "bzImage payload is not an ELF after decompression", NULL);
	free(junk.p);

	/* a corrupt stream and the caps */
	junk.n = xz->n;
	junk.p = xmalloc(junk.n);
	memcpy(junk.p, xz->p, junk.n);
	junk.p[junk.n / 2] ^= 0x55;
	s.payload = &junk;
	s.size_word = true;
	bz = mk_bz(&s);
	{
		struct cl_image *img = NULL;
		int rc = cl_image_from_memory(ctx, "vmlinuz", bz.p, bz.n,
					      &no_opts, &img);

		is_int(rc, CL_E_DECOMP, "corrupt xz payload: CL_E_DECOMP");
		ok(!img && has("vmlinuz"), "corrupt xz payload: named");
	}
	free(bz.p);
	free(junk.p);
	s.payload = gz;
	s.size_word = false;
	bz = mk_bz(&s);
	{
		struct cl_image_opts o = { .max_size = elf.n - 1 };

		expect_fail("size cap", "vmlinuz", bz.p, bz.n, &o, CL_E_TOOBIG,
			    "size cap", NULL);
		o.max_size = 0;
		o.max_ratio = 1;
		expect_fail("ratio cap", "vmlinuz", bz.p, bz.n, &o,
			    CL_E_TOOBIG, "ratio cap", NULL);
	}
	free(bz.p);
}

/* --addr: the file as it is; --low-memory: held whole, from a file. */
static void test_modes(const struct buf *xz)
{
	struct bzspec s = { .setup_sects = 2, .payload = xz,
			    .size_word = true, .size_val = (uint32_t)elf.n };
	struct buf bz = mk_bz(&s);
	struct cl_image_opts o = { .raw = true, .raw_addr = 0x100000 };
	char path[] = "/tmp/test_bzimage.XXXXXX";
	struct cl_image *img = NULL;
	int fd, rc;

	rc = cl_image_from_memory(ctx, "vmlinuz", bz.p, bz.n, &o, &img);
	ok(!rc && img->kind == CL_KIND_RAW && !img->bzimage &&
	   img->size == bz.n, "--addr: a bzImage is loaded raw, as it is");
	cl_image_free(img);
	img = NULL;

	fd = mkstemp(path);
	if (fd < 0 || write(fd, bz.p, bz.n) != (ssize_t)bz.n)
		bail("cannot write a temporary file");
	close(fd);
	o = (struct cl_image_opts){ .mem_mode = CL_MEM_STREAM };
	rc = cl_image_open(ctx, path, &o, &img);
	is_int(rc, 0, "--low-memory: opens");
	ok(!rc && img->bzimage && !img->streamed && img->size == elf.n &&
	   !memcmp(img->data, elf.p, elf.n), "--low-memory: held whole");
	cl_image_free(img);
	unlink(path);
	free(bz.p);
}

int main(void)
{
	struct buf gz, zst, xz, xzb;
	struct bzspec s = { 0 };

	ctx = cl_ctx_new();
	if (!ctx)
		bail("no context");
	elf.p = egen_build(&x86_spec, &elf.n);
	if (!elf.p)
		bail("egen_build failed");
	gz = gzip_pack(elf.p, elf.n);
	zst = zstd_pack(elf.p, elf.n);
	xz = xz_pack(elf.p, elf.n, false);
	xzb = xz_pack(elf.p, elf.n, true);

	s = (struct bzspec){ .setup_sects = 1, .payload = &gz };
	round_trip("gzip", &s, "gzip");
	s = (struct bzspec){ .setup_sects = 27, .gap = 0x2cc, .payload = &zst,
			     .size_word = true, .size_val = (uint32_t)elf.n };
	round_trip("zstd", &s, "zstd");
	s.payload = &xz;
	round_trip("xz", &s, "xz");
	s.payload = &xzb;
	s.version = 0x0208;
	round_trip("xz with the x86 BCJ filter, protocol 2.08", &s, "xz");
	s.setup_sects = 0;
	s.tail = 0x1000;
	s.size_val = 7;
	round_trip("setup_sects 0, bytes after the payload, a wrong size "
		   "word", &s, "xz");

	test_parse(&xz);
	test_refusals(&gz, &xz);
	test_modes(&xz);

	free(gz.p);
	free(zst.p);
	free(xz.p);
	free(xzb.p);
	free(elf.p);
	cl_ctx_free(ctx);
	return tap_done();
}
