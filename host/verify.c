/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verify.c - does the card hold what a load would write? (cardload verify)
 *
 * The load pipeline runs in compare-only mode: load_image.c walks each
 * image's pieces as for a load (relocation and
 * --set patches applied, digests carried along) and hand every piece to
 * verify_part instead of writing it. Then the data. What the loader
 * writes after both — --set patches outside the file bytes, the command
 * line, the parameter block (which holds the digest, known only once every
 * segment has been seen) — is left out of those passes and compared last,
 * as the bytes a load would leave there; then the mailbox's staged entry
 * and arguments. The first difference in that order is reported. Only
 * reads reach the card.
 */
#include <inttypes.h>
#include <stdarg.h>
#include "cardboot.h"
#include "internal.h"
#include "load.h"
#include "release.h"
#include "transport.h"

#define MAX_LATER (CL_BOOT_MAX_IMAGES * (CL_MAX_SETS + 2))
#define PARAMS_SIZE sizeof(struct cardboot_params)

struct later {              /* bytes the loader writes after the images */
	uint64_t addr, len;
	const uint8_t *bytes;   /* params: filled in once the digest is known */
	char what[sizeof(((struct cl_verify_result *)0)->what)];
};

struct cl_verify {
	struct cl_ctx *ctx;
	const struct cl_boot *bt;
	struct cl_tp *tp;
	struct cl_verify_result *out;
	unsigned nlater;
	struct later later[MAX_LATER];
	uint8_t params[CL_BOOT_MAX_IMAGES][PARAMS_SIZE];
	uint8_t *got, *want;    /* CL_VERIFY_CHUNK bytes each */
	uint64_t done, total;   /* progress */
};

__attribute__((format(printf, 6, 7)))
static int differ(struct cl_verify *v, uint64_t addr, uint64_t want,
		  uint64_t got, bool word, const char *fmt, ...)
{
	struct cl_verify_result *r = v->out;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->what, sizeof(r->what), fmt, ap);
	va_end(ap);
	r->same = false;
	r->first_diff_addr = addr;
	r->expected = want;
	r->found = got;
	return cl_seterr(v->ctx, CL_E_VERIFY, "first difference at 0x%" PRIx64
			 " (%s): the card holds 0x%0*" PRIx64 ", a load "
			 "writes 0x%0*" PRIx64, addr, r->what, word ? 1 : 2,
			 got, word ? 1 : 2, want);
}

/*
 * Compare card [addr, addr+len) with want (NULL: zeros). With holes, the
 * bytes under any later write are left out (compared on their own later);
 * else the later writes from index from on are laid over want, in order,
 * as the loader writes them, and a difference under one is named after the
 * last that covers it.
 */
static int compare(struct cl_verify *v, uint64_t addr, const uint8_t *want,
		   uint64_t len, bool holes, unsigned from, const char *what)
{
	uint64_t off, k;
	unsigned j;
	int rc;

	for (off = 0; off < len; off += CL_VERIFY_CHUNK) {
		size_t n = len - off < CL_VERIFY_CHUNK ? (size_t)(len - off) :
							  CL_VERIFY_CHUNK;
		uint64_t a = addr + off, skipped = 0;

		rc = cl_interrupted(v->ctx) ? CL_E_INTR :
		     cl_tp_read(v->tp, a, v->got, n);
		if (rc)
			return rc;
		if (want)
			memcpy(v->want, want + off, n);
		else
			memset(v->want, 0, n);
		for (j = holes ? 0 : from; j < v->nlater; j++) {
			const struct later *l = &v->later[j];
			uint64_t lo = l->addr > a ? l->addr : a;
			uint64_t hi = l->addr + l->len < a + n ?
				      l->addr + l->len : a + n;

			if (lo >= hi)
				continue;
			if (holes) {
				memcpy(v->want + (lo - a), v->got + (lo - a),
				       (size_t)(hi - lo));
				skipped += hi - lo;
			} else {
				memcpy(v->want + (lo - a),
				       l->bytes + (lo - l->addr),
				       (size_t)(hi - lo));
			}
		}
		if (memcmp(v->got, v->want, n)) {
			for (k = 0; v->got[k] == v->want[k]; k++)
				;
			for (j = v->nlater; !holes && j-- > from;) {
				const struct later *l = &v->later[j];

				if (a + k >= l->addr &&
				    a + k - l->addr < l->len) {
					what = l->what;
					break;
				}
			}
			return differ(v, a + k, v->want[k], v->got[k], false,
				      "%s", what);
		}
		v->out->bytes_compared += n - (skipped < n ? skipped : n);
		v->done += n;
		cl_progress(v->ctx, "verify", v->done, v->total);
	}
	return 0;
}

static unsigned image_index(const struct cl_verify *v, const struct cl_plan *p)
{
	unsigned i;

	for (i = 0; i < v->bt->nimg && v->bt->plan[i] != p; i++)
		;
	return i;
}

/* Compare the card's [s->addr + off, +len) of plan p's segment seg with
 * want (NULL: bss, zeros), leaving out the bytes the loader writes later
 * (parameter blocks, command lines, --set in bss). Returns 0, CL_E_VERIFY
 * naming the first difference, or the transport's error. */
static int verify_part(void *arg, const struct cl_plan *p, unsigned seg,
		       uint64_t off, const uint8_t *want, uint64_t len)
{
	struct cl_verify *v = arg;
	const struct cl_plan_seg *s = &p->seg[seg];
	char what[64];

	snprintf(what, sizeof(what), "image %u segment %u%s",
		 image_index(v, p), s->phidx, off < s->filesz ? "" : " bss");
	return compare(v, s->addr + off, want, len, true, 0, what);
}

