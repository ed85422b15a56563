#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkcorpus.sh - the seed corpus of the fuzz targets, from what is built
#
#   sh test-harness/fuzz/mkcorpus.sh OUTDIR
#
# Writes OUTDIR/fuzz_load (images of build/payloads and build/card-bsp up to
# 1 MiB, a few truncations and byte flips of them, the bad inputs of
# badinputs.py and, when present, of test-harness/tools/badgen.py),
# OUTDIR/fuzz_board (boards/*.board and edge cases) and
# OUTDIR/fuzz_boot (bootseeds.py over the same images) and OUTDIR/fuzz_gdb
# (gdbseeds.py: GDB stub traffic and target descriptions). Run from anywhere;
# images not built yet are skipped, so the corpus then holds less. O=DIR
# names the build directory (default build).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh test-harness/fuzz/mkcorpus.sh OUTDIR" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${O:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
out=$1
max=1048576

rm -rf "$out/fuzz_load" "$out/fuzz_board" "$out/fuzz_boot" "$out/fuzz_gdb"
mkdir -p "$out/fuzz_load" "$out/fuzz_board" "$out/fuzz_boot" "$out/fuzz_gdb"
load=$out/fuzz_load

# flip PATH OFFSET NEWBYTE_OCTAL: one byte replaced in place
flip() {
	printf "\\$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

images=
for f in "$build"/payloads/*.elf "$build"/payloads/*.elf.gz \
	 "$build"/card-bsp/*.elf "$build"/card-bsp/*.elf.gz; do
	[ -f "$f" ] || continue
	[ "$(wc -c <"$f")" -le "$max" ] || continue
	dir=${f%/*}
	name=${dir##*/}-${f##*/}
	cp "$f" "$load/$name"
	case $f in *.gz) continue ;; esac
	# the other formats, and an odd size (the streamed path) for each
	command -v zstd >/dev/null && zstd -q -19 -c "$f" >"$load/$name.zst"
	command -v xz >/dev/null && xz -6 -c "$f" >"$load/$name.xz"
	{ cat "$f"; [ $(($(wc -c <"$f") % 2)) -eq 0 ] && printf '\0'; } \
		>"$load/$name.odd"
	images="$images $f"
	size=$(wc -c <"$f")
	head -c $((size / 2)) "$f" >"$load/$name.half"
	head -c 4096 "$f" >"$load/$name.4k"
	cp "$f" "$load/$name.phnum"; flip "$load/$name.phnum" 56 377
	cp "$f" "$load/$name.phoff"; flip "$load/$name.phoff" 39 200
	cp "$f" "$load/$name.ph0"; flip "$load/$name.ph0" 96 377
	cp "$f" "$load/$name.type"; flip "$load/$name.type" 16 3
done
python3 "$here/badinputs.py" "$load"
# the e2e catalogue (test-harness/tools/badgen.py) too, when it and the
# images it edits are there; its inputs over 1 MiB are left out
gen=$root/test-harness/tools/badgen.py
if [ -f "$gen" ] && [ -f "$build/payloads/riscv64-dyn.elf" ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkcorpus.XXXXXX")
	set -- "$build/payloads/riscv64-dyn.elf"
	for f in "$build/payloads/riscv64-exec.elf" \
		 "$build/card-bsp/hello-dyn.elf" "$build/card-bsp/check-dyn.elf"; do
		[ -f "$f" ] || break
		set -- "$@" "$f"
	done
	if python3 "$gen" "$tmp" "$@" >/dev/null; then
		for f in "$tmp"/*; do
			[ -f "$f" ] && [ "$(wc -c <"$f")" -le "$max" ] &&
				cp "$f" "$load/badgen-${f##*/}"
		done
	else
		echo "mkcorpus: badgen.py failed; its cases are left out" >&2
	fi
	rm -rf "$tmp"
fi

for f in "$root"/boards/*.board; do
	[ -f "$f" ] && cp "$f" "$out/fuzz_board/"
done
b=$out/fuzz_board
printf 'name = e\ntransport = mem\nmachine = riscv64\nram = 0x80000000 16M offset=0\n' >"$b/min"
printf 'name = p\ntransport = pci\nmatch = 1af4:1110\nmachine = aarch64\naccess-width = 8\nram = 0x0 1G bar=2 aperture=1M winreg=0:0x10\nhold-step = write32 0:0x4 0x1\nhold-step = poll32 0:0x8 0x1 0x1 100\nstart-step = entry64 0:0x20\nstart-step = arg64 1 0:0x28\nstart-step = delay 5\nrelease = regs\n' >"$b/pci-regs"
printf 'name = w\ntransport = mem\nram = 0xffffffffffff0000 128K\nreserved = r 0xfffffffffffff000 8K\nmailbox = 0xfffffffffffff000\n' >"$b/wrap"
printf 'name = x\r\ntransport = mem\r\nram=0x80000000 1M # c\r\nunknown-key = 1\r\n' >"$b/crlf-unknown"
printf 'name = %0200d\ndescription = \nram = 0x1 0x0\n' 7 >"$b/long-name"

python3 "$here/bootseeds.py" "$out/fuzz_boot" $images
python3 "$here/gdbseeds.py" "$out/fuzz_gdb"
echo "mkcorpus: $(ls "$load" | wc -l) load, $(ls "$b" | wc -l) board," \
	"$(ls "$out/fuzz_boot" | wc -l) boot, $(ls "$out/fuzz_gdb" | wc -l) gdb" \
	"seeds in $out" >&2
