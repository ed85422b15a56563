#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# start.sh - load and start as separate steps (kexec -l / -e style)
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS
IMG=$P/riscv64-dyn.elf.gz

# LABEL SUBCOMMAND... : load without starting, then start.
load_then_start() {
	local label=$1 win before entry
	shift
	win=$(make_card)
	before=$(snapshot "$win")
	run_cl "$@" --json --board $RV_BOARD -O mem.path="$win" "$IMG"
	check_load "$label" "$IMG" "$win" "$before" staged ""
	entry=$(mb_word "$win" $MB_ENTRY 8)
	rm -f "$before"
	before=$(snapshot "$win")
	run_cl start --board $RV_BOARD -O mem.path="$win"
	is "$label; start: exit status 0" "$RC" 0
	is "$label; start: go word is GO" "$(mb_word "$win" $MB_GO)" $CB_GO
	is "$label; start: entry unchanged" "$(mb_word "$win" $MB_ENTRY 8)" "$entry"
	check "$label; start: nothing but the mailbox's host fields changed" \
		changed_only_in "$win" "$before" $((MB_OFF + MB_GO)) 4 \
		$((MB_OFF + MB_ENTRY)) $((MB_STATUS + 4 - MB_ENTRY))
	rm -f "$win" "$before"
}

# h.
load_then_start "cardload load" load
load_then_start "cardload boot --no-start" boot --no-start

# start with nothing staged: refused (12), go untouched.
win=$(make_window)
run_cl start --board $RV_BOARD -O mem.path="$win"
is "start on a fresh (zero) window: exit status 12" "$RC" 12
is "start on a fresh window: go word untouched" "$(mb_word "$win" $MB_GO)" 0x00000000
if [ -s "$T/err" ]; then
	ok "start on a fresh window: says why on stderr"
else
	not_ok "start on a fresh window: says why on stderr" "$(last_run)"
fi
win=$(make_card)
sum=$(sha "$win")
run_cl start --board $RV_BOARD -O mem.path="$win"
is "start on a ready card with nothing staged: exit status 12" "$RC" 12
is "start on a ready card with nothing staged: window unchanged" "$(sha "$win")" "$sum"

done_testing
