#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# man.sh - the manual pages: doc/cardload.1 and doc/cardload.board.5 lint
# clean (mandoc -T lint, groff -ww), render with man -l, and cover what
# the code has: every command and each of its options (from cardload's own
# --help), every option of the table in host/cli/opts.c, every transport
# -O key (cardload boot -O help), every exit code of host/cardload.h and
# every board key of the table in host/board_keys.c. The example boards in
# cardload.board(5) pass 'cardload board lint'.
. "$(dirname "$0")/lib.sh"

MAN1=doc/cardload.1
MAN5=doc/cardload.board.5

if [ ! -x "$CARDLOAD" ]; then
	not_ok "build products present" "missing: $CARDLOAD"
	done_testing
fi
for p in "$MAN1" "$MAN5"; do
	[ -r "$p" ] || not_ok "$p exists"
done
[ "$_tap_failed" -eq 0 ] || done_testing

# ---- lint and rendering -------------------------------------------------

lint_clean() { # NAME COMMAND...: exit 0 and no output at all
	local name=$1 rc=0
	shift
	"$@" >"$T/lint" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$T/lint" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $rc" "$(head -c 2000 "$T/lint")"
	fi
}

for p in "$MAN1" "$MAN5"; do
	if command -v mandoc >/dev/null; then
		lint_clean "$p: mandoc -T lint -W warning is clean" \
			mandoc -T lint -W warning "$p"
	else
		skip "$p: mandoc lint" "mandoc not installed (test-harness/deps.sh)"
	fi
	if command -v groff >/dev/null; then
		lint_clean "$p: groff -ww -z -man is clean" \
			groff -ww -z -t -man "$p"
	else
		skip "$p: groff lint" "groff not installed"
	fi
	if command -v man >/dev/null; then
		rc=0
		LC_ALL=C MANWIDTH=80 man -l "$p" >"$T/man.out" 2>"$T/man.err" ||
			rc=$?
		if [ "$rc" -eq 0 ] && [ ! -s "$T/man.err" ] &&
		   [ -s "$T/man.out" ] && grep -qx 'NAME' "$T/man.out"; then
			ok "$p: man -l renders it (NAME section, no message)"
		else
			not_ok "$p: man -l renders it" "exit $rc" \
				"$(head -c 1000 "$T/man.err")" \
				"$(head -n 5 "$T/man.out")"
		fi
		long=$(awk 'length > 80 { print NR ": " $0 }' "$T/man.out")
		is "$p: no rendered line is wider than MANWIDTH=80" "$long" ""
	else
		skip "$p: man -l" "man not installed"
	fi
done

# ---- coverage -----------------------------------------------------------

