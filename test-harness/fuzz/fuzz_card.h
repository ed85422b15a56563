/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_card.h - the card the fuzz targets load into: a fixed riscv64-style
 * board (one 16 MiB window at 0x80000000, mailbox and console reserved at
 * the top) and its RAM, a memfd opened once per process and reached by the
 * mem transport as /proc/self/fd/N */
#ifndef CL_FUZZ_CARD_H
#define CL_FUZZ_CARD_H

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "cardload.h"

#define FZ_MAX_INPUT (1u << 20)  /* -max_len of make fuzz */
#define FZ_RAM 0x80000000u
#define FZ_RAM_SIZE (16u << 20)
#define FZ_MAILBOX (FZ_RAM + FZ_RAM_SIZE - 0x10000)   /* 4 KiB */
#define FZ_CONSOLE (FZ_MAILBOX + 0x1000)              /* 60 KiB */

static int fz_ram_fd = -1;
static char fz_ram_path[64];

/* The board, as a board file would give it. */
static void fz_board(struct cl_board *b)
{
	memset(b, 0, sizeof(*b));
	/* the name placed-dyn.elf's board note asks for */
	snprintf(b->name, sizeof(b->name), "qemu-virt-riscv64");
	snprintf(b->transport, sizeof(b->transport), "mem");
	b->machine = EM_RISCV;
	b->elfclass = ELFCLASS64;
	b->endian = ELFDATA2LSB;
	b->access_width = 4;
	b->release = CL_RELEASE_MAILBOX;
	b->has_mailbox = true;
	b->mailbox = FZ_MAILBOX;
	b->has_console = true;
	b->console = FZ_CONSOLE;
	b->console_size = 0xf000;
	b->data_align = 0x1000;
	b->nwin = 1;
	b->win[0] = (struct cl_window){ .name = "ram0", .addr = FZ_RAM,
					.size = FZ_RAM_SIZE, .bar = -1,
					.winreg = { .bar = -1 } };
	b->nres = 2;
	b->res[0] = (struct cl_reserved){ "mailbox", FZ_MAILBOX, 0x1000 };
	b->res[1] = (struct cl_reserved){ "console", FZ_CONSOLE, 0xf000 };
}

/* A zeroed card RAM for every input: the first call creates the memfd,
 * later calls drop its pages (truncate to 0 and back). 0, or -1. */
static int fz_ram_reset(void)
{
	if (fz_ram_fd < 0) {
		fz_ram_fd = memfd_create("cardload-fuzz-ram", 0);
		if (fz_ram_fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(fz_ram_path, sizeof(fz_ram_path), "/proc/self/fd/%d",
			 fz_ram_fd);
	} else if (ftruncate(fz_ram_fd, 0)) {
		perror("ftruncate");
		abort();
	}
	if (ftruncate(fz_ram_fd, FZ_RAM_SIZE)) {
		perror("ftruncate");
		abort();
	}
	return 0;
}

/* Open the mem transport, load the plan, close. Errors are fine. */
static int fz_load(struct cl_ctx *ctx, struct cl_plan *plan,
		   const struct cl_load_opts *lo)
{
	struct cl_param p = { "mem.path", fz_ram_path };
	struct cl_load_result res;
	struct cl_tp *tp = NULL;
	int rc;

	memset(&res, 0, sizeof(res));
	fz_ram_reset();
	rc = cl_open(ctx, plan->board, &p, 1, &tp);
	if (!rc)
		rc = cl_load(ctx, plan, tp, lo, &res);
	cl_load_result_free(&res);
	cl_close(tp);
	return rc;
}

/* cl_errmsg must always be a string: read it all (FUZZ_DEBUG=1: print
 * it, to see how far the seeds get). */
static void fz_touch_msg(const struct cl_ctx *ctx, int rc)
{
	static int debug = -1;
	volatile size_t n = strlen(cl_errmsg(ctx));

	(void)n;
	if (debug < 0)
		debug = getenv("FUZZ_DEBUG") != NULL;
	if (debug)
		fprintf(stderr, "fuzz: %s\n", rc ? cl_errmsg(ctx) : "ok");
}

#endif /* CL_FUZZ_CARD_H */
