#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# placement.sh - nothing is written where the plan did not say (issue 11,
# items 3, 8, 9 and 10 and the board-file messages): aliased RAM windows,
# missing board files, board lint, --set into the parameter block or onto a
# relocated word, PARAMS notes over code or PT_DYNAMIC, a dynamic section
# naming a table twice, and the command line and blobs kept out of every
# image's span. Every refusal leaves the card window byte for byte as it
# was; every check runs the plan only (--dry-run or a refusal).
. "$(dirname "$0")/lib.sh"
require_build

CB=${CARD_BSP:-$BUILD_DIR/card-bsp}
HELLO=$CB/hello-dyn.elf
for f in "$HELLO" "$HELLO.gz" "$CB/stage1.elf.gz" "$CB/check-dyn.elf.gz"; do
	if [ ! -r "$f" ]; then
		not_ok "card-bsp payloads present" "missing: $f"
		done_testing
	fi
done

# LABEL EXIT CULPRIT... -- CARDLOAD_ARGS... : the exit status, stderr naming
# every CULPRIT, and a card window (@WIN@ in the arguments) unchanged.
expect() {
	local label=$1 want=$2 culprits=() win sum a args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		culprits+=("$1")
		shift
	done
	shift
	win=$(make_card)
	sum=$(sha "$win")
	for a in "$@"; do
		args+=("${a//@WIN@/$win}")
	done
	run_cl "${args[@]}"
	if [ "$RC" = "$want" ]; then
		ok "$label: exit status $want"
	else
		not_ok "$label: exit status $want" "$(last_run)"
	fi
	for a in "${culprits[@]}"; do
		if grep -qF -- "$a" "$T/err"; then
			ok "$label: stderr names '$a'"
		else
			not_ok "$label: stderr names '$a'" "$(last_run)"
		fi
	done
	is "$label: window unchanged" "$(sha "$win")" "$sum"
	rm -f "$win"
}

boot() { echo boot --board "$1" -O mem.path=@WIN@; }

# ---- item 3: aliased RAM windows -----------------------------------------

# ram1 shows the qemu board's first MiB again: an image placed through it
# would land on the same memory as whatever ram0 holds there.
alias_board=$(make_board riscv64 "ram = 0x90000000 1M offset=0")
alias_line=$(grep -n '^ram = 0x90000000' "$alias_board" | cut -d: -f1)
run_cl board lint "$alias_board"
is "board lint, aliased windows: exit status 3" "$RC" 3
if grep -qE "line $alias_line: ram1 .*ram0 .*same memory" "$T/err"; then
	ok "board lint, aliased windows: names both windows and the line"
else
	not_ok "board lint, aliased windows: names both windows and the line" \
		"$(last_run)"
fi
expect "boot on a board with aliased windows" 3 "ram1" "ram0" -- \
	$(boot "$alias_board") --base 0x90000000 "$HELLO.gz"

# A BAR-less window and others on distinct backing ranges stay fine.
split_board=$(make_board riscv64 "ram = 0x90000000 1M offset=128M")
run_cl board lint "$split_board"
is "board lint, windows on distinct backing bytes: exit status 0" "$RC" 0

# ---- a missing board file is a board error (3), not a bad image (4) ------

expect "boot --board ./nope.board" 3 "nope.board" -- \
	boot --board ./nope.board -O mem.path=@WIN@ "$HELLO.gz"
expect "boot --board with a missing absolute path" 3 "$T/none.board" -- \
	boot --board "$T/none.board" -O mem.path=@WIN@ "$HELLO.gz"
run_cl board lint "$T/none.board"
is "board lint of a missing file: exit status 3" "$RC" 3

# ---- board lint: every problem of a file --------------------------------

# Three problems, on lines 4, 6 and 7 (the first, line 4, is what a lint
# that stops early reports; a lint reporting every problem names all three,
# and nothing else).
cat >"$T/three.board" <<'EOF'
name = three
transport = mem
release = none
colour = blue
ram = 0x80000000 128M
ram = 0x90000000 1M
access-width = 3
EOF
run_cl board lint "$T/three.board"
is "board lint, three problems: exit status 3" "$RC" 3
if grep -qF "line 4: unknown key 'colour'" "$T/err"; then
	ok "board lint, three problems: the first (line 4) is reported"
else
	not_ok "board lint, three problems: the first (line 4) is reported" \
		"$(last_run)"
fi
stray=$(grep -oE "three\.board' line [0-9]+" "$T/err" | grep -vE \
	"line (4|6|7)$" || true)
is "board lint, three problems: no problem reported that is not there" \
	"$stray" ""
n=$(grep -cE "three\.board' line (4|6|7):" "$T/err")
if [ "$n" -eq 1 ] || [ "$n" -eq 3 ]; then
	ok "board lint, three problems: the first, or all three, once each ($n)"
else
	not_ok "board lint, three problems: the first, or all three, once each" \
		"$(last_run)"
fi

# ---- item 8: --set into the parameter block -------------------------------

expect "--set boot_params (the parameter block itself)" 5 \
	"boot_params" "parameter block" -- \
	$(boot $RV_BOARD) --dry-run --set boot_params=str:x "$HELLO.gz"

# ---- item 9: conflicts inside an image ------------------------------------

