/* SPDX-License-Identifier: BSD-2-Clause */
/* cardboot.h - the contract between cardload on the host and code on the card
 *
 * This is the only file shared by host and card code. Every structure here is
 * made of fixed-width little-endian fields at fixed offsets, so a 32-bit card,
 * a 64-bit card and the host agree on it byte for byte. Offsets are given as
 * macros too, for assembler code (the boot ROM) that cannot use the structs.
 *
 * The mailbox handshake (release method "mailbox"):
 *
 *   card ROM                              host (cardload)
 *   --------                              ---------------
 *   write magic, version, hartid,
 *   platform_dtb; then ready = READY
 *   spin while go != GO                   hold:    staged = 0, go = HOLD,
 *                                                  status = 0
 *                                         load:    write image, verify
 *                                         stage:   entry, arg[], argmask,
 *                                                  staged = STAGED
 *                                         barrier + msync
 *                                         release: go = GO (last), barrier
 *                                         (every word is read back)
 *   a0..a3 = arg[n] if argmask bit n,
 *   else a0 = hartid, a1 = platform_dtb,
 *   a2 = a3 = 0; jump to entry
 *
 * The payload may later post a status word (CARDBOOT_STATUS_*).
 */
#ifndef CARDBOOT_H
#define CARDBOOT_H

/* Constants usable from C and from assembler (which rejects a 'u' suffix). */
#ifdef __ASSEMBLER__
#define CARDBOOT_U(x) x
#else
#define CARDBOOT_U(x) x##u
#endif

/* ---- mailbox ---------------------------------------------------------- */

#define CARDBOOT_MB_MAGIC       CARDBOOT_U(0x584f4243) /* "CBOX" as little-endian bytes */
#define CARDBOOT_MB_VERSION     CARDBOOT_U(1)

#define CARDBOOT_READY          CARDBOOT_U(0x59444552) /* "REDY": ROM is spinning       */
#define CARDBOOT_HOLD           CARDBOOT_U(0x00000000) /* go word: stay in the ROM      */
#define CARDBOOT_GO             CARDBOOT_U(0x21216f47) /* "Go!!": jump to entry         */
#define CARDBOOT_STAGED         CARDBOOT_U(0x47415453) /* "STAG": entry/args are valid  */

/* Status values a payload posts in the status word. 0 means "nothing yet".
 * The low 16 bits of a DONE or FAIL status carry a payload-defined code. */
#define CARDBOOT_STATUS_NONE    CARDBOOT_U(0x00000000)
#define CARDBOOT_STATUS_RUNNING CARDBOOT_U(0x4e555200) /* "\0RUN" */
#define CARDBOOT_STATUS_DONE(code) (CARDBOOT_U(0x4f440000) | ((code) & 0xffff))
#define CARDBOOT_STATUS_FAIL(code) (CARDBOOT_U(0x4c460000) | ((code) & 0xffff))
#define CARDBOOT_STATUS_KIND(s) ((s) & CARDBOOT_U(0xffff0000))

#define CARDBOOT_MB_MAGIC_OFF        0x00 /* u32, ROM   */
#define CARDBOOT_MB_VERSION_OFF      0x04 /* u32, ROM   */
#define CARDBOOT_MB_READY_OFF        0x08 /* u32, ROM   */
#define CARDBOOT_MB_GO_OFF           0x0c /* u32, host, written last */
#define CARDBOOT_MB_HARTID_OFF       0x10 /* u64, ROM   */
#define CARDBOOT_MB_PLATFORM_DTB_OFF 0x18 /* u64, ROM   */
#define CARDBOOT_MB_ENTRY_OFF        0x20 /* u64, host  */
#define CARDBOOT_MB_ARGMASK_OFF      0x28 /* u32, host: bit n = arg[n] set */
#define CARDBOOT_MB_STAGED_OFF       0x2c /* u32, host  */
#define CARDBOOT_MB_ARG_OFF          0x30 /* u64[4], host */
#define CARDBOOT_MB_STATUS_OFF       0x50 /* u32, payload */
#define CARDBOOT_MB_RESERVED_OFF     0x54
#define CARDBOOT_MB_SIZE             0x60
#define CARDBOOT_NARGS               4

