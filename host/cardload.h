/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cardload.h - public interface of libcardload, the host-side card loader
 *
 * The data flow, one direction, and the files that carry it:
 *
 *   board      a board file -> struct cl_board (windows, reserved ranges,
 *              mailbox): board_file.c, board.c, board_lex.c, board_keys.c,
 *              board_ram.c
 *   image      cl_image_open(): image.c sniffs and decompresses under the
 *              caps (caps.c; decompress_gzip.c, decompress_zstd.c,
 *              decompress_xz.c; shed.c; bzimage.c finds an x86
 *              bzImage's compressed ELF), or
 *              for --low-memory keeps only the metadata of a stream
 *              (image_stream.c, stream.c, elf_need.c); meanwhile warm.c
 *              has the transport allocate the card pages the segments
 *              will land on (nothing written)
 *   elf        elf.c (libelf): segments, the dynamic section; notes.c:
 *              cardboot.h's notes, xennote.c: Xen's (PHYS32_ENTRY)
 *   plan       cl_plan_make(), PURE: image + board + options -> a checked
 *              plan: plan.c (segments, entry), plan_place.c (where the
 *              image and its command line go), reloc.c (relocations become
 *              patches), symbols.c (--set), ranges.c (windows, reserved and
 *              busy ranges); several images and data: boot.c
 *   params     params.c (the parameter block), dtb.c (device trees, libfdt),
 *              thunk.c (argument registers for a FEL EXEC release),
 *              pvh.c (struct hvm_start_info for an x86 PVH entry)
 *   load       cl_load(), cl_boot_load(): load.c runs a boot; each image
 *              goes through load_image.c, one writer/checker loop over
 *              chunks from source.c, patched by patch.c, read back through
 *              readback.c, digested by digest.c; card.c, mailbox.c,
 *              console.c, regseq.c hold and release the card; verify.c
 *              runs the same loop comparing only
 *   transport  transports/: open.c picks the board's backend (mem.c with
 *              ramfile.c and qmp.c, pci.c with pcidev.c; both through
 *              mmio.c; usb.c with usbdev.c (finding the device) and
 *              usbfel.c (FEL messages over libusb), fel.c building the
 *              Allwinner FEL protocol's bytes; gdb.c, a GDB remote stub,
 *              with gdblink.c (the connection), gdbmem.c (memory),
 *              gdbregs.c (registers), gdbproto.c and gdbtdesc.c (the
 *              protocol's bytes and target descriptions)),
 *              transport.c is the one bounds-checked path to card memory
 *   under all  ctx.c and error.c (contexts, messages), num.c, file.c,
 *              machine.c
 *
 * Every function returns 0 or a negative enum cl_err; the context keeps a
 * message naming the culprit (cl_errmsg). The library never prints to
 * stdout and never exits. Boards are declared in cardload_board.h, the
 * card without an image (PCI and USB discovery, hold, start, status, console,
 * memory by address) in cardload_card.h; this file includes both.
 */
#ifndef CARDLOAD_H
#define CARDLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cardload_board.h"
#include "cardload_card.h"
#include "cardload_run.h"

/* ---- errors ------------------------------------------------------------ */

/* Keep in step with the table in error.c (a test checks every code). */
enum cl_err {
	CL_OK = 0,
	CL_E_NOMEM = -1,     /* out of host memory */
	CL_E_USAGE = -2,     /* invalid argument or option */
	CL_E_BOARD = -3,     /* board file invalid */
	CL_E_FILE = -4,      /* cannot read an input file */
	CL_E_FORMAT = -5,    /* unrecognised or unsupported image format */
	CL_E_DECOMP = -6,    /* corrupt compressed stream */
	CL_E_TOOBIG = -7,    /* a size cap was exceeded */
	CL_E_ELF = -8,       /* malformed or unsuitable ELF image */
	CL_E_RELOC = -9,     /* relocations the loader cannot apply */
	CL_E_PLACE = -10,    /* placement conflict */
	CL_E_NODEV = -11,    /* card not found */
	CL_E_BUSY = -12,     /* card in use by another loader */
	CL_E_IO = -13,       /* transport I/O error */
	CL_E_VERIFY = -14,   /* read-back mismatch */
	CL_E_TIMEOUT = -15,  /* waited too long */
	CL_E_INTR = -16,     /* interrupted by a signal */
	CL_E_STATE = -17,    /* card not in the state the request needs */
	CL_E_INTERNAL = -18, /* a bug in cardload */
	CL_E_CARD = -19,     /* the payload reported failure */
	CL_E_MANY = -20,     /* more than one card matches */
	CL_E__LAST = -20
};

/* Exit codes of the cardload command, one per class of error. */
enum cl_exit {
	CL_EXIT_OK = 0,
	CL_EXIT_INTERNAL = 1,
	CL_EXIT_USAGE = 2,
	CL_EXIT_BOARD = 3,
	CL_EXIT_IMAGE = 4,
	CL_EXIT_PLACE = 5,
	CL_EXIT_NODEV = 6,
	CL_EXIT_BUSY = 7,
	CL_EXIT_IO = 8,
	CL_EXIT_VERIFY = 9,
	CL_EXIT_TIMEOUT = 10,
	CL_EXIT_INTR = 11,
	CL_EXIT_STATE = 12,
	CL_EXIT_CARD = 13,
	CL_EXIT_MANY = 14,
};

const char *cl_strerror(int err); /* "placement conflict" */
const char *cl_errname(int err);  /* "CL_E_PLACE" */
int cl_exit_code(int err);        /* CL_EXIT_PLACE */

/* ---- context ----------------------------------------------------------- */

struct cl_ctx;

/* cl_log_fn, cl_progress_fn and the log levels: cardload_run.h */
struct cl_ctx *cl_ctx_new(void);
void cl_ctx_free(struct cl_ctx *ctx);
const char *cl_errmsg(const struct cl_ctx *ctx); /* last error, never NULL */
void cl_set_log(struct cl_ctx *ctx, cl_log_fn fn, void *arg);
void cl_set_progress(struct cl_ctx *ctx, cl_progress_fn fn, void *arg);
/* From a signal handler: make the load in progress stop at its next step
 * with CL_E_INTR, before anything releases the card. */
void cl_interrupt(struct cl_ctx *ctx);
/* The same whenever *flag is non-zero (NULL: no flag), for a caller that
 * cancels from another thread. */
void cl_set_cancel(struct cl_ctx *ctx, volatile int *flag);
/* Monotonic milliseconds (CLOCK_MONOTONIC), for timings.
 * Return: milliseconds since an arbitrary fixed point. */
double cl_now_ms(void);

/* ---- files and numbers ------------------------------------------------- */

/* The regular file path read whole (malloc'd into *out), 1 to max bytes.
 * Return: 0; CL_E_FILE (cannot open or read, not a regular file, empty or
 * larger than max) or CL_E_NOMEM, *out NULL. */
int cl_read_file(struct cl_ctx *ctx, const char *path, uint64_t max,
		 uint8_t **out, size_t *len);
/* What cl_file_slurp found wrong. */
enum cl_slurp {
	CL_SLURP_OK,
	CL_SLURP_OPEN,       /* cannot open it (errno) */
	CL_SLURP_READ,       /* cannot stat or read it (errno, or 0) */
	CL_SLURP_TOOBIG,     /* more than max bytes */
	CL_SLURP_NOTREG,     /* CL_SLURP_REGULAR: not a regular file, or empty */
	CL_SLURP_NOMEM,
};
#define CL_SLURP_REGULAR 0x1u /* a regular file of 1 byte or more only */
/* The small-file reader under cl_read_file, board files and recipes: path
 * read whole, at most max bytes, into a malloc'd buffer with a NUL after
 * the bytes (*len does not count it). Any kind of file unless
 * CL_SLURP_REGULAR. The caller words the error.
 * Return: CL_SLURP_OK; else what failed, with *out NULL and *errnum the
 * errno of a failed open, stat or read (else 0). */
enum cl_slurp cl_file_slurp(const char *path, uint64_t max, unsigned flags,
			    char **out, size_t *len, int *errnum);
/* A number as boards and options write it: decimal or 0x hex, with an
 * optional K, M or G suffix (powers of 1024). Return: 0; -1 when s is not
 * a number, -2 when it overflows 64 bits. */
int cl_parse_num(const char *s, uint64_t *out);

/* ---- images ------------------------------------------------------------ */

enum cl_kind { CL_KIND_ELF, CL_KIND_RAW };

struct cl_seg {             /* one PT_LOAD, as the file says */
	unsigned phidx;
	uint32_t flags;         /* PF_R | PF_W | PF_X */
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct cl_image_opts {
	uint64_t max_size;      /* cap on decompressed bytes; 0 = no cap */
	unsigned max_ratio;     /* cap on output/input; 0 = default */
	bool raw;               /* load as raw binary (needs raw_addr) */
	uint64_t raw_addr;
	/* Streaming ("low-memory") load: the image is never held whole; it is
	 * decompressed again for each pass (headers, then the card), with
	 * peak memory bounded whatever its size. CL_MEM_AUTO streams when the
	 * whole image would take more than mem_budget bytes. */
	enum { CL_MEM_AUTO, CL_MEM_WHOLE, CL_MEM_STREAM } mem_mode;
	uint64_t mem_budget;    /* 0: half of MemAvailable */
};

#define CL_DEFAULT_MAX_RATIO 1024
#define CL_MAX_PHNUM 4096

struct cl_dyninfo {         /* what PT_DYNAMIC says about relocations */
	bool present;
	uint64_t rela, relasz, relaent;
	uint64_t rel, relsz, relent;
	uint64_t relr, relrsz, relrent;
	uint64_t jmprel, pltrelsz, pltrel;
};

/* One ELF note named "Xen" (Xen's public elfnote.h), for the record. */
#define CL_MAX_XEN_NOTES 32
struct cl_xen_note {
	uint32_t type;             /* XEN_ELFNOTE_*: cl_xen_note_name() */
	uint32_t size;             /* descriptor bytes */
	bool numeric;              /* size 1, 2, 4 or 8: value holds it */
	uint64_t value;
	char text[64];             /* a printable string that fits, else "" */
};
/* "PHYS32_ENTRY" for XEN_ELFNOTE_PHYS32_ENTRY (18), NULL if unknown. */
const char *cl_xen_note_name(uint32_t type);

struct cl_image {
	char path[256];
	const char *compression;   /* "none", "gzip", ... */
	uint64_t file_size;        /* bytes read from the file */
	uint8_t *data;             /* decompressed image, private and writable */
	uint64_t size;
	enum cl_kind kind;
	uint64_t raw_addr;         /* CL_KIND_RAW: card address (--addr) */
	/* ELF facts (kind == CL_KIND_ELF) */
	int elfclass, endian, machine, type;
	uint64_t entry;
	unsigned phnum;
	unsigned nseg;
	struct cl_seg *seg;        /* PT_LOAD segments in program-header order */
	bool has_dynamic;
	uint64_t dyn_offset, dyn_size;
	/* cardload notes (cardboot.h) */
	bool has_abi;
	uint32_t abi;              /* handoff ABI version the payload wants */
	bool has_params;
	uint64_t params_vaddr;     /* link address of struct cardboot_params */
	bool has_placement;        /* CARDBOOT_NOTE_PLACEMENT */
	uint64_t place_align, place_min, place_max;
	char need_board[48];       /* CARDBOOT_NOTE_BOARD, "" if none */
	char need_machine[48];     /* CARDBOOT_NOTE_MACHINE, "" if none */
	unsigned nnotes;           /* notes of any owner, for the record */
	/* Xen notes: the first CL_MAX_XEN_NOTES of nxen; the PVH entry */
	unsigned nxen;
	struct cl_xen_note xen[CL_MAX_XEN_NOTES];
	bool has_phys32_entry;     /* XEN_ELFNOTE_PHYS32_ENTRY */
	uint32_t phys32_entry;
	struct cl_dyninfo dyn;
	bool streamed;             /* low-memory: data holds only metadata */
	/* x86 bzImage: data is its payload, decompressed (compression) */
	bool bzimage;
	uint16_t boot_version;     /* boot protocol, 0x020f is 2.15 */
	uint64_t payload_offset;   /* compressed stream in the file */
	uint64_t payload_size;
};

int cl_image_open(struct cl_ctx *ctx, const char *path,
		  const struct cl_image_opts *opts, struct cl_image **out);
/* Same from a caller's buffer (copied); name is used in messages. */
int cl_image_from_memory(struct cl_ctx *ctx, const char *name,
			 const void *buf, size_t len,
			 const struct cl_image_opts *opts,
			 struct cl_image **out);
void cl_image_free(struct cl_image *img);
const char *cl_machine_name(int em, int elfclass);

/* ---- plan (pure) ------------------------------------------------------- */

struct cl_range {            /* card memory something else already uses */
	uint64_t addr, size;
	char name[CL_NAME_MAX];
};

struct cl_plan_opts {
	bool use_vaddr;          /* ET_EXEC: place at p_vaddr, not p_paddr */
	bool has_base;           /* ET_DYN: --base */
	uint64_t base;
	bool has_entry;
	uint64_t entry;          /* override the entry address */
	uint32_t argmask;        /* bit n: arg[n] given */
	uint64_t arg[4];
	const char *cmdline;     /* for the parameter block, or NULL */
	const struct cl_range *busy; /* taken by other images of the boot */
	unsigned nbusy;
	bool not_first;          /* a boot's later image: boot-abi = pvh is
				  * the first image's alone */
};

#define CL_CMDLINE_MAX 65536     /* bytes, including the NUL */

struct cl_plan_seg {
	unsigned phidx;
	uint32_t flags;
	uint64_t addr;           /* card address */
	uint64_t filesz, memsz;  /* memsz - filesz is zero-filled */
	uint64_t src;            /* offset of the bytes in img->data */
	unsigned win;            /* index of the board window */
	uint64_t win_off;        /* offset inside that window */
};

struct cl_patch {            /* one relocated word, applied in host memory */
	uint64_t src;            /* offset in img->data */
	uint64_t value;
	uint8_t width;           /* 4 or 8 */
	bool add;                /* streamed image: add value to the word in
				  * the image (an implicit addend not yet read;
				  * naturally aligned) */
};

struct cl_setsym {           /* --set SYMBOL=VALUE, planned */
	char name[64];
	uint64_t addr;           /* card address */
	bool in_file;            /* file-backed: patched in host memory */
	uint64_t src;            /* offset in img->data when in_file */
	size_t len;
	uint8_t bytes[256];      /* what goes there, in the image's order */
};
#define CL_MAX_SETS 32

struct cl_plan {
	const struct cl_image *img;
	const struct cl_board *board;
	const char *placement;   /* "fixed (p_paddr)", "--base", "auto", ... */
	uint64_t link_base;      /* lowest address the image was linked for */
	uint64_t base;           /* where that lowest address lands */
	uint64_t bias;           /* base - link_base, modulo 2^64 */
	uint64_t span;           /* lowest to highest loaded byte */
	uint64_t align;          /* largest p_align */
	uint64_t entry;
	unsigned nseg;
	struct cl_plan_seg *seg;
	size_t npatch;
	struct cl_patch *patch;
	char reloc_kind[32];     /* "none", "rela", "rel", "relr", "jmprel" */
	uint64_t load_bytes;     /* sum of filesz */
	uint64_t zero_bytes;     /* sum of memsz - filesz */
	/* parameter block (cardboot.h), when the image asks for one */
	bool has_params;
	uint64_t params_addr;
	bool has_cmdline;
	uint64_t cmdline_addr, cmdline_size; /* size includes the NUL */
	const char *cmdline;
	unsigned nset;
	struct cl_setsym set[CL_MAX_SETS];
	/* board boot-abi = pvh: start_info, module slot and memory map
	 * (pvh.h) in free RAM; arg[0] (%ebx) = pvh_addr */
	bool has_pvh;
	uint64_t pvh_addr, pvh_size;
	/* filled in by a multi-image boot for the parameter block */
	uint64_t initrd_addr, initrd_size, dtb_addr, dtb_size;
	/* mailbox staging */
	uint32_t argmask;
	uint64_t arg[4];
};

int cl_plan_make(struct cl_ctx *ctx, const struct cl_image *img,
		 const struct cl_board *board, const struct cl_plan_opts *opts,
		 struct cl_plan **out);
void cl_plan_free(struct cl_plan *plan);
/* --set SYMBOL=VALUE or SYMBOL=str:TEXT, by .symtab name, checked against
 * the symbol's size and segment; applied by cl_load. */
int cl_plan_set(struct cl_ctx *ctx, struct cl_plan *plan, const char *spec);
/* Lowest (or, with high, highest) address of size bytes in the board's
 * windows, a multiple of align, clear of reserved ranges and busy. */
int cl_find_free(const struct cl_board *b, const struct cl_range *busy,
		 unsigned nbusy, uint64_t size, uint64_t align, bool high,
		 uint64_t *out);
/* Apply the plan's relocation patches to img->data (idempotent). */
void cl_plan_relocate(const struct cl_plan *plan, uint8_t *data);

/* ---- transports and loading -------------------------------------------- */

struct cl_tp;                /* an open transport (transports/transport.h) */

struct cl_param {            /* "-O key=value" */
	const char *key;
	const char *value;
};

/* Open the board's transport with the board's default options overridden by
 * params. */
int cl_open(struct cl_ctx *ctx, const struct cl_board *board,
	    const struct cl_param *params, unsigned nparams,
	    struct cl_tp **out);
void cl_close(struct cl_tp *tp);
/* One line naming what is open ("pci 0000:00:04.0 1af4:1110", "usb 1-1
 * 1f3a:efe8, FEL soc 0x1859 ..."; the transport's name when it has no
 * more to say). Return: nothing; buf is NUL-terminated. */
void cl_describe(struct cl_tp *tp, char *buf, size_t len);
/* What -O takes: under each transport's name (and each registered
 * wrapper's, see transports/transport.h), a line per option,
 * "  KEY=VALUE  what it does (default D)", from the backends' tables.
 * Return: nothing; buf is NUL-terminated, cut short if len is too small. */
void cl_tp_help(char *buf, size_t len);

struct cl_load_opts {
	bool no_start;           /* load, verify and stage; do not release */
	bool no_verify;
};

struct cl_load_result {
	uint64_t bytes_written;
	uint64_t bytes_in_place;  /* zero pages not written: already zero */
	uint64_t bytes_zeroed;
	uint32_t digest;         /* CARDBOOT_DIGEST_CRC32 over all segments */
	uint32_t *seg_digest;    /* one per plan segment (free with result) */
	bool verified;
	bool staged;
	bool released;
	double ms_write, ms_verify;
};

int cl_load(struct cl_ctx *ctx, struct cl_plan *plan, struct cl_tp *tp,
	    const struct cl_load_opts *opts, struct cl_load_result *res);
void cl_load_result_free(struct cl_load_result *res);

struct cl_data {             /* bytes for the card: blob, initrd, DTB */
	char name[CL_NAME_MAX];
	uint64_t addr;
	const uint8_t *bytes;
	size_t size;
};

/* Several images and data in one boot: one hold, every image written and
 * verified, the data written and read back, each image's parameter block,
 * then entry and arguments staged and the card released (res: one per
 * plan; staged/released are reported in res[0]). */
int cl_load_boot(struct cl_ctx *ctx, struct cl_plan *const *plans,
		 unsigned nplan, const struct cl_data *data, unsigned ndata,
		 uint64_t entry, const uint64_t *arg, uint32_t argmask,
		 struct cl_tp *tp, const struct cl_load_opts *opts,
		 struct cl_load_result *res);

/* ---- a whole boot: several images, blobs, initrd, device tree ---------- */

#define CL_BOOT_MAX_IMAGES 8
#define CL_BOOT_MAX_DATA 10     /* blobs + initrd + device tree */

struct cl_boot_spec {        /* what the user asked for */
	const struct cl_board *board;
	struct cl_image_opts iopts;
	struct cl_plan_opts popts;   /* image 0: --base, --cmdline, numbers
				      * in --arg and --entry */
	unsigned nimage;             /* image 0 is the main image */
	struct { const char *path; bool has_addr; uint64_t addr; }
		image[CL_BOOT_MAX_IMAGES];
	unsigned nblob;
	struct { const char *name, *path; bool has_addr; uint64_t addr; }
		blob[CL_BOOT_MAX_DATA - 2];
	const char *initrd;          /* file, never decompressed */
	const char *dtb;             /* file to patch, or NULL */
	bool dtb_from_card;          /* patch the platform DTB instead */
	unsigned nset;
	const char *set[CL_MAX_SETS]; /* "SYMBOL=VALUE" for image 0 */
	const char *arg_ref[4];      /* "@dtb" ... or NULL */
	const char *entry_ref;       /* "@imageN" or NULL */
	bool warm;                   /* a load follows: the transport may
				      * allocate the pages image 0 will take
				      * while it inflates (no byte changes) */
};

struct cl_boot {             /* the planned boot */
	const struct cl_board *board;
	unsigned nimg;
	struct cl_image *img[CL_BOOT_MAX_IMAGES];
	struct cl_plan *plan[CL_BOOT_MAX_IMAGES];
	unsigned ndata;
	struct cl_data data[CL_BOOT_MAX_DATA];
	const struct cl_data *initrd, *dtb; /* in data[], or NULL */
	uint64_t entry, arg[4];
	uint32_t argmask;
};

/* Plan it all, checked, before any write; tp (may be NULL) is only read,
 * for what the ROM announced and --dtb-from-card, and with spec->warm asked
 * to allocate what image 0 will take (host/warm.c), which changes no byte
 * the card reads. */
int cl_boot_plan(struct cl_ctx *ctx, const struct cl_boot_spec *spec,
		 struct cl_tp *tp, struct cl_boot **out);
/* res: one per image */
int cl_boot_load(struct cl_ctx *ctx, struct cl_boot *boot, struct cl_tp *tp,
		 const struct cl_load_opts *opts, struct cl_load_result *res);

struct cl_verify_result {
	bool same;                /* the card holds all a load would write */
	/* at the first difference (CL_E_VERIFY): */
	uint64_t first_diff_addr; /* card address */
	char what[128];           /* "image N segment K" (K: program header
				   * index), "image N segment K bss",
				   * "blob 'NAME'", "initrd", "dtb",
				   * "image N symbol 'NAME'" (--set outside
				   * the file bytes), "image N cmdline",
				   * "image N params", "mailbox entry",
				   * "mailbox argmask", "mailbox arg N" */
	uint64_t expected, found; /* the byte there; a mailbox field's value */
	uint64_t bytes_compared;  /* card bytes read and compared so far */
};

/* Compare what the card holds with what cl_boot_load(boot) would leave
 * there, in the order a load writes it: each image's segments (relocated,
 * --set patched) and bss, the data (blobs, initrd, DTB), each image's
 * --set patches outside its file bytes, command line and parameter block
 * (with the digest a load would put in it), and on release = mailbox
 * boards the staged entry, argmask and arguments. Reads only: nothing is
 * written, held, flushed or released, so the card may be running (a
 * payload that changed its own memory differs). Streamed (low-memory)
 * images are decompressed once more, as for a load.
 * Return: 0 when everything is the same (out->same); CL_E_VERIFY at the
 * first difference, with out and cl_errmsg naming address, place,
 * expected and found value; otherwise the transport's error, CL_E_INTR,
 * CL_E_NOMEM or CL_E_FILE (a streamed image changed meanwhile). */
int cl_boot_verify(struct cl_ctx *ctx, struct cl_boot *boot, struct cl_tp *tp,
		   struct cl_verify_result *out);

void cl_boot_free(struct cl_boot *boot);

#endif /* CARDLOAD_H */
