/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_board.c - cardload board lint FILE|NAME..., board list [NAME|FILE...] */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
"usage: cardload board lint FILE|NAME... [--json]\n"
"       cardload board list [NAME|FILE...] [--json]\n"
"\n"
"Check board files: every key known, required keys present, numbers valid,\n"
"windows and reserved ranges consistent (no two windows over the same\n"
"backing bytes). Every error of a file is reported, each naming the file\n"
"and line. A NAME without '/' or '.board' is looked up on the board path\n"
"($CARDLOAD_BOARDS, the boards/ beside the program, the installed boards).\n"
"Exit 3 when any file has an error.\n"
"\n"
"board list: every board NAME that --board NAME finds on the board path,\n"
"sorted, one line each: NAME, its transport ('-' when the file does not\n"
"load) and the file; with arguments, those boards only (shell completion\n"
"uses it).\n"
"\n"
"      --json           one JSON object on stdout: boards[] with file, ok,\n"
"                       name, errors[] (list: name, transport, file)\n"
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

/* One line of board list: NAME as --board takes it, and what it finds. */
static int list_one(struct cli *c, const char *name)
{
	char file[4096];
	struct cl_board b;
	int rc = cl_board_locate(c->ctx, name, cli_board_dirs(), file,
				 sizeof(file));
	bool loads;

	if (rc)
		return cli_fail(c, rc);
	loads = !cl_board_load(c->ctx, file, &b);
	if (c->json) {
		json_obj(&c->j, NULL);
		json_str(&c->j, "name", name);
		if (loads)
			json_str(&c->j, "transport", b.transport);
		else
			json_null(&c->j, "transport");
		json_str(&c->j, "file", file);
		json_end_obj(&c->j);
	} else {
		printf("%s %s %s\n", cli_safe(name),
		       loads ? cli_safe(b.transport) : "-", cli_safe(file));
	}
	if (!loads && c->verbose)
		fprintf(stderr, "cardload board: %s\n",
			cli_safe(cl_errmsg(c->ctx)));
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file name --board NAME would look up: NAME.board, NAME of the
 * characters board names take (cl_board_locate refuses any other). */
static bool board_file_name(const char *f, size_t len)
{
	size_t i;

	if (len <= 6 || len - 6 >= CL_NAME_MAX ||
	    strcmp(f + len - 6, ".board"))
		return false;
	for (i = 0; i < len - 6; i++)
		if (!isalnum((unsigned char)f[i]) && !strchr("._-", f[i]))
			return false;
	return true;
}

/* The names of every NAME.board in the board directories, sorted, each
 * once (the first directory that has it is the one --board uses).
 * Return: 0 with *out (free each and the array) and *count, or -1 when
 * out of memory. */
static int board_names(char ***out, size_t *count)
{
	const char *const *dirs = cli_board_dirs();
	char **v = NULL, **nv;
	size_t n = 0, cap = 0, len, k, uniq = 0;
	struct dirent *e;
	unsigned i;
	DIR *d = NULL;

	for (i = 0; dirs[i]; i++) {
		d = dirs[i][0] ? opendir(dirs[i]) : NULL;
		while (d && (e = readdir(d))) {
			len = strlen(e->d_name);
			if (!board_file_name(e->d_name, len))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 32;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					goto out_nomem;
				v = nv;
			}
			v[n] = strndup(e->d_name, len - 6);
			if (!v[n])
				goto out_nomem;
			n++;
		}
		if (d)
			closedir(d);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_name);
	for (k = 0; k < n; k++) {
		if (uniq && !strcmp(v[uniq - 1], v[k]))
			free(v[k]);
		else
			v[uniq++] = v[k];
	}
	*out = v;
	*count = uniq;
	return 0;

out_nomem:
	closedir(d);
	for (k = 0; k < n; k++)
		free(v[k]);
	free(v);
	return -1;
}

static int board_list(struct cli *c)
{
	char **names;
	size_t n, i;
	int rc = 0;

	if (c->json)
		json_arr(&c->j, "boards");
	if (c->nargs > 1) {
		for (i = 1; i < c->nargs && !rc; i++)
			rc = list_one(c, c->arg[i]);
	} else if (board_names(&names, &n)) {
		fprintf(stderr, "cardload board: error: out of memory\n");
		rc = CL_EXIT_INTERNAL;
	} else {
		for (i = 0; i < n; i++) {
			if (!rc)
				rc = list_one(c, names[i]);
			free(names[i]);
		}
		free(names);
	}
	if (c->json)
		json_end_arr(&c->j);
	return rc;
}

static int cmd_board(struct cli *c)
{
	unsigned i;
	int bad = 0, rc;

	if (!strcmp(c->arg[0], "list"))
		return board_list(c);
	if (strcmp(c->arg[0], "lint"))
		return cli_usage_error(c, "unknown board command '%s' (want "
				       "lint or list)", c->arg[0]);
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
	.what = "board lint|list: check board files, list the boards found",
	.usage = usage, .min_args = 1, .max_args = CLI_MAX_ARGS,
	.opts = CLI_OPTS_COMMON,
};
