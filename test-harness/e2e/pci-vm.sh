#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pci-vm.sh - cardload's pci transport against a real Linux PCI stack
#
# A RISC-V card (test-harness/card.sh) runs its ROM, spinning on the
# mailbox in its RAM, a /dev/shm file. A Linux VM (test-harness/vm/:
# qemu-system-x86_64, TCG, Debian's kernel, a busybox initramfs holding
# cardload) sees that same file as the BAR2 of an ivshmem-plain device
# (1af4:1110) at 00:04.0, next to a second 128 MiB one (00:05.0) and a
# 1 MiB one (00:06.0) on files of their own. Inside the VM,
# vm/guest-tests.sh finds the devices with cardload's libpci discovery and
# boots hello through sysfs resource2; its TAP points come back here as
# "vm: ..." points. Here: the card's UART shows hello ran, the card powered
# itself off, the small device was left untouched, the second one holds a
# staged image, and nothing is left running.
#
# Build products: BUILD_DIR/vm (VM_OUT) holds the kernel, fetched once, and
# the initramfs, rebuilt each run. VM_TIMEOUT (default 120 s) bounds the VM;
# PCI_VM_VERBOSE=1 shows every cardload run in the guest as diagnostics.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

. "$(dirname "$0")/vm-lib.sh"

VM_OUT=${VM_OUT:-$BUILD_DIR/vm}
VM_SH=test-harness/vm/vm.sh
export VM_TIMEOUT=${VM_TIMEOUT:-120}
HELLO_DYN=$CARD_BSP/hello-dyn.elf.gz
BIG_DYN=$CARD_BSP/big-dyn.elf.gz
CARD_SLOT=00:04.0 OTHER_SLOT=00:05.0 SMALL_SLOT=00:06.0
VM_LOG=$T/vm.log

trap 'vm_kill; _qemu_cleanup' EXIT


# ---- prerequisites: each missing one is a failing point -----------------

require_card "$HELLO_DYN" "$BIG_DYN"
missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	missing="$missing qemu-system-x86_64 (qemu-system-x86)"
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } ||
	missing="$missing static /bin/busybox (busybox-static)"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
if [ -n "$missing" ]; then
	not_ok "VM prerequisites installed" "missing:$missing" \
		"(sh test-harness/deps.sh installs them)"
	done_testing
fi

# ---- the card: ROM running, spinning on the mailbox ----------------------

if ! card_up 1; then
	not_ok "card starts" "$(cat "$T/card.err")"
	end_cards
fi
sh $CARD_SH run "$D"
for i in $(seq 1 200); do
	[ "$(mb_word "$RAM" $MB_READY)" = $CB_READY ] && break
	sleep 0.05
done
is "card ROM posts READY and spins on the mailbox" \
	"$(mb_word "$RAM" $MB_READY)" $CB_READY

other=$(make_window) && small=$(make_window 1M) || {
	not_ok "create the second and third device files in /dev/shm"
	end_cards
}

# ---- the VM ------------------------------------------------------------

t0=$(now_ms)
if CARDLOAD="$CARDLOAD" CARD_BSP="$CARD_BSP" \
	sh test-harness/vm/build.sh "$VM_OUT" >"$T/build.log" 2>&1 </dev/null; then
	ok "build the VM's kernel and initramfs ($VM_OUT)"
else
	not_ok "build the VM's kernel and initramfs ($VM_OUT)" \
		"$(tail -c 2000 "$T/build.log")"
	end_cards
fi
t1=$(now_ms)

VM_APPEND="cardload.card=$CARD_SLOT cardload.other=$OTHER_SLOT"
VM_APPEND="$VM_APPEND cardload.small=$SMALL_SLOT cardload.absent=00:0e.0"
VM_APPEND="$VM_APPEND cardload.foreign=00:1f.0"
[ -n "${PCI_VM_VERBOSE:-}" ] && VM_APPEND="$VM_APPEND cardload.verbose=1"
export VM_APPEND
# shellcheck disable=SC2046
sh $VM_SH run "$VM_OUT" "$VM_LOG" \
	$(dev card "$RAM" 128M 0x4) \
	$(dev other "$other" 128M 0x5) \
	$(dev small "$small" 1M 0x6) &
_vm_pid=$!
wait $_vm_pid
vm_rc=$?
_vm_pid=""
t2=$(now_ms)

vm_relay "$vm_rc" "$t0" "$t1" "$t2"

# ---- what the card did -------------------------------------------------

uline() { tr -d '\r' <"$UART" | grep -m1 -F -- "hello: $1" | sed 's/^.*hello: //'; }
uart_diag() {
	echo "card uart: $(head -c 1500 "$UART" 2>/dev/null)"
	[ -s "$D/qemu.log" ] && echo "card qemu: $(head -c 500 "$D/qemu.log")"
	return 0
}
l=$(uline load=)
case $l in
"load=0x80000000 "*) ok "card UART: hello loaded at 0x80000000 ($l)" ;;
*) not_ok "card UART: hello loaded at 0x80000000" "$(uart_diag)" ;;
esac
case $(uline "digest ") in
"digest ok "*) ok "card UART: hello's digest ok" ;;
*) not_ok "card UART: hello's digest ok" "$(uart_diag)" ;;
esac
is "card UART: hello done status=0x4f440000" "$(uline "done")" \
	"done status=0x4f440000"
# (hello powers the card off at once; without its last line, no long wait)
w=2
[ -n "$(uline "done")" ] && w=30
if card_exits "$D" $w; then
	ok "card QEMU powers off by itself"
else
	not_ok "card QEMU powers off by itself" "$(uart_diag)"
fi
is "card mailbox status word is DONE(0)" "$(mb_word "$RAM" $MB_STATUS)" \
	0x4f440000

# The 1 MiB device was refused before anything was written.
if cmp -s -n 1048576 "$small" /dev/zero; then
	ok "small device: its memory is untouched (all zero)"
else
	not_ok "small device: its memory is untouched (all zero)" \
		"$(cmp -n 1048576 "$small" /dev/zero 2>&1)"
fi
# The second device holds big-dyn, staged and held: never GO.
is "second device: mailbox staged word is STAGED (load, held)" \
	"$(mb_word "$other" $MB_STAGED)" $CB_STAGED
isnt "second device: mailbox go word is not GO" \
	"$(mb_word "$other" $MB_GO)" $CB_GO

vm_kill
vm_none_left
rm -f "$other" "$small"
end_cards
