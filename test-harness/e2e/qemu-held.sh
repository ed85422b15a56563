#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# qemu-held.sh - holding and releasing a real QEMU RISC-V card
#
# A card (test-harness/card.sh: qemu-system-riscv64 -M virt, RAM in a
# /dev/shm file, the card-bsp ROM in pflash) starts held by -S, its CPU
# never run. Refused images must leave it so: nothing written, no QMP cont.
# `load` leaves it held with the entry staged, `start` lets it go. And
# `boot --wait` reports the status word the payload posts: DONE (0), FAIL
# (13) or none before the timeout (10), with tiny payloads built here.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

# Pass when cardload ($RC) exited WANT.
exits() { # LABEL WANT
	if [ "$RC" -eq "$2" ]; then
		ok "$1: exit status $2"
	else
		not_ok "$1: exit status $2" "$(card_diag)"
	fi
}

# The card is held: alive, CPU not running, nothing on the UART, go word
# not GO. STATE is the run state it must be in ("" for any but running).
still_held() { # LABEL [STATE]
	local label=$1 want=${2:-} st
	sleep 0.5 # time for a wrongly released CPU to print
	st=$(card_runstate)
	if [ "$want" = running_rom ]; then
		is "$label: the CPU runs (in the ROM)" "$st" running
	elif [ -n "$want" ]; then
		is "$label: card still held (QMP status $want)" "$st" "$want"
	elif [ "$st" != running ] && [ "$st" != exited ]; then
		ok "$label: card still held (QMP status $st)"
	else
		not_ok "$label: card still held" "QMP status $st" "$(card_diag)"
	fi
	if [ ! -s "$UART" ]; then
		ok "$label: nothing on the UART"
	else
		not_ok "$label: nothing on the UART" "$(card_diag)"
	fi
	isnt "$label: mailbox go word is not GO" "$(mb_word "$RAM" $MB_GO)" $CB_GO
}

# First line of the UART log with "hello: PREFIX" (without "hello: ").
uline() { tr -d '\r' <"$UART" | grep -m1 -F -- "hello: $1" | sed 's/^.*hello: //'; }

# --------------------------------------------------------------------------

HELLO_DYN=$CARD_BSP/hello-dyn.elf.gz
require_card "$HELLO_DYN"

DONE0=0x4f440000 # CARDBOOT_STATUS_DONE(0)
qboot() { # ARGS... : boot into the current card through its QMP socket
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" "$@"
}

