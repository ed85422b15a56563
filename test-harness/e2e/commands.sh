#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# commands.sh - the command layer does exactly what it says: each command
# takes only its own options, --dry-run touches no card, recipes never drop
# arguments, the board path ignores the current directory, messages and
# JSON are safe to read, and the verbs read, write, hold, verify and
# console --follow work on a card window
. "$(dirname "$0")/lib.sh"
require_build

P=$(cd "$PAYLOADS" && pwd)
IMG=$P/riscv64-dyn.elf.gz
CL=$(cd "$(dirname "$CARDLOAD")" && pwd)/$(basename "$CARDLOAD")

# JSON checks: FILE holds exactly one JSON object, valid UTF-8; prints the
# value at PATH (dotted) or fails.
one_json() { # FILE [PATH]
	python3 - "$@" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")           # fails on invalid UTF-8
dec = json.JSONDecoder()
obj, end = dec.raw_decode(text.lstrip())
if text.lstrip()[end:].strip():
    sys.exit("more than one JSON value")
if not isinstance(obj, dict) or obj.get("schema") != 1:
    sys.exit("not an object with schema 1")
v = obj
for k in (sys.argv[2].split(".") if len(sys.argv) > 2 else []):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list)) else
      str(v).lower() if isinstance(v, bool) else v)
PY
}

# every stderr line of the last run starts "cardload" (one command's name)
stderr_prefixed() { # LABEL
	if [ -s "$T/err" ] && ! grep -qv '^cardload' "$T/err"; then
		ok "$1: every stderr line starts 'cardload'"
	else
		not_ok "$1: every stderr line starts 'cardload'" "$(last_run)"
	fi
}

# ---- 1. each command its own options; --dry-run touches nothing --------

win=$(make_card)
run_cl load --board $RV_BOARD -O mem.path="$win" "$IMG"
is "load a payload (held): exit 0" "$RC" 0
sum=$(sha "$win")
run_cl start --board $RV_BOARD -O mem.path="$win" --dry-run
is "start --dry-run: exit 0" "$RC" 0
is "start --dry-run: go word not written" "$(mb_word "$win" $MB_GO)" \
	"$(printf '0x%08x' 0)"
is "start --dry-run: window unchanged" "$(sha "$win")" "$sum"
grep -q released "$T/out" && not_ok "start --dry-run: does not say released" \
	"$(last_run)" || ok "start --dry-run: does not say released"
run_cl hold --board $RV_BOARD -O mem.path="$win" --dry-run
is "hold --dry-run: exit 0, window unchanged" "$RC $(sha "$win")" "0 $sum"
run_cl write --board $RV_BOARD -O mem.path="$win" --dry-run 0x80100000 "$IMG"
is "write --dry-run: exit 0, window unchanged" "$RC $(sha "$win")" "0 $sum"
run_cl boot --board $RV_BOARD -O mem.path="$win" --dry-run "$IMG"
is "boot --dry-run: exit 0, window unchanged" "$RC $(sha "$win")" "0 $sum"
gone=$SHM_PREFIX.never-made
run_cl start --board $RV_BOARD -O mem.path="$gone" --dry-run
is "start --dry-run on a window that does not exist: exit 0, not created" \
	"$RC $([ -e "$gone" ] && echo made)" "0 "

# An option a command does not take: exit 2, naming it, nothing done.
refused() { # LABEL OPTION-NAME ARGS...
	local label=$1 name=$2
	shift 2
	run_cl "$@"
	is "$label: exit 2" "$RC" 2
	if grep -qF -- "$name" "$T/err" && grep -q 'does not take' "$T/err"
	then ok "$label: names $name"
	else not_ok "$label: names $name" "$(last_run)"
	fi
}
refused "start --wait= is fine, but start --no-start" --no-start \
	start --board $RV_BOARD -O mem.path="$win" --no-start
refused "status --cmdline" --cmdline \
	status --board $RV_BOARD -O mem.path="$win" --cmdline foo
