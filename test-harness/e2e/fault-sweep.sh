#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fault-sweep.sh - inject a failure into every transport call of a whole load
#
# For each hook (write, read, fill, flush, hold, release) and each call
# number K, once (transient) and from K on (persistent), through
# -O fault.fail=HOOK:K[:always]: the load either ends with an error and the
# card held (go word not GO; nothing staged either, unless writes fail for
# good and the staged mark cannot be cleared), or — when the fault never
# struck, or a transient write was retried — exactly as a clean load does.
# A release after a fault is the one outcome that must never happen.
# Faulty runs use the fault-injecting build ($CARDLOAD_FAULT, run_fault).
. "$(dirname "$0")/lib.sh"
require_build
require_fault_build

IMG=$PAYLOADS/riscv64-dyn.elf.gz
KMAX=${SWEEP_KMAX:-24}

state() { # FILE: digest of the low 4 MiB and the mailbox
	python3 - "$1" $MB_OFF <<'PY'
import hashlib, sys
with open(sys.argv[1], "rb") as f:
    low = f.read(4 << 20)
    f.seek(int(sys.argv[2]))
    mb = f.read(0x60)
print(hashlib.sha256(low + mb).hexdigest()[:16])
PY
}

win=$(make_card)
run_cl boot --board $RV_BOARD -O mem.path="$win" "$IMG"
is "clean load for reference: exit status 0" "$RC" 0
clean=$(state "$win")
rm -f "$win"

released_after_fault=0 faults=0 runs=0
for hook in write read fill flush hold release; do
	for mode in "" ":always"; do
		bad=""
		for k in $(seq 1 "$KMAX"); do
			win=$(make_card)
			run_fault boot --board $RV_BOARD -O mem.path="$win" \
				-O fault.fail="$hook:$k$mode" "$IMG"
			runs=$((runs + 1))
			go=$(mb_word "$win" $MB_GO)
			staged=$(mb_word "$win" $MB_STAGED)
			if [ "$RC" -ne 0 ]; then
				faults=$((faults + 1))
				if [ "$go" = $CB_GO ]; then
					released_after_fault=$((released_after_fault + 1))
					bad="$bad k=$k(exit $RC, go $go: released)"
				elif [ "$staged" = $CB_STAGED ] &&
				     [ "$hook$mode" != "write:always" ]; then
					# a staged mark is cleared after any
					# failure, unless writes fail for good
					bad="$bad k=$k(exit $RC, left staged)"
				elif ! grep -q "injected fault" "$T/err"; then
					bad="$bad k=$k(exit $RC without naming the fault)"
				fi
			elif [ "$(state "$win")" != "$clean" ]; then
				bad="$bad k=$k(exit 0 but the card differs from a clean load)"
			fi
			rm -f "$win"
		done
		if [ -z "$bad" ]; then
			ok "fault.fail=$hook:K$mode, K=1..$KMAX: held on error, clean on success"
		else
			not_ok "fault.fail=$hook:K$mode, K=1..$KMAX" "$bad"
		fi
	done
done
diag "$runs loads, $faults ended in an injected-fault error"
is "releases after a fault" "$released_after_fault" 0
ok_if() { if [ "$1" -gt 0 ]; then ok "$2"; else not_ok "$2" "none"; fi; }
ok_if "$faults" "the sweep did inject faults that stopped loads"

# All-ones reads (a card that vanished): verification fails, card held.
win=$(make_card)
run_fault boot --board $RV_BOARD -O mem.path="$win" -O fault.ones=1 "$IMG"
isnt "all-ones reads: the load fails" "$RC" 0
isnt "all-ones reads: go word is not GO" "$(mb_word "$win" $MB_GO)" $CB_GO
rm -f "$win"

# Interrupted (SIGINT, SIGTERM) mid-load: exit 11, card held, lock released.
for sig in INT TERM; do
	win=$(make_card)
	"$CARDLOAD_FAULT" boot --board $RV_BOARD -O mem.path="$win" \
		-O fault.delay=200 "$PAYLOADS/riscv64-dyn.elf.gz" \
		>"$T/out" 2>"$T/err" &
	pid=$!
	sleep 0.5
	kill -$sig $pid
	wait $pid
	is "SIG$sig mid-load: exit status 11 (interrupted)" "$?" 11
	isnt "SIG$sig mid-load: go word is not GO" "$(mb_word "$win" $MB_GO)" $CB_GO
	isnt "SIG$sig mid-load: nothing staged" "$(mb_word "$win" $MB_STAGED)" $CB_STAGED
	run_cl boot --board $RV_BOARD -O mem.path="$win" "$IMG"
	is "SIG$sig mid-load: the lock is gone, the next load succeeds" "$RC" 0
	rm -f "$win"
done

# Killed outright mid-write (SIGKILL: no handler runs): the card is still
# held, and the next run starts over and succeeds (the lock died with it).
win=$(make_card)
"$CARDLOAD_FAULT" boot --board $RV_BOARD -O mem.path="$win" -O fault.delay=200 \
	"$IMG" >"$T/out" 2>"$T/err" &
pid=$!
sleep 0.5
kill -KILL $pid
wait $pid
is "SIGKILL mid-load: killed" "$?" 137
isnt "SIGKILL mid-load: go word is not GO" "$(mb_word "$win" $MB_GO)" $CB_GO
run_cl boot --board $RV_BOARD -O mem.path="$win" "$IMG"
is "SIGKILL mid-load: the next run starts over and succeeds" "$RC" 0
is "SIGKILL mid-load: ... and the card ends as after a clean load" \
	"$(state "$win")" "$clean"
rm -f "$win"
done_testing
