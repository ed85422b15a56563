/* SPDX-License-Identifier: GPL-2.0-or-later */
/* board_keys.c - what each board key accepts, and the table of keys
 *
 * One parser a key: it checks the value, fills the board and reports a
 * problem through perr (board_parse.h). The ram and reserved keys, which
 * place windows and ranges against each other, are board_ram.c's.
 */
#include <elf.h>
#include <inttypes.h>
#include <string.h>
#include "cardboot.h"
#include "board_parse.h"

static int key_name(struct parser *p, char *val)
{
	if (!cl_board_name_ok(val, sizeof(p->b->name)))
		return perr(p, "bad name '%s' (want " BOARD_NAME_CHARS "+, at "
			    "most %zu characters)", val,
			    sizeof(p->b->name) - 1);
	strcpy(p->b->name, val);
	return 0;
}

static int key_description(struct parser *p, char *val)
{
	if (strlen(val) >= sizeof(p->b->description))
		return perr(p, "description longer than %zu characters",
			    sizeof(p->b->description) - 1);
	strcpy(p->b->description, val);
	return 0;
}

static int key_transport(struct parser *p, char *val)
{
	if (!cl_board_name_ok(val, sizeof(p->b->transport)))
		return perr(p, "bad transport '%s' (want " BOARD_NAME_CHARS
			    "+, at most %zu characters)", val,
			    sizeof(p->b->transport) - 1);
	strcpy(p->b->transport, val);
	return 0;
}

static int key_machine(struct parser *p, char *val)
{
	char list[200];

	if (!cl_machine_lookup(val, &p->b->machine, &p->b->elfclass))
		return 0;
	cl_machine_list(list, sizeof(list));
	return perr(p, "unknown machine '%s' (valid: %s)", val, list);
}

static int key_endian(struct parser *p, char *val)
{
	if (!strcmp(val, "little"))
		p->b->endian = ELFDATA2LSB;
	else if (!strcmp(val, "big"))
		p->b->endian = ELFDATA2MSB;
	else
		return perr(p, "bad endian '%s' (want little or big)", val);
	return 0;
}

static int key_mailbox(struct parser *p, char *val)
{
	uint64_t a, end;
	int rc;

	rc = cl_board_num(p, "mailbox address", val, &a);
	if (rc)
		return rc;
	if (a % 8)
		return perr(p, "mailbox 0x%" PRIx64 " is not 8-byte aligned",
			    a);
	if (cl_add_ovf(a, (uint64_t)CARDBOOT_MB_SIZE, &end))
		return perr(p, "mailbox 0x%" PRIx64 " wraps past the end of "
			    "the address space", a);
	p->b->mailbox = a;
	p->b->has_mailbox = true;
	return 0;
}

static int key_access_width(struct parser *p, char *val)
{
	uint64_t w;

	if (cl_parse_num(val, &w) != CL_NUM_OK || (w != 1 && w != 2 && w != 4 &&
						 w != 8))
		return perr(p, "bad access-width '%s' (want 1, 2, 4 or 8)",
			    val);
	p->b->access_width = (unsigned)w;
	return 0;
}

static int key_release(struct parser *p, char *val)
{
	if (!strcmp(val, "mailbox"))
		p->b->release = CL_RELEASE_MAILBOX;
	else if (!strcmp(val, "regs"))
		p->b->release = CL_RELEASE_REGS;
	else if (!strcmp(val, "none"))
		p->b->release = CL_RELEASE_NONE;
	else if (!strcmp(val, "fel-exec"))
		p->b->release = CL_RELEASE_EXEC;
	else if (!strcmp(val, "gdb"))
		p->b->release = CL_RELEASE_GDB;
	else
		return perr(p, "bad release '%s' (want mailbox, regs, fel-exec"
			    ", gdb or none)", val);
	return 0;
}

static int key_release_step(struct parser *p, char *val)
{
	if (!strcmp(val, "qmp"))
		p->b->release_step = CL_STEP_QMP;
	else if (!strcmp(val, "none"))
		p->b->release_step = CL_STEP_NONE;
	else
		return perr(p, "bad release-step '%s' (want qmp or none)", val);
	return 0;
}

/* console = ADDR SIZE: the console ring of cardboot.h */
static int key_console(struct parser *p, char *val)
{
	char *word[3];
	uint64_t addr, size, end;
	int rc;

	if (cl_board_split(val, word, 3) != 2)
		return perr(p, "bad console '%s' (want ADDR SIZE)", p->raw);
	rc = cl_board_num(p, "console address", word[0], &addr);
	if (!rc)
		rc = cl_board_num(p, "console size", word[1], &size);
	if (rc)
		return rc;
	if (addr % 8 || size <= CARDBOOT_CONSOLE_DATA_OFF ||
	    size - CARDBOOT_CONSOLE_DATA_OFF > UINT32_MAX)
		return perr(p, "console 0x%" PRIx64 " size 0x%" PRIx64 " must "
			    "be 8-byte aligned and hold a header and data",
			    addr, size);
	if (cl_add_ovf(addr, size, &end))
		return perr(p, "console 0x%" PRIx64 " wraps", addr);
	p->b->console = addr;
	p->b->console_size = size;
	p->b->has_console = true;
	return 0;
}

/* match = VENDOR:DEVICE (lspci -d syntax; libpci checks it at open) */
static int key_match(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	const char *c = val;

	if (b->nmatch == CL_MAX_MATCH)
		return perr(p, "more than %d match ids", CL_MAX_MATCH);
	for (; *c; c++)
		if (!strchr("0123456789abcdefABCDEF:", *c))
			break;
	if (*c || !strchr(val, ':') || !strcmp(val, ":") ||
	    strlen(val) >= sizeof(b->match[0]))
		return perr(p, "bad match '%s' (want VENDOR:DEVICE in hex, "
			    "e.g. 1af4:1110)", val);
	strcpy(b->match[b->nmatch++], val);
	return 0;
}

