/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image.c - read an image: sniff by magic, decompress under caps, ELF or raw
 *
 * Whatever the input, img->data ends up private and writable (the loader
 * patches relocations in host memory) and the file itself is never written:
 * an uncompressed file is mapped MAP_PRIVATE, a compressed one is inflated
 * into an anonymous MAP_NORESERVE reservation as large as the output cap, so
 * only the pages really written cost memory and nothing is ever copied to
 * grow a buffer. The format comes from the first bytes, never the file name.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "decompress.h"
#include "internal.h"

/* Inputs smaller than this are not worth a thread that sheds their pages. */
#define SHED_MIN ((size_t)4 << 20)

/* map_kind: where an image's map came from (munmap releases either) */
enum { IMG_MAP_NONE, IMG_MAP_FILE, IMG_MAP_ANON };

static const uint8_t elf_magic[] = { 0x7f, 'E', 'L', 'F' };

/* Recognised formats. */
static const struct cl_decomp *const decomps[] = {
	&cl_decomp_gzip,
	&cl_decomp_zstd,
	&cl_decomp_xz,
};

const struct cl_decomp *cl_decomp_find(const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(decomps) / sizeof(decomps[0]); i++) {
		const struct cl_decomp *d = decomps[i];

		if ((len >= d->magic_len && !memcmp(data, d->magic,
						    d->magic_len)) ||
		    (d->sniff && d->sniff(data, len)))
			return d;
	}
	return NULL;
}

static void unmap(struct cl_image *img)
{
	struct cl_image_in *in = img_in(img);

	if (in->meta)
		munmap(in->meta, in->meta_size);
	in->meta = NULL;
	in->meta_size = 0;
	if (in->map)
		munmap(in->map, in->map_size);
	in->map = NULL;
	in->map_size = 0;
	in->map_kind = IMG_MAP_NONE;
}

static int image_new(struct cl_ctx *ctx, const char *name,
		     struct cl_image **out)
{
	struct cl_image_in *in = calloc(1, sizeof(*in));
	struct cl_image *img = in ? &in->pub : NULL;

	if (!img)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory reading '%s'",
				 name);
	snprintf(img->path, sizeof(img->path), "%s", name);
	img->compression = "none";
	*out = img;
	return 0;
}

