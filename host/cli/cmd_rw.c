/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_rw.c - cardload read | write: card memory by address, through the
 * same checked path as loads */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "cli.h"

#define RW_OPTIONS \
"  -b, --board NAME     board file NAME.board on the board path, or a path\n" \
"  -O, --option KEY=VALUE  transport option (-O help lists them)\n" \
"  -s, --slot SLOT      the card in SLOT: PCI as lspci -s, USB as BUS-PORT\n" \
"                       or BUS:DEVNUM\n" \
"  -d, --device VENDOR:DEVICE  card by ids, as lspci -d or lsusb -d\n"

static const char read_usage[] =
"usage: cardload read --board NAME [-O KEY=VALUE]... ADDR LEN [-o FILE]\n"
"\n"
"Read LEN bytes of card memory at card address ADDR (inside one of the\n"
"board's RAM windows). Written raw to FILE (-o) or to standard output\n"
"when that is a file or a pipe; a hex dump when it is a terminal. Reading\n"
"does not hold or stop the card.\n"
"\n"
RW_OPTIONS
"  -o, --output FILE    write the bytes to FILE\n"
"      --json           one JSON object on stdout: addr, length, crc32,\n"
"                       and hex (the bytes, up to 64 KiB) unless -o\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

static const char write_usage[] =
"usage: cardload write --board NAME [-O KEY=VALUE]... ADDR FILE [options]\n"
"\n"
"Write FILE's bytes into card memory at card address ADDR, through the\n"
"same checked path as a load: the range must lie inside one RAM window and\n"
"outside the board's reserved ranges (mailbox, console, ROM data) unless\n"
"--force; the card is held first unless --no-hold; what was written is\n"
"read back and compared (exit 9 at the first difference).\n"
"\n"
RW_OPTIONS
"      --force          allow a write over a reserved range\n"
"      --no-hold        do not hold the card first (it may be running)\n"
"  -n, --dry-run        check the range against the board; open no card\n"
"      --json           one JSON object on stdout\n"
"  -v, --verbose        say more on stderr\n"
"  -h, --help           this text\n";

#define JSON_HEX_MAX (64 * 1024)
#define CHUNK (1u << 20)

static void hexdump(FILE *f, uint64_t addr, const uint8_t *p, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += 16) {
		fprintf(f, "%016" PRIx64 " ", addr + i);
		for (k = 0; k < 16; k++) {
			if (i + k < n)
				fprintf(f, " %02x", p[i + k]);
			else
				fputs("   ", f);
			if (k == 7)
				fputc(' ', f);
		}
		fputs("  |", f);
		for (k = 0; k < 16 && i + k < n; k++)
			fputc(p[i + k] >= 0x20 && p[i + k] < 0x7f ? p[i + k] :
			      '.', f);
		fputs("|\n", f);
	}
}

static int addr_len(struct cli *c, uint64_t *addr, uint64_t *len)
{
	if (cli_parse_addr(c, "ADDR", c->arg[0], addr))
		return CL_EXIT_USAGE;
	if (len && cli_parse_addr(c, "LEN", c->arg[1], len))
		return CL_EXIT_USAGE;
	if (len && !*len)
		return cli_usage_error(c, "LEN must be more than 0");
	if (len && c->json && !c->output && *len > JSON_HEX_MAX)
		return cli_usage_error(c, "--json prints at most %d bytes; "
				       "give -o FILE", JSON_HEX_MAX);
	return 0;
}

