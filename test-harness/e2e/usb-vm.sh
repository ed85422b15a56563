#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usb-vm.sh - FEL over a real Linux USB stack: dummy_hcd, FunctionFS, felmon
#
# A RISC-V card (test-harness/card.sh) runs its ROM, spinning on the
# mailbox in its RAM, a /dev/shm file. A Linux VM (test-harness/vm/,
# cardload.tests=usb) sees that file as the BAR2 of an ivshmem-plain
# device at 00:04.0 and a second 128 MiB file at 00:05.0. Inside,
# vm/usb-guest-tests.sh brings up two USB FEL devices on dummy_hcd whose
# card side is felmon (test-harness/fel/) serving those BARs
# (vm/usb-gadget.sh), and drives them with Debian's sunxi-fel and with
# cardload's usb transport (vm/usb-guest-cardload.sh): its TAP points come
# back here as "vm: ..." points. Here, after the VM: the card's RAM holds at
# 0x84000000 the 16 MiB file sunxi-fel wrote; the card ran hello, booted
# over USB (its UART: relocated, digest ok, done; DONE in the mailbox); the
# second device holds the 40 MiB big-dyn as an independent model places
# it, and the mailbox entry cardload's FEL EXEC staged; nothing is left
# running.
#
# Build products: BUILD_DIR/felmon (make unit-tests), BUILD_DIR/vm (VM_OUT:
# the kernel and its USB modules, fetched once; the initramfs, rebuilt each
# run). VM_TIMEOUT (default 120 s) bounds the VM; USB_VM_VERBOSE=1 shows
# every command run in the guest and felmon's log lines as diagnostics;
# USB_VM_APPEND adds cardload.KEY=VALUE words for the guest (see
# vm/usb-guest-tests.sh), e.g. "cardload.speed=high-speed
# cardload.piece=65536" to measure at high speed, 64 KiB per FunctionFS
# read or write.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

. "$(dirname "$0")/vm-lib.sh"

VM_OUT=${VM_OUT:-$BUILD_DIR/vm}
VM_SH=test-harness/vm/vm.sh
FELMON=${FELMON:-$BUILD_DIR/felmon}
export VM_TIMEOUT=${VM_TIMEOUT:-120}
CARD_SLOT=00:04.0 OTHER_SLOT=00:05.0
VM_LOG=$T/vm.log
DATA_OFF=$((0x4000000)) # 0x84000000 in card RAM
DATA_LEN=16777216

trap 'vm_kill; _qemu_cleanup' EXIT


# ---- prerequisites: each missing one is a failing point -----------------

require_card
missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	missing="$missing qemu-system-x86_64 (qemu-system-x86)"
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } ||
	missing="$missing static /bin/busybox (busybox-static)"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
command -v sunxi-fel >/dev/null 2>&1 || missing="$missing sunxi-fel (sunxi-tools)"
[ -x "$FELMON" ] || missing="$missing $FELMON (make unit-tests)"
if [ -n "$missing" ]; then
	not_ok "USB VM prerequisites installed" "missing:$missing" \
		"(sh test-harness/deps.sh installs the packages)"
	done_testing
fi

# ---- the card: ROM running, spinning on the mailbox ----------------------

# Two cards, each ROM spinning on its mailbox: card 1 behind gadget 0,
# card 2 (its RAM the second device) behind gadget 1.
start_card() { # N
	if ! card_up "$1"; then
		not_ok "card $1 starts" "$(cat "$T/card.err")"
		end_cards
	fi
	sh $CARD_SH run "$D"
	for i in $(seq 1 200); do
		[ "$(mb_word "$RAM" $MB_READY)" = $CB_READY ] && break
		sleep 0.05
	done
	is "card $1's ROM posts READY and spins on the mailbox" \
		"$(mb_word "$RAM" $MB_READY)" $CB_READY
}
start_card 2
D2=$D other=$RAM UART2=$UART
start_card 1

