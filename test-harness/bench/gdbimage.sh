#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gdbimage.sh - the 40 MiB riscv64 image of bench/gdb.sh
#
#   sh test-harness/bench/gdbimage.sh [BUILD_DIR]        (default build)
#
# Makes BUILD_DIR/bench/gdb40.elf: an ET_EXEC riscv64 ELF with one PT_LOAD
# and one section (.text) of 40 MiB at 0x80200000, entry at its first byte,
# and BUILD_DIR/bench/gdb40.bin, the same 40 MiB as a flat file (what the
# card's RAM must hold at 0x80200000 after a load). The bytes are
# pseudo-random from a fixed seed (Python's random.Random(15)): no zero
# pages, nothing a transport could skip or compress, and every byte value,
# so a binary X packet has its '$', '#', '}' and '*' to escape. The same
# bytes on every machine (ld.lld, llvm-objcopy and a fixed linker script;
# no dates or paths in the output). Kept while newer than this script;
# prints nothing on success.
set -eu
O=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
SIZE=$((40 << 20))
mkdir -p "$O/bench"
O=$(cd "$O" && pwd)
out=$O/bench/gdb40.elf
bin=$O/bench/gdb40.bin

if [ -s "$out" ] && [ -s "$bin" ] && [ "$out" -nt "$here/gdbimage.sh" ]; then
	exit 0
fi
for t in ld.lld llvm-objcopy; do
	command -v "$t" >/dev/null ||
		{ echo "gdbimage.sh: needs $t (lld, llvm)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdbimage.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 -c '
import random, sys
sys.stdout.buffer.write(random.Random(15).randbytes(int(sys.argv[1])))
' "$SIZE" >"$tmp/image.bin"

cat >"$tmp/image.ld" <<'EOF'
OUTPUT_ARCH(riscv)
ENTRY(image_start)
PHDRS { image PT_LOAD FLAGS(7); }
SECTIONS {
	. = 0x80200000;
	.text : { image_start = .; *(.text) } :image
	/DISCARD/ : { *(.data) *(.comment) }
}
EOF
(cd "$tmp" && llvm-objcopy -I binary -O elf64-littleriscv \
	--rename-section .data=.text,alloc,load,readonly,code,contents \
	image.bin image.o)
ld.lld -o "$tmp/gdb40.elf" -T "$tmp/image.ld" -z max-page-size=4096 \
	--build-id=none -s "$tmp/image.o"
llvm-objcopy -O binary "$tmp/gdb40.elf" "$tmp/check.bin"
cmp -s "$tmp/check.bin" "$tmp/image.bin" ||
	{ echo "gdbimage.sh: the ELF does not hold the image's bytes" >&2; exit 1; }
mv "$tmp/image.bin" "$bin"
mv "$tmp/gdb40.elf" "$out"
