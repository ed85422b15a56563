#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dry-run.sh - --dry-run prints the plan and writes nothing; inspect reads only
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS

dry_run() { # LABEL IMAGE BOARD [ARGS...]
	local label=$1 image=$2 board=$3 win sum
	shift 3
	win=$(make_card)
	sum=$(sha "$win")
	run_cl boot --dry-run --json --board "$board" -O mem.path="$win" \
		"$@" "$image"
	if [ "$RC" -eq 0 ]; then
		ok "$label: exits 0"
	else
		not_ok "$label: exits 0" "$(last_run)"
	fi
	python3 "$EXPECT_IMAGE" "$image" "$(json_get "$T/out" plan.base || echo 0x80000000)" \
		$WIN_ADDR $WIN_SIZE "$T/expect" >"$T/expect.sum" 2>&1
	python3 - "$T/out" "$T/expect" "$T/expect.sum" "$label" \
		<<'PY' >"$T/checks" 2>"$T/checks.err"
import json, sys
L = sys.argv[4] + ": "
try:
    j = json.load(open(sys.argv[1]))
except ValueError as e:
    print("not ok\t%sstdout is one JSON object\t%s" % (L, e))
    sys.exit()
print("ok\t%sstdout is one JSON object" % L)
exp = json.load(open(sys.argv[2]))
s = json.load(open(sys.argv[3]))
plan = j.get("plan") or {}
h = lambda v: int(v, 16) if isinstance(v, str) else v
segs = sorted((x.get("phidx"), h(x.get("addr")), x.get("filesz"),
               x.get("memsz")) for x in plan.get("segments") or [])
want = sorted((e["phidx"], e["addr"], e["filesz"], e["memsz"]) for e in exp)
print("ok\t%splan segments match the model" % L if segs == want else
      "not ok\t%splan segments match the model\tplan %s, model %s" %
      (L, segs, want))
print("ok\t%splan entry matches the model" % L
      if h(plan.get("entry")) == int(s["entry"], 16) else
      "not ok\t%splan entry matches the model\tplan %s, model %s" %
      (L, plan.get("entry"), s["entry"]))
res = j.get("result")
print("ok\t%sno result" % L if res is None else
      "not ok\t%sno result\tresult = %s" % (L, json.dumps(res)))
PY
	tap_checks "$label"
	is "$label: window unchanged (sha256)" "$(sha "$win")" "$sum"
	rm -f "$win"
}

# d.
dry_run "riscv64-dyn.elf.gz --dry-run --json" "$P/riscv64-dyn.elf.gz" $RV_BOARD
dry_run "riscv64-dyn.elf.gz --dry-run --json --base 0x80200000" \
	"$P/riscv64-dyn.elf.gz" $RV_BOARD --base 0x80200000
dry_run "riscv64-exec.elf --dry-run --json" "$P/riscv64-exec.elf" $RV_BOARD

# --dry-run without --json: a human plan on stdout, still nothing written.
win=$(make_card)
sum=$(sha "$win")
run_cl boot --dry-run --board $RV_BOARD -O mem.path="$win" \
	"$P/riscv64-dyn.elf.gz"
if [ "$RC" -eq 0 ] && [ -s "$T/out" ]; then
	ok "--dry-run without --json prints a plan"
else
	not_ok "--dry-run without --json prints a plan" "$(last_run)"
fi
is "--dry-run without --json leaves the window unchanged" "$(sha "$win")" "$sum"

# --dry-run on a window file that does not exist must not create it.
run_cl boot --dry-run --json --board $RV_BOARD -O mem.path="$SHM_PREFIX.none" \
	"$P/riscv64-dyn.elf.gz"
if [ ! -e "$SHM_PREFIX.none" ]; then
	ok "--dry-run creates no window file"
else
	not_ok "--dry-run creates no window file" "$(last_run)"
fi

# inspect reads the image only.
run_cl inspect "$P/riscv64-dyn.elf.gz" --json
if [ "$RC" -eq 0 ] && python3 -m json.tool "$T/out" >/dev/null 2>&1; then
	ok "inspect --json prints one JSON object"
else
	not_ok "inspect --json prints one JSON object" "$(last_run)"
fi
run_cl inspect "$P/aarch64-exec.elf"
if [ "$RC" -eq 0 ] && [ -s "$T/out" ]; then
	ok "inspect prints a description"
else
	not_ok "inspect prints a description" "$(last_run)"
fi

done_testing