#ifndef __ASSEMBLER__
#include <stdint.h>

struct cardboot_mailbox {
	uint32_t magic;
	uint32_t version;
	uint32_t ready;
	uint32_t go;
	uint64_t hartid;
	uint64_t platform_dtb;
	uint64_t entry;
	uint32_t argmask;
	uint32_t staged;
	uint64_t arg[CARDBOOT_NARGS];
	uint32_t status;
	uint32_t reserved[3];
};

_Static_assert(sizeof(struct cardboot_mailbox) == CARDBOOT_MB_SIZE,
	       "mailbox size");
_Static_assert(__builtin_offsetof(struct cardboot_mailbox, go) ==
	       CARDBOOT_MB_GO_OFF, "go offset");
_Static_assert(__builtin_offsetof(struct cardboot_mailbox, entry) ==
	       CARDBOOT_MB_ENTRY_OFF, "entry offset");
_Static_assert(__builtin_offsetof(struct cardboot_mailbox, arg) ==
	       CARDBOOT_MB_ARG_OFF, "arg offset");
_Static_assert(__builtin_offsetof(struct cardboot_mailbox, status) ==
	       CARDBOOT_MB_STATUS_OFF, "status offset");
#endif /* __ASSEMBLER__ */

/* ---- console ring ------------------------------------------------------ */

/* An optional ring in card RAM (the board's `console` range) that payloads
 * write and `cardload console` reads. The host initialises the header at
 * hold; the payload stores a byte at data[head % size], then advances head
 * (a free-running count of bytes ever written). */
#define CARDBOOT_CONSOLE_MAGIC  CARDBOOT_U(0x534e4f43) /* "CONS" */
#define CARDBOOT_CONSOLE_MAGIC_OFF 0x00 /* u32 */
#define CARDBOOT_CONSOLE_SIZE_OFF  0x04 /* u32, bytes of data[] */
#define CARDBOOT_CONSOLE_HEAD_OFF  0x08 /* u32, bytes written so far */
#define CARDBOOT_CONSOLE_DATA_OFF  0x10

/* ---- image digest ------------------------------------------------------ */

/* The digest of a loaded image is CRC-32 (IEEE 802.3, the polynomial of
 * zlib and gzip: reflected 0xedb88320, initial and final xor 0xffffffff)
 * over each PT_LOAD segment's file-backed bytes (p_filesz) as they lie in
 * card RAM after relocation, segments in program-header order, chained: the
 * CRC of segment n starts from the CRC of segment n-1. Bytes of the
 * parameter block count as zeros (the host fills it after computing the
 * digest). Zero-filled memory (bss) is not covered, so a payload can check
 * the digest after it has started using its stack and bss. The parameter
 * block lists at most CARDBOOT_MAX_SEGS segments: a payload with more
 * cannot check the digest from it alone. */
#define CARDBOOT_DIGEST_CRC32 CARDBOOT_U(1)

/* ---- ELF notes ----------------------------------------------------------- */

/* Notes with name "cardload" in a PT_NOTE segment tell the loader what the
 * payload needs. Descriptor words are in the ELF file's byte order. */
#define CARDBOOT_NOTE_NAME      "cardload"
#define CARDBOOT_NOTE_NAMESZ    9
/* desc: u32 handoff ABI version (CARDBOOT_ABI_VERSION) */
#define CARDBOOT_NOTE_ABI       1
/* desc: s64 offset of struct cardboot_params from the first byte of this
 * descriptor (position independent: a link-time constant) */
#define CARDBOOT_NOTE_PARAMS    2
/* desc: u64 align, u64 min, u64 max: where the image's lowest loaded byte
 * may go (like Xen's PHYS32_RELOC): a multiple of align (a power of two,
 * at least the largest p_align), at or above min, and the whole image at
 * or below max (inclusive; 0 = no upper limit) */
