/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_load.c - libFuzzer target: an image (compressed or not) through the
 * whole pipeline, image -> plan -> load into a RAM file over the mem
 * transport (relocate, write, zero, verify, parameter block, stage, release)
 *
 * Inputs of even size are held whole (cl_image_from_memory); inputs of odd
 * size go through a file and the low-memory path (streamed passes, the
 * metadata gather, patching on the way to the card).
 *
 * Errors are expected; a crash, a leak or a sanitizer report is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz_card.h"

/* The input as a file for the streamed path: a memfd, rewritten each time. */
static int open_streamed(struct cl_ctx *ctx, const uint8_t *data, size_t size,
			 struct cl_image_opts *io, struct cl_image **img)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("cardload-fuzz-img", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	io->mem_mode = CL_MEM_STREAM;
	return cl_image_open(ctx, path, io, img);
}


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
	rc = size & 1 ? open_streamed(ctx, data, size, &io, &img) :
		cl_image_from_memory(ctx, "fuzz.elf", data, size, &io, &img);
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