/* Map the file's bytes privately and writably into the image's map. */
static int map_file(struct cl_ctx *ctx, struct cl_image *img,
		    const char *path)
{
	struct cl_image_in *in = img_in(img);
	struct stat st;
	void *p;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cl_seterr(ctx, CL_E_FILE, "cannot open '%s': %s", path,
				 strerror(errno));
	if (fstat(fd, &st)) {
		rc = cl_seterr(ctx, CL_E_FILE, "cannot stat '%s': %s", path,
			       strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = cl_seterr(ctx, CL_E_FILE, "'%s' is not a regular file",
			       path);
		goto out_close;
	}
	if (st.st_size <= 0) {
		rc = cl_seterr(ctx, CL_E_FORMAT, "'%s' is empty", path);
		goto out_close;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		rc = cl_seterr(ctx, CL_E_TOOBIG, "'%s' is too large to map "
			       "(%jd bytes)", path, (intmax_t)st.st_size);
		goto out_close;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		rc = cl_seterr(ctx, errno == ENOMEM ? CL_E_NOMEM : CL_E_FILE,
			       "cannot map '%s': %s", path, strerror(errno));
		goto out_close;
	}
	in->map = p;
	in->map_size = (size_t)st.st_size;
	in->map_kind = IMG_MAP_FILE;
	img->file_size = (uint64_t)st.st_size;
	rc = 0;
out_close:
	close(fd);
	return rc;
}

/* Copy a caller's buffer into an anonymous mapping held in the map. */
static int map_copy(struct cl_ctx *ctx, struct cl_image *img,
		    const char *name, const void *buf, size_t len)
{
	struct cl_image_in *in = img_in(img);
	void *p;

	if (!len)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s' is empty", name);
	if (!buf)
		return cl_seterr(ctx, CL_E_USAGE, "'%s': no buffer", name);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return cl_seterr(ctx, CL_E_NOMEM, "cannot allocate %zu bytes "
				 "for '%s': %s", len, name, strerror(errno));
	memcpy(p, buf, len);
	in->map = p;
	in->map_size = len;
	in->map_kind = IMG_MAP_ANON;
	img->file_size = len;
	return 0;
}

/*
 * Inflate the image's map (the input) into a fresh reservation capped by
 * the size and ratio caps; on success the output replaces the input in
 * img. hint: the headers' output size (0: unknown), for shedding the
 * input's pages.
 */
static int decompress(struct cl_ctx *ctx, struct cl_image *img,
		      const char *name, const struct cl_decomp *d,
		      const uint8_t *src, size_t src_len, uint64_t hint,
		      const struct cl_image_opts *opts)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct cl_image_in *in = img_in(img);
	uint64_t cap = cl_image_cap(opts, img->file_size, true);
	struct cl_shed *shed;
	size_t reserve, len, keep;
	uint8_t *out;
	int rc;

	if (cap > SIZE_MAX - page)
		return cl_seterr(ctx, CL_E_NOMEM, "cannot reserve %" PRIu64
				 " bytes to decompress '%s'; use --max-size",
				 cap, name);
	reserve = ((size_t)cap + page - 1) / page * page;
	if (!reserve)
		reserve = page;
	out = mmap(NULL, reserve, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (out == MAP_FAILED)
		return cl_seterr(ctx, CL_E_NOMEM, "cannot reserve %zu bytes to "
				 "decompress '%s': %s; use --max-size", reserve,
				 name, strerror(errno));
	madvise(in->map, in->map_size, MADV_SEQUENTIAL);
	/* a bzImage's stream is a part of the map: no shedding */
	/* 2 MiB pages where the kernel offers them: far fewer faults */
	madvise(out, reserve, MADV_HUGEPAGE);

	/* a file's pages can be dropped behind the decoder (shed.c) */
	shed = in->map_kind == IMG_MAP_FILE && in->map_size >= SHED_MIN &&
	       src == in->map ?
		       cl_shed_start(in->map, in->map_size, out, reserve,
				     hint) :
		       NULL;
	rc = d->run(ctx, name, src, src_len, out, (size_t)cap, &len);
	cl_shed_stop(shed);
	if (rc == CL_DECOMP_FULL) {
		rc = cl_image_cap_error(ctx, name, opts, img->file_size, true);
		goto out_unmap;
	}
	if (rc)
		goto out_unmap;
	if (!len) {
		rc = cl_seterr(ctx, CL_E_FORMAT, "'%s' is empty once "
			       "decompressed", name);
		goto out_unmap;
	}

	/* give back the untouched tail of the reservation */
	keep = (len + page - 1) / page * page;
	if (keep < reserve)
		munmap(out + keep, reserve - keep);
	unmap(img);
	in->map = out;
	in->map_size = keep;
	in->map_kind = IMG_MAP_ANON;
	img->data = out;
	img->size = len;
	img->compression = d->name;
	return 0;

out_unmap:
	munmap(out, reserve);
	return rc;
}

/* Half of what the kernel says is available, or 1 GiB if it does not say. */
static uint64_t default_budget(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kib = 0;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib ? (uint64_t)kib * 1024 / 2 : UINT64_C(1) << 30;
}

/* Stream (low-memory) or hold the image whole? Only files stream: a
 * caller's buffer is in memory already. */
static bool stream_it(struct cl_ctx *ctx, const struct cl_image *img,
		      const char *name, const struct cl_decomp *d,
		      uint64_t hint, const struct cl_image_opts *opts)
{
	uint64_t budget, expect, need;

	if (img_in(img)->map_kind != IMG_MAP_FILE ||
	    opts->mem_mode == CL_MEM_WHOLE)
		return false;
	if (opts->mem_mode == CL_MEM_STREAM)
		return true;
	budget = opts->mem_budget ? opts->mem_budget : default_budget();
	/* headers say how large the output is (a hint: caps still hold);
	 * when they do not, assume a typical 4:1 */
	expect = d ? hint : img->file_size;
	if (d && !expect && cl_mul_ovf(img->file_size, 4, &expect))
		expect = UINT64_MAX;
	if (cl_add_ovf(expect, d ? img->file_size : 0, &need))
		need = UINT64_MAX;
	if (need <= budget)
		return false;
	cl_log(ctx, CL_LOG_INFO, "'%s': about %" PRIu64 " bytes to hold whole,"
	       " over the memory budget of %" PRIu64 ": streaming it "
	       "(low-memory)", name, need, budget);
	return true;
}

/* The map holds a bzImage (cl_bzimage_sniff): its payload, decompressed,
 * must be an ELF. Never streamed: the payload is one part of the file. */
static int bzimage_finish(struct cl_ctx *ctx, struct cl_image *img,
			  const char *name, const struct cl_image_opts *opts)
{
	struct cl_image_in *in = img_in(img);
	struct cl_bzimage bz;
	int rc;

	rc = cl_bzimage_parse(ctx, name, in->map, in->map_size, &bz);
	if (rc)
		return rc;
	if (opts->mem_mode == CL_MEM_STREAM)
		cl_log(ctx, CL_LOG_INFO, "'%s' is a bzImage: held whole, not "
		       "streamed (low-memory streams only plain and "
		       "compressed files)", name);
	rc = decompress(ctx, img, name, bz.fmt,
			(const uint8_t *)in->map + bz.stream_offset,
			(size_t)bz.stream_size, bz.size_hint, opts);
	if (rc)
		return rc;
	img->bzimage = true;
	img->boot_version = bz.version;
	img->payload_offset = bz.stream_offset;
	img->payload_size = bz.stream_size;
	cl_log(ctx, CL_LOG_DEBUG, "'%s': bzImage protocol 0x%04x, %s payload "
	       "of %" PRIu64 " bytes, %" PRIu64 " bytes of image", name,
	       bz.version, img->compression, bz.stream_size, img->size);
	if (img->size < sizeof(elf_magic) ||
	    memcmp(img->data, elf_magic, sizeof(elf_magic)))
		return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage payload is not "
				 "an ELF after decompression", name);
	img->kind = CL_KIND_ELF;
	return cl_elf_parse(ctx, img);
}

