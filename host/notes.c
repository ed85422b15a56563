/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notes.c - the ELF notes of an image: cardboot.h's own (ABI, PARAMS,
 * PLACEMENT, BOARD, MACHINE) and Xen's (xennote.c), read with libelf's
 * bounded note iterator plus our own size checks, and where a PARAMS note
 * may point
 */
#include <gelf.h>
#include <inttypes.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"

#define MAX_NOTES 1024 /* notes in all PT_NOTE segments together */

static int cardload_note(struct cl_ctx *ctx, struct cl_image *img,
			 const GElf_Nhdr *nh, const uint8_t *desc,
			 uint64_t desc_vaddr)
{
	switch (nh->n_type) {
	case CARDBOOT_NOTE_ABI:
		if (nh->n_descsz != 4 || img->has_abi)
			break;
		img->has_abi = true;
		img->abi = (uint32_t)img_get(img, desc, 4);
		return 0;
	case CARDBOOT_NOTE_PARAMS:
		if (nh->n_descsz != 8 || img->has_params)
			break;
		img->has_params = true;
		/* self-relative; wrapping is caught when the plan places it */
		img->params_vaddr = desc_vaddr +
				    img_get(img, desc, 8);
		return 0;
	case CARDBOOT_NOTE_PLACEMENT:
		if (nh->n_descsz != 24 || img->has_placement)
			break;
		img->has_placement = true;
		img->place_align = img_get(img, desc, 8);
		img->place_min = img_get(img, desc + 8, 8);
		img->place_max = img_get(img, desc + 16, 8);
		if (!cl_is_pow2(img->place_align) ||
		    img->place_align > CL_MAX_ALIGN ||
		    (img->place_max && img->place_max < img->place_min))
			return cl_seterr(ctx, CL_E_ELF, "'%s': placement note "
					 "(align 0x%" PRIx64 ", min 0x%" PRIx64
					 ", max 0x%" PRIx64 ") is inconsistent",
					 img->path, img->place_align,
					 img->place_min, img->place_max);
		return 0;
	case CARDBOOT_NOTE_BOARD:
	case CARDBOOT_NOTE_MACHINE: {
		char *dst = nh->n_type == CARDBOOT_NOTE_BOARD ?
				    img->need_board : img->need_machine;

		if (!nh->n_descsz || nh->n_descsz > CARDBOOT_NOTE_STR_MAX ||
		    dst[0] || desc[nh->n_descsz - 1] ||
		    strlen((const char *)desc) + 1 != nh->n_descsz)
			break;
		memcpy(dst, desc, nh->n_descsz);
		return 0;
	}
	default:
		cl_log(ctx, CL_LOG_WARN, "'%s': ignoring cardload note type %u"
		       " (newer payload?)", img->path, nh->n_type);
		return 0;
	}
	return cl_seterr(ctx, CL_E_ELF, "'%s': cardload note type %u is "
			 "malformed (descriptor size %u) or repeated",
			 img->path, nh->n_type, nh->n_descsz);
}

int cl_elf_notes(struct cl_ctx *ctx, struct cl_image *img, struct Elf *e,
		 unsigned idx, const GElf_Phdr *ph)
{
	Elf_Type t = ph->p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR;
	size_t off = 0, next, name_off, desc_off;
	Elf_Data *d;
	GElf_Nhdr nh;
	int rc;

	if (!ph->p_filesz)
		return 0;
	d = elf_getdata_rawchunk(e, (int64_t)ph->p_offset, ph->p_filesz, t);
	if (!d)
		return cl_seterr(ctx, CL_E_ELF, "'%s': PT_NOTE (header %u) "
				 "unreadable: %s", img->path, idx,
				 elf_errmsg(-1));
	while (off < d->d_size) {
		next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
		if (!next || name_off + nh.n_namesz > d->d_size ||
		    desc_off + nh.n_descsz > d->d_size)
			return cl_seterr(ctx, CL_E_ELF, "'%s': PT_NOTE (header "
					 "%u): malformed note at offset 0x%zx",
					 img->path, idx, off);
		if (++img->nnotes > MAX_NOTES)
			return cl_seterr(ctx, CL_E_ELF, "'%s' has more than "
					 "%d notes", img->path, MAX_NOTES);
		if (nh.n_namesz == CARDBOOT_NOTE_NAMESZ &&
		    !memcmp((const char *)d->d_buf + name_off,
			    CARDBOOT_NOTE_NAME, CARDBOOT_NOTE_NAMESZ)) {
			rc = cardload_note(ctx, img, &nh,
					   (const uint8_t *)d->d_buf + desc_off,
					   ph->p_vaddr + desc_off);
			if (rc)
				return rc;
		} else if (nh.n_namesz == 4 &&
			   !memcmp((const char *)d->d_buf + name_off, "Xen",
				   4)) {
			rc = cl_xen_note(ctx, img, nh.n_type,
					 (const uint8_t *)d->d_buf + desc_off,
					 nh.n_descsz);
			if (rc)
				return rc;
		}
		off = next;
	}
	return 0;
}

/* "RW-", "R-X", ... */
static const char *flag_text(uint32_t f, char *buf)
{
	buf[0] = f & PF_R ? 'R' : '-';
	buf[1] = f & PF_W ? 'W' : '-';
	buf[2] = f & PF_X ? 'X' : '-';
	buf[3] = '\0';
	return buf;
}

int cl_elf_params_note(struct cl_ctx *ctx, const struct cl_image *img,
		       bool has_dyn, unsigned dyn_ph, uint64_t dyn_va,
		       uint64_t dyn_memsz)
{
	uint64_t v = img->params_vaddr, n = sizeof(struct cardboot_params),
		 end, se;
	char fl[4];
	unsigned i;

	if (!img->has_params || cl_add_ovf(v, n, &end))
		return 0;
	for (i = 0; i < img->nseg; i++) {
		const struct cl_seg *s = &img->seg[i];

		if (cl_add_ovf(s->vaddr, s->memsz, &se) ||
		    !cl_overlap(v, n, s->vaddr, s->memsz) ||
		    ((s->flags & PF_W) && !(s->flags & PF_X)))
			continue;
		return cl_seterr(ctx, CL_E_ELF, "'%s': the PARAMS note's "
				 "parameter block [0x%" PRIx64 ", 0x%" PRIx64
				 ") lies in segment %u [0x%" PRIx64 ", 0x%"
				 PRIx64 ") %s, which is %s: the block would "
				 "overwrite it", img->path, v, end, s->phidx,
				 s->vaddr, se, flag_text(s->flags, fl),
				 s->flags & PF_X ? "code" : "read-only");
	}
	if (has_dyn && !cl_add_ovf(dyn_va, dyn_memsz, &se) &&
	    cl_overlap(v, n, dyn_va, dyn_memsz))
		return cl_seterr(ctx, CL_E_ELF, "'%s': the PARAMS note's "
				 "parameter block [0x%" PRIx64 ", 0x%" PRIx64
				 ") overlaps PT_DYNAMIC (header %u) [0x%" PRIx64
				 ", 0x%" PRIx64 ")", img->path, v, end, dyn_ph,
				 dyn_va, se);
	return 0;
}
