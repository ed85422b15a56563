/* SPDX-License-Identifier: GPL-2.0-or-later */
/* elf.c - validate an ELF image with libelf and list what the loader needs
 *
 * Loading needs only the ELF header and the program headers; section headers
 * are never required (BAD-INPUTS 12). Every size and offset is checked
 * against the buffer before use, with overflow-checked arithmetic, and the
 * raw program-header count is compared with what libelf returns (case 9).
 * A dynamic section naming a table the loader reads twice, and a PARAMS
 * note whose block lies in code, read-only data or PT_DYNAMIC, are refused.
 */
#include <gelf.h>
#include <inttypes.h>
#include <string.h>
#include "cardboot.h"
#include "internal.h"


uint64_t cl_seg_link_addr(const struct cl_image *img, const struct cl_seg *s,
			  int use_vaddr)
{
	return img->type == ET_DYN || use_vaddr ? s->vaddr : s->paddr;
}

/* Raw ELF header fields at their class-dependent offsets. */
struct rawhdr {
	unsigned w; /* address width: 4 or 8 */
	uint64_t phoff, shoff;
	unsigned phentsize, phnum, shentsize, shnum, shstrndx;
	size_t ehsize, shoff_at, shnum_at, shstrndx_at;
};

static void read_rawhdr(const uint8_t *d, int cls, int end, struct rawhdr *h)
{
	size_t a = cls == ELFCLASS64 ? 8 : 4; /* width of e_entry etc. */

	h->w = (unsigned)a;
	h->ehsize = cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	/* e_ident[16] e_type e_machine e_version e_entry e_phoff e_shoff */
	h->phoff = elf_get(d + 24 + a, a, end);
	h->shoff_at = 24 + 2 * a;
	h->shoff = elf_get(d + h->shoff_at, a, end);
	/* e_flags(4) e_ehsize(2) e_phentsize e_phnum e_shentsize e_shnum
	 * e_shstrndx */
	h->phentsize = elf_get(d + 24 + 3 * a + 6, 2, end);
	h->phnum = elf_get(d + 24 + 3 * a + 8, 2, end);
	h->shentsize = elf_get(d + 24 + 3 * a + 10, 2, end);
	h->shnum_at = 24 + 3 * a + 12;
	h->shnum = elf_get(d + h->shnum_at, 2, end);
	h->shstrndx_at = 24 + 3 * a + 14;
	h->shstrndx = elf_get(d + h->shstrndx_at, 2, end);
}

/* A section header table libelf would choke on is dropped from our private
 * copy, since loading never needs it; PN_XNUM images do need section 0. */
static int check_shdrs(struct cl_ctx *ctx, struct cl_image *img,
		       const struct rawhdr *h, int cls, int end)
{
	size_t shsz = cls == ELFCLASS64 ? sizeof(Elf64_Shdr) :
					  sizeof(Elf32_Shdr);
	uint64_t count = h->shnum, bytes, tabend;
	const char *why = NULL;

	if (h->shoff == 0 && h->phnum != PN_XNUM)
		return 0;
	if (h->shoff == 0)
		why = "no section header 0";
	else if (h->shentsize != shsz)
		why = "wrong e_shentsize";
	else if (h->shoff > img->size || img->size - h->shoff < shsz)
		why = "table outside the file";
	if (!why && count == 0) /* real count lives in section 0's sh_size */
		count = elf_get(img->data + h->shoff +
				(cls == ELFCLASS64 ? 32 : 20), h->w, end);
	if (!why && (cl_mul_ovf(count, (uint64_t)shsz, &bytes) ||
		     cl_add_ovf(h->shoff, bytes, &tabend) ||
		     tabend > img->size))
		why = "table outside the file";
	if (!why)
		return 0;
	if (h->phnum == PN_XNUM)
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s': e_phnum is PN_XNUM but section header "
				 "0 is unusable (%s)", img->path, why);
	cl_log(ctx, CL_LOG_WARN, "'%s': ignoring section headers (%s)",
	       img->path, why);
	/* zeros: the same bytes in either order */
	memset(img->data + h->shoff_at, 0, h->w);
	memset(img->data + h->shnum_at, 0, 2);
	memset(img->data + h->shstrndx_at, 0, 2);
	return 0;
}

