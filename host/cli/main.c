/* main.c - the cardload command: dispatch to a subcommand */
#include <signal.h>
#include <string.h>
#include "cli.h"

/* SIGINT/SIGTERM: the library stops at its next step, before any release;
 * the card stays held, the lock goes with the process, exit code 11. */
static struct cl_ctx *volatile sig_ctx;

static void on_signal(int sig)
{
	(void)sig;
	cl_interrupt(sig_ctx);
}

static void catch_signals(struct cl_ctx *ctx)
{
	struct sigaction sa;

	sig_ctx = ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *what;
} cmds[] = {
	{ "boot", cmd_boot, "load an image, verify it, release the card" },
	{ "load", cmd_load, "load and verify, leave the card held" },
	{ "start", cmd_start, "release a card loaded earlier" },
	{ "status", cmd_status, "show the card's mailbox" },
	{ "console", cmd_console, "print the card's console ring" },
	{ "list", cmd_list, "list PCI cards that match a board" },
	{ "inspect", cmd_inspect, "describe an image (and its plan)" },
	{ "board", cmd_board, "board lint FILE...: check board files" },
};

static void usage(FILE *f)
{
	unsigned i;

	fprintf(f, "usage: cardload COMMAND [options]   (cardload %s)\n\n",
		CL_VERSION);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].what);
	fprintf(f, "\n'cardload COMMAND --help' for a command's options; "
		"'cardload boot -O help' for transport options.\n"
		"Exit codes: 0 ok, 1 internal, 2 usage, 3 board file, 4 bad "
		"image,\n5 placement conflict, 6 no device, 7 busy, 8 transport "
		"I/O,\n9 verify mismatch, 10 timeout, 11 interrupted, 12 wrong "
		"card state,\n13 payload reported failure, 14 more than one card "
		"matches.\n");
}

int main(int argc, char **argv)
{
	struct cli c = { .argv0 = argv[0] };
	unsigned i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return CL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("cardload %s\n", CL_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0])) {
		fprintf(stderr, "cardload: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return CL_EXIT_USAGE;
	}
	c.cmd = cmds[i].name;
	c.ctx = cl_ctx_new();
	if (!c.ctx) {
		fprintf(stderr, "cardload: out of memory\n");
		return CL_EXIT_INTERNAL;
	}
	cl_set_log(c.ctx, cli_on_log, &c);
	catch_signals(c.ctx);
	rc = cmds[i].fn(&c, argc - 1, argv + 1);
	cl_ctx_free(c.ctx);
	return rc;
}
