/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_load.c - cardload boot | load | verify: plan a boot, then write it
 * (and release the card) or compare the card with it */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define BOOT_OPTIONS \
"  -b, --board NAME     board file NAME.board on the board path, or a path\n" \
"  -O, --option KEY=VALUE  transport option (-O help lists them)\n" \
"  -s, --slot SLOT      the card in SLOT: PCI as lspci -s\n" \
"                       ([[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]), USB as\n" \
"                       BUS-PORT[.PORT...] or BUS:DEVNUM\n" \
"  -d, --device [VENDOR]:[DEVICE]  card by ids, as lspci -d or lsusb -d\n" \
"      --base ADDR      place an ET_DYN image at ADDR (default: lowest fit)\n"\
"      --addr ADDR      load IMAGE as a raw binary at ADDR\n" \
"      --use-vaddr      place an ET_EXEC image at p_vaddr, not p_paddr\n" \
"      --entry ADDR     start at ADDR (or @imageN) instead of image 0's entry\n"\
"      --arg N=VALUE    argument register N (0..3): a number, or @dtb,\n" \
"                       @initrd, @params, @cmdline, @imageN, @NAME (a blob),\n"\
"                       @platform-dtb, @hartid\n" \
"      --cmdline TEXT   command line: parameter block and /chosen bootargs\n" \
"      --initrd FILE    initrd, placed by the board's rules (not unpacked)\n" \
"      --dtb FILE       device tree to patch (/chosen) and place\n" \
"      --dtb-from-card  patch the platform device tree the card announced\n" \
"      --set SYM=VALUE  write VALUE (or str:TEXT) into the payload's SYM\n" \
"      --image FILE[@ADDR]  another image in the same boot (repeatable)\n" \
"      --blob NAME=FILE[@ADDR]  opaque data in the same boot (repeatable)\n" \
"      --recipe FILE    read options from FILE (\"option value\" lines)\n" \
"      --max-size SIZE  cap on the decompressed image (default: board RAM)\n" \
"      --max-ratio N    cap on decompressed/compressed size (default 1024)\n" \
"      --low-memory     stream the image: decompress it once per pass, never\n"\
"                       hold it whole (memory stays under 32 MiB)\n" \
"      --no-low-memory  hold it whole even above the memory budget\n" \
"      --mem-budget SIZE  stream images that would take more than SIZE\n" \
"                       (default: half of the available memory)\n"

#define OUTPUT_OPTIONS \
"      --json           one JSON object on stdout (keys: see README)\n" \
"      --progress       progress bar on stderr even when not a terminal\n" \
"      --no-progress    never show the progress bar\n" \
"  -v, --verbose        say more on stderr (-v: the board file used)\n" \
"  -h, --help           this text\n"


static const char boot_usage[] =
"usage: cardload boot --board NAME [-O KEY=VALUE]... IMAGE [options]\n"
"\n"
"Decompress, place, relocate and write IMAGE into the card's RAM, verify it\n"
"by reading it back, then release the card CPU at the entry. The card must\n"
"be ready: its ROM has announced READY in the mailbox, or the board holds\n"
"the CPU in a way cardload can end (-O mem.qmp=SOCK).\n"
"\n"
BOOT_OPTIONS
"  -n, --dry-run        print the plan; open, read and write no card\n"
"      --no-start       load and verify, do not release (as 'load')\n"
"      --wait[=SECS], --wait SECS  after release, wait for the payload's\n"
"                       status word (default 30 s): exit 0 on DONE, 13 on\n"
"                       FAIL, 10 on timeout\n"
OUTPUT_OPTIONS
"\n" CLI_EXIT_CODES;

static const char load_usage[] =
"usage: cardload load --board NAME [-O KEY=VALUE]... IMAGE [options]\n"
"\n"
"As 'cardload boot', but leave the card held with the entry and arguments\n"
"staged; 'cardload start' releases it later.\n"
"\n"
BOOT_OPTIONS
"  -n, --dry-run        print the plan; open, read and write no card\n"
OUTPUT_OPTIONS
"\n" CLI_EXIT_CODES;

