/* SPDX-License-Identifier: GPL-2.0-or-later */
/* board_parse.h - the board file parser's state, shared by its files (not
 * installed)
 *
 *   board_lex.c   problems with file and line, words, names, numbers
 *   board.c       lines, comments, keys given once, the whole-file checks
 *   board_keys.c  what each key accepts, and the table of keys
 *   board_ram.c   ram and reserved lines: windows, their backing bytes,
 *                 reserved ranges, where the mailbox and console may lie
 *   board_file.c  board files on disk: read, found by name, loaded, linted
 */
#ifndef CL_BOARD_PARSE_H
#define CL_BOARD_PARSE_H

#include "internal.h"

#define BOARD_LINE_MAX 1023           /* characters in a line, without '\n' */
#define BOARD_NAME_CHARS "[A-Za-z0-9._-]"

/* Scalar keys: each may be given once; seen[] holds the line it was on. */
enum scalar {
	K_NAME, K_DESCRIPTION, K_TRANSPORT, K_MACHINE, K_ENDIAN, K_MAILBOX,
	K_ACCESS_WIDTH, K_RELEASE, K_RELEASE_STEP, K_CONSOLE, K_WRITE_COMBINE,
	K_DATA_PLACE, K_DATA_ALIGN, K_DTB_MEMORY, K_PLATFORM_DTB, K_BOOT_ABI,
	K__NSCALAR
};

/* What cl_board_lint wants told about each problem. */
struct lint {
	void (*on_error)(void *arg, const char *msg);
	void *arg;
};

struct parser {
	struct cl_ctx *ctx;
	const char *file;
	size_t line;                       /* 0: a message about the file */
	struct cl_board *b;
	const struct lint *lint;           /* NULL: stop at the first error */
	unsigned nerr;                     /* problems reported so far */
	uint32_t bad_keys;                 /* bit k: a cl_board_keys[k]
					    * line was refused */
	size_t seen[K__NSCALAR];
	size_t win_line[CL_MAX_WINDOWS];
	size_t res_line[CL_MAX_RESERVED];
	size_t opt_line[CL_MAX_BOARD_OPTS];
	char raw[BOARD_LINE_MAX + 1];      /* the value as written */
};

/* Report a problem with the file and line: the first one becomes the
 * context's error, and a lint hears of every one. Returns CL_E_BOARD. */
int cl_board_err(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define perr(p, ...) cl_board_err(p, __VA_ARGS__)

/* A number as cl_parse_num reads it, or a problem naming what. */
int cl_board_num(struct parser *p, const char *what, const char *s,
		 uint64_t *v);
/* Split s in place at whitespace; returns the number of words (at most
 * max + 1, which means "too many"). */
unsigned cl_board_split(char *s, char **word, unsigned max);
/* c is a blank; s without its leading and trailing blanks (in place). */
int cl_board_space(char c);
char *cl_board_trim(char *s);
/* s is BOARD_NAME_CHARS+, shorter than max / c is one of them. */
int cl_board_name_ok(const char *s, size_t max);
int cl_board_name_char(char c);

/* The keys a board file may hold (board_keys.c). */
struct board_key {
	const char *name;
	int scalar;               /* enum scalar, or -1 when repeatable */
	int (*parse)(struct parser *p, char *val);
};
extern const struct board_key cl_board_keys[];
extern const unsigned cl_board_nkeys;

/* board_ram.c: the ram and reserved keys; a host/card structure (the
 * mailbox, the console ring) inside a ram window and a reserved range. */
int cl_board_key_ram(struct parser *p, char *val);
int cl_board_key_reserved(struct parser *p, char *val);
int cl_board_ram_and_reserved(struct parser *p, const char *what, uint64_t a,
			      uint64_t size);

/* board.c: every line, then the whole board; out is left zeroed on
 * failure. lint NULL: stop at the first problem. */
int cl_board_parse_text(struct cl_ctx *ctx, const char *name,
			const char *text, size_t len, struct cl_board *out,
			const struct lint *lint);

#endif /* CL_BOARD_PARSE_H */
