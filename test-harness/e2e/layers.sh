#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# layers.sh - the structure host/cardload.h describes holds in the code
#
#   bash test-harness/e2e/layers.sh [path/to/cardload]
#
# From the objects of the build beside the cardload binary and from the
# sources:
#   - no cycle between the files of host/ and transports/: file A "uses"
#     file B when A's object needs a symbol B's object defines; the
#     relation, fed to tsort, must be a partial order
#   - no cycle between headers (#include "...")
#   - transports see host/util.h, transport.h and their own headers: never
#     the loader's internals (internal.h, load.h, stream.h, ...)
#   - the CLI (host/cli/) uses the public API, not internal headers
#   - no file of host/ or transports/ is much over 500 lines, the CLI's
#     option table excepted
#   - the shipped command has no fault-injection backend in it
#   - the data flow at the top of host/cardload.h names every file of
#     host/ and transports/ (the CLI's aside), and only files that exist
. "$(dirname "$0")/lib.sh"

OBJ=$BUILD_DIR
MAX_LINES=520

# symbol-level uses between objects, as "user definer" pairs
uses() {
	local o defs
	defs=$T/defs
	: >"$defs"
	for o in "$OBJ"/host/*.o "$OBJ"/transports/*.o; do
		nm --defined-only -g "$o" | awk -v f="${o#$OBJ/}" \
			'NF == 3 { print $3, f }' >>"$defs"
	done
	sort -o "$defs" "$defs"
	for o in "$OBJ"/host/*.o "$OBJ"/transports/*.o; do
		nm -u "$o" | awk '{ print $NF }' | sort -u |
			join - "$defs" | awk -v f="${o#$OBJ/}" \
			'$2 != f { print f, $2 }'
	done | sort -u
}

uses >"$T/uses"
if [ -s "$T/uses" ] && tsort "$T/uses" >/dev/null 2>"$T/tsort"; then
	ok "no cycle between host/ and transports/ files ($(wc -l <"$T/uses") uses)"
else
	not_ok "no cycle between host/ and transports/ files" \
		"$(head -20 "$T/tsort")"
fi

# header includes, "file header" pairs (quoted includes only)
for f in host/*.[ch] host/cli/*.[ch] transports/*.[ch]; do
	sed -n 's/^#include "\(.*\)"/\1/p' "$f" |
		while read -r h; do echo "${f##*/} $h"; done
done | sort -u >"$T/incs"
if tsort "$T/incs" >/dev/null 2>"$T/tsort"; then
	ok "no include cycle"
else
	not_ok "no include cycle" "$(head -20 "$T/tsort")"
fi

bad=$(grep -l '#include "\(internal\|load\|stream\|decompress\|release\)\.h"' \
	transports/*.[ch] 2>/dev/null)
if [ -z "$bad" ]; then
	ok "transports include no loader internals"
else
	not_ok "transports include no loader internals" $bad
fi

bad=$(grep -l '#include "\(internal\|load\|stream\|decompress\|release\|transport\)\.h"' \
	host/cli/*.[ch] 2>/dev/null)
if [ -z "$bad" ]; then
	ok "the CLI includes only public headers"
else
	not_ok "the CLI includes only public headers" $bad
fi

long=$(wc -l host/*.[ch] transports/*.[ch] host/cli/*.[ch] |
	awk -v max=$MAX_LINES '$2 != "total" && $2 != "host/cli/opts.c" &&
		$1 > max { print $2 " " $1 }')
if [ -z "$long" ]; then
	ok "no file over $MAX_LINES lines"
else
	not_ok "no file over $MAX_LINES lines" "$long"
fi

if nm "$CARDLOAD" 2>/dev/null | grep -qi 'fault'; then
	not_ok "the shipped command has no fault backend" \
		"$(nm "$CARDLOAD" | grep -i fault | head -5)"
else
	ok "the shipped command has no fault backend"
fi

# the files the top comment of cardload.h names
sed -n '1,/^#ifndef/p' host/cardload.h | grep -o '[a-z_0-9]*\.c' | sort -u \
	>"$T/named"
(cd host && ls *.c; cd ../transports && ls *.c) | sort -u >"$T/files"
missing=$(comm -13 "$T/named" "$T/files")
gone=$(comm -23 "$T/named" "$T/files")
if [ -z "$missing$gone" ]; then
	ok "cardload.h's data flow names every file ($(wc -l <"$T/files"))"
else
	not_ok "cardload.h's data flow names every file" \
		"not named: $(echo $missing)" "no such file: $(echo $gone)"
fi

done_testing
