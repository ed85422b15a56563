#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check-payload.sh - check that card payloads are what the loader expects
#
#   check-payload.sh dyn|exec FILE...      (READELF=llvm-readelf)
#
# dyn:  ET_DYN, no PT_INTERP, some dynamic relocations, all RELATIVE ones
#       (R_RISCV_RELATIVE, R_AARCH64_RELATIVE)
# exec: ET_EXEC, no dynamic relocations
# both: a PT_NOTE holding the cardload ABI (1) and PARAMS (2) notes
set -eu
READELF=${READELF:-llvm-readelf}
kind=$1
shift

fail() {
	echo "$f: $*" >&2
	exit 1
}

for f in "$@"; do
	hdr=$($READELF -h "$f")
	phdrs=$($READELF -lW "$f")
	relocs=$($READELF -rW "$f" | grep -E 'R_(RISCV|AARCH64)_' || true)
	notes=$($READELF -nW "$f")

	case $kind in
	dyn)
		echo "$hdr" | grep -q 'DYN (Shared object file)' ||
			fail "not ET_DYN"
		! echo "$phdrs" | grep -q INTERP || fail "has PT_INTERP"
		[ -n "$relocs" ] || fail "no dynamic relocations"
		bad=$(echo "$relocs" |
			grep -vE 'R_(RISCV|AARCH64)_RELATIVE' || true)
		[ -z "$bad" ] || fail "non-RELATIVE relocations:
$bad"
		;;
	exec)
		echo "$hdr" | grep -q 'EXEC (Executable file)' ||
			fail "not ET_EXEC"
		[ -z "$relocs" ] || fail "has dynamic relocations"
		;;
	*)
		echo "usage: check-payload.sh dyn|exec FILE..." >&2
		exit 2
		;;
	esac

	echo "$phdrs" | grep -q '^ *NOTE ' || fail "no PT_NOTE"
	n=$(echo "$notes" | grep -cE '^ *cardload[[:space:]]+0x0000000(4|8)[[:space:]]' || true)
	[ "$n" -eq 2 ] || fail "expected 2 cardload notes, found $n"
done
