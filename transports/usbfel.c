/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbfel.c - one USB device that speaks FEL: attaching to it (its bulk
 * endpoints, the interface claimed, VERSION asked), FEL messages over
 * libusb with a timeout on every transfer, errors that name the message,
 * and getting back in step after a failure (a USB reset) */
#include <inttypes.h>
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "fel.h"
#include "usbdev.h"

enum { E_SHORT = 1, E_AWUS = 2 };	/* ours, beside libusb's (< 0) */

/* SoC ids that Allwinner's ROMs report (public: the linux-sunxi wiki). */
static const struct {
	uint16_t id;
	const char *name;
} socs[] = {
	{ 0x1623, "A10" }, { 0x1625, "A13/R8" }, { 0x1633, "A31" },
	{ 0x1639, "A80" }, { 0x1651, "A20" }, { 0x1663, "F1C100s" },
	{ 0x1667, "A33/R16" }, { 0x1673, "A83T" }, { 0x1680, "H3" },
	{ 0x1681, "V3s" }, { 0x1689, "A64" }, { 0x1701, "R40" },
	{ 0x1718, "H5" }, { 0x1719, "A63" }, { 0x1721, "V5" },
	{ 0x1728, "H6" }, { 0x1755, "V853" }, { 0x1817, "V831" },
	{ 0x1823, "H616" }, { 0x1851, "R329" }, { 0x1859, "D1/T113" },
};

const char *cl_fel_soc_name(uint32_t id)
{
	size_t i;

	for (i = 0; i < sizeof(socs) / sizeof(socs[0]); i++)
		if (socs[i].id == id)
			return socs[i].name;
	return "unknown SoC";
}

/* ---- transfers ----------------------------------------------------------- */

/*
 * A FEL message is nine bulk transfers, three USB exchanges of AWUC,
 * data and AWUS each. They are all submitted at once, in order: a device
 * takes the transfers of an endpoint in the order they were queued, so
 * the message costs one round trip between this process and the device
 * instead of nine. The first transfer that fails or comes up short
 * cancels the ones still queued. Each transfer's timeout runs from its
 * submission, so it bounds the whole message: usb.timeout must exceed
 * the time of one message's data (usb.chunk at the link's speed).
 */
#define STEPS 9

struct step {
	bool in;
	void *buf;
	uint32_t len;
};

struct run {
	struct libusb_transfer *t[STEPS];
	unsigned n, left;
	bool failed;
};

static void LIBUSB_CALL step_done(struct libusb_transfer *t)
{
	struct run *r = t->user_data;

	r->left--;
	if (t->status != LIBUSB_TRANSFER_COMPLETED ||
	    t->actual_length != t->length)
		r->failed = true;
}

static int status_err(enum libusb_transfer_status st)
{
	switch (st) {
	case LIBUSB_TRANSFER_TIMED_OUT: return LIBUSB_ERROR_TIMEOUT;
	case LIBUSB_TRANSFER_STALL: return LIBUSB_ERROR_PIPE;
	case LIBUSB_TRANSFER_NO_DEVICE: return LIBUSB_ERROR_NO_DEVICE;
	case LIBUSB_TRANSFER_OVERFLOW: return LIBUSB_ERROR_OVERFLOW;
	case LIBUSB_TRANSFER_COMPLETED: return E_SHORT;
	default: return LIBUSB_ERROR_IO;
	}
}

/* Wait for every submitted transfer; after a failure cancel the rest. */
static void drain(struct usb_link *u, struct run *r)
{
	bool cancelled = false;
	unsigned i;

	while (r->left) {
		if ((r->failed || u->gone) && !cancelled) {
			for (i = 0; i < r->n; i++)
				libusb_cancel_transfer(r->t[i]);
			cancelled = true;
		}
		if (libusb_handle_events(u->lc) == LIBUSB_ERROR_NO_DEVICE)
			u->gone = true;
	}
}

/* Run the steps; 0, or -1 with u->err, u->got and the failing step's
 * index in *at. */
