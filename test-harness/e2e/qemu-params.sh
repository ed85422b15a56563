#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# qemu-params.sh - what cardload hands a payload besides its image, on a
# real QEMU RISC-V card: command line, initrd, device tree, patched
# globals, argument references, several images in one boot, placement and
# board notes, and refusals that leave the card untouched
#
# Each case starts its own card (test-harness/card.sh: qemu-system-riscv64
# -M virt, RAM in a /dev/shm file, the card-bsp ROM in pflash, held with
# -S), boots with `cardload boot -O mem.path -O mem.qmp --json --wait`,
# waits for the payload to power the machine off and compares what it
# printed on its UART with what cardload printed (--json) and with card RAM.
# The payloads are card-bsp's: check-dyn (checks cmdline, initrd and DTB
# against globals set with --set), stage1 (jumps to a2), hello-dyn and
# placed-dyn (PLACEMENT and BOARD notes). E2E_SEED=N repeats a run's initrd.
#
#   a   check-dyn: --cmdline, --initrd, --set, --dtb-from-card, --arg 1=@dtb
#   a2  the same with the ROM running (no QMP): @hartid, @platform-dtb
#   a3  the same as a --recipe
#   b   check-dyn with --dtb FILE (QEMU's own, dumped for two harts)
#   c   stage1 -> hello as images 0 and 1 (--arg 2=@image1), and as a recipe
#   d   placed-dyn: its note's placement, --base against it, another board
#   e   refusals before any write: --set too long or unknown, blobs that
#       overlap each other or the mailbox, an unknown @reference
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

# First UART line (CRs dropped) starting "TAG: PREFIX", without "TAG: ".
uline() { # TAG PREFIX
	tr -d '\r' <"$UART" | grep -m1 -F -- "$1: $2" | sed "s/^.*$1: //"
}


# A value of the boot in --json ($T/out): images.N.FIELD (every image of the
# boot: base, entry, span, params), data.NAME.FIELD (initrd, dtb, blobs:
# addr, size), args.N (the argument registers as resolved). Prints nothing
# and fails when absent.
boot_get() { # PATH
	python3 - "$T/out" "$1" 2>/dev/null <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
b = j.get("boot") or {}
k = sys.argv[2].split(".")
if k[0] == "data":
    v = next(d for d in b["data"] if d["name"] == k[1])[k[2]]
elif k[0] == "images":
    v = b["images"][int(k[1])][k[2]]
elif k[0] == "args":
    v = b["args"][int(k[1])]
else:
    sys.exit(1)
if v is None:
    sys.exit(1)
print(v)
PY
}

# Pass when cardload ($RC) exited WANT.
exits() { # LABEL WANT
	if [ "$RC" -eq "$2" ]; then
		ok "$1: exit status $2"
	else
		not_ok "$1: exit status $2" "$(card_diag)"
	fi
}

# Boot on card N (started here, held) with --json --wait=30 and ARGS; pass
# when cardload exits 0 and the payload powers the machine off. The card
# is left for the caller to look at and stop. Fails (status 1) when the
# card did not start.
qboot() { # LABEL N ARGS...
	local label=$1 n=$2
	shift 2
	if ! card_up "$n"; then
		not_ok "$label: card starts" "$(cat "$T/card.err")"
		return 1
	fi
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--json --wait=30 "$@"
	exits "$label: cardload boot --wait" 0
	if card_exits "$D" $([ "$RC" -eq 0 ] && echo 30 || echo 2); then
		ok "$label: QEMU powers off by itself"
	else
		not_ok "$label: QEMU powers off by itself" "$(card_diag)"
	fi
	return 0
}

# The card is held as -S left it and cardload touched nothing: QMP run
# state "prelaunch" (no stop, reset or cont either), nothing on the UART,
# RAM as it was (sha256 BEFORE).
untouched() { # LABEL BEFORE
	local label=$1 st
	sleep 0.3 # time for a wrongly released CPU to print
	st=$(card_runstate)
	is "$label: card still held (QMP status prelaunch)" "$st" prelaunch
	if [ ! -s "$UART" ]; then
		ok "$label: nothing on the UART"
	else
		not_ok "$label: nothing on the UART" "$(card_diag)"
	fi
	is "$label: card RAM unchanged" "$(sha "$RAM")" "$2"
}

