/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts.c - option parsing against each command's own option table, board
 * lookup, and turning library errors into messages and exit codes */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

/* Every option of every command; which command takes which is in the
 * commands' own tables (struct cli_cmd.opts). */
static const struct {
	const char *name;
	int has_arg;
	char short_name;
} opt_def[CO__COUNT] = {
	[CO_BOARD] = { "board", required_argument, 'b' },
	[CO_SLOT] = { "slot", required_argument, 's' },
	[CO_DEVICE] = { "device", required_argument, 'd' },
	[CO_OPTION] = { "option", required_argument, 'O' },
	[CO_BASE] = { "base", required_argument, 0 },
	[CO_ADDR] = { "addr", required_argument, 0 },
	[CO_ENTRY] = { "entry", required_argument, 0 },
	[CO_ARG] = { "arg", required_argument, 0 },
	[CO_USE_VADDR] = { "use-vaddr", no_argument, 0 },
	[CO_MAX_SIZE] = { "max-size", required_argument, 0 },
	[CO_MAX_RATIO] = { "max-ratio", required_argument, 0 },
	[CO_LOW_MEMORY] = { "low-memory", no_argument, 0 },
	[CO_NO_LOW_MEMORY] = { "no-low-memory", no_argument, 0 },
	[CO_MEM_BUDGET] = { "mem-budget", required_argument, 0 },
	[CO_CMDLINE] = { "cmdline", required_argument, 0 },
	[CO_IMAGE] = { "image", required_argument, 0 },
	[CO_BLOB] = { "blob", required_argument, 0 },
	[CO_INITRD] = { "initrd", required_argument, 0 },
	[CO_DTB] = { "dtb", required_argument, 0 },
	[CO_DTB_FROM_CARD] = { "dtb-from-card", no_argument, 0 },
	[CO_SET] = { "set", required_argument, 0 },
	[CO_RECIPE] = { "recipe", required_argument, 0 },
	[CO_DRY_RUN] = { "dry-run", no_argument, 'n' },
	[CO_NO_START] = { "no-start", no_argument, 0 },
	[CO_WAIT] = { "wait", optional_argument, 0 },
	[CO_JSON] = { "json", no_argument, 0 },
	[CO_PROGRESS] = { "progress", no_argument, 0 },
	[CO_NO_PROGRESS] = { "no-progress", no_argument, 0 },
	[CO_VERBOSE] = { "verbose", no_argument, 'v' },
	[CO_HELP] = { "help", no_argument, 'h' },
	[CO_OUTPUT] = { "output", required_argument, 'o' },
	[CO_FORCE] = { "force", no_argument, 0 },
	[CO_NO_HOLD] = { "no-hold", no_argument, 0 },
	[CO_FOLLOW] = { "follow", no_argument, 'f' },
};

#define OPT_VAL 1000 /* getopt value of a long option: OPT_VAL + id */

/* Record the error for --json and return its exit code. */
static int record(struct cli *c, const char *name, int exit_code,
		  const char *msg)
{
	if (!c->exit_code) {
		snprintf(c->err_name, sizeof(c->err_name), "%s", name);
		snprintf(c->err_msg, sizeof(c->err_msg), "%s", msg);
		c->exit_code = exit_code;
	}
	return exit_code;
}

int cli_fail(struct cli *c, int err)
{
	const char *msg = cl_errmsg(c->ctx);

	fprintf(c->err, "cardload %s: error: %s\n", c->name, cli_safe(msg));
	return record(c, cl_errname(err), cl_exit_code(err), msg);
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(c->err, "cardload %s: %s (see 'cardload %s --help')\n",
		c->name, cli_safe(msg), c->name);
	return record(c, "CL_E_USAGE", CL_EXIT_USAGE, msg);
}

static int number(struct cli *c, const char *opt, const char *s,
		  uint64_t *out)
{
	if (cl_parse_num(s, out))
		return cli_usage_error(c, "%s '%s' is not a number", opt, s);
	return 0;
}

int cli_parse_addr(struct cli *c, const char *what, const char *s,
		   uint64_t *out)
{
	return number(c, what, s, out);
}

/* --arg N=VALUE: argument register N (0..3) gets VALUE, a number or a
 * reference such as @dtb resolved when the boot is planned. */
