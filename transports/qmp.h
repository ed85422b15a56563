/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmp.h - a minimal QMP client for holding and releasing QEMU cards */
#ifndef CL_QMP_H
#define CL_QMP_H

#include <stddef.h>
#include "cardload.h"

struct cl_qmp {
	struct cl_ctx *ctx;
	int fd;
	char path[108];
	char buf[8192];
	size_t len;
	bool sent;		/* the last command went out whole */
	bool closed;		/* the peer closed the socket */
};

/* Connect, read the greeting, negotiate capabilities. */
int cl_qmp_open(struct cl_ctx *ctx, const char *path, struct cl_qmp *q);
void cl_qmp_close(struct cl_qmp *q);
/* Stop the CPU and reset the machine: it stays stopped at its reset
 * vector, so the card ROM runs afresh on release. */
int cl_qmp_hold(struct cl_qmp *q);
/* Let the CPU run. */
int cl_qmp_release(struct cl_qmp *q);

#endif /* CL_QMP_H */