static int check_load(struct cl_ctx *ctx, const struct cl_image *img,
		      unsigned i, const GElf_Phdr *ph)
{
	uint64_t end;

	if (ph->p_filesz > ph->p_memsz)
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s': segment %u: p_filesz 0x%" PRIx64
				 " is larger than p_memsz 0x%" PRIx64,
				 img->path, i, ph->p_filesz, ph->p_memsz);
	if (cl_add_ovf(ph->p_offset, ph->p_filesz, &end) || end > img->size)
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s': segment %u: file bytes [0x%" PRIx64
				 ", +0x%" PRIx64 ") lie outside the file "
				 "(%" PRIu64 " bytes)", img->path, i,
				 ph->p_offset, ph->p_filesz, img->size);
	if (cl_add_ovf(ph->p_vaddr, ph->p_memsz, &end) ||
	    cl_add_ovf(ph->p_paddr, ph->p_memsz, &end))
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s': segment %u: address 0x%" PRIx64
				 " + p_memsz 0x%" PRIx64 " wraps around",
				 img->path, i,
				 ph->p_paddr > ph->p_vaddr ? ph->p_paddr :
							     ph->p_vaddr,
				 ph->p_memsz);
	/* Alignment rule: 0 and 1 mean none; otherwise a power of two of at
	 * most 1 GiB. */
	if (ph->p_align > 1 &&
	    (!cl_is_pow2(ph->p_align) || ph->p_align > CL_MAX_ALIGN))
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s': segment %u: p_align 0x%" PRIx64
				 " is not a power of two up to 1 GiB",
				 img->path, i, ph->p_align);
	return 0;
}

/* The dynamic tags the loader reads, in the order of dyn_fields(). */
static const struct {
	int64_t tag;
	const char *name;
} dyn_tags[] = {
	{ DT_RELA, "DT_RELA" }, { DT_RELASZ, "DT_RELASZ" },
	{ DT_RELAENT, "DT_RELAENT" }, { DT_REL, "DT_REL" },
	{ DT_RELSZ, "DT_RELSZ" }, { DT_RELENT, "DT_RELENT" },
	{ 36, "DT_RELR" }, { 35, "DT_RELRSZ" }, { 37, "DT_RELRENT" },
	{ DT_JMPREL, "DT_JMPREL" }, { DT_PLTRELSZ, "DT_PLTRELSZ" },
	{ DT_PLTREL, "DT_PLTREL" },
};
#define NTAGS (sizeof(dyn_tags) / sizeof(dyn_tags[0]))

/* Where each of dyn_tags goes in d. */
static void dyn_fields(struct cl_dyninfo *d, uint64_t *f[NTAGS])
{
	uint64_t *const all[] = {
		&d->rela, &d->relasz, &d->relaent, &d->rel, &d->relsz,
		&d->relent, &d->relr, &d->relrsz, &d->relrent, &d->jmprel,
		&d->pltrelsz, &d->pltrel,
	};

	_Static_assert(sizeof(all) / sizeof(all[0]) == NTAGS,
		       "a field for every tag");
	memcpy(f, all, sizeof(all));
}

