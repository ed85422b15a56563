/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fel.h - the Allwinner FEL boot protocol's messages, as bytes (no I/O)
 *
 * What a USB boot ROM that speaks FEL expects on its two bulk endpoints
 * (public: the linux-sunxi wiki's FEL pages, sunxi-tools' behaviour):
 *
 *   every USB transfer of the protocol is a 32-byte AWUC request (saying
 *   "host to device" or "device to host" and the length), the data phase
 *   of that length, then a 13-byte AWUS status from the device;
 *
 *   on top of that, a FEL message is a 16-byte request (VERSION, WRITE,
 *   EXEC or READ with a 32-bit address and length) sent as such a
 *   transfer, the message's own data phase (WRITE: host to device; READ
 *   and VERSION: device to host; EXEC: none), then an 8-byte FEL status
 *   read from the device.
 *
 * Every multi-byte field is little-endian. This file only builds and
 * checks those bytes, and cuts a card range into messages; the USB
 * transport moves them.
 */
#ifndef CL_FEL_H
#define CL_FEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FEL_AWUC_LEN 32		/* USB request */
#define FEL_AWUS_LEN 13		/* USB status */
#define FEL_REQ_LEN 16		/* FEL message */
#define FEL_STATUS_LEN 8	/* FEL status */
#define FEL_VERSION_LEN 32	/* VERSION's answer */

/* AWUC directions */
#define FEL_USB_READ 0x11	/* device to host */
#define FEL_USB_WRITE 0x12	/* host to device */

/* FEL messages */
#define FEL_VERSION 0x001
#define FEL_WRITE 0x101
#define FEL_EXEC 0x102
#define FEL_READ 0x103

/* The AWUC request of a transfer of len bytes, write: host to device. */
void fel_awuc(uint8_t out[FEL_AWUC_LEN], bool write, uint32_t len);
/* A device's answer in[0, n) is a well-formed AWUS status. */
bool fel_awus_ok(const uint8_t *in, size_t n);
/* The 16-byte FEL message type at addr for len bytes. */
void fel_request(uint8_t out[FEL_REQ_LEN], uint32_t type, uint32_t addr,
		 uint32_t len);

/* VERSION's answer. */
struct fel_version {
	uint32_t soc_id;	/* e.g. 0x1859: the SoC, from bits 8..23 */
	uint32_t firmware;	/* what the ROM reports as its version */
	uint16_t protocol;
	uint32_t scratchpad;	/* a ROM address the host may use */
};
/* Parse VERSION's 32 bytes: false unless they start "AWUSBFEX". */
bool fel_version_parse(const uint8_t *in, size_t n, struct fel_version *v);

/* The messages a card range [addr, addr+len) takes, each at most max
 * bytes (max > 0): the count, or 0 when the range is empty, or leaves the
 * 32-bit address space FEL reaches (addresses up to 0xffffffff). */
uint64_t fel_messages(uint64_t addr, uint64_t len, uint32_t max);
/* The message that carries the bytes from done on of [addr, addr+len):
 * its address *at and length *n (at most max, max > 0). False when done
 * has reached len. The caller has checked the range with fel_messages. */
bool fel_piece(uint64_t addr, uint64_t len, uint64_t done, uint32_t max,
	       uint32_t *at, uint32_t *n);

#endif /* CL_FEL_H */
