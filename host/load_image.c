/* SPDX-License-Identifier: GPL-2.0-or-later */
/* load_image.c - one image onto the card: the writer/checker loop
 *
 * Chunks come from the image's source (source.c) in file order and are
 * patched (patch.c); each chunk's part of every segment is a piece. The
 * writer puts each piece on the card (cl_tp_write_image: zero grains over
 * holes left out), carries the CRCs of the digests along while the bytes
 * are in cache, and reports progress; then each segment's bss is zeroed
 * (cl_tp_zero) as one more piece.
 *
 * Every piece is read back and compared before anything is released:
 *   - a whole image's chunks stay valid, so pieces are checked behind the
 *     writer: in a second thread when the transport allows reads while
 *     another thread writes (the mem transport) and there is a second CPU
 *     (the card's pages are allocated by the writer while the checker
 *     compares the ones before: a verified load costs little more than an
 *     unverified one), else after all writes, in order; a difference is
 *     reported with the segment's expected and read-back digests;
 *   - a streamed chunk is gone at the next one, so its pieces are read
 *     back at once (cl_put).
 * cl_boot_verify runs the same loop to compare only (verify.c): nothing is
 * written, every piece goes to the caller's compare function.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"
#include "load.h"
#include "transport.h"

struct piece {
	unsigned seg;
	uint64_t off, len;	/* segment offsets */
	const uint8_t *d;	/* the bytes, NULL for bss */
};

struct pipe {
	struct cl_ctx *ctx;
	const struct cl_plan *p;
	struct cl_tp *tp;
	const struct cl_load_opts *o;
	struct cl_load_result *res;
	const struct cl_compare *v; /* compare only (cl_boot_verify), or NULL */
	uint32_t *file_crc, *img_crc;
	uint8_t *buf;		/* read-back: inline, or the checker's */
	uint64_t done, total;	/* progress */
	struct cl_src *src;
	struct cl_patcher *pt;
	bool defer;		/* check pieces behind the writer */
	/* pieces written, for a deferred check; writer -> checker */
	struct piece *pc;
	size_t npc, cap;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready;		/* pieces published */
	bool stop;		/* the writer is done (or failed) */
	/* the checker's outcome */
	int rc;
	unsigned bad_seg;
	uint64_t bad_off;
};

/* Room for every piece of a whole image: a segment's file bytes meet at
 * most filesz / CL_SRC_CHUNK + 2 chunks; bss is one piece. */
static int make_room(struct pipe *w)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < w->p->nseg; i++)
		n += (size_t)(w->p->seg[i].filesz / CL_SRC_CHUNK) + 3;
	w->pc = calloc(n ? n : 1, sizeof(*w->pc));
	w->cap = n;
	return w->pc ? 0 : cl_seterr(w->ctx, CL_E_NOMEM, "out of memory");
}

