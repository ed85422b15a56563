/* SPDX-License-Identifier: GPL-2.0-or-later */
/* machine.c - the machine names a board may declare, and their ELF facts */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static const struct machine {
	const char *name;
	int em;         /* EM_* */
	int elfclass;   /* ELFCLASS32 or ELFCLASS64 */
	int endian;     /* usual byte order; a board's 'endian' key overrides */
} machines[] = {
	{ "riscv64", EM_RISCV,   ELFCLASS64, ELFDATA2LSB },
	{ "riscv32", EM_RISCV,   ELFCLASS32, ELFDATA2LSB },
	{ "aarch64", EM_AARCH64, ELFCLASS64, ELFDATA2LSB },
	{ "arm",     EM_ARM,     ELFCLASS32, ELFDATA2LSB },
	{ "x86_64",  EM_X86_64,  ELFCLASS64, ELFDATA2LSB },
	{ "i386",    EM_386,     ELFCLASS32, ELFDATA2LSB },
	{ "ppc64",   EM_PPC64,   ELFCLASS64, ELFDATA2MSB },
	{ "ppc",     EM_PPC,     ELFCLASS32, ELFDATA2MSB },
	{ "mips",    EM_MIPS,    ELFCLASS32, ELFDATA2MSB },
};

#define NMACHINES (sizeof(machines) / sizeof(machines[0]))

static const struct machine *by_em(int em, int elfclass)
{
	size_t i;

	for (i = 0; i < NMACHINES; i++)
		if (machines[i].em == em && machines[i].elfclass == elfclass)
			return &machines[i];
	return NULL;
}

const char *cl_machine_name(int em, int elfclass)
{
	const struct machine *m = by_em(em, elfclass);

	return m ? m->name : "unknown";
}

int cl_machine_lookup(const char *name, int *em, int *elfclass)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < NMACHINES; i++) {
		if (strcmp(machines[i].name, name))
			continue;
		if (em)
			*em = machines[i].em;
		if (elfclass)
			*elfclass = machines[i].elfclass;
		return 0;
	}
	return -1;
}

int cl_machine_endian(int em, int elfclass)
{
	const struct machine *m = by_em(em, elfclass);

	return m ? m->endian : 0;
}

void cl_machine_list(char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < NMACHINES && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
			     machines[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