# A refused boot: exit status WANT (several allowed: "4|5"), a message
# naming NEEDLE, the card untouched. ARGS go to cardload boot.
refused() { # LABEL WANT NEEDLE ARGS...
	local label=$1 want=$2 needle=$3 before
	shift 3
	before=$(sha "$RAM")
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--wait=5 "$@"
	if [[ "|$want|" == *"|$RC|"* ]]; then
		ok "$label: refused, exit status $RC"
	else
		not_ok "$label: refused, exit status $want" "$(card_diag)"
	fi
	if grep -qF -- "$needle" "$T/err"; then
		ok "$label: the message names '$needle'"
	else
		not_ok "$label: the message names '$needle'" "$(last_run)"
	fi
	untouched "$label" "$before"
}

# Checks of a --json boot plan against the board's memory map (and, when
# given, the card's RAM file): every image segment, the initrd, the DTB,
# the blobs and the command line inside RAM, clear of the reserved ranges
# and of each other; initrd and DTB 4 KiB aligned; the initrd in RAM equal
# to FILE byte for byte. TAP points labelled LABEL.
check_layout() { # LABEL [RAMFILE INITRD_FILE]
	python3 - "$T/out" "$1" "${2:-}" "${3:-}" <<'PY' >"$T/checks" 2>"$T/checks.err"
import json, sys

out, label, ramfile, initrd_file = sys.argv[1:]
RAM = (0x80000000, 0x8000000)
RESERVED = [("mailbox", 0x87c00000, 0x1000), ("console", 0x87c01000, 0xf000),
            ("platform-dtb", 0x87e00000, 0x200000)]

def report(name, cond, diag=""):
    name = "%s: %s" % (label, name)
    print("ok\t%s" % name if cond else "not ok\t%s\t%s" % (name, diag))

def h(v):
    return int(v, 0) if isinstance(v, str) else v

j = json.load(open(out))
plan, boot = j.get("plan") or {}, j.get("boot") or {}
data = {d["name"]: d for d in boot.get("data") or []}
# image 0 segment by segment, its command line, the other images whole
# (base to base + span), the data.
ranges = [("image 0 segment %d" % k, h(s["addr"]), s["memsz"])
          for k, s in enumerate(plan.get("segments") or [])]
if plan.get("cmdline"):
    ranges.append(("command line", h(plan["cmdline"]), plan["cmdline_size"]))
for n, im in enumerate(boot.get("images") or []):
    if n:
        ranges.append(("image %d" % n, h(im["base"]), h(im["span"])))
for name, d in data.items():
    ranges.append((name, h(d["addr"]), d["size"]))
report("--json lists %d ranges (image segments, command line, other "
       "images, data)" % len(ranges), len(ranges) > 3, json.dumps(j)[:1500])

outside = [r for r in ranges
           if not (RAM[0] <= r[1] and r[1] + r[2] <= RAM[0] + RAM[1])]
report("every range inside the RAM window", not outside, repr(outside))
hits = ["%s [0x%x, 0x%x) over reserved %s" % (r[0], r[1], r[1] + r[2], n)
        for r in ranges for n, a, s in RESERVED
        if r[1] < a + s and a < r[1] + r[2]]
report("no range over a reserved range", not hits, "; ".join(hits))
over = ["%s and %s" % (x[0], y[0]) for i, x in enumerate(ranges)
        for y in ranges[i + 1:]
        if x[2] and y[2] and x[1] < y[1] + y[2] and y[1] < x[1] + x[2]]
report("no two ranges overlap", not over, "; ".join(over))
for name, d in data.items():
    report("%s at %s is 4 KiB aligned" % (name, d["addr"]),
           h(d["addr"]) % 4096 == 0)
if ramfile and initrd_file:
    want = open(initrd_file, "rb").read()
    d = data.get("initrd") or {}
    if d.get("addr") is None:
        report("--json has the initrd in boot.data", False,
               json.dumps(j)[:1500])
    else:
        with open(ramfile, "rb") as f:
            f.seek(h(d["addr"]) - RAM[0])
            have = f.read(len(want))
        report("initrd size in --json is the file's (%d)" % len(want),
               d.get("size") == len(want), "initrd = %s" % json.dumps(d))
        report("card RAM at initrd.addr holds the file byte for byte",
               have == want)
PY
	tap_checks "$1"
}

