/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list.c - cardload list: PCI cards that a board file matches */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
"usage: cardload list [-s SLOT] [-d VENDOR:DEVICE] [--json]\n"
"                     [-O pci.sysfs=DIR] [-v]\n"
"\n"
"List the PCI devices that match a board's `match` ids (boards with\n"
"transport = pci, from the board search path), or with -d any device with\n"
"those ids: slot, ids, matching boards and the sizes of their memory BARs.\n"
"-s and -d take lspci's syntax. Use the slot with 'cardload boot -s'.\n"
"When nothing matches, says so on stderr and exits 0.\n"
"\n"
"  -s, --slot [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]  only the card in that slot\n"
"  -d, --device [VENDOR]:[DEVICE]  only cards with those ids (any board or\n"
"                       none)\n"
"  -O, --option pci.sysfs=DIR  PCI devices from DIR, not /sys/bus/pci\n"
"      --json           one JSON object on stdout: cards[]\n"
"  -v, --verbose        also say which board files were read\n"
"  -h, --help           this text\n";

#define MAX_BOARDS 64
#define MAX_CARDS 64

struct card {
	struct cl_pci_dev dev;
	char boards[256];
};

/* Every pci board on the search path, first file of a name wins. */
static unsigned load_boards(struct cli *c, struct cl_board *out)
{
	const char *const *dirs = cli_board_dirs();
	unsigned n = 0, i, k;

	for (i = 0; dirs[i] && n < MAX_BOARDS; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		while (d && (e = readdir(d)) && n < MAX_BOARDS) {
			size_t len = strlen(e->d_name);
			char path[4096];

			if (len < 7 || strcmp(e->d_name + len - 6, ".board"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
			if (cl_board_load(c->ctx, path, &out[n])) {
				fprintf(stderr, "cardload list: skipping %s\n",
					cli_safe(cl_errmsg(c->ctx)));
				continue;
			}
			if (c->verbose)
				fprintf(stderr, "cardload list: board %s from "
					"%s\n", cli_safe(out[n].name),
					cli_safe(path));
			for (k = 0; k < n; k++)
				if (!strcmp(out[k].name, out[n].name))
					break;
			if (k == n && !strcmp(out[n].transport, "pci") &&
			    out[n].nmatch)
				n++;
		}
		if (d)
			closedir(d);
	}
	return n;
}

static const char *param(const struct cli *c, const char *key)
{
	const char *v = NULL;
	unsigned i;

	for (i = 0; i < c->nparam; i++)
		if (!strcmp(c->param[i].key, key))
			v = c->param[i].value;
		else if (strcmp(c->param[i].key, "pci.slot") &&
			 strcmp(c->param[i].key, "pci.id") &&
			 strcmp(c->param[i].key, "pci.sysfs"))
			return NULL; /* caught by the caller */
	return v;
}

/* Add devs to cards, merging by slot; note the board name. */
static void merge(struct card *cards, unsigned *ncards,
		  const struct cl_pci_dev *devs, unsigned n, const char *board)
{
	unsigned i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < *ncards; k++)
			if (!strcmp(cards[k].dev.slot, devs[i].slot))
				break;
		if (k == *ncards) {
			if (*ncards == MAX_CARDS)
				return;
			memset(&cards[k], 0, sizeof(cards[k]));
			cards[k].dev = devs[i];
			(*ncards)++;
		}
		if (board) {
			size_t used = strlen(cards[k].boards);

			snprintf(cards[k].boards + used,
				 sizeof(cards[k].boards) - used, "%s%s",
				 used ? "," : "", board);
		}
	}
}

/* 256, 4K, 128M, 1G: exact units only, bytes otherwise */
static void size_str(uint64_t n, char *buf, size_t len)
{
	static const char unit[] = "KMGT";
	int u = -1;

	while (n >= 1024 && !(n % 1024) && u < 3) {
		n /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, n);
	else
		snprintf(buf, len, "%" PRIu64 "%c", n, unit[u]);
}

