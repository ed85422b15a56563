#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gdb.sh - load and verify of 40 MiB through QEMU's gdbstub: cardload
#          against gdb-multiarch
#
#   sh test-harness/bench/gdb.sh [BUILD_DIR]     (a measurement, not a test)
#
# The image is BUILD_DIR/bench/gdb40.elf (test-harness/bench/gdbimage.sh,
# made here when missing): 40 MiB of pseudo-random bytes in one PT_LOAD at
# 0x80200000. Every run gets a fresh QEMU riscv64 virt card with no ROM
# (-bios none), held by -S, its 128 MiB of RAM in a file in /dev/shm and its
# gdbstub on a unix socket (started and stopped around the run, not timed).
# BENCH_REPS rounds (default 5), each running, in an order that alternates
# from round to round:
#   gdb       gdb-multiarch -batch IMAGE -ex 'target remote SOCK' -ex load
#             -ex compare-sections, the whole command timed, and `load` and
#             `compare-sections` apart (gdb's `shell date` between them); it
#             must print "matched" for every section
#   cardload  cardload load --board qemu-virt-riscv64-gdb
#             -O gdb.addr=unix:SOCK --json IMAGE, the whole command timed,
#             and its write and verify phases as it times them itself
#             (write_us, verify_us)
# After each run the RAM file must hold the image's bytes at 0x80200000
# (offset 0x200000); a run that fails or leaves other bytes is not counted
# and is reported. Prints medians [min-max] in seconds and in MB/s
# (10^6 bytes/s) of the 40 MiB.
set -eu
. "$(dirname "$0")/bench-lib.sh"
bench_init gdb "$@"
QEMU_RV=${QEMU:-qemu-system-riscv64}
GDB=${GDB:-gdb-multiarch}
IMAGE=$O/bench/gdb40.elf
BIN=$O/bench/gdb40.bin
RAM=/dev/shm/cardload-gdbbench-$$
SOCK=$DIR/gdb.sock
QPID=
trap 'stop_card; rm -rf "$DIR"' EXIT

for t in "$QEMU_RV" "$GDB"; do
	command -v "$t" >/dev/null 2>&1 || { echo "gdb.sh: no $t" >&2; exit 1; }
done
[ -x "$CARDLOAD" ] || { echo "gdb.sh: missing '$CARDLOAD'" >&2; exit 1; }
sh "$HERE/bench/gdbimage.sh" "$O"
SIZE=$(wc -c <"$BIN")

now_ns() { date +%s%N; }

stop_card() {
	if [ -n "$QPID" ]; then
		kill "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
		QPID=
	fi
	rm -f "$RAM" "$SOCK"
}

start_card() {
	stop_card
	"$QEMU_RV" -M virt,memory-backend=m -object \
		memory-backend-file,id=m,size=128M,mem-path="$RAM",share=on \
		-m 128M -smp 1 -bios none -S \
		-gdb unix:"$SOCK",server=on,wait=off -nographic -monitor none \
		-serial file:"$DIR/uart.log" </dev/null >"$DIR/qemu.log" 2>&1 &
	QPID=$!
	i=0
	while [ ! -S "$SOCK" ]; do
		kill -0 "$QPID" 2>/dev/null && [ $i -lt 1000 ] || {
			echo "gdb.sh: QEMU did not start:" \
				"$(tail -c 500 "$DIR/qemu.log")" >&2
			exit 1
		}
		sleep 0.01
		i=$((i + 1))
	done
}

# ram_ok: the card's RAM holds the image at 0x80200000
ram_ok() { cmp -s -n "$SIZE" -i 0:2097152 "$BIN" "$RAM"; }

# fail WHAT FILE: report a run not counted, with the end of FILE
fail() {
	echo "gdb.sh: $1: $(tail -c 600 "$2")" >&2
}

