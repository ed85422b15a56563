#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# load-riscv64.sh - boot riscv64 ET_DYN payloads into a qemu-virt-riscv64 window
#
# Each load is checked against expect-image.py (an independent model of the
# loader): every segment byte, bss, plan, digest, and the mailbox.
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS

# a. gzip'd, no --base: the lowest fitting address, the window's start.
load_and_check "riscv64-dyn.elf.gz, auto base" "$P/riscv64-dyn.elf.gz" \
	go 0x80000000 --board $RV_BOARD

# The same image uncompressed lands the same way.
load_and_check "riscv64-dyn.elf, auto base" "$P/riscv64-dyn.elf" \
	go 0x80000000 --board $RV_BOARD

# b. an explicit --base, the conventional next-stage address.
load_and_check "riscv64-dyn.elf.gz, --base 0x80200000" \
	"$P/riscv64-dyn.elf.gz" go 0x80200000 --board $RV_BOARD \
	--base 0x80200000

# b. a random base each run: a multiple of the image's largest p_align
# inside the low 64 MiB. E2E_SEED=N repeats a run.
seed=${E2E_SEED:-$RANDOM$RANDOM}
python3 "$EXPECT_IMAGE" "$P/riscv64-dyn.elf.gz" 0x80000000 $WIN_ADDR \
	$WIN_SIZE "$T/probe" >"$T/probe.sum"
base=$(python3 - "$T/probe.sum" "$seed" <<'PY'
import json, random, sys
s = json.load(open(sys.argv[1]))
align, span = max(s["align"], 1), s["span"]
slots = ((64 << 20) - span) // align
print("0x%x" % (0x80000000 + random.Random(int(sys.argv[2])).randrange(slots + 1) * align))
PY
)
diag "random base $base (E2E_SEED=$seed)"
load_and_check "riscv64-dyn.elf.gz, random --base $base" \
	"$P/riscv64-dyn.elf.gz" go "$base" --board $RV_BOARD --base "$base"

# c. packed relative relocations (DT_RELR), auto and at --base.
load_and_check "riscv64-dyn-relr.elf, auto base" "$P/riscv64-dyn-relr.elf" \
	go 0x80000000 --board $RV_BOARD
load_and_check "riscv64-dyn-relr.elf.gz, --base 0x81000000" \
	"$P/riscv64-dyn-relr.elf.gz" go 0x81000000 --board $RV_BOARD \
	--base 0x81000000

done_testing
