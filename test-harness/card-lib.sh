# SPDX-License-Identifier: GPL-2.0-or-later
# card-lib.sh - helpers for end-to-end tests on QEMU cards (sourced after
# e2e/lib.sh): start cards held, stop them whatever happens, check that
# nothing is left behind.

CARD_SH=test-harness/card.sh
CARD_BSP=${CARD_BSP:-$BUILD_DIR/card-bsp}
export CARDLOAD_ROM=${CARDLOAD_ROM:-$CARD_BSP/rom.bin}
TAG=e2e-$$ # cards are /dev/shm/cardload-$TAG-N-*
_cards=()
_qemu_cleanup() {
	local d
	for d in "${_cards[@]}"; do sh $CARD_SH stop "$d"; done
	_cleanup
}
trap _qemu_cleanup EXIT

# Start card N held (-S) in $T/cardN; sets D, RAM, QMP, UART and PID.
card_up() { # N
	D=$T/card$1
	_cards+=("$D")
	RAM="" QMP="" UART="" PID=""
	sh $CARD_SH start "$D" "$TAG-$1" 2>"$T/card.err" && . "$D/env"
}

# QEMU's run state of the current card (prelaunch, paused, running, exited).
card_runstate() { sh $CARD_SH state "$D" 2>&1; }

# Wait for card DIR to power itself off within SECONDS.
card_exits() { # DIR SECONDS
	sh $CARD_SH wait-exit "$1" "$2"
}

# One failing point and the end when the card cannot run here (the
# project's deps step installs QEMU: its absence is a failure, not a skip).
# The RISC-V card unless CARD_QEMU (its Debian package CARD_QEMU_PKG) and
# CARD_ROM name another.
require_card() { # IMAGE...
	local f missing="" qemu=${CARD_QEMU:-qemu-system-riscv64}
	if ! command -v "$qemu" >/dev/null 2>&1; then
		not_ok "QEMU card ($qemu)" "$qemu is not installed" \
			"(test-harness/deps.sh installs ${CARD_QEMU_PKG:-qemu-system-misc})"
		done_testing
	fi
	[ -x "$CARDLOAD" ] || missing="$missing $CARDLOAD"
	for f in "${CARD_ROM:-$CARDLOAD_ROM}" "$@"; do
		[ -r "$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		not_ok "card-bsp build products present" "missing:$missing" \
			"(make -C card-bsp O=$CARD_BSP)"
		done_testing
	fi
}

# Last point: every card stopped, no QEMU of this script left, no RAM file.
end_cards() {
	local d procs files
	for d in "${_cards[@]}"; do sh $CARD_SH stop "$d"; done
	_cards=()
	# (pgrep -f, without needing procps; the regex does not match itself)
	procs=$(grep -lsE "cardload-($TAG)-" /proc/[0-9]*/cmdline | cut -d/ -f3 |
		tr '\n' ' ')
	files=$(cd /dev/shm && ls -d "cardload-$TAG-"* 2>/dev/null | tr '\n' ' ')
	if [ -z "$procs$files" ]; then
		ok "no QEMU process and no RAM file left (cardload-$TAG-*)"
	else
		not_ok "no QEMU process and no RAM file left (cardload-$TAG-*)" \
			"processes: $procs" "files: $files"
	fi
	done_testing
}

# Diagnostic lines for a failed card case: cardload, UART, QEMU.
card_diag() {
	last_run
	echo "uart: $(head -c 1500 "$UART" 2>/dev/null)"
	[ -s "$D/qemu.log" ] && echo "qemu: $(head -c 500 "$D/qemu.log")"
	return 0
}