static const char verify_usage[] =
"usage: cardload verify --board NAME [-O KEY=VALUE]... IMAGE [options]\n"
"\n"
"Compare what the card holds with what 'cardload load' of IMAGE with the\n"
"same options would write (segments, bss, parameter block, command line,\n"
"data, staged entry), without writing or holding anything. Exit 0 when the\n"
"card holds exactly that, 9 at the first difference (address and what it\n"
"belongs to).\n"
"\n"
BOOT_OPTIONS
"      --json           one JSON object on stdout (keys: see README)\n"
"  -v, --verbose        say more on stderr (-v: the board file used)\n"
"  -h, --help           this text\n"
"\n" CLI_EXIT_CODES;

#define BOOT_TABLE (CLI_OPTS_COMMON | CLI_OPTS_CARD | CLI_OPTS_IMAGE | \
		    CLI_OPTS_BOOT)

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
			"\n", i, cli_safe(bt->img[i]->path), bt->plan[i]->base,
			bt->plan[i]->entry);
	for (i = 0; i < bt->ndata; i++)
		fprintf(f, "data      %s [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
			cli_safe(bt->data[i].name), bt->data[i].addr,
			bt->data[i].addr + bt->data[i].size);
	if (bt->nimg > 1 || bt->ndata || bt->entry != bt->plan[0]->entry)
		fprintf(f, "start     0x%" PRIx64 "\n", bt->entry);
	for (i = 0; i < 4; i++)
		if (bt->argmask >> i & 1)
			fprintf(f, "a%u        0x%" PRIx64 "\n", i, bt->arg[i]);
}

/* --wait: poll the mailbox's status word after release. */
int cli_wait(struct cli *c, struct cl_tp *tp)
{
	uint32_t status = 0;
	double t0 = cl_now_ms();
	int rc = cl_wait(c->ctx, &c->board, tp, c->wait_ms, &status);

	if (c->json) {
		json_obj(&c->j, "wait");
		json_hex(&c->j, "status", status);
		json_str(&c->j, "outcome", rc == 0 ? "done" : rc == CL_E_CARD ?
			 "failed" : rc == CL_E_TIMEOUT ? "timeout" : "error");
		json_u64(&c->j, "ms", (uint64_t)(cl_now_ms() - t0));
		json_end_obj(&c->j);
	} else if (!rc) {
		fprintf(c->out, "status    0x%08x (payload done) after %.0f ms\n", status,
		       cl_now_ms() - t0);
	}
	return rc;
}

/* Plan the boot the options describe; tp may be NULL (a dry run). */
static int plan(struct cli *c, struct cl_tp *tp, struct cl_boot **bt)
{
	int rc;

	c->spec.board = &c->board;
	c->spec.iopts = c->iopts;
	c->spec.popts = c->popts;
	rc = cl_boot_plan(c->ctx, &c->spec, tp, bt);
	if (rc)
		return rc;
	if (c->json) {
		json_image(&c->j, (*bt)->img[0]);
		json_plan(&c->j, (*bt)->plan[0]);
		json_boot(&c->j, *bt);
	} else if (c->dry_run || c->verbose) {
		report_image((*bt)->img[0], c->out);
		report_plan((*bt)->plan[0], c->out);
		report_boot(*bt, c->out);
	}
	return 0;
}

