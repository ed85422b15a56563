/* SPDX-License-Identifier: GPL-2.0-or-later */
/* felmon.c - an Allwinner FEL boot monitor on Linux FunctionFS: the test
 * card's emulated USB mask ROM
 *
 *   felmon [--soc ID] [--base ADDR] [--size BYTES] [--mailbox ADDR]
 *          [--piece BYTES] [--ready FILE] [--refuse-write N] [-v]
 *          MEMFILE FFSDIR
 *
 * MEMFILE is mapped shared and is the card's memory: card address
 * base + off is byte off of the file (in the test VM, the ivshmem BAR
 * /sys/bus/pci/devices/.../resource2 that is the RISC-V card's RAM). Its
 * size is the file's unless --size says less. FFSDIR is a mounted
 * FunctionFS instance: felmon writes its descriptors (full, high and
 * SuperSpeed; one vendor-specific interface with a bulk OUT and a bulk IN
 * endpoint, as Allwinner's ROM has) and strings to FFSDIR/ep0, opens ep1
 * (OUT) and ep2 (IN), then creates the --ready FILE (holding its process
 * id): only then can the gadget be bound to a UDC. The UDC picks the
 * endpoint addresses (dummy_hcd: OUT 0x02, IN 0x81): hosts read them from
 * the interface descriptor.
 *
 * The protocol (transports/fel.h has the byte layouts): every USB transfer
 * is a 32-byte AWUC request from the host, its data phase, then a 13-byte
 * AWUS status from here. A FEL message is a 16-byte request sent as such a
 * transfer, its data (WRITE: to the card; READ, VERSION: from the card; in
 * one transfer or several), then an 8-byte FEL status read by the host.
 *   VERSION  answers "AWUSBFEX", the --soc id in bits 8..23 of its SoC
 *            word (default 0x1859, the D1, which sunxi-fel knows),
 *            firmware 1, protocol 1, scratchpad = --base
 *   WRITE    stores into the mapping, READ answers from it: both straight
 *            between the mapping and the endpoint, --piece bytes at a time
 *   EXEC     does what this card's ROM can: it waits on the cardboot.h
 *            mailbox at --mailbox, so EXEC stages the address there (entry,
 *            argmask 0, staged = STAGED, then GO last); the ROM jumps with
 *            a0 = hart id, a1 = platform DTB. Refused unless the ROM posted
 *            READY and no GO was written yet.
 * A request the card cannot serve (an address range outside [base,
 * base + size), an unknown message, a transfer that does not fit the
 * message) is logged on stderr and the host sees its transfer fail: the
 * endpoint it uses next is halted, so it gets a STALL (LIBUSB_ERROR_PIPE):
 * the IN endpoint for a refused FEL request (the AWUS read fails), the OUT
 * one for a data transfer that does not fit a WRITE, both for bytes that
 * are no AWUC. The halt lasts until the host clears it (CLEAR_FEATURE,
 * libusb_clear_halt) or resets the device; the protocol starts over at
 * once. Nothing is ever written outside the mapping.
 *
 * ep0 events are read by the main thread (control requests to the
 * function are stalled); a second thread serves the bulk endpoints. The
 * endpoints being disabled (a USB reset, the UDC unbound, the host's
 * SET_CONFIGURATION or SET_INTERFACE) ends any message half-way, so a host
 * that failed in the middle recovers by resetting the device: the endpoint
 * files are opened O_NONBLOCK, so I/O fails with ESHUTDOWN when it was
 * pending, EAGAIN when it starts while they are disabled; the protocol
 * starts over and I/O is retried every 5 ms until they are enabled again.
 * ep0's DISABLE/ENABLE events are not used for this: the bulk thread can
 * see the new endpoints before ep0's thread reads the event, and
 * SET_INTERFACE re-enables the endpoints with an ENABLE event alone. (A
 * reset that both disables and enables the endpoints while the bulk thread
 * is between two reads or writes goes unseen: a window of microseconds.)
 * A host that disappears without a reset leaves its message half-done.
 * -v logs one line per FEL message and every ep0 event. --refuse-write N
 * refuses the N-th WRITE message of 64 KiB or more, once, as it refuses a
 * write outside card memory (a fault for the host's recovery to meet).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "fel.h"
#include "cardboot.h"

/*
 * Bulk I/O in pieces of at most this many bytes. FunctionFS allocates one
 * physically contiguous kernel buffer (kmalloc) of the size of each read()
 * or write() on dummy_hcd, which does no scatter-gather: 16 MiB fails with
 * ENOMEM (kmalloc's limit is 4 MiB), and large orders can fail on a
 * fragmented system, so a piece that cannot be allocated is halved and
 * tried again (nothing was transferred). Measured in the test VM
 * (sunxi-fel, 40 MiB, dummy_hcd under TCG, SuperSpeed, MB/s write/read):
 * 16 KiB 36-43/40-46, 64 KiB 36-81/55-87, 256 KiB 63-108/63-91,
 * 1 MiB 67-102/64-95, 4 MiB 69-110/61-93; the spread is the shared host.
 */
