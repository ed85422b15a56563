/* SPDX-License-Identifier: GPL-2.0-or-later */
/* params.c - build the boot-parameter block of cardboot.h for a plan
 *
 * Fixed-width little-endian fields at the offsets of struct cardboot_params,
 * written into a zeroed byte buffer: no host struct padding or uninitialised
 * byte ever reaches the card.
 */
#include <stddef.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"

#define PUT(buf, field, v)                                              \
	le_put((buf) + offsetof(struct cardboot_params, field),         \
	       sizeof(((struct cardboot_params *)0)->field), (uint64_t)(v))

void cl_params_build(const struct cl_plan *p, uint32_t digest,
		     uint64_t platform_dtb, uint8_t *out)
{
	const struct cl_board *b = p->board;
	unsigned i;

	memset(out, 0, sizeof(struct cardboot_params));
	PUT(out, magic, CARDBOOT_PARAMS_MAGIC);
	PUT(out, version, CARDBOOT_PARAMS_VERSION);
	PUT(out, size, sizeof(struct cardboot_params));
	PUT(out, load_base, p->base);
	PUT(out, reloc_offset, p->bias);
	PUT(out, entry, p->entry);
	PUT(out, mailbox, b->has_mailbox ? b->mailbox : 0);
	PUT(out, console, b->has_console ? b->console : 0);
	if (p->has_cmdline) {
		PUT(out, cmdline, p->cmdline_addr);
		PUT(out, cmdline_size, p->cmdline_size);
	}
	PUT(out, initrd, p->initrd_addr);
	PUT(out, initrd_size, p->initrd_size);
	PUT(out, dtb, p->dtb_addr);
	PUT(out, dtb_size, p->dtb_size);
	PUT(out, platform_dtb, platform_dtb);
	PUT(out, digest, digest);
	PUT(out, digest_kind, CARDBOOT_DIGEST_CRC32);
	PUT(out, nwindows, b->nwin);
	PUT(out, nsegs, p->nseg);
	for (i = 0; i < b->nwin && i < CARDBOOT_MAX_WINDOWS; i++) {
		uint8_t *w = out + offsetof(struct cardboot_params, windows) +
			     i * sizeof(struct cardboot_window);

		le64_put(w, b->win[i].addr);
		le64_put(w + 8, b->win[i].size);
	}
	for (i = 0; i < p->nseg && i < CARDBOOT_MAX_SEGS; i++) {
		uint8_t *s = out + offsetof(struct cardboot_params, segs) +
			     i * sizeof(struct cardboot_seg);

		le64_put(s, p->seg[i].addr);
		le64_put(s + 8, p->seg[i].filesz);
		le64_put(s + 16, p->seg[i].memsz);
		le32_put(s + 24, p->seg[i].flags);
	}
	memcpy(out + offsetof(struct cardboot_params, board), b->name,
	       strnlen(b->name, CARDBOOT_BOARD_MAX - 1));
}