static void print_cards(struct cli *c, const struct card *cards, unsigned n)
{
	struct json *j = &c->j;
	unsigned i, b;

	if (c->json)
		json_arr(j, "cards");
	else if (!n)
		fprintf(stderr, "cardload list: no card matches%s\n",
			c->nparam ? " the filters" : " a board on the board "
			"path (-d VENDOR:DEVICE lists any device)");
	for (i = 0; i < n; i++) {
		const struct cl_pci_dev *d = &cards[i].dev;
		char ids[16];

		snprintf(ids, sizeof(ids), "%04x:%04x", d->vendor, d->device);
		if (c->json) {
			json_obj(j, NULL);
			json_str(j, "slot", d->slot);
			json_str(j, "ids", ids);
			json_str(j, "boards", cards[i].boards);
			json_arr(j, "bars");
		} else {
			printf("%s  %s  board %s ", cli_safe(d->slot), ids,
			       cards[i].boards[0] ? cli_safe(cards[i].boards) :
			       "-");
		}
		for (b = 0; b < CL_PCI_BARS; b++) {
			if (!d->bar_size[b] ||
			    !(d->bar_flags[b] & CL_PCI_RES_MEM))
				continue;
			if (c->json) {
				json_obj(j, NULL);
				json_u64(j, "bar", b);
				json_u64(j, "size", d->bar_size[b]);
				json_bool(j, "prefetchable",
					  d->bar_flags[b] & CL_PCI_RES_PREFETCH);
				json_end_obj(j);
			} else {
				char sz[24];

				size_str(d->bar_size[b], sz, sizeof(sz));
				printf(" BAR%u %s%s", b, sz,
				       d->bar_flags[b] & CL_PCI_RES_PREFETCH ?
				       " prefetchable" : "");
			}
		}
		if (c->json) {
			json_end_arr(j);
			json_end_obj(j);
		} else {
			printf("\n");
		}
	}
	if (c->json)
		json_end_arr(j);
}

static int cmd_list(struct cli *c)
{
	struct cl_board *boards = calloc(MAX_BOARDS, sizeof(*boards));
	struct card *cards = calloc(MAX_CARDS, sizeof(*cards));
	struct cl_pci_dev devs[MAX_CARDS];
	const char *slot, *id, *root;
	unsigned nb, ncards = 0, n, i, k;
	int rc = 0;

	if (!boards || !cards) {
		free(boards);
		free(cards);
		return CL_EXIT_INTERNAL;
	}
	for (i = 0; i < c->nparam; i++)
		if (strcmp(c->param[i].key, "pci.slot") &&
		    strcmp(c->param[i].key, "pci.id") &&
		    strcmp(c->param[i].key, "pci.sysfs")) {
			rc = cli_usage_error(c, "list takes -s, -d and -O "
					     "pci.sysfs=DIR only");
			goto out;
		}
	slot = param(c, "pci.slot");
	id = param(c, "pci.id");
	root = param(c, "pci.sysfs");
	nb = load_boards(c, boards);
	for (i = 0; i < nb; i++) {
		const char *ids[CL_MAX_MATCH];

		for (k = 0; k < boards[i].nmatch; k++)
			ids[k] = boards[i].match[k];
		rc = cl_pci_scan(c->ctx, root, slot, id, ids, boards[i].nmatch,
				 devs, MAX_CARDS, &n);
		if (rc)
			goto fail;
		merge(cards, &ncards, devs, n < MAX_CARDS ? n : MAX_CARDS,
		      boards[i].name);
	}
	if (id) { /* -d: also devices no board knows */
		rc = cl_pci_scan(c->ctx, root, slot, id, NULL, 0, devs,
				 MAX_CARDS, &n);
		if (rc)
			goto fail;
		merge(cards, &ncards, devs, n < MAX_CARDS ? n : MAX_CARDS,
		      NULL);
	}
	print_cards(c, cards, ncards);
	goto out;
fail:
	rc = cli_fail(c, rc);
out:
	free(boards);
	free(cards);
	return rc;
}

const struct cli_cmd cli_cmd_list = {
	.name = "list", .fn = cmd_list,
	.what = "list PCI cards that match a board",
	.usage = usage,
	.opts = CLI_OPTS_COMMON | CLI_OPT(CO_SLOT) | CLI_OPT(CO_DEVICE) |
		CLI_OPT(CO_OPTION),
};
