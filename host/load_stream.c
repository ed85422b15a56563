/* SPDX-License-Identifier: GPL-2.0-or-later */
/* load_stream.c - write a streamed (low-memory) image to the card
 *
 * One more pass over the decompressed image, a chunk at a time and in file
 * order: the relocation and --set patches that fall in the chunk are applied
 * to it, the parts of it that belong to segments are written (zero pages
 * over holes left out, as for whole images), read back and compared at
 * once, and both digests of each segment are carried along. Then bss is
 * zeroed and read back. The pass must reproduce the bytes the opening
 * passes saw (length and CRC), or the load fails with the card held.
 * cl_boot_verify runs the same pass to compare only (verify.c): nothing
 * is written, each part of a segment is compared with the card instead.
 */
#include <stdlib.h>
#include "internal.h"
#include "stream.h"
#include "transport.h"

struct sload {
	struct cl_ctx *ctx;
	const struct cl_plan *p;
	struct cl_tp *tp;
	const struct cl_load_opts *o;
	struct cl_load_result *res;
	struct cl_verify *v;	/* compare only (cl_boot_verify), or NULL */
	uint32_t *order;	/* patch indices by offset, then by index */
	size_t next;		/* first patch that may reach the next chunk */
	uint32_t *file_crc, *img_crc;
	uint8_t *vbuf;		/* read-back */
	uint64_t done, total;
};

static int by_src(const void *a, const void *b, void *arg)
{
	const struct cl_patch *pt = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;

	if (pt[i].src != pt[j].src)
		return pt[i].src < pt[j].src ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Copy the part of bytes[0, len) meant for image offset src into chunk
 * [pos, pos+n): a patch may straddle two chunks. */
static void patch_part(uint8_t *chunk, uint64_t pos, size_t n, uint64_t src,
		       const uint8_t *bytes, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++)
		if (src + k >= pos && src + k - pos < n)
			chunk[src + k - pos] = bytes[k];
}

/* Relocations first, then --set values, as for a whole image. */
static void patch_chunk(struct sload *l, uint8_t *chunk, uint64_t pos,
			size_t n)
{
	const struct cl_plan *p = l->p;
	size_t i;

	while (l->next < p->npatch &&
	       p->patch[l->order[l->next]].src + 8 <= pos)
		l->next++;
	for (i = l->next; i < p->npatch; i++) {
		const struct cl_patch *pt = &p->patch[l->order[i]];
		uint8_t w[8];

		if (pt->src >= pos + n)
			break;
		if (pt->add) { /* aligned, so inside this chunk */
			if (pt->src < pos || pt->src + pt->width > pos + n)
				continue;
			cl_put_word(chunk + (pt->src - pos), pt->width,
				    p->img->endian, pt->value +
				    cl_get_word(chunk + (pt->src - pos),
						pt->width, p->img->endian));
			continue;
		}
		cl_put_word(w, pt->width, p->img->endian, pt->value);
		patch_part(chunk, pos, n, pt->src, w, pt->width);
	}
	for (i = 0; i < p->nset; i++)
		if (p->set[i].in_file)
			patch_part(chunk, pos, n, p->set[i].src,
				   p->set[i].bytes, p->set[i].len);
}

/* Write card [addr, addr+n) from d, read it back, compare. */
static int put(struct sload *l, unsigned i, uint64_t off, const uint8_t *d,
	       size_t n)
{
	const struct cl_plan_seg *s = &l->p->seg[i];
	uint64_t kept;
	int64_t bad;
	int rc;

	if (l->v)
		return cl_verify_part(l->v, l->p, i, off, d, n);
	rc = cl_tp_write_image(l->tp, s->addr + off, d, n, &kept);
	if (rc)
		return rc;
	l->res->bytes_written += n - kept;
	l->res->bytes_in_place += kept;
	if (l->o->no_verify)
		return 0;
	rc = cl_tp_flush(l->tp);
	if (!rc)
		rc = cl_read_compare(l->ctx, l->tp, s->addr + off, d, n, l->vbuf,
				     &bad);
	if (rc || bad < 0)
		return rc;
	return cl_verify_error(l->ctx, l->tp, s, NULL, off + (uint64_t)bad,
			       l->vbuf);
}

