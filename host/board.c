/* SPDX-License-Identifier: GPL-2.0-or-later */
/* board.c - board files: parse and validate the description of a card */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cardboot.h"
#include "internal.h"

#define BOARD_LINE_MAX 1023           /* characters in a line, without '\n' */
#define BOARD_FILE_MAX (64 * 1024)    /* bytes in a board file */
#define BOARD_NAME_CHARS "[A-Za-z0-9._-]"

/* Scalar keys: each may be given once; seen[] holds the line it was on. */
enum scalar {
	K_NAME, K_DESCRIPTION, K_TRANSPORT, K_MACHINE, K_ENDIAN, K_MAILBOX,
	K_ACCESS_WIDTH, K_RELEASE, K_RELEASE_STEP, K_CONSOLE, K_WRITE_COMBINE,
	K_DATA_PLACE, K_DATA_ALIGN, K_DTB_MEMORY, K_PLATFORM_DTB, K__NSCALAR
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
	uint32_t bad_keys;                 /* bit k: a keys[k] line refused */
	size_t seen[K__NSCALAR];
	size_t win_line[CL_MAX_WINDOWS];
	size_t res_line[CL_MAX_RESERVED];
	size_t opt_line[CL_MAX_BOARD_OPTS];
	char raw[BOARD_LINE_MAX + 1];      /* the value as written */
};

/* Report a problem with the file and line: the first one becomes the
 * context's error, and a lint hears of every one. */
__attribute__((format(printf, 2, 3)))
static int perr(struct parser *p, const char *fmt, ...)
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

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* [A-Za-z0-9._-]+ shorter than max */
static int valid_name(const char *s, size_t max)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!is_name_char(s[n]))
			return 0;
	return n > 0 && n < max;
}

static char *trim(char *s)
{
	char *e;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		e--;
	*e = '\0';
	return s;
}

/* Split s in place at whitespace; returns the number of words (at most
 * max + 1, which means "too many"). */
static unsigned split(char *s, char **word, unsigned max)
{
	unsigned n = 0;

	for (;;) {
		while (is_space(*s))
			*s++ = '\0';
		if (!*s)
			return n;
		if (n == max)
			return n + 1;
		word[n++] = s;
		while (*s && !is_space(*s))
			s++;
	}
}

