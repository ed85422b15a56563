/* opts.c - the options every cardload command shares, board lookup, and
 * turning library errors into messages and exit codes */
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
#include "internal.h"
#include "transport.h"

enum {
	OPT_BASE = 256, OPT_ADDR, OPT_ENTRY, OPT_ARG, OPT_USE_VADDR,
	OPT_MAX_SIZE, OPT_MAX_RATIO, OPT_NO_START, OPT_JSON, OPT_PROGRESS,
	OPT_NO_PROGRESS, OPT_CMDLINE, OPT_WAIT, OPT_IMAGE, OPT_BLOB,
	OPT_INITRD, OPT_DTB, OPT_DTB_FROM_CARD, OPT_SET, OPT_RECIPE,
	OPT_LOW_MEMORY, OPT_WHOLE, OPT_MEM_BUDGET,
};

static const struct option longopts[] = {
	{ "board", required_argument, NULL, 'b' },
	{ "slot", required_argument, NULL, 's' },
	{ "device", required_argument, NULL, 'd' },
	{ "option", required_argument, NULL, 'O' },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "arg", required_argument, NULL, OPT_ARG },
	{ "use-vaddr", no_argument, NULL, OPT_USE_VADDR },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "max-ratio", required_argument, NULL, OPT_MAX_RATIO },
	{ "low-memory", no_argument, NULL, OPT_LOW_MEMORY },
	{ "no-low-memory", no_argument, NULL, OPT_WHOLE },
	{ "mem-budget", required_argument, NULL, OPT_MEM_BUDGET },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "no-start", no_argument, NULL, OPT_NO_START },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "blob", required_argument, NULL, OPT_BLOB },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "dtb-from-card", no_argument, NULL, OPT_DTB_FROM_CARD },
	{ "set", required_argument, NULL, OPT_SET },
	{ "recipe", required_argument, NULL, OPT_RECIPE },
	{ "wait", optional_argument, NULL, OPT_WAIT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cli_fail(struct cli *c, int err)
{
	fprintf(stderr, "cardload %s: error: %s\n", c->cmd, cl_errmsg(c->ctx));
	return cl_exit_code(err);
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cardload %s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'cardload %s --help')\n", c->cmd);
	return CL_EXIT_USAGE;
}

static int number(struct cli *c, const char *opt, const char *s,
		  uint64_t *out)
{
	if (cl_parse_num(s, out))
		return cli_usage_error(c, "%s '%s' is not a number", opt, s);
	return 0;
}

/* --arg N=VALUE: argument register N (0..3) gets VALUE. */
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

/* --recipe FILE: lines "OPTION [VALUE]" (long options without dashes, '#'
 * comments); the first "image" is the main image; paths relative to the
 * recipe's directory. Expanded into argv ahead of the command line. */
