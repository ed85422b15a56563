/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbdev.c - finding USB cards: libusb's device list, lsusb's -d filter,
 * a -s selector by sysfs path or by bus and device number */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "usbdev.h"

/* Up to max digits of base 10 or 16 at *p into *v; advances *p. */
static int digits(const char **p, int base, unsigned max, unsigned long *v)
{
	const char *s = *p;
	unsigned long x = 0;
	unsigned n = 0;

	for (;; s++, n++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (n == max)
			return -1;
		x = x * (unsigned)base + d;
	}
	if (!n)
		return -1;
	*v = x;
	*p = s;
	return 0;
}

int cl_usb_parse_id(const char *text, int *vendor, int *product)
{
	const char *p = text;
	unsigned long v;

	*vendor = *product = -1;
	if (*p != ':') {
		if (digits(&p, 16, 4, &v))
			return -1;
		*vendor = (int)v;
	}
	if (*p++ != ':')
		return -1;
	if (*p) {
		if (digits(&p, 16, 4, &v) || *p)
			return -1;
		*product = (int)v;
	}
	return 0;
}

int cl_usb_parse_slot(const char *text, struct cl_usb_sel *sel)
{
	const char *p = text;
	unsigned long v;

	memset(sel, 0, sizeof(*sel));
	sel->bus = sel->devnum = -1;
	if (strchr(text, ':')) { /* [BUS]:[DEVNUM], lsusb -s */
		if (*p != ':') {
			if (digits(&p, 10, 3, &v) || v > 255)
				return -1;
			sel->bus = (int)v;
		}
		p++;
		if (*p) {
			if (digits(&p, 10, 3, &v) || *p || v > 127)
				return -1;
			sel->devnum = (int)v;
		}
		return 0;
	}
	/* BUS-PORT[.PORT...], as /sys/bus/usb/devices names it */
	sel->by_path = true;
	if (digits(&p, 10, 3, &v) || v > 255 || *p++ != '-')
		return -1;
	sel->bus = (int)v;
	do {
		if (sel->nport == CL_USB_MAX_PORTS ||
		    digits(&p, 10, 3, &v) || v < 1 || v > 255)
			return -1;
		sel->port[sel->nport++] = (uint8_t)v;
	} while (*p++ == '.');
	return p[-1] ? -1 : 0;
}

bool cl_usb_sel_match(const struct cl_usb_sel *sel, unsigned bus,
		      const uint8_t *port, unsigned nport, unsigned devnum)
{
	if (sel->bus >= 0 && (unsigned)sel->bus != bus)
		return false;
	if (sel->by_path)
		return sel->nport == nport &&
		       !memcmp(sel->port, port, nport);
	return sel->devnum < 0 || (unsigned)sel->devnum == devnum;
}

void cl_usb_path_name(char *buf, size_t len, unsigned bus,
		      const uint8_t *port, unsigned nport)
{
	size_t used;
	unsigned i;

	if (!nport) {
		snprintf(buf, len, "usb%u", bus);
		return;
	}
	used = (size_t)snprintf(buf, len, "%u", bus);
	for (i = 0; i < nport && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%c%u",
					 i ? '.' : '-', port[i]);
}

static const char *speed_name(int speed)
{
	switch (speed) {
	case LIBUSB_SPEED_LOW: return "1.5";
	case LIBUSB_SPEED_FULL: return "12";
	case LIBUSB_SPEED_HIGH: return "480";
	case LIBUSB_SPEED_SUPER: return "5000";
	case LIBUSB_SPEED_SUPER_PLUS: return "10000";
	default: return "";
	}
}

/* A parsed filter; vid/pid -1: any. */
struct idf {
	int vid, pid;
};

static bool id_match(const struct idf *f, uint16_t vid, uint16_t pid)
{
	return (f->vid < 0 || f->vid == vid) && (f->pid < 0 || f->pid == pid);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct cl_usb_dev *x = a, *y = b;

	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	return strcmp(x->path, y->path);
}

int cl_usb_open_ctx(struct cl_ctx *ctx, libusb_context **lc)
{
	int rc = libusb_init(lc);

	if (rc) {
		*lc = NULL;
		return cl_seterr(ctx, CL_E_NODEV, "libusb cannot reach USB on "
				 "this machine: %s (no usbfs at /dev/bus/usb?)",
				 libusb_strerror(rc));
	}
	return 0;
}

