#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fault.sh - a corrupted write is caught by verification and the card stays held
#
# -O fault.corrupt-write=K flips a bit in the data of the K-th write call,
# in the fault-injecting build ($CARDLOAD_FAULT, run_fault); the shipped
# command has no fault options at all.
. "$(dirname "$0")/lib.sh"
require_build
require_fault_build

P=$PAYLOADS
IMG=$P/riscv64-dyn.elf.gz
KMAX=${FAULT_KMAX:-32}

# What a load can change on a card made by make_card: the low 4 MiB and the
# mailbox. Prints a digest of both and the mailbox words.
card_state() { # FILE
	python3 - "$1" $MB_OFF <<'PY'
import hashlib, sys
with open(sys.argv[1], "rb") as f:
    low = f.read(4 << 20)
    f.seek(int(sys.argv[2]))
    mb = f.read(0x60)
print(hashlib.sha256(low).hexdigest()[:16], mb.hex())
PY
}

# The shipped command knows no fault options: -O help does not list them
# and -O fault.* is an unknown option (2), naming the key.
run_cl load -O help
if grep -qE "^fault:|fault\." "$T/out"; then
	not_ok "shipped command: -O help lists no fault options" "$(last_run)"
else
	ok "shipped command: -O help lists no fault options"
fi
win=$(make_card)
run_cl boot --board $RV_BOARD -O mem.path="$win" -O fault.corrupt-write=1 "$IMG"
is "shipped command: -O fault.corrupt-write is an unknown option (2)" "$RC" 2
if grep -qF "fault.corrupt-write" "$T/err" && grep -qF "mem.path" "$T/err"; then
	ok "shipped command: the error names the key and the keys mem takes"
else
	not_ok "shipped command: the error names the key and the keys mem takes" \
		"$(last_run)"
fi
isnt "shipped command: go word is not GO" "$(mb_word "$win" $MB_GO)" $CB_GO
rm -f "$win"
run_fault load -O help
if grep -qF "fault.corrupt-write=K" "$T/out"; then
	ok "fault build: -O help lists fault.corrupt-write"
else
	not_ok "fault build: -O help lists fault.corrupt-write" "$(last_run)"
fi

# f. as specified: the first write call corrupted -> 9, card held.
win=$(make_card)
run_fault boot --json --board $RV_BOARD -O mem.path="$win" \
	-O fault.corrupt-write=1 "$IMG"
is "corrupt-write=1: exit status 9 (verify mismatch)" "$RC" 9
isnt "corrupt-write=1: go word is not GO" "$(mb_word "$win" $MB_GO)" $CB_GO
rm -f "$win"

# Every write call in turn, K = 1..KMAX (past the last write, nothing is
# corrupted): each corrupted write must be caught (exit 9, go not GO, not
# STAGED) or harmless (the card ends exactly as after a clean load).
win=$(make_card)
run_cl boot --board $RV_BOARD -O mem.path="$win" "$IMG"
is "clean load for reference: exit status 0" "$RC" 0
clean=$(card_state "$win")
rm -f "$win"
first_caught=""
for k in $(seq 1 "$KMAX"); do
	win=$(make_card)
	run_fault boot --board $RV_BOARD -O mem.path="$win" \
		-O fault.corrupt-write="$k" "$IMG"
	go=$(mb_word "$win" $MB_GO)
	staged=$(mb_word "$win" $MB_STAGED)
	state=$(card_state "$win")
	name="corrupt-write=$k: caught or harmless"
	if [ "$RC" -eq 9 ] && [ "$go" != $CB_GO ] &&
	   [ "$staged" != $CB_STAGED ] && [ -s "$T/err" ]; then
		ok "$name (caught: $(head -c 120 "$T/err" | tr '\n' ' '))"
		[ -n "$first_caught" ] || first_caught=$k
	elif [ "$RC" -eq 0 ] && [ "$state" = "$clean" ]; then
		ok "$name (harmless)"
	else
		not_ok "$name" "$(last_run)" "go $go, staged $staged" \
			"mailbox after:  ${state#* }" "mailbox clean:  ${clean#* }"
	fi
	rm -f "$win"
done

# A stale staging must not survive a failed load: load and stage an image
# (--no-start), then a second load fails verification; `start` must then
# refuse (12) rather than release a half-overwritten image.
k=${first_caught:-4}
win=$(make_card)
run_cl load --board $RV_BOARD -O mem.path="$win" "$IMG"
is "stale staging: first load (--no-start) exits 0" "$RC" 0
is "stale staging: first load staged" "$(mb_word "$win" $MB_STAGED)" $CB_STAGED
run_fault boot --board $RV_BOARD -O mem.path="$win" --base 0x80200000 \
	-O fault.corrupt-write="$k" "$IMG"
is "stale staging: second load with corrupt-write=$k exits 9" "$RC" 9
isnt "stale staging: staged word cleared by the failed load" \
	"$(mb_word "$win" $MB_STAGED)" $CB_STAGED
run_cl start --board $RV_BOARD -O mem.path="$win"
is "stale staging: start afterwards exits 12" "$RC" 12
isnt "stale staging: go word never GO" "$(mb_word "$win" $MB_GO)" $CB_GO

# Without a fault the same window loads and starts (the fault, not the
# window, made it fail).
run_cl boot --board $RV_BOARD -O mem.path="$win" "$IMG"
is "same window without fault: boot exits 0" "$RC" 0
is "same window without fault: go word is GO" "$(mb_word "$win" $MB_GO)" $CB_GO

done_testing
