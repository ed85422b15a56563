/* SPDX-License-Identifier: GPL-2.0-or-later */
/* payload.h - sizes shared by the test payload's C and assembly files */
#ifndef PAYLOAD_H
#define PAYLOAD_H

#define PAYLOAD_BSS_SIZE  (96 * 1024) /* scratch buffer in .bss */
#define PAYLOAD_STACK_SIZE (16 * 1024)

#ifndef __ASSEMBLER__
int main(void);
#endif

#endif /* PAYLOAD_H */
