/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_card.c - cardload start | hold | status | console: the card's CPU and
 * mailbox, without an image */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include "cardboot.h"
#include "cli.h"

#define CARD_OPTIONS \
"  -b, --board NAME     board file NAME.board on the board path, or a path\n" \
"  -O, --option KEY=VALUE  transport option (-O help lists them)\n" \
"  -s, --slot SLOT      the card in SLOT: PCI as lspci -s, USB as BUS-PORT\n" \
"                       or BUS:DEVNUM\n" \
"  -d, --device VENDOR:DEVICE  card by ids, as lspci -d or lsusb -d\n"

static const char start_usage[] =
"usage: cardload start --board NAME [-O KEY=VALUE]... [options]\n"
"\n"
"Release a card whose image was loaded earlier with 'cardload load' (or\n"
"'boot --no-start'): checks the mailbox (cardboot magic and version, an\n"
"entry staged inside the board's RAM and outside its reserved ranges, GO\n"
"not yet written) and writes GO. Exit 12 when nothing is staged or the\n"
"card was released already.\n"
"\n"
CARD_OPTIONS
"  -n, --dry-run        say what would be done; open no card\n"
"      --wait[=SECS], --wait SECS  wait for the payload's status word\n"
"      --json           one JSON object on stdout\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

static const char hold_usage[] =
"usage: cardload hold --board NAME [-O KEY=VALUE]... [options]\n"
"\n"
"Put the card back in hold, as a load does before its first write: the\n"
"transport's hold (QMP stop and reset), the board's hold steps, and the\n"
"mailbox cleared (nothing staged, GO withdrawn, status cleared).\n"
"\n"
CARD_OPTIONS
"  -n, --dry-run        say what would be done; open no card\n"
"      --json           one JSON object on stdout\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

static const char status_usage[] =
"usage: cardload status --board NAME [-O KEY=VALUE]... [--json]\n"
"\n"
"Show the card's mailbox: what the ROM posted (READY, hart id, platform\n"
"DTB), what the host staged (entry, arguments, GO) and the payload status.\n"
"\n"
CARD_OPTIONS
"      --json           one JSON object on stdout\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

static const char console_usage[] =
"usage: cardload console --board NAME [-O KEY=VALUE]... [--follow]\n"
"\n"
"Print what the payload wrote to the console ring in card RAM (the board's\n"
"`console` range), oldest byte first. Control characters other than\n"
"newline and tab are escaped.\n"
"\n"
CARD_OPTIONS
"  -f, --follow         keep printing new output until interrupted or the\n"
"                       payload posts DONE or FAIL (as tail -f)\n"
"      --json           one JSON object on stdout: text, lost\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

/* What a dry run of start/hold says; the card is not opened. */
static int dry(struct cli *c, const char *what)
{
	if (c->json)
		json_bool(&c->j, "dry_run", true);
	else
		fprintf(c->out, "dry run: would %s board %s; nothing opened, read or "
		       "written\n", what, cli_safe(c->board.name));
	return 0;
}

static int cmd_start(struct cli *c)
{
	struct cl_tp *tp = NULL;
	int rc = cli_load_board(c);

	if (rc)
		return rc;
	if (c->dry_run)
		return dry(c, "release the card staged on");
	rc = cl_open(c->ctx, &c->board, c->param, c->nparam, &tp);
	if (!rc)
		rc = cl_start(c->ctx, &c->board, tp);
	if (!rc) {
		if (c->json)
			json_bool(&c->j, "released", true);
		else
			fprintf(c->out, "released  board %s\n", cli_safe(c->board.name));
	}
	if (!rc && c->wait)
		rc = cli_wait(c, tp);
	cl_close(tp);
	return rc ? cli_fail(c, rc) : 0;
}

static int cmd_hold(struct cli *c)
{
	struct cl_tp *tp = NULL;
	int rc = cli_load_board(c);

	if (rc)
		return rc;
	if (c->dry_run)
		return dry(c, "hold the card of");
	rc = cl_open(c->ctx, &c->board, c->param, c->nparam, &tp);
	if (!rc)
		rc = cl_hold(c->ctx, &c->board, tp);
	cl_close(tp);
	if (rc)
		return cli_fail(c, rc);
	if (c->json)
		json_bool(&c->j, "held", true);
	else
		fprintf(c->out, "held      board %s\n", cli_safe(c->board.name));
	return 0;
}

static const char *word_name(uint32_t v, uint32_t named, const char *name)
{
	return v == named ? name : v ? "other" : "unset";
}

static void print_status(const struct cli *c, const struct cl_card_status *st)
{
	unsigned i;

	fprintf(c->out, "mailbox   0x%" PRIx64 " (magic %s, version %u)\n",
	       c->board.mailbox, word_name(st->magic, CARDBOOT_MB_MAGIC, "ok"),
	       st->version);
	fprintf(c->out, "rom       %s, hart %" PRIu64 ", platform dtb 0x%" PRIx64 "\n",
	       word_name(st->ready, CARDBOOT_READY, "READY"), st->hartid,
	       st->platform_dtb);
	fprintf(c->out, "host      %s, %s, entry 0x%" PRIx64 "\n",
	       word_name(st->staged, CARDBOOT_STAGED, "STAGED"),
	       word_name(st->go, CARDBOOT_GO, "GO"), st->entry);
	for (i = 0; i < CARDBOOT_NARGS; i++)
		if (st->argmask >> i & 1)
			fprintf(c->out, "arg%u      0x%" PRIx64 "\n", i, st->arg[i]);
	fprintf(c->out, "status    0x%08x\n", st->status);
}