refused "status --initrd" --initrd \
	status --board $RV_BOARD -O mem.path="$win" --initrd /nonexistent
refused "console --wait=3" --wait \
	console --board $RV_BOARD -O mem.path="$win" --wait=3
refused "list --board" --board list --board $RV_BOARD
refused "list --dry-run" --dry-run list --dry-run
refused "load --wait" --wait load --board $RV_BOARD -O mem.path="$win" \
	--wait=1 "$IMG"
refused "inspect -O" -O inspect -O mem.path="$win" "$IMG"
is "refused options left the window unchanged" "$(sha "$win")" "$sum"

# start --wait waits (today it returned at once): the staged payload never
# runs here (no CPU), so the wait ends in a timeout, exit 10.
run_cl start --board $RV_BOARD -O mem.path="$win" --wait=1
is "start --wait=1 on a card with no CPU: waits, exit 10 (timeout)" "$RC" 10
is "start --wait=1: the card was released" "$(mb_word "$win" $MB_GO)" $CB_GO
rm -f "$win"

# --wait SECS and --wait=SECS
for form in "--wait 2" "--wait=2" "--wait"; do
	run_cl boot --board $RV_BOARD --dry-run $form "$IMG"
	is "boot --dry-run $form IMAGE: parsed (exit 0)" "$RC" 0
done

# Every command's --help lists exactly the options its table takes.
cmds="boot load verify start hold status console read write list inspect board version"
# options: the --words of the lines that list options (they start "  -")
optlines() { "$CARDLOAD" "$1" --help | grep -E '^ +-' | grep -o -- '--[a-z][a-z-]*'; }
all=$(for c in $cmds; do optlines $c; done | sort -u)
bad=""
for c in $cmds; do
	helpopts=$(optlines $c | sort -u)
	for o in $all; do
		"$CARDLOAD" $c $o >/dev/null 2>"$T/h.err" </dev/null
		if grep -q "does not take\|unknown option" "$T/h.err"; then
			taken=no
		else
			taken=yes
		fi
		if printf '%s\n' $helpopts | grep -qx -- "$o"; then
			[ $taken = yes ] || bad="$bad $c:$o(in help, refused)"
		else
			[ $taken = no ] || bad="$bad $c:$o(taken, not in help)"
		fi
	done
done
is "each command's --help names exactly the options it takes" "$bad" ""

# ---- 2. recipes: no limit that changes meaning ------------------------

win=$(make_card)
{
	echo "image $IMG"
	for i in $(seq 1 300); do echo "# filler line $i"; echo "no-progress"; done
} >"$T/long.recipe"
run_cl boot --board $RV_BOARD -O mem.path="$win" --recipe "$T/long.recipe" \
	--no-start
is "recipe of 600 lines + --no-start: exit 0" "$RC" 0
isnt "recipe of 600 lines + --no-start: go word is not GO" \
	"$(mb_word "$win" $MB_GO)" $CB_GO
is "recipe of 600 lines + --no-start: staged" "$(mb_word "$win" $MB_STAGED)" \
	$CB_STAGED
rm -f "$win"
{ echo "image $IMG"; for i in $(seq 1 5000); do echo "no-progress"; done; } \
	>"$T/huge.recipe"
run_cl boot --board $RV_BOARD --dry-run --recipe "$T/huge.recipe"
is "recipe past the option cap: exit 2" "$RC" 2
grep -q "huge.recipe' line 4097" "$T/err" &&
	ok "recipe past the cap: names the file and line" ||
	not_ok "recipe past the cap: names the file and line" "$(last_run)"
printf 'image %s\nrecipe other.recipe\n' "$IMG" >"$T/nest.recipe"
run_cl boot --board $RV_BOARD --dry-run --recipe "$T/nest.recipe"
is "recipe naming a recipe: exit 2" "$RC" 2
grep -q "line 2" "$T/err" && ok "recipe naming a recipe: names line 2" ||
	not_ok "recipe naming a recipe: names line 2" "$(last_run)"