static int run_steps(struct usb_link *u, const struct step *s, unsigned n,
		     unsigned *at)
{
	struct run r = { .n = 0 };
	unsigned i, k;
	int rc = 0;

	*at = 0;
	if (u->gone) {
		u->err = LIBUSB_ERROR_NO_DEVICE;
		return -1;
	}
	for (i = 0; i < n && !rc; i++) {
		struct libusb_transfer *t = libusb_alloc_transfer(0);

		if (!t) {
			rc = LIBUSB_ERROR_NO_MEM;
			break;
		}
		libusb_fill_bulk_transfer(t, u->h, s[i].in ? u->ep_in :
					  u->ep_out, s[i].buf, (int)s[i].len,
					  step_done, &r, u->timeout);
		r.t[r.n++] = t;
		rc = libusb_submit_transfer(t);
		if (rc)
			r.failed = true;
		else
			r.left++;
	}
	drain(u, &r);
	/* the first transfer that failed by itself, not cancelled after it */
	u->err = 0;
	for (k = 0; k < 2 && !u->err; k++)
		for (i = 0; i < r.n && !u->err; i++) {
			struct libusb_transfer *t = r.t[i];

			if (rc && i == r.n - 1)
				u->err = rc; /* never submitted */
			else if ((t->status != LIBUSB_TRANSFER_COMPLETED ||
				  t->actual_length != t->length) &&
				 (k || t->status != LIBUSB_TRANSFER_CANCELLED))
				u->err = status_err(t->status);
			u->got = t->actual_length;
			*at = i;
		}
	for (i = 0; i < r.n; i++)
		libusb_free_transfer(r.t[i]);
	if (u->err == LIBUSB_ERROR_NO_DEVICE)
		u->gone = true;
	return u->err ? -1 : 0;
}

/* One FEL message: the request, its data phase (dlen bytes of data, to
 * the device for WRITE, from it otherwise), the FEL status. */
int cl_usb_fel(struct usb_link *u, uint32_t type, uint32_t addr, uint32_t len,
	       void *data, uint32_t dlen)
{
	static const char *const phase[] = { "request", "data phase",
					     "status" };
	uint8_t awuc[3][FEL_AWUC_LEN], awus[3][FEL_AWUS_LEN];
	uint8_t req[FEL_REQ_LEN], st[FEL_STATUS_LEN];
	struct step s[STEPS];
	unsigned n = 0, at, i, ex[STEPS];
	int rc;

	fel_request(req, type, addr, len);
	fel_awuc(awuc[0], true, sizeof(req));
	fel_awuc(awuc[1], type == FEL_WRITE, dlen);
	fel_awuc(awuc[2], false, sizeof(st));
	for (i = 0; i < 3; i++) {
		void *buf = i == 0 ? req : i == 1 ? data : st;
		uint32_t blen = i == 0 ? sizeof(req) : i == 1 ? dlen :
					 sizeof(st);
		bool in = i == 1 ? type != FEL_WRITE : i == 2;

		if (i == 1 && !dlen)
			continue;
		ex[n] = i;
		s[n++] = (struct step){ false, awuc[i], FEL_AWUC_LEN };
		ex[n] = i;
		s[n++] = (struct step){ in, buf, blen };
		ex[n] = i;
		s[n++] = (struct step){ true, awus[i], FEL_AWUS_LEN };
	}
	rc = run_steps(u, s, n, &at);
	for (i = 0; !rc && i < n; i++)
		if (s[i].buf != data && s[i].len == FEL_AWUS_LEN && s[i].in &&
		    !fel_awus_ok(s[i].buf, FEL_AWUS_LEN)) {
			u->err = E_AWUS;
			at = i;
			rc = -1;
		}
	u->phase = phase[ex[at]];
	return rc;
}

static const char *msg_name(uint32_t type)
{
	switch (type) {
	case FEL_VERSION: return "VERSION";
	case FEL_WRITE: return "WRITE";
	case FEL_EXEC: return "EXEC";
	default: return "READ";
	}
}