static int get_num(struct parser *p, const char *what, const char *s,
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

static int key_name(struct parser *p, char *val)
{
	if (!valid_name(val, sizeof(p->b->name)))
		return perr(p, "bad name '%s' (want " BOARD_NAME_CHARS "+, at "
			    "most %zu characters)", val,
			    sizeof(p->b->name) - 1);
	strcpy(p->b->name, val);
	return 0;
}

static int key_description(struct parser *p, char *val)
{
	if (strlen(val) >= sizeof(p->b->description))
		return perr(p, "description longer than %zu characters",
			    sizeof(p->b->description) - 1);
	strcpy(p->b->description, val);
	return 0;
}

static int key_transport(struct parser *p, char *val)
{
	if (!valid_name(val, sizeof(p->b->transport)))
		return perr(p, "bad transport '%s' (want " BOARD_NAME_CHARS
			    "+, at most %zu characters)", val,
			    sizeof(p->b->transport) - 1);
	strcpy(p->b->transport, val);
	return 0;
}

static int key_machine(struct parser *p, char *val)
{
	char list[200];

	if (!cl_machine_lookup(val, &p->b->machine, &p->b->elfclass))
		return 0;
	cl_machine_list(list, sizeof(list));
	return perr(p, "unknown machine '%s' (valid: %s)", val, list);
}

static int key_endian(struct parser *p, char *val)
{
	if (!strcmp(val, "little"))
		p->b->endian = ELFDATA2LSB;
	else if (!strcmp(val, "big"))
		p->b->endian = ELFDATA2MSB;
	else
		return perr(p, "bad endian '%s' (want little or big)", val);
	return 0;
}

static int key_mailbox(struct parser *p, char *val)
{
	uint64_t a, end;
	int rc;

	rc = get_num(p, "mailbox address", val, &a);
	if (rc)
		return rc;
	if (a % 8)
		return perr(p, "mailbox 0x%" PRIx64 " is not 8-byte aligned",
			    a);
	if (cl_add_ovf(a, (uint64_t)CARDBOOT_MB_SIZE, &end))
		return perr(p, "mailbox 0x%" PRIx64 " wraps past the end of "
			    "the address space", a);
	p->b->mailbox = a;
	p->b->has_mailbox = true;
	return 0;
}

static int key_access_width(struct parser *p, char *val)
{
	uint64_t w;

	if (cl_parse_num(val, &w) != CL_NUM_OK || (w != 1 && w != 2 && w != 4 &&
						 w != 8))
		return perr(p, "bad access-width '%s' (want 1, 2, 4 or 8)",
			    val);
	p->b->access_width = (unsigned)w;
	return 0;
}

static int key_release(struct parser *p, char *val)
{
	if (!strcmp(val, "mailbox"))
		p->b->release = CL_RELEASE_MAILBOX;
	else if (!strcmp(val, "regs"))
		p->b->release = CL_RELEASE_REGS;
	else if (!strcmp(val, "none"))
		p->b->release = CL_RELEASE_NONE;
	else
		return perr(p, "bad release '%s' (want mailbox, regs or none)",
			    val);
	return 0;
}

static int key_release_step(struct parser *p, char *val)
{
	if (!strcmp(val, "qmp"))
		p->b->release_step = CL_STEP_QMP;
	else if (!strcmp(val, "none"))
		p->b->release_step = CL_STEP_NONE;
	else
		return perr(p, "bad release-step '%s' (want qmp or none)", val);
	return 0;
}

/* console = ADDR SIZE: the console ring of cardboot.h */
static int key_console(struct parser *p, char *val)
{
	char *word[3];
	uint64_t addr, size, end;
	int rc;

	if (split(val, word, 3) != 2)
		return perr(p, "bad console '%s' (want ADDR SIZE)", p->raw);
	rc = get_num(p, "console address", word[0], &addr);
	if (!rc)
		rc = get_num(p, "console size", word[1], &size);
	if (rc)
		return rc;
	if (addr % 8 || size <= CARDBOOT_CONSOLE_DATA_OFF ||
	    size - CARDBOOT_CONSOLE_DATA_OFF > UINT32_MAX)
		return perr(p, "console 0x%" PRIx64 " size 0x%" PRIx64 " must "
			    "be 8-byte aligned and hold a header and data",
			    addr, size);
	if (cl_add_ovf(addr, size, &end))
		return perr(p, "console 0x%" PRIx64 " wraps", addr);
	p->b->console = addr;
	p->b->console_size = size;
	p->b->has_console = true;
	return 0;
}

/* One "key=value" attribute of a ram line. */
static int ram_attr(struct parser *p, const char *a, struct cl_window *w,
		    unsigned *seen)
{
	static const char *const names[] = { "offset=", "bar=", "aperture=",
					     "window-reg=" };
	uint64_t v;
	unsigned k;

	for (k = 0; k < 4; k++)
		if (!strncmp(a, names[k], strlen(names[k])))
			break;
	if (k == 4)
		return perr(p, strchr(a, '=') ? "unknown ram attribute '%s'" :
			    "unexpected '%s' in ram (want ADDR SIZE "
			    "[offset=OFF] [bar=N] [aperture=SIZE "
			    "window-reg=BAR:OFF])", a);
	if (*seen & 1u << k)
		return perr(p, "ram %.*s given twice",
			    (int)strlen(names[k]) - 1, names[k]);
	*seen |= 1u << k;
	a += strlen(names[k]);
	if (k == 3) {
		struct cl_regstep st;
		char text[64], err[128];

		snprintf(text, sizeof(text), "write32 %s 0", a);
		if (cl_regstep_parse(text, &st, err, sizeof(err)))
			return perr(p, "bad window-reg '%s' (want BAR:OFFSET)",
				    a);
		w->winreg = st.reg;
		return 0;
	}
	if (get_num(p, names[k], a, &v))
		return CL_E_BOARD;
	if (k == 0)
		w->offset = v;
	else if (k == 1 && v > 5)
		return perr(p, "bar=%s: a BAR is 0..5", a);
	else if (k == 1)
		w->bar = (int)v;
	else
		w->aperture = v;
	return 0;
}

/* Two windows onto the same backing bytes would let an image placed
 * through one overwrite what is reserved through the other. */
static int check_alias(struct parser *p, const struct cl_window *nw)
{
	const struct cl_board *b = p->b;
	uint64_t lo, hi;
	char where[32];
	unsigned i;

	for (i = 0; i < b->nwin; i++) {
		const struct cl_window *w = &b->win[i];

		if (!cl_backing_shared(nw, w, &lo, &hi))
			continue;
		if (nw->bar >= 0)
			snprintf(where, sizeof(where), "BAR %d offsets",
				 nw->bar);
		else
			snprintf(where, sizeof(where), "backing offsets");
		return perr(p, "ram%u [0x%" PRIx64 ", 0x%" PRIx64 ") and %s "
			    "[0x%" PRIx64 ", 0x%" PRIx64 ") from line %zu map "
			    "the same memory (%s [0x%" PRIx64 ", 0x%" PRIx64
			    ")): aliased windows", b->nwin, nw->addr,
			    nw->addr + nw->size, w->name, w->addr,
			    w->addr + w->size, p->win_line[i], where, lo, hi);
	}
	return 0;
}

/* ram = ADDR SIZE [offset=OFF] [bar=N] [aperture=SIZE window-reg=BAR:OFF] */
static int key_ram(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	struct cl_window *w, nw = { .bar = -1, .winreg = { -1, 0 } };
	char *word[8];
	uint64_t addr, size, off, end, oend;
	unsigned n, i, seen = 0;
	int rc;

	if (b->nwin == CL_MAX_WINDOWS)
		return perr(p, "more than %d ram windows", CL_MAX_WINDOWS);
	n = split(val, word, 8);
	if (n < 2 || n > 6)
		return perr(p, "bad ram '%s' (want ADDR SIZE [offset=OFF])",
			    p->raw);
	rc = get_num(p, "ram address", word[0], &addr);
	if (!rc)
		rc = get_num(p, "ram size", word[1], &size);
	for (i = 2; i < n && !rc; i++)
		rc = ram_attr(p, word[i], &nw, &seen);
	if (rc)
		return rc;
	off = nw.offset;
	if (!!nw.aperture != (nw.winreg.bar >= 0))
		return perr(p, "aperture= and window-reg= go together");
	if (nw.aperture && (!cl_is_pow2(nw.aperture) || nw.aperture > size ||
			    size % nw.aperture || addr % nw.aperture))
		return perr(p, "aperture 0x%" PRIx64 " must be a power of two "
			    "that divides the window and its address",
			    nw.aperture);
	if (!size)
		return perr(p, "ram size 0");
	if (cl_add_ovf(addr, size, &end))
		return perr(p, "ram window 0x%" PRIx64 " size 0x%" PRIx64
			    " wraps past the end of the address space",
			    addr, size);
	if (cl_add_ovf(off, size, &oend))
		return perr(p, "ram offset 0x%" PRIx64 " size 0x%" PRIx64
			    " wraps past 2^64", off, size);
	for (i = 0; i < b->nwin; i++) {
		w = &b->win[i];
		if (cl_overlap(addr, size, w->addr, w->size))
			return perr(p, "ram window [0x%" PRIx64 ", 0x%" PRIx64
				    ") overlaps %s [0x%" PRIx64 ", 0x%"
				    PRIx64 ") from line %zu", addr, end,
				    w->name, w->addr, w->addr + w->size,
				    p->win_line[i]);
	}
	nw.addr = addr;
	nw.size = size;
	rc = check_alias(p, &nw);
	if (rc)
		return rc;
	w = &b->win[b->nwin];
	*w = nw;
	snprintf(w->name, sizeof(w->name), "ram%u", b->nwin);
	p->win_line[b->nwin++] = p->line;
	return 0;
}

/* match = VENDOR:DEVICE (lspci -d syntax; libpci checks it at open) */
static int key_match(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	const char *c = val;

	if (b->nmatch == CL_MAX_MATCH)
		return perr(p, "more than %d match ids", CL_MAX_MATCH);
	for (; *c; c++)
		if (!strchr("0123456789abcdefABCDEF:", *c))
			break;
	if (*c || !strchr(val, ':') || !strcmp(val, ":") ||
	    strlen(val) >= sizeof(b->match[0]))
		return perr(p, "bad match '%s' (want VENDOR:DEVICE in hex, "
			    "e.g. 1af4:1110)", val);
	strcpy(b->match[b->nmatch++], val);
	return 0;
}

static int key_write_combine(struct parser *p, char *val)
{
	if (strcmp(val, "yes") && strcmp(val, "no"))
		return perr(p, "bad write-combine '%s' (want yes or no)", val);
	p->b->write_combine = !strcmp(val, "yes");
	return 0;
}

static int add_step(struct parser *p, const char *key, char *val,
		    struct cl_regstep *steps, unsigned *n)
{
	char err[160];

	if (*n == CL_MAX_STEPS)
		return perr(p, "more than %d %s lines", CL_MAX_STEPS, key);
	if (cl_regstep_parse(val, &steps[*n], err, sizeof(err)))
		return perr(p, "%s: %s", key, err);
	(*n)++;
	return 0;
}

static int key_data_place(struct parser *p, char *val)
{
	if (strcmp(val, "high") && strcmp(val, "low"))
		return perr(p, "bad data-place '%s' (want high or low)", val);
	p->b->data_low = !strcmp(val, "low");
	return 0;
}

static int key_data_align(struct parser *p, char *val)
{
	uint64_t a;

	if (get_num(p, "data-align", val, &a))
		return CL_E_BOARD;
	if (!cl_is_pow2(a) || a > (1u << 30))
		return perr(p, "data-align 0x%" PRIx64 " is not a power of two "
			    "up to 1G", a);
	p->b->data_align = a;
	return 0;
}

static int key_dtb_memory(struct parser *p, char *val)
{
	if (strcmp(val, "yes") && strcmp(val, "no"))
		return perr(p, "bad dtb-memory '%s' (want yes or no)", val);
	p->b->dtb_memory = !strcmp(val, "yes");
	return 0;
}

static int key_platform_dtb(struct parser *p, char *val)
{
	return get_num(p, "platform-dtb address", val, &p->b->platform_dtb);
}

static int key_hold_step(struct parser *p, char *val)
{
	return add_step(p, "hold-step", val, p->b->hold, &p->b->nhold);
}

static int key_start_step(struct parser *p, char *val)
{
	return add_step(p, "start-step", val, p->b->start, &p->b->nstart);
}

/* reserved = NAME ADDR SIZE */
static int key_reserved(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	struct cl_reserved *r;
	char *word[3];
	uint64_t addr, size, end;
	unsigned i;
	int rc;

	if (b->nres == CL_MAX_RESERVED)
		return perr(p, "more than %d reserved ranges", CL_MAX_RESERVED);
	if (split(val, word, 3) != 3)
		return perr(p, "bad reserved '%s' (want NAME ADDR SIZE)",
			    p->raw);
	if (!valid_name(word[0], sizeof(r->name)))
		return perr(p, "bad reserved name '%s' (want " BOARD_NAME_CHARS
			    "+, at most %zu characters)", word[0],
			    sizeof(r->name) - 1);
	for (i = 0; i < b->nres; i++)
		if (!strcmp(b->res[i].name, word[0]))
			return perr(p, "reserved name '%s' already used on "
				    "line %zu", word[0], p->res_line[i]);
	rc = get_num(p, "reserved address", word[1], &addr);
	if (!rc)
		rc = get_num(p, "reserved size", word[2], &size);
	if (rc)
		return rc;
	if (!size)
		return perr(p, "reserved '%s' size 0", word[0]);
	if (cl_add_ovf(addr, size, &end))
		return perr(p, "reserved '%s' 0x%" PRIx64 " size 0x%" PRIx64
			    " wraps past the end of the address space",
			    word[0], addr, size);
	r = &b->res[b->nres];
	strcpy(r->name, word[0]);
	r->addr = addr;
	r->size = size;
	p->res_line[b->nres++] = p->line;
	return 0;
}

/* option = KEY=VALUE, KEY being a transport option such as mem.path */
static int key_option(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	char *eq = strchr(val, '=');
	size_t klen, i;

	if (b->nopt == CL_MAX_BOARD_OPTS)
		return perr(p, "more than %d options", CL_MAX_BOARD_OPTS);
	if (!eq)
		return perr(p, "bad option '%s' (want KEY=VALUE)", val);
	klen = (size_t)(eq - val);
	for (i = 0; i < klen; i++)
		if (!is_name_char(val[i]))
			break;
	if (!klen || i < klen || !memchr(val, '.', klen))
		return perr(p, "bad option '%s' (want KEY=VALUE with a KEY "
			    "such as mem.path)", val);
	if (strlen(val) >= sizeof(b->opt[0]))
		return perr(p, "option '%.*s' longer than %zu characters",
			    (int)klen, val, sizeof(b->opt[0]) - 1);
	for (i = 0; i < b->nopt; i++)
		if (!strncmp(b->opt[i], val, klen + 1))
			return perr(p, "option '%.*s' already given on "
				    "line %zu", (int)klen, val, p->opt_line[i]);
	strcpy(b->opt[b->nopt], val);
	p->opt_line[b->nopt++] = p->line;
	return 0;
}

static const struct key {
	const char *name;
	int scalar;               /* enum scalar, or -1 when repeatable */
	int (*parse)(struct parser *p, char *val);
} keys[] = {
	{ "name", K_NAME, key_name },
	{ "description", K_DESCRIPTION, key_description },
	{ "transport", K_TRANSPORT, key_transport },
	{ "machine", K_MACHINE, key_machine },
	{ "endian", K_ENDIAN, key_endian },
	{ "ram", -1, key_ram },
	{ "reserved", -1, key_reserved },
	{ "mailbox", K_MAILBOX, key_mailbox },
	{ "access-width", K_ACCESS_WIDTH, key_access_width },
	{ "release", K_RELEASE, key_release },
	{ "release-step", K_RELEASE_STEP, key_release_step },
	{ "console", K_CONSOLE, key_console },
	{ "match", -1, key_match },
	{ "write-combine", K_WRITE_COMBINE, key_write_combine },
	{ "data-place", K_DATA_PLACE, key_data_place },
	{ "data-align", K_DATA_ALIGN, key_data_align },
	{ "dtb-memory", K_DTB_MEMORY, key_dtb_memory },
	{ "platform-dtb", K_PLATFORM_DTB, key_platform_dtb },
	{ "hold-step", -1, key_hold_step },
	{ "start-step", -1, key_start_step },
	{ "option", -1, key_option },
};
_Static_assert(sizeof(keys) / sizeof(keys[0]) <= 32, "bad_keys has 32 bits");

static int parse_line(struct parser *p, const char *text, size_t len)
{
	char buf[BOARD_LINE_MAX + 1], *line, *key, *val, *eq;
	const struct key *k = NULL;
	size_t i;
	int rc = 0;

	if (len > BOARD_LINE_MAX)
		return perr(p, "line longer than %d characters",
			    BOARD_LINE_MAX);
	if (memchr(text, '\0', len))
		return perr(p, "NUL byte in line");
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (i = 0; i < len; i++) {       /* '#' at the start of a word */
		if (buf[i] == '#' && (i == 0 || is_space(buf[i - 1]))) {
			buf[i] = '\0';
			break;
		}
	}
	line = trim(buf);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return perr(p, "expected 'key = value', got '%s'", line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, key))
			k = &keys[i];
	if (!k)
		return perr(p, "unknown key '%s'", key);
	if (!*val)
		rc = perr(p, "key '%s' has no value", key);
	else if (k->scalar >= 0 && p->seen[k->scalar])
		return perr(p, "key '%s' given twice (first on line %zu)", key,
			    p->seen[k->scalar]);
	if (k->scalar >= 0)
		p->seen[k->scalar] = p->line;
	if (*val) {
		strcpy(p->raw, val);
		rc = k->parse(p, val);
	}
	if (rc) /* a lint does not also say "no ram" for a bad ram line */
		p->bad_keys |= 1u << (k - keys);
	return rc;
}

