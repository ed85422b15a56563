#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# qemu-inflate.sh - card-bsp's card-side gunzip stub (examples/inflate) on a
# real QEMU RISC-V card: it inflates a gzipped raw binary passed as its
# initrd, zeroes the bss and jumps to it; on bad input it reports failure
# and never jumps
#
# Each case starts its own card (test-harness/card.sh, held with -S), boots
# `cardload boot inflate.elf --initrd IMAGE.gz --set ... --wait`, waits for
# the card to power off and looks at the UART, the mailbox status word and
# card RAM. The payload is hello-exec (ET_EXEC at 0x80200000) as a raw
# binary: hello-exec.bin(.gz).
#
#   a  good image: hello runs with a0/a1 = hart id/DTB, its bss (filled
#      with junk beforehand through a --blob) zeroed, the stub silent
#   b  deflate data with a flipped byte, c  CRC-32 trailer flipped,
#   d  not gzip, e  output room too small, f  memsz too large,
#   g  no initrd: FAIL status (--wait exits 13), a message, no hello
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

STUB=$CARD_BSP/inflate.elf
ELF=$CARD_BSP/hello-exec.elf
BIN=$CARD_BSP/hello-exec.bin
GZ=$CARD_BSP/hello-exec.bin.gz
require_card "$STUB" "$ELF" "$BIN" "$GZ"

NM=${NM:-llvm-nm}
DONE0=0x4f440000	# CARDBOOT_STATUS_DONE(0)
FAIL_KIND=0x4c460000	# CARDBOOT_STATUS_FAIL(0)
# inflate.c's failure codes
DECODE=0x10 NO_INPUT=0x20 LAYOUT=0x21
ERR_DATA=1 ERR_OVERFLOW=3 ERR_HEADER=5 ERR_CRC=7

sym() { # SYMBOL -> 0x... of hello-exec.elf
	local v
	v=$("$NM" "$ELF" | awk -v s="$1" '$3 == s { print "0x" $1 }')
	[ -n "$v" ] && printf '0x%x' "$((v))"
}
START=$(sym __image_start)
END=$(sym __image_end)
STACK=$(sym __stack_bottom)
if [ -z "$START" ] || [ -z "$END" ] || [ -z "$STACK" ]; then
	not_ok "hello-exec.elf has __image_start, __image_end, __stack_bottom" \
		"$("$NM" "$ELF" 2>&1 | head -n 5)"
	done_testing
fi
MEMSZ=$((END - START))
RAWSZ=$(stat -c %s "$BIN")
RAW_END=$((START + RAWSZ))

# FILE with the byte at OFFSET (negative: from the end) xor 0xff, in OUT.
flip() { # FILE OFFSET OUT
	python3 - "$@" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[int(sys.argv[2])] ^= 0xff
open(sys.argv[3], "wb").write(d)
PY
}

# Succeeds when card RAM at ADDR holds LEN bytes equal to FILE's first ones.
ram_is() { # ADDR LEN FILE
	cmp -s -n "$2" -i $(($1 - WIN_ADDR)):0 "$RAM" "$3"
}

# Boot the stub on a fresh card with ARGS, wait for the card to power off.
# Leaves the card's RAM file for checks; the caller stops the card.
boot_stub() { # LABEL ARGS...
	local label=$1
	shift
	if ! card_up 1; then
		not_ok "$label: card starts" "$(cat "$T/card.err")"
		return 1
	fi
	run_cl boot --board $RV_BOARD -O mem.path="$RAM" -O mem.qmp="$QMP" \
		--wait=20 "$STUB" "$@"
	card_exits "$D" 20 ||
		not_ok "$label: QEMU powers off by itself" "$(card_diag)"
	tr -d '\r' <"$UART" >"$T/uart"
	return 0
}

# A case the stub must refuse: exit 13, FAIL(code), its message, no jump.
refused() { # LABEL CODE MESSAGE ARGS...
	local label=$1 code=$2 msg=$3 st
	shift 3
	boot_stub "$label" "$@" || return
	is "$label: cardload --wait exits 13 (payload failed)" "$RC" 13
	st=$(mb_word "$RAM" $MB_STATUS)
	is "$label: mailbox status FAIL(0x$(printf %x $((code))))" "$st" \
		"$(printf 0x%08x $((FAIL_KIND | code)))"
	if grep -q "^inflate: FAILED $msg" "$T/uart"; then
		ok "$label: UART says 'inflate: FAILED $msg'"
	else
		not_ok "$label: UART says 'inflate: FAILED $msg'" "$(card_diag)"
	fi
	if grep -q "hello:" "$T/uart"; then
		not_ok "$label: the payload never ran" "$(card_diag)"
	else
		ok "$label: the payload never ran"
	fi
}

# a. the good image, with junk where the payload's bss goes.
python3 -c "import sys; sys.stdout.buffer.write(b'\xa5' * $((END - RAW_END)))" \
	>"$T/junk"