/* The error of a failed FEL message, naming it, the address and length. */
int cl_usb_fel_error(struct cl_ctx *ctx, struct usb_link *u, uint32_t type,
		     uint32_t addr, uint32_t len)
{
	char why[96];

	if (u->gone)
		snprintf(why, sizeof(why), "the device disappeared (unplugged,"
			 " reset, or its gadget unbound)");
	else if (u->err == LIBUSB_ERROR_TIMEOUT)
		snprintf(why, sizeof(why), "timed out after %u ms (-O "
			 "usb.timeout=MS)", u->timeout);
	else if (u->err == E_SHORT)
		snprintf(why, sizeof(why), "short transfer (%d bytes)",
			 u->got);
	else if (u->err == E_AWUS)
		snprintf(why, sizeof(why), "the device's status is not AWUS");
	else
		snprintf(why, sizeof(why), "%s", libusb_strerror(u->err));
	return cl_seterr(ctx, CL_E_IO, "usb %s: FEL %s of %" PRIu32
			 " bytes at 0x%08" PRIx32 ", %s: %s; card left held",
			 u->dev.path, msg_name(type), len, addr, u->phase,
			 why);
}

/* ---- attaching ----------------------------------------------------------- */

/* The first interface with a bulk endpoint each way (a FEL ROM has one). */
static int find_endpoints(struct usb_link *u)
{
	struct libusb_config_descriptor *cfg;
	int i, a, e;

	if (libusb_get_active_config_descriptor(libusb_get_device(u->h), &cfg))
		return -1;
	for (i = 0; i < cfg->bNumInterfaces; i++)
		for (a = 0; a < cfg->interface[i].num_altsetting; a++) {
			const struct libusb_interface_descriptor *d =
				&cfg->interface[i].altsetting[a];

			u->ep_in = u->ep_out = 0;
			for (e = 0; e < d->bNumEndpoints; e++) {
				const struct libusb_endpoint_descriptor *ep =
					&d->endpoint[e];

				if ((ep->bmAttributes & 3) !=
				    LIBUSB_TRANSFER_TYPE_BULK)
					continue;
				if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN)
					u->ep_in = ep->bEndpointAddress;
				else
					u->ep_out = ep->bEndpointAddress;
			}
			if (u->ep_in && u->ep_out) {
				u->iface = d->bInterfaceNumber;
				libusb_free_config_descriptor(cfg);
				return 0;
			}
		}
	libusb_free_config_descriptor(cfg);
	return -1;
}

void cl_usb_detach(struct usb_link *u)
{
	if (u->h) {
		libusb_release_interface(u->h, u->iface);
		libusb_close(u->h);
		u->h = NULL;
	}
}