/* A line of the key parsed by fn was refused (lint: skip what follows). */
static bool refused(const struct parser *p, int (*fn)(struct parser *, char *))
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].parse == fn)
			return p->bad_keys & 1u << i;
	return false;
}

/* Host/card structures must sit in RAM and inside a reserved range, or an
 * image could be placed over them. */
static int ram_and_reserved(struct parser *p, const char *what, uint64_t a,
			    uint64_t size)
{
	const struct cl_board *b = p->b;

	if (cl_window_find(b, a, size, NULL) < 0)
		return perr(p, "%s [0x%" PRIx64 ", 0x%" PRIx64 ") is not inside "
			    "a ram window", what, a, a + size);
	if (cl_reserved_holding(b, a, size))
		return 0;
	return perr(p, "%s [0x%" PRIx64 ", 0x%" PRIx64 ") is not inside a "
		    "reserved range (an image could overwrite it)", what, a,
		    a + size);
}

/* Checks that need the whole file. A lint goes on after a problem (each
 * check only looks at keys that parsed); a load stops at the first. */
static int finish(struct parser *p)
{
	static const struct {
		enum scalar key;
		const char *name;
	} required[] = {
		{ K_NAME, "name" },
		{ K_TRANSPORT, "transport" },
		{ K_RELEASE, "release" },
	};
	struct cl_board *b = p->b;
	uint64_t mb = b->mailbox;
	bool placed;
	unsigned i;
	int rc = 0;

#define NEXT(expr) do { rc = (expr); if (rc && !p->lint) return rc; } while (0)
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!p->seen[required[i].key])
			NEXT(perr(p, "missing required key '%s'",
				  required[i].name));
	if (!b->nwin && !refused(p, key_ram))
		NEXT(perr(p, "missing required key 'ram'"));
	if (b->release == CL_RELEASE_MAILBOX && !p->seen[K_MAILBOX]) {
		p->line = p->seen[K_RELEASE];
		NEXT(perr(p, "release = mailbox needs a 'mailbox' key"));
	}
	if (b->release == CL_RELEASE_REGS && !b->nstart &&
	    !refused(p, key_start_step)) {
		p->line = p->seen[K_RELEASE];
		NEXT(perr(p, "release = regs needs start-step lines"));
	}
	/* where the mailbox and console lie, once the ram and reserved lines
	 * parsed */
	placed = !refused(p, key_ram) && !refused(p, key_reserved);
	if (b->has_mailbox && placed) {
		p->line = p->seen[K_MAILBOX];
		NEXT(ram_and_reserved(p, "mailbox", mb, CARDBOOT_MB_SIZE));
	}
	if (b->has_console && placed) {
		p->line = p->seen[K_CONSOLE];
		NEXT(ram_and_reserved(p, "console", b->console,
				      b->console_size));
	}
	if (b->has_console && b->has_mailbox &&
	    cl_overlap(mb, CARDBOOT_MB_SIZE, b->console, b->console_size)) {
		p->line = p->seen[K_CONSOLE];
		NEXT(perr(p, "console overlaps the mailbox"));
	}