static int read_dynamic(struct cl_ctx *ctx, struct cl_image *img, Elf *e)
{
	int first[NTAGS]; /* entry index of each tag, or -1 */
	uint64_t *field[NTAGS];
	Elf_Data *data;
	GElf_Dyn dyn;
	unsigned k;
	int i;

	data = elf_getdata_rawchunk(e, (int64_t)img->dyn_offset,
				    img->dyn_size, ELF_T_DYN);
	if (!data)
		return cl_seterr(ctx, CL_E_ELF, "'%s': PT_DYNAMIC unreadable: %s",
				 img->path, elf_errmsg(-1));
	img->dyn.present = true;
	dyn_fields(&img->dyn, field);
	for (k = 0; k < NTAGS; k++)
		first[k] = -1;
	for (i = 0; gelf_getdyn(data, i, &dyn); i++) {
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_NEEDED)
			return cl_seterr(ctx, CL_E_ELF,
					 "'%s' needs shared libraries "
					 "(DT_NEEDED); cardload loads "
					 "self-contained images only", img->path);
		for (k = 0; k < NTAGS && dyn_tags[k].tag != dyn.d_tag; k++)
			;
		if (k == NTAGS)
			continue;
		/* which table would be meant is anybody's guess */
		if (first[k] >= 0)
			return cl_seterr(ctx, CL_E_ELF, "'%s': PT_DYNAMIC has "
					 "two %s entries (%d and %d)",
					 img->path, dyn_tags[k].name,
					 first[k], i);
		first[k] = i;
		*field[k] = dyn.d_un.d_val;
	}
	return 0;
}

static int read_phdrs(struct cl_ctx *ctx, struct cl_image *img, Elf *e,
		      const struct rawhdr *h)
{
	size_t phnum, i;
	uint64_t bytes, end;
	uint64_t dyn_va = 0, dyn_memsz = 0;
	unsigned dyn_ph = 0;
	GElf_Phdr ph;
	int rc;

	if (elf_getphdrnum(e, &phnum))
		return cl_seterr(ctx, CL_E_ELF, "'%s': program headers: %s",
				 img->path, elf_errmsg(-1));
	if (phnum == 0)
		return cl_seterr(ctx, CL_E_ELF, "'%s' has no program headers",
				 img->path);
	if (phnum > CL_MAX_PHNUM)
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s' has %zu program headers (limit %d)",
				 img->path, phnum, CL_MAX_PHNUM);
	if (cl_mul_ovf((uint64_t)phnum, (uint64_t)h->phentsize, &bytes) ||
	    cl_add_ovf(h->phoff, bytes, &end) || end > img->size)
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s': program header table at 0x%" PRIx64
				 " (%zu x %u bytes) lies outside the file "
				 "(%" PRIu64 " bytes)", img->path, h->phoff,
				 phnum, h->phentsize, img->size);
	img->phnum = (unsigned)phnum;
	img->seg = calloc(phnum, sizeof(*img->seg));
	if (!img->seg)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	for (i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph))
			return cl_seterr(ctx, CL_E_ELF,
					 "'%s': program header %zu of %zu "
					 "unreadable: %s", img->path, i, phnum,
					 elf_errmsg(-1));
		if (ph.p_type == PT_INTERP)
			return cl_seterr(ctx, CL_E_ELF,
					 "'%s' asks for a program interpreter "
					 "(PT_INTERP); cardload loads "
					 "self-contained images only", img->path);
		if (ph.p_type == PT_DYNAMIC) {
			if (img->has_dynamic)
				return cl_seterr(ctx, CL_E_ELF,
						 "'%s': more than one PT_DYNAMIC",
						 img->path);
			if (cl_add_ovf(ph.p_offset, ph.p_filesz, &end) ||
			    end > img->size)
				return cl_seterr(ctx, CL_E_ELF,
						 "'%s': PT_DYNAMIC (header %zu)"
						 " lies outside the file",
						 img->path, i);
			img->has_dynamic = true;
			img->dyn_offset = ph.p_offset;
			img->dyn_size = ph.p_filesz;
			dyn_ph = (unsigned)i;
			dyn_va = ph.p_vaddr;
			dyn_memsz = ph.p_memsz;
		}
		if (ph.p_type == PT_NOTE) {
			if (cl_add_ovf(ph.p_offset, ph.p_filesz, &end) ||
			    end > img->size)
				return cl_seterr(ctx, CL_E_ELF, "'%s': PT_NOTE "
						 "(header %zu) lies outside the "
						 "file", img->path, i);
			rc = cl_elf_notes(ctx, img, e, (unsigned)i, &ph);
			if (rc)
				return rc;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		rc = check_load(ctx, img, (unsigned)i, &ph);
		if (rc)
			return rc;
		if (ph.p_memsz == 0)
			continue;
		img->seg[img->nseg++] = (struct cl_seg){
			.phidx = (unsigned)i, .flags = ph.p_flags,
			.offset = ph.p_offset, .vaddr = ph.p_vaddr,
			.paddr = ph.p_paddr, .filesz = ph.p_filesz,
			.memsz = ph.p_memsz, .align = ph.p_align,
		};
	}
	if (!img->nseg)
		return cl_seterr(ctx, CL_E_ELF,
				 "'%s' has no PT_LOAD segment with memory",
				 img->path);
	return cl_elf_params_note(ctx, img, img->has_dynamic, dyn_ph, dyn_va,
				 dyn_memsz);
}