/* Route chunk [pos, pos+n) to every segment whose file bytes it holds. */
static int route(struct sload *l, uint8_t *chunk, uint64_t pos, size_t n)
{
	unsigned i;
	int rc;

	patch_chunk(l, chunk, pos, n);
	for (i = 0; i < l->p->nseg; i++) {
		const struct cl_plan_seg *s = &l->p->seg[i];
		uint64_t a = s->src > pos ? s->src : pos;
		uint64_t b = s->src + s->filesz < pos + n ? s->src + s->filesz :
							    pos + n;

		if (a >= b)
			continue;
		if (cl_interrupted(l->ctx))
			return CL_E_INTR;
		rc = put(l, i, a - s->src, chunk + (a - pos), (size_t)(b - a));
		if (rc)
			return rc;
		cl_digest_part(l->p, i, chunk + (a - pos), a - s->src,
			       b - s->src, l->file_crc, l->img_crc);
		l->done += b - a;
		if (!l->v) /* cl_verify_part reports its own */
			cl_progress(l->ctx, "write", l->done, l->total);
	}
	return 0;
}

/* bss: zero what is not known zero, then read all of it back. */
static int zero_bss(struct sload *l)
{
	unsigned i;
	int rc;

	for (i = 0; i < l->p->nseg; i++) {
		const struct cl_plan_seg *s = &l->p->seg[i];
		uint64_t len = s->memsz - s->filesz, zdone;
		int64_t bad;

		if (l->v) {
			rc = cl_verify_part(l->v, l->p, i, s->filesz, NULL,
					    len);
			if (rc)
				return rc;
			continue;
		}
		rc = cl_tp_zero(l->tp, s->addr + s->filesz, len, &zdone);
		if (rc)
			return rc;
		l->res->bytes_zeroed += zdone;
		if (!l->o->no_verify) {
			rc = cl_read_compare(l->ctx, l->tp, s->addr + s->filesz,
					     NULL, len, l->vbuf, &bad);
			if (rc)
				return rc;
			if (bad >= 0)
				return cl_verify_error(l->ctx, l->tp, s, NULL,
						       s->filesz +
						       (uint64_t)bad, l->vbuf);
		}
		l->done += len;
		cl_progress(l->ctx, "write", l->done, l->total);
	}
	return l->v ? 0 : cl_tp_flush(l->tp);
}

static int stream_all(struct sload *l)
{
	const struct cl_image *img = l->p->img;
	struct cl_stream *s = NULL;
	uint8_t *chunk;
	size_t n;
	int rc;

	rc = cl_stream_open(l->ctx, img->path, img_in(img)->fmt,
			    img_in(img)->map, img_in(img)->map_size, true,
			    img->size, img_in(img)->mem_limit, &s);
	while (!rc) {
		uint64_t pos = s->out_pos;

		rc = cl_stream_next(s, &chunk, &n);
		if (rc || !n)
			break;
		rc = route(l, chunk, pos, n);
	}
	if ((rc && s && s->over_cap) || (!rc && (s->out_pos != img->size ||
						 s->crc != img_in(img)->stream_crc)))
		rc = cl_seterr(l->ctx, CL_E_FILE, "'%s' changed while it was "
			       "being %s", img->path, l->v ? "compared with "
			       "the card" : "loaded; card left held");
	cl_stream_close(s);
	return rc;
}

int cl_load_streamed(struct cl_ctx *ctx, const struct cl_plan *plan,
		     struct cl_tp *tp, const struct cl_load_opts *o,
		     struct cl_load_result *res, struct cl_verify *v)
{
	unsigned nseg = plan->nseg ? plan->nseg : 1;
	struct sload l = { .ctx = ctx, .p = plan, .tp = tp, .o = o,
			   .res = res, .v = v,
			   .total = plan->load_bytes + plan->zero_bytes };
	double t0 = cl_now_ms();
	size_t i;
	int rc;

	l.order = malloc((plan->npatch ? plan->npatch : 1) * sizeof(*l.order));
	l.file_crc = calloc(2 * nseg, sizeof(uint32_t));
	l.vbuf = malloc(CL_VERIFY_CHUNK);
	if (!l.order || !l.file_crc || !l.vbuf) {
		rc = cl_seterr(ctx, CL_E_NOMEM, "out of memory");
		goto out;
	}
	l.img_crc = l.file_crc + nseg;
	for (i = 0; i < plan->npatch; i++)
		l.order[i] = (uint32_t)i;
	qsort_r(l.order, plan->npatch, sizeof(*l.order), by_src,
		(void *)plan->patch);
	rc = stream_all(&l);
	if (!rc)
		rc = zero_bss(&l);
	if (!rc) {
		cl_load_digests(plan, l.file_crc, l.img_crc, res);
		res->verified = !o->no_verify;
	}
	res->ms_write = cl_now_ms() - t0;
out:
	free(l.order);
	free(l.file_crc);
	free(l.vbuf);
	return rc;
}