# e. a corrupt image (4) and a placement over the mailbox (5) leave the card
# as -S left it: CPU never started, RAM not written. Then it still boots.
if card_up 1; then
	before=$(sha "$RAM")
	cp "$HELLO_DYN" "$T/corrupt.elf.gz"
	python3 - "$T/corrupt.elf.gz" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    data = f.read()
    f.seek(len(data) // 2)
    f.write(bytes([data[len(data) // 2] ^ 0xff]))
PY
	qboot --wait=5 "$T/corrupt.elf.gz"
	exits "corrupt gzip image" 4
	still_held "corrupt gzip image" prelaunch
	is "corrupt gzip image: card RAM unchanged" "$(sha "$RAM")" "$before"

	qboot --wait=5 --base 0x87c00000 "$HELLO_DYN"
	exits "--base 0x87c00000 (over the mailbox)" 5
	still_held "--base 0x87c00000 (over the mailbox)" prelaunch
	is "--base 0x87c00000: card RAM unchanged" "$(sha "$RAM")" "$before"

	qboot --wait=30 "$HELLO_DYN"
	exits "after the refusals, the same card boots hello" 0
	if card_exits "$D" 30; then
		ok "after the refusals: QEMU powers off by itself"
	else
		not_ok "after the refusals: QEMU powers off by itself" "$(card_diag)"
	fi
	is "after the refusals: UART says done" "$(uline "done")" "done status=$DONE0"
	sh $CARD_SH stop "$D"
else
	not_ok "card starts" "$(cat "$T/card.err")"
fi

# e2. the ROM actually running and spinning on the mailbox (no QMP given to
# cardload, so only the mailbox can hold the card): a corrupt image and a
# placement conflict leave it spinning, the UART empty; a good image then
# releases it through the mailbox alone.
if card_up 4; then
	sh $CARD_SH run "$D"
	for i in $(seq 1 200); do # the ROM posts READY within moments
		[ "$(mb_word "$RAM" $MB_READY)" = $CB_READY ] && break
		sleep 0.05
	done
	is "spinning ROM: mailbox READY" "$(mb_word "$RAM" $MB_READY)" $CB_READY
	before=$(sha "$RAM")
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" "$T/corrupt.elf.gz"
	exits "spinning ROM, corrupt image" 4
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" --base 0x87c00000 \
		"$HELLO_DYN"
	exits "spinning ROM, base over the mailbox" 5
	is "spinning ROM: card RAM unchanged by the refusals" "$(sha "$RAM")" \
		"$before"
	still_held "spinning ROM after the refusals" running_rom
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" --wait=30 "$HELLO_DYN"
	exits "spinning ROM: a good image is released by the mailbox alone" 0
	if card_exits "$D" 30; then
		ok "spinning ROM: QEMU powers off by itself"
	else
		not_ok "spinning ROM: QEMU powers off by itself" "$(card_diag)"
	fi
	is "spinning ROM: UART says done" "$(uline "done")" "done status=$DONE0"
	sh $CARD_SH stop "$D"
else
	not_ok "card starts" "$(cat "$T/card.err")"
fi

# f. load (held, entry staged), then start.
if card_up 2; then
	run_cl load --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--json "$HELLO_DYN"
	exits "cardload load" 0
	cp "$T/out" "$T/load.json"
	still_held "cardload load"
	is "cardload load: mailbox staged word is STAGED" \
		"$(mb_word "$RAM" $MB_STAGED)" $CB_STAGED
	if base=$(json_get "$T/load.json" plan.base); then
		ok "cardload load: --json has plan.base ($base)"
	else
		not_ok "cardload load: --json has plan.base" "$(cat "$T/load.json")"
	fi

	run_cl start --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP"
	exits "cardload start" 0
	if card_exits "$D" 30; then
		ok "cardload start: QEMU powers off by itself"
	else
		not_ok "cardload start: QEMU powers off by itself" "$(card_diag)"
	fi
	l=$(uline load=)
	l=${l#load=}
	is "cardload start: UART load= is the plan base of the load" \
		"$(printf '0x%x' "$((${l%% *}))" 2>/dev/null)" \
		"$(printf '0x%x' "$((${base:-0}))")"
	is "cardload start: UART says done" "$(uline "done")" "done status=$DONE0"
	is "cardload start: mailbox status word is DONE(0)" \
		"$(mb_word "$RAM" $MB_STATUS)" $DONE0
	sh $CARD_SH stop "$D"
else
	not_ok "card starts" "$(cat "$T/card.err")"
fi

# h. boot --wait: what the payload posts decides the exit status. Payloads
# built here from source: post a status word and power off, or spin.
# (0x87c00050 is the mailbox status word, 0x100000 QEMU's sifive test device.)
cat >"$T/status.S" <<'EOF'
	.globl	_start
_start:
#ifdef STATUS
	li	t0, 0x87c00050
	li	t1, STATUS
	sw	t1, 0(t0)
	fence	rw, rw
	li	t0, 0x100000
	li	t1, 0x5555
	sw	t1, 0(t0)
#endif
1:	j	1b
EOF
printf 'ENTRY(_start)\nSECTIONS { . = 0x80000000; .text : { *(.text*) }\n/DISCARD/ : { *(.riscv.attributes) *(.comment) } }\n' >"$T/status.ld"
build_payload() { # OUT [CPPFLAGS...]
	local out=$1
	shift
	clang --target=riscv64-unknown-elf -march=rv64imac -mabi=lp64 \
		-nostdlib -fuse-ld=lld -Wl,-T,"$T/status.ld" "$@" \
		-o "$out" "$T/status.S" 2>>"$T/clang.err"
}
if ! build_payload "$T/done.elf" -DSTATUS=0x4f44002a ||
	! build_payload "$T/fail.elf" -DSTATUS=0x4c460007 ||
	! build_payload "$T/spin.elf"; then
	not_ok "build the --wait payloads" "$(cat "$T/clang.err")"
else
	# LABEL IMAGE WAIT WANT_EXIT WANT_STATUS POWERS_OFF(yes|no)
	wait_case() {
		local label=$1 image=$2 w=$3 want=$4 status=$5 off=$6
		if ! card_up 3; then
			not_ok "$label: card starts" "$(cat "$T/card.err")"
			return
		fi
		t0=$(date +%s%N)
		qboot --wait="$w" "$image"
		WAIT_MS=$((($(date +%s%N) - t0) / 1000000))
		exits "$label" "$want"
		is "$label: mailbox status word" "$(mb_word "$RAM" $MB_STATUS)" "$status"
		if [ "$off" = yes ]; then
			if card_exits "$D" 30; then
				ok "$label: QEMU powers off by itself"
			else
				not_ok "$label: QEMU powers off by itself" "$(card_diag)"
			fi
		else
			is "$label: the card runs on" "$(card_runstate)" running
		fi
		sh $CARD_SH stop "$D"
	}
	wait_case "payload posts DONE(0x2a), --wait=30" "$T/done.elf" 30 0 \
		0x4f44002a yes
	wait_case "payload posts FAIL(7), --wait=30" "$T/fail.elf" 30 13 \
		0x4c460007 yes
	wait_case "payload never posts, --wait=2" "$T/spin.elf" 2 10 \
		0x00000000 no
	if [ "$WAIT_MS" -ge 2000 ] && [ "$WAIT_MS" -lt 12000 ]; then
		ok "payload never posts: --wait=2 waits 2 s, then gives up (${WAIT_MS} ms)"
	else
		not_ok "payload never posts: --wait=2 waits 2 s, then gives up" \
			"cardload took ${WAIT_MS} ms"
	fi
fi

end_cards