# The DTB at --json's dtb.addr in card RAM: print its bytes (totalsize) to
# FILE; status 1 when there is no FDT there.
dtb_from_ram() { # FILE
	python3 - "$T/out" "$RAM" "$1" <<'PY'
import json, struct, sys
j = json.load(open(sys.argv[1]))
d = next(d for d in j["boot"]["data"] if d["name"] == "dtb")
a = int(d["addr"], 0) - 0x80000000
with open(sys.argv[2], "rb") as f:
    f.seek(a)
    hdr = f.read(8)
    magic, size = struct.unpack(">II", hdr)
    if magic != 0xd00dfeed:
        sys.exit("no FDT magic at dtb.addr")
    f.seek(a)
    open(sys.argv[3], "wb").write(f.read(size))
PY
}

# --------------------------------------------------------------------------

CHECK=$CARD_BSP/check-dyn.elf.gz
STAGE1=$CARD_BSP/stage1.elf.gz
HELLO=$CARD_BSP/hello-dyn.elf.gz
PLACED=$CARD_BSP/placed-dyn.elf.gz
require_card "$CHECK" "$STAGE1" "$HELLO" "$PLACED"

DONE0=0x4f440000 # CARDBOOT_STATUS_DONE(0)
PDTB=0x87e00000  # where QEMU puts the platform DTB (128 MiB)
CMDLINE="console=uart root=/dev/ram0"

# The initrd: a few KiB of random bytes, gzip-compressed (cardload must
# pass it on as it is, never decompressed: the card checks the size and
# zlib CRC-32 of the compressed bytes); not a multiple of 4 KiB.
seed=${E2E_SEED:-$RANDOM$RANDOM}
INITRD=$T/initrd.cpio.gz
read -r INITRD_SIZE INITRD_CRC < <(python3 - "$INITRD" "$seed" <<'PY'
import gzip, random, sys, zlib
r = random.Random(int(sys.argv[2]))
data = gzip.compress(r.randbytes(r.randrange(3000, 9000)), mtime=0)
open(sys.argv[1], "wb").write(data)
print(len(data), "0x%08x" % zlib.crc32(data))
PY
)
diag "initrd: $INITRD_SIZE bytes of gzip, crc32 $INITRD_CRC (E2E_SEED=$seed)"

# What check-dyn must print for a boot with $CMDLINE, $INITRD, --arg
# 1=@dtb and the DTB --json names; a0 is the hart id (A0 describes it).
check_check() { # LABEL
	local label=$1 dtb initrd l
	dtb=$(boot_get data.dtb.addr) || dtb=""
	initrd=$(boot_get data.initrd.addr) || initrd=""
	if [ -z "$dtb" ] || [ -z "$initrd" ]; then
		not_ok "$label: --json has the dtb and the initrd in boot.data" \
			"$(card_diag)"
		return
	fi
	ok "$label: --json has the dtb ($dtb) and the initrd ($initrd)"
	isnt "$label: the DTB is a copy, not the platform DTB" \
		"$(hexnorm "$dtb")" "$(hexnorm $PDTB)"
	is "$label: UART magic" "$(uline check magic=)" "magic=0x1234abcd"
	is "$label: UART cmdline ok" "$(uline check cmdline)" \
		"cmdline ok \"$CMDLINE\""
	l=$(uline check initrd)
	is "$label: UART initrd ok, size and crc" "${l% addr=*}" \
		"initrd ok size=$INITRD_SIZE crc=$(hexnorm "$INITRD_CRC")"
	is_hex "$label: UART initrd addr= is the --json initrd's" \
		"$(field "$l" addr)" "$initrd"
	l=$(uline check "dtb ")
	is "$label: UART dtb chosen ok, bootargs and initrd range" \
		"${l% addr=*}" "$(printf 'dtb chosen ok bootargs="%s" initrd=[0x%x, 0x%x)' \
		"$CMDLINE" "$((initrd))" "$((initrd + INITRD_SIZE))")"
	is_hex "$label: UART dtb addr= is the --json dtb's" \
		"$(field "$l" addr)" "$dtb"
	l=$(uline check a0=)
	is_hex "$label: UART a0 is ${A0:-the hart id}" "$(field "$l" a0)" 0
	is_hex "$label: UART a1 is the --json dtb's address (--arg 1=@dtb)" \
		"$(field "$l" a1)" "$dtb"
	is "$label: UART done" "$(uline check done)" "done status=$DONE0"
	is "$label: mailbox status word is DONE(0)" \
		"$(mb_word "$RAM" $MB_STATUS)" $DONE0
	is_hex "$label: --json boot.args[1] is the dtb's address" \
		"$(boot_get args.1)" "$dtb"
}