static void publish(struct pipe *w, bool stop)
{
	pthread_mutex_lock(&w->mu);
	w->ready = w->npc;
	w->stop = stop;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Read piece pc back and compare. */
static int check_piece(struct pipe *w, const struct piece *pc)
{
	const struct cl_plan_seg *s = &w->p->seg[pc->seg];
	int64_t bad;
	int rc;

	rc = cl_read_compare(w->ctx, w->tp, s->addr + pc->off, pc->d, pc->len,
			     w->buf, &bad);
	if (!rc && bad >= 0) {
		w->bad_seg = pc->seg;
		w->bad_off = pc->off + (uint64_t)bad;
		rc = CL_E_VERIFY; /* the message once every digest is known */
	}
	return rc;
}

static void *checker(void *arg)
{
	struct pipe *w = arg;
	size_t k;

	/* Map the image's pages (a file mapping faults them in one by one)
	 * ahead of the writer while there is nothing to check yet. */
	madvise(w->p->img->data, (size_t)w->p->img->size, MADV_POPULATE_READ);

	for (k = 0; !w->rc; k++) {
		struct piece pc;
		bool more;

		pthread_mutex_lock(&w->mu);
		while (w->ready <= k && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		more = w->ready > k;
		if (more)
			pc = w->pc[k];
		pthread_mutex_unlock(&w->mu);
		if (!more)
			break;
		w->rc = check_piece(w, &pc);
	}
	return NULL;
}

/* The writer's side of one piece: write (or compare only), digest,
 * inline read-back or hand it to the checker, progress. */
static int piece(struct pipe *w, unsigned i, uint64_t off, const uint8_t *d,
		 uint64_t len)
{
	const struct cl_plan_seg *s = &w->p->seg[i];
	struct cl_put put = { .image = true, .buf = w->buf, .bad = -1,
			      .no_verify = w->o->no_verify || w->defer };
	int rc;

	if (cl_interrupted(w->ctx))
		return CL_E_INTR;
	if (d)
		cl_digest_part(w->p, i, d, off, off + len, w->file_crc,
			       w->img_crc);
	if (w->v)	/* it reports its own progress */
		return w->v->part(w->v->arg, w->p, i, off, d, len);
	rc = cl_put(w->ctx, w->tp, s->addr + off, d, (size_t)len, &put);
	if (d) {
		w->res->bytes_written += len - put.kept;
		w->res->bytes_in_place += put.kept;
	} else {
		w->res->bytes_zeroed += len - put.kept;
	}
	if (rc == CL_E_VERIFY)
		return cl_verify_error(w->ctx, w->tp, s, NULL,
				       off + (uint64_t)put.bad, w->buf);
	if (rc)
		return rc;
	if (w->defer) {
		if (w->npc == w->cap)
			return cl_seterr(w->ctx, CL_E_INTERNAL, "more pieces "
					 "than counted for '%s'",
					 w->p->img->path);
		w->pc[w->npc++] = (struct piece){ i, off, len, d };
		publish(w, false);
	}
	w->done += len;
	cl_progress(w->ctx, "write", w->done, w->total);
	return 0;
}

/* Every chunk's part of every segment, then every segment's bss. */
static int write_all(struct pipe *w)
{
	const struct cl_plan *p = w->p;
	uint64_t pos;
	uint8_t *chunk;
	size_t n;
	unsigned i;
	int rc;

	for (;;) {
		rc = cl_src_next(w->src, &pos, &chunk, &n);
		if (rc || !n)
			break;
		cl_patch_chunk(w->pt, chunk, pos, n);
		for (i = 0; i < p->nseg && !rc; i++) {
			const struct cl_plan_seg *s = &p->seg[i];
			uint64_t a = s->src > pos ? s->src : pos;
			uint64_t b = s->src + s->filesz < pos + n ?
				     s->src + s->filesz : pos + n;

			if (a < b)
				rc = piece(w, i, a - s->src, chunk + (a - pos),
					   b - a);
		}
		if (rc)
			break;
	}
	for (i = 0; i < p->nseg && !rc; i++)
		if (p->seg[i].memsz > p->seg[i].filesz)
			rc = piece(w, i, p->seg[i].filesz, NULL,
				   p->seg[i].memsz - p->seg[i].filesz);
	if (!rc && !w->v)
		rc = cl_tp_flush(w->tp);
	return rc;
}

static int run(struct pipe *w)
{
	bool threaded = w->defer && w->tp->ops->concurrent_read &&
			sysconf(_SC_NPROCESSORS_ONLN) > 1;
	double t0 = cl_now_ms();
	pthread_t th;
	size_t k;
	int rc;

	if (threaded && pthread_create(&th, NULL, checker, w))
		threaded = false;
	rc = write_all(w);
	w->res->ms_write = cl_now_ms() - t0;
	t0 = cl_now_ms();
	if (threaded) {
		if (rc)
			w->npc = 0; /* nothing more to check */
		publish(w, true);
		pthread_join(th, NULL);
	} else {
		for (k = 0; k < w->npc && !rc && !w->rc; k++)
			w->rc = check_piece(w, &w->pc[k]);
	}
	if (w->defer)
		w->res->ms_verify = cl_now_ms() - t0;
	if (rc)
		return rc;
	if (w->rc == CL_E_VERIFY) {
		const struct cl_plan_seg *s = &w->p->seg[w->bad_seg];
		uint32_t want;

		/* the writer has been through every piece */
		want = cl_crc32_zeros(w->file_crc[w->bad_seg],
				      s->memsz - s->filesz);
		return cl_verify_error(w->ctx, w->tp, s, &want, w->bad_off,
				       w->buf);
	}
	return w->rc;
}

int cl_load_image(struct cl_ctx *ctx, const struct cl_plan *plan,
		  struct cl_tp *tp, const struct cl_load_opts *o,
		  struct cl_load_result *res, const struct cl_compare *v)
{
	unsigned nseg = plan->nseg ? plan->nseg : 1;
	struct pipe w = { .ctx = ctx, .p = plan, .tp = tp, .o = o,
			  .res = res, .v = v,
			  .total = plan->load_bytes + plan->zero_bytes };
	int rc;

	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	w.file_crc = calloc(2 * nseg, sizeof(uint32_t));
	w.buf = malloc(CL_VERIFY_CHUNK);
	rc = !w.file_crc || !w.buf ? cl_seterr(ctx, CL_E_NOMEM, "out of "
					       "memory") :
	     cl_patcher_new(ctx, plan, &w.pt);
	if (!rc)
		rc = cl_src_open(ctx, plan->img, v ? "compared with the card" :
				 "loaded; card left held", &w.src);
	/* a source whose chunks stay valid can be checked behind the writer */
	w.defer = !rc && !v && !o->no_verify && cl_src_stable(w.src);
	if (!rc && w.defer)
		rc = make_room(&w);
	if (!rc) {
		w.img_crc = w.file_crc + nseg;
		rc = run(&w);
	}
	if (!rc) {
		cl_load_digests(plan, w.file_crc, w.img_crc, res);
		res->verified = !o->no_verify;
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	cl_src_close(w.src);
	cl_patcher_free(w.pt);
	free(w.pc);
	free(w.file_crc);
	free(w.buf);
	return rc;
}
