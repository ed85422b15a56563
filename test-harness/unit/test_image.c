/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_image.c - reading images: sniffing, gzip under caps, raw and ELF kinds
 *
 * Every gzip stream is built here with zlib, and the broken ones are made by
 * editing good ones or by assembling header + raw deflate + trailer by hand
 * (BAD-INPUTS 1-5).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "decompress.h"
#include "internal.h"
#include "elfgen.h"
#include "tap.h"

static struct cl_ctx *ctx;	/* imgfail.h uses it */
#include "imgfail.h"

static char tmpdir[] = "/tmp/test_image.XXXXXX";

struct buf {
	uint8_t *p;
	size_t n;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	return p;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint8_t rnd8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)rng;
}

/* windowBits 31: a gzip wrapper; -15: raw deflate */
static struct buf deflate_buf(const void *data, size_t len, int wbits)
{
	struct buf b;
	z_stream zs = { 0 };

	if (deflateInit2(&zs, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY)) {
		printf("Bail out! deflateInit2 failed\n");
		exit(1);
	}
	b.n = deflateBound(&zs, len) + 64;
	b.p = xmalloc(b.n);
	zs.next_in = (Bytef *)data;
	zs.avail_in = len;
	zs.next_out = b.p;
	zs.avail_out = b.n;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		printf("Bail out! deflate did not finish\n");
		exit(1);
	}
	b.n = zs.total_out;
	deflateEnd(&zs);
	return b;
}

