#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# usb.sh - USB FEL throughput: cardload against sunxi-fel, in one VM run
#
#   sh test-harness/bench/usb.sh [BUILD_DIR]     (a measurement, not a test)
#
# Boots the Linux test VM (test-harness/vm/, as e2e/usb-vm.sh does) with one
# 128 MiB ivshmem device and cardload.tests=usbbench: the guest
# (vm/usb-bench.sh) serves that memory through two FEL gadgets on dummy_hcd
# (felmon), one at SuperSpeed and one at high speed, and times, round after
# round, sunxi-fel write and read of 40 MiB of random bytes against
# cardload load of the same bytes (whole command, and its write and verify
# phases as cardload times them). Prints the median MB/s (10^6 bytes/s) of
# each over BENCH_ROUNDS rounds (default 3), with minimum and maximum, and
# the ratios the README quotes: cardload's write phase to sunxi-fel write,
# cardload load (write + verify) to sunxi-fel write + read, and at high
# speed cardload's write phase to dummy_hcd's model limit (13 packets of
# 512 bytes per 125 us microframe: 53.2 MB/s).
set -eu
O=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
VM_OUT=${VM_OUT:-$O/vm}
ROUNDS=${BENCH_ROUNDS:-3}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/cardload-usbbench.XXXXXX")
MEM=/dev/shm/cardload-usbbench-$$
trap 'rm -rf "$DIR"; rm -f "$MEM"' EXIT
[ -n "${BENCH_KEEP:-}" ] && trap 'echo "usb.sh: kept $DIR"; rm -f "$MEM"' EXIT
trap 'exit 130' INT TERM HUP

for f in "$O/cardload" "$O/felmon"; do
	[ -x "$f" ] || { echo "usb.sh: missing '$f' (make all unit-tests)" >&2; exit 1; }
done
command -v sunxi-fel >/dev/null 2>&1 ||
	{ echo "usb.sh: no sunxi-fel (sh test-harness/deps.sh)" >&2; exit 1; }
BUILD_DIR=$O CARDLOAD=$O/cardload sh test-harness/vm/build.sh "$VM_OUT" \
	>"$DIR/build.log" 2>&1 </dev/null ||
	{ tail -c 2000 "$DIR/build.log" >&2; exit 1; }
truncate -s 128M "$MEM"
VM_APPEND="cardload.tests=usbbench cardload.mem=00:04.0 cardload.rounds=$ROUNDS" \
VM_TIMEOUT=${VM_TIMEOUT:-600} sh test-harness/vm/vm.sh run "$VM_OUT" "$DIR/vm.log" \
	-object memory-backend-file,id=m0,size=128M,mem-path="$MEM",share=on \
	-device ivshmem-plain,memdev=m0,addr=0x4 ||
	{ echo "usb.sh: the VM failed: $(tail -c 1500 "$DIR/vm.log")" >&2; exit 1; }
tr -d '\r' <"$DIR/vm.log" | sed -n 's/^TAP| BENCH|//p' >"$DIR/bench"
[ -s "$DIR/bench" ] ||
	{ echo "usb.sh: no figures from the VM: $(tail -c 1500 "$DIR/vm.log")" >&2; exit 1; }

python3 - "$DIR/bench" "$ROUNDS" <<'PY'
import statistics, sys
rows, notes = {}, []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("|", 2)
    if f[0] == "#":
        notes.append("|".join(f[1:]))
        continue
    sp, what, v = f
    rows.setdefault(sp, {}).setdefault(what, []).append(float(v))
print("USB FEL throughput, 40 MiB, MB/s (10^6 bytes/s), median of %s rounds"
      " [min-max]" % sys.argv[2])
for n in notes:
    print("  " + n)
name = {"5000": "SuperSpeed", "480": "high speed"}
for sp in sorted(rows, key=lambda s: -float(s)):
    r = rows[sp]
    med = {k: statistics.median(v) for k, v in r.items()}
    print("%s (%s Mbit/s):" % (name.get(sp, sp), sp))
    for what, v in r.items():
        print("  %-40s %6.1f  [%.1f-%.1f]" % (what, med[what], min(v), max(v)))
    def ratio(a, b, label):
        if a in med and b in med:
            print("  %-40s %6.2f" % (label, med[a] / med[b]))
    ratio("cardload write phase", "sunxi-fel write",
          "cardload write / sunxi-fel write")
    w, rd = med.get("sunxi-fel write"), med.get("sunxi-fel read")
    if w and rd and "cardload load (write + verify)" in med:
        pair = 1 / (1 / w + 1 / rd)  # 40 MiB over write time + read time
        print("  %-40s %6.2f" % ("cardload load / (sunxi-fel write + read)",
                                 med["cardload load (write + verify)"] / pair))
    if sp == "480" and "cardload write phase" in med:
        print("  %-40s %6.2f" % ("cardload write / model limit 53.2 MB/s",
                                 med["cardload write phase"] / 53.248))
PY
