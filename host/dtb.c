/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dtb.c - patch a device tree for the payload with libfdt
 *
 * /chosen gets bootargs (the command line) and linux,initrd-start /
 * linux,initrd-end; when the board asks (dtb-memory = yes), the first
 * memory node's reg lists the board's RAM windows. The input is checked
 * whole (header, totalsize against the bytes we have, fdt_check_full, the
 * reservation map) before anything else reads it; the output is a packed
 * copy.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <string.h>
#include "internal.h"

#define SLACK 4096 /* room for the properties we add */

static int fail(struct cl_ctx *ctx, const char *name, const char *what,
		int err)
{
	return cl_seterr(ctx, CL_E_FORMAT, "device tree '%s': %s: %s", name,
			 what, fdt_strerror(err));
}

/* reg = <addr size>... in the root's cell sizes */
static int set_memory(struct cl_ctx *ctx, const char *name, void *fdt,
		      const struct cl_board *b)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						 "memory", 7);
	uint32_t cells[CL_MAX_WINDOWS * 4];
	unsigned i, n = 0;
	int rc;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return cl_seterr(ctx, CL_E_FORMAT, "device tree '%s': root "
				 "#address-cells %d / #size-cells %d not "
				 "supported", name, ac, sc);
	if (node < 0) {
		char nm[32];

		snprintf(nm, sizeof(nm), "memory@%" PRIx64, b->win[0].addr);
		node = fdt_add_subnode(fdt, 0, nm);
		if (node < 0)
			return fail(ctx, name, "adding a memory node", node);
		rc = fdt_setprop_string(fdt, node, "device_type", "memory");
		if (rc)
			return fail(ctx, name, "device_type", rc);
	}
	for (i = 0; i < b->nwin; i++) {
		if (ac == 2)
			cells[n++] = cpu_to_fdt32((uint32_t)(b->win[i].addr >> 32));
		cells[n++] = cpu_to_fdt32((uint32_t)b->win[i].addr);
		if (sc == 2)
			cells[n++] = cpu_to_fdt32((uint32_t)(b->win[i].size >> 32));
		cells[n++] = cpu_to_fdt32((uint32_t)b->win[i].size);
	}
	rc = fdt_setprop(fdt, node, "reg", cells, (int)(n * sizeof(cells[0])));
	return rc ? fail(ctx, name, "memory reg", rc) : 0;
}

bool cl_dtb_head(const uint8_t *head, uint32_t *size)
{
	struct fdt_header h = { 0 };

	_Static_assert(CL_DTB_HEAD == 8, "magic and totalsize");
	memcpy(&h, head, CL_DTB_HEAD);
	*size = fdt_totalsize(&h);
	return fdt_magic(&h) == FDT_MAGIC && *size >= sizeof(h);
}

int cl_dtb_patch(struct cl_ctx *ctx, const char *name, const void *in,
		 size_t inlen, const struct cl_dtb_edit *ed, void **out,
		 size_t *outlen)
{
	size_t size;
	void *fdt;
	int rc, chosen;

	*out = NULL;
	if (inlen < sizeof(struct fdt_header) || fdt_check_header(in) ||
	    fdt_totalsize(in) > inlen)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s' is not a device tree "
				 "(bad header or truncated)", name);
	/* The whole structure, before any other libfdt call trusts it (an
	 * unterminated reservation map makes fdt_open_into copy a negative
	 * size, found by fuzz_boot). */
	rc = fdt_check_full(in, fdt_totalsize(in));
	if (!rc && fdt_num_mem_rsv(in) < 0)
		rc = -FDT_ERR_TRUNCATED;
	if (rc)
		return cl_seterr(ctx, CL_E_FORMAT, "'%s' is not a valid device "
				 "tree: %s", name, fdt_strerror(rc));
	size = fdt_totalsize(in) + SLACK + (ed->cmdline ?
					    strlen(ed->cmdline) : 0);
	if (size > INT32_MAX)
		return cl_seterr(ctx, CL_E_TOOBIG, "device tree '%s' is too "
				 "large", name);
	fdt = calloc(1, size);
	if (!fdt)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	rc = fdt_open_into(in, fdt, (int)size);
	if (rc) {
		rc = fail(ctx, name, "opening", rc);
		goto out_free;
	}
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0) {
		rc = fail(ctx, name, "/chosen", chosen);
		goto out_free;
	}
	rc = ed->cmdline ? fdt_setprop_string(fdt, chosen, "bootargs",
					      ed->cmdline) : 0;
	if (!rc && ed->initrd_size)
		rc = fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
				     ed->initrd_addr);
	if (!rc && ed->initrd_size)
		rc = fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
				     ed->initrd_addr + ed->initrd_size);
	if (rc) {
		rc = fail(ctx, name, "/chosen properties", rc);
		goto out_free;
	}
	if (ed->memory) {
		rc = set_memory(ctx, name, fdt, ed->memory);
		if (rc)
			goto out_free;
	}
	rc = fdt_pack(fdt);
	if (rc) {
		rc = fail(ctx, name, "packing", rc);
		goto out_free;
	}
	*out = fdt;
	*outlen = fdt_totalsize(fdt);
	return 0;
out_free:
	free(fdt);
	return rc;
}