run_gdb() {
	start_card
	t0=$(now_ns)
	"$GDB" -batch -nx "$IMAGE" -ex "target remote $SOCK" \
		-ex "shell date +%s%N >$DIR/t1" -ex load \
		-ex "shell date +%s%N >$DIR/t2" -ex compare-sections \
		-ex "shell date +%s%N >$DIR/t3" </dev/null >"$DIR/gdb.out" 2>&1 ||
		{ fail "gdb-multiarch exited $?" "$DIR/gdb.out"; return 0; }
	t4=$(now_ns)
	nsec=$(grep -c '^Section ' "$DIR/gdb.out" || true)
	nok=$(grep -c '^Section .*: matched\.$' "$DIR/gdb.out" || true)
	[ "$nsec" -gt 0 ] && [ "$nok" -eq "$nsec" ] ||
		{ fail "gdb compare-sections did not match" "$DIR/gdb.out"; return 0; }
	ram_ok || { fail "RAM differs from the image after gdb" "$DIR/gdb.out"; return 0; }
	echo "gdb $((t4 - t0)) $(($(cat "$DIR/t2") - $(cat "$DIR/t1")))" \
		"$(($(cat "$DIR/t3") - $(cat "$DIR/t2")))" >>"$DIR/results"
}

run_cardload() {
	start_card
	t0=$(now_ns)
	"$CARDLOAD" load --board qemu-virt-riscv64-gdb -O gdb.addr=unix:"$SOCK" \
		--no-progress --json "$IMAGE" </dev/null >"$DIR/cl.out" \
		2>"$DIR/cl.err" ||
		{ fail "cardload exited $?" "$DIR/cl.err"; return 0; }
	t1=$(now_ns)
	ram_ok || { fail "RAM differs from the image after cardload" "$DIR/cl.err"; return 0; }
	w=$(tr ',' '\n' <"$DIR/cl.out" | sed -n 's/^ *"write_us": *\([0-9]*\).*/\1/p')
	v=$(tr ',' '\n' <"$DIR/cl.out" | sed -n 's/^ *"verify_us": *\([0-9]*\).*/\1/p')
	echo "cardload $((t1 - t0)) $((${w:-0} * 1000)) $((${v:-0} * 1000))" \
		>>"$DIR/results"
}

r=0
while [ $r -lt "$REPS" ]; do
	if [ $((r % 2)) -eq 0 ]; then
		run_gdb
		run_cardload
	else
		run_cardload
		run_gdb
	fi
	stop_card
	r=$((r + 1))
done

python3 - "$DIR/results" "$SIZE" "$REPS" "$("$QEMU_RV" --version | head -1)" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    k, *ns = line.split()
    rows.setdefault(k, []).append([int(x) / 1e9 for x in ns])
size, reps, qemu = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print("GDB remote load and verify of %.0f MiB through the gdbstub of %s"
      % (size / 2**20, qemu.split(" (")[0].replace("QEMU emulator version",
                                                   "QEMU")))
print("(riscv64 virt, unix socket), median of %d rounds [min-max]" % reps)
print("  %-44s %17s  %s" % ("", "seconds", "MB/s"))
parts = {
    "gdb": ("gdb-multiarch -batch load + compare-sections", "  load",
            "  compare-sections"),
    "cardload": ("cardload load (write + verify)", "  write phase (write_us)",
                 "  verify phase (verify_us)"),
}
for k in ("gdb", "cardload"):
    runs = rows.get(k, [])
    if not runs:
        print("  %-44s  no run succeeded (of %d)" % (parts[k][0], reps))
        continue
    for i, label in enumerate(parts[k]):
        v = [r[i] for r in runs if r[i] > 0]
        if not v:
            continue
        m = statistics.median(v)
        print("  %-44s %6.2f [%.2f-%.2f]  %5.1f [%.1f-%.1f]" % (
            label, m, min(v), max(v), size / m / 1e6, size / max(v) / 1e6,
            size / min(v) / 1e6))
    if len(runs) < reps:
        print("  %-44s  %d of %d runs failed (see above)" % ("", reps - len(runs),
                                                          reps))
PY
