#!/bin/bash
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
# --low-memory leave the window untouched, and the peak memory of a
# streamed 40 MiB image stays under 32 MiB (measured with wait4).
. "$(dirname "$0")/lib.sh"
require_build

P=$PAYLOADS
CB=${CARD_BSP:-build/card-bsp}
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

# Load IMAGE into a fresh card window with ARGS; prints the window's path.
load_into() { # IMAGE ARGS...
	local image=$1 win
	shift
	win=$(make_card) || return 1
	run_cl load --json -O mem.path="$win" "$@" "$image"
	echo "$win"
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
				win=$(load_into "$f" --no-low-memory "$@")
			else
				win=$(load_into "$f" $mode "$@")
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
win=$(load_into "$P/riscv64-dyn.elf.gz" --board $RV_BOARD --mem-budget 1K)
is "--mem-budget 1K: exit 0" "$RC" 0
is "--mem-budget 1K: streamed automatically" \
	"$(json_get "$T/out" image.streamed)" true
rm -f "$win"
win=$(load_into "$P/riscv64-dyn.elf.gz" --board $RV_BOARD --mem-budget 1G)
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