static int expand_recipe(struct cli *c, int *argc, char ***argv)
{
	const char *path = NULL, *slash;
	size_t used = 0, dirlen;
	int i, n = 0, keep = 1, lineno = 0;
	char line[4096];
	FILE *f;

	for (i = 1; i < *argc; i++)
		if (!strncmp((*argv)[i], "--recipe=", 9))
			path = (*argv)[i] + 9;
		else if (!strcmp((*argv)[i], "--recipe") && i + 1 < *argc)
			path = (*argv)[i + 1];
	if (!path)
		return 0;
	f = fopen(path, "r");
	if (!f)
		return cli_usage_error(c, "cannot open recipe '%s': %s", path,
				       strerror(errno));
	slash = strrchr(path, '/');
	dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	c->recipe_argv[n++] = (*argv)[0];
	while (fgets(line, sizeof(line), f)) {
		char *k = line, *v, *e;
		bool is_path;
		int w;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fclose(f);
			return cli_usage_error(c, "recipe '%s' line %d is longer "
					       "than %zu bytes", path, lineno,
					       sizeof(line) - 2);
		}
		while (*k == ' ' || *k == '\t')
			k++;
		/* '#' starts a comment at the start or after white space */
		for (e = k; *e && *e != '\r' && *e != '\n'; e++)
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
		is_path = (!strcmp(k, "image") || !strcmp(k, "initrd") ||
			   !strcmp(k, "dtb")) && *v != '/';
		if (!strcmp(k, "blob") && strchr(v, '=') &&
		    strchr(v, '=')[1] != '/')
			is_path = true; /* NAME=FILE: insert the dir after = */
		if (n > 250) {
			fclose(f);
			return cli_usage_error(c, "recipe '%s' is too long",
					       path);
		}
		if (!strcmp(k, "image") && keep) { /* the main image */
			keep = 0;
			w = snprintf(c->recipe_store + used,
				     sizeof(c->recipe_store) - used, "%.*s%s",
				     is_path ? (int)dirlen : 0, path, v);
		} else if (!strcmp(k, "blob") && is_path) {
			char *eq = strchr(v, '=');

			w = snprintf(c->recipe_store + used,
				     sizeof(c->recipe_store) - used,
				     "--blob=%.*s%.*s%s", (int)(eq - v + 1), v,
				     (int)dirlen, path, eq + 1);
		} else {
			w = snprintf(c->recipe_store + used,
				     sizeof(c->recipe_store) - used, "--%s%s%.*s%s",
				     k, *v ? "=" : "", is_path ? (int)dirlen : 0,
				     path, v);
		}
		if (w < 0 || (size_t)w >= sizeof(c->recipe_store) - used) {
			fclose(f);
			return cli_usage_error(c, "recipe '%s' is too long",
					       path);
		}
		c->recipe_argv[n++] = c->recipe_store + used;
		used += (size_t)w + 1;
	}
	fclose(f);
	for (i = 1; i < *argc && n < 255; i++)
		c->recipe_argv[n++] = (*argv)[i];
	c->recipe_argv[n] = NULL;
	*argc = n;
	*argv = c->recipe_argv;
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

	if (!strcmp(kv, "help")) {
		char help[4096];

		cl_tp_help(help, sizeof(help));
		printf("transport options (-O KEY=VALUE):\n%s", help);
		exit(0);
	}
	if (!eq || eq == kv)
		return cli_usage_error(c, "-O '%s': want KEY=VALUE", kv);
	*eq = 0;
	return set_param(c, kv, eq + 1);
}

