#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# card-state.sh - only a card that will run what is staged is released
#
# `boot` (which releases) on a card whose ROM never announced READY in the
# mailbox is refused with exit 12 before anything is written; `load` and
# `boot --no-start` still work there. `start` checks the staged mailbox
# (cardboot magic and version, GO not yet set, an entry inside RAM and
# outside the reserved ranges, the argument mask) and refuses, writing
# nothing, when any of it is wrong. `--wait` on a card that never starts
# times out (10) saying so.
. "$(dirname "$0")/lib.sh"
require_build

IMG=$PAYLOADS/riscv64-dyn.elf.gz
CARD=(--board $RV_BOARD)

# Pass when stderr of the last run holds TEXT.
says() { # LABEL TEXT
	if grep -qF -- "$2" "$T/err"; then
		ok "$1: says '$2'"
	else
		not_ok "$1: says '$2'" "$(last_run)"
	fi
}

# ---- item 7: a card whose ROM never announced READY ----------------------

# LABEL WINDOW BOOT_ARGS... : a releasing boot is refused, nothing written.
refused_boot() {
	local label=$1 win=$2 sum
	shift 2
	sum=$(sha "$win")
	run_cl boot "${CARD[@]}" -O mem.path="$win" "$@" "$IMG"
	is "$label: exit status 12" "$RC" 12
	says "$label" "has not announced READY in the mailbox at 0x87c00000"
	is "$label: window unchanged" "$(sha "$win")" "$sum"
}

win=$(make_window)
refused_boot "boot on a zero window (no ROM)" "$win"
says "boot on a zero window" "(magic unset)"
says "boot on a zero window" "-O mem.qmp=SOCKET"
t0=$(date +%s%N)
refused_boot "boot --wait=5 on a zero window" "$win" --wait=5
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$ms" -lt 4000 ]; then
	ok "boot --wait=5 on a zero window: refused at once (${ms} ms)"
else
	not_ok "boot --wait=5 on a zero window: refused at once" "${ms} ms"
fi

run_cl load "${CARD[@]}" -O mem.path="$win" "$IMG"
is "load on a zero window: exit status 0 (nothing to release)" "$RC" 0
is "load on a zero window: staged" "$(mb_word "$win" $MB_STAGED)" $CB_STAGED
isnt "load on a zero window: go word not GO" "$(mb_word "$win" $MB_GO)" $CB_GO
sum=$(sha "$win")
run_cl start "${CARD[@]}" -O mem.path="$win"
is "start on the zero window: exit status 12" "$RC" 12
says "start on the zero window" "has not announced READY"
is "start on the zero window: window unchanged" "$(sha "$win")" "$sum"
rm -f "$win"

win=$(make_window)
run_cl boot --no-start "${CARD[@]}" -O mem.path="$win" "$IMG"
is "boot --no-start on a zero window: exit status 0" "$RC" 0
is "boot --no-start on a zero window: staged" \
	"$(mb_word "$win" $MB_STAGED)" $CB_STAGED
rm -f "$win"

win=$(make_card)
put_word "$win" $((MB_OFF + MB_READY)) 4 0
refused_boot "boot on a card whose ROM wrote magic but not READY" "$win"
says "magic but not READY" "(ready word unset)"
rm -f "$win"

win=$(make_card)
put_word "$win" $((MB_OFF + MB_MAGIC)) 4 0x12345678
refused_boot "boot on a card with READY but a stale magic" "$win"
says "stale magic" "(magic 0x12345678, not cardboot's"
rm -f "$win"

win=$(make_card)
put_word "$win" $((MB_OFF + MB_VERSION)) 4 2
refused_boot "boot on a card whose ROM speaks version 2" "$win"
says "version 2" "(version 2, not 1)"
rm -f "$win"

