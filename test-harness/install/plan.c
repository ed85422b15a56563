/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.c - a program built against an installed libcardload with
 * pkg-config only (e2e/install.sh): where would IMAGE go on BOARD?
 *
 *   cc plan.c $(pkg-config --cflags --libs cardload) -o plan
 *   ./plan BOARD_FILE IMAGE
 *
 * Prints the library's version, the board's name and the plan's base and
 * entry; on an error, cardload's message and its exit code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <cardload.h>

int main(int argc, char **argv)
{
	struct cl_ctx *ctx = cl_ctx_new();
	struct cl_board board;
	struct cl_image *img = NULL;
	struct cl_plan *plan = NULL;
	int rc;

	if (argc != 3 || !ctx) {
		fprintf(stderr, "usage: plan BOARD_FILE IMAGE\n");
		return 2;
	}
	printf("libcardload %s (built with %s)\n", cl_version(), CL_VERSION);
	rc = cl_board_load(ctx, argv[1], &board);
	if (!rc)
		rc = cl_image_open(ctx, argv[2], NULL, &img);
	if (!rc)
		rc = cl_plan_make(ctx, img, &board, NULL, &plan);
	if (rc) {
		fprintf(stderr, "plan: %s\n", cl_errmsg(ctx));
		rc = cl_exit_code(rc);
	} else {
		printf("board %s\nbase 0x%" PRIx64 "\nentry 0x%" PRIx64 "\n",
		       board.name, plan->base, plan->entry);
	}
	cl_plan_free(plan);
	cl_image_free(img);
	cl_ctx_free(ctx);
	return rc;
}
