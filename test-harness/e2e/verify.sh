#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify.sh - cardload verify IMAGE [boot options] on a card window: exit 0
# when the card holds what `load` with the same options would write
# (whole, --low-memory, compressed or not, after load or boot), exit 9 at
# the first difference with its address and what it belongs to (segment,
# bss, parameter block, command line, blob, mailbox entry), and the window
# is never written
. "$(dirname "$0")/lib.sh"
require_build
require_fault_build

P=$PAYLOADS
CB=${CARD_BSP:-$BUILD_DIR/card-bsp}
CHECK=$CB/check-dyn.elf.gz
LINE="console=ttyS0 lab"

run_cl verify --help
if [ "$RC" -ne 0 ]; then
	not_ok "cardload has a verify command" "$(last_run)"
	done_testing
fi
if [ ! -r "$CHECK" ]; then
	not_ok "card-bsp's check-dyn.elf.gz is built ($CHECK)"
	done_testing
fi

gunzip -c "$CHECK" >"$T/check-dyn.elf"
head -c 20000 /dev/urandom >"$T/blob.bin"

# The boot the lab script asked for, as options after the image.
BOOT=(--board $RV_BOARD --cmdline "$LINE"
      --set "expect_cmdline=str:$LINE" --blob "tbl=$T/blob.bin" --arg 2=@tbl)

# verify_run LABEL WINDOW ARGS...: cardload verify --json into $T/out; one
# point that the window is unchanged. $RC is verify's exit status.
verify_run() {
	local label=$1 win=$2 sum
	shift 2
	sum=$(sha "$win")
	run_cl verify --json -O mem.path="$win" "$@"
	is "$label: window unchanged" "$(sha "$win")" "$sum"
}

# JSON of the last verify: "same compared addr what" (addr and what "-"
# when there is no difference).
verdict() {
	python3 - "$T/out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
d = j.get("first_difference")
h = lambda v: int(v, 16) if isinstance(v, str) else v
print(str(j.get("same")).lower(), j.get("compared"),
      "0x%x" % h(d["addr"]) if d else "-", d["what"] if d else "-")
PY
}

# expect_diff LABEL ADDR WHAT: the last verify found its first difference
# at ADDR in WHAT (exit 9, same false, the message on stderr names ADDR).
expect_diff() {
	local label=$1 addr=$2 what=$3 v
	v=$(verdict 2>&1)
	is "$label: exit 9" "$RC" 9
	is "$label: first difference" "${v#* * }" "$(printf '0x%x' $((addr))) $what"
	case $v in
	false*) ok "$label: same is false" ;;
	*) not_ok "$label: same is false" "$v" ;;
	esac
	if grep -qi "$(printf '0x%x' $((addr)))" "$T/err"; then
		ok "$label: the message names the address"
	else
		not_ok "$label: the message names the address" "$(last_run)"
	fi
}

# ---- a loaded card reads the same ------------------------------------------

win=$(make_card) || { not_ok "make a card window"; done_testing; }
run_cl load --json -O mem.path="$win" "$CHECK" "${BOOT[@]}"
if [ "$RC" -ne 0 ]; then
	not_ok "load with --cmdline, --set, --blob, --arg" "$(last_run)"
	done_testing
fi
ok "load with --cmdline, --set, --blob, --arg"
cp "$T/out" "$T/load.json"
base=$(json_get "$T/load.json" plan.base)
params=$(json_get "$T/load.json" plan.params)
cmdline=$(json_get "$T/load.json" plan.cmdline)
# the last byte of the largest bss, unless the parameter block is there
bss=$(python3 - "$T/load.json" <<'PY'
import json, sys
h = lambda v: int(v, 16) if isinstance(v, str) else v
plan = json.load(open(sys.argv[1]))["plan"]
segs = sorted(plan["segments"], key=lambda s: s["memsz"] - s["filesz"])
s = segs[-1]
last = h(s["addr"]) + s["memsz"] - 1
if s["memsz"] > s["filesz"] and not (plan["params"] and
        0 <= last - h(plan["params"]) < 0x1000):
    print("0x%x %d" % (last, s["phidx"]))
PY
)
diag "base $base, params $params, cmdline $cmdline, bss byte and phidx $bss"

verify_run "same options" "$win" "$CHECK" "${BOOT[@]}"
v=$(verdict)
is "same options: exit 0" "$RC" 0
case $v in
"true "[1-9]*" - -") ok "same options: same, bytes compared, no difference" ;;
*) not_ok "same options: same, bytes compared, no difference" "$v" ;;
esac

run_cl verify -O mem.path="$win" "$CHECK" "${BOOT[@]}"
if [ "$RC" -eq 0 ] && grep -q '^same' "$T/out"; then
	ok "human output: exit 0 and 'same'"
