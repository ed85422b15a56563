/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_board.c - cardload board lint FILE|NAME... */
#include <string.h>
#include "cli.h"

static const char usage[] =
"usage: cardload board lint FILE|NAME... [--json]\n"
"\n"
"Check board files: every key known, required keys present, numbers valid,\n"
"windows and reserved ranges consistent (no two windows over the same\n"
"backing bytes). Every error of a file is reported, each naming the file\n"
"and line. A NAME without '/' or '.board' is looked up on the board path\n"
"($CARDLOAD_BOARDS, the boards/ beside the program, the installed boards).\n"
"Exit 3 when any file has an error.\n"
"\n"
"      --json           one JSON object on stdout: boards[] with file, ok,\n"
"                       name, errors[]\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

struct lint {
	struct cli *c;
	unsigned nerr;
};

static void on_error(void *arg, const char *msg)
{
	struct lint *l = arg;

	l->nerr++;
	fprintf(l->c->err, "cardload board: error: %s\n", cli_safe(msg));
	if (l->c->json)
		json_str(&l->c->j, NULL, msg);
}

static int lint_one(struct cli *c, const char *arg)
{
	char file[4096];
	struct lint l = { c, 0 };
	struct cl_board b;
	int rc = cl_board_locate(c->ctx, arg, cli_board_dirs(), file,
				 sizeof(file));

	if (rc) /* not found: the name is all there is to show */
		snprintf(file, sizeof(file), "%s", arg);
	if (c->json) {
		json_obj(&c->j, NULL);
		json_str(&c->j, "file", file);
		json_arr(&c->j, "errors");
	}
	if (!rc)
		rc = cl_board_lint(c->ctx, file, &b, on_error, &l);
	if (rc && !l.nerr)
		on_error(&l, cl_errmsg(c->ctx));
	if (c->json) {
		json_end_arr(&c->j);
		json_bool(&c->j, "ok", !rc);
		if (!rc)
			json_str(&c->j, "name", b.name);
		json_end_obj(&c->j);
	} else if (!rc) {
		fprintf(c->out, "%s: ok (board '%s', %u RAM window%s, %u reserved)\n",
		       cli_safe(file), cli_safe(b.name), b.nwin,
		       b.nwin == 1 ? "" : "s", b.nres);
	}
	return rc ? cl_exit_code(rc) : 0;
}

static int cmd_board(struct cli *c)
{
	unsigned i;
	int bad = 0, rc;

	if (strcmp(c->arg[0], "lint"))
		return cli_usage_error(c, "unknown board command '%s' (want "
				       "lint)", c->arg[0]);
	if (c->nargs < 2)
		return cli_usage_error(c, "board lint needs a FILE or NAME");
	if (c->json)
		json_arr(&c->j, "boards");
	for (i = 1; i < c->nargs; i++) {
		rc = lint_one(c, c->arg[i]);
		bad = bad ? bad : rc;
	}
	if (c->json)
		json_end_arr(&c->j);
	if (bad) { /* for --json's error object */
		snprintf(c->err_name, sizeof(c->err_name), "CL_E_BOARD");
		snprintf(c->err_msg, sizeof(c->err_msg), "board file errors");
		c->exit_code = bad;
	}
	return bad;
}

const struct cli_cmd cli_cmd_board = {
	.name = "board", .fn = cmd_board,
	.what = "board lint FILE|NAME...: check board files",
	.usage = usage, .min_args = 1, .max_args = CLI_MAX_ARGS,
	.opts = CLI_OPTS_COMMON,
};
