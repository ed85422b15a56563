/* cmd_load.c - cardload boot | load | start | status */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>
#include "cardboot.h"
#include "cli.h"

static const char boot_usage[] =
"usage: cardload boot|load --board NAME [-O KEY=VALUE]... IMAGE [options]\n"
"\n"
"Decompress, place, relocate and write IMAGE into the card's RAM, verify it\n"
"by reading it back, then release the card CPU at the entry (boot) or leave\n"
"it held with the entry staged (load, or boot --no-start).\n"
"\n"
"  -b, --board NAME     board file boards/NAME.board, or a path\n"
"  -O KEY=VALUE         transport option (-O help lists them)\n"
"  -s [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]  PCI card by slot, as lspci -s\n"
"  -d [VENDOR]:[DEVICE] PCI card by ids, as lspci -d\n"
"      --base ADDR      place an ET_DYN image at ADDR (default: lowest fit)\n"
"      --addr ADDR      load IMAGE as a raw binary at ADDR\n"
"      --use-vaddr      place an ET_EXEC image at p_vaddr, not p_paddr\n"
"      --entry ADDR     start at ADDR (or @imageN) instead of image 0's entry\n"
"      --arg N=VALUE    argument register N (0..3): a number, or @dtb,\n"
"                       @initrd, @params, @cmdline, @imageN, @NAME (a blob),\n"
"                       @platform-dtb, @hartid\n"
"      --cmdline TEXT   command line: parameter block and /chosen bootargs\n"
"      --initrd FILE    initrd, placed by the board's rules (not unpacked)\n"
"      --dtb FILE       device tree to patch (/chosen) and place\n"
"      --dtb-from-card  patch the platform device tree the card announced\n"
"      --set SYM=VALUE  write VALUE (or str:TEXT) into the payload's SYM\n"
"      --image FILE[@ADDR]  another image in the same boot (repeatable)\n"
"      --blob NAME=FILE[@ADDR]  opaque data in the same boot (repeatable)\n"
"      --recipe FILE    read options from FILE (\"option value\" lines)\n"
"      --max-size SIZE  cap on the decompressed image (default: board RAM)\n"
"      --max-ratio N    cap on decompressed/compressed size (default 1024)\n"
"      --low-memory     stream the image: decompress it once per pass, never\n"
"                       hold it whole (memory stays under 32 MiB)\n"
"      --no-low-memory  hold it whole even above the memory budget\n"
"      --mem-budget SIZE  stream images that would take more than SIZE\n"
"                       (default: half of the available memory)\n"
"  -n, --dry-run        print the plan, write nothing\n"
"      --no-start       load and verify, do not release\n"
"      --wait[=SECS]    after release, wait for the payload's status word\n"
"                       (default 30 s): exit 0 on DONE, 13 on FAIL, 10 on\n"
"                       timeout\n"
"      --json           print image, plan and result as JSON on stdout\n"
"      --progress       progress bar on stderr even when not a terminal\n"
"      --no-progress    never show the progress bar\n"
"  -v, --verbose        say more on stderr\n"
"\n"
"Exit codes: 0 ok, 1 internal, 2 usage, 3 board file, 4 bad image,\n"
"5 placement conflict, 6 no device, 7 busy, 8 transport I/O,\n"
"9 verify mismatch, 10 timeout, 11 interrupted, 12 wrong card state,\n"
"13 payload reported failure, 14 more than one card matches.\n";

static const char start_usage[] =
"usage: cardload start --board NAME [-O KEY=VALUE]...\n"
"\n"
"Release a card whose image was loaded earlier with 'cardload load' (or\n"
"'boot --no-start'): writes GO to the mailbox. Exit 12 if nothing is staged.\n";

static const char console_usage[] =
"usage: cardload console --board NAME [-O KEY=VALUE]...\n"
"\n"
"Print what the payload wrote to the console ring in card RAM (the board's\n"
"`console` range), oldest byte first.\n";

static const char status_usage[] =
"usage: cardload status --board NAME [-O KEY=VALUE]... [--json]\n"
"\n"
"Show the card's mailbox: what the ROM posted (READY, hart id, platform\n"
"DTB), what the host staged (entry, arguments, GO) and the payload status.\n";

