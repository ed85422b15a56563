/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usb.c - transport "usb": a card whose boot ROM speaks Allwinner's FEL
 * protocol over USB, through libusb-1.0
 *
 * The board's `match` ids (VENDOR:PRODUCT), -d and -s pick one device
 * (usbdev.c); cardload claims its interface and asks VERSION (usbfel.c).
 * The board's RAM windows are reached by FEL WRITE and READ at the card's
 * own addresses (32-bit), each range cut into messages of at most
 * usb.chunk bytes. A write is idempotent: after a failure it is sent
 * again, at most usb.retries times, once the device has been reset (which
 * also brings a FEL monitor that lost step back to the start of an
 * exchange). A read is never sent again: its failure is the error. A
 * device that disappears fails everything after it at once, so a load
 * ends with the card held and GO never written.
 *
 * Release: with `release = mailbox` the card's ROM spins on the mailbox,
 * written through FEL like any other card memory; with `release =
 * fel-exec` cardload sends FEL EXEC at the entry, which passes the
 * payload no arguments (the load refuses --arg on such boards).
 */
#include <inttypes.h>
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "fel.h"
#include "transport.h"
#include "usbdev.h"

/* usbfs takes at most 16 MiB of transfers at once (usbfs_memory_mb), and
 * the device side's FunctionFS allocates a buffer per transfer */
#define CHUNK_MAX (8u << 20)
#define LIST_MAX 8

struct usb {
	struct usb_link l;
	uint32_t chunk;		/* bytes of one FEL message's data */
	unsigned retries;	/* of a failed write, after a reset */
};

/* FEL addresses are 32-bit: every window must lie below 4 GiB. */
static int check_windows(struct cl_tp *tp)
{
	const struct cl_board *bd = tp->board;
	unsigned i;

	for (i = 0; i < bd->nwin; i++) {
		const struct cl_window *w = &bd->win[i];

		if (w->addr > UINT32_MAX || w->size > UINT32_MAX - w->addr + 1)
			return cl_seterr(tp->ctx, CL_E_BOARD, "board '%s': "
					 "window '%s' at 0x%" PRIx64 " reaches "
					 "above 4 GiB, beyond FEL's 32-bit "
					 "addresses", bd->name, w->name,
					 w->addr);
	}
	return 0;
}

static int none_found(struct cl_tp *tp)
{
	const struct cl_board *bd = tp->board;
	const char *sl = cl_tp_param(tp, "usb.slot");
	const char *id = cl_tp_param(tp, "usb.id");

	return cl_seterr(tp->ctx, CL_E_NODEV, "no USB device%s%s%s%s matches "
			 "board '%s'%s%s%s%s ('cardload list' shows "
			 "candidates)", sl ? " at -s " : "", sl ? sl : "",
			 id ? " with -d " : "", id ? id : "", bd->name,
			 bd->nmatch ? " (ids " : "",
			 bd->nmatch ? bd->match[0] : "",
			 bd->nmatch > 1 ? ", ..." : "", bd->nmatch ? ")" : "");
}

static int many_found(struct cl_tp *tp, const struct cl_usb_dev *found,
		      unsigned n)
{
	char list[LIST_MAX * 40];
	size_t used = 0;
	unsigned i;

	list[0] = 0;
	for (i = 0; i < n && i < LIST_MAX; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s (%03u:%03u)", i ? ", " : "",
					 found[i].path, found[i].bus,
					 found[i].devnum);
	return cl_seterr(tp->ctx, CL_E_MANY, "%u USB devices match board "
			 "'%s': %s%s; pick one with -s BUS-PORT or -s "
			 "BUS:DEVNUM ('cardload list' shows them)", n,
			 tp->board->name, list, n > LIST_MAX ? ", ..." : "");
}

