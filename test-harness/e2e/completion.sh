#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.sh - bash completion (contrib/bash-completion/cardload) and
# the 'cardload board list' it asks for board names and transports
#
#     bash test-harness/e2e/completion.sh [path/to/cardload]
#
# Each case sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as bash
# does for a line (cursor at its end; a word of '=' or ':' on its own, as
# COMP_WORDBREAKS splits them), calls _cardload and checks COMPREPLY. The
# cases run twice: in a bare bash (the completion's own word handling) and
# with bash-completion's _init_completion loaded (test-harness/deps.sh
# installs it; without it those points skip, saying so).
. "$(dirname "$0")/lib.sh"

COMPLETION=contrib/bash-completion/cardload
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}

if [ ! -x "$CARDLOAD" ]; then
	not_ok "build products present" "missing: $CARDLOAD"
	done_testing
fi
CL=$(cd "$(dirname "$CARDLOAD")" && pwd -P)/$(basename "$CARDLOAD")

# ---- cardload board list ---------------------------------------------

# every NAME.board beside the build, sorted: what board list must give
want_boards=$(cd boards && ls -- *.board | sed 's/\.board$//' | LC_ALL=C sort)
run_cl board list
is "board list exits 0" "$RC" 0
is "board list names every boards/*.board, sorted" \
	"$(cut -d' ' -f1 "$T/out" | LC_ALL=C sort)" "$want_boards"
is "board list: names in sorted order" "$(cut -d' ' -f1 "$T/out")" \
	"$(cut -d' ' -f1 "$T/out" | LC_ALL=C sort)"
is "board list: qemu-virt-riscv64-gdb's transport is gdb" \
	"$(awk '$1 == "qemu-virt-riscv64-gdb" { print $2 }' "$T/out")" gdb
run_cl board list qemu-virt-riscv64 ./boards/qemu-virt-riscv64-gdb.board
is "board list NAME FILE: one line each, name transport file" \
	"$(cat "$T/out")" \
	"qemu-virt-riscv64 mem $(dirname "$CL")/../boards/qemu-virt-riscv64.board
./boards/qemu-virt-riscv64-gdb.board gdb ./boards/qemu-virt-riscv64-gdb.board"
run_cl board list no-such-board
is "board list of a board not on the path exits 3" "$RC" 3
mkdir -p "$T/boards"
make_board riscv64 >/dev/null && mv "$T"/board.*.board "$T/boards/mylab-one.board"
printf 'name = broken\n' >"$T/boards/mylab-broken.board"
cp boards/qemu-virt-riscv64-gdb.board "$T/boards/qemu-virt-riscv64.board"
touch "$T/boards/bad name.board" "$T/boards/.board" "$T/boards/x.board.orig"
CARDLOAD_BOARDS=$T/boards run_cl board list --json
python3 - "$T/out" "$T/boards" $want_boards <<'PY' >"$T/checks" 2>"$T/checks.err"
import json, sys

out, mine, boards = sys.argv[1], sys.argv[2], sys.argv[3:]
def report(name, cond, diag=""):
    name = "board list --json, $CARDLOAD_BOARDS set: " + name
    print("ok\t%s" % name if cond else "not ok\t%s\t%s" % (name, diag))

got = json.load(open(out)).get("boards", [])
by = {b["name"]: b for b in got}
names = [b["name"] for b in got]
want = sorted(set(boards) | {"mylab-one", "mylab-broken"})
report("every board of both directories, sorted, each once", names == want,
       "got %s, want %s" % (names, want))
report("a name in \\$CARDLOAD_BOARDS is its file there (transport gdb)",
       by.get("qemu-virt-riscv64", {}).get("transport") == "gdb" and
       by["qemu-virt-riscv64"]["file"] == mine + "/qemu-virt-riscv64.board",
       json.dumps(by.get("qemu-virt-riscv64")))
report("a board file that does not load: transport null",
       "transport" in by.get("mylab-broken", {}) and
       by["mylab-broken"]["transport"] is None,
       json.dumps(by.get("mylab-broken")))
report("the others from beside the program",
       all(by[n]["file"].endswith("/../boards/%s.board" % n)
           for n in boards if n != "qemu-virt-riscv64" and n in by),
       json.dumps(got))
PY
tap_checks "board list --json"

# ---- the completion ----------------------------------------------------

mkdir -p "$T/files/sub"
touch "$T/files/test1.img" "$T/files/test2.elf" "$T/files/other"