static int parse_arg(struct cli *c, const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (end == s || *end != '=' || n > 3)
		return cli_usage_error(c, "--arg '%s': want N=VALUE with N in "
				       "0..3", s);
	if (end[1] == '@') {
		c->spec.arg_ref[n] = end + 1;
		c->popts.argmask &= ~(1u << n);
		return 0;
	}
	c->spec.arg_ref[n] = NULL;
	if (number(c, "--arg", end + 1, &c->popts.arg[n]))
		return CL_EXIT_USAGE;
	c->popts.argmask |= 1u << n;
	return 0;
}

/* FILE[@ADDR]: the last '@' followed by a number splits them. */
static void split_at(char *s, bool *has, uint64_t *addr)
{
	char *at = strrchr(s, '@');

	*has = false;
	if (at && at != s && !cl_parse_num(at + 1, addr)) {
		*at = 0;
		*has = true;
	}
}

static int add_image(struct cli *c, char *s)
{
	unsigned i = ++c->spec.nimage; /* slot 0 waits for the positional */

	if (i >= CL_BOOT_MAX_IMAGES)
		return cli_usage_error(c, "more than %d images",
				       CL_BOOT_MAX_IMAGES - 1);
	c->spec.image[i].path = s;
	split_at(s, &c->spec.image[i].has_addr, &c->spec.image[i].addr);
	return 0;
}

/* An option that may be given once. */
static int once(struct cli *c, const char *opt, const void *prev)
{
	return prev ? cli_usage_error(c, "%s given twice", opt) : 0;
}

/* Blob names: [A-Za-z0-9._-]+, unique, and not a name @references use for
 * something else. */
static int blob_name_ok(struct cli *c, const char *name, size_t len)
{
	static const char *const words[] = { "dtb", "initrd", "params",
		"cmdline", "platform-dtb", "hartid" };
	unsigned i;
	size_t k;

	for (k = 0; k < len; k++)
		if (!isalnum((unsigned char)name[k]) && !strchr("._-", name[k]))
			return 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && !strncmp(name, words[i], len))
			return 0;
	if (len > 5 && !strncmp(name, "image", 5) &&
	    strspn(name + 5, "0123456789") == len - 5)
		return 0;
	for (i = 0; i < c->spec.nblob; i++)
		if (strlen(c->spec.blob[i].name) == len &&
		    !strncmp(c->spec.blob[i].name, name, len))
			return 0;
	return 1;
}

static int add_blob(struct cli *c, char *s)
{
	char *eq = strchr(s, '=');
	unsigned i = c->spec.nblob;

	if (!eq || eq == s || (size_t)(eq - s) >= CL_NAME_MAX)
		return cli_usage_error(c, "--blob '%s': want NAME=FILE[@ADDR]",
				       s);
	if (!blob_name_ok(c, s, (size_t)(eq - s)))
		return cli_usage_error(c, "--blob '%.*s': a blob name is "
				       "letters, digits, '.', '_', '-', not "
				       "used twice and not dtb, initrd, params,"
				       " cmdline, platform-dtb, hartid or "
				       "imageN", (int)(eq - s), s);
	if (i == CL_BOOT_MAX_DATA - 2)
		return cli_usage_error(c, "too many --blob");
	*eq = 0;
	c->spec.blob[i].name = s;
	c->spec.blob[i].path = eq + 1;
	split_at(eq + 1, &c->spec.blob[i].has_addr, &c->spec.blob[i].addr);
	c->spec.nblob++;
	return 0;
}

static int set_param(struct cli *c, const char *key, const char *value)
{
	if (c->nparam == CLI_MAX_PARAMS)
		return cli_usage_error(c, "too many -O options");
	c->param[c->nparam++] = (struct cl_param){ key, value };
	return 0;
}

static int add_param(struct cli *c, char *kv)
{
	char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return cli_usage_error(c, "-O '%s': want KEY=VALUE (-O help "
				       "lists them)", kv);
	*eq = 0;
	return set_param(c, kv, eq + 1);
}

