/* decompress.h - compressed image formats, recognised by magic, one entry each
 *
 * image.c keeps the table; a format this build cannot decompress still has an
 * entry (with run == NULL) so the user is told what the file is. Adding a
 * decompressor is one file with a run function and one changed entry.
 */
#ifndef CL_DECOMPRESS_H
#define CL_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

struct cl_ctx;

struct cl_decomp {
	const char *name;          /* "gzip": img->compression and messages */
	const uint8_t *magic;      /* the file starts with these bytes */
	size_t magic_len;
	/*
	 * Decompress all of in[0, in_len) into out[0, out_cap) and set
	 * *out_len. The input must be exactly one complete stream: truncated,
	 * corrupt or trailing input fails with CL_E_DECOMP and a message that
	 * names the file (name). If the stream holds more than out_cap bytes,
	 * stop as soon as that is known and return CL_E_TOOBIG without a
	 * message: the caller knows which cap out_cap is and says so. Never
	 * write past out_cap. NULL when this build has no support.
	 */
	int (*run)(struct cl_ctx *ctx, const char *name, const uint8_t *in,
		   size_t in_len, uint8_t *out, size_t out_cap,
		   size_t *out_len);
};

/* The entry whose magic starts data[0, len), or NULL. */
const struct cl_decomp *cl_decomp_find(const uint8_t *data, size_t len);

/* decompress_gzip.c: one gzip member (RFC 1952), through zlib. */
int cl_gunzip(struct cl_ctx *ctx, const char *name, const uint8_t *in,
	      size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len);

#endif /* CL_DECOMPRESS_H */
