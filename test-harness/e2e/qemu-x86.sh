#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# qemu-x86.sh - boot card-bsp's hello-x86 on the QEMU x86 card
#
# The x86 card (test-harness/card.sh with CARD_MACHINE=x86_64: QEMU -M pc,
# 256 MiB of RAM in a /dev/shm file, card-bsp/rom-x86 as its BIOS, held
# with -S) is booted through boards/qemu-pc-x86_64.board with `cardload
# boot -O mem.path -O mem.qmp --wait --arg 0=0x1234`. hello-x86 prints the
# registers it was entered with on COM1 and powers the machine off through
# isa-debug-exit; the test checks the line (arg0 in %ebx, the other
# argument registers 0), the ROM's mailbox words and that QEMU exited. A
# second card is refused an image placed over the mailbox: exit 5, RAM
# unchanged, CPU still held.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

export CARD_MACHINE=x86_64
X86_BOARD=qemu-pc-x86_64
X86_MB=$((0x100000)) # the board's mailbox; offset = address in the RAM file
HELLO=$CARD_BSP/hello-x86.elf.gz
ROM_X86=${CARDLOAD_ROM_X86:-$CARD_BSP/rom-x86.bin}
export CARDLOAD_ROM_X86=$ROM_X86

# Mailbox word of the x86 card's RAM file.
x86_mb() { word_at "$RAM" $((X86_MB + $1)) "${2:-4}"; }

CARD_QEMU=${QEMU_X86:-qemu-system-x86_64} CARD_QEMU_PKG=qemu-system-x86 \
	CARD_ROM=$ROM_X86 require_card "$HELLO"

# a. boot hello-x86 with arg0 = 0x1234.
if card_up 1; then
	is "held card: QEMU is in prelaunch (-S)" "$(card_runstate)" prelaunch
	run_cl boot --board $X86_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--json --wait=30 --arg 0=0x1234 "$HELLO"
	if [ "$RC" -eq 0 ]; then
		ok "hello-x86: cardload boot --wait exits 0"
	else
		not_ok "hello-x86: cardload boot --wait exits 0" "$(card_diag)"
	fi
	if card_exits "$D" 30; then
		ok "hello-x86: QEMU powers off by itself (isa-debug-exit)"
	else
		not_ok "hello-x86: QEMU powers off by itself (isa-debug-exit)" \
			"$(card_diag)"
	fi
	entry=$(json_get "$T/out" plan.entry) || entry=""
	is "hello-x86: plan entry" "$entry" 0x1000000
	line=$(tr -d '\r' <"$UART" | grep -m1 '^hello-x86: entry=')
	is "hello-x86: UART shows the entry registers" "$line" \
		"hello-x86: entry=0x01000000 ebx=0x00001234 esi=0x00000000 edi=0x00000000 ebp=0x00000000"
	is "hello-x86: UART says done" \
		"$(tr -d '\r' <"$UART" | grep -c '^hello-x86: done$')" 1
	is "ROM wrote the mailbox magic" "$(x86_mb $MB_MAGIC)" $CB_MAGIC
	is "ROM wrote the mailbox version" "$(x86_mb $MB_VERSION)" $CB_VERSION
	is "ROM wrote READY" "$(x86_mb $MB_READY)" $CB_READY
	is "ROM wrote hart id 0" "$(x86_mb $MB_HARTID 8)" 0x0000000000000000
	is "ROM wrote platform DTB 0" "$(x86_mb $MB_DTB 8)" 0x0000000000000000
	is "host wrote arg0" "$(x86_mb $MB_ARG 8)" 0x0000000000001234
	is "host wrote argmask bit 0" "$(x86_mb $MB_ARGMASK)" 0x00000001
	is "payload posted DONE(0)" "$(x86_mb $MB_STATUS)" 0x4f440000
	is "--json wait.status is DONE(0)" \
		"$(json_get "$T/out" wait.status)" 0x4f440000
	sh $CARD_SH stop "$D"
else
	not_ok "x86 card starts" "$(cat "$T/card.err")"
fi

# b. the other three argument registers; %ebx keeps its default (hart id 0).
if card_up 1; then
	run_cl boot --board $X86_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--wait=30 --arg 1=0xaaaa5555 --arg 2=0x77 --arg 3=0xdeadbeef \
		"$HELLO"
	is "args 1..3: cardload boot --wait exits 0" "$RC" 0
	card_exits "$D" 30 || diag "QEMU still runs: $(card_diag)"
	line=$(tr -d '\r' <"$UART" | grep -m1 '^hello-x86: entry=')
	is "args 1..3: arg1 -> %esi, arg2 -> %edi, arg3 -> %ebp" "$line" \
		"hello-x86: entry=0x01000000 ebx=0x00000000 esi=0xaaaa5555 edi=0x00000077 ebp=0xdeadbeef"
	sh $CARD_SH stop "$D"
else
	not_ok "x86 card starts" "$(cat "$T/card.err")"
fi

# c. an image over the mailbox is refused before any write.
head -c 256 /dev/urandom >"$T/blob.bin"
if card_up 1; then
	before=$(sha "$RAM")
	run_cl boot --board $X86_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--image "$T/blob.bin@0x100000" "$HELLO"
	is "image over the mailbox: exit 5" "$RC" 5
	if grep -q "overlaps reserved 'mailbox'" "$T/err"; then
		ok "image over the mailbox: the message names the mailbox"
	else
		not_ok "image over the mailbox: the message names the mailbox" \
			"$(last_run)"
	fi
	is "image over the mailbox: RAM unchanged" "$(sha "$RAM")" "$before"
	is "image over the mailbox: CPU still held" "$(card_runstate)" prelaunch
	sh $CARD_SH stop "$D"
else
	not_ok "x86 card starts" "$(cat "$T/card.err")"
fi

end_cards
