/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cardload_card.h - libcardload's card without an image: PCI discovery,
 * hold, start, status, waiting, the console ring, card memory by address
 *
 * Part of the public interface; cardload.h includes it.
 */
#ifndef CARDLOAD_CARD_H
#define CARDLOAD_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cardload_board.h"

struct cl_ctx;
struct cl_tp;                /* an open transport (cl_open) */

/* ---- PCI discovery (cardload list; the pci transport) ------------------ */

#define CL_PCI_BARS 6
#define CL_PCI_RES_IO 0x100u        /* IORESOURCE_* flags of sysfs */
#define CL_PCI_RES_MEM 0x200u
#define CL_PCI_RES_PREFETCH 0x2000u

struct cl_pci_dev {
	char slot[32];              /* "0000:00:04.0", the sysfs name */
	uint16_t vendor, device;
	uint32_t class_id;          /* base class and subclass */
	uint64_t bar_start[CL_PCI_BARS];
	uint64_t bar_size[CL_PCI_BARS]; /* from the `resource` file */
	uint32_t bar_flags[CL_PCI_BARS];
	uint32_t match_mask;        /* bit i: matches ids[i] */
};

/* Devices under sysfs_root (default /sys/bus/pci) that pass the lspci-style
 * slot and id filters (NULL: any) and, when nids > 0, match one of ids.
 * Fills up to max entries; *n counts all matches. */
int cl_pci_scan(struct cl_ctx *ctx, const char *sysfs_root, const char *slot,
		const char *id, const char *const *ids, unsigned nids,
		struct cl_pci_dev *out, unsigned max, unsigned *n);

/* ---- USB discovery (cardload list; the usb transport) ------------------ */

struct cl_usb_dev {
	char path[32];              /* "1-1.4": its name in /sys/bus/usb/devices */
	unsigned bus, devnum;       /* as lsusb prints them */
	uint16_t vendor, product;
	char speed[8];              /* Mbit/s as sysfs says: "480", "5000" */
	uint32_t match_mask;        /* bit i: matches ids[i] */
};

/* USB devices that pass the -s selector (BUS-PORT[.PORT...] or
 * [BUS]:[DEVNUM]) and the lsusb-style -d id filter (NULL: any) and, when
 * nids > 0, match one of ids (VENDOR:PRODUCT). Fills up to max entries,
 * by bus and path; *n counts all matches. A machine where libusb reaches
 * no USB at all has no devices (0, *n = 0). */
int cl_usb_scan(struct cl_ctx *ctx, const char *slot, const char *id,
		const char *const *ids, unsigned nids, struct cl_usb_dev *out,
		unsigned max, unsigned *n);
/* What a USB card's boot ROM reports, asked over its protocol (FEL:
 * VERSION): one line into buf, e.g. "FEL soc 0x1859 (D1/T113) firmware
 * 0x1 protocol 1 scratchpad 0x45000". Opens and releases the device.
 * Return: 0, CL_E_NODEV, CL_E_BUSY or CL_E_IO. */
int cl_usb_describe(struct cl_ctx *ctx, const struct cl_usb_dev *dev,
		    char *buf, size_t len);

/* ---- the card without an image (card.c, console.c) -------------------- */

/* A card is released (by a load or boot without no_start, or by cl_start)
 * only when it will run what is staged: on release = mailbox boards, its
 * ROM has announced READY (mailbox magic, version and ready words), or the
 * transport holds its CPU and starts it (release-step = qmp with -O
 * mem.qmp=SOCKET). Otherwise CL_E_STATE saying what is missing, checked
 * before a boot writes anything and again just before GO. */

/* Release a card whose image was staged earlier (cardload start). Checks
 * first, reading only: the mailbox's magic and version are cardboot.h's
 * (or both unset), GO is not set, an image is staged, the argmask has no
 * bit beyond CARDBOOT_NARGS, the card may be released (above); the staged
 * entry lies inside a RAM window and outside every reserved range, the
 * mailbox and the console ring.
 * Return: 0 (released); CL_E_USAGE (board without release = mailbox),
 * CL_E_STATE naming what is wrong (the entry too), each with nothing
 * written; or an error of the release itself, with the mailbox unstaged. */
int cl_start(struct cl_ctx *ctx, const struct cl_board *board,
	     struct cl_tp *tp);