CHECK_ARGS=(--cmdline "$CMDLINE" --set "expect_cmdline=str:$CMDLINE"
	--initrd "$INITRD" --set "expect_initrd_crc=$INITRD_CRC"
	--set "expect_initrd_size=$INITRD_SIZE" --set magic_value=0x1234abcd
	--arg 1=@dtb)

# a. check-dyn with cmdline, initrd, patched globals and the card's own DTB.
label="check-dyn, --dtb-from-card"
if qboot "$label" 1 "${CHECK_ARGS[@]}" --dtb-from-card "$CHECK"; then
	check_check "$label"
	check_layout "$label" "$RAM" "$INITRD"
	sh $CARD_SH stop "$D"
fi

# b. the same with a DTB file: QEMU's own for a virt machine with two harts
# (so that the DTB in card RAM shows which one was used).
label="check-dyn, --dtb FILE"
if ! qemu-system-riscv64 -M virt,dumpdtb="$T/virt2.dtb" -m 128M -smp 2 \
	-nographic >"$T/dumpdtb.log" 2>&1; then
	not_ok "$label: qemu-system-riscv64 dumpdtb" "$(cat "$T/dumpdtb.log")"
elif qboot "$label" 2 "${CHECK_ARGS[@]}" --dtb "$T/virt2.dtb" "$CHECK"; then
	check_check "$label"
	check_layout "$label" "$RAM" "$INITRD"
	if dtb_from_ram "$T/placed.dtb" 2>"$T/dtb.err"; then
		if grep -qF "cpu@1" "$T/placed.dtb"; then
			ok "$label: the DTB in card RAM is the file's (has cpu@1)"
		else
			not_ok "$label: the DTB in card RAM is the file's (has cpu@1)"
		fi
	else
		not_ok "$label: an FDT at dtb.addr in card RAM" "$(cat "$T/dtb.err")"
	fi
	sh $CARD_SH stop "$D"
fi

# a2. the ROM already running and spinning on the mailbox, no QMP: the
# DTB is the one the ROM announced, and @hartid, @platform-dtb resolve to
# what it announced.
label="check-dyn, --dtb-from-card, ROM announced"
if card_up 8; then
	sh $CARD_SH run "$D"
	for i in $(seq 1 200); do
		[ "$(mb_word "$RAM" $MB_READY)" = $CB_READY ] && break
		sleep 0.05
	done
	is "$label: mailbox READY" "$(mb_word "$RAM" $MB_READY)" $CB_READY
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" --json --wait=30 \
		"${CHECK_ARGS[@]}" --dtb-from-card --arg 0=@hartid \
		--arg 2=@platform-dtb "$CHECK"
	exits "$label: cardload boot --wait" 0
	if card_exits "$D" $([ "$RC" -eq 0 ] && echo 30 || echo 2); then
		ok "$label: QEMU powers off by itself"
		A0="the announced hart id (--arg 0=@hartid)" check_check "$label"
		is_hex "$label: UART a2 is the announced DTB (--arg 2=@platform-dtb)" \
			"$(field "$(uline check a0=)" a2)" $PDTB
		check_layout "$label" "$RAM" "$INITRD"
	else
		not_ok "$label: QEMU powers off by itself" "$(card_diag)"
	fi
	sh $CARD_SH stop "$D"
