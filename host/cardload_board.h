/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cardload_board.h - libcardload's boards: what a board file describes
 * (RAM windows, reserved ranges, mailbox, console, release method,
 * register steps, PCI ids), parsed, found by name and checked
 *
 * Part of the public interface; cardload.h includes it.
 */
#ifndef CARDLOAD_BOARD_H
#define CARDLOAD_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cl_ctx;

#define CL_MAX_WINDOWS 8
#define CL_MAX_RESERVED 32
#define CL_MAX_BOARD_OPTS 16
#define CL_MAX_MATCH 8
#define CL_MAX_STEPS 16
#define CL_NAME_MAX 48

/* exec: the transport starts the CPU at the entry itself (fel-exec: FEL
 * EXEC over the usb transport), passing no arguments. gdb: the transport
 * (a GDB remote stub) sets the program counter and argument registers of
 * the halted CPU and lets it run; a mailbox, when the board has one,
 * records the release (staged entry, GO) though no ROM reads it. */
enum cl_release { CL_RELEASE_NONE, CL_RELEASE_MAILBOX, CL_RELEASE_REGS,
		  CL_RELEASE_EXEC, CL_RELEASE_GDB };
/* A transport-side step around the release method: qmp = stop and reset
 * the simulated CPU at hold, continue it after release (-O mem.qmp=SOCK). */
enum cl_release_step { CL_STEP_NONE, CL_STEP_QMP };

struct cl_regref {          /* a register: BAR and offset in it */
	int bar;                /* 0..5, or -1 when unset */
	uint64_t off;
};

struct cl_window {          /* a stretch of card RAM the transport reaches */
	char name[CL_NAME_MAX]; /* "ram0", "ram1", ... */
	uint64_t addr;          /* card address */
	uint64_t size;
	uint64_t offset;        /* offset in the transport's backing */
	int bar;                /* PCI: the BAR holding it, or -1 */
	uint64_t aperture;      /* PCI: bytes the BAR shows at a time (0 =
				 * all of size); moved through winreg */
	struct cl_regref winreg; /* register taking the card address the
				  * aperture shows */
};

/* One step of a register sequence (board keys hold-step / start-step). */
enum cl_regop {
	CL_REG_WRITE,     /* write<W> BAR:OFF VALUE */
	CL_REG_ENTRY,     /* entry32 / entry64 BAR:OFF: the entry address */
	CL_REG_ENTRY_HI,  /* entry-hi32 BAR:OFF: its high 32 bits */
	CL_REG_ARG,       /* arg32 / arg64 N BAR:OFF: argument register N */
	CL_REG_POLL,      /* poll<W> BAR:OFF MASK WANT TIMEOUT_MS */
	CL_REG_DELAY,     /* delay MS */
};

struct cl_regstep {
	enum cl_regop op;
	unsigned width;         /* bytes: 1, 2, 4 or 8 */
	unsigned argn;
	struct cl_regref reg;
	uint64_t value, mask, want;
	unsigned timeout_ms;
};

struct cl_reserved {        /* card memory no image may touch */
	char name[CL_NAME_MAX];
	uint64_t addr;
	uint64_t size;
};

struct cl_board {
	char name[CL_NAME_MAX];
	char description[128];
	char path[256];             /* file it came from */
	char transport[CL_NAME_MAX];
	int machine;                /* EM_* or 0 for any */
	int elfclass;               /* ELFCLASS32/64 or 0 for any */
	int endian;                 /* ELFDATA2LSB/MSB or 0 for any */
	unsigned access_width;      /* 1, 2, 4 or 8 bytes */
	enum cl_release release;
	enum cl_release_step release_step;
	bool has_mailbox;
	uint64_t mailbox;           /* card address of struct cardboot_mailbox */
	bool has_console;
	uint64_t console, console_size; /* console ring (cardboot.h) */
	/* where initrd, device tree and blobs go (data-place, data-align) */
	bool data_low;              /* lowest free address, else highest */
	uint64_t data_align;        /* default 4 KiB */
	bool dtb_memory;            /* rewrite the DTB's memory node */
	bool boot_pvh;              /* boot-abi = pvh: x86 PVH entry, %ebx =
				     * struct hvm_start_info (pvh.h) */
	uint64_t platform_dtb;      /* where the card's DTB is before the ROM
				     * announces it (0: unknown) */
	unsigned nwin;
	struct cl_window win[CL_MAX_WINDOWS];
	unsigned nres;
	struct cl_reserved res[CL_MAX_RESERVED];
	unsigned nopt;              /* default transport options "key=value" */
	char opt[CL_MAX_BOARD_OPTS][128];
	/* PCI */
	unsigned nmatch;            /* "vendor:device" ids, lspci -d syntax */
	char match[CL_MAX_MATCH][24];
	bool write_combine;         /* map prefetchable BARs write-combining */
	unsigned nhold, nstart;     /* register sequences */
	struct cl_regstep hold[CL_MAX_STEPS];
	struct cl_regstep start[CL_MAX_STEPS];
};

/* Parse one register step ("write32 0:0x10 0x1"); 0, or -1 with a reason
 * in err. */
int cl_regstep_parse(const char *text, struct cl_regstep *out, char *err,
		     size_t errlen);

/* Parse and validate a board file. Errors name the line. Windows whose
 * backing ranges overlap (same BAR, or both without one) are refused.
 * Return: 0, or CL_E_BOARD for a bad or missing file (the first problem;
 * out zeroed), CL_E_NOMEM. */
int cl_board_load(struct cl_ctx *ctx, const char *path, struct cl_board *out);
/* board lint: the same checks over the whole file, calling on_error (may be
 * NULL) once per problem with a message naming the file and line; a bad
 * line is skipped and the rest still checked.
 * Return: 0 (out filled), or CL_E_BOARD with cl_errmsg() the first problem
 * (out zeroed), CL_E_NOMEM, CL_E_USAGE. */
int cl_board_lint(struct cl_ctx *ctx, const char *path, struct cl_board *out,
		  void (*on_error)(void *arg, const char *msg), void *arg);
/* Parse from memory; name is used in messages. */
int cl_board_parse(struct cl_ctx *ctx, const char *name, const char *text,
		   size_t len, struct cl_board *out);
/* The file a board NAME (or a path: it holds a '/' or ends in .board)
 * stands for: the first dirs[i]/NAME.board that exists (dirs is
 * NULL-terminated; empty entries are skipped, no implicit current
 * directory). Return: 0 with path filled, CL_E_BOARD (not found, a bad
 * name, too long), CL_E_USAGE. */
int cl_board_locate(struct cl_ctx *ctx, const char *name,
		    const char *const *dirs, char *path, size_t len);
/* cl_board_locate, then cl_board_load of what it found. */
int cl_board_find(struct cl_ctx *ctx, const char *name,
		  const char *const *dirs, struct cl_board *out);
uint64_t cl_board_ram_total(const struct cl_board *b);
/* Index of the window holding all of [addr, addr+len) and the offset of
 * addr in it, or -1 (also when the range wraps). */
int cl_window_find(const struct cl_board *b, uint64_t addr, uint64_t len,
		   uint64_t *win_off);

#endif /* CARDLOAD_BOARD_H */