/* --wait, --wait=SECS and --wait SECS (a next argument of digits only). */
static int parse_wait(struct cli *c, const char *arg, int argc, char **argv)
{
	uint64_t v = 30;

	if (!arg && optind < argc && argv[optind][0] &&
	    strspn(argv[optind], "0123456789") == strlen(argv[optind]))
		arg = argv[optind++];
	if (arg && number(c, "--wait", arg, &v))
		return CL_EXIT_USAGE;
	if (v == 0 || v > 86400)
		return cli_usage_error(c, "--wait %s: want 1 to 86400 seconds",
				       arg);
	c->wait = true;
	c->wait_ms = (unsigned)v * 1000;
	return 0;
}

static int take(struct cli *c, enum cli_opt id, char *arg, int argc,
		char **argv)
{
	uint64_t v;
	int rc = 0;

	switch (id) {
	case CO_BOARD: rc = once(c, "--board", c->board_name);
		c->board_name = arg; break;
	case CO_SLOT: rc = set_param(c, "slot", arg); break;
	case CO_DEVICE: rc = set_param(c, "id", arg); break;
	case CO_OPTION: rc = add_param(c, arg); break;
	case CO_BASE:
		rc = number(c, "--base", arg, &c->popts.base);
		c->popts.has_base = true;
		break;
	case CO_ADDR:
		rc = number(c, "--addr", arg, &c->iopts.raw_addr);
		c->iopts.raw = true;
		break;
	case CO_ENTRY:
		if (arg[0] == '@') {
			c->spec.entry_ref = arg;
			break;
		}
		rc = number(c, "--entry", arg, &c->popts.entry);
		c->popts.has_entry = true;
		break;
	case CO_IMAGE: rc = add_image(c, arg); break;
	case CO_BLOB: rc = add_blob(c, arg); break;
	case CO_INITRD:
		rc = once(c, "--initrd", c->spec.initrd);
		c->spec.initrd = arg;
		break;
	case CO_DTB:
		rc = once(c, "--dtb", c->spec.dtb);
		c->spec.dtb = arg;
		break;
	case CO_DTB_FROM_CARD:
		rc = once(c, "--dtb-from-card",
			  c->spec.dtb_from_card ? "" : NULL);
		c->spec.dtb_from_card = true;
		break;
	case CO_SET:
		if (c->spec.nset == CL_MAX_SETS)
			rc = cli_usage_error(c, "more than %d --set",
					     CL_MAX_SETS);
		else
			c->spec.set[c->spec.nset++] = arg;
		break;
	case CO_RECIPE: break; /* expanded before parsing */
	case CO_ARG: rc = parse_arg(c, arg); break;
	case CO_USE_VADDR: c->popts.use_vaddr = true; break;
	case CO_MAX_SIZE:
		rc = number(c, "--max-size", arg, &c->iopts.max_size);
		break;
	case CO_MAX_RATIO:
		rc = number(c, "--max-ratio", arg, &v);
		if (!rc && (v == 0 || v > 1000000))
			rc = cli_usage_error(c, "--max-ratio %s out of range",
					     arg);
		c->iopts.max_ratio = (unsigned)v;
		break;
	case CO_LOW_MEMORY: c->iopts.mem_mode = CL_MEM_STREAM; break;
	case CO_NO_LOW_MEMORY: c->iopts.mem_mode = CL_MEM_WHOLE; break;
	case CO_MEM_BUDGET:
		rc = number(c, "--mem-budget", arg, &c->iopts.mem_budget);
		if (!rc && !c->iopts.mem_budget)
			rc = cli_usage_error(c, "--mem-budget must be more "
					     "than 0");
		break;
	case CO_DRY_RUN: c->dry_run = true; break;
	case CO_NO_START: c->lopts.no_start = true; break;
	case CO_JSON: c->json = true; break;
	case CO_PROGRESS: c->progress = true; break;
	case CO_NO_PROGRESS: c->no_progress = true; break;
	case CO_CMDLINE:
		rc = once(c, "--cmdline", c->popts.cmdline);
		c->popts.cmdline = arg;
		break;
	case CO_WAIT: rc = parse_wait(c, arg, argc, argv); break;
	case CO_VERBOSE: c->verbose++; break;
	case CO_OUTPUT:
		rc = once(c, "--output", c->output);
		c->output = arg;
		break;
	case CO_FORCE: c->force = true; break;
	case CO_NO_HOLD: c->no_hold = true; break;
	case CO_FOLLOW: c->follow = true; break;
	case CO_HELP: case CO__COUNT: break;
	}
	return rc;
}