static struct buf gz(const void *data, size_t len)
{
	return deflate_buf(data, len, 31);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* A hand-made member: hdr (the caller's header bytes), deflate, trailer. */
static struct buf gz_hand(const uint8_t *hdr, size_t hlen, const void *data,
			  size_t len)
{
	struct buf d = deflate_buf(data, len, -15), b;

	b.n = hlen + d.n + 8;
	b.p = xmalloc(b.n);
	memcpy(b.p, hdr, hlen);
	memcpy(b.p + hlen, d.p, d.n);
	put_le32(b.p + hlen + d.n, crc32(0, data, len));
	put_le32(b.p + hlen + d.n + 4, (uint32_t)len);
	free(d.p);
	return b;
}

static struct buf concat(struct buf a, const void *p, size_t n)
{
	struct buf b;

	b.n = a.n + n;
	b.p = xmalloc(b.n);
	memcpy(b.p, a.p, a.n);
	memcpy(b.p + a.n, p, n);
	return b;
}


/* One call that must fail with want, and a message with name and needles. */

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

/* The whole file equals p[0, n). */
static int file_is(const char *path, const void *p, size_t n)
{
	uint8_t *got = xmalloc(n + 1);
	FILE *f = fopen(path, "rb");
	size_t r;

	if (!f) {
		free(got);
		return 0;
	}
	r = fread(got, 1, n + 1, f);
	fclose(f);
	r = r == n && !memcmp(got, p, n);
	free(got);
	return (int)r;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_table(void)
{
	const struct cl_decomp *d;

	d = cl_decomp_find((const uint8_t *)"\x1f\x8b\x08", 3);
	ok(d && !strcmp(d->name, "gzip") && d->run, "table: gzip found, "
	   "with a decompressor");
	d = cl_decomp_find((const uint8_t *)"\x28\xb5\x2f\xfd\x00", 5);
	ok(d && !strcmp(d->name, "zstd") && d->run && d->size_hint &&
	   d->open && d->step && d->close, "table: zstd found, whole and "
	   "streaming decoders");
	d = cl_decomp_find((const uint8_t *)"\xfd" "7zXZ\0", 6);
	ok(d && !strcmp(d->name, "xz") && d->run && d->size_hint &&
	   d->open && d->step && d->close, "table: xz found, whole and "
	   "streaming decoders");
	d = cl_decomp_find((const uint8_t *)"\x50\x2a\x4d\x18\0\0\0\0", 8);
	ok(d && !strcmp(d->name, "zstd"), "table: a zstd skippable frame "
	   "(0x184D2A50) is zstd");
	d = cl_decomp_find((const uint8_t *)"\x5f\x2a\x4d\x18\0\0\0\0", 8);
	ok(d && !strcmp(d->name, "zstd") &&
	   !cl_decomp_find((const uint8_t *)"\x60\x2a\x4d\x18\0\0", 6) &&
	   !cl_decomp_find((const uint8_t *)"\x50\x2a\x4d", 3),
	   "table: so is 0x184D2A5F; 0x184D2A60 and a cut one are not");
	ok(!cl_decomp_find((const uint8_t *)"\x1f", 1), "table: a lone 1f "
	   "is no magic");
	ok(!cl_decomp_find((const uint8_t *)"\x7f" "ELF", 4), "table: ELF is "
	   "not compressed");
}

static void round_trip(const char *what, const uint8_t *data, size_t len)
{
	struct cl_image_opts o = { .raw = true, .raw_addr = 0x80000000 };
	struct buf z = gz(data, len);
	struct cl_image *img = NULL;
	int rc;

	rc = cl_image_from_memory(ctx, "rt.gz", z.p, z.n, &o, &img);
	is_int(rc, 0, "%s: decompresses (%zu -> %zu bytes)", what, z.n, len);
	if (!rc) {
		ok(img->size == len && !memcmp(img->data, data, len),
		   "%s: same bytes back", what);
		ok(!strcmp(img->compression, "gzip") && img->file_size == z.n &&
		   img->kind == CL_KIND_RAW && img->raw_addr == 0x80000000,
		   "%s: compression, file size, kind recorded", what);
		ok(img_in(img)->map == img->data &&
		   img_in(img)->map_size >= len &&
		   img_in(img)->map_size - len < (size_t)sysconf(_SC_PAGESIZE),
		   "%s: reservation trimmed to the output", what);
		img->data[len - 1] ^= 0xff;	/* private and writable */
	} else {
		diag("message: %s", cl_errmsg(ctx));
	}
	cl_image_free(img);
	free(z.p);
}

static void test_round_trips(void)
{
	size_t n = 1 << 20, i;
	uint8_t *d = xmalloc(8 << 20);

	for (i = 0; i < n; i++)
		d[i] = rnd8();
	round_trip("random 1 MiB", d, n);
	memset(d, 0, 8 << 20);
	for (i = 0; i < (8 << 20); i += 512)
		d[i] = rnd8();
	round_trip("zero-heavy 8 MiB", d, 8 << 20);
	free(d);
}

/* A small valid ELF built by elfgen, and the same with a broken header. */
static uint8_t *tiny_elf(size_t *len, bool broken)
{
	static const struct egen_seg seg = {
		.vaddr = 0x80000000, .paddr = 0x80000000, .filesz = 64,
		.memsz = 128, .align = 16, .flags = PF_R | PF_X, .fill = 0x13,
	};
	const struct egen_spec spec = {
		.elfclass = ELFCLASS64, .endian = ELFDATA2LSB,
		.machine = EM_RISCV, .type = ET_EXEC, .entry = 0x80000000,
		.nseg = 1, .seg = &seg,
	};
	uint8_t *e = egen_build(&spec, len);

	if (broken)
		e[EI_VERSION] = 7;
	return e;
}

static void test_kinds(void)
{
	struct cl_image_opts raw = { .raw = true, .raw_addr = 0x1000 };
	static const uint8_t mz[64] = { 'M', 'Z', 0x90, 0x00, 0x03 };
	struct cl_image *img = NULL;
	size_t elen;
	uint8_t *elf = tiny_elf(&elen, false);
	uint8_t *bad = tiny_elf(&elen, true);
	struct buf z;
	int rc;

	rc = cl_image_from_memory(ctx, "e.elf", elf, elen, &raw, &img);
	ok(!rc && img->kind == CL_KIND_RAW && img->raw_addr == 0x1000 &&
	   img->nseg == 0 && !strcmp(img->compression, "none"),
	   "raw: ELF magic is kept as a raw binary, not parsed");
	cl_image_free(img);

	rc = cl_image_from_memory(ctx, "e.elf", elf, elen, NULL, &img);
	ok(!rc && img->kind == CL_KIND_ELF && img->size == elen &&
	   img->nseg == 1 && img->machine == EM_RISCV,
	   "elf: ELF magic goes to the ELF parser");
	cl_image_free(img);

	z = gz(elf, elen);
	rc = cl_image_from_memory(ctx, "e.elf.gz", z.p, z.n, NULL, &img);
	ok(!rc && img->kind == CL_KIND_ELF && img->size == elen &&
	   !strcmp(img->compression, "gzip") && img->nseg == 1,
	   "elf.gz: decompressed, then parsed as ELF");
	cl_image_free(img);
	free(z.p);

	rc = cl_image_from_memory(ctx, "f.elf", bad, elen, NULL, &img);
	ok(rc == CL_E_ELF && !img && strstr(cl_errmsg(ctx), "'f.elf'"),
	   "elf: a parse error is returned and the image released");
	free(elf);
	free(bad);

	expect_fail("not ELF", "x.bin", mz, sizeof(mz), NULL, CL_E_FORMAT,
		    "(starts with 4d 5a 90 00)", "use --addr");
	expect_fail("not ELF, 2 bytes", "y.bin", mz, 2, NULL, CL_E_FORMAT,
		    "(starts with 4d 5a);", NULL);
	z = gz(mz, sizeof(mz));
	expect_fail("gzip of not ELF", "x.bin.gz", z.p, z.n, NULL,
		    CL_E_FORMAT, "starts with 4d 5a 90 00", NULL);
	free(z.p);
	z = gz("", 0);
	expect_fail("gzip of nothing", "e.gz", z.p, z.n, NULL, CL_E_FORMAT,
		    "empty", NULL);
	free(z.p);
	expect_fail("empty buffer", "none.bin", mz, 0, NULL, CL_E_FORMAT,
		    "'none.bin' is empty", NULL);
	/* a magic and a few bytes: decoded, and refused as cut short */
	expect_fail("zstd, 6 bytes", "x.zst", "\x28\xb5\x2f\xfd\x01\x02", 6,
		    NULL, CL_E_DECOMP, "truncated zstd stream",
		    "frame at offset 0 is cut short");
	expect_fail("xz, 8 bytes", "x.xz", "\xfd" "7zXZ\0\0\0", 8, NULL,
		    CL_E_DECOMP, "truncated xz stream", NULL);
}

static void test_files(void)
{
	struct cl_image_opts raw = { .raw = true };
	struct cl_image *img = (struct cl_image *)&img;
	char path[256], gzpath[256], empty[256];
	uint8_t data[10000];
	struct buf z;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(data); i++)
		data[i] = rnd8();
	snprintf(path, sizeof(path), "%s/plain.bin", tmpdir);
	snprintf(gzpath, sizeof(gzpath), "%s/plain.bin.gz", tmpdir);
	snprintf(empty, sizeof(empty), "%s/empty.bin", tmpdir);
	write_file(path, data, sizeof(data));
	z = gz(data, sizeof(data));
	write_file(gzpath, z.p, z.n);
	write_file(empty, "", 0);

	rc = cl_image_open(ctx, path, &raw, &img);
	is_int(rc, 0, "file: uncompressed file opens");
	if (!rc) {
		ok(img->size == sizeof(data) && img->file_size == sizeof(data)
		   && !memcmp(img->data, data, sizeof(data)) &&
		   !strcmp(img->compression, "none") &&
		   !strcmp(img->path, path), "file: bytes, sizes, path");
		memset(img->data, 0xa5, 4096);
		img->data[sizeof(data) - 1] ^= 1;
		ok(file_is(path, data, sizeof(data)), "file: writing "
		   "img->data leaves the file alone");
		cl_image_free(img);
		ok(file_is(path, data, sizeof(data)), "file: still unchanged "
		   "after cl_image_free");
	}

	rc = cl_image_open(ctx, gzpath, &raw, &img);
	ok(!rc && img->size == sizeof(data) && img->file_size == z.n &&
	   !memcmp(img->data, data, sizeof(data)) &&
	   !strcmp(img->compression, "gzip"), "file: gzip file decompresses");
	if (!rc)
		cl_image_free(img);
	free(z.p);

	img = (struct cl_image *)&img;
	rc = cl_image_open(ctx, empty, NULL, &img);
	is_int(rc, CL_E_FORMAT, "file: empty file is CL_E_FORMAT");
	ok(!img && has(empty) && has("is empty"), "file: message names "
	   "the empty file");

	snprintf(path, sizeof(path), "%s/missing.elf", tmpdir);
	rc = cl_image_open(ctx, path, NULL, &img);
	is_int(rc, CL_E_FILE, "file: missing file is CL_E_FILE");
	if (!ok(has("cannot open '") && has(path) &&
		has("No such file or directory"), "file: message says "
		"cannot open and why"))
		diag("message: %s", cl_errmsg(ctx));

	rc = cl_image_open(ctx, tmpdir, NULL, &img);
	ok(rc == CL_E_FILE && has(tmpdir) && has("not a regular file"),
	   "file: a directory is refused");

	unlink(gzpath);
	unlink(empty);
	snprintf(path, sizeof(path), "%s/plain.bin", tmpdir);
	unlink(path);
}

static void test_caps(void)
{
	size_t big = 64 << 20, n = 100000, i;
	uint8_t *zeros = calloc(1, big), *d = xmalloc(n);
	struct cl_image_opts o = { .raw = true };
	struct cl_image *img = NULL;
	struct buf z, zd;
	unsigned r;
	double t;
	int rc;

	if (!zeros) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	z = gz(zeros, big);
	free(zeros);
	diag("64 MiB of zeros compress to %zu bytes", z.n);

	o.max_size = 1 << 20;
	o.max_ratio = 100000;
	t = now_ms();
	expect_fail("bomb, size cap", "bomb.gz", z.p, z.n, &o, CL_E_TOOBIG,
		    "decompresses to more than 1048576 bytes (size cap)",
		    "use --max-size");
	diag("refused in %.1f ms", now_ms() - t);

	o.max_size = 0;
	o.max_ratio = 100;
	expect_fail("bomb, ratio cap", "bomb.gz", z.p, z.n, &o, CL_E_TOOBIG,
		    "expands more than 100 times (ratio cap)",
		    "use --max-ratio");

	o.max_ratio = 0;
	rc = cl_image_from_memory(ctx, "bomb.gz", z.p, z.n, &o, &img);
	if ((uint64_t)z.n * CL_DEFAULT_MAX_RATIO < big)
		ok(rc == CL_E_TOOBIG && has("expands more than 1024 times"),
		   "bomb: the default ratio cap is 1024");
	else
		ok(rc == 0 && img->size == big, "bomb: within the default "
		   "ratio cap of 1024, it decompresses");
	cl_image_free(img);
	img = NULL;

	o.max_ratio = 100000;
	o.max_size = big;
	rc = cl_image_from_memory(ctx, "bomb.gz", z.p, z.n, &o, &img);
	ok(rc == 0 && img->size == big, "caps: output exactly max_size is "
	   "accepted");
	cl_image_free(img);
	img = NULL;
	o.max_size = big - 1;
	expect_fail("caps: max_size one short", "bomb.gz", z.p, z.n, &o,
		    CL_E_TOOBIG, "more than 67108863 bytes", NULL);
	free(z.p);

	for (i = 0; i < n; i++)
		d[i] = i % 7 ? 0 : rnd8();
	zd = gz(d, n);
	o.max_size = 0;
	o.max_ratio = (unsigned)((n + zd.n - 1) / zd.n);
	rc = cl_image_from_memory(ctx, "r.gz", zd.p, zd.n, &o, &img);
	ok(rc == 0 && img->size == n, "caps: ratio %u just fits", o.max_ratio);
	cl_image_free(img);
	img = NULL;
	r = o.max_ratio - 1;
	o.max_ratio = r;
	expect_fail("caps: ratio one lower", "r.gz", zd.p, zd.n, &o,
		    CL_E_TOOBIG, "ratio cap", NULL);
	free(zd.p);

	o.max_size = n - 1;
	expect_fail("caps: uncompressed over max_size", "big.bin", d, n, &o,
		    CL_E_TOOBIG, "is more than 99999 bytes (size cap)", NULL);
	o.max_size = n;
	rc = cl_image_from_memory(ctx, "big.bin", d, n, &o, &img);
	ok(rc == 0 && img->size == n, "caps: uncompressed at max_size fits");
	cl_image_free(img);
	free(d);
}

static void test_corrupt(void)
{
	static const char text[] = "the quick brown fox jumps over the lazy "
				   "dog, again and again and again";
	struct buf z = gz(text, sizeof(text)), a, b;
	uint8_t *c = xmalloc(z.n);

	memcpy(c, z.p, z.n);
	put_le32(c + z.n - 4, 0);
	expect_fail("forged ISIZE 0", "i0.gz", c, z.n, NULL, CL_E_DECOMP,
		    "gzip data corrupt (incorrect length check)", NULL);
	put_le32(c + z.n - 4, 0xffffffff);
	expect_fail("forged ISIZE 4 GiB - 1", "i4.gz", c, z.n, NULL,
		    CL_E_DECOMP, "incorrect length check", NULL);

	memcpy(c, z.p, z.n);
	c[z.n - 8] ^= 0x01;
	expect_fail("bad CRC-32", "crc.gz", c, z.n, NULL, CL_E_DECOMP,
		    "gzip data corrupt (incorrect data check)", NULL);

	expect_fail("trailer cut by 4", "t4.gz", z.p, z.n - 4, NULL,
		    CL_E_DECOMP, "truncated gzip stream", NULL);
	expect_fail("trailer cut by 1", "t1.gz", z.p, z.n - 1, NULL,
		    CL_E_DECOMP, "truncated gzip stream", NULL);
	expect_fail("no trailer", "t8.gz", z.p, z.n - 8, NULL, CL_E_DECOMP,
		    "truncated gzip stream", NULL);
	expect_fail("cut in the middle", "half.gz", z.p, z.n / 2, NULL,
		    CL_E_DECOMP, "truncated gzip stream", NULL);
	free(c);

	a = concat(z, z.p, z.n);
	c = xmalloc(64);
	snprintf((char *)c, 64, "%zu bytes of trailing data at offset %zu",
		 z.n, z.n);
	expect_fail("two members", "two.gz", a.p, a.n, NULL, CL_E_DECOMP,
		    (char *)c, "only single-member gzip files");
	b = concat(z, "junk", 4);
	snprintf((char *)c, 64, "4 bytes of trailing data at offset %zu",
		 z.n);
	expect_fail("trailing garbage", "junk.gz", b.p, b.n, NULL,
		    CL_E_DECOMP, (char *)c, NULL);
	free(b.p);
	b = concat(z, "", 1);
	expect_fail("one trailing zero", "pad.gz", b.p, b.n, NULL,
		    CL_E_DECOMP, "1 byte of trailing data at", NULL);
	free(b.p);
	free(a.p);
	free(c);
	free(z.p);
}

static void test_headers(void)
{
	static const char text[] = "header tests need some data to deflate";
	uint8_t h[64] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	struct cl_image_opts raw = { .raw = true };
	struct cl_image *img = NULL;
	uint32_t crc;
	struct buf z;
	int rc;

	/* FHCRC: the CRC-16 is the low half of the CRC-32 of the header */
	h[3] = 0x02;
	crc = crc32(0, h, 10);
	h[10] = crc;
	h[11] = crc >> 8;
	z = gz_hand(h, 12, text, sizeof(text));
	rc = cl_image_from_memory(ctx, "hcrc.gz", z.p, z.n, &raw, &img);
	ok(rc == 0 && img->size == sizeof(text) &&
	   !memcmp(img->data, text, sizeof(text)), "header: correct FHCRC "
	   "is accepted");
	cl_image_free(img);
	img = NULL;
	z.p[10] ^= 0x5a;
	expect_fail("bad header CRC", "hcrc.gz", z.p, z.n, &raw, CL_E_DECOMP,
		    "corrupt gzip header (header crc mismatch)", NULL);
	free(z.p);

	/* FNAME: NUL-terminated, or not terminated before the end */
	h[3] = 0x08;
	memcpy(h + 10, "image.elf", 10);
	z = gz_hand(h, 20, text, sizeof(text));
	rc = cl_image_from_memory(ctx, "name.gz", z.p, z.n, &raw, &img);
	ok(rc == 0 && img->size == sizeof(text), "header: FNAME field is "
	   "skipped");
	cl_image_free(img);
	img = NULL;
	free(z.p);
	expect_fail("unterminated FNAME", "noname.gz", h, 19, &raw,
		    CL_E_DECOMP, "truncated gzip stream (it ends inside the "
		    "header)", NULL);

	/* FEXTRA longer than the file */
	h[3] = 0x04;
	h[10] = 0xff;
	h[11] = 0xff;
	memset(h + 12, 'x', 20);
	expect_fail("FEXTRA past the end", "extra.gz", h, 32, &raw,
		    CL_E_DECOMP, "inside the header", NULL);

	h[3] = 0;
	expect_fail("header of 5 bytes", "short.gz", h, 5, &raw, CL_E_DECOMP,
		    "truncated gzip stream", NULL);
	expect_fail("header of 2 bytes", "magic.gz", h, 2, &raw, CL_E_DECOMP,
		    "inside the header", NULL);
	expect_fail("header of 9 bytes", "nine.gz", h, 9, &raw, CL_E_DECOMP,
		    "inside the header", NULL);

	h[2] = 7;
	z = gz_hand(h, 10, text, sizeof(text));
	expect_fail("method 7", "m7.gz", z.p, z.n, &raw, CL_E_DECOMP,
		    "unknown compression method", NULL);
	free(z.p);
	h[2] = 8;
	h[3] = 0xe0;
	z = gz_hand(h, 10, text, sizeof(text));
	expect_fail("reserved flags", "flags.gz", z.p, z.n, &raw,
		    CL_E_DECOMP, "unknown header flags set", NULL);
	free(z.p);
}

static void test_names(void)
{
	struct cl_image_opts raw = { .raw = true };
	struct cl_image *img = NULL;
	char name[400];
	int rc;

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	rc = cl_image_from_memory(ctx, name, "abc", 3, &raw, &img);
	ok(rc == 0 && strlen(img->path) == sizeof(img->path) - 1 &&
	   !strncmp(img->path, name, sizeof(img->path) - 1),
	   "names: a long name is truncated into img->path");
	cl_image_free(img);
	rc = cl_image_from_memory(ctx, name, "abc", 3, NULL, &img);
	ok(rc == CL_E_FORMAT && strlen(cl_errmsg(ctx)) < 512,
	   "names: a long name in a message is cut, not overrun");
	cl_image_free(img);	/* NULL after a failure: must be harmless */
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	ctx = cl_ctx_new();
	if (!ctx) {
		printf("Bail out! cl_ctx_new failed\n");
		return 1;
	}
	test_table();
	test_round_trips();
	test_kinds();
	test_files();
	test_caps();
	test_corrupt();
	test_headers();
	test_names();
	cl_ctx_free(ctx);
	rmdir(tmpdir);
	return tap_done();
}
