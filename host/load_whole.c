/* SPDX-License-Identifier: GPL-2.0-or-later */
/* load_whole.c - write an image held whole to the card, verify, digest
 *
 * The segments are cut into pieces (2 MiB of file bytes; bss in one). The
 * writer puts each on the card: file bytes through cl_tp_write_image (zero
 * pages over holes left out), bss through cl_tp_zero. The checker reads
 * each piece back and compares it byte for byte with the host's copy (or
 * with zeros). The writer carries the CRCs of the digests along.
 *
 * When the transport allows reads while another thread writes (the mem
 * transport: pread and pwrite on one file) and there is a second CPU, the
 * checker runs in its own thread right behind the writer: the card's pages
 * are allocated by the writer while the checker compares the ones before,
 * so a verified load costs little more than an unverified one. Otherwise it
 * runs after all writes, in order. Either way nothing is released until
 * every piece has been checked. cl_boot_verify walks the same pieces to
 * compare only (verify.c): nothing is written, one thread compares.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"
#include "transport.h"

#define PIECE ((uint64_t)2 << 20)

struct piece {
	unsigned seg;
	uint64_t off, len;	/* segment offsets */
	bool bss;
};

struct whole {
	struct cl_ctx *ctx;
	const struct cl_plan *p;
	struct cl_tp *tp;
	const struct cl_load_opts *o;
	struct cl_load_result *res;
	struct cl_verify *v;	/* compare only (cl_boot_verify), or NULL */
	struct piece *pc;
	size_t npc;
	uint32_t *file_crc, *img_crc;
	uint8_t *buf;		/* the checker's read-back buffer */
	/* writer -> checker */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready;		/* pieces written */
	bool stop;		/* the writer failed: check no further */
	/* the checker's outcome */
	int rc;
	unsigned bad_seg;
	uint64_t bad_off;
};

static int cut(struct whole *w)
{
	const struct cl_plan *p = w->p;
	size_t n = 0, k = 0;
	unsigned i;
	uint64_t off;

	for (i = 0; i < p->nseg; i++)
		n += (size_t)((p->seg[i].filesz + PIECE - 1) / PIECE) + 1;
	w->pc = calloc(n ? n : 1, sizeof(*w->pc));
	if (!w->pc)
		return cl_seterr(w->ctx, CL_E_NOMEM, "out of memory");
	for (i = 0; i < p->nseg; i++) {
		const struct cl_plan_seg *s = &p->seg[i];

		for (off = 0; off < s->filesz; off += PIECE)
			w->pc[k++] = (struct piece){ i, off,
				s->filesz - off < PIECE ? s->filesz - off :
							  PIECE, false };
		if (s->memsz > s->filesz)
			w->pc[k++] = (struct piece){ i, s->filesz,
				s->memsz - s->filesz, true };
	}
	w->npc = k;
	return 0;
}

/* Compare only: the piece on the card against the host's bytes, the CRCs
 * carried along as for a write. */
static int compare_piece(struct whole *w, const struct piece *pc)
{
	const struct cl_plan_seg *s = &w->p->seg[pc->seg];
	const uint8_t *d = w->p->img->data + s->src + pc->off;

	if (pc->bss)
		return cl_verify_part(w->v, w->p, pc->seg, pc->off, NULL,
				      pc->len);
	cl_digest_part(w->p, pc->seg, d, pc->off, pc->off + pc->len,
		       w->file_crc, w->img_crc);
	return cl_verify_part(w->v, w->p, pc->seg, pc->off, d, pc->len);
}

static int write_piece(struct whole *w, const struct piece *pc)
{
	const struct cl_plan_seg *s = &w->p->seg[pc->seg];
	uint64_t n;
	int rc;

	if (cl_interrupted(w->ctx))
		return CL_E_INTR;
	if (w->v)
		return compare_piece(w, pc);
	if (pc->bss) {
		rc = cl_tp_zero(w->tp, s->addr + pc->off, pc->len, &n);
		w->res->bytes_zeroed += n;
		return rc;
	}
	rc = cl_tp_write_image(w->tp, s->addr + pc->off,
			       w->p->img->data + s->src + pc->off,
			       (size_t)pc->len, &n);
	w->res->bytes_written += pc->len - n;
	w->res->bytes_in_place += n;
	/* the CRCs here, while the bytes are in cache: the checker has the
	 * read-back to do */
	cl_digest_part(w->p, pc->seg, w->p->img->data + s->src + pc->off,
		       pc->off, pc->off + pc->len, w->file_crc, w->img_crc);
	return rc;
}