printf 'image %s\nno-progress\0\n' "$IMG" >"$T/nul.recipe"
run_cl boot --board $RV_BOARD --dry-run --recipe "$T/nul.recipe"
is "recipe with a NUL byte: exit 2" "$RC" 2
grep -q "NUL" "$T/err" && ok "recipe with a NUL byte: says NUL" ||
	not_ok "recipe with a NUL byte: says NUL" "$(last_run)"

# ---- 4. the board path does not depend on the current directory --------

mkdir -p "$T/inst/bin" "$T/inst/boards" "$T/attack/boards"
cp "$CARDLOAD" "$T/inst/bin/cardload"
win=$(make_card)
victim=$(make_window 4096)
vsum=$(sha "$victim")
sed "s|^option = mem.path=.*|option = mem.path=$win|" \
	boards/$RV_BOARD.board >"$T/inst/boards/$RV_BOARD.board"
sed "s|^option = mem.path=.*|option = mem.path=$victim|" \
	boards/$RV_BOARD.board >"$T/attack/boards/$RV_BOARD.board"
(cd "$T/attack" && env -u CARDLOAD_BOARDS "$T/inst/bin/cardload" load \
	--board $RV_BOARD --json "$IMG" >"$T/out" 2>"$T/err")
RC=$?
json_keep "$T/out" "$RC" load --board $RV_BOARD --json "$IMG"
is "load from a directory holding boards/: exit 0" "$RC" 0
is "./boards/ did not shadow the installed board: victim unchanged" \
	"$(sha "$victim")" "$vsum"
is "the installed board's window was loaded" "$(mb_word "$win" $MB_STAGED)" \
	$CB_STAGED
is "--json says which board file was used" "$(one_json "$T/out" board.file)" \
	"$T/inst/bin/../boards/$RV_BOARD.board"
(cd "$T/attack" && "$T/inst/bin/cardload" status --board $RV_BOARD -v \
	>"$T/out" 2>"$T/err")
grep -q "from $T/inst/bin/../boards/$RV_BOARD.board" "$T/err" &&
	grep -q "sets -O mem.path=$win" "$T/err" &&
	ok "-v says where the board came from and the path it sets" ||
	not_ok "-v says where the board came from and the path it sets" \
		"$(cat "$T/err")"
rm -f "$win" "$victim"

# ---- messages and exit codes -------------------------------------------

run_cl board lint $RV_BOARD
is "board lint NAME uses the board path: exit 0" "$RC" 0
printf 'name = two-errors\ntransport = mem\ncolour = blue\nram = 0x80000000 banana\nflavour = 1\n' \
	>"$T/bad.board"
run_cl board lint "$T/bad.board"
is "board lint of a file with three errors: exit 3" "$RC" 3
n=$(grep -c "bad.board" "$T/err")
[ "$n" -ge 3 ] && ok "board lint reports every error ($n lines)" ||
	not_ok "board lint reports every error" "$(last_run)"
run_cl board lint --json "$T/bad.board" "$RV_BOARD"
is "board lint --json: one object, first file not ok" \
	"$(one_json "$T/out" boards.0.ok)" false
is "board lint --json: second file ok" "$(one_json "$T/out" boards.1.ok)" true
n=$(one_json "$T/out" boards.0.errors | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "${n:-0}" -ge 3 ] && ok "board lint --json lists every error" ||
	not_ok "board lint --json lists every error" "$(cat "$T/out")"

for v in -V --version version; do
	run_cl $v
	is "cardload $v: exit 0 and the version" \
		"$RC $(grep -c '^cardload [0-9]' "$T/out")" "0 1"
done
run_cl bogus --board x
is "unknown command: exit 2" "$RC" 2
is "unknown command: one line on stderr" "$(wc -l <"$T/err")" 1
grep -q "cardload --help" "$T/err" && ok "unknown command: gives the hint" ||
	not_ok "unknown command: gives the hint" "$(last_run)"

