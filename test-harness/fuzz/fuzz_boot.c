/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_boot.c - libFuzzer target: the boot-time edits of a plan: --set
 * (cl_plan_set), the parameter block (cl_params_build), device-tree
 * patching (cl_dtb_patch), then optionally a load that applies them
 *
 * Input: FLAGS ARG IMAGE SEP SPECS SEP CMDLINE SEP DTB, SEP being FZ_SEP.
 * Missing parts are empty. SPECS: one "SYMBOL=VALUE" per line. DTB: a
 * flattened device tree when it starts with the FDT magic, otherwise a
 * recipe for one built here: lines "NODE" add a node under the root,
 * lines "NAME=VALUE" set a property on the last node.
 */
#include <libfdt.h>
#include <stddef.h>
#include <stdint.h>
#include "cardboot.h"
#include "fuzz_card.h"
#include "internal.h"

#define FZ_SEP "\n%%CLFZ%%\n"
#define MAX_SPECS (CL_MAX_SETS + 4)
#define BUILT_DTB_SIZE (64u << 10)

enum {
	F_CMDLINE = 1 << 0,    /* pass CMDLINE to the plan and the DTB */
	F_VADDR = 1 << 1,      /* place ET_EXEC at p_vaddr */
	F_BASE = 1 << 2,       /* --base 0x80000000 + ARG * 64 KiB */
	F_INITRD = 1 << 3,     /* an initrd in the DTB and parameter block */
	F_MEMORY = 1 << 4,     /* rewrite the DTB's memory node */
	F_LOAD = 1 << 5,       /* load the plan afterwards */
	F_NOSTART = 1 << 6,    /* ... without releasing */
	F_PLATDTB = 1 << 7,    /* the ROM announced a platform DTB */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct part {
	const uint8_t *p;
	size_t n;
};

/* Split [p, p+n) at FZ_SEP into up to max parts; returns how many. */
static unsigned split(const uint8_t *p, size_t n, struct part *out,
		      unsigned max)
{
	size_t sl = sizeof(FZ_SEP) - 1;
	unsigned k = 0;
	const uint8_t *s;

	while (k + 1 < max && (s = memmem(p, n, FZ_SEP, sl))) {
		out[k++] = (struct part){ p, (size_t)(s - p) };
		n -= (size_t)(s - p) + sl;
		p = s + sl;
	}
	out[k++] = (struct part){ p, n };
	return k;
}

static char *cstr(struct part pt)
{
	char *s = malloc(pt.n + 1);

	if (!s)
		abort();
	if (pt.n)
		memcpy(s, pt.p, pt.n);
	s[pt.n] = 0;
	return s;
}

/* A device tree from a recipe (see the top); NULL when libfdt refuses. */
static void *build_dtb(struct part pt, size_t *len)
{
	char *text = cstr(pt), *line, *save = NULL, *eq;
	void *fdt = calloc(1, BUILT_DTB_SIZE);
	int node = 0, n;

	if (!fdt || fdt_create_empty_tree(fdt, BUILT_DTB_SIZE))
		goto fail;
	if (fdt_add_subnode(fdt, 0, "chosen") < 0 ||
	    fdt_add_subnode(fdt, 0, "memory@80000000") < 0)
		goto fail;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		eq = strchr(line, '=');
		if (!eq) {
			n = fdt_add_subnode(fdt, 0, line);
			if (n < 0)
				n = fdt_path_offset(fdt, line);
			if (n >= 0)
				node = n;
			continue;
		}
		*eq = 0;
		fdt_setprop(fdt, node, line, eq + 1, (int)strlen(eq + 1));
	}
	fdt_pack(fdt);
	*len = fdt_totalsize(fdt);
	free(text);
	return fdt;
fail:
	free(fdt);
	free(text);
	return NULL;
}

/* FUZZ_SKIP_KNOWN=1: keep inputs that reach known, reported findings away
 * from the library, to fuzz past them (never in replay). */
static int skip_known(void)
{
	static int skip = -1;

	if (skip < 0)
		skip = getenv("FUZZ_SKIP_KNOWN") != NULL;
	return skip;
}