int cli_parse(struct cli *c, int argc, char **argv, const char *usage,
	      int want_image)
{
	uint64_t v;
	int opt, rc = 0;

	rc = expand_recipe(c, &argc, &argv);
	if (rc)
		return rc;
	optind = 1;
	while (!rc && (opt = getopt_long(argc, argv, "b:O:s:d:nvh", longopts,
					 NULL)) != -1) {
		switch (opt) {
		case 'b': c->board_name = optarg; break;
		case 's': rc = set_param(c, "pci.slot", optarg); break;
		case 'd': rc = set_param(c, "pci.id", optarg); break;
		case 'O': rc = add_param(c, optarg); break;
		case OPT_BASE:
			rc = number(c, "--base", optarg, &c->popts.base);
			c->popts.has_base = true;
			break;
		case OPT_ADDR:
			rc = number(c, "--addr", optarg, &c->iopts.raw_addr);
			c->iopts.raw = true;
			break;
		case OPT_ENTRY:
			if (optarg[0] == '@') {
				c->spec.entry_ref = optarg;
				break;
			}
			rc = number(c, "--entry", optarg, &c->popts.entry);
			c->popts.has_entry = true;
			break;
		case OPT_IMAGE: rc = add_image(c, optarg); break;
		case OPT_BLOB: rc = add_blob(c, optarg); break;
		case OPT_INITRD:
			rc = once(c, "--initrd", c->spec.initrd);
			c->spec.initrd = optarg;
			break;
		case OPT_DTB:
			rc = once(c, "--dtb", c->spec.dtb);
			c->spec.dtb = optarg;
			break;
		case OPT_DTB_FROM_CARD:
			rc = once(c, "--dtb-from-card",
				  c->spec.dtb_from_card ? "" : NULL);
			c->spec.dtb_from_card = true;
			break;
		case OPT_SET:
			if (c->spec.nset == CL_MAX_SETS)
				rc = cli_usage_error(c, "too many --set");
			else
				c->spec.set[c->spec.nset++] = optarg;
			break;
		case OPT_RECIPE: break; /* expanded above */
		case OPT_ARG: rc = parse_arg(c, optarg); break;
		case OPT_USE_VADDR: c->popts.use_vaddr = true; break;
		case OPT_MAX_SIZE:
			rc = number(c, "--max-size", optarg, &c->iopts.max_size);
			break;
		case OPT_MAX_RATIO:
			rc = number(c, "--max-ratio", optarg, &v);
			if (!rc && (v == 0 || v > 1000000))
				rc = cli_usage_error(c, "--max-ratio %s out "
						     "of range", optarg);
			c->iopts.max_ratio = (unsigned)v;
			break;
		case OPT_LOW_MEMORY: c->iopts.mem_mode = CL_MEM_STREAM; break;
		case OPT_WHOLE: c->iopts.mem_mode = CL_MEM_WHOLE; break;
		case OPT_MEM_BUDGET:
			rc = number(c, "--mem-budget", optarg,
				    &c->iopts.mem_budget);
			if (!rc && !c->iopts.mem_budget)
				rc = cli_usage_error(c, "--mem-budget must be "
						     "more than 0");
			break;
		case 'n': c->dry_run = true; break;
		case OPT_NO_START: c->lopts.no_start = true; break;
		case OPT_JSON: c->json = true; break;
		case OPT_PROGRESS: c->progress = true; break;
		case OPT_NO_PROGRESS: c->no_progress = true; break;
		case OPT_CMDLINE:
			rc = once(c, "--cmdline", c->popts.cmdline);
			c->popts.cmdline = optarg;
			break;
		case OPT_WAIT:
			c->wait = true;
			v = 30;
			if (optarg)
				rc = number(c, "--wait", optarg, &v);
			if (!rc && (v == 0 || v > 86400))
				rc = cli_usage_error(c, "--wait=%s: want 1 to "
						     "86400 seconds", optarg);
			c->wait_ms = (unsigned)v * 1000;
			break;
		case 'v': c->verbose++; break;
		case 'h':
			printf("%s", usage);
			exit(0);
		default:
			return cli_usage_error(c, "bad option");
		}
	}
	if (rc)
		return rc;
	if (want_image && optind < argc)
		c->image = argv[optind++];
	if (c->image) {
		c->spec.image[0].path = c->image;
		c->spec.nimage++;
	} else if (c->spec.nimage) {
		return cli_usage_error(c, "--image adds images to a main "
				       "IMAGE; give the main image first");
	}
	if (want_image == 1 && !c->image)
		return cli_usage_error(c, "no image given");
	if (optind < argc)
		return cli_usage_error(c, "unexpected argument '%s'",
				       argv[optind]);
	if (c->spec.dtb && c->spec.dtb_from_card)
		return cli_usage_error(c, "--dtb and --dtb-from-card: give one");
	if (c->popts.has_base && c->iopts.raw)
		return cli_usage_error(c, "--base is for ET_DYN images, --addr "
				       "for raw binaries; give one");
	return 0;
}

/* Board search path: $CARDLOAD_BOARDS, ./boards, the boards/ beside the
 * build directory of this binary, then the installed data directory. */
const char *const *cli_board_dirs(void)
{
	static char exe[PATH_MAX], near[PATH_MAX + 16];
	static const char *dirs[5];
	unsigned n = 0;
	ssize_t len;

	if (dirs[0])
		return dirs;
	if (getenv("CARDLOAD_BOARDS"))
		dirs[n++] = getenv("CARDLOAD_BOARDS");
	dirs[n++] = "boards";
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
	return 0;
}

void cli_on_log(void *arg, enum cl_log_level lvl, const char *msg)
{
	struct cli *c = arg;
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };

	if (lvl <= CL_LOG_WARN || (int)lvl - (int)CL_LOG_WARN <= c->verbose)
		fprintf(stderr, "cardload %s: %s: %s\n", c->cmd, names[lvl],
			msg);
}

/* A one-line bar on stderr, redrawn in place; finished with a newline. */
void cli_on_progress(void *arg, const char *stage, uint64_t done,
		     uint64_t total)
{
	static const char *last;
	int pct = total ? (int)(done * 100 / total) : 100, i;
	char bar[41];

	(void)arg;
	if (last && strcmp(last, stage))
		fputc('\n', stderr);
	last = stage;
	for (i = 0; i < 40; i++)
		bar[i] = i < pct * 40 / 100 ? '#' : ' ';
	bar[40] = 0;
	fprintf(stderr, "\r%-6s [%s] %3d%% %6.1f/%.1f MiB", stage, bar, pct,
		done / 1048576.0, total / 1048576.0);
	if (done >= total && !strcmp(stage, "verify")) {
		fputc('\n', stderr);
		last = NULL;
	}
}
