#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# model.sh - expect-image.py, the model the other tests trust, checked itself
#
# Its relocation list must agree with llvm-readelf -r (count, offsets,
# addends) and loading at two bases must differ exactly at relocated words.
. "$(dirname "$0")/lib.sh"
require_build

if ! command -v llvm-readelf >/dev/null 2>&1; then
	not_ok "expect-image.py --selftest" "llvm-readelf not installed" \
		"(test-harness/deps.sh installs llvm)"
	done_testing
fi
for f in riscv64-dyn riscv64-dyn-relr riscv64-exec aarch64-dyn aarch64-exec; do
	for img in "$PAYLOADS/$f.elf" "$PAYLOADS/$f.elf.gz"; do
		if python3 "$EXPECT_IMAGE" --selftest "$img" >"$T/self" 2>&1; then
			ok "selftest $(cat "$T/self")"
		else
			not_ok "selftest ${img##*/}" "$(cat "$T/self")"
		fi
	done
done

# The ET_DYN payloads really have what the loader tests rely on: more than
# one PT_LOAD with gaps between them, a bss, RELATIVE relocations.
for f in riscv64-dyn riscv64-dyn-relr aarch64-dyn; do
	python3 "$EXPECT_IMAGE" "$PAYLOADS/$f.elf" 0x80000000 $WIN_ADDR $WIN_SIZE \
		"$T/m" >"$T/m.sum"
	python3 - "$T/m" "$T/m.sum" "$f.elf" >"$T/checks" 2>"$T/checks.err" <<'PY'
import json, sys
segs = sorted(json.load(open(sys.argv[1])), key=lambda e: e["addr"])
s = json.load(open(sys.argv[2]))
gaps = sum(1 for a, b in zip(segs, segs[1:]) if a["addr"] + a["memsz"] < b["addr"])
bss = sum(e["memsz"] - e["filesz"] for e in segs)
ok = len(segs) > 1 and gaps > 0 and bss >= 64 * 1024 and s["relocations"] > 0
print("%s\t%s: %d PT_LOADs, %d gaps, %d bss bytes, %d relocations\t" % (
    "ok" if ok else "not ok", sys.argv[3], len(segs), gaps, bss,
    s["relocations"]))
PY
	label="$f.elf shape"
	tap_checks "$label"
done

done_testing
