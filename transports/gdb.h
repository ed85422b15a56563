/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdb.h - the gdb transport's state, shared by gdb.c (attach, hold,
 * release, close) and gdbmem.c (memory by X, M and m packets) */
#ifndef CL_GDB_H
#define CL_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gdblink.h"
#include "gdbregs.h"

struct cl_board;

#define GDB_WINDOW_MAX 64

/* One open gdb transport (tp->priv). */
struct gdb {
	struct gdb_link l;
	struct gdb_regs r;
	uint8_t *req;       /* a request being built, pktsize + 1 bytes */
	bool no_x;          /* X answered empty: M from then on */
	bool probed;        /* the first write has told X from M */
	unsigned window;    /* requests in flight at once */
	bool resume;        /* detach at close, leaving the target running */
	bool watch;         /* our watchpoint on the status word is set */
	const struct cl_board *board;
	const char *addr;   /* -O gdb.addr */
	unsigned timeout;
	size_t maxpkt;
	bool attached;      /* attach() ran; its result: */
	int attach_rc;
};

/* Write buf[0..len) at card address addr, or read into it, on a halted
 * target: requests pipelined gdb->window deep, each as large as a packet
 * allows; the first write tells X from M. Return: 0 or CL_E_IO naming the
 * request and address (CL_E_INTERNAL, CL_E_NOMEM). */
int gdb_mem_write(struct gdb *g, uint64_t addr, const uint8_t *buf,
		  size_t len);
int gdb_mem_read(struct gdb *g, uint64_t addr, uint8_t *buf, size_t len);

#endif /* CL_GDB_H */
