/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cardram.h - a card for unit tests: a 4 MiB RAM file in /dev/shm at card
 * address 0x80000000, mapped here too, and a board describing it with a
 * mailbox in a reserved range near the top */
#ifndef CL_CARDRAM_H
#define CL_CARDRAM_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "cardboot.h"
#include "cardload.h"

#define RAM 0x80000000u
#define RAM_SIZE (4u << 20)

static char ram_path[64];
static uint8_t *ram;   /* the card's RAM as this process sees it */

/* A fresh sparse RAM file (the previous one, if any, is replaced). */
__attribute__((unused))
static void cardram_new(void)
{
	int fd;

	if (!ram_path[0])
		snprintf(ram_path, sizeof(ram_path), "/dev/shm/cl-test-ram-%d",
			 (int)getpid());
	fd = open(ram_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, RAM_SIZE))
		perror(ram_path);
	if (ram)
		munmap(ram, RAM_SIZE);
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
}

__attribute__((unused))
static void cardram_free(void)
{
	if (ram)
		munmap(ram, RAM_SIZE);
	ram = NULL;
	unlink(ram_path);
}

/* One RAM window and a mailbox at mb inside reserved [mb, mb+res_size). */
__attribute__((unused))
static void cardram_board(struct cl_board *b, const char *name, uint64_t mb,
			  uint64_t res_size)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	snprintf(b->transport, sizeof(b->transport), "mem");
	b->nwin = 1;
	b->win[0] = (struct cl_window){ .name = "ram0", .addr = RAM, .size = RAM_SIZE,
				.offset = 0, .bar = -1 };
	b->nres = 1;
	b->res[0] = (struct cl_reserved){ "mailbox", mb, res_size };
	b->has_mailbox = true;
	b->mailbox = mb;
	b->release = CL_RELEASE_MAILBOX;
	b->access_width = 4;
}

/* Little-endian words in card RAM. */
__attribute__((unused))
static uint64_t ram_le(uint64_t card, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | ram[card - RAM + n];
	return v;
}

__attribute__((unused))
static void ram_put_le(uint64_t card, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		ram[card - RAM + i] = (uint8_t)(v >> (8 * i));
}

/* What the card ROM posts in the mailbox at mb before it spins: magic,
 * version, hart id, platform DTB, then READY. */
__attribute__((unused))
static void cardram_rom_ready(uint64_t mb, uint64_t hartid,
			      uint64_t platform_dtb)
{
	ram_put_le(mb + CARDBOOT_MB_MAGIC_OFF, 4, CARDBOOT_MB_MAGIC);
	ram_put_le(mb + CARDBOOT_MB_VERSION_OFF, 4, CARDBOOT_MB_VERSION);
	ram_put_le(mb + CARDBOOT_MB_HARTID_OFF, 8, hartid);
	ram_put_le(mb + CARDBOOT_MB_PLATFORM_DTB_OFF, 8, platform_dtb);
	ram_put_le(mb + CARDBOOT_MB_READY_OFF, 4, CARDBOOT_READY);
}

#endif /* CL_CARDRAM_H */
