#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# formats.sh - every compression format and the low-memory (streamed) load
# leave the card exactly as the plain whole-image load of the same ELF does
#
# For each image: the uncompressed ELF loaded whole is the reference (and
# is itself checked against the ELF with check_load). Then the same ELF as
# gzip, zstd and xz, each loaded whole and with --low-memory (and the plain
# ELF with --low-memory), must give a byte-identical window and the same
# digest. Relocated (--base), RELR, ET_EXEC, --set and --cmdline loads are
# among them, so the streamed pass's patching and digests are covered.
# Then: automatic streaming above --mem-budget, refusals under
# --low-memory leave the window untouched, decoder failures are named for
# their cause (decoder memory limit, a forged zstd content size) in both
# modes, a zstd file may start with a skippable frame, and the peak memory
# of a streamed 40 MiB image stays under 32 MiB (measured with wait4).
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS
CB=${CARD_BSP:-$BUILD_DIR/card-bsp}
Z=$T/z
mkdir -p "$Z"

for tool in gzip zstd xz cc; do
	command -v "$tool" >/dev/null || { not_ok "tool $tool present"; done_testing; }
done

# The ELF in every format: prints "NAME.elf NAME.elf.gz NAME.elf.zst ...".
formats() { # ELF
	local b="$Z/$(basename "$1")"
	cp "$1" "$b"
	gzip -9 -n -c "$b" >"$b.gz"
	zstd -q -19 -c "$b" >"$b.zst"
	xz -6 -c "$b" >"$b.xz"
	echo "$b" "$b.gz" "$b.zst" "$b.xz"
}

# Load IMAGE into a fresh card window with ARGS; the window's path is in
# $WIN (not printed: run_cl's $RC must reach the caller, no subshell).
load_into() { # IMAGE ARGS...
	local image=$1
	shift
	WIN=$(make_card) || return 1
	run_cl load --json -O mem.path="$WIN" "$@" "$image"
}

same_everywhere() { # LABEL ELF ARGS...
	local label=$1 elf=$2 ref before refdig f mode win dig streamed
	shift 2
	ref=$(make_card) || { not_ok "$label: card window"; return; }
	before=$(snapshot "$ref")
	run_cl load --json -O mem.path="$ref" "$@" "$elf"
	case "$label" in
	*--set*) # check_load's model knows nothing of --set and --cmdline
		is "$label: whole ELF (reference): exit status" "$RC" 0 ;;
	*) check_load "$label: whole ELF (reference)" "$elf" "$ref" \
		"$before" staged "" ;;
	esac
	refdig=$(json_get "$T/out" result.digest)
	for f in $(formats "$elf"); do
		for mode in whole --low-memory; do
			if [ $mode = whole ]; then
				load_into "$f" --no-low-memory "$@"
				win=$WIN
			else
				load_into "$f" $mode "$@"
				win=$WIN
			fi
			local what="$label: $(basename "$f") $mode"
			if [ "$RC" -ne 0 ]; then
				not_ok "$what: exit 0" "$(last_run)"
				rm -f "$win"
				continue
			fi
			dig=$(json_get "$T/out" result.digest)
			streamed=$(json_get "$T/out" image.streamed)
			is "$what: streamed" "$streamed" \
				"$([ $mode = whole ] && echo false || echo true)"
			is "$what: digest" "$dig" "$refdig"
			if cmp -s "$win" "$ref"; then
				ok "$what: window byte-identical to the reference"
			else
				not_ok "$what: window byte-identical to the reference" \
					"$(cmp "$win" "$ref" 2>&1 | head -1)"
			fi
			rm -f "$win"
		done
	done
	rm -f "$ref" "$before"
}

same_everywhere "riscv64-dyn" "$P/riscv64-dyn.elf" --board $RV_BOARD
same_everywhere "riscv64-dyn --base" "$P/riscv64-dyn.elf" --board $RV_BOARD \
	--base 0x83000000
