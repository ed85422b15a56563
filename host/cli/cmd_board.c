/* cmd_board.c - cardload board lint FILE... */
#include <string.h>
#include "cli.h"

static const char usage[] =
"usage: cardload board lint FILE...\n"
"\n"
"Check board files: every key known, required keys present, numbers valid,\n"
"windows and reserved ranges consistent. Errors name the file and line.\n";

int cmd_board(struct cli *c, int argc, char **argv)
{
	int i, bad = 0, rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CL_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "lint"))
		return cli_usage_error(c, "unknown board command '%s'", argv[1]);
	if (argc < 3)
		return cli_usage_error(c, "board lint needs a FILE");
	for (i = 2; i < argc; i++) {
		struct cl_board b;

		rc = cl_board_load(c->ctx, argv[i], &b);
		if (rc) {
			bad = cli_fail(c, rc);
			continue;
		}
		printf("%s: ok (board '%s', %u RAM window%s, %u reserved)\n",
		       argv[i], b.name, b.nwin, b.nwin == 1 ? "" : "s", b.nres);
	}
	return bad;
}
