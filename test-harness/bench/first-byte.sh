#!/bin/sh
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
# median, minimum and maximum of each in milliseconds.
set -eu
O=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
CARDLOAD=$(cd "$(dirname "$O/cardload")" && pwd)/cardload
CARD_BSP=$O/card-bsp
export CARDLOAD_ROM="${CARDLOAD_ROM:-$CARD_BSP/rom.bin}"
REPS=${BENCH_REPS:-5}
IMAGES=${BENCH_IMAGES:-"$CARD_BSP/hello-dyn.elf.gz $CARD_BSP/big-dyn.elf.gz"}

DIR=$(mktemp -d "${TMPDIR:-/tmp}/cardload-bench.XXXXXX")
cleanup() {
	sh "$here/card.sh" stop "$DIR/card"
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for f in "$CARDLOAD" "$CARDLOAD_ROM" $IMAGES; do
	[ -r "$f" ] || { echo "first-byte: missing '$f'" >&2; exit 1; }
done

# One run: prints "FIRST_MS EXIT_MS STATUS" (FIRST_MS "-" if no byte came,
# STATUS cardload's exit status; its stderr goes to ours when not 0).
measure() { # IMAGE
	python3 - "$CARDLOAD" "$RAM" "$QMP" "$UART" "$1" <<'PY'
import os, subprocess, sys, time
cl, ram, qmp, uart, image = sys.argv[1:]
argv = [cl, "boot", "--board", "qemu-virt-riscv64", "-O", "mem.path=" + ram,
        "-O", "mem.qmp=" + qmp, "--no-progress", image]
t0 = time.perf_counter()
p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
first = done = None
while first is None and time.perf_counter() - t0 < 30:
    if os.stat(uart).st_size > 0:
        first = time.perf_counter() - t0
    elif done is None and p.poll() is not None:
        done = time.perf_counter() - t0
    else:
        time.sleep(0.0002)
err = p.stderr.read().decode(errors="replace")
rc = p.wait()
if done is None:
    done = time.perf_counter() - t0
if rc != 0:
    sys.stderr.write("first-byte: cardload exited %d: %s\n" % (rc, err.strip()))
print("%s %.1f %d" % ("-" if first is None else "%.1f" % (first * 1e3),
                      done * 1e3, rc))
PY
}

results=$DIR/results
: >"$results"
for image in $IMAGES; do
	r=1
	while [ "$r" -le "$REPS" ]; do
		sh "$here/card.sh" start "$DIR/card" bench
		. "$DIR/card/env"
		m=$(measure "$image")
		echo "$image $m" >>"$results"
		sh "$here/card.sh" wait-exit "$DIR/card" 30 ||
			echo "first-byte: $image: the card did not power off" >&2
		sh "$here/card.sh" stop "$DIR/card"
		r=$((r + 1))
	done
done

python3 - "$results" "$REPS" <<'PY'
import os, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    image, first, done, rc = line.split()
    rows.setdefault(image, []).append((first, float(done), int(rc)))
print("cardload boot -> first UART byte, QEMU riscv64 virt card (TCG), %s runs each"
      % sys.argv[2])
print("%-20s %10s  %24s  %24s" % ("image", "gz bytes", "first byte ms (min..max)",
                                  "cardload ms (min..max)"))
def cell(v):
    return "%8.1f (%.1f..%.1f)" % (statistics.median(v), min(v), max(v)) if v else "-"
for image, all_rs in rows.items():
    rs = [r for r in all_rs if r[2] == 0]
    firsts = [float(f) for f, _, _ in rs if f != "-"]
    dones = [d for _, d, _ in rs]
    notes = []
    if len(rs) < len(all_rs):
        notes.append("%d runs failed, left out" % (len(all_rs) - len(rs)))
    if len(firsts) < len(rs):
        notes.append("%d runs without output" % (len(rs) - len(firsts)))
    print("%-20s %10d  %24s  %24s%s" % (os.path.basename(image), os.path.getsize(image),
          cell(firsts), cell(dones), "  (%s)" % ", ".join(notes) if notes else ""))
PY