static int usb_open(struct cl_tp *tp)
{
	const struct cl_board *bd = tp->board;
	const char *ids[CL_MAX_MATCH];
	libusb_device *devs[LIST_MAX] = { 0 };
	struct cl_usb_dev found[LIST_MAX];
	struct usb *u;
	uint64_t v;
	unsigned i, n = 0;
	int rc = check_windows(tp);

	if (rc)
		return rc;
	u = calloc(1, sizeof(*u));
	if (!u)
		return cl_seterr(tp->ctx, CL_E_NOMEM, "out of memory");
	tp->priv = u;
	rc = cl_tp_param_range(tp, "usb.timeout", 1, 600000, &v);
	u->l.timeout = (unsigned)v;
	if (!rc)
		rc = cl_tp_param_range(tp, "usb.chunk", 512, CHUNK_MAX, &v);
	u->chunk = (uint32_t)v;
	if (!rc)
		rc = cl_tp_param_range(tp, "usb.retries", 0, 10, &v);
	u->retries = (unsigned)v;
	if (!rc)
		rc = cl_usb_open_ctx(tp->ctx, &u->l.lc);
	if (rc)
		return rc;
	for (i = 0; i < bd->nmatch; i++)
		ids[i] = bd->match[i];
	rc = cl_usb_list(tp->ctx, u->l.lc, cl_tp_param(tp, "usb.slot"),
			 cl_tp_param(tp, "usb.id"), ids, bd->nmatch, found,
			 devs, LIST_MAX, &n);
	if (!rc && !n)
		rc = none_found(tp);
	else if (!rc && n > 1)
		rc = many_found(tp, found, n);
	if (!rc) {
		u->l.dev = found[0];
		rc = cl_usb_attach(tp->ctx, &u->l, devs[0]);
	}
	for (i = 0; i < n && i < LIST_MAX; i++)
		libusb_unref_device(devs[i]);
	if (!rc)
		cl_log(tp->ctx, CL_LOG_INFO, "usb %s (%04x:%04x, %s Mbit/s): "
		       "FEL soc 0x%04x (%s)", u->l.dev.path, u->l.dev.vendor,
		       u->l.dev.product, u->l.dev.speed, u->l.ver.soc_id,
		       cl_fel_soc_name(u->l.ver.soc_id));
	return rc;
}

static void usb_close(struct cl_tp *tp)
{
	struct usb *u = tp->priv;

	if (!u)
		return;
	cl_usb_detach(&u->l);
	if (u->l.lc)
		libusb_exit(u->l.lc);
	free(u);
	tp->priv = NULL;
}

