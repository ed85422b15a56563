/* SPDX-License-Identifier: GPL-2.0-or-later */
/* board_file.c - board files on disk: read (file.c's reader, board
 * errors), found by name in the board directories, loaded, linted
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "board_parse.h"

#define BOARD_FILE_MAX (64 * 1024)    /* bytes in a board file */

/* The bytes of board file path (malloc'd, NUL-terminated). Anything
 * wrong with the file, missing included, is CL_E_BOARD. */
static int read_board(struct cl_ctx *ctx, const char *path, char **out,
		      size_t *outlen)
{
	int e;

	switch (cl_file_slurp(path, BOARD_FILE_MAX, 0, out, outlen, &e)) {
	case CL_SLURP_OK:
		return 0;
	case CL_SLURP_OPEN:
		return cl_seterr(ctx, CL_E_BOARD, "cannot open board file "
				 "'%s': %s", path, strerror(e));
	case CL_SLURP_TOOBIG:
		return cl_seterr(ctx, CL_E_BOARD, "board file '%s' is larger "
				 "than %d KiB", path, BOARD_FILE_MAX / 1024);
	case CL_SLURP_NOMEM:
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory reading '%s'",
				 path);
	default:
		return cl_seterr(ctx, CL_E_BOARD, "cannot read board file "
				 "'%s': %s", path, strerror(e));
	}
}

/* Read and parse path. */
static int load(struct cl_ctx *ctx, const char *path, struct cl_board *out)
{
	size_t len = 0;
	char *buf;
	int rc;

	rc = read_board(ctx, path, &buf, &len);
	if (!rc)
		rc = cl_board_parse_text(ctx, path, buf, len, out, NULL);
	free(buf);
	return rc;
}

int cl_board_load(struct cl_ctx *ctx, const char *path, struct cl_board *out)
{
	if (!path || !out)
		return cl_seterr(ctx, CL_E_USAGE, "cl_board_load: no %s",
				 path ? "board" : "path");
	memset(out, 0, sizeof(*out));
	return load(ctx, path, out);
}

int cl_board_lint(struct cl_ctx *ctx, const char *path, struct cl_board *out,
		  void (*on_error)(void *arg, const char *msg), void *arg)
{
	const struct lint lint = { on_error, arg };
	size_t len = 0;
	char *buf;
	int rc;

	if (!path || !out)
		return cl_seterr(ctx, CL_E_USAGE, "cl_board_lint: no %s",
				 path ? "board" : "path");
	memset(out, 0, sizeof(*out));
	rc = read_board(ctx, path, &buf, &len);
	if (rc && on_error)
		on_error(arg, cl_errmsg(ctx));
	if (!rc)
		rc = cl_board_parse_text(ctx, path, buf, len, out, &lint);
	free(buf);
	return rc;
}

int cl_board_locate(struct cl_ctx *ctx, const char *name,
		    const char *const *dirs, char *path, size_t len)
{
	char where[300];
	size_t n, used = 0;
	unsigned i, tried = 0;
	int k;

	if (!name || !path || !len)
		return cl_seterr(ctx, CL_E_USAGE, "cl_board_locate: no %s",
				 name ? "buffer" : "name");
	n = strlen(name);
	if (strchr(name, '/') ||
	    (n >= 6 && !strcmp(name + n - 6, ".board"))) {
		k = snprintf(path, len, "%s", name);
		return k >= 0 && (size_t)k < len ? 0 :
		       cl_seterr(ctx, CL_E_BOARD, "board path '%s' is too "
				 "long", name);
	}
	if (!cl_board_name_ok(name, CL_NAME_MAX))
		return cl_seterr(ctx, CL_E_BOARD, "bad board name '%s' (want "
				 BOARD_NAME_CHARS "+ or a path)", name);
	where[0] = '\0';
	/* an empty entry is skipped: never an implicit current directory */
	for (i = 0; dirs && dirs[i]; i++) {
		if (!dirs[i][0])
			continue;
		k = snprintf(path, len, "%s/%s.board", dirs[i], name);
		if (k < 0 || (size_t)k >= len)
			return cl_seterr(ctx, CL_E_BOARD, "board directory "
					 "'%s' has too long a name", dirs[i]);
		/* only a file that is not there is looked for further:
		 * anything else (a file we may not read, a directory) is
		 * that file's error */
		if (!access(path, F_OK) || (errno != ENOENT &&
					    errno != ENOTDIR))
			return 0;
		if (used < sizeof(where)) {
			k = snprintf(where + used, sizeof(where) - used, "%s%s",
				     tried ? ", " : "", dirs[i]);
			used += k > 0 ? (size_t)k : 0;
		}
		tried++;
	}
	if (!tried)
		return cl_seterr(ctx, CL_E_BOARD, "board '%s' not found (no "
				 "board directories)", name);
	return cl_seterr(ctx, CL_E_BOARD, "board '%s' not found (looked in "
			 "%s)", name, where);
}

int cl_board_find(struct cl_ctx *ctx, const char *name,
		  const char *const *dirs, struct cl_board *out)
{
	char path[4096];
	int rc;

	if (!out)
		return cl_seterr(ctx, CL_E_USAGE, "cl_board_find: no board");
	memset(out, 0, sizeof(*out));
	rc = cl_board_locate(ctx, name, dirs, path, sizeof(path));
	return rc ? rc : load(ctx, path, out);
}
