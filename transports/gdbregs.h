/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gdbregs.h - the halted CPU's registers through a GDB remote stub */
#ifndef CL_GDBREGS_H
#define CL_GDBREGS_H

#include <stdbool.h>
#include <stdint.h>
#include "gdblink.h"
#include "gdbproto.h"

struct gdb_regs {
	struct gdb_tdesc td;
	bool has_pc;
	struct gdb_reg pc;
	unsigned argmask;       /* bit i: arg[i] found */
	struct gdb_reg arg[4];  /* a0..a3, x0..x3 or r0..r3 */
	bool no_p;              /* the stub answered P empty: use g/G */
};

/* Read the target description (or take the fallback table of machine, a
 * board machine name or NULL), check its architecture against machine,
 * find the program counter and argument registers by name.
 * Return: 0; CL_E_NODEV (the target is another architecture), CL_E_IO
 * (no usable description), CL_E_NOMEM. */
int gdb_regs_attach(struct gdb_link *l, const char *machine,
		    struct gdb_regs *g);
/* Set reg to value on the halted CPU (P, or g and G). */
int gdb_regs_set(struct gdb_link *l, struct gdb_regs *g,
		 const struct gdb_reg *reg, uint64_t value);

#endif /* CL_GDBREGS_H */