#define CARDBOOT_NOTE_PLACEMENT 3
/* desc: NUL-terminated board name (boards/NAME.board) the image needs */
#define CARDBOOT_NOTE_BOARD     4
/* desc: NUL-terminated machine name ("riscv64") the image needs */
#define CARDBOOT_NOTE_MACHINE   5
#define CARDBOOT_NOTE_STR_MAX   48 /* bytes, NUL included */
#define CARDBOOT_ABI_VERSION    1

#ifdef __ASSEMBLER__
/* In assembler:  CARDBOOT_NOTE_ABI_ASM
 *                CARDBOOT_NOTE_PARAMS_ASM boot_params */
#define CARDBOOT_NOTE_HEAD_(type, descsz)                               \
	.pushsection .note.cardload, "a", %note;                        \
	.balign 4; .long CARDBOOT_NOTE_NAMESZ; .long descsz;            \
	.long type; .asciz "cardload"; .balign 4
#define CARDBOOT_NOTE_ABI_ASM                                           \
	CARDBOOT_NOTE_HEAD_(CARDBOOT_NOTE_ABI, 4);                      \
	.long CARDBOOT_ABI_VERSION; .popsection
#define CARDBOOT_NOTE_PARAMS_ASM(sym)                                   \
	CARDBOOT_NOTE_HEAD_(CARDBOOT_NOTE_PARAMS, 8);                   \
	990: .quad sym - 990b; .popsection
#define CARDBOOT_NOTE_PLACEMENT_ASM(align, min, max)                    \
	CARDBOOT_NOTE_HEAD_(CARDBOOT_NOTE_PLACEMENT, 24);               \
	.quad align; .quad min; .quad max; .popsection
/* descsz must be the string's length + 1, e.g. 18 for "qemu-virt-riscv64" */
#define CARDBOOT_NOTE_BOARD_ASM(name, descsz)                           \
	CARDBOOT_NOTE_HEAD_(CARDBOOT_NOTE_BOARD, descsz);               \
	.asciz name; .balign 4; .popsection
#else
#define CARDBOOT_STR_(x) #x
#define CARDBOOT_STR(x) CARDBOOT_STR_(x)
#define CARDBOOT_NOTE_HEAD_C_(type, descsz)                             \
	".pushsection .note.cardload, \"a\", %note\n"                    \
	".balign 4\n.long " CARDBOOT_STR(CARDBOOT_NOTE_NAMESZ)            \
	"\n.long " #descsz "\n.long " CARDBOOT_STR(type)                  \
	"\n.asciz \"" CARDBOOT_NOTE_NAME "\"\n.balign 4\n"
/* In C, at file scope:  CARDBOOT_NOTE_ABI_C();
 *                       CARDBOOT_NOTE_PARAMS_C(boot_params); */
#define CARDBOOT_NOTE_ABI_C()                                           \
	__asm__(CARDBOOT_NOTE_HEAD_C_(CARDBOOT_NOTE_ABI, 4)              \
		".long " CARDBOOT_STR(CARDBOOT_ABI_VERSION) "\n.popsection")