/* Put the card back in hold, as a load does before its first write: the
 * transport's hold (QMP stop and system_reset), the board's hold steps
 * (entry and arguments read as 0), on release = mailbox boards the mailbox
 * (nothing staged, GO withdrawn, status cleared, each word read back) and
 * the console ring's header. Where only the mailbox holds the CPU, a
 * payload already running is not stopped by it.
 * Return: 0; the transport's error, CL_E_TIMEOUT (a hold step's poll) or
 * CL_E_VERIFY (a mailbox word did not land). */
int cl_hold(struct cl_ctx *ctx, const struct cl_board *board,
	    struct cl_tp *tp);

struct cl_card_status {
	bool mailbox;            /* board has a mailbox */
	uint32_t magic, version, ready, go, staged, status, argmask;
	uint64_t hartid, platform_dtb, entry, arg[4];
};
/* The mailbox as the card holds it (all zero, mailbox false, on a board
 * without one); status is the payload's word: CARDBOOT_STATUS_KIND() of it
 * is CARDBOOT_STATUS_DONE(0) or CARDBOOT_STATUS_FAIL(0) once it finished.
 * Return: 0 or the transport's error. */
int cl_status(struct cl_ctx *ctx, const struct cl_board *board,
	      struct cl_tp *tp, struct cl_card_status *st);

/* After release: wait until the payload posts a status word. Returns 0 for
 * DONE, CL_E_CARD for FAIL, CL_E_TIMEOUT; *status is the last word read.
 * A timeout's message says what the mailbox and console ring tell of why:
 * the ROM never announced READY, GO was withdrawn, nothing changed since
 * the release (the card shows no sign of having started), the payload
 * posted RUNNING or wrote to its console but no DONE or FAIL. */
int cl_wait(struct cl_ctx *ctx, const struct cl_board *board,
	    struct cl_tp *tp, unsigned timeout_ms, uint32_t *status);

/* The console ring's contents, oldest byte first, NUL-terminated (free it);
 * *lost counts older bytes the ring no longer holds. */
int cl_console_read(struct cl_ctx *ctx, const struct cl_board *board,
		    struct cl_tp *tp, char **text, size_t *len,
		    uint64_t *lost);
/* console --follow: the bytes written to the ring since *cursor, oldest
 * first, NUL-terminated (free it; none: *len 0), and *cursor advanced
 * past them (it is the ring's head count). Start with *cursor = UINT64_MAX
 * for everything the ring holds. *lost counts bytes written since *cursor
 * that the ring no longer held (or that the payload overwrote while they
 * were read). A ring whose head went back (re-initialised by a new load)
 * is read from its start. Poll it; stop when cl_status says DONE or FAIL.
 * Return: 0; CL_E_USAGE (no console ring), CL_E_STATE (the ring's header
 * is not there), CL_E_NOMEM or the transport's error. */
int cl_console_follow(struct cl_ctx *ctx, const struct cl_board *board,
		      struct cl_tp *tp, uint64_t *cursor, char **text,
		      size_t *len, uint64_t *lost);

/* Card memory by address (cardload read / write). */
#define CL_WRITE_FORCE   0x1u  /* allow reserved ranges, mailbox, console */
#define CL_WRITE_NO_HOLD 0x2u  /* do not hold the card first */
/* Read [addr, addr+len), which must lie inside one RAM window. Does not
 * hold the card. Return: 0; CL_E_PLACE naming the range (outside every
 * window, or wrapping), CL_E_USAGE (len 0), or the transport's error. */
int cl_card_read(struct cl_ctx *ctx, const struct cl_board *board,
		 struct cl_tp *tp, uint64_t addr, void *buf, size_t len);
/* The checks of cl_card_write against the board alone (a dry run): inside
 * one RAM window; unless CL_WRITE_FORCE, outside every reserved range, the
 * mailbox and the console ring, in card addresses and in the windows'
 * backing. Return: 0, CL_E_PLACE naming both ranges, CL_E_USAGE. */
int cl_card_write_check(struct cl_ctx *ctx, const struct cl_board *board,
			uint64_t addr, uint64_t len, unsigned flags);
/* Write buf to [addr, addr+len): cl_card_write_check first (nothing is
 * touched on refusal), then cl_hold unless CL_WRITE_NO_HOLD, the write, a
 * flush, and a read-back compare.
 * Return: 0; the errors of cl_card_write_check and cl_hold; CL_E_VERIFY
 * with the first differing address; the transport's error. */
int cl_card_write(struct cl_ctx *ctx, const struct cl_board *board,
		  struct cl_tp *tp, uint64_t addr, const void *buf, size_t len,
		  unsigned flags);

#endif /* CARDLOAD_CARD_H */
