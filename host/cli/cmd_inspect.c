/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_inspect.c - cardload inspect: what an image is and where it would go */
#include <inttypes.h>
#include "cli.h"

static const char usage[] =
"usage: cardload inspect IMAGE [--board NAME [--base ADDR]] [--json]\n"
"\n"
"Show the image's format, compression, ELF header, segments and relocation\n"
"tables; with --board also the placement plan cardload would use. Nothing\n"
"is written anywhere and no card is opened.\n"
"\n"
"  -b, --board NAME     also plan the placement on this board\n"
"      --base ADDR      place an ET_DYN image at ADDR (default: lowest fit)\n"
"      --addr ADDR      describe IMAGE as a raw binary at ADDR\n"
"      --use-vaddr      place an ET_EXEC image at p_vaddr, not p_paddr\n"
"      --max-size SIZE  cap on the decompressed image (default: board RAM)\n"
"      --max-ratio N    cap on decompressed/compressed size (default 1024)\n"
"      --low-memory     stream the image (see 'cardload boot --help')\n"
"      --no-low-memory  hold it whole even above the memory budget\n"
"      --mem-budget SIZE  stream images that would take more than SIZE\n"
"      --json           one JSON object on stdout: image, dynamic, plan\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

static void report_dyn(const struct cl_image *img, FILE *f)
{
	const struct cl_dyninfo *d = &img->dyn;

	if (!d->present) {
		fprintf(f, "dynamic   none\n");
		return;
	}
	fprintf(f, "dynamic   DT_RELA %" PRIu64 " bytes, DT_REL %" PRIu64
		" bytes, DT_RELR %" PRIu64 " bytes, DT_JMPREL %" PRIu64
		" bytes\n", d->relasz, d->relsz, d->relrsz, d->pltrelsz);
}

static void json_dyn(struct json *j, const struct cl_image *img)
{
	const struct cl_dyninfo *d = &img->dyn;

	const struct json_count tab[] = { { "rela_bytes", d->relasz },
					  { "rel_bytes", d->relsz },
					  { "relr_bytes", d->relrsz },
					  { "jmprel_bytes", d->pltrelsz } };

	json_obj(j, "dynamic");
	json_bool(j, "present", d->present);
	json_counts(j, tab, 4);
	json_end_obj(j);
}

static int cmd_inspect(struct cli *c)
{
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	struct json *j = &c->j;
	int rc = 0;

	if (c->board_name)
		rc = cli_load_board(c);
	if (rc)
		return rc;
	rc = cl_image_open(c->ctx, c->image, &c->iopts, &img);
	if (!rc && c->have_board)
		rc = cl_plan_make(c->ctx, img, &c->board, &c->popts, &plan);
	if (rc) {
		cl_image_free(img);
		return cli_fail(c, rc);
	}
	if (c->json) {
		json_image(j, img);
		json_dyn(j, img);
		if (plan)
			json_plan(j, plan);
	} else {
		report_image(img, c->out);
		report_dyn(img, c->out);
		if (plan)
			report_plan(plan, c->out);
	}
	cl_plan_free(plan);
	cl_image_free(img);
	return 0;
}

const struct cli_cmd cli_cmd_inspect = {
	.name = "inspect", .fn = cmd_inspect,
	.what = "describe an image (and its plan on a board)",
	.usage = usage, .max_args = 1,
	.opts = CLI_OPTS_COMMON | CLI_OPT(CO_BOARD) | CLI_OPTS_IMAGE,
};