# The text as mandoc lays it out, without line breaks inside paragraphs and
# without overstrike, so that each entry's tag starts its own line.
render() { # PAGE OUT
	mandoc -T ascii -O width=1000 "$1" | sed 's/.\x08//g' >"$2"
}
# Lines of a top-level section (a heading in column 0).
section() { # FILE HEADING
	awk -v s="$2" '$0 == s { f = 1; next } f && /^[A-Z]/ { exit } f' "$1"
}
# Lines of a subsection (a heading indented by three) starting with PREFIX.
subsection() { # FILE PREFIX
	awk -v s="$2" 'index($0, s) == 1 && (length($0) == length(s) ||
			substr($0, length(s) + 1, 1) == " ") { f = 1; next }
		       f && /^ ? ? ?[^ ]/ { exit } f' "$1"
}
# Report one point for a category: ok with its count, or not ok naming
# every missing item.
covered() { # NAME COUNT MISSING [LABEL]
	if [ "$2" -eq 0 ]; then
		not_ok "$1" "found nothing to check: has the source changed?"
	elif [ -z "$3" ]; then
		ok "$1 ($2 checked)"
	else
		not_ok "$1" "${4:-missing}:$3"
	fi
}
# Matching is done in bash on the text (no process per item): NL is a
# newline, so "(^|$NL)" starts a line; ERE specials in names are escaped.
NL=$'\n'
re_quote() { # TEXT -> $RQ
	RQ=${1//./\\.}
	RQ=${RQ//[/\\[}
}
# Is WORD in TEXT as a whole word (not inside a longer option or key)?
has_word() { # TEXT WORD
	local re
	re_quote "$2"
	re="(^|[^A-Za-z0-9_.-])$RQ(\$|[^A-Za-z0-9_-])"
	[[ $1 =~ $re ]]
}
# Does a line of TEXT start with PREFIX (an ERE)?
has_line() { # TEXT PREFIX
	local re="(^|$NL)$2"
	[[ $1 =~ $re ]]
}

if ! command -v mandoc >/dev/null; then
	skip "coverage of the pages" "mandoc not installed (test-harness/deps.sh)"
	done_testing
fi
render "$MAN1" "$T/m1"
render "$MAN5" "$T/m5"
m1_commands=$(section "$T/m1" COMMANDS)
m1_options=$(section "$T/m1" OPTIONS)
m1_transports=$(section "$T/m1" TRANSPORTS)
m1_exit=$(section "$T/m1" "EXIT STATUS")
m1_env=$(section "$T/m1" ENVIRONMENT)
m5_keys=$(section "$T/m5" KEYS)
printf '%s\n' "$m1_commands" >"$T/m1.commands"

# Commands, from 'cardload --help', each with a subsection under COMMANDS
# that names every long option its --help lists.
"$CARDLOAD" --help >"$T/help" 2>&1
cmds=$(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$T/help")
n=0 missing="" nopt=0 optmissing=""
for c in $cmds; do
	n=$((n + 1))
	sub=$(subsection "$T/m1.commands" "   cardload $c")
	if [ -z "$sub" ]; then
		missing="$missing $c"
		continue
	fi
	for o in $("$CARDLOAD" "$c" --help 2>&1 |
		   sed -nE 's/^ +(-[A-Za-z], )?(--[a-z][a-z-]*).*/\2/p'); do
		nopt=$((nopt + 1))
		has_word "$sub" "$o" || optmissing="$optmissing $c:$o"
	done
done
covered "cardload.1: every command of 'cardload --help' has a subsection" \
	"$n" "$missing"
covered "cardload.1: each command's subsection names every option of its --help" \
	"$nopt" "$optmissing"

# The option table of host/cli/opts.c: every option has an entry under
# OPTIONS, with its short form when it has one ("-b, --board NAME").
n=0 missing=""
while read -r long short; do
	n=$((n + 1))
	if [ "$short" = 0 ]; then
		tag="--$long"
	else
		tag="-$short, --$long"
	fi
	has_line "$m1_options" " {7}$tag( |=|\\[|\$|$NL)" ||
		missing="$missing $tag"
done < <(sed -nE 's/^\s*\[CO_[A-Z_]+\] = \{ "([a-z-]+)", [a-z_]+, (0|'"'"'(.)'"'"') \},.*/\1 \2/p' \
	 host/cli/opts.c | sed -E "s/'(.)'/\\1/")
covered "cardload.1: every option of host/cli/opts.c has an entry under OPTIONS" \
	"$n" "$missing"

# -V and --version, which main.c takes before any command.
n=0 missing=""
for o in $(grep -oE 'strcmp\(argv\[1\], "-[-A-Za-z]+"\)' host/cli/main.c |
	   grep -oE '"-[-A-Za-z]+"' | tr -d '"'); do
	n=$((n + 1))
	has_word "$m1_options" "$o" || missing="$missing $o"
done
covered "cardload.1: the options main.c takes before a command are under OPTIONS" \
	"$n" "$missing"

# Transports and their -O keys, from 'cardload boot -O help': a subsection
# per transport, an entry per key.
"$CARDLOAD" boot -O help >"$T/ohelp" 2>&1
n=0 missing=""
for tp in $(sed -n 's/^\([a-z][a-z0-9]*\):$/\1/p' "$T/ohelp"); do
	n=$((n + 1))
	has_line "$m1_transports" "   $tp(\$|$NL)" || missing="$missing $tp"
done
covered "cardload.1: every transport of -O help has a subsection under TRANSPORTS" \
	"$n" "$missing"
n=0 missing=""
for k in $(sed -nE 's/^  ([a-z0-9]+\.[a-z0-9-]+)=.*/\1/p' "$T/ohelp"); do
	n=$((n + 1))
	re_quote "$k"
	has_line "$m1_transports" " {7}$RQ=" || missing="$missing $k"
done
covered "cardload.1: every -O key of 'cardload boot -O help' has an entry" \
	"$n" "$missing"

# Exit codes: every CL_EXIT_* of host/cardload.h has an entry.
n=0 missing=""
for e in $(sed -nE 's/^\s*CL_EXIT_[A-Z_]+ = ([0-9]+),.*/\1/p' host/cardload.h); do
	n=$((n + 1))
	has_line "$m1_exit" " {7}$e( |\$|$NL)" || missing="$missing $e"
done
covered "cardload.1: every exit code of host/cardload.h is under EXIT STATUS" \
	"$n" "$missing"

# Environment variables read by the library, the transports or the command.
n=0 missing=""
for v in $(grep -rhoE 'getenv\("[A-Z_]+"\)' host transports |
	   grep -oE '"[A-Z_]+"' | tr -d '"' | sort -u); do
	n=$((n + 1))
	has_line "$m1_env" " {7}$v(\$|$NL)" || missing="$missing $v"
done
covered "cardload.1: every getenv() of host/ and transports/ is under ENVIRONMENT" \
	"$n" "$missing"

# Board keys: the table cl_board_keys[] of host/board_keys.c, an entry
# "KEY = ..." each under KEYS; the ram attributes of host/board_ram.c.
n=0 missing=""
for k in $(sed -nE 's/^\s*\{ "([a-z-]+)", (K_[A-Z_]+|-1), [a-z_]+ \},.*/\1/p' \
	   host/board_keys.c); do
	n=$((n + 1))
	has_line "$m5_keys" " {7}$k = " || missing="$missing $k"
done
covered "cardload.board.5: every key of host/board_keys.c has an entry under KEYS" \
	"$n" "$missing"
ram_entry=$(printf '%s\n' "$m5_keys" | grep -E '^ {7}ram = ')
n=0 missing=""
for a in $(sed -n '/names\[\] = {/,/};/p' host/board_ram.c |
	   grep -oE '"[a-z-]+="' | tr -d '"'); do
	n=$((n + 1))
	re_quote "$a"
	re="[[ ]$RQ"
	[[ $ram_entry =~ $re ]] || missing="$missing $a"
done
covered "cardload.board.5: every ram attribute of host/board_ram.c is in the ram entry" \
	"$n" "$missing"

# The example boards of cardload.board(5) are valid boards.
awk '/^\.EX/ { n++; f = 1; next } /^\.EE/ { f = 0 }
     f { gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print > (dir "/ex" n ".board") }' \
	dir="$T" "$MAN5"
n=0 bad=""
for f in "$T"/ex*.board; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	"$CARDLOAD" board lint "$f" >"$T/lint.out" 2>&1 ||
		bad="$bad $(head -c 500 "$T/lint.out")"
done
covered "cardload.board.5: its example boards pass 'cardload board lint'" \
	"$n" "$bad" refused

done_testing
