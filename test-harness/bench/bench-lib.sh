# SPDX-License-Identifier: GPL-2.0-or-later
# bench-lib.sh - shared machinery of the QEMU card benchmarks (sourced, sh)
#
#   . "$(dirname "$0")/bench-lib.sh"
#   bench_init NAME "$@"
#
# bench_init NAME [BUILD_DIR]   sets O (BUILD_DIR, default build), HERE
#                               (test-harness/), CARDLOAD, CARD_BSP,
#                               CARDLOAD_ROM, REPS (BENCH_REPS, default 5)
#                               and DIR, a temporary directory removed on
#                               exit together with the card started in it
# bench_require FILE...         exit 1 naming the first unreadable file
#                               (cardload and the ROM are always checked)
# bench_runs LABEL ARGS...      REPS times: start a held QEMU card
#                               (card.sh, not timed), run bench_measure ARGS,
#                               append "LABEL FIRST_MS EXIT_MS STATUS" to
#                               $DIR/results, wait for the payload to power
#                               the card off, stop the card
# bench_measure ARGS...         on the card whose env is loaded: run
#                               `cardload boot --board qemu-virt-riscv64
#                               -O mem.path -O mem.qmp --no-progress ARGS`
#                               and print "FIRST_MS EXIT_MS STATUS":
#   FIRST_MS  from the moment cardload is started until the card's UART
#             log is no longer empty (polled every 0.2 ms: the resolution
#             of the numbers); "-" if nothing came within 30 s
#   EXIT_MS   until cardload has exited (hold, write, verify, release)
#   STATUS    cardload's exit status (its stderr goes to ours when not 0)

bench_init() { # NAME [BUILD_DIR]
	BENCH_NAME=$1
	O=${2:-build}
	HERE=$(cd "$(dirname "$0")/.." && pwd)
	CARDLOAD=$(cd "$(dirname "$O/cardload")" && pwd)/cardload
	CARD_BSP=$O/card-bsp
	CARDLOAD_ROM=${CARDLOAD_ROM:-$CARD_BSP/rom.bin}
	export CARDLOAD_ROM
	REPS=${BENCH_REPS:-5}
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/cardload-bench.XXXXXX")
	trap 'sh "$HERE/card.sh" stop "$DIR/card"; rm -rf "$DIR"' EXIT
	trap 'exit 130' INT TERM HUP
	: >"$DIR/results"
}

bench_require() { # FILE...
	for f in "$CARDLOAD" "$CARDLOAD_ROM" "$@"; do
		[ -r "$f" ] || { echo "$BENCH_NAME: missing '$f'" >&2; exit 1; }
	done
}

bench_measure() { # ARGS...
	python3 - "$BENCH_NAME" "$CARDLOAD" "$RAM" "$QMP" "$UART" "$@" <<'PY'
import os, subprocess, sys, time
name, cl, ram, qmp, uart = sys.argv[1:6]
argv = [cl, "boot", "--board", "qemu-virt-riscv64", "-O", "mem.path=" + ram,
        "-O", "mem.qmp=" + qmp, "--no-progress"] + sys.argv[6:]
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
    sys.stderr.write("%s: cardload exited %d: %s\n" % (name, rc, err.strip()))
print("%s %.1f %d" % ("-" if first is None else "%.1f" % (first * 1e3),
                      done * 1e3, rc))
PY
}

bench_runs() { # LABEL ARGS...
	_label=$1
	shift
	_r=1
	while [ "$_r" -le "$REPS" ]; do
		sh "$HERE/card.sh" start "$DIR/card" bench
		. "$DIR/card/env"
		_m=$(bench_measure "$@")
		echo "$_label $_m" >>"$DIR/results"
		sh "$HERE/card.sh" wait-exit "$DIR/card" 30 ||
			echo "$BENCH_NAME: $_label: the card did not power off" >&2
		sh "$HERE/card.sh" stop "$DIR/card"
		_r=$((_r + 1))
	done
}