static int key_write_combine(struct parser *p, char *val)
{
	if (strcmp(val, "yes") && strcmp(val, "no"))
		return perr(p, "bad write-combine '%s' (want yes or no)", val);
	p->b->write_combine = !strcmp(val, "yes");
	return 0;
}

static int add_step(struct parser *p, const char *key, char *val,
		    struct cl_regstep *steps, unsigned *n)
{
	char err[160];

	if (*n == CL_MAX_STEPS)
		return perr(p, "more than %d %s lines", CL_MAX_STEPS, key);
	if (cl_regstep_parse(val, &steps[*n], err, sizeof(err)))
		return perr(p, "%s: %s", key, err);
	(*n)++;
	return 0;
}

static int key_data_place(struct parser *p, char *val)
{
	if (strcmp(val, "high") && strcmp(val, "low"))
		return perr(p, "bad data-place '%s' (want high or low)", val);
	p->b->data_low = !strcmp(val, "low");
	return 0;
}

/* boot-abi = cardboot (the default: cardboot.h's parameter block) or pvh
 * (an x86 kernel's Xen PHYS32_ENTRY with struct hvm_start_info) */
static int key_boot_abi(struct parser *p, char *val)
{
	if (strcmp(val, "cardboot") && strcmp(val, "pvh"))
		return perr(p, "bad boot-abi '%s' (want cardboot or pvh)", val);
	p->b->boot_pvh = !strcmp(val, "pvh");
	return 0;
}

static int key_data_align(struct parser *p, char *val)
{
	uint64_t a;

	if (cl_board_num(p, "data-align", val, &a))
		return CL_E_BOARD;
	if (!cl_is_pow2(a) || a > (1u << 30))
		return perr(p, "data-align 0x%" PRIx64 " is not a power of two "
			    "up to 1G", a);
	p->b->data_align = a;
	return 0;
}

static int key_dtb_memory(struct parser *p, char *val)
{
	if (strcmp(val, "yes") && strcmp(val, "no"))
		return perr(p, "bad dtb-memory '%s' (want yes or no)", val);
	p->b->dtb_memory = !strcmp(val, "yes");
	return 0;
}

static int key_platform_dtb(struct parser *p, char *val)
{
	return cl_board_num(p, "platform-dtb address", val,
			    &p->b->platform_dtb);
}

static int key_hold_step(struct parser *p, char *val)
{
	return add_step(p, "hold-step", val, p->b->hold, &p->b->nhold);
}

static int key_start_step(struct parser *p, char *val)
{
	return add_step(p, "start-step", val, p->b->start, &p->b->nstart);
}

/* option = KEY=VALUE, KEY being a transport option such as mem.path */
static int key_option(struct parser *p, char *val)
{
	struct cl_board *b = p->b;
	char *eq = strchr(val, '=');
	size_t klen, i;

	if (b->nopt == CL_MAX_BOARD_OPTS)
		return perr(p, "more than %d options", CL_MAX_BOARD_OPTS);
	if (!eq)
		return perr(p, "bad option '%s' (want KEY=VALUE)", val);
	klen = (size_t)(eq - val);
	for (i = 0; i < klen; i++)
		if (!cl_board_name_char(val[i]))
			break;
	if (!klen || i < klen || !memchr(val, '.', klen))
		return perr(p, "bad option '%s' (want KEY=VALUE with a KEY "
			    "such as mem.path)", val);
	if (strlen(val) >= sizeof(b->opt[0]))
		return perr(p, "option '%.*s' longer than %zu characters",
			    (int)klen, val, sizeof(b->opt[0]) - 1);
	for (i = 0; i < b->nopt; i++)
		if (!strncmp(b->opt[i], val, klen + 1))
			return perr(p, "option '%.*s' already given on "
				    "line %zu", (int)klen, val, p->opt_line[i]);
	strcpy(b->opt[b->nopt], val);
	p->opt_line[b->nopt++] = p->line;
	return 0;
}

const struct board_key cl_board_keys[] = {
	{ "name", K_NAME, key_name },
	{ "description", K_DESCRIPTION, key_description },
	{ "transport", K_TRANSPORT, key_transport },
	{ "machine", K_MACHINE, key_machine },
	{ "endian", K_ENDIAN, key_endian },
	{ "ram", -1, cl_board_key_ram },
	{ "reserved", -1, cl_board_key_reserved },
	{ "mailbox", K_MAILBOX, key_mailbox },
	{ "access-width", K_ACCESS_WIDTH, key_access_width },
	{ "release", K_RELEASE, key_release },
	{ "release-step", K_RELEASE_STEP, key_release_step },
	{ "console", K_CONSOLE, key_console },
	{ "match", -1, key_match },
	{ "write-combine", K_WRITE_COMBINE, key_write_combine },
	{ "data-place", K_DATA_PLACE, key_data_place },
	{ "data-align", K_DATA_ALIGN, key_data_align },
	{ "boot-abi", K_BOOT_ABI, key_boot_abi },
	{ "dtb-memory", K_DTB_MEMORY, key_dtb_memory },
	{ "platform-dtb", K_PLATFORM_DTB, key_platform_dtb },
	{ "hold-step", -1, key_hold_step },
	{ "start-step", -1, key_start_step },
	{ "option", -1, key_option },
};
const unsigned cl_board_nkeys = sizeof(cl_board_keys) /
				 sizeof(cl_board_keys[0]);
_Static_assert(sizeof(cl_board_keys) / sizeof(cl_board_keys[0]) <= 32,
	       "bad_keys has 32 bits");