/* The map holds the input: decompress if needed, then decide the kind. */
static int image_finish(struct cl_ctx *ctx, struct cl_image *img,
			const char *name, const struct cl_image_opts *opts)
{
	struct cl_image_in *in = img_in(img);
	const struct cl_decomp *d = cl_decomp_find(in->map, in->map_size);
	/* what the headers say the output is: chooses, never sizes */
	uint64_t hint = d ? d->size_hint(in->map, in->map_size) : 0;
	char head[3 * sizeof(elf_magic) + 1];
	size_t i, n;
	bool elf;
	int rc;

	if (!opts->raw && cl_bzimage_sniff(in->map, in->map_size))
		return bzimage_finish(ctx, img, name, opts);
	if (stream_it(ctx, img, name, d, hint, opts)) {
		rc = cl_image_stream(ctx, img, name, d, opts);
		if (rc)
			return rc;
	} else if (d) {
		rc = decompress(ctx, img, name, d, in->map, in->map_size,
				hint, opts);
		if (rc)
			return rc;
	} else {
		if (in->map_size > cl_image_cap(opts, 0, false))
			return cl_image_cap_error(ctx, name, opts,
						  img->file_size, false);
		img->data = in->map;
		img->size = in->map_size;
	}
	cl_log(ctx, CL_LOG_DEBUG, "'%s': %s, %" PRIu64 " bytes read, %" PRIu64
	       " bytes of image", name, img->compression, img->file_size,
	       img->size);

	elf = img->size >= sizeof(elf_magic) &&
	      !memcmp(img->data, elf_magic, sizeof(elf_magic));
	if (opts->raw) {
		img->kind = CL_KIND_RAW;
		img->raw_addr = opts->raw_addr;
		if (elf)
			cl_log(ctx, CL_LOG_WARN, "'%s' is an ELF image, loaded "
			       "as a raw binary as asked", name);
		return 0;
	}
	if (elf) {
		img->kind = CL_KIND_ELF;
		return cl_elf_parse(ctx, img);
	}

	/* "4d 5a 90 00": the first bytes, so the user sees what it is */
	n = img->size < sizeof(elf_magic) ? img->size : sizeof(elf_magic);
	head[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(head + 3 * i, sizeof(head) - 3 * i, "%02x ",
			 img->data[i]);
	if (n)
		head[3 * n - 1] = '\0';
	return cl_seterr(ctx, CL_E_FORMAT, "'%s' is not an ELF image (starts "
			 "with %s); use --addr to load it as a raw binary",
			 name, head);
}

static const struct cl_image_opts no_opts;

int cl_image_open(struct cl_ctx *ctx, const char *path,
		  const struct cl_image_opts *opts, struct cl_image **out)
{
	struct cl_image *img = NULL;
	int rc;

	if (!out)
		return cl_seterr(ctx, CL_E_USAGE, "cl_image_open: out is NULL");
	*out = NULL;
	if (!path || !*path)
		return cl_seterr(ctx, CL_E_USAGE, "no image file given");
	if (!opts)
		opts = &no_opts;
	rc = image_new(ctx, path, &img);
	if (rc)
		return rc;
	rc = map_file(ctx, img, path);
	if (!rc)
		rc = image_finish(ctx, img, path, opts);
	if (rc) {
		cl_image_free(img);
		return rc;
	}
	*out = img;
	return 0;
}

int cl_image_from_memory(struct cl_ctx *ctx, const char *name,
			 const void *buf, size_t len,
			 const struct cl_image_opts *opts,
			 struct cl_image **out)
{
	struct cl_image *img = NULL;
	int rc;

	if (!out)
		return cl_seterr(ctx, CL_E_USAGE,
				 "cl_image_from_memory: out is NULL");
	*out = NULL;
	if (!name)
		name = "(memory)";
	if (!opts)
		opts = &no_opts;
	rc = image_new(ctx, name, &img);
	if (rc)
		return rc;
	rc = map_copy(ctx, img, name, buf, len);
	if (!rc)
		rc = image_finish(ctx, img, name, opts);
	if (rc) {
		cl_image_free(img);
		return rc;
	}
	*out = img;
	return 0;
}

void cl_image_free(struct cl_image *img)
{
	if (!img)
		return;
	cl_elf_release(img);
	unmap(img);
	free(img->seg);
	free(img);
}