label="a. hello-exec.bin.gz"
if boot_stub "$label" --initrd "$GZ" --set inflate_memsz=$MEMSZ \
	--blob junk="$T/junk@$(printf 0x%x $RAW_END)"; then
	is "$label: cardload --wait exits 0" "$RC" 0
	is "$label: mailbox status DONE(0)" "$(mb_word "$RAM" $MB_STATUS)" \
		$DONE0
	uart_has() { # WHAT LINE
		if grep -qxF -- "$2" "$T/uart"; then
			ok "$label: UART: $1"
		else
			not_ok "$label: UART: $1" "want line: $2" "$(card_diag)"
		fi
	}
	uart_has "hello starts" "hello: start"
	uart_has "runs at its link address" \
		"hello: load=0x80200000 entry=0x80200000"
	uart_has "a0 = hart id, a1 = platform DTB" \
		"hello: a0=0x0 a1=0x87e00000 a2=0x0 a3=0x0"
	uart_has "its bss (parameter block) was zeroed, not junk" \
		"hello: params magic=0x0 version=0 base=0x0 reloc=0x0 entry=0x0 board= windows=0 segs=0"
	uart_has "done" "hello: done status=0x4f440000"
	if [ "$(head -c 7 "$T/uart")" = "hello: " ]; then
		ok "$label: the stub prints nothing before the payload"
	else
		not_ok "$label: the stub prints nothing before the payload" \
			"$(card_diag)"
	fi
	check "$label: card RAM holds hello-exec.bin at $START" \
		ram_is "$START" "$RAWSZ" "$BIN"
	check "$label: bss [0x$(printf %x $RAW_END), $STACK) is zero" \
		ram_is "$RAW_END" $((STACK - RAW_END)) /dev/zero
fi
sh $CARD_SH stop "$D"

# b. a flipped byte in the middle of the deflate data: some decoder error
# (which one depends on the byte), caught before any jump.
flip "$GZ" $(($(stat -c %s "$GZ") / 2)) "$T/data.gz"
label="b. deflate data corrupted"
if boot_stub "$label" --initrd "$T/data.gz" --set inflate_memsz=$MEMSZ; then
	is "$label: cardload --wait exits 13 (payload failed)" "$RC" 13
	st=$(mb_word "$RAM" $MB_STATUS)
	if [ $((st & 0xffff0000)) -eq $((FAIL_KIND)) ] &&
		[ $((st & 0xfff0)) -eq $((DECODE)) ]; then
		ok "$label: mailbox status FAIL(decoder error) ($st)"
	else
		not_ok "$label: mailbox status FAIL(decoder error)" \
			"status $st" "$(card_diag)"
	fi
	if grep -q "hello:" "$T/uart" || ! grep -q "^inflate: FAILED" "$T/uart"
	then
		not_ok "$label: 'inflate: FAILED' and the payload never ran" \
			"$(card_diag)"
	else
		ok "$label: 'inflate: FAILED' and the payload never ran"
	fi
fi
sh $CARD_SH stop "$D"

# c. the CRC-32 trailer flipped: the whole payload is inflated in place,
# and still never started.
flip "$GZ" -8 "$T/crc.gz"
refused "c. CRC-32 trailer corrupted" $((DECODE + ERR_CRC)) "crc-32 mismatch" \
	--initrd "$T/crc.gz" --set inflate_memsz=$MEMSZ &&
	check "c. CRC-32 trailer corrupted: hello-exec.bin was inflated at $START" \
		ram_is "$START" "$RAWSZ" "$BIN"
sh $CARD_SH stop "$D"

# d. not gzip at all.
refused "d. raw binary, not gzip" $((DECODE + ERR_HEADER)) "not a gzip" \
	--initrd "$BIN"
sh $CARD_SH stop "$D"

# e. only 4 KiB of room (up to the gzip image) for 8 KiB of output: the
# decoder stops at the limit and the gzip image is intact.
run_cl boot --board $RV_BOARD --dry-run --json "$STUB" --initrd "$GZ"
if initrd=$(json_get "$T/out" boot.data.0.addr); then
	dest=$((initrd - 0x1000))
	label="e. room for 4 KiB of 8"
	refused "$label" $((DECODE + ERR_OVERFLOW)) "output does not fit" \
		--initrd "$GZ" --set inflate_dest=$dest &&
		check "$label: the gzip image at $initrd is untouched" \
			ram_is "$initrd" "$(stat -c %s "$GZ")" "$GZ"
	sh $CARD_SH stop "$D"
else
	not_ok "e. --dry-run --json gives boot.data.0.addr" "$(last_run)"
fi

# f. a memory size the room cannot hold: refused before writing anything.
label="f. inflate_memsz 256 MiB"
refused "$label" $LAYOUT "inflate_memsz" --initrd "$GZ" \
	--set inflate_memsz=0x10000000 &&
	check "$label: nothing written at $START" \
		ram_is "$START" "$RAWSZ" /dev/zero
sh $CARD_SH stop "$D"

# g. no image given.
refused "g. no --initrd" $NO_INPUT "no gzip image"
sh $CARD_SH stop "$D"

end_cards