# what sunxi-fel writes into the card, passed in the initramfs
mkdir -p "$T/data"
head -c $DATA_LEN /dev/urandom >"$T/data/fel-16m.bin"

# ---- the VM ------------------------------------------------------------

t0=$(now_ms)
if CARDLOAD="$CARDLOAD" CARD_BSP="$CARD_BSP" FELMON="$FELMON" \
	VM_FILES="$T/data/fel-16m.bin" \
	sh test-harness/vm/build.sh "$VM_OUT" >"$T/build.log" 2>&1 </dev/null; then
	ok "build the VM's kernel, USB modules and initramfs ($VM_OUT)"
else
	not_ok "build the VM's kernel, USB modules and initramfs ($VM_OUT)" \
		"$(tail -c 2000 "$T/build.log")"
	end_cards
fi
t1=$(now_ms)

VM_APPEND="cardload.tests=usb cardload.card=$CARD_SLOT cardload.other=$OTHER_SLOT"
[ -n "${USB_VM_VERBOSE:-}" ] && VM_APPEND="$VM_APPEND cardload.verbose=1"
VM_APPEND="$VM_APPEND ${USB_VM_APPEND:-}"
export VM_APPEND
# shellcheck disable=SC2046
sh $VM_SH run "$VM_OUT" "$VM_LOG" \
	$(dev card "$RAM" 128M 0x4) \
	$(dev other "$other" 128M 0x5) &
_vm_pid=$!
wait $_vm_pid
vm_rc=$?
_vm_pid=""
t2=$(now_ms)

vm_relay "$vm_rc" "$t0" "$t1" "$t2"

# ---- what the card's RAM and the second device hold ----------------------

if cmp -s -i $DATA_OFF:0 -n $DATA_LEN "$RAM" "$T/data/fel-16m.bin"; then
	ok "card RAM at 0x84000000 equals the 16 MiB sunxi-fel wrote"
else
	not_ok "card RAM at 0x84000000 equals the 16 MiB sunxi-fel wrote" \
		"$(cmp -i $DATA_OFF:0 -n $DATA_LEN "$RAM" "$T/data/fel-16m.bin" 2>&1)"
fi
# ---- the boot over USB: what the card did --------------------------------

uline() { tr -d '\r' <"$UART" | grep -m1 -F -- "hello: $1" | sed 's/^.*hello: //'; }
uart_diag() {
	echo "card uart: $(head -c 1500 "$UART" 2>/dev/null)"
	[ -s "$D/qemu.log" ] && echo "card qemu: $(head -c 500 "$D/qemu.log")"
	return 0
}
l=$(uline load=)
case $l in
"load=0x80000000 "*) ok "card UART: hello ran relocated to 0x80000000 ($l)" ;;
*) not_ok "card UART: hello ran relocated to 0x80000000" "$(uart_diag)" ;;
esac
case $(uline "digest ") in
"digest ok "*) ok "card UART: hello's digest check passed on the card" ;;
*) not_ok "card UART: hello's digest check passed on the card" "$(uart_diag)" ;;
esac
is "card UART: hello done status=0x4f440000" "$(uline "done")" \
	"done status=0x4f440000"
w=2
[ -n "$(uline "done")" ] && w=30
if card_exits "$D" $w; then
	ok "card QEMU powers off by itself"
else
	not_ok "card QEMU powers off by itself" "$(uart_diag)"
fi
is "card mailbox status word is DONE(0)" "$(mb_word "$RAM" $MB_STATUS)" \
	0x4f440000

# ---- the second device: 40 MiB image, then hello by FEL EXEC --------------

