/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.c - the error codes of libcardload: names, messages, exit codes */
#include "cardload.h"

struct err_info {
	const char *name;
	const char *msg;
	int exit;
};

#define E(code, text, ex) [-(code)] = { #code, text, ex }

static const struct err_info errs[] = {
	E(CL_OK, "success", CL_EXIT_OK),
	E(CL_E_NOMEM, "out of memory", CL_EXIT_INTERNAL),
	E(CL_E_USAGE, "invalid argument", CL_EXIT_USAGE),
	E(CL_E_BOARD, "invalid board file", CL_EXIT_BOARD),
	E(CL_E_FILE, "cannot read file", CL_EXIT_IMAGE),
	E(CL_E_FORMAT, "unrecognised image format", CL_EXIT_IMAGE),
	E(CL_E_DECOMP, "corrupt compressed stream", CL_EXIT_IMAGE),
	E(CL_E_TOOBIG, "size cap exceeded", CL_EXIT_IMAGE),
	E(CL_E_ELF, "malformed or unsuitable ELF image", CL_EXIT_IMAGE),
	E(CL_E_RELOC, "relocations cannot be applied", CL_EXIT_IMAGE),
	E(CL_E_PLACE, "placement conflict", CL_EXIT_PLACE),
	E(CL_E_NODEV, "card not found", CL_EXIT_NODEV),
	E(CL_E_BUSY, "card busy", CL_EXIT_BUSY),
	E(CL_E_IO, "transport I/O error", CL_EXIT_IO),
	E(CL_E_VERIFY, "verification mismatch", CL_EXIT_VERIFY),
	E(CL_E_TIMEOUT, "timed out", CL_EXIT_TIMEOUT),
	E(CL_E_INTR, "interrupted", CL_EXIT_INTR),
	E(CL_E_STATE, "card not in the required state", CL_EXIT_STATE),
	E(CL_E_INTERNAL, "internal error", CL_EXIT_INTERNAL),
	E(CL_E_CARD, "the payload reported failure", CL_EXIT_CARD),
	E(CL_E_MANY, "more than one card matches", CL_EXIT_MANY),
};

_Static_assert(sizeof(errs) / sizeof(errs[0]) == 1 - CL_E__LAST,
	       "every enum cl_err needs an entry in errs[]");

static const struct err_info *lookup(int err)
{
	if (err > 0 || err < CL_E__LAST || !errs[-err].name)
		return NULL;
	return &errs[-err];
}

const char *cl_strerror(int err)
{
	const struct err_info *e = lookup(err);

	return e ? e->msg : "unknown error";
}

const char *cl_errname(int err)
{
	const struct err_info *e = lookup(err);

	return e ? e->name : "CL_E_UNKNOWN";
}

int cl_exit_code(int err)
{
	const struct err_info *e = lookup(err);

	return e ? e->exit : CL_EXIT_INTERNAL;
}