# stage1_name is a pointer: a R_RISCV_RELATIVE record patches it. Placed at
# 0x80000000, it lies at 0x80002000.
expect "--set on a relocated word" 5 "stage1_name" "0x80002000" \
	"relocation" -- \
	$(boot $RV_BOARD) --dry-run --set stage1_name=0x1234 \
	"$CB/stage1.elf.gz"

# hello-dyn with its PARAMS note moved: into the text (R-X), onto the
# dynamic section; and with a second DT_RELA in place of DT_DEBUG.
python3 - "$HELLO" "$T" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
data = bytearray(open(src, "rb").read())
assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1
phoff, = struct.unpack_from("<Q", data, 0x20)
phent, phnum = struct.unpack_from("<HH", data, 0x36)
ph = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * phent)
      for i in range(phnum)]
PT_LOAD, PT_DYNAMIC, PT_NOTE, PF_X = 1, 2, 4, 1
text = next(p for p in ph if p[0] == PT_LOAD and p[1] & PF_X)
dyn = next(p for p in ph if p[0] == PT_DYNAMIC)
note = next(p for p in ph if p[0] == PT_NOTE)

def params_desc():
    """file offset and vaddr of the PARAMS note's descriptor"""
    off, end = note[2], note[2] + note[5]
    while off < end:
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        name = data[off + 12:off + 12 + namesz]
        desc = off + 12 + (namesz + 3) // 4 * 4
        if name == b"cardload\0" and ntype == 2:
            return desc, note[3] + (desc - note[2])
        off = desc + (descsz + 3) // 4 * 4
    sys.exit("no PARAMS note in " + src)

at, va = params_desc()
for name, target in (("params-in-text", text[3] + 0x10),
                     ("params-on-dynamic", dyn[3])):
    d = bytearray(data)
    struct.pack_into("<q", d, at, target - va)
    open("%s/%s.elf" % (out, name), "wb").write(d)
d = bytearray(data)
for off in range(dyn[2], dyn[2] + dyn[5], 16):
    tag, val = struct.unpack_from("<qQ", d, off)
    if tag == 7:                                    # DT_RELA
        rela = val
    if tag == 21:                                   # DT_DEBUG
        debug = off
struct.pack_into("<qQ", d, debug, 7, rela)
open("%s/dup-rela.elf" % out, "wb").write(d)
PY
expect "a PARAMS note pointing into the text" 4 "params-in-text.elf" \
	"PARAMS" "R-X" -- \
	$(boot $RV_BOARD) --dry-run "$T/params-in-text.elf"
expect "a PARAMS note pointing at PT_DYNAMIC" 4 "params-on-dynamic.elf" \
	"PARAMS" "PT_DYNAMIC" -- \
	$(boot $RV_BOARD) --dry-run "$T/params-on-dynamic.elf"
expect "a dynamic section with two DT_RELA" 4 "dup-rela.elf" \
	"two DT_RELA" -- \
	$(boot $RV_BOARD) --dry-run "$T/dup-rela.elf"
# The low-memory path reads notes and tags from its gathered copy of the
# headers: the same checks hold there.
gzip -k "$T/params-in-text.elf" "$T/dup-rela.elf"
expect "--low-memory: a PARAMS note pointing into the text" 4 \
	"params-in-text.elf.gz" "PARAMS" -- \
	$(boot $RV_BOARD) --dry-run --low-memory "$T/params-in-text.elf.gz"
expect "--low-memory: a dynamic section with two DT_RELA" 4 \
	"dup-rela.elf.gz" "two DT_RELA" -- \
	$(boot $RV_BOARD) --dry-run --low-memory "$T/dup-rela.elf.gz"

# ---- item 10: nothing of the loader's inside an image's span -------------

# hello-dyn at 0x80000000: text [0x80000000, 0x80000f74), then a gap to
# its read-only data at 0x80001000. The command line used to land in it.
win=$(make_card)
sum=$(sha "$win")
run_cl boot --board $RV_BOARD -O mem.path="$win" --dry-run --json \
	--cmdline console=uart "$HELLO.gz"
is "--cmdline beside hello: exit status 0" "$RC" 0
python3 - "$T/out" >"$T/checks" 2>"$T/checks.err" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["plan"]
h = lambda v: int(v, 16) if isinstance(v, str) else v
base, span, cl = h(p["base"]), h(p["span"]), h(p["cmdline"])
segs = sorted((h(s["addr"]), s["memsz"]) for s in p["segments"])
gaps = [(a + n, b) for (a, n), (b, _) in zip(segs, segs[1:]) if a + n < b]
print("%s\t--cmdline: the image has a gap between its segments (%s)\t%s" % (
    "ok" if gaps else "not ok",
    ", ".join("[0x%x, 0x%x)" % g for g in gaps), "no gap: test image changed?"))
inside = base <= cl < base + span
print("%s\t--cmdline at 0x%x: outside the image's span [0x%x, 0x%x)\t%s" % (
    "not ok" if inside else "ok", cl, base, base + span,
    "the command line lies in the image's span"))
PY
tap_checks "--cmdline beside hello"
is "--cmdline --dry-run: window unchanged" "$(sha "$win")" "$sum"
rm -f "$win"

printf 'blob' >"$T/fw.bin"
expect "a blob @ADDR in the gap between hello's segments" 5 \
	"fw" "0x80000f80" "hello-dyn.elf.gz" -- \
	$(boot $RV_BOARD) --dry-run --blob fw="$T/fw.bin@0x80000f80" \
	"$HELLO.gz"

done_testing
