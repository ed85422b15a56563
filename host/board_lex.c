/* SPDX-License-Identifier: GPL-2.0-or-later */
/* board_lex.c - the board parser's words: problems with file and line,
 * whitespace, trimming and splitting, names, numbers (a leaf the other
 * board files share) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "board_parse.h"

int cl_board_err(struct parser *p, const char *fmt, ...)
{
	char msg[400], full[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line)
		snprintf(full, sizeof(full), "'%s' line %zu: %s", p->file,
			 p->line, msg);
	else
		snprintf(full, sizeof(full), "'%s': %s", p->file, msg);
	if (!p->nerr++)
		cl_seterr(p->ctx, CL_E_BOARD, "%s", full);
	if (p->lint && p->lint->on_error)
		p->lint->on_error(p->lint->arg, full);
	return CL_E_BOARD;
}

int cl_board_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int cl_board_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int cl_board_name_ok(const char *s, size_t max)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!cl_board_name_char(s[n]))
			return 0;
	return n > 0 && n < max;
}

char *cl_board_trim(char *s)
{
	char *e;

	while (cl_board_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && cl_board_space(e[-1]))
		e--;
	*e = '\0';
	return s;
}

unsigned cl_board_split(char *s, char **word, unsigned max)
{
	unsigned n = 0;

	for (;;) {
		while (cl_board_space(*s))
			*s++ = '\0';
		if (!*s)
			return n;
		if (n == max)
			return n + 1;
		word[n++] = s;
		while (*s && !cl_board_space(*s))
			s++;
	}
}

int cl_board_num(struct parser *p, const char *what, const char *s,
		 uint64_t *v)
{
	switch (cl_parse_num(s, v)) {
	case CL_NUM_OK:
		return 0;
	case CL_NUM_BIG:
		return perr(p, "%s '%s' does not fit in 64 bits", what, s);
	default:
		return perr(p, "bad %s '%s' (want decimal or 0x hex, "
			    "optionally with K, M or G)", what, s);
	}
}