static void boot_edits(struct cl_ctx *ctx, struct cl_plan *plan,
		       const struct cl_board *board, uint8_t flags,
		       uint8_t arg, struct part *pt, unsigned np,
		       const char *cmdline)
{
	uint8_t block[sizeof(struct cardboot_params)];
	struct part specs[MAX_SPECS];
	struct cl_dtb_edit ed = { 0 };
	void *dtb = NULL, *out = NULL;
	size_t dtblen = 0, outlen = 0;
	unsigned i, ns;
	char *spec;
	int rc = 1;

	if (np > 1 && pt[1].n) {
		ns = 0;
		for (const uint8_t *p = pt[1].p, *e = p + pt[1].n; p < e &&
		     ns < MAX_SPECS;) {
			const uint8_t *nl = memchr(p, '\n', (size_t)(e - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);

			specs[ns++] = (struct part){ p, l };
			p += l + 1;
		}
		for (i = 0; i < ns; i++) {
			spec = cstr(specs[i]);
			fz_touch_msg(ctx, cl_plan_set(ctx, plan, spec));
			free(spec);
		}
	}
	if (flags & F_INITRD) {
		plan->initrd_addr = FZ_RAM + ((uint64_t)arg << 16);
		plan->initrd_size = (uint64_t)arg << 12;
		ed.initrd_addr = plan->initrd_addr;
		ed.initrd_size = plan->initrd_size;
	}
	ed.cmdline = cmdline;
	ed.memory = flags & F_MEMORY ? board : NULL;
	if (np > 3) {
		if (pt[3].n >= 4 && !memcmp(pt[3].p, "\xd0\x0d\xfe\xed", 4)) {
			/* exactly the input's bytes: over-reads show */
			dtb = malloc(pt[3].n ? pt[3].n : 1);
			if (!dtb)
				abort();
			memcpy(dtb, pt[3].p, pt[3].n);
			dtblen = pt[3].n;
		} else {
			dtb = build_dtb(pt[3], &dtblen);
		}
	}
	if (dtb && skip_known() && dtblen >= sizeof(struct fdt_header) &&
	    !fdt_check_header(dtb) && fdt_totalsize(dtb) <= dtblen &&
	    fdt_num_mem_rsv(dtb) < 0) {
		free(dtb); /* regress/fuzz_boot/dtb-rsvmap-unterminated */
		dtb = NULL;
	}
	if (dtb && !(rc = cl_dtb_patch(ctx, "fuzz.dtb", dtb, dtblen, &ed, &out,
				       &outlen))) {
		plan->dtb_addr = FZ_RAM + FZ_RAM_SIZE / 2;
		plan->dtb_size = outlen;
		if (fdt_check_header(out) || fdt_totalsize(out) > outlen)
			__builtin_trap(); /* a patched DTB must be valid */
	}
	fz_touch_msg(ctx, rc);
	cl_params_build(plan, 0x12345678,
			flags & F_PLATDTB ? FZ_RAM + FZ_RAM_SIZE - 0x8000 : 0,
			block);
	free(out);
	free(dtb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cl_board board;
	static struct cl_ctx *ctx;
	struct cl_image_opts io = { .max_size = FZ_RAM_SIZE };
	struct cl_plan_opts po = { .argmask = 0x1, .arg = { 3, 0, 0, 0 } };
	struct cl_load_opts lo = { 0 };
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct part pt[4];
	char *cmdline = NULL;
	int rc;
	uint8_t flags, arg;
	unsigned np;

	if (size < 2 || size > FZ_MAX_INPUT)
		return -1;
	if (!ctx) {
		ctx = cl_ctx_new();
		if (!ctx)
			abort();
		fz_board(&board);
	}
	flags = data[0];
	arg = data[1];
	np = split(data + 2, size - 2, pt, 4);
	if (flags & F_CMDLINE)
		cmdline = cstr(np > 2 ? pt[2] : (struct part){ NULL, 0 });
	po.cmdline = cmdline;
	po.use_vaddr = flags & F_VADDR;
	if (flags & F_BASE) {
		po.has_base = true;
		po.base = FZ_RAM + ((uint64_t)arg << 16);
	}
	rc = cl_image_from_memory(ctx, "fuzz.elf", pt[0].p, pt[0].n, &io,
				  &img);
	if (!rc)
		rc = cl_plan_make(ctx, img, &board, &po, &plan);
	if (rc)
		goto out;
	boot_edits(ctx, plan, &board, flags, arg, pt, np, cmdline);
	if (flags & F_LOAD) {
		lo.no_start = flags & F_NOSTART;
		rc = fz_load(ctx, plan, &lo);
	}
out:
	fz_touch_msg(ctx, rc);
	cl_plan_free(plan);
	cl_image_free(img);
	free(cmdline);
	return 0;
}