same_everywhere "riscv64-dyn-relr --base" "$P/riscv64-dyn-relr.elf" \
	--board $RV_BOARD --base 0x84000000
same_everywhere "riscv64-exec" "$P/riscv64-exec.elf" --board $RV_BOARD
same_everywhere "check-dyn --set --cmdline" "$CB/check-dyn.elf" \
	--board $RV_BOARD --cmdline "console=ttyS0 lowmem" \
	--set expect_cmdline="str:console=ttyS0 lowmem"

# Automatic: over the budget the image streams, under it it does not.
load_into "$P/riscv64-dyn.elf.gz" --board $RV_BOARD --mem-budget 1K
win=$WIN
is "--mem-budget 1K: exit 0" "$RC" 0
is "--mem-budget 1K: streamed automatically" \
	"$(json_get "$T/out" image.streamed)" true
rm -f "$win"
load_into "$P/riscv64-dyn.elf.gz" --board $RV_BOARD --mem-budget 1G
win=$WIN
is "--mem-budget 1G: held whole" "$(json_get "$T/out" image.streamed)" false
rm -f "$win"

# Refusals under --low-memory: nothing written.
refused() { # LABEL FILE WANT_RC NEEDLE ARGS...
	local label=$1 file=$2 want=$3 needle=$4 win before
	shift 4
	win=$(make_card) && before=$(snapshot "$win") || return
	run_cl load -O mem.path="$win" --board $RV_BOARD --low-memory "$@" \
		"$file"
	is "$label: exit status" "$RC" "$want"
	if grep -q -- "$needle" "$T/err"; then
		ok "$label: message says '$needle'"
	else
		not_ok "$label: message says '$needle'" "$(last_run)"
	fi
	if cmp -s "$win" "$before"; then
		ok "$label: window untouched"
	else
		not_ok "$label: window untouched" "$(cmp "$win" "$before")"
	fi
	rm -f "$win" "$before"
}
g=$Z/riscv64-dyn.elf.gz
head -c $(($(stat -c %s "$g") - 9)) "$g" >"$Z/trunc.gz"
refused "--low-memory truncated gzip" "$Z/trunc.gz" 4 "truncated gzip"
{ cat "$g"; printf 'junk'; } >"$Z/trail.gz"
refused "--low-memory trailing bytes" "$Z/trail.gz" 4 "trailing data"
x=$Z/riscv64-dyn.elf.xz
python3 - "$x" "$Z/corrupt.xz" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 0x55
open(sys.argv[2], "wb").write(d)
PY
refused "--low-memory corrupt xz" "$Z/corrupt.xz" 4 "xz"
refused "--low-memory size cap" "$g" 4 "size cap" --max-size 4K
xz -9 -c "$P/riscv64-dyn.elf" >"$Z/dict64.xz"
refused "--low-memory xz -9 (64 MiB dictionary)" "$Z/dict64.xz" 4 \
	"decoder memory"

# Decoder failures name their cause, whole and streamed, never a cap: exit
# status 4, the window untouched.
named() { # LABEL FILE NEEDLE...
	local label=$1 file=$2 mode win before n bad
	shift 2
	for mode in --no-low-memory --low-memory; do
		win=$(make_card) && before=$(snapshot "$win") || return
		run_cl load -O mem.path="$win" --board $RV_BOARD $mode "$file"
		bad=""
		[ "$RC" -eq 4 ] || bad="exit status $RC, not 4"
		for n in "$@"; do
			grep -qF -- "$n" "$T/err" || bad="$bad; no '$n'"
		done
		grep -q "cap" "$T/err" && bad="$bad; names a cap"
		cmp -s "$win" "$before" || bad="$bad; window changed"
		if [ -z "$bad" ]; then
			ok "$label $mode: exit status 4, says $*"
		else
			not_ok "$label $mode: exit status 4, says $*" "$bad" \
				"$(last_run)"
		fi
		rm -f "$win" "$before"
	done
}
e=$Z/riscv64-dyn.elf
if xz -q --lzma2=dict=1536MiB -c "$e" >"$Z/dict1536.xz" 2>/dev/null; then
	named "xz with a 1.5 GiB dictionary" "$Z/dict1536.xz" \
		"decoder memory limit" "needs 16"
