#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# load-other.sh - fixed-address (ET_EXEC) and aarch64 payloads
#
# riscv64 ET_EXEC on the qemu-virt-riscv64 board; aarch64 ET_DYN and
# ET_EXEC on boards generated here with the same memory layout.
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS

# ET_EXEC goes to p_paddr: 0x80200000, whatever is free lower down.
load_and_check "riscv64-exec.elf.gz at p_paddr" "$P/riscv64-exec.elf.gz" \
	go 0x80200000 --board $RV_BOARD

a64=$(make_board aarch64)
any=$(make_board "")

load_and_check "aarch64-dyn.elf, auto base, machine = aarch64 board" \
	"$P/aarch64-dyn.elf" go 0x80000000 --board "$a64"
load_and_check "aarch64-dyn.elf.gz, --base 0x80800000" \
	"$P/aarch64-dyn.elf.gz" go 0x80800000 --board "$a64" --base 0x80800000
load_and_check "aarch64-exec.elf at p_paddr, board without machine" \
	"$P/aarch64-exec.elf" go 0x80400000 --board "$any"
load_and_check "aarch64-exec.elf.gz at p_paddr, machine = aarch64 board" \
	"$P/aarch64-exec.elf.gz" go 0x80400000 --board "$a64"

done_testing
