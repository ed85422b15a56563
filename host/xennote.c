/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xennote.c - the "Xen" ELF notes of an image (Xen's public elfnote.h)
 *
 * notes.c walks the PT_NOTE segments with its bounded iterator and hands
 * each note named "Xen" here. Every one is recorded for inspect (the first
 * CL_MAX_XEN_NOTES of them; all are counted): its type, descriptor size,
 * and the value when the descriptor is a number (1, 2, 4 or 8 bytes in the
 * image's byte order) or a printable string. One is used: PHYS32_ENTRY,
 * the 32-bit physical entry of the PVH boot ABI, 4 or 8 bytes (Linux
 * writes a pointer-sized word), below 4 GiB and given once.
 */
#include <inttypes.h>
#include "internal.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Names by type, as elfnote.h spells them after XEN_ELFNOTE_. */
static const char *const names[] = {
	[0] = "INFO",
	[1] = "ENTRY",
	[2] = "HYPERCALL_PAGE",
	[3] = "VIRT_BASE",
	[4] = "PADDR_OFFSET",
	[5] = "XEN_VERSION",
	[6] = "GUEST_OS",
	[7] = "GUEST_VERSION",
	[8] = "LOADER",
	[9] = "PAE_MODE",
	[10] = "FEATURES",
	[11] = "BSD_SYMTAB",
	[12] = "HV_START_LOW",
	[13] = "L1_MFN_VALID",
	[14] = "SUSPEND_CANCEL",
	[15] = "INIT_P2M",
	[16] = "MOD_START_PFN",
	[17] = "SUPPORTED_FEATURES",
	[18] = "PHYS32_ENTRY",
	[19] = "PHYS32_RELOC",
};

const char *cl_xen_note_name(uint32_t type)
{
	switch (type) {
	case 0x1000001:
		return "CRASH_INFO";
	case 0x2000000:
		return "DUMPCORE_NONE";
	case 0x2000001:
		return "DUMPCORE_HEADER";
	case 0x2000002:
		return "DUMPCORE_XEN_VERSION";
	case 0x2000003:
		return "DUMPCORE_FORMAT_VERSION";
	}
	if (type < sizeof(names) / sizeof(names[0]))
		return names[type];
	return NULL;
}

/* desc[0, size) is printable ASCII, NUL-terminated or not (FEATURES is
 * not in Linux): the string's length, else 0. */
static uint32_t printable(const uint8_t *desc, uint32_t size)
{
	uint32_t i;

	if (size && !desc[size - 1])
		size--;
	for (i = 0; i < size; i++)
		if (desc[i] < 0x20 || desc[i] > 0x7e)
			return 0;
	return size;
}

int cl_xen_note(struct cl_ctx *ctx, struct cl_image *img, uint32_t type,
		const uint8_t *desc, uint32_t size)
{
	bool numeric = size == 1 || size == 2 || size == 4 || size == 8;
	uint64_t v = numeric ? img_get(img, desc, size) : 0;
	/* a number's bytes may look like text: then a NUL must end it */
	uint32_t len = numeric && desc[size - 1] ? 0 : printable(desc, size);
	struct cl_xen_note *n;

	if (type == XEN_ELFNOTE_PHYS32_ENTRY) {
		if (size != 4 && size != 8)
			return cl_seterr(ctx, CL_E_ELF, "'%s': Xen note "
					 "PHYS32_ENTRY is malformed (descriptor "
					 "size %" PRIu32 ", not 4 or 8)",
					 img->path, size);
		if (img->has_phys32_entry)
			return cl_seterr(ctx, CL_E_ELF, "'%s': Xen note "
					 "PHYS32_ENTRY is repeated (0x%" PRIx32
					 ", then 0x%" PRIx64 ")", img->path,
					 img->phys32_entry, v);
		if (v > UINT32_MAX)
			return cl_seterr(ctx, CL_E_ELF, "'%s': Xen note "
					 "PHYS32_ENTRY 0x%" PRIx64 " is not a "
					 "32-bit address", img->path, v);
		img->has_phys32_entry = true;
		img->phys32_entry = (uint32_t)v;
	}
	if (img->nxen++ >= CL_MAX_XEN_NOTES)
		return 0;
	n = &img->xen[img->nxen - 1];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->size = size;
	n->numeric = numeric;
	n->value = v;
	if (len && len < sizeof(n->text))
		memcpy(n->text, desc, len);
	return 0;
}