static double cl_now_ms_cli(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void json_error(struct cli *c, struct json *j, int err)
{
	json_obj(j, "error");
	json_str(j, "name", cl_errname(err));
	json_u64(j, "exit", (uint64_t)cl_exit_code(err));
	json_str(j, "message", cl_errmsg(c->ctx));
	json_end_obj(j);
}

/* --wait: poll the mailbox's status word after release. */
static int wait_status(struct cli *c, struct cl_tp *tp, struct json *j)
{
	uint32_t status = 0;
	double t0 = cl_now_ms_cli();
	int rc = cl_wait(c->ctx, &c->board, tp, c->wait_ms, &status);

	if (c->json) {
		json_obj(j, "wait");
		json_hex(j, "status", status);
		json_str(j, "outcome", rc == 0 ? "done" : rc == CL_E_CARD ?
			 "failed" : rc == CL_E_TIMEOUT ? "timeout" : "error");
		json_u64(j, "ms", (uint64_t)(cl_now_ms_cli() - t0));
		json_end_obj(j);
	} else if (!rc) {
		printf("status    0x%08x (payload done) after %.0f ms\n", status,
		       cl_now_ms_cli() - t0);
	}
	return rc;
}

/* The boot beyond image 0: images, data, entry and arguments. */
static void json_boot(struct json *j, const struct cl_boot *bt)
{
	unsigned i;

	json_obj(j, "boot");
	json_hex(j, "entry", bt->entry);
	json_args(j, "args", bt->argmask, bt->arg);
	json_arr(j, "images");
	for (i = 0; i < bt->nimg; i++) {
		const struct cl_plan *p = bt->plan[i];

		json_obj(j, NULL);
		json_str(j, "path", bt->img[i]->path);
		json_hex(j, "base", p->base);
		json_hex(j, "entry", p->entry);
		json_hex(j, "span", p->span);
		if (p->has_params)
			json_hex(j, "params", p->params_addr);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_arr(j, "data");
	for (i = 0; i < bt->ndata; i++) {
		json_obj(j, NULL);
		json_str(j, "name", bt->data[i].name);
		json_hex(j, "addr", bt->data[i].addr);
		json_u64(j, "size", bt->data[i].size);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
}

static void report_boot(const struct cl_boot *bt, FILE *f)
{
	unsigned i;

	for (i = 1; i < bt->nimg; i++)
		fprintf(f, "image %u   %s at 0x%" PRIx64 ", entry 0x%" PRIx64
			"\n", i, bt->img[i]->path, bt->plan[i]->base,
			bt->plan[i]->entry);
	for (i = 0; i < bt->ndata; i++)
		fprintf(f, "data      %s [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
			bt->data[i].name, bt->data[i].addr,
			bt->data[i].addr + bt->data[i].size);
	if (bt->nimg > 1 || bt->ndata || bt->entry != bt->plan[0]->entry)
		fprintf(f, "start     0x%" PRIx64 "\n", bt->entry);
	for (i = 0; i < 4; i++)
		if (bt->argmask >> i & 1)
			fprintf(f, "a%u        0x%" PRIx64 "\n", i, bt->arg[i]);
}

static int run_boot(struct cli *c, int argc, char **argv, bool load_only)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES];
	struct cl_boot *bt = NULL;
	struct cl_tp *tp = NULL;
	struct json j;
	unsigned i;
	int rc, exit_code = 0;

	memset(res, 0, sizeof(res));
	rc = cli_parse(c, argc, argv, boot_usage, 1);
	if (!rc)
		rc = cli_load_board(c);
	if (rc)
		return rc;
	if (load_only)
		c->lopts.no_start = true;
	c->spec.board = &c->board;
	c->spec.iopts = c->iopts;
	c->spec.popts = c->popts;
	json_init(&j, stdout);
	if (c->json)
		json_obj(&j, NULL);
	/* the card is opened first unless this is a dry run that needs
	 * nothing from it; planning only reads it */
	if (!c->dry_run || c->spec.dtb_from_card)
		rc = cl_open(c->ctx, &c->board, c->param, c->nparam, &tp);
	if (!rc)
		rc = cl_boot_plan(c->ctx, &c->spec, tp, &bt);
	if (!rc) {
		if (c->json) {
			json_image(&j, bt->img[0]);
			json_plan(&j, bt->plan[0]);
			json_boot(&j, bt);
		} else if (c->dry_run || c->verbose) {
			report_image(bt->img[0], stdout);
			report_plan(bt->plan[0], stdout);
			report_boot(bt, stdout);
		}
	}
	if (!rc && c->dry_run) {
		if (!c->json)
			printf("dry run: nothing written\n");
		goto out;
	}
	if (!rc && !c->no_progress &&
	    (c->progress || isatty(STDERR_FILENO)) &&
	    bt->plan[0]->load_bytes + bt->plan[0]->zero_bytes > (1u << 20))
		cl_set_progress(c->ctx, cli_on_progress, c);
	if (!rc)
		rc = cl_boot_load(c->ctx, bt, tp, &c->lopts, res);
	if (!rc) {
		if (c->json)
			json_result(&j, bt->plan[0], &res[0]);
		else
			report_result(bt->plan[0], &res[0], stdout);
	}
	if (!rc && c->wait && res[0].released)
		rc = wait_status(c, tp, &j);
out:
	if (rc) {
		exit_code = cli_fail(c, rc);
		if (c->json)
			json_error(c, &j, rc);
	}
	if (c->json) {
		json_end_obj(&j);
		json_done(&j);
	}
	cl_close(tp);
	for (i = 0; i < CL_BOOT_MAX_IMAGES; i++)
		cl_load_result_free(&res[i]);
	cl_boot_free(bt);
	return exit_code;
}

int cmd_boot(struct cli *c, int argc, char **argv)
{
	return run_boot(c, argc, argv, false);
}

int cmd_load(struct cli *c, int argc, char **argv)
{
	return run_boot(c, argc, argv, true);
}

static int open_card(struct cli *c, int argc, char **argv, const char *usage,
		     struct cl_tp **tp)
{
	int rc = cli_parse(c, argc, argv, usage, 0);

	if (!rc)
		rc = cli_load_board(c);
	if (rc)
		return rc;
	rc = cl_open(c->ctx, &c->board, c->param, c->nparam, tp);
	return rc ? cli_fail(c, rc) : 0;
}

int cmd_start(struct cli *c, int argc, char **argv)
{
	struct cl_tp *tp = NULL;
	int rc = open_card(c, argc, argv, start_usage, &tp);

	if (rc)
		return rc;
	rc = cl_start(c->ctx, &c->board, tp);
	cl_close(tp);
	if (rc)
		return cli_fail(c, rc);
	if (!c->json)
		printf("released  board %s\n", c->board.name);
	return 0;
}

static const char *word_name(uint32_t v, uint32_t named, const char *name)
{
	return v == named ? name : v ? "other" : "unset";
}

int cmd_status(struct cli *c, int argc, char **argv)
{
	struct cl_card_status st;
	struct cl_tp *tp = NULL;
	struct json j;
	unsigned i;
	int rc = open_card(c, argc, argv, status_usage, &tp);

	if (rc)
		return rc;
	rc = cl_status(c->ctx, &c->board, tp, &st);
	cl_close(tp);
	if (rc)
		return cli_fail(c, rc);
	if (!st.mailbox) {
		printf("board %s has no mailbox\n", c->board.name);
		return 0;
	}
	if (!c->json) {
		printf("mailbox   0x%" PRIx64 " (magic %s)\n", c->board.mailbox,
		       word_name(st.magic, CARDBOOT_MB_MAGIC, "ok"));
		printf("rom       %s, hart %" PRIu64 ", platform dtb 0x%" PRIx64
		       "\n", word_name(st.ready, CARDBOOT_READY, "READY"),
		       st.hartid, st.platform_dtb);
		printf("host      %s, %s, entry 0x%" PRIx64 "\n",
		       word_name(st.staged, CARDBOOT_STAGED, "STAGED"),
		       word_name(st.go, CARDBOOT_GO, "GO"), st.entry);
		for (i = 0; i < CARDBOOT_NARGS; i++)
			if (st.argmask >> i & 1)
				printf("arg%u      0x%" PRIx64 "\n", i,
				       st.arg[i]);
		printf("status    0x%08x\n", st.status);
		return 0;
	}
	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_hex(&j, "mailbox", c->board.mailbox);
	json_bool(&j, "magic_ok", st.magic == CARDBOOT_MB_MAGIC);
	json_bool(&j, "ready", st.ready == CARDBOOT_READY);
	json_bool(&j, "staged", st.staged == CARDBOOT_STAGED);
	json_bool(&j, "go", st.go == CARDBOOT_GO);
	json_u64(&j, "hartid", st.hartid);
	json_hex(&j, "platform_dtb", st.platform_dtb);
	json_hex(&j, "entry", st.entry);
	json_args(&j, "args", st.argmask, st.arg);
	json_hex(&j, "status", st.status);
	json_end_obj(&j);
	json_done(&j);
	return 0;
}

int cmd_console(struct cli *c, int argc, char **argv)
{
	struct cl_tp *tp = NULL;
	uint64_t lost;
	size_t len;
	char *text;
	int rc = open_card(c, argc, argv, console_usage, &tp);

	if (rc)
		return rc;
	rc = cl_console_read(c->ctx, &c->board, tp, &text, &len, &lost);
	cl_close(tp);
	if (rc)
		return cli_fail(c, rc);
	if (lost)
		fprintf(stderr, "cardload console: %llu older bytes were "
			"overwritten\n", (unsigned long long)lost);
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}