else
	not_ok "$label: card starts" "$(cat "$T/card.err")"
fi

# a3. case a as a recipe: values with spaces, a relative initrd path, a
# flag without a value.
mkdir -p "$T/crecipe"
cp "$CHECK" "$INITRD" "$T/crecipe/"
cat >"$T/crecipe/check.recipe" <<EOF
# check-dyn with everything (as case a)
board $RV_BOARD
image $(basename "$CHECK")
cmdline $CMDLINE
set expect_cmdline=str:$CMDLINE
initrd $(basename "$INITRD")
set expect_initrd_crc=$INITRD_CRC
set expect_initrd_size=$INITRD_SIZE
set magic_value=0x1234abcd
dtb-from-card
arg 1=@dtb
wait 30
EOF
label="check-dyn as a recipe"
if card_up 9; then
	run_cl boot -O mem.path="$RAM" -O mem.qmp="$QMP" --json \
		--recipe "$T/crecipe/check.recipe"
	exits "$label: cardload boot --recipe" 0
	if card_exits "$D" $([ "$RC" -eq 0 ] && echo 30 || echo 2); then
		ok "$label: QEMU powers off by itself"
		check_check "$label"
		check_layout "$label" "$RAM" "$INITRD"
	else
		not_ok "$label: QEMU powers off by itself" "$(card_diag)"
	fi
	sh $CARD_SH stop "$D"
else
	not_ok "$label: card starts" "$(cat "$T/card.err")"
fi

# c. a two-stage chain: stage1 (image 0) jumps to hello (image 1), whose
# entry the host passes in a2; from the command line, then as a recipe.
check_chain() { # LABEL
	local label=$1 e1 b1 l
	if ! e1=$(boot_get images.1.entry) || ! b1=$(boot_get images.1.base)
	then
		not_ok "$label: --json has image 1's entry and base" \
			"$(card_diag)"
		return
	fi
	ok "$label: --json has images.1 (base $b1, entry $e1)"
	is_hex "$label: --json boot.args[2] is image 1's entry" \
		"$(boot_get args.2)" "$e1"
	l=$(uline stage1 a0=)
	is_hex "$label: stage1 a0 is the hart id" "$(field "$l" a0)" 0
	is_hex "$label: stage1 a1 is the platform DTB" "$(field "$l" a1)" $PDTB
	is_hex "$label: stage1 next= is image 1's entry" "$(field "$l" next)" "$e1"
	l=$(uline hello load=)
	is_hex "$label: hello load= is image 1's base" "$(field "$l" load)" "$b1"
	is_hex "$label: hello entry= is image 1's entry" "$(field "$l" entry)" "$e1"
	is "$label: hello starts as the ROM would start it" \
		"$(uline hello a0=)" "a0=0x0 a1=$PDTB a2=0x0 a3=0x0"
	is "$label: hello relocations ok" "$(uline hello relocations)" \
		"relocations ok"
	l=$(uline hello "digest ")
	case $l in
	"digest ok "* | "digest skipped (no params)")
		ok "$label: hello digest ($l)" ;;
	*) not_ok "$label: hello digest ok or skipped" "uart: $l" ;;
	esac
	is "$label: hello done" "$(uline hello done)" "done status=$DONE0"
	is "$label: mailbox status word is DONE(0)" \
		"$(mb_word "$RAM" $MB_STATUS)" $DONE0
	check_layout "$label"
}

label="chain stage1 -> hello"
if qboot "$label" 3 "$STAGE1" --image "$HELLO" --arg 2=@image1; then
	check_chain "$label"
	sh $CARD_SH stop "$D"
fi