static void json_status(struct cli *c, const struct cl_card_status *st)
{
	struct json *j = &c->j;

	json_obj(j, "status");
	json_bool(j, "mailbox_present", st->mailbox);
	if (st->mailbox) {
		json_hex(j, "mailbox", c->board.mailbox);
		json_bool(j, "magic_ok", st->magic == CARDBOOT_MB_MAGIC);
		json_u64(j, "version", st->version);
		json_bool(j, "ready", st->ready == CARDBOOT_READY);
		json_bool(j, "staged", st->staged == CARDBOOT_STAGED);
		json_bool(j, "go", st->go == CARDBOOT_GO);
		json_u64(j, "hartid", st->hartid);
		json_hex(j, "platform_dtb", st->platform_dtb);
		json_hex(j, "entry", st->entry);
		json_args(j, "args", st->argmask, st->arg);
		json_hex(j, "status", st->status);
	}
	json_end_obj(j);
}

static int cmd_status(struct cli *c)
{
	struct cl_card_status st;
	struct cl_tp *tp = NULL;
	char card[256];
	int rc = cli_open_card(c, &tp);

	if (rc)
		return rc;
	rc = cl_status(c->ctx, &c->board, tp, &st);
	cl_describe(tp, card, sizeof(card));
	cl_close(tp);
	if (rc)
		return cli_fail(c, rc);
	if (c->json)
		json_str(&c->j, "card", card);
	else
		fprintf(c->out, "card      %s\n", cli_safe(card));
	if (c->json)
		json_status(c, &st);
	else if (!st.mailbox)
		fprintf(c->out, "board %s has no mailbox\n", cli_safe(c->board.name));
	else
		print_status(c, &st);
	return 0;
}

/* --follow ends when the payload has posted DONE or FAIL. */
static bool payload_finished(struct cli *c, struct cl_tp *tp)
{
	struct cl_card_status st;
	uint32_t kind;

	if (cl_status(c->ctx, &c->board, tp, &st) || !st.mailbox)
		return false;
	kind = CARDBOOT_STATUS_KIND(st.status);
	return kind == CARDBOOT_STATUS_KIND(CARDBOOT_STATUS_DONE(0)) ||
	       kind == CARDBOOT_STATUS_KIND(CARDBOOT_STATUS_FAIL(0));
}

static int follow(struct cli *c, struct cl_tp *tp)
{
	uint64_t cursor = UINT64_MAX, lost;
	const struct timespec pause = { 0, 100 * 1000 * 1000 };
	bool last = false;
	size_t len;
	char *text;
	int rc;

	for (;;) {
		/* the status first: output posted before DONE is still shown */
		bool finished = payload_finished(c, tp);

		rc = cl_console_follow(c->ctx, &c->board, tp, &cursor, &text,
				       &len, &lost);
		if (rc)
			return rc;
		if (lost)
			fprintf(c->err, "cardload console: %" PRIu64 " bytes "
				"were overwritten before they were read\n",
				lost);
		cli_put_safe(c->out, text, len, true);
		fflush(c->out);
		free(text);
		if (last || cli_interrupted)
			return 0;
		last = finished;
		nanosleep(&pause, NULL);
	}
}

static int cmd_console(struct cli *c)
{
	struct cl_tp *tp = NULL;
	uint64_t lost;
	size_t len;
	char *text;
	int rc;

	if (c->follow && c->json)
		return cli_usage_error(c, "--follow prints as it goes; --json "
				       "prints one object at the end: give one");
	rc = cli_open_card(c, &tp);
	if (rc)
		return rc;
	if (c->follow) {
		rc = follow(c, tp);
		cl_close(tp);
		return rc ? cli_fail(c, rc) : 0;
	}
	rc = cl_console_read(c->ctx, &c->board, tp, &text, &len, &lost);
	cl_close(tp);
	if (rc)
		return cli_fail(c, rc);
	if (c->json) {
		json_str(&c->j, "text", text); /* NUL-terminated */
		json_u64(&c->j, "lost", lost);
	} else {
		if (lost)
			fprintf(c->err, "cardload console: %" PRIu64 " older "
				"bytes were overwritten\n", lost);
		cli_put_safe(c->out, text, len, true);
	}
	free(text);
	return 0;
}

const struct cli_cmd cli_cmd_start = {
	.name = "start", .fn = cmd_start,
	.what = "release a card loaded earlier",
	.usage = start_usage,
	.opts = CLI_OPTS_COMMON | CLI_OPTS_CARD | CLI_OPT(CO_DRY_RUN) |
		CLI_OPT(CO_WAIT),
};

const struct cli_cmd cli_cmd_hold = {
	.name = "hold", .fn = cmd_hold,
	.what = "put the card back in hold (the stop half of start)",
	.usage = hold_usage,
	.opts = CLI_OPTS_COMMON | CLI_OPTS_CARD | CLI_OPT(CO_DRY_RUN),
};

const struct cli_cmd cli_cmd_status = {
	.name = "status", .fn = cmd_status,
	.what = "show the card's mailbox",
	.usage = status_usage,
	.opts = CLI_OPTS_COMMON | CLI_OPTS_CARD,
};

const struct cli_cmd cli_cmd_console = {
	.name = "console", .fn = cmd_console,
	.what = "print the card's console ring (--follow: as tail -f)",
	.usage = console_usage,
	.opts = CLI_OPTS_COMMON | CLI_OPTS_CARD | CLI_OPT(CO_FOLLOW),
};
