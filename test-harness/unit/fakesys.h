/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fakesys.h - a fake sysfs PCI tree in /tmp for the unit tests
 *
 * libpci's linux-sysfs method and the pci transport read a directory laid
 * out like /sys/bus/pci (cardload's -O pci.sysfs=DIR). This builds one:
 *
 *   DIR/devices/DDDD:BB:DD.F/
 *     vendor device class          what libpci 3.9 requires (it fails the
 *                                  scan with "Cannot open .../vendor")
 *     config                       256 bytes: ids, command, class, header
 *                                  type, BARs (the transport locks it and
 *                                  reads the command register)
 *     resource                     13 "0x%016llx 0x%016llx 0x%016llx"
 *                                  lines, as the kernel prints them
 *     resourceN                    a sparse regular file of the BAR's size
 *                                  per memory BAR: it mmaps like the BAR
 *     resourceN_wc                 prefetchable BARs: a hard link to
 *                                  resourceN, so both views share bytes
 *     enable                       "0\n" or "1\n" (a regular file that
 *                                  records what the transport writes)
 *     irq revision subsystem_*     for completeness
 *     local_cpus numa_node
 *
 * Nothing here touches the real /sys. fake_free() removes only a directory
 * fake_new() made (its name is checked).
 *
 *   char dir[FAKE_DIR_MAX];
 *   fake_new(dir);
 *   fake_add(dir, "0000:00:04.0", 0x1af4, 0x1110, bars, FAKE_CMD_MEM);
 *   ... cl_open with { "pci.sysfs", dir } ...
 *   fake_free(dir);
 */
#ifndef CL_FAKESYS_H
#define CL_FAKESYS_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cardload.h"

#define FAKE_FN static __attribute__((unused))
#define FAKE_DIR_MAX 64
#define FAKE_PREFIX "/tmp/cl-fakesys-"

#define FAKE_CMD_IO 0x1u
#define FAKE_CMD_MEM 0x2u     /* memory decoding on */
#define FAKE_CMD_MASTER 0x4u

/* IORESOURCE_* flags as this machine's kernel prints them */
#define FAKE_RES_MEM 0x00040200ull       /* MEM | SIZEALIGN */
#define FAKE_RES_MEM_PREF 0x0014220cull  /* + PREFETCH | MEM_64, BAR bits */
#define FAKE_RES_IO 0x00040101ull        /* IO | SIZEALIGN, BAR bit 0 */

struct fake_bar {
	uint64_t size;           /* 0: unused */
	bool prefetch;           /* prefetchable memory (gets resourceN_wc) */
	bool io;                 /* an I/O port BAR (no resourceN file) */
};

/* Every device gets its own stretch of fake bus addresses. */
static uint64_t fake_next_addr = 0xfe000000ull;

FAKE_FN int fake_put(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0) {
		perror(path);
		return -1;
	}
	n = write(fd, buf, len);
	close(fd);
	if (n != (ssize_t)len) {
		fprintf(stderr, "%s: short write\n", path);
		return -1;
	}
	return 0;
}

/* DIR/devices/SLOT/NAME into buf */
FAKE_FN void fake_path(char *buf, size_t len, const char *dir,
		       const char *slot, const char *name)
{
	snprintf(buf, len, "%s/devices/%s/%s", dir, slot, name);
}

FAKE_FN int fake_puts(const char *dir, const char *slot, const char *name,
		      const char *text)
{
	char path[FAKE_DIR_MAX + 128];

	fake_path(path, sizeof(path), dir, slot, name);
	return fake_put(path, text, strlen(text));
}

/* A fresh tree: mkdtemp under /tmp, and its devices/ directory. */
FAKE_FN int fake_new(char dir[FAKE_DIR_MAX])
{
	char sub[FAKE_DIR_MAX + 16];

	snprintf(dir, FAKE_DIR_MAX, FAKE_PREFIX "%d-XXXXXX", (int)getpid());
	if (!mkdtemp(dir)) {
		perror(dir);
		dir[0] = 0;
		return -1;
	}
	snprintf(sub, sizeof(sub), "%s/devices", dir);
	if (mkdir(sub, 0755)) {
		perror(sub);
		return -1;
	}
	return 0;
}

