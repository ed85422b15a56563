#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# first-byte.sh - time from `cardload boot` to the payload's first UART byte
#
#   sh test-harness/bench/first-byte.sh [BUILD_DIR]      (a measurement, not a test)
#
# For each image (BENCH_IMAGES, default the card-bsp hello-dyn.elf.gz and
# big-dyn.elf.gz), BENCH_REPS times (default 5): start a held QEMU card
# (test-harness/card.sh, not timed), run `cardload boot -O mem.path
# -O mem.qmp` and measure, from the moment cardload is started,
#   first byte  the card's UART log file is no longer empty (polled every
#               0.2 ms: the resolution of the numbers)
#   cardload    cardload has exited (hold, write, verify, release done)
# then wait for the payload to power off and stop the card. Prints the
# median, minimum and maximum of each in milliseconds. The machinery is
# bench-lib.sh's.
set -eu
. "$(dirname "$0")/bench-lib.sh"
bench_init first-byte "$@"
IMAGES=${BENCH_IMAGES:-"$CARD_BSP/hello-dyn.elf.gz $CARD_BSP/big-dyn.elf.gz"}
bench_require $IMAGES

for image in $IMAGES; do
	bench_runs "$image" "$image"
done

python3 - "$DIR/results" "$REPS" "$HERE/bench" <<'PY'
import os, sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, sys.argv[3])
import firstbyte
rows = firstbyte.read(sys.argv[1])
print("cardload boot -> first UART byte, QEMU riscv64 virt card (TCG), %s runs each"
      % sys.argv[2])
print("%-20s %10s  %24s  %24s" % ("image", "gz bytes", "first byte ms (min..max)",
                                  "cardload ms (min..max)"))
for image, all_rs in rows.items():
    firsts, dones, notes = firstbyte.split(all_rs)
    print("%-20s %10d  %24s  %24s%s" % (os.path.basename(image), os.path.getsize(image),
          firstbyte.cell(firsts), firstbyte.cell(dones),
          "  (%s)" % ", ".join(notes) if notes else ""))
PY