# big-dyn as an independent model (expect-image.py) places it at
# 0x80000000, byte for byte, but for the parameter block cardload fills in
# (at the address its plan gives; the card checks that block's digest in
# the boot above).
big=$CARD_BSP/big-dyn.elf.gz
run_cl boot --dry-run --json --board qemu-virt-riscv64-fel "$big"
params=$(json_get "$T/out" plan.params 2>/dev/null)
if python3 "$EXPECT_IMAGE" "$big" 0x80000000 0x80000000 0x8000000 \
	"$T/bigexp" >"$T/bigexp.sum" 2>"$T/bigexp.err" && [ -n "$params" ]; then
	python3 - "$T/bigexp" "$other" "$params" >"$T/bigcmp" 2>&1 <<'PY'
import json, sys
exp = json.load(open(sys.argv[1]))
data = open(sys.argv[2], "rb").read()
pb = int(sys.argv[3], 16) - 0x80000000
bad, total = [], 0
for e in exp:
    want = bytearray(open(e["file"], "rb").read())
    have = bytearray(data[e["offset"]:e["offset"] + len(want)])
    lo, hi = max(pb, e["offset"]), min(pb + 0x230, e["offset"] + len(want))
    if lo < hi:  # the parameter block: cardload's, not the model's
        have[lo - e["offset"]:hi - e["offset"]] = want[lo - e["offset"]:hi - e["offset"]]
    total += len(want)
    if have != want:
        i = next(i for i in range(len(want)) if have[i] != want[i])
        bad.append("phidx %d differs at card 0x%x" % (e["phidx"], e["addr"] + i))
print("; ".join(bad) if bad else "equal %d" % total)
PY
	if grep -q '^equal' "$T/bigcmp" && [ "$(cut -d' ' -f2 "$T/bigcmp")" -ge 41943040 ]; then
		ok "second device: RAM holds big-dyn ($(cut -d' ' -f2 "$T/bigcmp") bytes) byte for byte as modelled"
	else
		not_ok "second device: RAM holds big-dyn byte for byte as modelled" \
			"$(cat "$T/bigcmp")"
	fi
else
	not_ok "expect-image.py models big-dyn; the plan names its parameter block" \
		"$(cat "$T/bigexp.err")" "params '$params'"
fi

# card 2 ran hello, released by cardload's FEL EXEC (release = fel-exec)
# through the thunk that loaded the --arg values (a1 left as the ROM set
# it: the platform DTB); then sunxi-fel's EXEC staged 0x80200000, GO last,
# with nobody left to run it.
u2() { tr -d '\r' <"$UART2" | grep -m1 -F -- "hello: $1" | sed 's/^.*hello: //'; }
case $(u2 load=) in
"load=0x86000000 "*) ok "card 2 UART: hello ran relocated to 0x86000000, by FEL EXEC" ;;
*) not_ok "card 2 UART: hello ran relocated to 0x86000000, by FEL EXEC" \
	"card 2 uart: $(head -c 1500 "$UART2" 2>/dev/null)" ;;
esac
is "card 2 UART: the thunk's argument registers (a0, a2 given; a1 the ROM's DTB)" \
	"$(u2 a0=)" "a0=0x1234 a1=0x87e00000 a2=0x5678 a3=0x0"
case $(u2 "digest ") in
"digest ok "*) ok "card 2 UART: hello's digest check passed" ;;
*) not_ok "card 2 UART: hello's digest check passed" "$(head -c 1500 "$UART2")" ;;
esac
is "card 2 UART: hello done" "$(u2 "done")" "done status=0x4f440000"
if card_exits "$D2" 30; then
	ok "card 2 QEMU powers off by itself"
else
	not_ok "card 2 QEMU powers off by itself" "$(head -c 1500 "$UART2")"
fi
is "second device: sunxi-fel EXEC's entry in the mailbox" \
	"$(mb_word "$other" $MB_ENTRY 8)" 0x0000000080200000
is "second device: EXEC's argmask is 0" "$(mb_word "$other" $MB_ARGMASK)" \
	0x00000000
is "second device: EXEC's staged word" "$(mb_word "$other" $MB_STAGED)" \
	$CB_STAGED
is "second device: EXEC's go word" "$(mb_word "$other" $MB_GO)" $CB_GO

vm_kill
vm_none_left
end_cards