/* One device. bar[] may be NULL (no BARs). */
FAKE_FN int fake_add(const char *dir, const char *slot, uint16_t vendor,
		     uint16_t device, const struct fake_bar *bar,
		     uint16_t command)
{
	char path[FAKE_DIR_MAX + 128], res[13 * 60 + 1], text[64];
	uint8_t cfg[256];
	size_t used = 0;
	unsigned i;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/devices/%s", dir, slot);
	if (mkdir(path, 0755)) {
		perror(path);
		return -1;
	}
	memset(cfg, 0, sizeof(cfg));
	cfg[0] = (uint8_t)vendor;
	cfg[1] = (uint8_t)(vendor >> 8);
	cfg[2] = (uint8_t)device;
	cfg[3] = (uint8_t)(device >> 8);
	cfg[4] = (uint8_t)command;
	cfg[5] = (uint8_t)(command >> 8);
	cfg[8] = 0x01;           /* revision */
	cfg[0x0a] = 0x00;        /* subclass: RAM */
	cfg[0x0b] = 0x05;        /* base class: memory controller */
	cfg[0x0e] = 0x00;        /* header type 0 */
	cfg[0x2c] = cfg[0];      /* subsystem ids = ids */
	cfg[0x2d] = cfg[1];
	cfg[0x2e] = cfg[2];
	cfg[0x2f] = cfg[3];

	for (i = 0; i < 13; i++) {
		uint64_t start = 0, end = 0, flags = 0;

		if (i < 6 && bar && bar[i].size) {
			const struct fake_bar *b = &bar[i];

			/* naturally aligned, as the kernel assigns them */
			fake_next_addr = (fake_next_addr + b->size - 1) &
					 ~(b->size - 1);
			start = b->io ? 0xc000 + 0x100 * i : fake_next_addr;
			end = start + b->size - 1;
			flags = b->io ? FAKE_RES_IO : b->prefetch ?
					FAKE_RES_MEM_PREF : FAKE_RES_MEM;
			if (!b->io)
				fake_next_addr += b->size;
			cfg[0x10 + 4 * i] = (uint8_t)(start | (flags & 0xf));
			cfg[0x11 + 4 * i] = (uint8_t)(start >> 8);
			cfg[0x12 + 4 * i] = (uint8_t)(start >> 16);
			cfg[0x13 + 4 * i] = (uint8_t)(start >> 24);
		}
		used += (size_t)snprintf(res + used, sizeof(res) - used,
					 "0x%016llx 0x%016llx 0x%016llx\n",
					 (unsigned long long)start,
					 (unsigned long long)end,
					 (unsigned long long)flags);
	}

	fake_path(path, sizeof(path), dir, slot, "config");
	rc |= fake_put(path, cfg, sizeof(cfg));
	fake_path(path, sizeof(path), dir, slot, "resource");
	rc |= fake_put(path, res, used);
	snprintf(text, sizeof(text), "0x%04x\n", vendor);
	rc |= fake_puts(dir, slot, "vendor", text);
	rc |= fake_puts(dir, slot, "subsystem_vendor", text);
	snprintf(text, sizeof(text), "0x%04x\n", device);
	rc |= fake_puts(dir, slot, "device", text);
	rc |= fake_puts(dir, slot, "subsystem_device", text);
	rc |= fake_puts(dir, slot, "class", "0x050000\n");
	rc |= fake_puts(dir, slot, "revision", "0x01\n");
	rc |= fake_puts(dir, slot, "irq", "0\n");
	rc |= fake_puts(dir, slot, "local_cpus", "ff\n");
	rc |= fake_puts(dir, slot, "numa_node", "-1\n");
	rc |= fake_puts(dir, slot, "enable",
			command & FAKE_CMD_MEM ? "1\n" : "0\n");

	for (i = 0; bar && i < 6; i++) {
		char wc[FAKE_DIR_MAX + 128];
		int fd;

		if (!bar[i].size || bar[i].io)
			continue;
		snprintf(text, sizeof(text), "resource%u", i);
		fake_path(path, sizeof(path), dir, slot, text);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)bar[i].size)) {
			perror(path);
			rc = -1;
		}
		if (fd >= 0)
			close(fd);
		if (!bar[i].prefetch)
			continue;
		snprintf(text, sizeof(text), "resource%u_wc", i);
		fake_path(wc, sizeof(wc), dir, slot, text);
		if (link(path, wc)) {
			perror(wc);
			rc = -1;
		}
	}
	return rc ? -1 : 0;
}

/* Bytes of a device file (a BAR's resourceN, config, enable). */
FAKE_FN int fake_read(const char *dir, const char *slot, const char *name,
		      uint64_t off, void *buf, size_t len)
{
	char path[FAKE_DIR_MAX + 128];
	ssize_t n;
	int fd;

	fake_path(path, sizeof(path), dir, slot, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, (off_t)off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

FAKE_FN int fake_write(const char *dir, const char *slot, const char *name,
		       uint64_t off, const void *buf, size_t len)
{
	char path[FAKE_DIR_MAX + 128];
	ssize_t n;
	int fd;

	fake_path(path, sizeof(path), dir, slot, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pwrite(fd, buf, len, (off_t)off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* A little-endian word of n bytes in a device file; all ones on error. */
FAKE_FN uint64_t fake_le(const char *dir, const char *slot, const char *name,
			 uint64_t off, unsigned n)
{
	uint8_t b[8];
	uint64_t v = 0;

	if (n > 8 || fake_read(dir, slot, name, off, b, n))
		return UINT64_MAX;
	while (n--)
		v = v << 8 | b[n];
	return v;
}

FAKE_FN int fake_put_le(const char *dir, const char *slot, const char *name,
			uint64_t off, unsigned n, uint64_t v)
{
	uint8_t b[8];
	unsigned i;

	for (i = 0; i < n && i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return fake_write(dir, slot, name, off, b, n);
}

FAKE_FN int fake_rm_one(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	if (remove(path))
		perror(path);
	return 0;
}

/* rm -rf of a tree fake_new() made, never of anything else. */
FAKE_FN void fake_free(char dir[FAKE_DIR_MAX])
{
	if (!dir[0])
		return;
	if (strncmp(dir, FAKE_PREFIX, strlen(FAKE_PREFIX)) ||
	    strstr(dir, "..") || strchr(dir + strlen(FAKE_PREFIX), '/')) {
		fprintf(stderr, "fake_free: refusing to remove '%s'\n", dir);
		return;
	}
	nftw(dir, fake_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	dir[0] = 0;
}

/* A board for a fake card 1af4:1110 (transport pci): one window "ram0" of
 * 1 MiB at card address ram in BAR2, 32-bit access, no release method;
 * callers add what their tests need. */
static inline void fake_board(struct cl_board *b, const char *name,
			      uint64_t ram)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	snprintf(b->transport, sizeof(b->transport), "pci");
	b->nmatch = 1;
	snprintf(b->match[0], sizeof(b->match[0]), "1af4:1110");
	b->nwin = 1;
	b->win[0] = (struct cl_window){ .name = "ram0", .addr = ram,
					.size = 1u << 20, .bar = 2,
					.winreg = { -1, 0 } };
	b->release = CL_RELEASE_NONE;
	b->access_width = 4;
}

#endif /* CL_FAKESYS_H */
