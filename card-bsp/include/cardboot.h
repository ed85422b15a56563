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

/* ---- mailbox ---------------------------------------------------------- */

#define CARDBOOT_MB_MAGIC       0x584f4243u /* "CBOX" as little-endian bytes */
#define CARDBOOT_MB_VERSION     1u

#define CARDBOOT_READY          0x59444552u /* "REDY": ROM is spinning       */
#define CARDBOOT_HOLD           0x00000000u /* go word: stay in the ROM      */
#define CARDBOOT_GO             0x21216f47u /* "Go!!": jump to entry         */
#define CARDBOOT_STAGED         0x47415453u /* "STAG": entry/args are valid  */

/* Status values a payload posts in the status word. 0 means "nothing yet".
 * The low 16 bits of a DONE or FAIL status carry a payload-defined code. */
#define CARDBOOT_STATUS_NONE    0x00000000u
#define CARDBOOT_STATUS_RUNNING 0x4e555200u /* "\0RUN" */
#define CARDBOOT_STATUS_DONE(code) (0x4f440000u | ((code) & 0xffffu))
#define CARDBOOT_STATUS_FAIL(code) (0x4c460000u | ((code) & 0xffffu))
#define CARDBOOT_STATUS_KIND(s) ((s) & 0xffff0000u)

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

/* ---- image digest ------------------------------------------------------ */

/* The digest of a loaded image is CRC-32 (IEEE 802.3, the polynomial of
 * zlib and gzip: reflected 0xedb88320, initial and final xor 0xffffffff),
 * computed over each PT_LOAD segment's memsz bytes as they lie in card RAM
 * after relocation, segments in program-header order, chained: the CRC of
 * segment n starts from the CRC of segment n-1. A card can compute it with
 * a ten-line bitwise loop. */
#define CARDBOOT_DIGEST_CRC32 1u

#endif /* CARDBOOT_H */