/* Read piece pc back (unless --no-verify) and compare. */
static int check_piece(struct whole *w, const struct piece *pc)
{
	const struct cl_plan_seg *s = &w->p->seg[pc->seg];
	const uint8_t *want = pc->bss ? NULL :
				      w->p->img->data + s->src + pc->off;
	int64_t bad;
	int rc;

	if (w->o->no_verify || w->v)
		return 0;
	rc = cl_read_compare(w->ctx, w->tp, s->addr + pc->off, want, pc->len,
			     w->buf, &bad);
	if (!rc && bad >= 0) {
		w->bad_seg = pc->seg;
		w->bad_off = pc->off + (uint64_t)bad;
		rc = CL_E_VERIFY; /* message made by the writer */
	}
	return rc;
}

static void *checker(void *arg)
{
	struct whole *w = arg;
	size_t k;

	/* Map the image's pages (a file mapping faults them in one by one)
	 * ahead of the writer while there is nothing to check yet. */
	madvise(w->p->img->data, (size_t)w->p->img->size, MADV_POPULATE_READ);

	for (k = 0; k < w->npc && !w->rc; k++) {
		size_t ready;

		pthread_mutex_lock(&w->mu);
		while (w->ready <= k && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		ready = w->ready;
		pthread_mutex_unlock(&w->mu);
		if (ready <= k)
			break;	/* the writer stopped short */
		w->rc = check_piece(w, &w->pc[k]);
	}
	return NULL;
}

static void publish(struct whole *w, size_t ready, bool stop)
{
	pthread_mutex_lock(&w->mu);
	w->ready = ready;
	w->stop = stop;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static bool two_threads(const struct whole *w)
{
	return !w->o->no_verify && !w->v && w->tp->ops->concurrent_read &&
	       sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

static int write_all(struct whole *w, bool threaded)
{
	uint64_t total = w->p->load_bytes + w->p->zero_bytes, done = 0;
	size_t k;
	int rc = 0;

	for (k = 0; k < w->npc && !rc; k++) {
		rc = write_piece(w, &w->pc[k]);
		if (!rc && threaded)
			publish(w, k + 1, false);
		done += w->pc[k].len;
		if (!w->v) /* cl_verify_part reports its own */
			cl_progress(w->ctx, "write", done, total);
	}
	if (!rc && !w->v)
		rc = cl_tp_flush(w->tp);
	if (threaded)
		publish(w, rc ? k - 1 : k, true);
	return rc;
}

static int run(struct whole *w)
{
	bool threaded = two_threads(w);
	pthread_t th;
	double t0 = cl_now_ms();
	size_t k;
	int rc;

	if (threaded && pthread_create(&th, NULL, checker, w))
		threaded = false;
	rc = write_all(w, threaded);
	w->res->ms_write = cl_now_ms() - t0;
	t0 = cl_now_ms();
	if (threaded)
		pthread_join(th, NULL);
	else
		for (k = 0; k < w->npc && !rc && !w->rc; k++)
			w->rc = check_piece(w, &w->pc[k]);
	w->res->ms_verify = w->o->no_verify ? 0 : cl_now_ms() - t0;
	if (rc)
		return rc;
	if (w->rc == CL_E_VERIFY) {
		uint32_t want;

		/* the writer has been through every piece */
		want = cl_crc32_zeros(w->file_crc[w->bad_seg],
				      w->p->seg[w->bad_seg].memsz -
				      w->p->seg[w->bad_seg].filesz);
		return cl_verify_error(w->ctx, w->tp, &w->p->seg[w->bad_seg],
				       &want, w->bad_off, w->buf);
	}
	return w->rc;
}

int cl_load_whole(struct cl_ctx *ctx, const struct cl_plan *plan,
		  struct cl_tp *tp, const struct cl_load_opts *o,
		  struct cl_load_result *res, struct cl_verify *v)
{
	unsigned nseg = plan->nseg ? plan->nseg : 1;
	struct whole w = { .ctx = ctx, .p = plan, .tp = tp, .o = o,
			   .res = res, .v = v };
	int rc;

	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	w.file_crc = calloc(2 * nseg, sizeof(uint32_t));
	w.buf = malloc(CL_VERIFY_CHUNK);
	rc = !w.file_crc || !w.buf ? cl_seterr(ctx, CL_E_NOMEM, "out of "
					       "memory") : cut(&w);
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
	free(w.pc);
	free(w.file_crc);
	free(w.buf);
	return rc;
}