mkdir -p "$T/nopci/devices"
run_cl list -O pci.sysfs="$T/nopci"
is "list with no match: exit 0" "$RC" 0
grep -q "no card matches" "$T/err" && ok "list with no match: says so" ||
	not_ok "list with no match: says so" "$(last_run)"

# a file name with a newline cannot fake a line of its own
fake="$T/x
error: all is well"
cp "$IMG" "$fake"
run_cl boot --board $RV_BOARD --base 0x87c00000 --dry-run "$fake"
is "image name with a newline: exit 5 (placement)" "$RC" 5
is "image name with a newline: one stderr line" "$(wc -l <"$T/err")" 1
stderr_prefixed "image name with a newline"
rm -f "$fake"

# error lines of several commands
for args in "status --board nope-board" \
	"read --board $RV_BOARD -O mem.path=$T/none 0x10 4" \
	"inspect $T/none.elf" "start --board $RV_BOARD -O mem.path=$T/none"; do
	run_cl $args
	stderr_prefixed "$args (exit $RC)"
done

# ---- JSON for scripts ---------------------------------------------------

win=$(make_card)
for args in "boot --json --bogus $IMG" "start --json --no-start" \
	"status --json" "inspect --json $T/none.elf" \
	"inspect --json --board $RV_BOARD --base 0x87c00000 $IMG" \
	"start --json --board $RV_BOARD -O mem.path=$win" \
	"list --json --board x" "board --json lint $T/bad.board" \
	"read --json --board $RV_BOARD -O mem.path=$win 0x80000000 16" \
	"version --json" "hold --json --board $RV_BOARD -O mem.path=$win -n" \
	"verify --json --board $RV_BOARD -O mem.path=$win $IMG" \
	"console --json --board $RV_BOARD -O mem.path=$win" \
	"write --json --board $RV_BOARD -O mem.path=$win -n 0x87c00000 $IMG"; do
	run_cl $args
	if e=$(one_json "$T/out" exit 2>"$T/j.err") && [ "$e" = "$RC" ]; then
		ok "$args: one JSON object, exit $RC in it"
	else
		not_ok "$args: one JSON object, exit $RC in it" "$(last_run)" \
			"$(cat "$T/j.err")"
	fi
	if [ "$RC" -ne 0 ]; then
		n=$(one_json "$T/out" error.exit 2>/dev/null)
		is "$args: error object with the exit code" "$n" "$RC"
	fi
done
rm -f "$win"
run_cl boot --json --bogus "$IMG"
is "usage error under --json: error.name" "$(one_json "$T/out" error.name)" \
	CL_E_USAGE
ffname=$(printf '%s/bad\377name.elf' "$T")
cp "$IMG" "$ffname"
run_cl inspect --json "$ffname"
path=$(one_json "$T/out" image.path 2>&1)
is "a path with byte 0xFF: JSON stays UTF-8, the byte as \\xff" \
	"$path" "$T/bad\\xffname.elf"
run_cl inspect "$ffname"
grep -q 'bad\\xffname' "$T/out" && ok "the same \\xff in human output" ||
	not_ok "the same \\xff in human output" "$(last_run)"

# ---- progress -----------------------------------------------------------

win=$(make_card)
head -c $((3 << 20)) /dev/urandom >"$T/big.bin"
run_cl load --board $RV_BOARD -O mem.path="$win" --addr 0x80200000 \
	--progress "$T/big.bin"
is "load --progress of 3 MiB: exit 0" "$RC" 0
last=$(tail -c 1 "$T/err" | od -An -c | tr -d ' ')
is "the progress bar ends its line" "$last" '\n'
grep -q "MiB/s" "$T/err" && grep -q "100%" "$T/err" &&
	ok "the bar shows rate and reaches 100%" ||
	not_ok "the bar shows rate and reaches 100%" "$(last_run)"