int cl_usb_list(struct cl_ctx *ctx, libusb_context *lc, const char *slot,
		const char *id, const char *const *ids, unsigned nids,
		struct cl_usb_dev *out, libusb_device **devs, unsigned max,
		unsigned *n)
{
	struct idf fid = { -1, -1 }, fmatch[CL_MAX_MATCH];
	struct cl_usb_sel sel;
	libusb_device **list = NULL;
	ssize_t count, k;
	unsigned i, kept = 0;

	*n = 0;
	if (nids > CL_MAX_MATCH)
		return cl_seterr(ctx, CL_E_USAGE, "too many match ids");
	if (slot && cl_usb_parse_slot(slot, &sel))
		return cl_seterr(ctx, CL_E_USAGE, "-s '%s': not a USB device "
				 "path BUS-PORT[.PORT...] (as in /sys/bus/usb/"
				 "devices) or BUS:DEVNUM (as lsusb prints)",
				 slot);
	if (id && cl_usb_parse_id(id, &fid.vid, &fid.pid))
		return cl_seterr(ctx, CL_E_USAGE, "-d '%s': not VENDOR:PRODUCT"
				 " (hex, as lsusb -d takes it)", id);
	for (i = 0; i < nids; i++)
		if (cl_usb_parse_id(ids[i], &fmatch[i].vid, &fmatch[i].pid))
			return cl_seterr(ctx, CL_E_BOARD, "board match id '%s'"
					 " is not VENDOR:PRODUCT", ids[i]);
	count = libusb_get_device_list(lc, &list);
	if (count < 0)
		return cl_seterr(ctx, CL_E_NODEV, "cannot list USB devices: "
				 "%s", libusb_strerror((int)count));
	for (k = 0; k < count; k++) {
		struct libusb_device_descriptor dd;
		struct cl_usb_dev dev = { 0 };
		uint8_t port[CL_USB_MAX_PORTS];
		int np = libusb_get_port_numbers(list[k], port, sizeof(port));

		if (np < 0 || libusb_get_device_descriptor(list[k], &dd))
			continue;
		dev.bus = libusb_get_bus_number(list[k]);
		dev.devnum = libusb_get_device_address(list[k]);
		dev.vendor = dd.idVendor;
		dev.product = dd.idProduct;
		if (slot && !cl_usb_sel_match(&sel, dev.bus, port,
					      (unsigned)np, dev.devnum))
			continue;
		if (!id_match(&fid, dev.vendor, dev.product))
			continue;
		for (i = 0; i < nids; i++)
			if (id_match(&fmatch[i], dev.vendor, dev.product))
				dev.match_mask |= 1u << i;
		if (nids && !dev.match_mask)
			continue;
		cl_usb_path_name(dev.path, sizeof(dev.path), dev.bus, port,
				 (unsigned)np);
		snprintf(dev.speed, sizeof(dev.speed), "%s",
			 speed_name(libusb_get_device_speed(list[k])));
		if (kept < max) {
			out[kept] = dev;
			if (devs)
				devs[kept] = libusb_ref_device(list[k]);
			kept++;
		}
		(*n)++;
	}
	libusb_free_device_list(list, 1);
	if (!devs)
		qsort(out, kept, sizeof(*out), cmp_dev);
	return 0;
}

int cl_usb_scan(struct cl_ctx *ctx, const char *slot, const char *id,
		const char *const *ids, unsigned nids, struct cl_usb_dev *out,
		unsigned max, unsigned *n)
{
	libusb_context *lc;
	struct cl_usb_sel sel;
	int rc;

	*n = 0;
	if (slot && cl_usb_parse_slot(slot, &sel))
		return cl_seterr(ctx, CL_E_USAGE, "-s '%s': not a USB device "
				 "path BUS-PORT[.PORT...] or BUS:DEVNUM", slot);
	if (libusb_init(&lc)) {
		/* no usbfs (a machine without USB): no USB cards */
		cl_log(ctx, CL_LOG_DEBUG, "libusb cannot reach USB here: no "
		       "USB cards listed");
		return 0;
	}
	rc = cl_usb_list(ctx, lc, slot, id, ids, nids, out, NULL, max, n);
	libusb_exit(lc);
	return rc;
}
