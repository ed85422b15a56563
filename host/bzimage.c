/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bzimage.c - the x86 Linux bzImage: find its compressed ELF payload
 *
 * A bzImage is recognised by its setup header (Documentation/arch/x86/
 * boot.rst), never by its name: "HdrS" at 0x202, the boot protocol version
 * at 0x206. From protocol 2.08 on the header says where the compressed
 * kernel is: payload_offset and payload_length, counted from the start of
 * the protected-mode code at (setup_sects + 1) * 512. Every field is
 * checked against the file before it is used. The payload is sniffed by
 * its magic: gzip, zstd and xz go to the decoders of decompress.h; the
 * other methods the kernel knows are refused by name. The kernel's build
 * appends the uncompressed size (u32, little-endian) to every method but
 * gzip, whose own trailer holds it: that word is cut off the stream and
 * kept as a size hint. image.c decompresses and requires an ELF.
 */
#include <inttypes.h>
#include "decompress.h"
#include "internal.h"

#define BZ_SETUP_SECTS 0x1f1    /* u8: 512-byte setup sectors, 0 means 4 */
#define BZ_MAGIC       0x202    /* "HdrS" */
#define BZ_VERSION     0x206    /* u16 */
#define BZ_PAYLOAD_OFF 0x248    /* u32, from the protected-mode code */
#define BZ_PAYLOAD_LEN 0x24c    /* u32 */
#define BZ_HDR_END     0x250    /* the 2.08 header's fields end here */
#define BZ_MIN_VERSION 0x0208   /* the first with payload_offset/_length */

static const char bz_magic[4] = { 'H', 'd', 'r', 'S' };

/* Methods cardload decodes (a table of its own: image.c's is above it) */
static const struct cl_decomp *const decoded[] = {
	&cl_decomp_gzip,
	&cl_decomp_zstd,
	&cl_decomp_xz,
};

/* Methods the kernel may use and cardload does not decode. */
static const struct {
	const char *name;
	uint8_t magic[4];
	size_t len;
} refused[] = {
	{ "bzip2", { 'B', 'Z', 'h' }, 3 },
	{ "lzma", { 0x5d, 0x00, 0x00 }, 3 },
	{ "lzo", { 0x89, 'L', 'Z', 'O' }, 4 },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
};

bool cl_bzimage_sniff(const uint8_t *data, size_t len)
{
	return len >= BZ_MAGIC + sizeof(bz_magic) &&
	       !memcmp(data + BZ_MAGIC, bz_magic, sizeof(bz_magic));
}

/* The payload's first bytes as "xx xx xx xx" for a message. */
static void head_hex(const uint8_t *p, size_t len, char out[16])
{
	size_t i, n = len < 4 ? len : 4;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + 3 * i, 16 - 3 * i, "%02x ", p[i]);
	if (n)
		out[3 * n - 1] = '\0';
}

static int payload_format(struct cl_ctx *ctx, const char *name,
			  const uint8_t *p, size_t len, struct cl_bzimage *bz)
{
	char head[16];
	size_t i;

	for (i = 0; i < sizeof(decoded) / sizeof(decoded[0]); i++) {
		const struct cl_decomp *d = decoded[i];

		if ((len >= d->magic_len && !memcmp(p, d->magic, d->magic_len))
		    || (d->sniff && d->sniff(p, len))) {
			bz->fmt = d;
			return 0;
		}
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (len >= refused[i].len &&
		    !memcmp(p, refused[i].magic, refused[i].len))
			return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage "
					 "payload is %s-compressed; cardload "
					 "decodes gzip, zstd and xz kernels",
					 name, refused[i].name);
	head_hex(p, len, head);
	return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage payload's "
			 "compression is not recognised (starts with %s)",
			 name, head);
}

int cl_bzimage_parse(struct cl_ctx *ctx, const char *name,
		     const uint8_t *data, size_t len, struct cl_bzimage *bz)
{
	uint64_t pm, off, end;
	uint32_t plen;
	unsigned ss;
	int rc;

	memset(bz, 0, sizeof(*bz));
	if (!cl_bzimage_sniff(data, len))
		return cl_seterr(ctx, CL_E_FORMAT, "'%s' has no bzImage setup "
				 "header (no \"HdrS\" at 0x%x)", name,
				 BZ_MAGIC);
	if (len < BZ_VERSION + 2)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage setup header "
				 "cut short at %zu bytes", name, len);
	bz->version = (uint16_t)le_get(data + BZ_VERSION, 2);
	if (bz->version < BZ_MIN_VERSION)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage boot protocol "
				 "%u.%02u (0x%04x) is older than 2.08, which "
				 "first says where the kernel is", name,
				 bz->version >> 8, bz->version & 0xff,
				 bz->version);
	if (len < BZ_HDR_END)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage setup header "
				 "cut short at %zu bytes (protocol 2.08 needs "
				 "%u)", name, len, BZ_HDR_END);
	ss = data[BZ_SETUP_SECTS];
	bz->setup_sects = ss ? ss : 4;
	pm = ((uint64_t)bz->setup_sects + 1) * 512;
	bz->pm_offset = pm;
	if (pm > len)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage setup_sects %u "
				 "puts the protected-mode code at 0x%" PRIx64
				 ", past the end of the file (0x%zx bytes)",
				 name, bz->setup_sects, pm, len);
	bz->payload_offset = (uint32_t)le_get(data + BZ_PAYLOAD_OFF, 4);
	bz->payload_length = (uint32_t)le_get(data + BZ_PAYLOAD_LEN, 4);
	plen = bz->payload_length;
	if (cl_add_ovf(pm, bz->payload_offset, &off) || off >= len)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage payload_offset "
				 "0x%" PRIx32 " (at 0x%" PRIx64 ") is outside "
				 "the file (0x%zx bytes)", name,
				 bz->payload_offset, pm + bz->payload_offset,
				 len);
	if (plen < 4 || cl_add_ovf(off, plen, &end) || end > len)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s': bzImage payload_length "
				 "0x%" PRIx32 " at 0x%" PRIx64 " is outside the "
				 "file (0x%zx bytes)", name, plen, off, len);
	rc = payload_format(ctx, name, data + off, plen, bz);
	if (rc)
		return rc;
	/* the last word is the uncompressed size: gzip's own ISIZE, or
	 * the one the kernel's build appended to the stream */
	bz->size_hint = (uint32_t)le_get(data + end - 4, 4);
	bz->stream_offset = off;
	bz->stream_size = bz->fmt == &cl_decomp_gzip ? plen : plen - 4u;
	return 0;
}
