/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.c - images, plans and load results as text and as JSON
 *
 * The human text may change between versions; the JSON is the stable
 * interface for scripts (addresses and digests as "0x..." strings, sizes as
 * numbers).
 */
#include <elf.h>
#include <inttypes.h>
#include "cli.h"

static const char *type_name(const struct cl_image *img)
{
	if (img->kind == CL_KIND_RAW)
		return "raw";
	return img->type == ET_DYN ? "ET_DYN" : "ET_EXEC";
}

static void flags_str(uint32_t f, char out[4])
{
	out[0] = f & PF_R ? 'R' : '-';
	out[1] = f & PF_W ? 'W' : '-';
	out[2] = f & PF_X ? 'X' : '-';
	out[3] = 0;
}

/* "xen       PHYS32_ENTRY (18) 0x1000850" for each Xen note */
static void report_xen(const struct cl_image *img, FILE *f)
{
	unsigned i, n = img->nxen < CL_MAX_XEN_NOTES ? img->nxen :
						       CL_MAX_XEN_NOTES;

	for (i = 0; i < n; i++) {
		const struct cl_xen_note *x = &img->xen[i];
		const char *name = cl_xen_note_name(x->type);

		fprintf(f, "xen       %s (%" PRIu32 ")", name ? name : "?",
			x->type);
		if (x->text[0])
			fprintf(f, " \"%s\"\n", cli_safe(x->text));
		else if (x->numeric)
			fprintf(f, " 0x%" PRIx64 "\n", x->value);
		else
			fprintf(f, ", %" PRIu32 " bytes\n", x->size);
	}
	if (img->nxen > n)
		fprintf(f, "xen       (%u more notes not kept)\n", img->nxen - n);
}