#define CARDBOOT_NOTE_PARAMS_C(sym)                                     \
	__asm__(CARDBOOT_NOTE_HEAD_C_(CARDBOOT_NOTE_PARAMS, 8)           \
		"990: .quad " #sym " - 990b\n.popsection")
/*                       CARDBOOT_NOTE_PLACEMENT_C(0x200000, 0x80200000, 0);
 * (numbers as literals: they are pasted into assembler) */
#define CARDBOOT_NOTE_PLACEMENT_C(align, min, max)                      \
	__asm__(CARDBOOT_NOTE_HEAD_C_(CARDBOOT_NOTE_PLACEMENT, 24)       \
		".quad " #align "\n.quad " #min "\n.quad " #max            \
		"\n.popsection")
/*                       CARDBOOT_NOTE_BOARD_C("qemu-virt-riscv64");
 *                       CARDBOOT_NOTE_MACHINE_C("riscv64"); */
#define CARDBOOT_NOTE_STRING_C_(type, str)                              \
	__asm__(".pushsection .note.cardload, \"a\", %note\n"            \
		".balign 4\n.long " CARDBOOT_STR(CARDBOOT_NOTE_NAMESZ)    \
		"\n.long 2f - 1f\n.long " CARDBOOT_STR(type)               \
		"\n.asciz \"" CARDBOOT_NOTE_NAME "\"\n.balign 4\n"          \
		"1: .asciz \"" str "\"\n2: .balign 4\n.popsection")
#define CARDBOOT_NOTE_BOARD_C(name)                                     \
	CARDBOOT_NOTE_STRING_C_(CARDBOOT_NOTE_BOARD, name)
#define CARDBOOT_NOTE_MACHINE_C(name)                                   \
	CARDBOOT_NOTE_STRING_C_(CARDBOOT_NOTE_MACHINE, name)
#endif

/* ---- boot-parameter block ------------------------------------------------ */

/* Filled by the host when the payload carries a CARDBOOT_NOTE_PARAMS note:
 * versioned, fixed-width, little-endian, every unused byte zero. `size` is
 * the number of bytes the host wrote (sizeof for its version). Addresses
 * are card addresses; 0 means "none". */
#define CARDBOOT_PARAMS_MAGIC   CARDBOOT_U(0x4d524150) /* "PARM" */
#define CARDBOOT_PARAMS_VERSION CARDBOOT_U(1)
#define CARDBOOT_MAX_WINDOWS    4
#define CARDBOOT_MAX_SEGS       8
#define CARDBOOT_BOARD_MAX      48

#ifndef __ASSEMBLER__
struct cardboot_window {
	uint64_t addr;
	uint64_t size;
};

struct cardboot_seg {
	uint64_t addr;           /* card address */
	uint64_t filesz;         /* file-backed bytes, covered by the digest */
	uint64_t memsz;
	uint32_t flags;          /* PF_R 4, PF_W 2, PF_X 1 */
	uint32_t reserved;
};

struct cardboot_params {
	uint32_t magic;
	uint32_t version;
	uint32_t size;
	uint32_t flags;
	uint64_t load_base;      /* where the lowest segment landed */
	uint64_t reloc_offset;   /* load_base - link-time base */
	uint64_t entry;
	uint64_t mailbox;        /* struct cardboot_mailbox, 0 if none */
	uint64_t console;        /* console ring, 0 if none */
	uint64_t cmdline;        /* NUL-terminated string, 0 if none */
	uint64_t cmdline_size;   /* bytes including the NUL */
	uint64_t initrd;
	uint64_t initrd_size;
	uint64_t dtb;
	uint64_t dtb_size;
	uint64_t platform_dtb;   /* what the ROM announced, 0 if unknown */
	uint32_t digest;         /* see "image digest" above */
	uint32_t digest_kind;    /* CARDBOOT_DIGEST_CRC32 */
	uint32_t nwindows;
	uint32_t nsegs;          /* may exceed CARDBOOT_MAX_SEGS */
	struct cardboot_window windows[CARDBOOT_MAX_WINDOWS];
	struct cardboot_seg segs[CARDBOOT_MAX_SEGS];
	char board[CARDBOOT_BOARD_MAX];
	uint64_t reserved[8];
};

_Static_assert(sizeof(struct cardboot_params) == 0x230, "params size");
_Static_assert(__builtin_offsetof(struct cardboot_params, digest) == 0x70,
	       "params digest offset");
_Static_assert(__builtin_offsetof(struct cardboot_params, windows) == 0x80,
	       "params windows offset");
#endif /* __ASSEMBLER__ */

#endif /* CARDBOOT_H */
