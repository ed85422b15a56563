#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gdb-qemu.sh - the gdb transport against QEMU's own gdbstub: cards with no
# ROM at all, loaded, verified and started through the GDB remote protocol
#
# Cards are test-harness/card.sh's riscv64-gdb (-M virt -bios none) and
# aarch64-gdb (-M virt -cpu cortex-a53, no firmware), held with -S, the
# gdbstub on a unix socket, RAM in a shared file that the test reads to
# check what cardload wrote. card-bsp's hello (riscv64 and aarch64) is
# booted with --wait; its UART must show the relocated load address, the
# argument registers cardload set through the stub, the parameter block,
# "relocations ok" and "digest ok". A 40 MiB image is loaded and verified
# through the stub and the RAM file compared with the model
# (expect-image.py); load --no-start, verify, status and start work as on
# every other transport.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../card-lib.sh"
. "$(dirname "$0")/hello-lib.sh"

RV_GDB=qemu-virt-riscv64-gdb
HELLO_DYN=$CARD_BSP/hello-dyn.elf.gz
HELLO_EXEC=$CARD_BSP/hello-exec.elf.gz
BIG=$CARD_BSP/big-dyn.elf.gz
A64_GDB=qemu-virt-aarch64-gdb
HELLO_A64=$CARD_BSP/hello-aarch64-dyn.elf.gz
require_card "$HELLO_DYN" "$HELLO_EXEC" "$BIG"
CARD_QEMU=qemu-system-aarch64 CARD_QEMU_PKG=qemu-system-arm \
	require_card "$HELLO_A64"

# Start a gdb card of MACHINE (riscv64-gdb, aarch64-gdb) as card N.
gdb_card_up() { # MACHINE N
	CARD_MACHINE=$1 card_up "$2"
}

# Boot IMAGE with --wait on a fresh card and check hello's report.
gdb_hello() { # LABEL MACHINE BOARD IMAGE WANT_BASE ARGS...
	local label=$1 machine=$2 board=$3 image=$4 want_base=$5
	shift 5
	if ! gdb_card_up "$machine" 1; then
		not_ok "$label: card starts" "$(cat "$T/card.err")"
		return
	fi
	run_cl boot --board "$board" -O gdb.addr="unix:$GDB" --json --wait=30 \
		"$@" "$image"
	if [ "$RC" -eq 0 ]; then
		ok "$label: cardload boot --wait exits 0"
	else
		not_ok "$label: cardload boot --wait exits 0" "$(card_diag)"
	fi
	HELLO_BOARD=$board check_hello "$label" "$want_base"
	sh $CARD_SH stop "$D"
}

DTB=$(printf "0x%x" $DTB_ADDR)

# a. riscv64: hello-dyn placed by the loader, a command line, the default
# arguments (a0 = hart id 0, a1 = the platform DTB QEMU put at the top of
# RAM, as the card ROM passes them).
CMDLINE="console=uart gdb=1"
WANT_ARGS="0x0 $DTB 0x0 0x0"
gdb_hello "riscv64 hello-dyn via gdbstub" riscv64-gdb $RV_GDB "$HELLO_DYN" "" \
	--cmdline "$CMDLINE"

# b. riscv64: the ET_EXEC hello with arguments set by register.
CMDLINE=""
WANT_ARGS="0x1234 $DTB 0x0 0x55"
gdb_hello "riscv64 hello-exec, --arg 0=0x1234 --arg 3=0x55" riscv64-gdb \
	$RV_GDB "$HELLO_EXEC" 0x80200000 --arg 0=0x1234 --arg 3=0x55

# d. aarch64 (cortex-a53, EL1, no firmware): hello placed by the loader,
# the default x0 = 0 and x1 = QEMU's DTB at the start of RAM; then with
# arguments. Its mailbox is at 0x4fc00000 of RAM at 0x40000000.
RV_MB_OFF=$MB_OFF
MB_OFF=$((0x4fc00000 - 0x40000000))
CMDLINE="console=ttyAMA0 gdb=aarch64"
WANT_ARGS="0x0 0x40000000 0x0 0x0"
gdb_hello "aarch64 hello via gdbstub" aarch64-gdb $A64_GDB "$HELLO_A64" "" \
	--cmdline "$CMDLINE"
CMDLINE=""
WANT_ARGS="0x77 0x40000000 0x1234 0xfedcba9876543210"
gdb_hello "aarch64 hello, --arg 0, 2, 3 (64-bit) at --base 0x48000000" \
	aarch64-gdb $A64_GDB "$HELLO_A64" 0x48000000 --base 0x48000000 \
	--arg 0=0x77 --arg 2=0x1234 --arg 3=0xfedcba9876543210
