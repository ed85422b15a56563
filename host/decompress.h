/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decompress.h - compressed image formats, recognised by magic, one entry each
 *
 * image.c keeps the table. Each format offers two ways in:
 *   run     the whole input to a flat output buffer, as fast as the host
 *           goes (libdeflate for gzip): the normal load
 *   stream  bounded memory, output in pieces (zlib, libzstd, liblzma
 *           streaming decoders): the --low-memory load, see stream.c
 * and a size hint (what the headers claim the output is) that only ever
 * chooses between the two, never sizes a buffer. Adding a format is one
 * file and one table entry.
 */
#ifndef CL_DECOMPRESS_H
#define CL_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cl_ctx;

struct cl_decomp {
	const char *name;          /* "gzip": img->compression and messages */
	const uint8_t *magic;      /* the file starts with these bytes */
	size_t magic_len;
	/* Optional: true if data starts another way the format allows
	 * (zstd: a skippable frame). */
	bool (*sniff)(const uint8_t *data, size_t len);
	/*
	 * Decompress all of in[0, in_len) into out[0, out_cap) and set
	 * *out_len. Truncated, corrupt or trailing input fails with
	 * CL_E_DECOMP and a message that names the file (name); a stream
	 * that needs more decoder memory than allowed, with CL_E_TOOBIG and
	 * a message ("decoder memory limit"). If the stream holds more than
	 * out_cap bytes, stop as soon as that is known and return
	 * CL_DECOMP_FULL without a message: the caller knows which cap
	 * out_cap is and says so. Never write past out_cap.
	 */
	int (*run)(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		   size_t in_len, uint8_t *out, size_t out_cap,
		   size_t *out_len);
	/*
	 * What the headers say the output size is, or 0 when they do not
	 * say (or the input is too short to tell). Untrusted: a hint.
	 */
	uint64_t (*size_hint)(const uint8_t *in, size_t in_len);
	/*
	 * Streaming: open a decoder that keeps at most mem_limit bytes of
	 * its own state (a stream that needs more fails with CL_E_TOOBIG and
	 * a message saying "decoder memory limit"); step consumes input at
	 * *in (advancing it and *in_len) and makes up to out_cap bytes into
	 * out (*made). in_end: nothing follows the bytes in *in. *done is
	 * set once the compressed data has ended; input left over after that
	 * is refused as run() refuses it.
	 */
	int (*open)(struct cl_ctx *ctx, const char *name, uint64_t mem_limit,
		    void **state);
	int (*step)(void *state, const uint8_t **in, size_t *in_len,
		    bool in_end, uint8_t *out, size_t out_cap, size_t *made,
		    bool *done);
	void (*close)(void *state);
};

/* run(): the output would pass out_cap (positive: not an error message). */
#define CL_DECOMP_FULL 1

/* The entry whose magic (or sniff) recognises data[0, len), or NULL. */
const struct cl_decomp *cl_decomp_find(const uint8_t *data, size_t len);

/* decompress_gzip.c: one gzip member (RFC 1952): libdeflate whole,
 * zlib streaming and for diagnosing what libdeflate refuses. */
extern const struct cl_decomp cl_decomp_gzip;
/* decompress_zstd.c: zstd frames (RFC 8878) through libzstd; content
 * sizes in frame headers are checked, never trusted. */
extern const struct cl_decomp cl_decomp_zstd;
/* decompress_xz.c: .xz streams through liblzma. */
extern const struct cl_decomp cl_decomp_xz;

/* bzimage.c: an x86 bzImage's setup header and compressed payload */
struct cl_bzimage {
	uint16_t version;          /* boot protocol, 0x020f is 2.15 */
	unsigned setup_sects;      /* 0 in the header already made 4 */
	uint64_t pm_offset;        /* protected-mode code: (setup_sects+1)*512 */
	uint32_t payload_offset;   /* the header's, from pm_offset */
	uint32_t payload_length;   /* the header's */
	const struct cl_decomp *fmt; /* the payload's compression */
	uint64_t stream_offset;    /* the compressed stream in the file */
	uint64_t stream_size;      /* without the appended size word */
	uint64_t size_hint;        /* what that word says (untrusted) */
};

/* "HdrS" at 0x202: data is a bzImage (cl_bzimage_parse checks the rest). */
bool cl_bzimage_sniff(const uint8_t *data, size_t len);
/*
 * Read and check a bzImage's setup header and find its payload's stream
 * and compression in data[0, len) (pure).
 * Return: 0, or CL_E_FORMAT with a message naming the field or method
 * (protocol older than 2.08, payload_offset or payload_length outside the
 * file, a compression cardload does not decode); *bz is then partial.
 */
int cl_bzimage_parse(struct cl_ctx *ctx, const char *name,
		     const uint8_t *data, size_t len, struct cl_bzimage *bz);

#endif /* CL_DECOMPRESS_H */
