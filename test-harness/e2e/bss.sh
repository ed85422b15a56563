#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bss.sh - memsz beyond filesz is zeroed even where card RAM held other data
#
# The window is filled with 0xff first (RAM after an earlier payload, not a
# fresh zero file), so a loader that skips zero-filling "known zero" memory
# or stops at filesz is caught.
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS

bss_case() { # LABEL IMAGE FILL_OFFSET FILL_LEN [ARGS...]
	local label=$1 image=$2 off=$3 len=$4 win before
	shift 4
	win=$(make_card 0xff)
	fill_range "$win" "$off" "$len" 0xff
	before=$(snapshot "$win")
	run_cl boot --json -O mem.path="$win" "$@" "$image"
	check_load "$label" "$image" "$win" "$before" go ""
	# The same, said directly: every bss byte of the plan reads zero.
	python3 - "$T/out" "$win" "$label" <<'PY' >"$T/checks" 2>"$T/checks.err"
import json, sys
try:
    plan = json.load(open(sys.argv[1]))["plan"]
except (ValueError, KeyError, TypeError) as e:
    print("not ok\t%s: bss ranges of the plan read zero\tno plan: %s" %
          (sys.argv[3], e))
    sys.exit()
data = open(sys.argv[2], "rb").read()
h = lambda v: int(v, 16) if isinstance(v, str) else v
bad, total = [], 0
for s in plan["segments"]:
    off = h(s["window_offset"])
    z = data[off + s["filesz"]:off + s["memsz"]]
    total += len(z)
    if z.count(0) != len(z):
        bad.append("phidx %s: %d non-zero bytes" % (s["phidx"], len(z) - z.count(0)))
L = sys.argv[3] + ": "
print("ok\t%sall %d bss bytes of the plan read zero" % (L, total)
      if total and not bad else
      "not ok\t%sbss ranges of the plan read zero\t%s" %
      (L, "; ".join(bad) or "no bss in plan"))
PY
	tap_checks "$label"
	rm -f "$win" "$before"
}

# e.
bss_case "riscv64-dyn.elf.gz over 0xff" "$P/riscv64-dyn.elf.gz" \
	0 $((4 << 20)) --board $RV_BOARD
bss_case "riscv64-dyn.elf.gz at --base 0x83000000 over 0xff" \
	"$P/riscv64-dyn.elf.gz" $((0x3000000)) $((1 << 20)) --board $RV_BOARD \
	--base 0x83000000
bss_case "riscv64-exec.elf over 0xff" "$P/riscv64-exec.elf" \
	0 $((4 << 20)) --board $RV_BOARD

done_testing