static void add_later(struct cl_verify *v, uint64_t addr, uint64_t len,
		      const uint8_t *bytes, const char *what, unsigned img,
		      const char *name)
{
	struct later *l = &v->later[v->nlater++];

	l->addr = addr;
	l->len = len;
	l->bytes = bytes;
	if (name)
		snprintf(l->what, sizeof(l->what), "image %u %s '%s'", img,
			 what, name);
	else
		snprintf(l->what, sizeof(l->what), "image %u %s", img, what);
	v->total += len;
}

/* What write_params in load.c writes, in its order, image by image. */
static void list_later(struct cl_verify *v)
{
	unsigned i, k;

	for (i = 0; i < v->bt->nimg; i++) {
		const struct cl_plan *p = v->bt->plan[i];

		for (k = 0; k < p->nset; k++)
			if (!p->set[k].in_file)
				add_later(v, p->set[k].addr, p->set[k].len,
					  p->set[k].bytes, "symbol", i,
					  p->set[k].name);
		if (p->has_cmdline)
			add_later(v, p->cmdline_addr, p->cmdline_size,
				  (const uint8_t *)p->cmdline, "cmdline", i,
				  NULL);
		if (p->has_params)
			add_later(v, p->params_addr, PARAMS_SIZE, v->params[i],
				  "params", i, NULL);
	}
}

static int compare_data(struct cl_verify *v)
{
	const struct cl_boot *bt = v->bt;
	char what[sizeof(v->out->what)];
	unsigned i;
	int rc;

	for (i = 0; i < bt->ndata; i++) {
		const struct cl_data *d = &bt->data[i];

		if (d == bt->initrd || d == bt->dtb)
			snprintf(what, sizeof(what), "%s", d->name);
		else
			snprintf(what, sizeof(what), "blob '%s'", d->name);
		rc = compare(v, d->addr, d->bytes, d->size, true, 0, what);
		if (rc)
			return rc;
	}
	return 0;
}

/* The entry and arguments cl_mailbox_stage would write. */
static int compare_mailbox(struct cl_verify *v)
{
	const struct cl_boot *bt = v->bt;
	const struct cl_board *b = bt->board;
	uint32_t mask = bt->argmask & ((1u << CARDBOOT_NARGS) - 1);
	struct cl_card_status st;
	unsigned i;
	int rc;

	if (!cl_mailbox_used(b))
		return 0;
	rc = cl_mailbox_read(v->ctx, b, v->tp, &st);
	if (rc)
		return rc;
	if (st.entry != bt->entry)
		return differ(v, b->mailbox + CARDBOOT_MB_ENTRY_OFF, bt->entry,
			      st.entry, true, "mailbox entry");
	v->out->bytes_compared += 8;
	if (st.argmask != mask)
		return differ(v, b->mailbox + CARDBOOT_MB_ARGMASK_OFF, mask,
			      st.argmask, true, "mailbox argmask");
	v->out->bytes_compared += 4;
	for (i = 0; i < CARDBOOT_NARGS; i++) {
		uint64_t want = mask >> i & 1 ? bt->arg[i] : 0;

		if (st.arg[i] != want)
			return differ(v, b->mailbox + CARDBOOT_MB_ARG_OFF +
				      8 * i, want, st.arg[i], true,
				      "mailbox arg %u", i);
		v->out->bytes_compared += 8;
	}
	return 0;
}

static int run(struct cl_verify *v, struct cl_boot *bt,
	       struct cl_load_result *res)
{
	static const struct cl_load_opts none;
	const struct cl_compare cmp = { verify_part, v };
	unsigned i;
	int rc = 0;

	for (i = 0; i < bt->nimg && !rc; i++)
		rc = cl_load_result_init(v->ctx, bt->plan[i], &res[i]);
	for (i = 0; i < bt->nimg && !rc; i++)
		rc = cl_load_image(v->ctx, bt->plan[i], v->tp, &none, &res[i],
				   &cmp);
	if (!rc)
		rc = compare_data(v);
	for (i = 0; i < bt->nimg && !rc; i++)
		if (bt->plan[i]->has_params)
			rc = cl_params_final(v->ctx, bt->plan[i], v->tp,
					     res[i].digest, v->params[i]);
	for (i = 0; i < v->nlater && !rc; i++)
		rc = compare(v, v->later[i].addr, v->later[i].bytes,
			     v->later[i].len, false, i + 1, v->later[i].what);
	if (!rc)
		rc = compare_mailbox(v);
	return rc;
}

int cl_boot_verify(struct cl_ctx *ctx, struct cl_boot *bt, struct cl_tp *tp,
		   struct cl_verify_result *out)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES];
	struct cl_verify *v;
	unsigned i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(res, 0, sizeof(res));
	if (!bt->nimg)
		return cl_seterr(ctx, CL_E_USAGE, "no image to verify");
	v = calloc(1, sizeof(*v));
	if (v) {
		v->got = malloc(CL_VERIFY_CHUNK);
		v->want = malloc(CL_VERIFY_CHUNK);
	}
	if (!v || !v->got || !v->want) {
		rc = cl_seterr(ctx, CL_E_NOMEM, "out of memory");
		goto out;
	}
	v->ctx = ctx;
	v->bt = bt;
	v->tp = tp;
	v->out = out;
	for (i = 0; i < bt->nimg; i++)
		v->total += bt->plan[i]->load_bytes + bt->plan[i]->zero_bytes;
	for (i = 0; i < bt->ndata; i++)
		v->total += bt->data[i].size;
	list_later(v);
	rc = run(v, bt, res);
	out->same = !rc;
out:
	for (i = 0; i < CL_BOOT_MAX_IMAGES; i++)
		cl_load_result_free(&res[i]);
	if (v) {
		free(v->got);
		free(v->want);
	}
	free(v);
	return rc;
}
