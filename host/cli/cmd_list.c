/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list.c - cardload list: PCI and USB cards that a board file matches */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
"usage: cardload list [-s SLOT] [-d VENDOR:DEVICE] [--json]\n"
"                     [-O pci.sysfs=DIR] [-v]\n"
"\n"
"List the PCI and USB devices that match a board's `match` ids (boards\n"
"with transport = pci or usb, from the board search path), or with -d any\n"
"device with those ids: transport, slot, ids, matching boards, and the\n"
"sizes of a PCI card's memory BARs or a USB card's link speed. Use the\n"
"slot with 'cardload boot -s'. When nothing matches, says so on stderr\n"
"and exits 0.\n"
"\n"
"  -s, --slot SLOT      only the card in that slot: PCI as lspci -s takes\n"
"                       it ([[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]), USB as\n"
"                       /sys/bus/usb/devices names it (BUS-PORT[.PORT...])\n"
"                       or as lsusb -s takes it ([BUS]:[DEVNUM])\n"
"  -d, --device [VENDOR]:[DEVICE]  only cards with those ids (any board or\n"
"                       none), as lspci -d and lsusb -d take them\n"
"  -O, --option pci.sysfs=DIR  PCI devices from DIR, not /sys/bus/pci\n"
"      --json           one JSON object on stdout: cards[]\n"
"  -v, --verbose        also say which board files were read, and what each\n"
"                       USB card's boot ROM reports (FEL VERSION)\n"
"  -h, --help           this text\n";

#define MAX_BOARDS 64
#define MAX_CARDS 64

struct card {
	bool usb;		/* udev, else dev */
	struct cl_pci_dev dev;
	struct cl_usb_dev udev;
	char boards[256];
};

static const char *card_slot(const struct card *c)
{
	return c->usb ? c->udev.path : c->dev.slot;
}

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
				fprintf(c->err, "cardload list: skipping %s\n",
					cli_safe(cl_errmsg(c->ctx)));
				continue;
			}
			if (c->verbose)
				fprintf(c->err, "cardload list: board %s from "
					"%s\n", cli_safe(out[n].name),
					cli_safe(path));
			for (k = 0; k < n; k++)
				if (!strcmp(out[k].name, out[n].name))
					break;
			if (k == n && (!strcmp(out[n].transport, "pci") ||
				       !strcmp(out[n].transport, "usb")) &&
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
		else if (strcmp(c->param[i].key, "slot") &&
			 strcmp(c->param[i].key, "id") &&
			 strcmp(c->param[i].key, "pci.sysfs"))
			return NULL; /* caught by the caller */
	return v;
}