else
	not_ok "human output: exit 0 and 'same'" "$(last_run)"
fi

verify_run "--low-memory" "$win" --low-memory "$CHECK" "${BOOT[@]}"
is "--low-memory (streamed): exit 0" "$RC" 0
verify_run "uncompressed ELF" "$win" "$T/check-dyn.elf" "${BOOT[@]}"
is "the same ELF uncompressed: exit 0" "$RC" 0
verify_run "uncompressed, --low-memory" "$win" --low-memory \
	"$T/check-dyn.elf" "${BOOT[@]}"
is "the same ELF uncompressed, --low-memory: exit 0" "$RC" 0

# a transport that fails every write: verify never writes (the fault
# options are in the fault-injecting build only)
CARDLOAD=$CARDLOAD_FAULT verify_run "fault.fail=write" "$win" \
	-O fault.fail=write:1:always "$CHECK" "${BOOT[@]}"
is "with every write failing: still exit 0 (nothing written)" "$RC" 0

# ---- one byte changed ------------------------------------------------------

# flip LABEL ADDR WHAT [VERIFY ARGS...]: change the byte at card ADDR, expect
# verify to name it, put it back.
flip() {
	local label=$1 addr=$2 what=$3 off old
	shift 3
	off=$((addr - WIN_ADDR))
	old=$(od -An -tu1 -j $off -N1 "$win" | tr -d ' ')
	put_word "$win" $off 1 $(((old + 0x41) & 0xff))
	verify_run "$label" "$win" "$@" "$CHECK" "${BOOT[@]}"
	expect_diff "$label" "$addr" "$what"
	put_word "$win" $off 1 "$old"
}

flip "text byte" $((base + 0x40)) "image 0 segment 0"
flip "text byte, --low-memory" $((base + 0x40)) "image 0 segment 0" \
	--low-memory
if [ -n "$bss" ]; then
	flip "bss byte" "${bss% *}" "image 0 segment ${bss#* } bss"
else
	not_ok "check-dyn.elf has bss clear of its parameter block" \
		"$(cat "$T/load.json")"
fi
flip "parameter block" $((params + 0x20)) "image 0 params"
flip "command line" $((cmdline + 3)) "image 0 cmdline"
blob=$(python3 - "$T/load.json" <<'PY'
import json, sys
for d in json.load(open(sys.argv[1]))["boot"].get("data", []):
    if d.get("name") == "tbl":
        print(int(d["addr"], 16) if isinstance(d["addr"], str) else d["addr"])
PY
)
if [ -n "$blob" ]; then
	flip "blob" $((blob + 19999)) "blob 'tbl'"
else
	not_ok "load --json lists blob tbl under boot.data" "$(cat "$T/load.json")"
fi

old=$(mb_word "$win" $MB_ENTRY 8)
put_word "$win" $((MB_OFF + MB_ENTRY)) 8 $((old + 4))
verify_run "mailbox entry" "$win" "$CHECK" "${BOOT[@]}"
expect_diff "mailbox entry" $((MB_ADDR + MB_ENTRY)) "mailbox entry"
put_word "$win" $((MB_OFF + MB_ENTRY)) 8 "$old"

# ---- other options, other images, other cards ------------------------------

verify_run "another --cmdline" "$win" "$CHECK" --board $RV_BOARD \
	--cmdline "console=ttyS1 lab" --set "expect_cmdline=str:$LINE" \
	--blob "tbl=$T/blob.bin" --arg 2=@tbl
expect_diff "another --cmdline" $((cmdline + 12)) "image 0 cmdline"

verify_run "without --blob" "$win" "$CHECK" --board $RV_BOARD \
	--cmdline "$LINE" --set "expect_cmdline=str:$LINE"
is "without --blob and --arg: exit 9 (the staged arguments differ)" "$RC" 9

verify_run "another image" "$win" "$P/riscv64-dyn.elf.gz" --board $RV_BOARD
is "another image: exit 9" "$RC" 9

# a zeroed card whose ROM is ready (make_card's fill could match a byte)
fresh=$(make_window) && rom_ready "$fresh"
verify_run "a card never loaded" "$fresh" "$CHECK" "${BOOT[@]}"
expect_diff "a card never loaded" $((base)) "image 0 segment 0"

# boot (released, GO written) leaves the card verifying the same while its
# CPU has not run (no QEMU here)
run_cl boot -O mem.path="$fresh" "$CHECK" "${BOOT[@]}"
is "boot the fresh card: exit 0" "$RC" 0
verify_run "after boot" "$fresh" "$CHECK" "${BOOT[@]}"
is "after boot: exit 0" "$RC" 0

done_testing
