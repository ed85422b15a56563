#!/bin/sh
# demo.sh - the main job: load the example payload into a card's RAM window
#
# Creates a 128 MiB shm file standing in for the RAM of the QEMU RISC-V card
# (boards/qemu-virt-riscv64.board), boots the gzip-compressed position-
# independent example through cardload (placed, relocated, bss zeroed,
# verified, released through the mailbox), then shows the mailbox. Leaves
# nothing behind.
set -eu
O=${1:-build}
CARDLOAD=$O/cardload
IMAGE=$O/payloads/riscv64-dyn.elf.gz
RAM=/dev/shm/cardload-demo-$$

cleanup() { rm -f "$RAM"; }
trap cleanup EXIT INT TERM

truncate -s 128M "$RAM"
echo "== cardload inspect $IMAGE"
"$CARDLOAD" inspect "$IMAGE"
echo
echo "== cardload boot --board qemu-virt-riscv64 -O mem.path=$RAM $IMAGE"
"$CARDLOAD" boot -v --board qemu-virt-riscv64 -O mem.path="$RAM" "$IMAGE"
echo
echo "== cardload status"
"$CARDLOAD" status --board qemu-virt-riscv64 -O mem.path="$RAM"
