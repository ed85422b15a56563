/* SPDX-License-Identifier: GPL-2.0-or-later */
/* board.c - board files: parse and validate the description of a card
 *
 * Line by line (comments, "key = value", scalar keys given once), each
 * value to its key's parser (board_keys.c, board_ram.c), then the checks
 * that need the whole file. board_parse.h lists the parser's files.
 */
#include <stdio.h>
#include <string.h>
#include "cardboot.h"
#include "board_parse.h"

static int parse_line(struct parser *p, const char *text, size_t len)
{
	char buf[BOARD_LINE_MAX + 1], *line, *key, *val, *eq;
	const struct board_key *k = NULL;
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
		if (buf[i] == '#' && (i == 0 || cl_board_space(buf[i - 1]))) {
			buf[i] = '\0';
			break;
		}
	}
	line = cl_board_trim(buf);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return perr(p, "expected 'key = value', got '%s'", line);
	*eq = '\0';
	key = cl_board_trim(line);
	val = cl_board_trim(eq + 1);
	for (i = 0; i < cl_board_nkeys; i++)
		if (!strcmp(cl_board_keys[i].name, key))
			k = &cl_board_keys[i];
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
		p->bad_keys |= 1u << (k - cl_board_keys);
	return rc;
}

/* A line of key name was refused (lint: skip what follows). */
static bool refused(const struct parser *p, const char *name)
{
	unsigned i;

	for (i = 0; i < cl_board_nkeys; i++)
		if (!strcmp(cl_board_keys[i].name, name))
			return p->bad_keys & 1u << i;
	return false;
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
	if (!b->nwin && !refused(p, "ram"))
		NEXT(perr(p, "missing required key 'ram'"));
	if (b->release == CL_RELEASE_MAILBOX && !p->seen[K_MAILBOX]) {
		p->line = p->seen[K_RELEASE];
		NEXT(perr(p, "release = mailbox needs a 'mailbox' key"));
	}
	if (b->release == CL_RELEASE_EXEC && strcmp(b->transport, "usb")) {
		p->line = p->seen[K_RELEASE];
		NEXT(perr(p, "release = fel-exec needs transport = usb (FEL "
			  "EXEC), not '%s'", b->transport));
	}
	if (b->release == CL_RELEASE_GDB && strcmp(b->transport, "gdb")) {
		p->line = p->seen[K_RELEASE];
		NEXT(perr(p, "release = gdb needs transport = gdb (the "
			  "debugger sets the registers), not '%s'",
			  b->transport));
	}
	if (b->release == CL_RELEASE_REGS && !b->nstart &&
	    !refused(p, "start-step")) {
		p->line = p->seen[K_RELEASE];
		NEXT(perr(p, "release = regs needs start-step lines"));
	}
	/* where the mailbox and console lie, once the ram and reserved lines
	 * parsed */
	placed = !refused(p, "ram") && !refused(p, "reserved");
	if (b->has_mailbox && placed) {
		p->line = p->seen[K_MAILBOX];
		NEXT(cl_board_ram_and_reserved(p, "mailbox", mb,
					       CARDBOOT_MB_SIZE));
	}
	if (b->has_console && placed) {
		p->line = p->seen[K_CONSOLE];
		NEXT(cl_board_ram_and_reserved(p, "console", b->console,
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

int cl_board_parse_text(struct cl_ctx *ctx, const char *name,
			const char *text, size_t len, struct cl_board *out,
			const struct lint *lint)
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
	return cl_board_parse_text(ctx, name, text, len, out, NULL);
}
