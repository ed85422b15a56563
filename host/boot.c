/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot.c - a whole boot: several images, blobs, initrd, device tree and
 * argument references, planned together before anything is written
 *
 * Images are planned in order, each clear of the ones before it; then the
 * command line, blobs, the initrd and the (patched) device tree take free
 * RAM by the board's rules (data-place, data-align), outside every image's
 * span (gaps between its segments are the image's); then references such
 * as @dtb or @image1 in the argument registers are resolved. Reading the
 * card (the platform DTB the ROM announced) is the only I/O, and it only
 * reads.
 */
#include <gelf.h>
#include <inttypes.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"
#include "release.h"
#include "transport.h"
#include "warm.h"

#define MAX_BUSY 8192

/* A boot as cl_boot_plan allocates it: callers see pub. */
struct boot_in {
	struct cl_boot pub;
	uint8_t *owned[CL_BOOT_MAX_DATA]; /* the data's bytes, freed with it */
	/* release = fel-exec with arguments: EXEC at the thunk (in data[]),
	 * which loads them and jumps to pub.entry */
	bool thunk;
	uint64_t thunk_addr;
	uint8_t thunk_bytes[CL_THUNK_MAX];
};

static struct boot_in *boot_in(struct cl_boot *bt)
{
	return (struct boot_in *)((char *)bt - offsetof(struct boot_in, pub));
}

struct busy {
	struct cl_range *r;
	unsigned n;
};

static int busy_add(struct cl_ctx *ctx, struct busy *b, uint64_t addr,
		    uint64_t size, const char *kind, const char *what)
{
	struct cl_range *r;

	if (b->n == MAX_BUSY)
		return cl_seterr(ctx, CL_E_TOOBIG, "too many segments in one "
				 "boot (limit %d)", MAX_BUSY);
	r = &b->r[b->n++];
	r->addr = addr;
	r->size = size;
	snprintf(r->name, sizeof(r->name), "%s%s", kind, what);
	return 0;
}

/* Data at a given address must sit in RAM, off reserved ranges and off
 * everything planned so far (every image's span included), in card
 * addresses and in the backing bytes behind them. */
static int check_fixed(struct cl_ctx *ctx, const struct cl_board *b,
		       const struct busy *bz, const char *what, uint64_t addr,
		       uint64_t size)
{
	const struct cl_reserved *r;
	const struct cl_range *x;
	struct cl_clash k;
	char via[160];

	if (cl_window_find(b, addr, size, NULL) < 0)
		return cl_seterr(ctx, CL_E_PLACE, "%s [0x%" PRIx64 ", +0x%"
				 PRIx64 ") is not inside one RAM window of "
				 "board '%s'", what, addr, size, b->name);
	r = cl_reserved_hit(b, true, addr, size, &k);
	if (r)
		return cl_seterr(ctx, CL_E_PLACE, "%s [0x%" PRIx64 ", +0x%"
				 PRIx64 ") overlaps reserved '%s'%s", what,
				 addr, size, r->name,
				 cl_clash_via(b, &k, via, sizeof(via)));
	x = cl_busy_hit(b, true, bz->r, bz->n, addr, size, &k);
	if (x)
		return cl_seterr(ctx, CL_E_PLACE, "%s [0x%" PRIx64 ", +0x%"
				 PRIx64 ") overlaps %s [0x%" PRIx64 ", 0x%"
				 PRIx64 ")%s", what, addr, size, x->name,
				 x->addr, x->addr + x->size,
				 cl_clash_via(b, &k, via, sizeof(via)));
	return 0;
}

/* Place n bytes of data: at addr if given, else by the board's rules. */
static int place_data(struct cl_ctx *ctx, struct cl_boot *bt, struct busy *bz,
		      const char *what, const uint8_t *bytes, size_t n,
		      bool has_addr, uint64_t addr, uint64_t align)
{
	const struct cl_board *b = bt->board;
	struct cl_data *d;
	int rc;

	if (bt->ndata == CL_BOOT_MAX_DATA)
		return cl_seterr(ctx, CL_E_USAGE, "too many blobs");
	if (has_addr) {
		rc = check_fixed(ctx, b, bz, what, addr, n);
		if (rc)
			return rc;
	} else if (cl_find_free(b, bz->r, bz->n, n, align, !b->data_low,
				&addr)) {
		return cl_seterr(ctx, CL_E_PLACE, "no room for %s (%zu bytes) "
				 "on board '%s'", what, n, b->name);
	}
	d = &bt->data[bt->ndata++];
	snprintf(d->name, sizeof(d->name), "%s", what);
	d->addr = addr;
	d->bytes = bytes;
	d->size = n;
	return busy_add(ctx, bz, addr, n, "", what);
}

/* The platform DTB: where the ROM says (or the board's fallback), read
 * whole after checking its header. */
static int card_dtb(struct cl_ctx *ctx, struct cl_boot *bt,
		    const struct cl_card_status *st, struct cl_tp *tp,
		    uint8_t **out, size_t *len)
{
	const struct cl_board *b = bt->board;
	uint64_t addr = st->ready == CARDBOOT_READY ? st->platform_dtb :
						      b->platform_dtb;
	uint8_t hdr[CL_DTB_HEAD];
	uint32_t size;
	int rc;

	if (!tp)
		return cl_seterr(ctx, CL_E_USAGE, "--dtb-from-card needs the "
				 "card");
	if (!addr)
		return cl_seterr(ctx, CL_E_STATE, "the card has not announced "
				 "a platform DTB and board '%s' names none "
				 "(platform-dtb)", b->name);
	rc = cl_tp_read(tp, addr, hdr, sizeof(hdr));
	if (rc)
		return cl_seterr(ctx, rc, "platform DTB at 0x%" PRIx64 ": %s",
				 addr, cl_errmsg(ctx));
	if (!cl_dtb_head(hdr, &size) || size > (2u << 20) ||
	    cl_window_find(b, addr, size, NULL) < 0)
		return cl_seterr(ctx, CL_E_FORMAT, "no device tree at 0x%" PRIx64
				 " on the card (magic or size %u wrong)",
				 addr, size);
	*out = malloc(size);
	if (!*out)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	rc = cl_tp_read(tp, addr, *out, size);
	*len = size;
	return rc;
}

/* @dtb, @params, @initrd, @cmdline, @imageN, @platform-dtb, @hartid,
 * @NAME (a blob) */
static int resolve(struct cl_ctx *ctx, const struct cl_boot *bt,
		   const struct cl_card_status *st, const char *ref,
		   uint64_t *v)
{
	const struct cl_plan *p0 = bt->plan[0];
	unsigned i;

	if (!strcmp(ref, "@params") && p0->has_params)
		return *v = p0->params_addr, 0;
	if (!strcmp(ref, "@cmdline") && p0->has_cmdline)
		return *v = p0->cmdline_addr, 0;
	if (!strcmp(ref, "@platform-dtb") &&
	    (st->ready == CARDBOOT_READY || bt->board->platform_dtb))
		return *v = st->ready == CARDBOOT_READY ? st->platform_dtb :
				bt->board->platform_dtb, 0;
	if (!strcmp(ref, "@hartid") && st->ready == CARDBOOT_READY)
		return *v = st->hartid, 0;
	if (!strncmp(ref, "@image", 6)) {
		uint64_t n;

		if (!cl_parse_num(ref + 6, &n) && n < bt->nimg)
			return *v = bt->plan[n]->entry, 0;
	}
	for (i = 0; i < bt->ndata; i++)
		if (!strcmp(bt->data[i].name, ref + 1))
			return *v = bt->data[i].addr, 0;
	return cl_seterr(ctx, CL_E_USAGE, "'%s' names nothing in this boot "
			 "(@dtb, @initrd, @params, @cmdline, @imageN, @NAME of "
			 "a blob, @platform-dtb and @hartid once the ROM has "
			 "announced them)", ref);
}

static int open_image(struct cl_ctx *ctx, const struct cl_boot_spec *sp,
		      unsigned i, struct cl_image **img)
{
	struct cl_image_opts io = sp->iopts;
	int rc;

	if (i) /* --addr belongs to the main image */
		io.raw = false, io.raw_addr = 0;
	rc = cl_image_open(ctx, sp->image[i].path, &io, img);

	if (rc == CL_E_FORMAT && sp->image[i].has_addr && !io.raw) {
		io.raw = true; /* not ELF: a raw binary at its @ADDR */
		io.raw_addr = sp->image[i].addr;
		rc = cl_image_open(ctx, sp->image[i].path, &io, img);
	}
	return rc;
}

/* The file name of an image, for messages. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Images in order, each clear of the spans (lowest to highest segment
 * address, gaps included) of the images before it, so that a payload may
 * take its whole span as its own; then the command line and all data go
 * outside every span. */
static int plan_images(struct cl_ctx *ctx, const struct cl_boot_spec *sp,
		       struct cl_boot *bt, struct busy *bz)
{
	const char *cmdline = NULL;
	unsigned i, k;
	int rc;

	for (i = 0; i < sp->nimage; i++) {
		struct cl_plan_opts po = i ? (struct cl_plan_opts){ 0 } :
					     sp->popts;
		struct cl_image *img;

		rc = open_image(ctx, sp, i, &bt->img[i]);
		if (rc)
			return rc;
		bt->nimg = i + 1;
		img = bt->img[i];
		if (i && sp->image[i].has_addr && img->kind == CL_KIND_ELF) {
			if (img->type != ET_DYN)
				return cl_seterr(ctx, CL_E_USAGE, "'%s' is "
						 "ET_EXEC: it places itself, "
						 "drop the @ADDR",
						 sp->image[i].path);
			po.has_base = true;
			po.base = sp->image[i].addr;
		}
		/* the command line rides in image 0's parameter block, or
		 * only in the device tree; it is placed once every image
		 * is */
		if (!i && po.cmdline && !img->has_params &&
		    (sp->dtb || sp->dtb_from_card))
			po.cmdline = NULL;
		if (!i)
			cmdline = po.cmdline;
		po.cmdline = NULL;
		po.not_first = i > 0;
		po.has_entry = false; /* checked below against all images */
		po.busy = bz->r;
		po.nbusy = bz->n;
		rc = cl_plan_make(ctx, img, sp->board, &po, &bt->plan[i]);
		if (!rc)
			rc = busy_add(ctx, bz, bt->plan[i]->base,
				      bt->plan[i]->span, "the span of image ",
				      base_name(sp->image[i].path));
		if (!rc && bt->plan[i]->has_pvh)
			rc = busy_add(ctx, bz, bt->plan[i]->pvh_addr,
				      bt->plan[i]->pvh_size, "",
				      "the PVH start_info");
		if (rc)
			return rc;
	}
	rc = cl_plan_cmdline(ctx, bt->plan[0], cmdline, bz->r, bz->n);
	if (!rc && bt->plan[0]->has_cmdline)
		rc = busy_add(ctx, bz, bt->plan[0]->cmdline_addr,
			      bt->plan[0]->cmdline_size, "",
			      "the command line");
	for (k = 0; !rc && k < sp->nset; k++)
		rc = cl_plan_set(ctx, bt->plan[0], sp->set[k]);
	return rc;
}

static int plan_data(struct cl_ctx *ctx, const struct cl_boot_spec *sp,
		     struct cl_boot *bt, struct busy *bz,
		     const struct cl_card_status *st, struct cl_tp *tp)
{
	const struct cl_board *b = sp->board;
	uint64_t align = b->data_align ? b->data_align : 4096;
	uint64_t max = cl_board_ram_total(b);
	uint8_t **own = boot_in(bt)->owned;
	struct cl_dtb_edit ed = { 0 };
	uint8_t *raw = NULL;
	size_t len;
	unsigned i;
	int rc;

	for (i = 0; i < sp->nblob; i++) {
		rc = cl_read_file(ctx, sp->blob[i].path, max, &own[i], &len);
		if (!rc)
			rc = place_data(ctx, bt, bz, sp->blob[i].name,
					own[i], len, sp->blob[i].has_addr,
					sp->blob[i].addr, align);
		if (rc)
			return rc;
	}
	if (sp->initrd) {
		rc = cl_read_file(ctx, sp->initrd, max, &own[i], &len);
		if (!rc)
			rc = place_data(ctx, bt, bz, "initrd", own[i],
					len, false, 0, align);
		if (rc)
			return rc;
		bt->initrd = &bt->data[bt->ndata - 1];
		ed.initrd_addr = bt->initrd->addr;
		ed.initrd_size = bt->initrd->size;
		i++;
	}
	if (!sp->dtb && !sp->dtb_from_card)
		return 0;
	rc = sp->dtb ? cl_read_file(ctx, sp->dtb, 2u << 20, &raw, &len) :
		       card_dtb(ctx, bt, st, tp, &raw, &len);
	ed.cmdline = sp->popts.cmdline;
	ed.memory = b->dtb_memory ? b : NULL;
	if (!rc)
		rc = cl_dtb_patch(ctx, sp->dtb ? sp->dtb : "(card)", raw, len,
				  &ed, (void **)&own[i], &len);
	free(raw);
	if (!rc)
		rc = place_data(ctx, bt, bz, "dtb", own[i], len, false, 0,
				align > 8 ? align : 8);
	if (!rc)
		bt->dtb = &bt->data[bt->ndata - 1];
	return rc;
}

/* FEL EXEC passes no arguments: place a thunk that loads them (thunk.c)
 * in free RAM, like a blob; the release EXECs it. */
static int place_thunk(struct cl_ctx *ctx, struct cl_boot *bt,
		       struct busy *bz)
{
	const struct cl_image *img = bt->plan[0]->img;
	struct boot_in *in = boot_in(bt);
	size_t len;
	int rc;

	if (img->kind != CL_KIND_ELF)
		return cl_seterr(ctx, CL_E_USAGE, "FEL EXEC passes no arguments"
				 " and a raw image names no machine for a "
				 "thunk to load them; drop --arg, or load an "
				 "ELF image");
	rc = cl_thunk_build(ctx, img->machine, img->elfclass, bt->entry,
			    bt->arg, bt->argmask, in->thunk_bytes, &len);
	if (!rc)
		rc = place_data(ctx, bt, bz, "fel-exec thunk", in->thunk_bytes,
				len, false, 0, 8);
	if (!rc) {
		in->thunk = true;
		in->thunk_addr = bt->data[bt->ndata - 1].addr;
	}
	return rc;
}

/* The entry: image 0's, --entry ADDR or --entry @imageN; it must be in an
 * executable segment of some image. */
static int pick_entry(struct cl_ctx *ctx, const struct cl_boot_spec *sp,
		      struct cl_boot *bt, const struct cl_card_status *st)
{
	int rc;

	bt->entry = bt->plan[0]->entry;
	if (sp->entry_ref) {
		rc = resolve(ctx, bt, st, sp->entry_ref, &bt->entry);
		if (rc)
			return rc;
	} else if (sp->popts.has_entry) {
		bt->entry = sp->popts.entry;
	}
	return cl_entry_check(ctx, bt->plan, bt->nimg, bt->entry);
}

int cl_boot_plan(struct cl_ctx *ctx, const struct cl_boot_spec *sp,
		 struct cl_tp *tp, struct cl_boot **out)
{
	struct cl_card_status st = { 0 };
	struct busy bz = { 0 };
	struct boot_in *in;
	struct cl_warm *warm;
	struct cl_boot *bt;
	unsigned i;
	int rc;

	*out = NULL;
	if (!sp->nimage)
		return cl_seterr(ctx, CL_E_USAGE, "no image to boot");
	in = calloc(1, sizeof(*in));
	bz.r = calloc(MAX_BUSY, sizeof(*bz.r));
	if (!in || !bz.r) {
		free(in);
		free(bz.r);
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	}
	bt = &in->pub;
	bt->board = sp->board;
	/* the card pages image 0 will take, allocated while it inflates */
	warm = sp->warm ? cl_warm_start(sp, tp) : NULL;
	rc = plan_images(ctx, sp, bt, &bz);
	cl_warm_stop(warm);
	/* what the ROM announced, if it has (reading only): after the
	 * images, so that one that cannot load never touches the card */
	if (!rc && tp && sp->board->has_mailbox)
		rc = cl_status(ctx, sp->board, tp, &st);
	if (!rc)
		rc = plan_data(ctx, sp, bt, &bz, &st, tp);
	for (i = 0; !rc && i < bt->nimg; i++) {
		struct cl_plan *p = bt->plan[i];

		if (bt->initrd) {
			p->initrd_addr = bt->initrd->addr;
			p->initrd_size = bt->initrd->size;
		}
		if (bt->dtb) {
			p->dtb_addr = bt->dtb->addr;
			p->dtb_size = bt->dtb->size;
		}
	}
	bt->argmask = sp->popts.argmask;
	memcpy(bt->arg, sp->popts.arg, sizeof(bt->arg));
	for (i = 0; !rc && i < CARDBOOT_NARGS; i++)
		if (sp->arg_ref[i]) {
			if (!strcmp(sp->arg_ref[i], "@dtb") && bt->dtb)
				bt->arg[i] = bt->dtb->addr;
			else if (!strcmp(sp->arg_ref[i], "@initrd") &&
				 bt->initrd)
				bt->arg[i] = bt->initrd->addr;
			else
				rc = resolve(ctx, bt, &st, sp->arg_ref[i],
					     &bt->arg[i]);
			bt->argmask |= 1u << i;
		}
	/* PVH: %ebx holds start_info's address, unless an argument is given */
	if (!rc && bt->plan[0]->has_pvh && !(bt->argmask & 1)) {
		bt->arg[0] = bt->plan[0]->pvh_addr;
		bt->argmask |= 1;
	}
	if (!rc)
		rc = pick_entry(ctx, sp, bt, &st);
	if (!rc && sp->board->release == CL_RELEASE_EXEC && bt->argmask)
		rc = place_thunk(ctx, bt, &bz);
	free(bz.r);
	if (rc) {
		cl_boot_free(bt);
		return rc;
	}
	*out = bt;
	return 0;
}

int cl_boot_load(struct cl_ctx *ctx, struct cl_boot *bt, struct cl_tp *tp,
		 const struct cl_load_opts *opts, struct cl_load_result *res)
{
	const struct boot_in *in = boot_in(bt);

	if (in->thunk) /* the thunk passes the arguments */
		return cl_load_boot(ctx, bt->plan, bt->nimg, bt->data,
				    bt->ndata, in->thunk_addr, bt->arg, 0, tp,
				    opts, res);
	return cl_load_boot(ctx, bt->plan, bt->nimg, bt->data, bt->ndata,
			    bt->entry, bt->arg, bt->argmask, tp, opts, res);
}

void cl_boot_free(struct cl_boot *bt)
{
	unsigned i;

	if (!bt)
		return;
	for (i = 0; i < bt->nimg; i++) {
		cl_plan_free(bt->plan[i]);
		cl_image_free(bt->img[i]);
	}
	for (i = 0; i < CL_BOOT_MAX_DATA; i++)
		free(boot_in(bt)->owned[i]);
	free(boot_in(bt));
}