else
	skip "xz with a 1.5 GiB dictionary" "xz cannot make one here"
fi
# zstd -19 of the ELF, its content size field rewritten (8 bytes, single
# segment kept: the window is then the claimed size).
zforge() { # IN OUT SIZE
	python3 - "$@" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
fcs = int(sys.argv[3], 0)
fhd = d[4]
single = (fhd >> 5) & 1
pos = 5 + (0 if single else 1) + [0, 1, 2, 4][fhd & 3]
end = pos + [single, 2, 4, 8][fhd >> 6]
open(sys.argv[2], "wb").write(d[:4] + bytes([fhd | 0xc0]) + d[5:pos] +
                              struct.pack("<Q", fcs) + d[end:])
PY
}
n=$(stat -c %s "$e")
for claim in $((n + 4096)) $((1 << 32)) $((n / 2)); do
	zforge "$Z/riscv64-dyn.elf.zst" "$Z/fcs$claim.zst" $claim
	named "zstd claiming $claim bytes (holds $n)" "$Z/fcs$claim.zst" \
		"frame content size mismatch" "declares $claim bytes"
done
# A skippable frame (0x184D2A5F, 4 bytes) before the frame: the same load.
{ printf '\x5f\x2a\x4d\x18\x04\x00\x00\x00skip'
  cat "$Z/riscv64-dyn.elf.zst"; } >"$Z/skip.zst"
load_into "$Z/riscv64-dyn.elf.zst" --board $RV_BOARD
ref=$WIN
refdig=$(json_get "$T/out" result.digest)
rm -f "$ref"
for mode in --no-low-memory --low-memory; do
	load_into "$Z/skip.zst" --board $RV_BOARD $mode
	win=$WIN
	if [ "$RC" -eq 0 ] && [ "$(json_get "$T/out" result.digest)" = "$refdig" ] &&
	   [ "$(json_get "$T/out" image.compression)" = zstd ]; then
		ok "zstd starting with a skippable frame $mode: loads, same digest"
	else
		not_ok "zstd starting with a skippable frame $mode: loads, same digest" \
			"$(last_run)"
	fi
	rm -f "$win"
done

# Peak memory: a 40 MiB image streamed stays under 32 MiB; held whole it
# cannot (so the measurement can fail).
cc -O2 -o "$T/rusage" test-harness/bench/rusage.c || not_ok "build rusage"
big=$CB/big-dyn.elf.gz
rss_of() { # ARGS... : prints peak RSS in KiB of cardload load ARGS
	local win
	win=$(make_card) || return
	"$T/rusage" "$T/ru" "$CARDLOAD" load -O mem.path="$win" \
		--board $RV_BOARD --no-progress "$@" >/dev/null 2>"$T/err"
	rm -f "$win"
	awk '{ print ($2 == 0 ? $3 : "failed") }' "$T/ru"
}
if [ -r "$big" ]; then
	low=$(rss_of --low-memory "$big")
	whole=$(rss_of --no-low-memory "$big")
	diag "big-dyn.elf.gz peak RSS: --low-memory $low KiB, whole $whole KiB"
	check "big-dyn.elf.gz --low-memory: peak RSS under 32 MiB" \
		test "$low" != failed -a "${low:-99999999}" -lt 32768
	check "big-dyn.elf.gz whole: peak RSS above 32 MiB (the measure works)" \
		test "$whole" != failed -a "${whole:-0}" -gt 32768
else
	not_ok "big-dyn.elf.gz present" "missing $big"
fi

done_testing
