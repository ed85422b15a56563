/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcidev.c - finding PCI cards: libpci over sysfs, lspci's filters, and
 * BAR sizes from each device's `resource` file */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"
#include "pcidev.h"

/* One "0x..." field of exactly the kernel's form; advances *p. */
static int hexfield(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int digits = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (s += 2; ; s++, digits++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (x >> 60)
			return -1; /* more than 64 bits */
		x = x << 4 | d;
	}
	if (!digits)
		return -1;
	*v = x;
	*p = s;
	return 0;
}

int cl_pci_parse_resource(const char *text, struct cl_pci_dev *dev)
{
	const char *p = text;
	unsigned i;

	for (i = 0; i < CL_PCI_BARS; i++) {
		uint64_t start, end, flags;

		if (hexfield(&p, &start) || *p++ != ' ' ||
		    hexfield(&p, &end) || *p++ != ' ' ||
		    hexfield(&p, &flags) || *p++ != '\n')
			return -1;
		/* unused BARs read as all zeros; end is inclusive */
		if (!start && !end) {
			dev->bar_size[i] = 0;
		} else if (end < start || end - start == UINT64_MAX) {
			return -1;
		} else {
			dev->bar_size[i] = end - start + 1;
		}
		dev->bar_start[i] = start;
		dev->bar_flags[i] = (uint32_t)flags;
	}
	return 0;
}

static int read_resource(struct cl_ctx *ctx, const char *root,
			 struct cl_pci_dev *d)
{
	char path[PATH_MAX], buf[2048];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/devices/%s/resource", root, d->slot);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cl_seterr(ctx, CL_E_IO, "cannot open '%s': %s", path,
				 strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return cl_seterr(ctx, CL_E_IO, "cannot read '%s': %s", path,
				 strerror(errno));
	buf[n] = 0;
	if (cl_pci_parse_resource(buf, d))
		return cl_seterr(ctx, CL_E_IO, "'%s' is not a sysfs resource "
				 "file", path);
	return 0;
}

/* libpci reports fatal errors through a callback that must not return. */
static __thread sigjmp_buf *scan_env;
static __thread char scan_msg[256];

__attribute__((noreturn)) static void pci_fatal(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(scan_msg, sizeof(scan_msg), msg, ap);
	va_end(ap);
	if (scan_env)
		siglongjmp(*scan_env, 1);
	abort();
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

/* lspci's own parsers; they take writable strings. */
static int filter(struct cl_ctx *ctx, struct pci_access *a,
		  struct pci_filter *f, const char *what, const char *text)
{
	char buf[64], *err;

	pci_filter_init(a, f);
	if (!text)
		return 0;
	snprintf(buf, sizeof(buf), "%s", text);
	err = !strcmp(what, "-s") ? pci_filter_parse_slot(f, buf) :
				    pci_filter_parse_id(f, buf);
	if (err)
		return cl_seterr(ctx, CL_E_USAGE, "%s '%s': %s", what, text,
				 err);
	return 0;
}

/* lspci's order: domain, bus, device, function. */
static int cmp_dev(const void *a, const void *b)
{
	const struct pci_dev *x = *(struct pci_dev *const *)a;
	const struct pci_dev *y = *(struct pci_dev *const *)b;
	long kx = ((long)x->domain << 16) | x->bus << 8 | x->dev << 3 | x->func;
	long ky = ((long)y->domain << 16) | y->bus << 8 | y->dev << 3 | y->func;

	return kx < ky ? -1 : kx > ky;
}

int cl_pci_scan(struct cl_ctx *ctx, const char *sysfs_root, const char *slot,
		const char *id, const char *const *ids, unsigned nids,
		struct cl_pci_dev *out, unsigned max, unsigned *n)
{
	struct pci_filter fslot, fid, fmatch[CL_MAX_MATCH];
	struct pci_access *volatile a;
	struct pci_dev *d, **volatile sorted = NULL;
	sigjmp_buf env;
	unsigned i, k;
	volatile unsigned count = 0;
	int rc = 0;

	*n = 0;
	if (nids > CL_MAX_MATCH)
		return cl_seterr(ctx, CL_E_USAGE, "too many match ids");
	a = pci_alloc();
	if (!a)
		return cl_seterr(ctx, CL_E_NOMEM, "out of memory");
	a->error = pci_fatal;
	a->warning = pci_quiet;
	a->debug = pci_quiet;
	a->method = PCI_ACCESS_SYS_BUS_PCI; /* sysfs only, no fallbacks */
	if (sigsetjmp(env, 1)) {
		scan_env = NULL;
		rc = cl_seterr(ctx, CL_E_NODEV, "PCI scan of '%s' failed: %s",
			       sysfs_root ? sysfs_root : "/sys/bus/pci",
			       scan_msg);
		goto out;
	}
	scan_env = &env;
	{
		char key1[] = "sysfs.path", key2[] = "hwdb.disable", one[] = "1";
		char root[PATH_MAX];

		snprintf(root, sizeof(root), "%s",
			 sysfs_root ? sysfs_root : "/sys/bus/pci");
		pci_set_param(a, key1, root);
		pci_set_param(a, key2, one);
	}
	pci_init(a);
	rc = filter(ctx, a, &fslot, "-s", slot);
	if (!rc)
		rc = filter(ctx, a, &fid, "-d", id);
	for (i = 0; !rc && i < nids; i++)
		rc = filter(ctx, a, &fmatch[i], "board match id", ids[i]);
	if (rc)
		goto out_scan;
	pci_scan_bus(a);
	for (d = a->devices; d; d = d->next)
		count++;
	sorted = calloc(count ? count : 1, sizeof(*sorted));
	if (!sorted) {
		rc = cl_seterr(ctx, CL_E_NOMEM, "out of memory");
		goto out_scan;
	}
	for (k = 0, d = a->devices; d; d = d->next)
		sorted[k++] = d;
	qsort(sorted, count, sizeof(*sorted), cmp_dev);
	for (k = 0; k < count; k++) {
		struct cl_pci_dev dev = { 0 };

		d = sorted[k];
		pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS);
		if (!pci_filter_match(&fslot, d) || !pci_filter_match(&fid, d))
			continue;
		for (i = 0; i < nids; i++)
			if (pci_filter_match(&fmatch[i], d))
				dev.match_mask |= 1u << i;
		if (nids && !dev.match_mask)
			continue;
		snprintf(dev.slot, sizeof(dev.slot), "%04x:%02x:%02x.%d",
			 d->domain, d->bus, d->dev, d->func);
		dev.vendor = d->vendor_id;
		dev.device = d->device_id;
		dev.class_id = d->device_class;
		rc = read_resource(ctx, sysfs_root ? sysfs_root :
				   "/sys/bus/pci", &dev);
		if (rc)
			goto out_scan;
		if (*n < max)
			out[*n] = dev;
		(*n)++;
	}
out_scan:
	scan_env = NULL;
out:
	free(sorted);
	pci_cleanup(a);
	return rc;
}
