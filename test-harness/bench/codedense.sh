#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# codedense.sh - a 48 MiB ELF of real x86-64 machine code, for load-speed.py
#
#   sh test-harness/bench/codedense.sh [BUILD_DIR]       (default build)
#
# Makes BUILD_DIR/bench/codedense.elf: one PT_LOAD at physical 16 MiB
# (0x1000000), 48 MiB of file bytes and 8 MiB of bss after them (memsz
# 56 MiB), entry at its first byte, for test-harness/bench/
# x86_64-window.board. The file bytes are machine code that Debian 12
# ships on this machine: the .text sections of the shared libraries
# directly in /usr/lib/x86_64-linux-gnu (regular files named lib*.so*,
# in byte order of their names), at most the first MiB of each, one after
# the other until 48 MiB are there (the last one cut). No padding, data
# or zeros between them: code compresses worse than a kernel's mix of
# code, data and zero pages, and is what the gzip goal finds hardest.
# BUILD_DIR/bench/codedense.txt lists the libraries and how much of each.
#
# Deterministic: the same installed libraries give the same bytes (ld,
# objcopy and a fixed linker script; no dates or paths in the output).
# Kept while newer than this script; prints nothing on success.
set -eu
O=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
LIBDIR=${CODEDENSE_LIBDIR:-/usr/lib/x86_64-linux-gnu}
TOTAL=$((48 << 20))
PER_LIB=$((1 << 20))
mkdir -p "$O/bench"
O=$(cd "$O" && pwd)
out=$O/bench/codedense.elf

if [ -s "$out" ] && [ "$out" -nt "$here/codedense.sh" ]; then
	exit 0
fi
for t in objcopy ld; do
	command -v "$t" >/dev/null ||
		{ echo "codedense.sh: needs $t (binutils)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/codedense.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/code.bin"
: >"$tmp/list"
have=0
# shellcheck disable=SC2012
for lib in $(cd "$LIBDIR" && LC_ALL=C ls -1 | grep '^lib.*\.so'); do
	[ "$have" -lt "$TOTAL" ] || break
	f=$LIBDIR/$lib
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	# x86-64 ELF objects only: objcopy refuses the rest (linker scripts)
	objcopy -O binary -j .text "$f" "$tmp/text" 2>/dev/null || continue
	n=$(wc -c <"$tmp/text")
	[ "$n" -gt 0 ] || continue
	[ "$n" -le "$PER_LIB" ] || n=$PER_LIB
	[ "$n" -le $((TOTAL - have)) ] || n=$((TOTAL - have))
	head -c "$n" "$tmp/text" >>"$tmp/code.bin"
	echo "$n $lib" >>"$tmp/list"
	have=$((have + n))
done
if [ "$have" -lt "$TOTAL" ]; then
	echo "codedense.sh: only $have bytes of .text in $LIBDIR" >&2
	exit 1
fi

cat >"$tmp/code.ld" <<'EOF'
OUTPUT_FORMAT(elf64-x86-64)
ENTRY(code_start)
PHDRS { image PT_LOAD FLAGS(7); }
SECTIONS {
	. = 0x1000000;
	.text : { code_start = .; *(.text) } :image
	.bss (NOLOAD) : { . += 8M; } :image
	/DISCARD/ : { *(*) }
}
EOF
(cd "$tmp" && objcopy -I binary -O elf64-x86-64 -B i386:x86-64 \
	--rename-section .data=.text,alloc,load,readonly,code,contents \
	code.bin code.o)
ld -o "$tmp/codedense.elf" -T "$tmp/code.ld" -z max-page-size=4096 \
	--build-id=none --no-warn-rwx-segments -s "$tmp/code.o"
mv "$tmp/list" "$O/bench/codedense.txt"
mv "$tmp/codedense.elf" "$out"
