/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbdev.h - the usb transport's internals: discovery (usbdev.c: the -d
 * and -s syntaxes, the device list) and one attached FEL device (usbfel.c) */
#ifndef CL_USBDEV_H
#define CL_USBDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <libusb.h>
#include "cardload.h"
#include "fel.h"

#define CL_USB_MAX_PORTS 7	/* USB 3 allows a chain this deep */

/* -d VENDOR:PRODUCT as lsusb takes it: hex, either side may be empty
 * (any); vendor or product -1 when empty. 0, or -1 when malformed. */
int cl_usb_parse_id(const char *text, int *vendor, int *product);

/* -s as sysfs names a device, "BUS-PORT[.PORT...]" (decimal: 1-1, 3-1.4),
 * or as lsusb -s takes it, "[BUS]:[DEVNUM]" (decimal, either side empty:
 * any). */
struct cl_usb_sel {
	bool by_path;		/* BUS-PORT...: bus and port[] */
	int bus, devnum;	/* -1: any */
	uint8_t port[CL_USB_MAX_PORTS];
	unsigned nport;
};
/* 0, or -1 when malformed. */
int cl_usb_parse_slot(const char *text, struct cl_usb_sel *sel);
/* Does a device at bus/port[]/devnum pass the selector? */
bool cl_usb_sel_match(const struct cl_usb_sel *sel, unsigned bus,
		      const uint8_t *port, unsigned nport, unsigned devnum);
/* "BUS-PORT.PORT..." into buf (at least 32 bytes); "usbBUS" for a root
 * hub (nport 0). */
void cl_usb_path_name(char *buf, size_t len, unsigned bus,
		      const uint8_t *port, unsigned nport);

/* libusb_init as an error of ours (CL_E_NODEV when there is no USB). */
int cl_usb_open_ctx(struct cl_ctx *ctx, libusb_context **lc);
/* cl_usb_scan on a libusb context: devices passing the filters, up to max
 * of them in out[] and, when devs is not NULL, each device referenced in
 * devs[] (in the bus's order, unsorted; unref them). *n counts all. */
int cl_usb_list(struct cl_ctx *ctx, libusb_context *lc, const char *slot,
		const char *id, const char *const *ids, unsigned nids,
		struct cl_usb_dev *out, libusb_device **devs, unsigned max,
		unsigned *n);

/* ---- usbfel.c: one attached FEL device ----------------------------------- */

struct usb_link {
	libusb_context *lc;
	libusb_device_handle *h;	/* NULL: not attached */
	struct cl_usb_dev dev;
	int iface;
	uint8_t ep_out, ep_in;
	unsigned timeout;		/* ms, every transfer */
	struct fel_version ver;		/* VERSION's answer at attach */
	bool gone;			/* the device disappeared */
	int err;			/* last failure: libusb's, or ours */
	int got;			/* bytes of a short transfer */
	const char *phase;		/* where in the message it failed */
};

/* Open d (u->dev describes it, u->lc and u->timeout are set), claim its
 * interface with bulk endpoints both ways, ask VERSION.
 * Return: 0; CL_E_NODEV (gone, or not a FEL device), CL_E_BUSY (claimed
 * by another program), CL_E_IO; u->h is NULL on failure. */
int cl_usb_attach(struct cl_ctx *ctx, struct usb_link *u, libusb_device *d);
void cl_usb_detach(struct usb_link *u);
/* One FEL message: type at addr for len bytes, then a data phase of dlen
 * bytes (to the device for FEL_WRITE, from it for READ and VERSION), then
 * the FEL status. 0, or -1 with u->err and u->phase set. */
int cl_usb_fel(struct usb_link *u, uint32_t type, uint32_t addr,
	       uint32_t len, void *data, uint32_t dlen);
/* The error of a failed cl_usb_fel (CL_E_IO), naming the message. */
int cl_usb_fel_error(struct cl_ctx *ctx, struct usb_link *u, uint32_t type,
		     uint32_t addr, uint32_t len);
/* Back to the start of an exchange after a failure: a USB reset (the
 * device re-found at its path if it enumerated anew), VERSION again. */
int cl_usb_recover(struct cl_ctx *ctx, struct usb_link *u);
/* "D1/T113" for 0x1859; "unknown SoC" for ids not in the table. */
const char *cl_fel_soc_name(uint32_t id);

#endif /* CL_USBDEV_H */
