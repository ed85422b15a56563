#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# first-instruction.sh - time to the payload's first instruction: cardload's
#                        host-side inflate versus inflating on the card
#
#   sh test-harness/bench/first-instruction.sh [BUILD_DIR]   (a measurement, not a test)
#
# The same payload bytes, booted two ways on a held QEMU card:
#   host  cardload boot PAYLOAD.elf.gz: the host inflates, writes, verifies
#         and releases the card at the payload's entry
#   card  cardload boot inflate.elf --initrd PAYLOAD.bin.gz: the host writes
#         card-bsp's gunzip stub (examples/inflate) and the still-compressed
#         raw binary; the card's CPU inflates it, checks CRC-32 and size,
#         zeroes the bss and jumps to the entry
# For each payload (BENCH_PAYLOADS, names of fixed-address card-bsp
# payloads with .elf.gz and .bin.gz; default inflate-bench, hello-exec plus
# 24 MiB of compressible data, from `make -C card-bsp inflate-bench`, and
# hello-exec), BENCH_REPS times each way (default 5): bench-lib.sh's
# bench_runs, which measures from the moment cardload is started until the
# card's first UART byte. That byte is the payload's ("hello: start"): the
# stub prints nothing before it jumps. Also measured: until cardload exits.
# Prints median, minimum and maximum in milliseconds and, per payload, the
# factor card / host of the first-byte medians.
set -eu
. "$(dirname "$0")/bench-lib.sh"
bench_init first-instruction "$@"
NM=${NM:-llvm-nm}
PAYLOADS=${BENCH_PAYLOADS:-"inflate-bench hello-exec"}
STUB=$CARD_BSP/inflate.elf
for p in $PAYLOADS; do
	bench_require "$STUB" "$CARD_BSP/$p.elf" "$CARD_BSP/$p.elf.gz" \
		"$CARD_BSP/$p.bin" "$CARD_BSP/$p.bin.gz"
done

# The stub needs the payload's link address and its size in memory.
sym() { # ELF SYMBOL -> 0x...
	"$NM" "$1" | awk -v s="$2" '$3 == s { print "0x" $1; f = 1 }
		END { exit !f }'
}

for p in $PAYLOADS; do
	elf=$CARD_BSP/$p.elf
	start=$(sym "$elf" __image_start) && end=$(sym "$elf" __image_end) || {
		echo "first-instruction: no __image_start/__image_end in $elf" >&2
		exit 1
	}
	bench_runs "$p:host" "$CARD_BSP/$p.elf.gz"
	bench_runs "$p:card" "$STUB" --initrd "$CARD_BSP/$p.bin.gz" \
		--set inflate_dest="$start" \
		--set inflate_memsz=$((end - start))
done

python3 - "$DIR/results" "$REPS" "$CARD_BSP" "$HERE/bench" <<'PY'
import os, statistics, sys
results, reps, bsp, here = sys.argv[1:]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, here)
from firstbyte import cell, read, split
rows = read(results)

print("cardload boot -> payload's first UART byte, QEMU riscv64 virt card (TCG), "
      "%s runs each" % reps)
print("  host: cardload inflates PAYLOAD.elf.gz; card: inflate.elf gunzips "
      "PAYLOAD.bin.gz on the card")
print("%-20s %10s %10s  %24s  %24s" % ("payload:way", "raw bytes", "gz bytes",
      "first byte ms (min..max)", "cardload ms (min..max)"))
medians = {}
for label, all_rs in rows.items():
    payload, how = label.split(":")
    firsts, dones, notes = split(all_rs)
    raw = os.path.getsize(os.path.join(bsp, payload + ".bin"))
    gz = os.path.join(bsp, payload + (".elf.gz" if how == "host" else ".bin.gz"))
    if firsts:
        medians[(payload, how)] = statistics.median(firsts)
    print("%-20s %10d %10d  %24s  %24s%s" % (label, raw, os.path.getsize(gz),
          cell(firsts), cell(dones), "  (%s)" % ", ".join(notes) if notes else ""))
for payload in dict.fromkeys(l.split(":")[0] for l in rows):
    h, c = medians.get((payload, "host")), medians.get((payload, "card"))
    if h and c:
        print("%s: card / host = %.2f (first-byte medians %.1f / %.1f ms)"
              % (payload, c / h, c, h))
PY