MB_OFF=$RV_MB_OFF

# c. 40 MiB through the stub: load (held), the RAM file against the model,
# verify, status, start --wait.
if gdb_card_up riscv64-gdb 1; then
	before=$(snapshot "$RAM")
	run_cl load --board $RV_GDB -O gdb.addr="unix:$GDB" --json "$BIG"
	check_load "big-dyn (40 MiB) via gdbstub" "$BIG" "$RAM" "$before" \
		staged ""
	rm -f "$before"
	run_cl verify --board $RV_GDB -O gdb.addr="unix:$GDB" "$BIG"
	if [ "$RC" -eq 0 ] && grep -q "^same" "$T/out"; then
		ok "big-dyn: cardload verify through the stub says same"
	else
		not_ok "big-dyn: cardload verify through the stub says same" \
			"$(last_run)"
	fi
	is "big-dyn: QEMU still held after load and verify" \
		"$(card_runstate)" "prelaunch"
	run_cl status --board $RV_GDB -O gdb.addr="unix:$GDB"
	if [ "$RC" -eq 0 ] && grep -q "^card *gdb unix:" "$T/out" &&
		grep -q "riscv:rv64" "$T/out"; then
		ok "status: names the gdb card and its architecture"
	else
		not_ok "status: names the gdb card and its architecture" \
			"$(last_run)"
	fi
	run_cl start --board $RV_GDB -O gdb.addr="unix:$GDB" --wait=30
	is "big-dyn: cardload start --wait exits 0 (payload DONE)" "$RC" 0
	uart_text "$T/uart"
	is "big-dyn: UART says digest ok" \
		"$(uline "$T/uart" "digest " | cut -d' ' -f1,2)" "digest ok"
	sh $CARD_SH stop "$D"
else
	not_ok "big-dyn: card starts" "$(cat "$T/card.err")"
fi

# e. what a boot hands a payload besides its image, over the stub: the
# card's own DTB read through it and patched, an initrd, a command line,
# patched globals (card-bsp's check-dyn checks them all and says "ok");
# then two images, stage1 jumping to hello (--arg 2=@image1).
CHECK=$CARD_BSP/check-dyn.elf.gz
STAGE1=$CARD_BSP/stage1.elf.gz
head -c 5000 /dev/urandom | gzip -1 >"$T/initrd.gz"
isize=$(stat -c %s "$T/initrd.gz")
icrc=$(python3 -c 'import sys, zlib; print("0x%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$T/initrd.gz")
CMDLINE="console=uart root=/dev/ram0 gdb"
if gdb_card_up riscv64-gdb 1; then
	run_cl boot --board $RV_GDB -O gdb.addr="unix:$GDB" --json --wait=30 \
		--dtb-from-card --cmdline "$CMDLINE" \
		--set "expect_cmdline=str:$CMDLINE" --initrd "$T/initrd.gz" \
		--set "expect_initrd_crc=$icrc" --set "expect_initrd_size=$isize" \
		--set magic_value=0x1234abcd --arg 1=@dtb "$CHECK"
	is "check-dyn: boot --wait exits 0" "$RC" 0
	uart_text "$T/uart"
	for what in "check: magic=0x1234abcd" "check: cmdline ok" \
		"check: initrd ok size=$isize" "check: dtb chosen ok" \
		"check: done status=$DONE0"; do
		if grep -qF -- "$what" "$T/uart"; then
			ok "check-dyn over gdb: UART '$what'"
		else
			not_ok "check-dyn over gdb: UART '$what'" "$(card_diag)"
		fi
	done
	sh $CARD_SH stop "$D"
fi
if gdb_card_up riscv64-gdb 1; then
	run_cl boot --board $RV_GDB -O gdb.addr="unix:$GDB" --json --wait=30 \
		"$STAGE1" --image "$HELLO_DYN" --arg 2=@image1
	is "stage1 -> hello: boot --wait exits 0" "$RC" 0
	uart_text "$T/uart"
	e1=$(json_get "$T/out" boot.images.1.entry 2>/dev/null) || e1=none
	is_hex "stage1 -> hello: stage1 jumps to image 1's entry" \
		"$(field "$(grep -m1 "stage1: " "$T/uart")" next)" "$e1"
	is "stage1 -> hello: hello says digest ok" \
		"$(uline "$T/uart" "digest " | cut -d' ' -f1,2)" "digest ok"
	sh $CARD_SH stop "$D"
fi

end_cards
