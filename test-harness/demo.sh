#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh - the main job: boot the example payload on a simulated card
#
#   sh test-harness/demo.sh [BUILD_DIR]      (make demo)
#
# Starts the QEMU RISC-V card (test-harness/card.sh: qemu-system-riscv64
# -M virt, its 128 MiB of RAM a /dev/shm file, the card-bsp boot ROM in
# pflash, the CPU held), shows what cardload makes of the gzip-compressed,
# position-independent example payload, boots it (decompressed, placed,
# relocated, bss zeroed, parameter block and cmdline written, read back and
# verified, released through the mailbox and QMP), waits for the payload's
# status word, and shows what the card printed on its UART. The card is
# stopped and its RAM file removed whatever happens.
set -eu
O=${1:-build}
here=$(dirname "$0")
CARDLOAD=$O/cardload
IMAGE=$O/card-bsp/hello-dyn.elf.gz
BOARD=qemu-virt-riscv64
CMDLINE="console=uart demo=1"
export CARDLOAD_ROM="${CARDLOAD_ROM:-$O/card-bsp/rom.bin}"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/cardload-demo.XXXXXX")
cleanup() {
	sh "$here/card.sh" stop "$DIR"
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

sh "$here/card.sh" start "$DIR" demo
. "$DIR/env"
echo "== card: qemu-system-riscv64 -M virt, pid $PID, CPU held (-S)"
echo "   RAM $RAM, QMP $QMP"
echo
echo "== cardload inspect $IMAGE --board $BOARD"
"$CARDLOAD" inspect "$IMAGE" --board $BOARD
echo
echo "== cardload boot -v --board $BOARD -O mem.path=$RAM -O mem.qmp=$QMP"
echo "     --cmdline \"$CMDLINE\" --wait=30 $IMAGE"
rc=0
"$CARDLOAD" boot -v --board $BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
	--cmdline "$CMDLINE" --wait=30 "$IMAGE" || rc=$?
echo "(exit status $rc)"
if [ "$rc" -eq 0 ] && ! sh "$here/card.sh" wait-exit "$DIR" 10; then
	echo "demo: the card did not power off within 10 s" >&2
	rc=1
fi
echo
echo "== cardload status --board $BOARD -O mem.path=$RAM"
"$CARDLOAD" status --board $BOARD -O mem.path="$RAM" || true
echo
echo "== the card's UART ($UART)"
tr -d '\r' <"$UART"
exit "$rc"
