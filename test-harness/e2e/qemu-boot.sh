#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# qemu-boot.sh - boot the card-bsp hello payloads on a real QEMU RISC-V card
#
# Each case starts its own card (two at once for the last one) (test-harness/card.sh: qemu-system-riscv64
# -M virt, RAM in a /dev/shm file, the card-bsp ROM in pflash, held with -S),
# boots an image with `cardload boot -O mem.path -O mem.qmp --wait`, waits
# for the payload to power the machine off, and compares what the payload
# printed on its UART with the plan and result cardload printed (--json).
# E2E_SEED=N repeats the random base of a run.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"
. "$(dirname "$0")/hello-lib.sh"

# --------------------------------------------------------------------------

HELLO_DYN=$CARD_BSP/hello-dyn.elf.gz
HELLO_EXEC=$CARD_BSP/hello-exec.elf.gz
require_card "$HELLO_DYN" "$HELLO_EXEC"

# Start a card, boot IMAGE with --json --wait=30 and ARGS, wait for the
# payload to power off, check. Leaves the card stopped unless KEEP=1.
hello_boot() { # LABEL IMAGE WANT_BASE ARGS...
	local label=$1 image=$2 want_base=$3
	shift 3
	if ! card_up 1; then
		not_ok "$label: card starts" "$(cat "$T/card.err")"
		return
	fi
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--json --wait=30 "$@" "$image"
	if [ "$RC" -eq 0 ]; then
		ok "$label: cardload boot --wait exits 0"
	else
		not_ok "$label: cardload boot --wait exits 0" "$(card_diag)"
	fi
	if card_exits "$D" 30; then
		ok "$label: QEMU powers off by itself"
	else
		not_ok "$label: QEMU powers off by itself" "$(card_diag)"
	fi
	check_hello "$label" "$want_base"
	[ "${KEEP:-}" = 1 ] || sh $CARD_SH stop "$D"
}

DTB=$(printf "0x%x" $DTB_ADDR)
DEFAULT_ARGS="0x0 $DTB 0x0 0x0" # hart id, platform DTB, 0, 0

# a. compressed ET_DYN hello placed by the loader, with a cmdline; then i.
CMDLINE="console=uart hello=1"
WANT_ARGS=$DEFAULT_ARGS
KEEP=1 hello_boot "hello-dyn.elf.gz, auto base" "$HELLO_DYN" "" \
	--cmdline "$CMDLINE"

# i. the console ring holds what the payload printed on its UART.
run_cl console --board $RV_BOARD -O mem.path="$RAM"
is "console: cardload console exits 0" "$RC" 0
grep '^hello: ' "$T/uart" >"$T/uart.hello"
tr -d '\r' <"$T/out" | grep '^hello: ' >"$T/console.hello"
if [ -s "$T/uart.hello" ] && cmp -s "$T/uart.hello" "$T/console.hello"; then
	ok "console: prints the same hello lines as the UART"
else
	not_ok "console: prints the same hello lines as the UART" \
		"$(diff "$T/uart.hello" "$T/console.hello" | head -n 20)" "$(last_run)"
fi
sh $CARD_SH stop "$D"

# b. an explicit base, and a random one (a multiple of the image's alignment
# in [0x80000000, 0x84000000)).
CMDLINE=""
hello_boot "hello-dyn.elf.gz, --base 0x80200000" "$HELLO_DYN" 0x80200000 \
	--base 0x80200000

seed=${E2E_SEED:-$RANDOM$RANDOM}
run_cl boot --board $RV_BOARD --dry-run --json "$HELLO_DYN"
if align=$(json_get "$T/out" plan.align) && span=$(json_get "$T/out" plan.span)
then
	base=$(python3 - "$align" "$span" "$seed" <<'PY'
import random, sys
align, span, seed = int(sys.argv[1], 0), int(sys.argv[2], 0), int(sys.argv[3])
align = max(align, 1)
slots = (0x84000000 - 0x80000000 - span) // align
print("0x%x" % (0x80000000 + random.Random(seed).randrange(slots + 1) * align))
PY
)
	hello_boot "hello-dyn.elf.gz, random --base $base (E2E_SEED=$seed)" \
		"$HELLO_DYN" "$base" --base "$base"
else
	not_ok "hello-dyn.elf.gz: --dry-run --json has plan.align and plan.span" \
		"$(last_run)"
fi

# c. argument registers: a0 and a3 set, a1 keeps the platform DTB.
WANT_ARGS="0x1234 $DTB 0x0 0x55"
hello_boot "hello-dyn.elf.gz, --arg 0=0x1234 --arg 3=0x55" "$HELLO_DYN" "" \
	--arg 0=0x1234 --arg 3=0x55

# d. the ET_EXEC hello, linked at 0x80200000.
WANT_ARGS=$DEFAULT_ARGS
hello_boot "hello-exec.elf.gz" "$HELLO_EXEC" 0x80200000

# g. two cards at once, booted concurrently: each runs its own image at its
# own address (nothing in cardload or the transport is global).
boot_bg() { # N IMAGE ARGS... (card N's env is in $T/cardN/env)
	local n=$1 image=$2
	shift 2
	(
		. "$T/card$n/env"
		timeout "$E2E_TIMEOUT" "$CARDLOAD" boot --board $RV_BOARD \
			-O mem.path="$RAM" -O mem.qmp="$QMP" --json --wait=30 \
			"$@" "$image" >"$T/out$n" 2>"$T/err$n"
		rc=$?
		echo $rc >"$T/rc$n"
		json_keep "$T/out$n" $rc boot --board $RV_BOARD --json "$@" "$image"
	) &
}
if card_up 1 && card_up 2; then
	boot_bg 1 "$HELLO_DYN" --base 0x80000000
	boot_bg 2 "$HELLO_EXEC"
	wait
	for n in 1 2; do
		label="two cards: card $n"
		D=$T/card$n
		. "$D/env"
		cp "$T/out$n" "$T/out"
		cp "$T/err$n" "$T/err"
		RC=$(cat "$T/rc$n")
		if [ "$RC" -eq 0 ]; then
			ok "$label: cardload boot --wait exits 0"
		else
			not_ok "$label: cardload boot --wait exits 0" "$(card_diag)"
		fi
		if card_exits "$D" 30; then
			ok "$label: QEMU powers off by itself"
		else
			not_ok "$label: QEMU powers off by itself" "$(card_diag)"
		fi
		case $n in
		1) check_hello "$label, hello-dyn.elf.gz" 0x80000000 ;;
		2) check_hello "$label, hello-exec.elf.gz" 0x80200000 ;;
		esac
	done
else
	not_ok "two cards: both cards start" "$(cat "$T/card.err")"
fi

end_cards