static void json_xen(struct json *j, const struct cl_image *img)
{
	unsigned i, n = img->nxen < CL_MAX_XEN_NOTES ? img->nxen :
						       CL_MAX_XEN_NOTES;

	json_obj(j, "xen");
	json_u64(j, "count", img->nxen);
	if (img->has_phys32_entry)
		json_hex(j, "phys32_entry", img->phys32_entry);
	json_arr(j, "list");
	for (i = 0; i < n; i++) {
		const struct cl_xen_note *x = &img->xen[i];
		const char *name = cl_xen_note_name(x->type);

		json_obj(j, NULL);
		json_u64(j, "type", x->type);
		if (name)
			json_str(j, "name", name);
		json_u64(j, "size", x->size);
		if (x->text[0])
			json_str(j, "text", x->text);
		else if (x->numeric)
			json_hex(j, "value", x->value);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
}

void report_image(const struct cl_image *img, FILE *f)
{
	unsigned i;
	char fl[4];

	fprintf(f, "image     %s: %s, %" PRIu64 " bytes", cli_safe(img->path),
		img->compression, img->file_size);
	if (img->size != img->file_size)
		fprintf(f, " -> %" PRIu64 " bytes", img->size);
	if (img->streamed)
		fprintf(f, " (streamed: low-memory)");
	if (img->kind == CL_KIND_RAW) {
		fprintf(f, ", raw binary\n");
		return;
	}
	fprintf(f, ", ELF%d %s %s %s, entry 0x%" PRIx64 "\n",
		img->elfclass == ELFCLASS64 ? 64 : 32,
		img->endian == ELFDATA2MSB ? "MSB" : "LSB",
		cl_machine_name(img->machine, img->elfclass), type_name(img),
		img->entry);
	if (img->bzimage)
		fprintf(f, "bzImage   boot protocol %u.%02u, %s payload of %"
			PRIu64 " bytes at 0x%" PRIx64 " -> %" PRIu64 " bytes\n",
			img->boot_version >> 8, img->boot_version & 0xff,
			img->compression, img->payload_size,
			img->payload_offset, img->size);
	if (img->has_abi)
		fprintf(f, "note      abi %u\n", img->abi);
	if (img->has_params)
		fprintf(f, "note      parameter block at 0x%" PRIx64 "\n",
			img->params_vaddr);
	if (img->has_placement)
		fprintf(f, "note      placement: align 0x%" PRIx64 ", min 0x%"
			PRIx64 ", max 0x%" PRIx64 "\n", img->place_align,
			img->place_min, img->place_max);
	if (img->need_board[0])
		fprintf(f, "note      board %s\n", img->need_board);
	if (img->need_machine[0])
		fprintf(f, "note      machine %s\n", img->need_machine);
	report_xen(img, f);
	fprintf(f, "  phdr  %-18s %-18s %-10s %-10s %-8s flags\n", "vaddr",
		"paddr", "filesz", "memsz", "align");
	for (i = 0; i < img->nseg; i++) {
		const struct cl_seg *s = &img->seg[i];

		flags_str(s->flags, fl);
		fprintf(f, "  %-5u 0x%-16" PRIx64 " 0x%-16" PRIx64 " 0x%-8"
			PRIx64 " 0x%-8" PRIx64 " 0x%-6" PRIx64 " %s\n",
			s->phidx, s->vaddr, s->paddr, s->filesz, s->memsz,
			s->align, fl);
	}
}

void report_plan(const struct cl_plan *p, FILE *f)
{
	unsigned i;
	char fl[4];

	fprintf(f, "board     %s\n", cli_safe(p->board->name));
	fprintf(f, "placement %s: base 0x%" PRIx64 " (linked at 0x%" PRIx64
		", bias 0x%" PRIx64 ", align 0x%" PRIx64 ")\n", p->placement,
		p->base, p->link_base, p->bias, p->align);
	fprintf(f, "  phdr  %-38s %-10s %-10s %-16s flags\n", "card range",
		"filesz", "zero", "window");
	for (i = 0; i < p->nseg; i++) {
		const struct cl_plan_seg *s = &p->seg[i];
		char range[48], win[48];

		snprintf(range, sizeof(range), "[0x%" PRIx64 ", 0x%" PRIx64 ")",
			 s->addr, s->addr + s->memsz);
		snprintf(win, sizeof(win), "%s+0x%" PRIx64,
			 p->board->win[s->win].name, s->win_off);
		flags_str(s->flags, fl);
		fprintf(f, "  %-5u %-38s 0x%-8" PRIx64 " 0x%-8" PRIx64
			" %-16s %s\n", s->phidx, range, s->filesz,
			s->memsz - s->filesz, win, fl);
	}
	fprintf(f, "relocs    %zu (%s)\n", p->npatch, p->reloc_kind);
	if (p->has_params)
		fprintf(f, "params    0x%" PRIx64 " (boot-parameter block)\n",
			p->params_addr);
	if (p->has_cmdline)
		fprintf(f, "cmdline   0x%" PRIx64 " (%" PRIu64 " bytes)\n",
			p->cmdline_addr, p->cmdline_size);
	if (p->has_pvh)
		fprintf(f, "pvh       start_info at 0x%" PRIx64 " (%" PRIu64
			" bytes), entry 0x%" PRIx64 "\n", p->pvh_addr,
			p->pvh_size, p->entry);
	fprintf(f, "entry     0x%" PRIx64 "\n", p->entry);
	for (i = 0; i < 4; i++)
		if (p->argmask >> i & 1)
			fprintf(f, "arg%u      0x%" PRIx64 "\n", i, p->arg[i]);
}

void report_result(const struct cl_plan *p, const struct cl_load_result *r,
		   FILE *f)
{
	fprintf(f, "wrote     %" PRIu64 " bytes (%" PRIu64 " more already in "
		"place), zeroed %" PRIu64 " of %" PRIu64 " bss bytes (rest "
		"already zero) in %.1f ms\n", r->bytes_written,
		r->bytes_in_place, r->bytes_zeroed, p->zero_bytes, r->ms_write);
	if (r->verified)
		fprintf(f, "verified  digest 0x%08x in %.1f ms\n", r->digest,
			r->ms_verify);
	if (r->released)
		fprintf(f, "released  entry 0x%" PRIx64 "\n", p->entry);
	else if (r->staged)
		fprintf(f, "staged    entry 0x%" PRIx64 " (card held; "
			"'cardload start' releases it)\n", p->entry);
	else
		fprintf(f, "loaded    board has no release method; card not "
			"started\n");
}

/* A segment's object, opened with the keys the image's and the plan's
 * segments share; the caller adds its own and closes it. */
static void json_seg(struct json *j, unsigned phidx, uint64_t filesz,
		     uint64_t memsz, uint32_t flags)
{
	char fl[4];

	flags_str(flags, fl);
	json_obj(j, NULL);
	json_u64(j, "phidx", phidx);
	json_u64(j, "filesz", filesz);
	json_u64(j, "memsz", memsz);
	json_str(j, "flags", fl);
}

void json_image(struct json *j, const struct cl_image *img)
{
	unsigned i;

	json_obj(j, "image");
	json_str(j, "path", img->path);
	json_str(j, "compression", img->compression);
	json_bool(j, "streamed", img->streamed);
	json_u64(j, "file_size", img->file_size);
	json_u64(j, "size", img->size);
	json_str(j, "type", type_name(img));
	if (img->bzimage) {
		char v[8];

		snprintf(v, sizeof(v), "%u.%02u", img->boot_version >> 8,
			 img->boot_version & 0xff);
		json_obj(j, "bzimage");
		json_str(j, "boot_protocol", v);
		json_str(j, "compression", img->compression);
		json_hex(j, "payload_offset", img->payload_offset);
		json_u64(j, "payload_size", img->payload_size);
		json_u64(j, "size", img->size);
		json_end_obj(j);
	}
	if (img->kind == CL_KIND_ELF) {
		json_u64(j, "class", img->elfclass == ELFCLASS64 ? 64 : 32);
		json_str(j, "endian", img->endian == ELFDATA2MSB ? "big" :
								  "little");
		json_str(j, "machine",
			 cl_machine_name(img->machine, img->elfclass));
		json_hex(j, "entry", img->entry);
		json_obj(j, "notes");
		json_u64(j, "count", img->nnotes);
		if (img->has_abi)
			json_u64(j, "abi", img->abi);
		if (img->has_params)
			json_hex(j, "params", img->params_vaddr);
		if (img->has_placement) {
			json_obj(j, "placement");
			json_hex(j, "align", img->place_align);
			json_hex(j, "min", img->place_min);
			json_hex(j, "max", img->place_max);
			json_end_obj(j);
		}
		if (img->need_board[0])
			json_str(j, "board", img->need_board);
		if (img->need_machine[0])
			json_str(j, "machine", img->need_machine);
		if (img->nxen)
			json_xen(j, img);
		json_end_obj(j);
		json_arr(j, "segments");
		for (i = 0; i < img->nseg; i++) {
			const struct cl_seg *s = &img->seg[i];

			json_seg(j, s->phidx, s->filesz, s->memsz, s->flags);
			json_hex(j, "offset", s->offset);
			json_hex(j, "vaddr", s->vaddr);
			json_hex(j, "paddr", s->paddr);
			json_hex(j, "align", s->align);
			json_end_obj(j);
		}
		json_end_arr(j);
	}
	json_end_obj(j);
}

/* Argument registers: hex strings, null when not set. */
void json_args(struct json *j, const char *key, uint32_t mask,
	       const uint64_t *arg)
{
	unsigned i;

	json_arr(j, key);
	for (i = 0; i < 4; i++) {
		if (mask >> i & 1)
			json_hex(j, NULL, arg[i]);
		else
			json_null(j, NULL);
	}
	json_end_arr(j);
}

void json_plan(struct json *j, const struct cl_plan *p)
{
	unsigned i;

	json_obj(j, "plan");
	json_str(j, "board", p->board->name);
	json_str(j, "placement", p->placement);
	json_hex(j, "link_base", p->link_base);
	json_hex(j, "base", p->base);
	json_hex(j, "bias", p->bias);
	json_hex(j, "align", p->align);
	json_hex(j, "span", p->span);
	json_hex(j, "entry", p->entry);
	json_arr(j, "segments");
	for (i = 0; i < p->nseg; i++) {
		const struct cl_plan_seg *s = &p->seg[i];

		json_seg(j, s->phidx, s->filesz, s->memsz, s->flags);
		json_hex(j, "addr", s->addr);
		json_str(j, "window", p->board->win[s->win].name);
		json_hex(j, "window_offset", s->win_off);
		json_end_obj(j);
	}
	json_end_arr(j);
	if (p->has_params)
		json_hex(j, "params", p->params_addr);
	else
		json_null(j, "params");
	if (p->has_cmdline) {
		json_hex(j, "cmdline", p->cmdline_addr);
		json_u64(j, "cmdline_size", p->cmdline_size);
	}
	if (p->has_pvh) {
		json_obj(j, "pvh");
		json_hex(j, "start_info", p->pvh_addr);
		json_u64(j, "size", p->pvh_size);
		json_hex(j, "entry", p->entry);
		json_end_obj(j);
	}
	json_u64(j, "relocations", p->npatch);
	json_str(j, "relocation_tables", p->reloc_kind);
	json_args(j, "args", p->argmask, p->arg);
	json_end_obj(j);
}

void json_result(struct json *j, const struct cl_plan *p,
		 const struct cl_load_result *r)
{
	const struct json_count bytes[] = { { "written", r->bytes_written },
					    { "in_place", r->bytes_in_place },
					    { "zeroed", r->bytes_zeroed } };
	unsigned i;

	json_obj(j, "result");
	json_counts(j, bytes, 3);
	json_hex(j, "digest", r->digest);
	json_arr(j, "segment_digests");
	for (i = 0; r->seg_digest && i < p->nseg; i++)
		json_hex(j, NULL, r->seg_digest[i]);
	json_end_arr(j);
	json_bool(j, "verified", r->verified);
	json_bool(j, "staged", r->staged);
	json_bool(j, "released", r->released);
	json_u64(j, "write_us", (uint64_t)(r->ms_write * 1000));
	json_u64(j, "verify_us", (uint64_t)(r->ms_verify * 1000));
	json_end_obj(j);
}

/* Where the board came from and the transport defaults it sets: a board
 * file can name the files cardload writes (option = mem.path=...). */
void json_board(struct cli *c)
{
	const struct cl_board *b = &c->board;
	unsigned i;

	json_obj(&c->j, "board");
	json_str(&c->j, "name", b->name);
	json_str(&c->j, "file", b->path);
	json_str(&c->j, "transport", b->transport);
	json_arr(&c->j, "options");
	for (i = 0; i < b->nopt; i++)
		json_str(&c->j, NULL, b->opt[i]);
	json_end_arr(&c->j);
	json_end_obj(&c->j);
}

void report_board(struct cli *c)
{
	const struct cl_board *b = &c->board;
	unsigned i;

	fprintf(c->err, "cardload %s: board %s from %s (transport %s)\n",
		c->name, cli_safe(b->name), cli_safe(b->path),
		cli_safe(b->transport));
	for (i = 0; i < b->nopt; i++)
		fprintf(c->err, "cardload %s: board %s sets -O %s\n", c->name,
			cli_safe(b->name), cli_safe(b->opt[i]));
}