int cl_elf_parse(struct cl_ctx *ctx, struct cl_image *img)
{
	const uint8_t *d = img->data;
	struct rawhdr h;
	GElf_Ehdr eh;
	int cls, end, rc;
	Elf *e;

	if (img->size < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG))
		return cl_seterr(ctx, CL_E_ELF, "'%s' is too short for an ELF "
				 "header", img->path);
	cls = d[EI_CLASS];
	end = d[EI_DATA];
	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return cl_seterr(ctx, CL_E_ELF, "'%s': unknown ELF class %d",
				 img->path, cls);
	if (end != ELFDATA2LSB && end != ELFDATA2MSB)
		return cl_seterr(ctx, CL_E_ELF, "'%s': unknown ELF byte order %d",
				 img->path, end);
	if (d[EI_VERSION] != EV_CURRENT)
		return cl_seterr(ctx, CL_E_ELF, "'%s': unknown ELF version %d",
				 img->path, d[EI_VERSION]);
	read_rawhdr(d, cls, end, &h);
	if (img->size < h.ehsize)
		return cl_seterr(ctx, CL_E_ELF, "'%s' is too short for an ELF "
				 "header (%" PRIu64 " of %zu bytes)", img->path,
				 img->size, h.ehsize);
	if (h.phentsize != (cls == ELFCLASS64 ? sizeof(Elf64_Phdr) :
						sizeof(Elf32_Phdr)))
		return cl_seterr(ctx, CL_E_ELF, "'%s': e_phentsize %u is wrong "
				 "for ELFCLASS%d", img->path, h.phentsize,
				 cls == ELFCLASS64 ? 64 : 32);
	rc = check_shdrs(ctx, img, &h, cls, end);
	if (rc)
		return rc;

	elf_version(EV_CURRENT);
	e = elf_memory((char *)img->data, img->size);
	if (!e)
		return cl_seterr(ctx, CL_E_ELF, "'%s': %s", img->path,
				 elf_errmsg(-1));
	img_in(img)->elf = e;
	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh))
		return cl_seterr(ctx, CL_E_ELF, "'%s': bad ELF header: %s",
				 img->path, elf_errmsg(-1));
	if (eh.e_version != EV_CURRENT)
		return cl_seterr(ctx, CL_E_ELF, "'%s': e_version %u is not 1",
				 img->path, eh.e_version);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return cl_seterr(ctx, CL_E_ELF, "'%s': ELF type %u cannot be "
				 "loaded (need ET_EXEC or ET_DYN)", img->path,
				 eh.e_type);
	img->elfclass = cls;
	img->endian = end;
	img->machine = eh.e_machine;
	img->type = eh.e_type;
	img->entry = eh.e_entry;
	rc = read_phdrs(ctx, img, e, &h);
	if (!rc && img->has_dynamic && img->type == ET_DYN)
		rc = read_dynamic(ctx, img, e);
	return rc;
}

void cl_elf_release(struct cl_image *img)
{
	if (img && img_in(img)->elf) {
		elf_end(img_in(img)->elf);
		img_in(img)->elf = NULL;
	}
}
