/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_errors.c - every error code has a name, a message and an exit code */
#include <string.h>
#include "cardload.h"
#include "tap.h"

int main(void)
{
	int e, seen[32] = { 0 };

	for (e = 0; e >= CL_E__LAST; e--) {
		const char *name = cl_errname(e), *msg = cl_strerror(e);
		int x = cl_exit_code(e);

		ok(strncmp(name, "CL_E", 4) == 0 || e == 0,
		   "code %d has a name (%s)", e, name);
		ok(strcmp(msg, "unknown error") != 0, "code %d has a message",
		   e);
		ok(x >= 0 && x <= CL_EXIT_MANY, "code %d has an exit code (%d)",
		   e, x);
		if (x >= 0 && x < 32)
			seen[x]++;
	}
	is_int(cl_exit_code(0), 0, "success exits 0");
	ok(!strcmp(cl_errname(1), "CL_E_UNKNOWN") &&
	   !strcmp(cl_errname(CL_E__LAST - 1), "CL_E_UNKNOWN"),
	   "codes outside the table are unknown, not out of bounds");
	for (e = CL_EXIT_INTERNAL; e <= CL_EXIT_MANY; e++)
		ok(seen[e] > 0, "exit code %d is produced by some error", e);
	is_int(cl_exit_code(CL_E_PLACE), CL_EXIT_PLACE, "placement -> 5");
	is_int(cl_exit_code(CL_E_VERIFY), CL_EXIT_VERIFY, "verify -> 9");
	is_int(cl_exit_code(CL_E_BUSY), CL_EXIT_BUSY, "busy -> 7");
	return tap_done();
}