/* Open d, claim its FEL interface and ask VERSION. */
int cl_usb_attach(struct cl_ctx *ctx, struct usb_link *u, libusb_device *d)
{
	uint8_t ver[FEL_VERSION_LEN];
	int rc = libusb_open(d, &u->h);

	if (rc) {
		u->h = NULL;
		return cl_seterr(ctx, rc == LIBUSB_ERROR_NO_DEVICE ?
				 CL_E_NODEV : CL_E_IO, "cannot open USB device"
				 " %s: %s%s", u->dev.path, libusb_strerror(rc),
				 rc == LIBUSB_ERROR_ACCESS ? " (run as root, or "
				 "give your user access to the card: see "
				 "contrib/99-cardload.rules)" : "");
	}
	if (find_endpoints(u)) {
		libusb_close(u->h);
		u->h = NULL;
		return cl_seterr(ctx, CL_E_NODEV, "USB device %s (%04x:%04x) "
				 "has no interface with bulk endpoints both "
				 "ways: not a FEL device", u->dev.path,
				 u->dev.vendor, u->dev.product);
	}
	libusb_set_auto_detach_kernel_driver(u->h, 1);
	rc = libusb_claim_interface(u->h, u->iface);
	if (rc) {
		libusb_close(u->h);
		u->h = NULL;
		return cl_seterr(ctx, rc == LIBUSB_ERROR_BUSY ? CL_E_BUSY :
				 CL_E_IO, "cannot claim interface %d of USB "
				 "device %s: %s%s", u->iface, u->dev.path,
				 libusb_strerror(rc), rc == LIBUSB_ERROR_BUSY ?
				 " (another program has it)" : "");
	}
	u->gone = false;
	u->phase = "request";
	/* A host that died mid-message (a killed loader) leaves the ROM in
	 * the middle of it, taking our request for its data: SET_INTERFACE
	 * puts a FEL monitor back at the start (a ROM with one setting may
	 * refuse it, which changes nothing), and a reset if VERSION fails. */
	libusb_set_interface_alt_setting(u->h, u->iface, 0);
	if (cl_usb_fel(u, FEL_VERSION, 0, 0, ver, sizeof(ver)) && !u->gone &&
	    !libusb_reset_device(u->h))
		cl_usb_fel(u, FEL_VERSION, 0, 0, ver, sizeof(ver));
	if (u->err || !fel_version_parse(ver, sizeof(ver), &u->ver)) {
		if (u->err)
			return cl_usb_fel_error(ctx, u, FEL_VERSION, 0,
						sizeof(ver));
		return cl_seterr(ctx, CL_E_NODEV, "USB device %s (%04x:%04x) "
				 "answers FEL VERSION without \"AWUSBFEX\": "
				 "not a FEL boot ROM", u->dev.path,
				 u->dev.vendor, u->dev.product);
	}
	return 0;
}

/* Find the device again at the same path after a reset that made it
 * enumerate anew, and attach to it. */
static int reattach(struct cl_ctx *ctx, struct usb_link *u)
{
	char id[16];
	libusb_device *d = NULL;
	struct cl_usb_dev found;
	unsigned n;
	int rc;

	cl_usb_detach(u);
	snprintf(id, sizeof(id), "%04x:%04x", u->dev.vendor, u->dev.product);
	rc = cl_usb_list(ctx, u->lc, u->dev.path, id, NULL, 0, &found, &d, 1,
			 &n);
	if (rc)
		return rc;
	if (n != 1) {
		if (d)
			libusb_unref_device(d);
		u->gone = true;
		return cl_seterr(ctx, CL_E_IO, "usb %s: the device did not "
				 "come back after a reset; card left held",
				 u->dev.path);
	}
	u->dev = found;
	rc = cl_usb_attach(ctx, u, d);
	libusb_unref_device(d);
	if (rc) { /* mid-load: a card that is gone is an I/O error (exit 8) */
		char why[256];

		snprintf(why, sizeof(why), "%s", cl_errmsg(ctx));
		u->gone = true;
		rc = cl_seterr(ctx, CL_E_IO, "usb %s: the device did not come "
			       "back after a reset (%s); card left held",
			       u->dev.path, why);
	}
	return rc;
}

/* Bring the device back to the start of an exchange: a USB reset (the
 * card side starts over on it), then VERSION again. */
int cl_usb_recover(struct cl_ctx *ctx, struct usb_link *u)
{
	uint8_t ver[FEL_VERSION_LEN];
	int rc = libusb_reset_device(u->h);

	if (rc == LIBUSB_ERROR_NOT_FOUND)
		return reattach(ctx, u);
	if (rc) {
		if (rc == LIBUSB_ERROR_NO_DEVICE)
			u->gone = true;
		return cl_seterr(ctx, CL_E_IO, "usb %s: reset failed: %s; "
				 "card left held", u->dev.path,
				 libusb_strerror(rc));
	}
	if (cl_usb_fel(u, FEL_VERSION, 0, 0, ver, sizeof(ver)))
		return cl_usb_fel_error(ctx, u, FEL_VERSION, 0, sizeof(ver));
	return 0;
}