/* The option argv[optind - 1] spelled as the user did, for messages. */
static const char *spelled(char **argv, int idx)
{
	static char buf[64];
	const char *s = argv[idx];
	size_t n = strcspn(s, "=");

	snprintf(buf, sizeof(buf), "%.*s", (int)(n < 60 ? n : 60), s);
	return buf;
}

/* 1 when -h/--help or -O help was given and printed (exit 0). */
static int help(struct cli *c, const char *what)
{
	char text[4096];

	if (!strcmp(what, "usage"))
		snprintf(text, sizeof(text), "%s", c->cmd->usage);
	else
		cl_tp_help(text, sizeof(text));
	if (c->json) {
		cli_json_begin(c);
		json_str(&c->j, what, text);
	} else if (!strcmp(what, "usage")) {
		fputs(text, c->out);
	} else {
		fprintf(c->out, "transport options (-O KEY=VALUE):\n%s", text);
	}
	return 1;
}

/* Parse argv (argv[0] is the command's name) against the command's own
 * table. Returns 0, an exit code, or -1 when help was printed. */
int cli_parse(struct cli *c, int argc, char **argv)
{
	struct option longopts[CO__COUNT + 1];
	char shortopts[3 * CO__COUNT + 2], *sp = shortopts;
	int opt, idx, rc = 0, n = 0, want_help = 0, i;

	/* --json anywhere (before "--") is known before any error */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json") &&
		    (c->cmd->opts & CLI_OPT(CO_JSON)))
			c->json = true;
	if (c->cmd->opts & CLI_OPT(CO_RECIPE)) {
		rc = cli_expand_recipe(c, &argc, &argv);
		if (rc)
			return rc;
	}
	*sp++ = ':'; /* a missing value is reported as ':' */
	for (i = 0; i < CO__COUNT; i++) {
		longopts[n++] = (struct option){ opt_def[i].name,
			opt_def[i].has_arg, NULL, OPT_VAL + i };
		if (opt_def[i].short_name) {
			*sp++ = opt_def[i].short_name;
			if (opt_def[i].has_arg == required_argument)
				*sp++ = ':';
		}
	}
	*sp = 0;
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 0; /* glibc: start afresh, also on a second run (cl_run) */
	opterr = 0;
	while (!rc && (opt = getopt_long(argc, argv, shortopts, longopts,
					 &idx)) != -1) {
		int id = -1, key = opt == ':' ? optopt : opt;

		if (key >= OPT_VAL)
			id = key - OPT_VAL;
		for (i = 0; id < 0 && key != '?' && i < CO__COUNT; i++)
			if (opt_def[i].short_name && opt_def[i].short_name == key)
				id = i;
		if (opt == '?' || id < 0) {
			const char *what = optopt && optopt < OPT_VAL ?
				NULL : spelled(argv, optind - 1);
			char sh[3] = { '-', (char)optopt, 0 };

			return cli_usage_error(c, "unknown option '%s'",
					       what ? what : sh);
		}
		if (!(c->cmd->opts & CLI_OPT(id))) {
			char name[48];

			if (key < OPT_VAL)
				snprintf(name, sizeof(name), "-%c", key);
			else
				snprintf(name, sizeof(name), "--%s",
					 opt_def[id].name);
			return cli_usage_error(c, "'cardload %s' does not take "
					       "%s", c->name, name);
		}
		if (opt == ':')
			return cli_usage_error(c, "option '%s' needs a value",
					       key < OPT_VAL ? (char[3]){ '-',
					       (char)key, 0 } :
					       spelled(argv, optind - 1));
		if (id == CO_HELP)
			want_help = 1;
		else if (id == CO_OPTION && !strcmp(optarg, "help"))
			want_help = 2;
		else
			rc = take(c, (enum cli_opt)id, optarg, argc, argv);
	}
	if (rc)
		return rc;
	if (want_help)
		return help(c, want_help == 1 ? "usage" :
			    "transport_options") ? -1 : 0;
	for (; optind < argc; optind++) {
		if (c->nargs == c->cmd->max_args || c->nargs == CLI_MAX_ARGS)
			return cli_usage_error(c, "unexpected argument '%s'",
					       argv[optind]);
		c->arg[c->nargs++] = argv[optind];
	}
	return 0;
}