#undef NEXT
	p->line = 0;
	if (!p->seen[K_ACCESS_WIDTH])
		b->access_width = 4;
	if (!p->seen[K_DATA_ALIGN])
		b->data_align = 4096;
	if (!p->seen[K_ENDIAN] && b->machine)
		b->endian = cl_machine_endian(b->machine, b->elfclass);
	return p->nerr ? CL_E_BOARD : 0;
}

/* Every line, then the whole board; out is left zeroed on failure. */
static int parse(struct cl_ctx *ctx, const char *name, const char *text,
		 size_t len, struct cl_board *out, const struct lint *lint)
{
	struct parser p = { .ctx = ctx, .b = out, .lint = lint };
	const char *nl;
	size_t pos = 0, n;
	int rc;

	memset(out, 0, sizeof(*out));
	p.file = name ? name : "(board)";
	if (strlen(p.file) >= sizeof(out->path)) {
		rc = perr(&p, "board path longer than %zu characters",
			  sizeof(out->path) - 1);
		goto out_fail;
	}
	strcpy(out->path, p.file);
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		p.line++;
		rc = parse_line(&p, text + pos, n);
		if (rc && !lint)
			goto out_fail;
		pos += n + 1;
	}
	p.line = 0;
	rc = finish(&p);
	if (rc)
		goto out_fail;
	return 0;

out_fail:
	memset(out, 0, sizeof(*out));
	return rc;
}

int cl_board_parse(struct cl_ctx *ctx, const char *name, const char *text,
		   size_t len, struct cl_board *out)
{
	if (!out || (!text && len))
		return cl_seterr(ctx, CL_E_USAGE, "cl_board_parse: no %s",
				 out ? "text" : "board");
	return parse(ctx, name, text, len, out, NULL);
}

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
		rc = parse(ctx, path, buf, len, out, NULL);
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
		rc = parse(ctx, path, buf, len, out, &lint);
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
	if (!valid_name(name, CL_NAME_MAX))
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

uint64_t cl_board_ram_total(const struct cl_board *b)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < b->nwin && i < CL_MAX_WINDOWS; i++)
		if (cl_add_ovf(total, b->win[i].size, &total))
			return UINT64_MAX;
	return total;
}
