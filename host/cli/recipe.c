/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recipe.c - --recipe FILE: a boot's options kept in a file
 *
 * Lines "OPTION [VALUE]": long options without their dashes, '#' starts a
 * comment at the start of a line or after white space. The first "image"
 * line is the main image; image, initrd, dtb and blob files are relative
 * to the recipe's directory. The options go into argv ahead of the command
 * line's own, so the command line can add to them (and a repeated
 * once-only option is refused, never silently replaced).
 *
 * Caps, each refused with the file and line, never truncated: the file at
 * most CLI_RECIPE_MAX_BYTES, at most CLI_RECIPE_MAX_OPTS option lines,
 * each line at most CLI_RECIPE_MAX_LINE bytes, no NUL bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Find the one --recipe FILE / --recipe=FILE of argv. */
static int find_recipe(struct cli *c, int argc, char **argv,
		       const char **path)
{
	int i;

	*path = NULL;
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *p = NULL;

		if (!strncmp(argv[i], "--recipe=", 9))
			p = argv[i] + 9;
		else if (!strcmp(argv[i], "--recipe") && i + 1 < argc)
			p = argv[++i];
		if (p && *path)
			return cli_usage_error(c, "--recipe given twice");
		if (p)
			*path = p;
	}
	return 0;
}

/* The whole file, NUL-terminated; *len excludes the terminator. */
static int slurp(struct cli *c, const char *path, char **out, size_t *len)
{
	int e;

	switch (cl_file_slurp(path, CLI_RECIPE_MAX_BYTES, 0, out, len, &e)) {
	case CL_SLURP_OK:
		return 0;
	case CL_SLURP_OPEN:
		return cli_usage_error(c, "cannot open recipe '%s': %s", path,
				       strerror(e));
	case CL_SLURP_TOOBIG:
		return cli_usage_error(c, "recipe '%s' is larger than %d "
				       "bytes", path, CLI_RECIPE_MAX_BYTES);
	case CL_SLURP_NOMEM:
		return cli_usage_error(c, "out of memory");
	default:
		return cli_usage_error(c, "cannot read recipe '%s': %s", path,
				       strerror(e));
	}
}

static bool is_file_key(const char *k)
{
	return !strcmp(k, "image") || !strcmp(k, "initrd") ||
	       !strcmp(k, "dtb");
}

/* One option line, already cut into key k and value v, as an argv element
 * appended to the store at *used. */
static char *element(char *store, size_t *used, const char *k,
		     const char *v, const char *path, int dirlen, bool main)
{
	const char *eq = strchr(v, '=');
	char *out = store + *used;
	int w;

	if (main) /* the main image: a positional argument */
		w = sprintf(out, "%.*s%s", *v != '/' ? dirlen : 0, path, v);
	else if (!strcmp(k, "blob") && eq && eq[1] != '/')
		w = sprintf(out, "--blob=%.*s%.*s%s", (int)(eq - v + 1), v,
			    dirlen, path, eq + 1);
	else
		w = sprintf(out, "--%s%s%.*s%s", k, *v ? "=" : "",
			    is_file_key(k) && *v != '/' ? dirlen : 0, path, v);
	*used += (size_t)w + 1;
	return out;
}

int cli_expand_recipe(struct cli *c, int *argc, char ***argv)
{
	const char *path, *slash;
	char *text = NULL, *line, *next, **av;
	size_t len = 0, used = 0, cap;
	int i, n = 0, lineno = 0, dirlen, rc;
	bool have_main = false;

	rc = find_recipe(c, *argc, *argv, &path);
	if (rc || !path)
		return rc;
	rc = slurp(c, path, &text, &len);
	if (rc)
		return rc;
	if (memchr(text, 0, len)) {
		const char *nul = memchr(text, 0, len), *p;

		for (p = text, lineno = 1; p < nul; p++)
			lineno += *p == '\n';
		free(text);
		return cli_usage_error(c, "recipe '%s' line %d holds a NUL "
				       "byte", path, lineno);
	}
	slash = strrchr(path, '/');
	dirlen = slash ? (int)(slash - path) + 1 : 0;
	/* every element is at most a line plus the directory and dashes */
	cap = len + (size_t)(CLI_RECIPE_MAX_OPTS + 1) *
		    ((size_t)dirlen + 8);
	c->recipe_store = malloc(cap);
	av = calloc((size_t)CLI_RECIPE_MAX_OPTS + (size_t)*argc + 2,
		    sizeof(*av));
	c->recipe_argv = av;
	if (!c->recipe_store || !av) {
		free(text);
		return cli_usage_error(c, "out of memory");
	}
	av[n++] = (*argv)[0];
	for (line = text; line && *line; line = next) {
		char *k = line, *v, *e;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (strlen(line) > CLI_RECIPE_MAX_LINE) {
			free(text);
			return cli_usage_error(c, "recipe '%s' line %d is longer "
					       "than %d bytes", path, lineno,
					       CLI_RECIPE_MAX_LINE);
		}
		k += strspn(k, " \t");
		for (e = k; *e && *e != '\r'; e++)
			if (*e == '#' && (e == k || e[-1] == ' ' ||
					  e[-1] == '\t'))
				break;
		*e = 0;
		while (e > k && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = 0;
		if (!*k)
			continue;
		v = k + strcspn(k, " \t");
		if (*v) {
			*v++ = 0;
			v += strspn(v, " \t");
		}
		if (!strcmp(k, "recipe")) {
			free(text);
			return cli_usage_error(c, "recipe '%s' line %d: a recipe "
					       "cannot name another recipe",
					       path, lineno);
		}
		if (n > CLI_RECIPE_MAX_OPTS) {
			free(text);
			return cli_usage_error(c, "recipe '%s' line %d: more "
					       "than %d options", path, lineno,
					       CLI_RECIPE_MAX_OPTS);
		}
		av[n++] = element(c->recipe_store, &used, k, v, path, dirlen,
				  !strcmp(k, "image") && !have_main);
		if (!strcmp(k, "image"))
			have_main = true;
	}
	free(text);
	for (i = 1; i < *argc; i++)
		av[n++] = (*argv)[i];
	av[n] = NULL;
	*argc = n;
	*argv = av;
	return 0;
}