run_cl load --board $RV_BOARD -O mem.path="$win" --addr 0x80200000 "$T/big.bin"
is "no bar when stderr is not a terminal" "$(grep -c 'MiB/s' "$T/err")" 0

# ---- read, write, verify, hold, console --follow --------------------------

run_cl read --board $RV_BOARD -O mem.path="$win" -o "$T/r.bin" 0x80200000 0x300000
cmp -s "$T/r.bin" "$T/big.bin" && ok "read -o FILE gives the bytes loaded" ||
	not_ok "read -o FILE gives the bytes loaded" "$(last_run)"
"$CARDLOAD" read --board $RV_BOARD -O mem.path="$win" 0x80200000 64 |
	cmp -s - <(head -c 64 "$T/big.bin") &&
	ok "read to a pipe is raw" || not_ok "read to a pipe is raw"
run_cl read --board $RV_BOARD -O mem.path="$win" 0x7ffffff0 64
is "read outside every window: exit 5" "$RC" 5
run_cl verify --board $RV_BOARD -O mem.path="$win" --addr 0x80200000 "$T/big.bin"
is "verify right after the load: exit 0" "$RC" 0
printf 'Z' | dd of="$win" bs=1 seek=$((0x200000 + 12345)) conv=notrunc 2>/dev/null
run_cl verify --board $RV_BOARD -O mem.path="$win" --addr 0x80200000 "$T/big.bin"
is "verify after one byte changed: exit 9" "$RC" 9
grep -q "$(printf '%x' $((0x80200000 + 12345)))" "$T/err" &&
	ok "verify names the first difference's address" ||
	not_ok "verify names the first difference's address" "$(last_run)"
head -c 4096 /dev/urandom >"$T/page.bin"
before=$(snapshot "$win")
run_cl write --board $RV_BOARD -O mem.path="$win" 0x80600000 "$T/page.bin"
is "write ADDR FILE: exit 0" "$RC" 0
cmp -s <(dd if="$win" bs=4096 skip=$((0x600000 / 4096)) count=1 2>/dev/null) \
	"$T/page.bin" && ok "write put the bytes there" ||
	not_ok "write put the bytes there"
sum=$(sha "$win")
run_cl write --board $RV_BOARD -O mem.path="$win" 0x87c00000 "$T/page.bin"
is "write over the mailbox: exit 5, window unchanged" "$RC $(sha "$win")" \
	"5 $sum"
run_cl write --board $RV_BOARD -O mem.path="$win" --force --no-hold 0x87c00100 \
	"$T/page.bin"
is "write --force over a reserved range: exit 0" "$RC" 0
rm -f "$before"

win=$(make_card)
run_cl boot --board $RV_BOARD -O mem.path="$win" "$IMG"
is "boot: released" "$(mb_word "$win" $MB_GO)" $CB_GO
run_cl hold --board $RV_BOARD -O mem.path="$win"
is "hold: exit 0" "$RC" 0
isnt "hold: GO withdrawn" "$(mb_word "$win" $MB_GO)" $CB_GO
is "hold: nothing staged" "$(mb_word "$win" $MB_STAGED)" 0x00000000
# a console ring holding text, then the payload's DONE
CONS=$((0x87c01000 - WIN_ADDR))
put_word "$win" $CONS 4 0x534e4f43
put_word "$win" $((CONS + 4)) 4 $((60 * 1024 - 16))
printf 'hello from the card\n' | dd of="$win" bs=1 seek=$((CONS + 16)) \
	conv=notrunc 2>/dev/null
put_word "$win" $((CONS + 8)) 4 20
put_word "$win" $((MB_OFF + MB_STATUS)) 4 0x4f440000
run_cl console --board $RV_BOARD -O mem.path="$win" --follow
is "console --follow ends when the payload is done: exit 0" "$RC" 0
is "console --follow prints the ring" "$(cat "$T/out")" "hello from the card"
rm -f "$win"

done_testing