# The cases, in a bash of their own (MODE: plain or bash-completion);
# prints "ok<TAB>NAME" / "not ok<TAB>NAME<TAB>DIAG" lines.
run_cases() { # MODE
	bash --norc --noprofile -s "$1" "$CL" "$COMPLETION" "$BASH_COMPLETION" \
		"$T" "$want_boards" <<'CASES'
mode=$1 CL=$2 COMPLETION=$3 BASH_COMPLETION=$4 T=$5 want_boards=$6
unset CARDLOAD_BOARDS
if [ "$mode" = bash-completion ]; then
	. "$BASH_COMPLETION" || echo "not ok	$mode: bash_completion loads"
	declare -F _init_completion >/dev/null ||
		echo "not ok	$mode: _init_completion defined"
fi
. "$COMPLETION" || echo "not ok	$mode: $COMPLETION loads"
[ "$mode" = plain ] && declare -F _init_completion >/dev/null &&
	echo "not ok	$mode: no _init_completion in a bare bash"

# Complete LINE (the cursor at its end); the replies, sorted, one a line,
# in $got; anything the completion wrote to stderr in $T/comp.err.
comp() { # LINE
	local line=$1 tok toks
	COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=() COMPREPLY=()
	read -r -a toks <<<"$line"
	for tok in "${toks[@]}"; do
		while [[ $tok =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
			[[ -n ${BASH_REMATCH[1]} ]] &&
				COMP_WORDS+=("${BASH_REMATCH[1]}")
			COMP_WORDS+=("${BASH_REMATCH[2]}")
			tok=${BASH_REMATCH[3]}
		done
		[[ -n $tok ]] && COMP_WORDS+=("$tok")
	done
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_cardload "${toks[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2>>"$T/comp.err"
	comp_rc=$?
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort)
}

point() { # COND NAME DIAG
	if [ "$1" = 0 ]; then
		printf 'ok\t%s: %s\n' "$mode" "$2"
	else
		printf 'not ok\t%s: %s\t%s\n' "$mode" "$2" "$3"
	fi
}
lines() { printf '%s\n' "$@" | LC_ALL=C sort; }
# NAME LINE WANT...: the replies are exactly WANT (none: no reply)
exactly() {
	local name=$1 want
	comp "$2"
	shift 2
	want=$(if [ $# -gt 0 ]; then lines "$@"; fi)
	[ "$got" = "$want" ] && [ "$comp_rc" = 0 ]
	point $? "$name" "line '$COMP_LINE': got [$(echo $got)] (status $comp_rc), want [$(echo $want)]"
}
# NAME LINE WANT...: the replies include each WANT
has() {
	local name=$1 w miss=
	comp "$2"
	shift 2
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" || miss="$miss $w"
	done
	[ -z "$miss" ] && [ -n "$got" ]
	point $? "$name" "line '$COMP_LINE': missing [$miss] in [$(echo $got)]"
}
# NAME PATTERN: every reply of the last comp matches the grep -E PATTERN
all_match() {
	local bad
	bad=$(grep -vE -- "$2" <<<"$got")
	[ -n "$got" ] && [ -z "$bad" ]
	point $? "$1" "replies not matching /$2/: [$(echo $bad)] of [$(echo $got)]"
}

riscv=$(printf '%s\n' $want_boards | grep '^qemu-virt-r')
: >"$T/comp.err"

# commands
exactly "first word 'b': boot, board" "$CL b" boot board
has "first word '': every command from --help" "$CL " \
	boot load start hold verify status console read write list inspect \
	board version
exactly "first word 'v': verify, version" "$CL v" verify version
(cd "$(dirname "$CL")/.." && exactly "a relative program path (build/cardload) is run as typed" \
	"build/$(basename "$CL") ins" inspect)
exactly "a program that does not exist: nothing" "$T/no-such-cardload b"

# options
has "boot --: its long options" "$CL boot --" --board --wait --dry-run \
	--initrd --dtb --recipe --option --json --no-start --help
all_match "boot --: long options only" '^--[a-z][a-z0-9-]*$'
[ "$(grep -c -x -- --wait <<<"$got")" = 1 ]
point $? "boot --: --wait offered once" "[$(echo $got)]"
has "boot -: short options too" "$CL boot -" -b -O -n -v -h --board
exactly "boot --dr: --dry-run" "$CL boot --dr" --dry-run
exactly "status --: status's options" "$CL status --" --board --option \
	--slot --device --json --verbose --help
exactly "list --js: --json" "$CL list --js" --json
exactly "board --: lint's options" "$CL board --" --json --verbose --help

# board names
exactly "boot --board qemu-virt-r: the riscv boards in boards/" \
	"$CL boot --board qemu-virt-r" $riscv
exactly "boot --board=qemu-virt-r (split at '='): the riscv boards" \
	"$CL boot --board=qemu-virt-r" $riscv
exactly "boot --board= : every board" "$CL boot --board=" $want_boards
exactly "load -b qemu-virt-riscv64-g: qemu-virt-riscv64-gdb" \
	"$CL load -b qemu-virt-riscv64-g" qemu-virt-riscv64-gdb
exactly "boot --board after the image: every board" \
	"$CL boot image.elf --board " $want_boards
has "boot --board ./boards/qemu-virt-riscv64-g: file names" \
	"$CL boot --board ./boards/qemu-virt-riscv64-g" \
	./boards/qemu-virt-riscv64-gdb.board
CARDLOAD_BOARDS=$T/boards exactly "\$CARDLOAD_BOARDS: boot --board myl" \
	"$CL boot --board myl" mylab-broken mylab-one

# -O keys
has "boot --board qemu-virt-riscv64-gdb -O gdb.: the gdb keys" \
	"$CL boot --board qemu-virt-riscv64-gdb -O gdb." gdb.addr= gdb.timeout=
all_match "... and only gdb keys, each KEY=" '^gdb\.[a-z-]+=$'
has "boot --board qemu-virt-riscv64 -O (a mem board): the mem keys" \
	"$CL boot --board qemu-virt-riscv64 -O " mem.path= mem.qmp=
all_match "... and only mem keys" '^mem\.[a-z-]+=$'
exactly "boot -O mem.p --board=qemu-virt-riscv64 (board given with =)" \
	"$CL boot --board=qemu-virt-riscv64 -O mem.p" mem.path=
has "boot -b FILE -O gdb.a (board given as a path)" \
	"$CL boot -b ./boards/qemu-virt-riscv64-gdb.board -O " gdb.addr=
all_match "... only gdb keys" '^gdb\.'
has "boot --option (no board): every transport's keys" "$CL boot --option " \
	mem.path= gdb.addr= pci.slot= usb.id=
exactly "list -O: the one key list takes" "$CL list -O " pci.sysfs=
CARDLOAD_BOARDS=$T/boards has "\$CARDLOAD_BOARDS shadows a board: its transport's keys" \
	"$CL boot --board qemu-virt-riscv64 -O " gdb.addr=
CARDLOAD_BOARDS=$T/boards has "a board that does not load: every transport's keys" \
	"$CL boot --board mylab-broken -O " mem.path= gdb.addr=
exactly "boot -O mem.path=/dev/shm/x (a value): nothing" \
	"$CL boot --board qemu-virt-riscv64 -O mem.path=/dev/shm/x"

# files
cd "$T/files" || exit 1
exactly "boot --initrd te: file names" "$CL boot --initrd te" test1.img test2.elf
exactly "boot --dtb=te (split at '='): file names" "$CL boot --dtb=te" \
	test1.img test2.elf
exactly "boot --recipe o: file names" "$CL boot --recipe o" other
exactly "boot --board B te (the image): file names" \
	"$CL boot --board qemu-virt-riscv64 te" test1.img test2.elf
exactly "boot --board B -O mem.path=X --initrd x.cpio t (the image)" \
	"$CL boot --board qemu-virt-riscv64 -O mem.path=/dev/shm/c --initrd x.cpio t" \
	test1.img test2.elf
exactly "inspect su: file names (a directory)" "$CL inspect su" sub
exactly "read --board B 0x80000000 0x100 -o te: file names" \
	"$CL read --board qemu-virt-riscv64 0x80000000 0x100 -o te" \
	test1.img test2.elf
exactly "write --board B 0x80000000 te (FILE): file names" \
	"$CL write --board qemu-virt-riscv64 0x80000000 te" test1.img test2.elf
exactly "write --board B te (ADDR): nothing" \
	"$CL write --board qemu-virt-riscv64 te"
exactly "boot --cmdline te (a text value): nothing" "$CL boot --cmdline te"
exactly "boot IMAGE te (a second image argument): nothing" \
	"$CL boot --board qemu-virt-riscv64 test1.img te"
exactly "status --board B (no arguments): nothing" \
	"$CL status --board qemu-virt-riscv64 te"
exactly "board lint|list" "$CL board l" lint list
exactly "board lint qemu-virt-riscv64-: board names" \
	"$CL board lint qemu-virt-riscv64-" \
	$(printf '%s\n' $riscv | grep '^qemu-virt-riscv64-')

# an unknown command
exactly "an unknown command: nothing" "$CL nosuch "
exactly "an unknown command, --: nothing" "$CL nosuch --"
exactly "an unknown option: nothing" "$CL boot --nosuch"
[ ! -s "$T/comp.err" ]
point $? "nothing on stderr in any case" "$(head -c 1000 "$T/comp.err")"
CASES
}

run_cases plain >"$T/cases"
tap_from <"$T/cases"
if [ -r "$BASH_COMPLETION" ]; then
	run_cases bash-completion >"$T/cases"
	tap_from <"$T/cases"
else
	skip "the cases with bash-completion's _init_completion" \
		"no $BASH_COMPLETION (Debian package bash-completion, test-harness/deps.sh)"
fi
done_testing