/* The image commands: the first positional is the main image. */
static int image_args(struct cli *c)
{
	if (c->nargs)
		c->image = c->arg[0];
	if (c->image) {
		c->spec.image[0].path = c->image;
		c->spec.nimage++;
	} else if (c->spec.nimage) {
		return cli_usage_error(c, "--image adds images to a main "
				       "IMAGE; give the main image first");
	}
	if (!c->image)
		return cli_usage_error(c, "no image given");
	if (c->spec.dtb && c->spec.dtb_from_card)
		return cli_usage_error(c, "--dtb and --dtb-from-card: give one");
	if (c->popts.has_base && c->iopts.raw)
		return cli_usage_error(c, "--base is for ET_DYN images, --addr "
				       "for raw binaries; give one");
	return 0;
}

int cli_check_args(struct cli *c)
{
	if (c->cmd->opts & (CLI_OPT(CO_BASE) | CLI_OPT(CO_IMAGE)))
		return image_args(c);
	if (c->nargs < c->cmd->min_args)
		return cli_usage_error(c, "missing argument%s (see the usage "
				       "line)", c->cmd->min_args -
				       c->nargs > 1 ? "s" : "");
	return 0;
}

/* Board search path: $CARDLOAD_BOARDS, the boards/ beside the build
 * directory of this binary, then the installed data directory. Never the
 * current directory: a board names the files cardload writes, so one
 * picked up from wherever the user happens to stand could redirect them
 * ('--board ./NAME.board' stays explicit). */
const char *const *cli_board_dirs(void)
{
	static char exe[PATH_MAX], near[PATH_MAX + 16];
	static const char *dirs[4];
	unsigned n = 0;
	ssize_t len;

	if (dirs[0])
		return dirs;
	if (getenv("CARDLOAD_BOARDS") && getenv("CARDLOAD_BOARDS")[0])
		dirs[n++] = getenv("CARDLOAD_BOARDS");
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = 0;
		snprintf(near, sizeof(near), "%s/../boards", dirname(exe));
		dirs[n++] = near;
	}
	dirs[n++] = CL_DATADIR "/boards";
	dirs[n] = NULL;
	return dirs;
}

int cli_load_board(struct cli *c)
{
	int rc;

	if (!c->board_name)
		return cli_usage_error(c, "no board given (--board NAME)");
	rc = cl_board_find(c->ctx, c->board_name, cli_board_dirs(), &c->board);
	if (rc)
		return cli_fail(c, rc);
	c->have_board = true;
	if (!c->iopts.max_size)
		c->iopts.max_size = cl_board_ram_total(&c->board);
	if (c->json)
		json_board(c);
	if (c->verbose)
		report_board(c);
	return 0;
}

/* Board, then the card it names, for the commands that talk to one. */
int cli_open_card(struct cli *c, struct cl_tp **tp)
{
	int rc = cli_load_board(c);

	if (rc)
		return rc;
	rc = cl_open(c->ctx, &c->board, c->param, c->nparam, tp);
	return rc ? cli_fail(c, rc) : 0;
}

void cli_on_log(void *arg, enum cl_log_level lvl, const char *msg)
{
	struct cli *c = arg;
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };

	if (lvl <= CL_LOG_WARN || (int)lvl - (int)CL_LOG_WARN <= c->verbose)
		fprintf(c->err, "cardload %s: %s: %s\n", c->name, names[lvl],
			cli_safe(msg));
}

void cli_json_begin(struct cli *c)
{
	if (c->json_open)
		return;
	c->json_open = true;
	json_init(&c->j, c->out);
	json_obj(&c->j, NULL);
	json_u64(&c->j, "schema", CLI_JSON_SCHEMA);
	if (c->name)
		json_str(&c->j, "command", c->name);
	else
		json_null(&c->j, "command"); /* an unknown command */
}