/* Add a card to cards, merging by transport and slot; note the board. */
static void merge(struct card *cards, unsigned *ncards, const struct card *in,
		  const char *board)
{
	unsigned k;

	for (k = 0; k < *ncards; k++)
		if (cards[k].usb == in->usb &&
		    !strcmp(card_slot(&cards[k]), card_slot(in)))
			break;
	if (k == *ncards) {
		if (*ncards == MAX_CARDS)
			return;
		cards[k] = *in;
		cards[k].boards[0] = 0;
		(*ncards)++;
	}
	if (board) {
		size_t used = strlen(cards[k].boards);

		snprintf(cards[k].boards + used, sizeof(cards[k].boards) - used,
			 "%s%s", used ? "," : "", board);
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

static void print_bars(struct cli *c, const struct cl_pci_dev *d)
{
	struct json *j = &c->j;
	unsigned b;

	if (c->json)
		json_arr(j, "bars");
	for (b = 0; b < CL_PCI_BARS; b++) {
		if (!d->bar_size[b] || !(d->bar_flags[b] & CL_PCI_RES_MEM))
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
			fprintf(c->out, " BAR%u %s%s", b, sz,
			       d->bar_flags[b] & CL_PCI_RES_PREFETCH ?
			       " prefetchable" : "");
		}
	}
	if (c->json)
		json_end_arr(j);
}

/* A USB card: its bus and device number, speed, and with -v what its
 * boot ROM reports (a board matched it, so it should answer FEL). */
static void print_usb(struct cli *c, const struct card *k)
{
	const struct cl_usb_dev *u = &k->udev;
	char rom[160] = "";

	if (c->verbose && k->boards[0] &&
	    cl_usb_describe(c->ctx, u, rom, sizeof(rom)))
		snprintf(rom, sizeof(rom), "no answer: %s",
			 cl_errmsg(c->ctx));
	if (c->json) {
		json_u64(&c->j, "bus", u->bus);
		json_u64(&c->j, "devnum", u->devnum);
		json_str(&c->j, "speed_mbps", u->speed);
		if (rom[0])
			json_str(&c->j, "rom", rom);
		return;
	}
	fprintf(c->out, " %03u:%03u %s Mbit/s", u->bus, u->devnum,
	       u->speed[0] ? u->speed : "?");
	if (rom[0])
		fprintf(c->out, " %s", cli_safe(rom));
}

static void print_cards(struct cli *c, const struct card *cards, unsigned n)
{
	struct json *j = &c->j;
	unsigned i;

	if (c->json)
		json_arr(j, "cards");
	else if (!n)
		fprintf(c->err, "cardload list: no card matches%s\n",
			c->nparam ? " the filters" : " a board on the board "
			"path (-d VENDOR:DEVICE lists any device)");
	for (i = 0; i < n; i++) {
		const struct card *k = &cards[i];
		char ids[16];

		snprintf(ids, sizeof(ids), "%04x:%04x",
			 k->usb ? k->udev.vendor : k->dev.vendor,
			 k->usb ? k->udev.product : k->dev.device);
		if (c->json) {
			json_obj(j, NULL);
			json_str(j, "slot", card_slot(k));
			json_str(j, "transport", k->usb ? "usb" : "pci");
			json_str(j, "ids", ids);
			json_str(j, "boards", k->boards);
		} else {
			fprintf(c->out, "%s  %s  %s  board %s ", k->usb ? "usb" : "pci",
			       cli_safe(card_slot(k)), ids, k->boards[0] ?
			       cli_safe(k->boards) : "-");
		}
		if (k->usb)
			print_usb(c, k);
		else
			print_bars(c, &k->dev);
		if (c->json)
			json_end_obj(j);
		else
			fprintf(c->out, "\n");
	}
	if (c->json)
		json_end_arr(j);
}

/* One transport's scan (usb, else pci) for board b, or for any device
 * with the -d ids when b is NULL. */
static int scan(struct cli *c, bool usb, const char *slot, const char *id,
		const struct cl_board *b, struct card *cards, unsigned *ncards)
{
	const char *root = param(c, "pci.sysfs");
	const char *ids[CL_MAX_MATCH];
	struct cl_pci_dev pdevs[MAX_CARDS];
	struct cl_usb_dev udevs[MAX_CARDS];
	unsigned k, n = 0, nids = b ? b->nmatch : 0;
	int rc;

	for (k = 0; k < nids; k++)
		ids[k] = b->match[k];
	rc = usb ? cl_usb_scan(c->ctx, slot, id, ids, nids, udevs, MAX_CARDS,
			       &n) :
		   cl_pci_scan(c->ctx, root, slot, id, ids, nids, pdevs,
			       MAX_CARDS, &n);
	for (k = 0; !rc && k < n && k < MAX_CARDS; k++) {
		struct card in = { .usb = usb };

		if (usb)
			in.udev = udevs[k];
		else
			in.dev = pdevs[k];
		merge(cards, ncards, &in, b ? b->name : NULL);
	}
	return rc;
}

/* Which transports' syntax -s is in: a PCI slot (lspci -s), a USB path
 * or BUS:DEVNUM ("1:4" is both). Only those transports are scanned. */
static int slot_kinds(struct cli *c, const char *slot, bool *pci, bool *usb)
{
	unsigned n;

	*pci = *usb = true;
	if (!slot)
		return 0;
	*pci = cl_pci_scan(c->ctx, param(c, "pci.sysfs"), slot, NULL, NULL,
			   0, NULL, 0, &n) != CL_E_USAGE;
	*usb = cl_usb_scan(c->ctx, slot, NULL, NULL, 0, NULL, 0, &n) !=
	       CL_E_USAGE;
	if (*pci || *usb)
		return 0;
	return cli_usage_error(c, "-s '%s' is neither a PCI slot (lspci -s) "
			       "nor a USB device path (BUS-PORT[.PORT...], or "
			       "BUS:DEVNUM)", slot);
}

static int cmd_list(struct cli *c)
{
	struct cl_board *boards = calloc(MAX_BOARDS, sizeof(*boards));
	struct card *cards = calloc(MAX_CARDS, sizeof(*cards));
	const char *slot, *id;
	unsigned nb, ncards = 0, i;
	bool pci, usb;
	int rc = 0;

	if (!boards || !cards) {
		free(boards);
		free(cards);
		return CL_EXIT_INTERNAL;
	}
	for (i = 0; i < c->nparam; i++)
		if (strcmp(c->param[i].key, "slot") &&
		    strcmp(c->param[i].key, "id") &&
		    strcmp(c->param[i].key, "pci.sysfs")) {
			rc = cli_usage_error(c, "list takes -s, -d and -O "
					     "pci.sysfs=DIR only");
			goto out;
		}
	slot = param(c, "slot");
	id = param(c, "id");
	rc = slot_kinds(c, slot, &pci, &usb);
	if (rc)
		goto out;
	nb = load_boards(c, boards);
	for (i = 0; i < nb && !rc; i++) {
		bool u = !strcmp(boards[i].transport, "usb");

		if (u ? usb : pci)
			rc = scan(c, u, slot, id, &boards[i], cards, &ncards);
	}
	if (!rc && id && pci) /* -d: also devices no board knows */
		rc = scan(c, false, slot, id, NULL, cards, &ncards);
	if (!rc && id && usb)
		rc = scan(c, true, slot, id, NULL, cards, &ncards);
	if (rc)
		goto fail;
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
	.what = "list PCI and USB cards that match a board",
	.usage = usage,
	.opts = CLI_OPTS_COMMON | CLI_OPT(CO_SLOT) | CLI_OPT(CO_DEVICE) |
		CLI_OPT(CO_OPTION),
};