static int usb_write(struct cl_tp *tp, unsigned win, uint64_t off,
		     const void *buf, size_t len)
{
	struct usb *u = tp->priv;
	uint64_t addr = tp->board->win[win].addr + off, done;
	uint32_t a, n;

	for (done = 0; fel_piece(addr, len, done, u->chunk, &a, &n);
	     done += n) {
		void *p = (uint8_t *)(uintptr_t)buf + done; /* not written */
		unsigned tries = 0;

		while (cl_usb_fel(&u->l, FEL_WRITE, a, n, p, n)) {
			int rc = cl_usb_fel_error(tp->ctx, &u->l, FEL_WRITE, a,
						  n);

			char why[512], *held;

			if (u->l.gone || tries++ == u->retries)
				return rc;
			/* not the end yet: the card is not "left" held */
			snprintf(why, sizeof(why), "%s", cl_errmsg(tp->ctx));
			held = strstr(why, "; card left held");
			if (held)
				*held = 0;
			cl_log(tp->ctx, CL_LOG_WARN, "%s; resetting the device"
			       " and writing again (%u of %u)", why, tries,
			       u->retries);
			rc = cl_usb_recover(tp->ctx, &u->l);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int usb_read(struct cl_tp *tp, unsigned win, uint64_t off, void *buf,
		    size_t len)
{
	struct usb *u = tp->priv;
	uint64_t addr = tp->board->win[win].addr + off, done;
	uint32_t a, n;

	for (done = 0; fel_piece(addr, len, done, u->chunk, &a, &n); done += n)
		if (cl_usb_fel(&u->l, FEL_READ, a, n, (uint8_t *)buf + done, n))
			return cl_usb_fel_error(tp->ctx, &u->l, FEL_READ, a, n);
	return 0;
}

/* release = fel-exec: FEL EXEC at the entry; otherwise the mailbox (or
 * nothing) releases the card, and this has nothing to do. */
static int usb_release(struct cl_tp *tp, uint64_t entry, const uint64_t *args,
		       uint32_t argmask)
{
	struct usb *u = tp->priv;

	(void)args;
	(void)argmask;
	if (tp->board->release != CL_RELEASE_EXEC)
		return 0;
	if (entry > UINT32_MAX)
		return cl_seterr(tp->ctx, CL_E_STATE, "entry 0x%" PRIx64 " is "
				 "beyond FEL EXEC's 32-bit addresses; not "
				 "released", entry);
	if (cl_usb_fel(&u->l, FEL_EXEC, (uint32_t)entry, 0, NULL, 0))
		return cl_usb_fel_error(tp->ctx, &u->l, FEL_EXEC,
					(uint32_t)entry, 0);
	cl_log(tp->ctx, CL_LOG_INFO, "usb %s: FEL EXEC at 0x%08" PRIx64,
	       u->l.dev.path, entry);
	return 0;
}

static void version_line(const struct usb_link *l, char *buf, size_t len)
{
	snprintf(buf, len, "FEL soc 0x%04x (%s) firmware 0x%x protocol %u "
		 "scratchpad 0x%x", l->ver.soc_id,
		 cl_fel_soc_name(l->ver.soc_id), l->ver.firmware,
		 l->ver.protocol, l->ver.scratchpad);
}

static int usb_describe(struct cl_tp *tp, char *buf, size_t len)
{
	struct usb *u = tp->priv;
	char ver[128];

	version_line(&u->l, ver, sizeof(ver));
	snprintf(buf, len, "usb %s %04x:%04x, %s", u->l.dev.path,
		 u->l.dev.vendor, u->l.dev.product, ver);
	return 0;
}

int cl_usb_describe(struct cl_ctx *ctx, const struct cl_usb_dev *dev,
		    char *buf, size_t len)
{
	struct usb_link l = { .timeout = 2000 };
	libusb_device *d = NULL;
	struct cl_usb_dev found;
	char id[16];
	unsigned n = 0;
	int rc = cl_usb_open_ctx(ctx, &l.lc);

	snprintf(id, sizeof(id), "%04x:%04x", dev->vendor, dev->product);
	if (!rc)
		rc = cl_usb_list(ctx, l.lc, dev->path, id, NULL, 0, &found, &d,
				 1, &n);
	if (!rc && n != 1)
		rc = cl_seterr(ctx, CL_E_NODEV, "USB device %s (%s) is gone",
			       dev->path, id);
	if (!rc) {
		l.dev = found;
		rc = cl_usb_attach(ctx, &l, d);
	}
	if (!rc)
		version_line(&l, buf, len);
	cl_usb_detach(&l);
	if (d)
		libusb_unref_device(d);
	if (l.lc)
		libusb_exit(l.lc);
	return rc;
}

const struct cl_tp_ops cl_tp_usb = {
	.name = "usb",
	.opts = (const struct cl_tp_opt[]){
		{ .key = "usb.slot", .arg = "PATH",
		  .help = "BUS-PORT[.PORT...] as /sys/bus/usb/devices names "
			  "it, or BUS:DEVNUM as lsusb prints it (-s)" },
		{ .key = "usb.id", .arg = "VENDOR:PRODUCT",
		  .help = "lsusb -d syntax (-d)" },
		{ .key = "usb.timeout", .arg = "MS", .def = "5000",
		  .help = "bound of every USB transfer" },
		{ .key = "usb.chunk", .arg = "SIZE", .def = "4M",
		  .help = "bytes per FEL WRITE or READ message (512 to 8M)" },
		{ .key = "usb.retries", .arg = "N", .def = "2",
		  .help = "a failed write is sent again up to N times, after "
			  "a USB reset" },
		{ .key = NULL }
	},
	.open = usb_open,
	.close = usb_close,
	.write = usb_write,
	.read = usb_read,
	.release = usb_release,
	.describe = usb_describe,
};