static int run_boot(struct cli *c)
{
	struct cl_load_result res[CL_BOOT_MAX_IMAGES];
	struct cl_boot *bt = NULL;
	struct cl_tp *tp = NULL;
	unsigned i;
	int rc;

	memset(res, 0, sizeof(res));
	rc = cli_load_board(c);
	if (rc)
		return rc;
	if (c->dry_run && c->spec.dtb_from_card)
		return cli_usage_error(c, "--dry-run touches no card, and "
				       "--dtb-from-card reads one: give one");
	if (c->dry_run && c->json)
		json_bool(&c->j, "dry_run", true);
	if (!c->dry_run)
		rc = cl_open(c->ctx, &c->board, c->param, c->nparam, &tp);
	c->spec.warm = true; /* a load follows the plan (unlike verify's) */
	if (!rc)
		rc = plan(c, tp, &bt);
	if (!rc && c->dry_run) {
		if (!c->json)
			fprintf(c->out, "dry run: nothing written\n");
		goto out;
	}
	if (!rc && bt->plan[0]->load_bytes + bt->plan[0]->zero_bytes >
		   (1u << 20))
		cli_progress_start(c);
	if (!rc)
		rc = cl_boot_load(c->ctx, bt, tp, &c->lopts, res);
	cli_progress_end(c, !rc);
	if (!rc) {
		if (c->json)
			json_result(&c->j, bt->plan[0], &res[0]);
		else
			report_result(bt->plan[0], &res[0], c->out);
	}
	if (!rc && c->wait && res[0].released)
		rc = cli_wait(c, tp);
out:
	if (rc)
		rc = cli_fail(c, rc);
	cl_close(tp);
	for (i = 0; i < CL_BOOT_MAX_IMAGES; i++)
		cl_load_result_free(&res[i]);
	cl_boot_free(bt);
	return rc;
}

static int cmd_boot(struct cli *c)
{
	if (c->wait && c->lopts.no_start)
		return cli_usage_error(c, "--wait waits for a released card; "
				       "--no-start releases none");
	return run_boot(c);
}

static int cmd_load(struct cli *c)
{
	c->lopts.no_start = true;
	return run_boot(c);
}

static int cmd_verify(struct cli *c)
{
	struct cl_verify_result vr;
	struct cl_boot *bt = NULL;
	struct cl_tp *tp = NULL;
	int rc = cli_open_card(c, &tp);

	if (rc)
		return rc;
	memset(&vr, 0, sizeof(vr));
	rc = plan(c, tp, &bt);
	if (!rc)
		rc = cl_boot_verify(c->ctx, bt, tp, &vr);
	if (!rc || rc == CL_E_VERIFY) {
		if (c->json) {
			json_bool(&c->j, "same", !rc);
			json_u64(&c->j, "compared", vr.bytes_compared);
			if (rc) {
				json_obj(&c->j, "first_difference");
				json_hex(&c->j, "addr", vr.first_diff_addr);
				json_str(&c->j, "what", vr.what);
				json_hex(&c->j, "expected", vr.expected);
				json_hex(&c->j, "found", vr.found);
				json_end_obj(&c->j);
			} else {
				json_null(&c->j, "first_difference");
			}
		} else if (!rc) {
			fprintf(c->out, "same      the card holds what this load would "
			       "write (%" PRIu64 " bytes compared)\n",
			       vr.bytes_compared);
		}
	}
	if (rc)
		rc = cli_fail(c, rc);
	cl_close(tp);
	cl_boot_free(bt);
	return rc;
}

const struct cli_cmd cli_cmd_boot = {
	.name = "boot", .fn = cmd_boot,
	.what = "load an image, verify it, release the card",
	.usage = boot_usage, .max_args = 1,
	.opts = BOOT_TABLE | CLI_OPT(CO_DRY_RUN) | CLI_OPT(CO_NO_START) |
		CLI_OPT(CO_WAIT) | CLI_OPT(CO_PROGRESS) |
		CLI_OPT(CO_NO_PROGRESS),
};

const struct cli_cmd cli_cmd_load = {
	.name = "load", .fn = cmd_load,
	.what = "load and verify, leave the card held",
	.usage = load_usage, .max_args = 1,
	.opts = BOOT_TABLE | CLI_OPT(CO_DRY_RUN) | CLI_OPT(CO_PROGRESS) |
		CLI_OPT(CO_NO_PROGRESS),
};

const struct cli_cmd cli_cmd_verify = {
	.name = "verify", .fn = cmd_verify,
	.what = "compare the card with what a load would write",
	.usage = verify_usage, .max_args = 1,
	.opts = BOOT_TABLE,
};