mkdir -p "$T/recipe"
cp "$STAGE1" "$HELLO" "$T/recipe/"
cat >"$T/recipe/chain.recipe" <<EOF
# stage1 jumps to hello (image 1), whose entry it gets in a2
board $RV_BOARD
image $(basename "$STAGE1")
image $(basename "$HELLO")
arg 2=@image1
wait 30
EOF
label="chain as a recipe"
if card_up 4; then
	run_cl boot -O mem.path="$RAM" -O mem.qmp="$QMP" --json \
		--recipe "$T/recipe/chain.recipe"
	exits "$label: cardload boot --recipe" 0
	if card_exits "$D" $([ "$RC" -eq 0 ] && echo 30 || echo 2); then
		ok "$label: QEMU powers off by itself"
		check_chain "$label"
	else
		not_ok "$label: QEMU powers off by itself" "$(card_diag)"
	fi
	sh $CARD_SH stop "$D"
else
	not_ok "$label: card starts" "$(cat "$T/card.err")"
fi

# d. placement and board notes.
label="placed-dyn, no --base"
if qboot "$label" 5 "$PLACED"; then
	is_hex "$label: --json base is the note's minimum" \
		"$(json_get "$T/out" plan.base 2>/dev/null)" \
		0x81000000
	is_hex "$label: UART load=" "$(field "$(uline placed load=)" load)" \
		0x81000000
	is "$label: UART relocations ok" "$(uline placed relocations)" \
		"relocations ok"
	is "$label: UART done" "$(uline placed done)" "done status=$DONE0"
	sh $CARD_SH stop "$D"
fi

if card_up 6; then
	refused "placed-dyn, --base 0x80000000 (below the note's minimum)" 5 \
		0x80000000 --base 0x80000000 "$PLACED"
	sh $CARD_SH stop "$D"
else
	not_ok "placed-dyn, --base 0x80000000: card starts" "$(cat "$T/card.err")"
fi

# Cheap ones without a card: a --base the note allows, and three it does
# not (misaligned, below, beyond the maximum).
run_cl boot --board $RV_BOARD --dry-run --json --base 0x81e00000 "$PLACED"
exits "placed-dyn, --dry-run --base 0x81e00000 (inside the note's range)" 0
for b in 0x81100000 0x80e00000 0x82000000; do
	run_cl boot --board $RV_BOARD --dry-run --json --base $b "$PLACED"
	exits "placed-dyn, --dry-run --base $b (against the placement note)" 5
done

label="placed-dyn on the ivshmem board (BOARD note)"
run_cl boot --board qemu-virt-riscv64-ivshmem --dry-run "$PLACED"
exits "$label: refused" 5
if grep -qF qemu-virt-riscv64-ivshmem "$T/err" &&
	grep -qF "'qemu-virt-riscv64'" "$T/err"; then
	ok "$label: the message names both boards"
else
	not_ok "$label: the message names both boards" "$(last_run)"
fi

# e. refusals before anything is written: the card stays as -S left it.
head -c 1024 /dev/urandom >"$T/blob.bin"
long=$(printf 'x%.0s' $(seq 1 200))
if card_up 7; then
	refused "--set of a 200-byte string into char[128]" 2 \
		expect_cmdline --set "expect_cmdline=str:$long" "$CHECK"
	refused "--set of a symbol that does not exist" 2 no_such_symbol \
		--set no_such_symbol=1 "$CHECK"
	refused "two blobs that overlap" 5 0x80400100 \
		--blob a="$T/blob.bin"@0x80400000 \
		--blob b="$T/blob.bin"@0x80400100 "$CHECK"
	refused "a blob over the mailbox" 5 mailbox \
		--blob a="$T/blob.bin"@0x87c00000 "$CHECK"
	refused "--arg 1=@nosuchblob" 2 nosuchblob --arg 1=@nosuchblob "$CHECK"

	# After all that, the same card boots check-dyn.
	label="after the refusals"
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--json --wait=30 "${CHECK_ARGS[@]}" --dtb-from-card "$CHECK"
	exits "$label: check-dyn boots on the same card" 0
	if card_exits "$D" $([ "$RC" -eq 0 ] && echo 30 || echo 2); then
		ok "$label: QEMU powers off by itself"
		check_check "$label"
	else
		not_ok "$label: QEMU powers off by itself" "$(card_diag)"
	fi
	sh $CARD_SH stop "$D"
else
	not_ok "refusals: card starts" "$(cat "$T/card.err")"
fi

end_cards