static int cmd_read(struct cli *c)
{
	uint64_t addr, len, done = 0;
	struct cl_tp *tp = NULL;
	FILE *out = c->out;
	uint8_t *buf = NULL;
	char *hex = NULL;
	uint32_t crc = 0;
	bool dump;
	int rc = addr_len(c, &addr, &len);

	if (rc)
		return rc;
	dump = !c->output && !c->json && isatty(STDOUT_FILENO);
	rc = cli_open_card(c, &tp);
	if (rc)
		return rc;
	buf = malloc(CHUNK);
	if (c->json && !c->output)
		hex = calloc(1, 2 * len + 1);
	if (!buf || (c->json && !c->output && !hex)) {
		rc = cli_usage_error(c, "out of memory");
		goto out;
	}
	if (c->output && !(out = fopen(c->output, "wb"))) {
		rc = cli_usage_error(c, "cannot create '%s': %s", c->output,
				     strerror(errno));
		out = NULL;
		goto out;
	}
	while (done < len) {
		size_t n = len - done > CHUNK ? CHUNK : (size_t)(len - done);
		size_t i;

		if (addr + done < addr) {
			rc = cli_usage_error(c, "ADDR + LEN wraps");
			goto out;
		}
		rc = cl_card_read(c->ctx, &c->board, tp, addr + done, buf, n);
		if (rc) {
			rc = cli_fail(c, rc);
			goto out;
		}
		crc = (uint32_t)crc32(crc, buf, (uInt)n);
		if (hex)
			for (i = 0; i < n; i++)
				sprintf(hex + 2 * (done + i), "%02x", buf[i]);
		else if (dump)
			hexdump(out, addr + done, buf, n);
		else if (fwrite(buf, 1, n, out) != n) {
			rc = cli_usage_error(c, "cannot write '%s': %s",
					     c->output ? c->output : "stdout",
					     strerror(errno));
			goto out;
		}
		done += n;
	}
	if (c->json) {
		json_hex(&c->j, "addr", addr);
		json_u64(&c->j, "length", len);
		json_hex(&c->j, "crc32", crc);
		if (hex)
			json_str(&c->j, "hex", hex);
		else
			json_str(&c->j, "output", c->output);
	}
out:
	if (out && out != c->out && fclose(out) && !rc)
		rc = cli_usage_error(c, "cannot write '%s': %s", c->output,
				     strerror(errno));
	free(buf);
	free(hex);
	cl_close(tp);
	return rc;
}

static int cmd_write(struct cli *c)
{
	unsigned flags = (c->force ? CL_WRITE_FORCE : 0) |
			 (c->no_hold ? CL_WRITE_NO_HOLD : 0);
	struct cl_tp *tp = NULL;
	uint8_t *buf = NULL;
	uint64_t addr;
	size_t len = 0;
	int rc = addr_len(c, &addr, NULL);

	if (!rc)
		rc = cli_load_board(c);
	if (rc)
		return rc;
	/* a file the command line names: a usage error, as for -o FILE */
	if (cl_read_file(c->ctx, c->arg[1], cl_board_ram_total(&c->board),
			 &buf, &len))
		return cli_usage_error(c, "%s",
				       cl_errmsg(c->ctx));
	/* checked against the board before the card is opened: a dry run
	 * stops there, a real write checks again under the card's lock */
	rc = cl_card_write_check(c->ctx, &c->board, addr, len, flags);
	if (!rc && !c->dry_run)
		rc = cl_open(c->ctx, &c->board, c->param, c->nparam, &tp);
	if (!rc && !c->dry_run)
		rc = cl_card_write(c->ctx, &c->board, tp, addr, buf, len,
				   flags);
	cl_close(tp);
	free(buf);
	if (rc)
		return cli_fail(c, rc);
	if (c->json) {
		json_bool(&c->j, "dry_run", c->dry_run);
		json_hex(&c->j, "addr", addr);
		json_u64(&c->j, "length", len);
		json_bool(&c->j, "verified", !c->dry_run);
	} else if (c->dry_run) {
		fprintf(c->out, "dry run: %zu bytes at 0x%" PRIx64 " fit the board; "
		       "nothing opened or written\n", len, addr);
	} else {
		fprintf(c->out, "wrote     %zu bytes at 0x%" PRIx64 ", read back and "
		       "compared\n", len, addr);
	}
	return 0;
}

const struct cli_cmd cli_cmd_read = {
	.name = "read", .fn = cmd_read,
	.what = "read card memory (hex dump, or raw to a file or pipe)",
	.usage = read_usage, .min_args = 2, .max_args = 2,
	.opts = CLI_OPTS_COMMON | CLI_OPTS_CARD | CLI_OPT(CO_OUTPUT),
};

const struct cli_cmd cli_cmd_write = {
	.name = "write", .fn = cmd_write,
	.what = "write a file into card memory, checked and read back",
	.usage = write_usage, .min_args = 2, .max_args = 2,
	.opts = CLI_OPTS_COMMON | CLI_OPTS_CARD | CLI_OPT(CO_FORCE) |
		CLI_OPT(CO_NO_HOLD) | CLI_OPT(CO_DRY_RUN),
};
