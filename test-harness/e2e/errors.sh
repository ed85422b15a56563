#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# errors.sh - each error path: its exit code, a message naming the culprit,
# and a card window left exactly as it was
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS

# LABEL EXIT CULPRIT CARDLOAD_ARGS... ; "@WIN@" in the arguments becomes
# the path of a fresh card window, whose sha256 must then not change.
expect_error() {
	local label=$1 want=$2 culprit=$3 win sum a args=() used=""
	shift 3
	win=$(make_card)
	sum=$(sha "$win")
	for a in "$@"; do
		[ "$a" != "${a//@WIN@/}" ] && used=1
		args+=("${a//@WIN@/$win}")
	done
	run_cl "${args[@]}"
	is "$label: exit status $want" "$RC" "$want"
	if grep -qiF -- "$culprit" "$T/err"; then
		ok "$label: stderr names '$culprit'"
	else
		not_ok "$label: stderr names '$culprit'" "$(last_run)"
	fi
	[ -n "$used" ] && is "$label: window unchanged" "$(sha "$win")" "$sum"
	rm -f "$win"
}

boot() { echo boot --board $RV_BOARD -O mem.path=@WIN@; }

# Bad images (4).
expect_error "missing image" 4 "no-such-image.elf" \
	$(boot) "$T/no-such-image.elf"
yes 'this is not an ELF file' | head -c 8192 >"$T/text.elf"
expect_error "not an ELF" 4 "text.elf" $(boot) "$T/text.elf"
: >"$T/empty.elf"
expect_error "empty file" 4 "empty.elf" $(boot) "$T/empty.elf"
n=$(stat -c %s "$P/riscv64-dyn.elf.gz")
head -c $((n / 2)) "$P/riscv64-dyn.elf.gz" >"$T/truncated.elf.gz"
expect_error "truncated gzip" 4 "truncated.elf.gz" $(boot) "$T/truncated.elf.gz"
expect_error "aarch64 image on the riscv64 board" 4 "aarch64-dyn.elf" \
	$(boot) "$P/aarch64-dyn.elf"

# Placement conflicts (5).
expect_error "--base overlapping the reserved mailbox" 5 "mailbox" \
	$(boot) --base 0x87bff000 "$P/riscv64-dyn.elf.gz"
expect_error "--base inside the reserved platform-dtb" 5 "platform-dtb" \
	$(boot) --base 0x87e00000 "$P/riscv64-dyn.elf.gz"
expect_error "--base misaligned" 5 "0x80000100" \
	$(boot) --base 0x80000100 "$P/riscv64-dyn.elf.gz"
expect_error "--base past the end of RAM" 5 "0x88000000" \
	$(boot) --base 0x88000000 "$P/riscv64-dyn.elf.gz"

# No device (6): the window file does not exist, and is not created.
missing=$SHM_PREFIX.missing
expect_error "window file missing" 6 "$missing" \
	boot --board $RV_BOARD -O mem.path="$missing" "$P/riscv64-dyn.elf.gz"
if [ ! -e "$missing" ]; then
	ok "window file missing: not created"
else
	not_ok "window file missing: not created"
fi

# A window file shorter than the board's RAM is no card of this board (6).
short=$(make_window $((1 << 20)))
expect_error "window file shorter than the board's RAM" 6 "$short" \
	boot --board $RV_BOARD -O mem.path="$short" "$P/riscv64-dyn.elf.gz"
is "short window file: size unchanged" "$(stat -c %s "$short")" $((1 << 20))

# Busy (7): another loader holds the card (an exclusive flock on the file).
win=$(make_card)
sum=$(sha "$win")
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "rb")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)
' "$win" "$T/locked" &
locker=$!
for _ in $(seq 100); do [ -e "$T/locked" ] && break; sleep 0.1; done
run_cl boot --board $RV_BOARD -O mem.path="$win" "$P/riscv64-dyn.elf.gz"
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
is "card held by another loader: exit status 7" "$RC" 7
if grep -qF -- "$win" "$T/err"; then
	ok "card held by another loader: stderr names the window file"
else
	not_ok "card held by another loader: stderr names the window file" "$(last_run)"
fi
is "card held by another loader: window unchanged" "$(sha "$win")" "$sum"

# Usage (2).
expect_error "unknown -O key" 2 "mem.frobnicate" \
	$(boot) -O mem.frobnicate=1 "$P/riscv64-dyn.elf.gz"
expect_error "unknown option" 2 "--frobnicate" \
	$(boot) --frobnicate "$P/riscv64-dyn.elf.gz"

# Boot descriptions that contradict themselves (2), refused before any
# write. CHECK carries a parameter block and patchable symbols.
CHECK=${CARD_BSP:-$BUILD_DIR/card-bsp}/check-dyn.elf.gz
echo data >"$T/blob.bin"
expect_error "--dtb and --dtb-from-card" 2 "--dtb" \
	$(boot) --dtb "$T/blob.bin" --dtb-from-card "$CHECK"
expect_error "--initrd given twice" 2 "--initrd" \
	$(boot) --initrd "$T/blob.bin" --initrd "$T/blob.bin" "$CHECK"
expect_error "a blob named like a reference (dtb)" 2 "dtb" \
	$(boot) --blob dtb="$T/blob.bin" "$CHECK"
expect_error "a blob named image1" 2 "image1" \
	$(boot) --blob image1="$T/blob.bin" "$CHECK"
expect_error "two blobs of one name" 2 "'a'" \
	$(boot) --blob a="$T/blob.bin" --blob a="$T/blob.bin" "$CHECK"
expect_error "--set of one symbol twice" 2 "magic_value" \
	$(boot) --set magic_value=1 --set magic_value=2 "$CHECK"
{ printf 'board %s\ncmdline ' $RV_BOARD; head -c 5000 /dev/zero | tr '\0' x
  printf '\n'; } >"$T/long.recipe"
expect_error "a recipe line over 4 KiB" 2 "long.recipe" \
	boot --recipe "$T/long.recipe" -O mem.path=@WIN@ "$CHECK"
printf 'board %s\ncmdline console=uart#1 # a comment\n' $RV_BOARD \
	>"$T/hash.recipe"
run_cl boot --recipe "$T/hash.recipe" --dry-run --json "$CHECK"
is "recipe: '#' inside a value is kept, after a space it is a comment" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan"]["cmdline_size"])' "$T/out" 2>/dev/null)" \
	15

# Board files (3).
bad=$(make_board riscv64 "colour = blue")
expect_error "board file with an unknown key" 3 "colour" \
	boot --board "$bad" -O mem.path=@WIN@ "$P/riscv64-dyn.elf.gz"
expect_error "board that does not exist" 3 "no-such-board" \
	boot --board no-such-board -O mem.path=@WIN@ "$P/riscv64-dyn.elf.gz"
run_cl board lint "$bad"
is "board lint of the bad board: exit status 3" "$RC" 3
if grep -qF colour "$T/err" "$T/out"; then
	ok "board lint of the bad board names the key"
else
	not_ok "board lint of the bad board names the key" "$(last_run)"
fi
run_cl board lint boards/$RV_BOARD.board
is "board lint boards/$RV_BOARD.board: exit status 0" "$RC" 0

done_testing
