/* fuzz_load.c - libFuzzer target: an image (compressed or not) through the
 * whole pipeline, image -> plan -> load into a RAM file over the mem
 * transport (relocate, write, zero, verify, parameter block, stage, release)
 *
 * Errors are expected; a crash, a leak or a sanitizer report is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_card.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cl_board board;
	static struct cl_ctx *ctx;
	struct cl_image_opts io = { .max_size = FZ_RAM_SIZE };
	struct cl_plan_opts po = { .argmask = 0x3, .arg = { 1, 2, 0, 0 } };
	struct cl_load_opts lo = { 0 };
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	int rc;

	if (size > FZ_MAX_INPUT)
		return -1;
	if (!ctx) {
		ctx = cl_ctx_new();
		if (!ctx)
			abort();
		fz_board(&board);
	}
	rc = cl_image_from_memory(ctx, "fuzz.elf", data, size, &io, &img);
	if (!rc) {
		/* a command line only where the payload takes one */
		if (img->has_params)
			po.cmdline = "console=hvc0 fuzz";
		rc = cl_plan_make(ctx, img, &board, &po, &plan);
	}
	if (!rc)
		rc = fz_load(ctx, plan, &lo);
	fz_touch_msg(ctx, rc);
	cl_plan_free(plan);
	cl_image_free(img);
	return 0;
}