# A ready card that never takes GO (nothing runs it here): --wait says so.
for how in "boot" "start"; do
	win=$(make_card)
	if [ $how = start ]; then
		run_cl load "${CARD[@]}" -O mem.path="$win" "$IMG"
		t0=$(date +%s%N)
		run_cl start "${CARD[@]}" -O mem.path="$win" --wait=1
	else
		t0=$(date +%s%N)
		run_cl boot "${CARD[@]}" -O mem.path="$win" --wait=1 "$IMG"
	fi
	ms=$((($(date +%s%N) - t0) / 1000000))
	is "$how --wait=1 on a card that never starts: exit status 10" "$RC" 10
	is "$how --wait=1: the card was released (GO)" \
		"$(mb_word "$win" $MB_GO)" $CB_GO
	says "$how --wait=1" "no status from the payload after 1000 ms"
	says "$how --wait=1" "no sign that the card started"
	if [ "$ms" -ge 1000 ] && [ "$ms" -lt 8000 ]; then
		ok "$how --wait=1: waited about 1 s (${ms} ms)"
	else
		not_ok "$how --wait=1: waited about 1 s" "${ms} ms"
	fi
	rm -f "$win"
done

# ---- item 6: start checks what is staged ----------------------------------

# LABEL EXIT TEXT FIELD WIDTH VALUE [FIELD WIDTH VALUE]... : load (staged)
# on a ready card, overwrite mailbox fields, then start must exit EXIT
# naming TEXT and leave the window byte for byte as it was.
refused_start() {
	local label=$1 want=$2 text=$3 win sum
	shift 3
	win=$(make_card)
	run_cl load "${CARD[@]}" -O mem.path="$win" "$IMG"
	if [ "$RC" -ne 0 ]; then
		not_ok "$label: load first" "$(last_run)"
		rm -f "$win"
		return
	fi
	while [ $# -ge 3 ]; do
		put_word "$win" $((MB_OFF + $1)) "$2" "$3"
		shift 3
	done
	sum=$(sha "$win")
	run_cl start "${CARD[@]}" -O mem.path="$win"
	is "$label: start exits $want" "$RC" "$want"
	says "$label" "$text"
	is "$label: window unchanged" "$(sha "$win")" "$sum"
	rm -f "$win"
}

refused_start "entry outside RAM" 12 "staged entry 0x1000 is outside every RAM window" \
	$MB_ENTRY 8 0x1000
refused_start "entry past the end of RAM" 12 "outside every RAM window" \
	$MB_ENTRY 8 0x88000000
refused_start "entry inside the mailbox" 12 "inside reserved 'mailbox'" \
	$MB_ENTRY 8 0x87c00020
refused_start "entry inside the console ring" 12 "inside reserved 'console'" \
	$MB_ENTRY 8 0x87c01100
refused_start "entry inside the platform DTB" 12 "inside reserved 'platform-dtb'" \
	$MB_ENTRY 8 0x87e00000
refused_start "every argument bit set" 12 "argmask 0xffffffff" \
	$MB_ARGMASK 4 0xffffffff
refused_start "argument bit 4" 12 "beyond the 4 arguments" $MB_ARGMASK 4 0x10
refused_start "GO already set" 12 "released already" $MB_GO 4 $CB_GO
refused_start "magic not cardboot's" 12 "not cardboot's: magic 0x12345678" \
	$MB_MAGIC 4 0x12345678
refused_start "version 2" 12 "version 2 (want" $MB_VERSION 4 2
refused_start "no ROM magic (mailbox otherwise staged)" 12 \
	"has not announced READY in the mailbox at 0x87c00000 (magic unset)" \
	$MB_MAGIC 4 0 $MB_VERSION 4 0 $MB_READY 4 0

# The same staging, untouched, starts; a second start is refused.
win=$(make_card)
run_cl load "${CARD[@]}" -O mem.path="$win" "$IMG"
run_cl start "${CARD[@]}" -O mem.path="$win"
is "untouched staging: start exits 0" "$RC" 0
is "untouched staging: GO" "$(mb_word "$win" $MB_GO)" $CB_GO
sum=$(sha "$win")
run_cl start "${CARD[@]}" -O mem.path="$win"
is "start again: exit status 12" "$RC" 12
says "start again" "released already"
is "start again: window unchanged" "$(sha "$win")" "$sum"
rm -f "$win"

done_testing