#define DEFAULT_PIECE (1024 * 1024)
#define MAX_PACKET 1024		/* the largest bulk packet (SuperSpeed) */

struct mon {
	uint8_t *mem;
	uint64_t size;
	uint32_t base, mailbox, soc;
	size_t piece;
	bool verbose;
	unsigned refuse_write;	/* the N-th large WRITE is refused, once */
	unsigned large_writes;
	int ep0, out, in;
};

/* One FEL message in progress. */
struct fel {
	enum { PH_REQUEST, PH_DATA, PH_STATUS } phase;
	uint32_t type, addr, len;
	uint32_t done;			/* data bytes moved */
	unsigned transfers;		/* AWUC transfers of the data phase */
	uint8_t version[FEL_VERSION_LEN];
};

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "felmon: %s\n", line);
}

static void le16_store(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void le32_store(uint8_t *p, uint32_t v)
{
	le16_store(p, v);
	le16_store(p + 2, v >> 16);
}

static uint16_t le16_load(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32_load(const uint8_t *p)
{
	return le16_load(p) | (uint32_t)le16_load(p + 2) << 16;
}

/* A 32-bit word of card memory, as the card sees it: one aligned access. */
static uint32_t card_get32(struct mon *m, uint64_t off)
{
	return le32toh(*(volatile uint32_t *)(m->mem + off));
}

static void card_put32(struct mon *m, uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(m->mem + off) = htole32(v);
}

static const char *fel_name(uint32_t type)
{
	switch (type) {
	case FEL_VERSION: return "VERSION";
	case FEL_WRITE: return "WRITE";
	case FEL_EXEC: return "EXEC";
	case FEL_READ: return "READ";
	}
	return "?";
}

/* ---- FunctionFS set-up ------------------------------------------------ */

struct bytes {
	uint8_t b[256];
	size_t n;
};

static void put8(struct bytes *d, uint8_t v)
{
	d->b[d->n++] = v;
}

static void put16(struct bytes *d, uint16_t v)
{
	le16_store(d->b + d->n, v);
	d->n += 2;
}

static void put32(struct bytes *d, uint32_t v)
{
	le32_store(d->b + d->n, v);
	d->n += 4;
}

/* Interface 0: vendor specific (0xff/0xff/0xff), two endpoints, string 1. */
static void intf_desc(struct bytes *d)
{
	put8(d, USB_DT_INTERFACE_SIZE);
	put8(d, USB_DT_INTERFACE);
	put8(d, 0);
	put8(d, 0);
	put8(d, 2);
	put8(d, USB_CLASS_VENDOR_SPEC);
	put8(d, 0xff);
	put8(d, 0xff);
	put8(d, 1);
}

static void ep_desc(struct bytes *d, uint8_t addr, uint16_t maxpacket)
{
	put8(d, USB_DT_ENDPOINT_SIZE);
	put8(d, USB_DT_ENDPOINT);
	put8(d, addr);
	put8(d, USB_ENDPOINT_XFER_BULK);
	put16(d, maxpacket);
	put8(d, 0);
}

static void ss_comp_desc(struct bytes *d)
{
	put8(d, USB_DT_SS_EP_COMP_SIZE);
	put8(d, USB_DT_SS_ENDPOINT_COMP);
	put8(d, 15);		/* bMaxBurst: 16 packets */
	put8(d, 0);
	put16(d, 0);
}

/* ep1 is the bulk OUT endpoint, ep2 the bulk IN one, at every speed. */
static int write_descriptors(int ep0)
{
	static const uint16_t maxp[] = { 64, 512, 1024 };
	struct bytes d = { .n = 0 };
	struct bytes s = { .n = 0 };
	int i;

	put32(&d, FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	put32(&d, 0);		/* length, below */
	put32(&d, FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC |
		  FUNCTIONFS_HAS_SS_DESC);
	put32(&d, 3);		/* fs_count */
	put32(&d, 3);		/* hs_count */
	put32(&d, 5);		/* ss_count */
	for (i = 0; i < 3; i++) {
		intf_desc(&d);
		ep_desc(&d, 1 | USB_DIR_OUT, maxp[i]);
		if (i == 2)
			ss_comp_desc(&d);
		ep_desc(&d, 2 | USB_DIR_IN, maxp[i]);
		if (i == 2)
			ss_comp_desc(&d);
	}
	le32_store(d.b + 4, d.n);

	put32(&s, FUNCTIONFS_STRINGS_MAGIC);
	put32(&s, 0);
	put32(&s, 1);		/* str_count */
	put32(&s, 1);		/* lang_count */
	put16(&s, 0x0409);
	memcpy(s.b + s.n, "FEL", 4);
	s.n += 4;
	le32_store(s.b + 4, s.n);

	if (write(ep0, d.b, d.n) != (ssize_t)d.n)
		return -1;
	if (write(ep0, s.b, s.n) != (ssize_t)s.n)
		return -1;
	return 0;
}

static const char *const event_names[] = {
	[FUNCTIONFS_BIND] = "BIND", [FUNCTIONFS_UNBIND] = "UNBIND",
	[FUNCTIONFS_ENABLE] = "ENABLE", [FUNCTIONFS_DISABLE] = "DISABLE",
	[FUNCTIONFS_SETUP] = "SETUP", [FUNCTIONFS_SUSPEND] = "SUSPEND",
	[FUNCTIONFS_RESUME] = "RESUME",
};

/* The ep0 thread: events until ep0 fails. Every control request that
 * reaches the function is refused with a STALL: FEL needs none. */
static void ep0_loop(struct mon *m)
{
	struct usb_functionfs_event ev[4];
	ssize_t n;
	int i;

	for (;;) {
		n = read(m->ep0, ev, sizeof(ev));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			logf_("ep0: %s", strerror(errno));
			return;
		}
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			const struct usb_ctrlrequest *r = &ev[i].u.setup;
			uint8_t t = ev[i].type;

			if (m->verbose)
				logf_("ep0: %s", t < sizeof(event_names) /
				      sizeof(event_names[0]) ? event_names[t] : "?");
			switch (t) {
			case FUNCTIONFS_SETUP:
				if (m->verbose)
					logf_("ep0: stall request 0x%02x/0x%02x",
					      r->bRequestType, r->bRequest);
				/* the wrong direction stalls ep0 */
				if (r->bRequestType & USB_DIR_IN) {
					if (read(m->ep0, NULL, 0) < 0 &&
					    errno != EL2HLT)
						logf_("ep0: stall: %s", strerror(errno));
				} else if (write(m->ep0, NULL, 0) < 0 &&
					   errno != EL2HLT) {
					logf_("ep0: stall: %s", strerror(errno));
				}
				break;
			}
		}
	}
}

/* ---- bulk I/O --------------------------------------------------------- */

/* I/O failed: the host broke the transfer off, or the endpoints went
 * away. The message is dropped. */
#define IO_FAILED (-1)
/* The host asked for what the card cannot do: refused, message dropped. */
#define REFUSED (-2)
/* The endpoints are disabled (EAGAIN) or were while I/O was pending
 * (ESHUTDOWN): the message is dropped, I/O waits for ENABLE. */
#define DISABLED (-3)
/* Disabled between messages: nothing dropped. */
#define IDLE (-4)

/* Halt endpoint fd: the host's next transfer there fails with a STALL.
 * FunctionFS halts an endpoint on I/O in the wrong direction. */
static void stall(struct mon *m, int fd)
{
	ssize_t r;
	char c;

	if (fd == m->in)
		r = read(fd, &c, 0);
	else
		r = write(fd, &c, 0);
	if (r < 0 && errno != EBADMSG)
		logf_("cannot halt the %s endpoint: %s",
		      fd == m->in ? "IN" : "OUT", strerror(errno));
}

static int io_error(const char *what, ssize_t r, size_t want)
{
	if (r < 0 && (errno == EAGAIN || errno == ESHUTDOWN))
		return DISABLED;
	if (r < 0)
		logf_("%s: %s", what, strerror(errno));
	else
		logf_("%s: %zd of %zu bytes", what, r, want);
	return IO_FAILED;
}

/* FunctionFS could not allocate a buffer of k bytes: smaller pieces from
 * now on, while they are larger than a packet. */
static bool smaller_pieces(struct mon *m, size_t k)
{
	if (errno != ENOMEM || k <= MAX_PACKET)
		return false;
	m->piece = (k / 2 + MAX_PACKET - 1) / MAX_PACKET * MAX_PACKET;
	logf_("FunctionFS cannot allocate %zu bytes: pieces of %zu from now on",
	      k, m->piece);
	return true;
}

/* Receive exactly len bytes of one transfer into p, piece by piece (a
 * short packet only ends a piece early). */
static int recv_data(struct mon *m, uint8_t *p, size_t len)
{
	while (len) {
		size_t k = len < m->piece ? len : m->piece;
		ssize_t r = read(m->out, p, k);

		if (r < 0 && (errno == EINTR || smaller_pieces(m, k)))
			continue;
		if (r <= 0 || (size_t)r > k)
			return io_error("bulk OUT", r, k);
		p += r;
		len -= r;
	}
	return 0;
}

static int send_data(struct mon *m, const uint8_t *p, size_t len)
{
	while (len) {
		size_t k = len < m->piece ? len : m->piece;
		ssize_t r = write(m->in, p, k);

		if (r < 0 && (errno == EINTR || smaller_pieces(m, k)))
			continue;
		if (r != (ssize_t)k)
			return io_error("bulk IN", r, k);
		p += r;
		len -= r;
	}
	return 0;
}

static int send_awus(struct mon *m)
{
	uint8_t st[FEL_AWUS_LEN] = { 'A', 'W', 'U', 'S' };

	return send_data(m, st, sizeof(st));
}

/* [addr, addr + len) lies in card memory: its offset in *off. */
static bool in_memory(struct mon *m, uint32_t addr, uint32_t len,
		      uint64_t *off)
{
	if (addr < m->base)
		return false;
	*off = (uint64_t)addr - m->base;
	return len <= m->size && *off <= m->size - len;
}

/* EXEC at addr: stage it in the card ROM's mailbox, GO last. */
static int fel_exec(struct mon *m, uint32_t addr)
{
	uint64_t mb, e;
	uint32_t ready, go;

	if (!in_memory(m, m->mailbox, CARDBOOT_MB_SIZE, &mb) || (mb & 7)) {
		logf_("EXEC 0x%08" PRIx32 ": no mailbox at 0x%08" PRIx32
		      " in card memory", addr, m->mailbox);
		return REFUSED;
	}
	if (!in_memory(m, addr, 4, &e)) {
		logf_("EXEC 0x%08" PRIx32 ": outside card memory [0x%08" PRIx32
		      ", 0x%" PRIx64 ")", addr, m->base, m->base + m->size);
		return REFUSED;
	}
	ready = card_get32(m, mb + CARDBOOT_MB_READY_OFF);
	go = card_get32(m, mb + CARDBOOT_MB_GO_OFF);
	if (ready != CARDBOOT_READY || go == CARDBOOT_GO) {
		logf_("EXEC 0x%08" PRIx32 ": the card ROM is not waiting "
		      "(mailbox ready 0x%08" PRIx32 ", go 0x%08" PRIx32 ")",
		      addr, ready, go);
		return REFUSED;
	}
	card_put32(m, mb + CARDBOOT_MB_ENTRY_OFF, addr);
	card_put32(m, mb + CARDBOOT_MB_ENTRY_OFF + 4, 0);
	card_put32(m, mb + CARDBOOT_MB_ARGMASK_OFF, 0);
	card_put32(m, mb + CARDBOOT_MB_STAGED_OFF, CARDBOOT_STAGED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	card_put32(m, mb + CARDBOOT_MB_GO_OFF, CARDBOOT_GO);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

/* The 16-byte FEL request: check it, start the message. */
static int fel_start(struct mon *m, struct fel *f, const uint8_t *req)
{
	uint64_t off;

	f->type = le32_load(req);
	f->addr = le32_load(req + 4);
	f->len = le32_load(req + 8);
	f->done = 0;
	f->transfers = 0;
	switch (f->type) {
	case FEL_VERSION:
		memset(f->version, 0, sizeof(f->version));
		memcpy(f->version, "AWUSBFEX", 8);
		le32_store(f->version + 8, m->soc << 8);
		le32_store(f->version + 12, 1);		/* firmware */
		le16_store(f->version + 16, 1);		/* protocol */
		le32_store(f->version + 20, m->base);	/* scratchpad */
		f->len = FEL_VERSION_LEN;
		f->phase = PH_DATA;
		return 0;
	case FEL_WRITE:
		if (f->len >= 65536 &&
		    ++m->large_writes == m->refuse_write) {
			logf_("WRITE [0x%08" PRIx32 ", +0x%" PRIx32 "): refused "
			      "on purpose (--refuse-write %u)", f->addr, f->len,
			      m->refuse_write);
			return REFUSED;
		}
		/* fall through */
	case FEL_READ:
		if (!in_memory(m, f->addr, f->len, &off)) {
			logf_("%s [0x%08" PRIx32 ", +0x%" PRIx32 "): outside "
			      "card memory [0x%08" PRIx32 ", 0x%" PRIx64 ")",
			      fel_name(f->type), f->addr, f->len, m->base,
			      m->base + m->size);
			return REFUSED;
		}
		f->phase = f->len ? PH_DATA : PH_STATUS;
		return 0;
	case FEL_EXEC:
		f->phase = PH_STATUS;
		return fel_exec(m, f->addr);
	}
	logf_("unknown FEL request 0x%03" PRIx32 " (address 0x%08" PRIx32
	      ", length 0x%" PRIx32 ")", f->type, f->addr, f->len);
	return REFUSED;
}

/*
 * One USB transfer: AWUC, data, AWUS. Returns 0, IO_FAILED or REFUSED
 * (the endpoint the host uses next is halted then).
 */
static int transfer(struct mon *m, struct fel *f)
{
	uint8_t awuc[MAX_PACKET], req[FEL_REQ_LEN], st[FEL_STATUS_LEN];
	uint32_t len, left;
	uint16_t dir;
	uint64_t off;
	ssize_t r;
	int fd, err;

	do
		r = read(m->out, awuc, sizeof(awuc));
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		/* between messages, a disabled endpoint is no news */
		err = io_error("bulk OUT (AWUC)", r, FEL_AWUC_LEN);
		return err == DISABLED && f->phase == PH_REQUEST ? IDLE : err;
	}
	if (r != FEL_AWUC_LEN || memcmp(awuc, "AWUC", 4)) {
		logf_("not an AWUC request (%zd bytes: %02x %02x %02x %02x)",
		      r, awuc[0], awuc[1], awuc[2], awuc[3]);
		stall(m, m->out);
		stall(m, m->in);
		return REFUSED;
	}
	len = le32_load(awuc + 8);
	dir = le16_load(awuc + 16);
	/* the endpoint the host uses next, halted on a refusal */
	fd = dir == FEL_USB_WRITE && len ? m->out : m->in;
	left = f->phase == PH_DATA ? f->len - f->done : 0;
	err = REFUSED;

	if ((dir != FEL_USB_WRITE && dir != FEL_USB_READ) ||
	    le32_load(awuc + 18) != len) {
		logf_("bad AWUC request (direction 0x%04x, lengths 0x%" PRIx32
		      " and 0x%" PRIx32 ")", dir, len, le32_load(awuc + 18));
	} else if (f->phase == PH_REQUEST) {
		if (dir != FEL_USB_WRITE || len != FEL_REQ_LEN) {
			logf_("expected a FEL request, got a %s of %" PRIu32
			      " bytes", dir == FEL_USB_WRITE ? "write" : "read",
			      len);
		} else if (!(err = recv_data(m, req, sizeof(req)))) {
			fd = m->in;
			err = fel_start(m, f, req);
		}
	} else if (f->phase == PH_STATUS) {
		if (dir != FEL_USB_READ || len != FEL_STATUS_LEN) {
			logf_("%s 0x%08" PRIx32 ": expected the FEL status read,"
			      " got a %s of %" PRIu32 " bytes",
			      fel_name(f->type), f->addr,
			      dir == FEL_USB_WRITE ? "write" : "read", len);
		} else {
			memset(st, 0, sizeof(st));
			err = send_data(m, st, sizeof(st));
			if (!err && m->verbose)
				logf_("%s 0x%08" PRIx32 " +0x%" PRIx32
				      " (%u transfers)", fel_name(f->type),
				      f->addr, f->len, f->transfers);
			f->phase = PH_REQUEST;
		}
	} else if ((dir == FEL_USB_WRITE) != (f->type == FEL_WRITE) ||
		   !len || len > left) {
		logf_("%s 0x%08" PRIx32 " +0x%" PRIx32 ": a %s of %" PRIu32
		      " bytes does not fit (0x%" PRIx32 " bytes left)",
		      fel_name(f->type), f->addr, f->len,
		      dir == FEL_USB_WRITE ? "write" : "read", len, left);
	} else {
		off = (uint64_t)f->addr - m->base + f->done;
		if (f->type == FEL_WRITE)
			err = recv_data(m, m->mem + off, len);
		else if (f->type == FEL_READ)
			err = send_data(m, m->mem + off, len);
		else
			err = send_data(m, f->version + f->done, len);
		f->done += len;
		f->transfers++;
		if (f->done == f->len)
			f->phase = PH_STATUS;
	}
	if (err == REFUSED)
		stall(m, fd);
	if (err)
		return err;
	return send_awus(m);
}

static void *bulk_loop(void *arg)
{
	struct mon *m = arg;
	struct fel f = { .phase = PH_REQUEST };
	unsigned fails = 0;
	int err;

	for (;;) {
		err = transfer(m, &f);
		if (!err) {
			fails = 0;
			continue;
		}
		if (err == DISABLED && f.phase != PH_REQUEST)
			logf_("%s 0x%08" PRIx32 ": dropped, the endpoints were "
			      "disabled (USB reset or unbind)",
			      fel_name(f.type), f.addr);
		f.phase = PH_REQUEST;
		if (err == DISABLED || err == IDLE)
			usleep(5 * 1000);
		else if (err == IO_FAILED && ++fails > 3)
			usleep(100 * 1000);	/* failing at once: no spin */
	}
	return NULL;
}

/* ---- main ------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: felmon [--soc ID] [--base ADDR] [--size BYTES]"
		" [--mailbox ADDR] [--piece BYTES] [--ready FILE]"
		" [--refuse-write N] [-v]"
		" MEMFILE FFSDIR\n");
	exit(2);
}

static uint64_t number(const char *opt, const char *s, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "felmon: bad %s '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

static int open_at(const char *dir, const char *name, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags);
	if (fd < 0)
		logf_("cannot open '%s': %s", path, strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "soc", required_argument, NULL, 's' },
		{ "base", required_argument, NULL, 'b' },
		{ "size", required_argument, NULL, 'z' },
		{ "mailbox", required_argument, NULL, 'm' },
		{ "piece", required_argument, NULL, 'p' },
		{ "ready", required_argument, NULL, 'r' },
		{ "refuse-write", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct mon m = {
		.soc = 0x1859, .base = 0x80000000, .mailbox = 0x87c00000,
		.piece = DEFAULT_PIECE, .ep0 = -1, .out = -1, .in = -1,
	};
	const char *ready = NULL;
	uint64_t size = 0;
	struct stat sb;
	pthread_t bulk;
	int c, fd;

	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 's': m.soc = number("--soc", optarg, 0xffff); break;
		case 'b': m.base = number("--base", optarg, UINT32_MAX); break;
		case 'z': size = number("--size", optarg, UINT32_MAX); break;
		case 'm': m.mailbox = number("--mailbox", optarg, UINT32_MAX);
			break;
		case 'p':
			m.piece = number("--piece", optarg, 64 << 20);
			if (m.piece < MAX_PACKET || m.piece % MAX_PACKET) {
				fprintf(stderr, "felmon: --piece must be a "
					"multiple of %d\n", MAX_PACKET);
				exit(2);
			}
			break;
		case 'r': ready = optarg; break;
		case 'w': m.refuse_write = (unsigned)number("--refuse-write",
							    optarg, 1u << 30);
			break;
		case 'v': m.verbose = true; break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();

	fd = open(argv[optind], O_RDWR);
	if (fd < 0 || fstat(fd, &sb)) {
		logf_("cannot open '%s': %s", argv[optind], strerror(errno));
		return 1;
	}
	m.size = sb.st_size;
	if (size) {
		if (size > m.size) {
			logf_("--size 0x%" PRIx64 " is larger than '%s' "
			      "(0x%" PRIx64 " bytes)", size, argv[optind],
			      m.size);
			return 1;
		}
		m.size = size;
	}
	/* card addresses are 32-bit: the memory ends at 4 GiB at most */
	if (!m.size || m.size > (UINT64_C(1) << 32) - m.base) {
		logf_("'%s': 0x%" PRIx64 " bytes at 0x%08" PRIx32 " do not fit"
		      " the 32-bit address space", argv[optind], m.size, m.base);
		return 1;
	}
	m.mem = mmap(NULL, m.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m.mem == MAP_FAILED) {
		logf_("cannot map '%s': %s", argv[optind], strerror(errno));
		return 1;
	}
	close(fd);

	m.ep0 = open_at(argv[optind + 1], "ep0", O_RDWR);
	if (m.ep0 < 0)
		return 1;
	if (write_descriptors(m.ep0)) {
		logf_("cannot write descriptors to '%s/ep0': %s",
		      argv[optind + 1], strerror(errno));
		return 1;
	}
	m.out = open_at(argv[optind + 1], "ep1", O_RDWR | O_NONBLOCK);
	m.in = open_at(argv[optind + 1], "ep2", O_RDWR | O_NONBLOCK);
	if (m.out < 0 || m.in < 0)
		return 1;
	if (m.verbose)
		logf_("card memory [0x%08" PRIx32 ", 0x%" PRIx64 ") from '%s',"
		      " soc 0x%04" PRIx32 ", mailbox 0x%08" PRIx32
		      ", pieces of %zu bytes", m.base, m.base + m.size,
		      argv[optind], m.soc, m.mailbox, m.piece);

	errno = pthread_create(&bulk, NULL, bulk_loop, &m);
	if (errno) {
		logf_("cannot start the bulk thread: %s", strerror(errno));
		return 1;
	}
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			logf_("cannot create '%s': %s", ready, strerror(errno));
			return 1;
		}
		dprintf(fd, "%d\n", (int)getpid());
		close(fd);
	}
	ep0_loop(&m);
	return 1;
}
