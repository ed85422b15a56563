#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# window.sh - what mem.path may name: no symlink followed and no other
# user's file taken from a sticky world-writable directory (unless
# -O mem.trust-path=1), and one exit status, 6, for every path that cannot
# serve as card RAM, with a message naming the path and why
. "$(dirname "$0")/lib.sh"
require_build

IMAGE=$PAYLOADS/riscv64-dyn.elf.gz

load() { # MEM_PATH [CARDLOAD ARGS...]
	local w=$1
	shift
	run_cl load --board $RV_BOARD -O mem.path="$w" "$@" "$IMAGE"
}

says() { # NAME TEXT... : stderr of the last run contains each TEXT
	local name=$1 t
	shift
	for t in "$@"; do
		if ! grep -qF -- "$t" "$T/err"; then
			not_ok "$name" "no '$t' in stderr" "$(last_run)"
			return
		fi
	done
	ok "$name"
}

# The last run was refused as no device (exit status 6) and said why.
refused() { # NAME TEXT...
	local name=$1
	shift
	if [ "$RC" -ne 6 ]; then
		not_ok "$name: exit status 6" "$(last_run)"
		return
	fi
	says "$name: exit status 6, stderr names it and why" "$@"
}

run_cl load -O help
if grep -qF "mem.trust-path=1" "$T/out"; then
	ok "-O help lists mem.trust-path"
else
	not_ok "-O help lists mem.trust-path" "$(last_run)"
fi

# A symlink planted in /dev/shm pointing at another file (the victim, a
# full-size window so that following the link would load into it).
victim=$(make_card)
link=$SHM_PREFIX.link
ln -s "$victim" "$link"
sum=$(sha "$victim")
load "$link"
refused "symlink in /dev/shm" "$link" "is a symbolic link" \
	"mem.trust-path=1"
is "symlink in /dev/shm: the file it points at is unchanged" \
	"$(sha "$victim")" "$sum"
sum=$(sha "$victim")
load "$link" -O mem.trust-path=1
is "symlink with -O mem.trust-path=1: followed, exit status 0" "$RC" 0
isnt "symlink with -O mem.trust-path=1: the image reached its target" \
	"$(sha "$victim")" "$sum"
load "$link" -O mem.trust-path=2
if [ "$RC" -eq 2 ]; then
	says "-O mem.trust-path=2: usage error (exit status 2), 0 or 1" \
		"mem.trust-path=2" "must be 0 or 1"
else
	not_ok "-O mem.trust-path=2: usage error (exit status 2)" "$(last_run)"
fi
rm -f "$link" "$victim"

# A dangling symlink: refused as a symlink, and as dangling when trusted.
ln -s "$SHM_PREFIX.nowhere" "$link"
load "$link"
refused "dangling symlink" "$link" "is a symbolic link"
load "$link" -O mem.trust-path=1
refused "dangling symlink, trusted" "$link" "is a dangling symbolic link"
rm -f "$link"

# Another user's file in a sticky world-writable directory.
if [ "$(id -u)" -ne 0 ]; then
	for t in "refused" "window unchanged" \
		 "accepted with -O mem.trust-path=1" \
		 "accepted once owned by root"; do
		skip "file of uid 12345 in /dev/shm: $t" "needs root to chown"
	done
else
	win=$(make_card)
	chown 12345 "$win"
	sum=$(sha "$win")
	load "$win"
	refused "file of uid 12345 in /dev/shm" "$win" "uid 12345" \
		"'/dev/shm'" "mem.trust-path=1"
	is "file of uid 12345 in /dev/shm: window unchanged" \
		"$(sha "$win")" "$sum"
	load "$win" -O mem.trust-path=1
	is "file of uid 12345 in /dev/shm: accepted with -O mem.trust-path=1" \
		"$RC" 0
	chown 0 "$win"
	load "$win"
	is "file of uid 12345 in /dev/shm: accepted once owned by root" \
		"$RC" 0
	rm -f "$win"
fi

# Not a usable window: exit status 6 and what the path is, whatever it is.
mkdir "$T/dir"
load "$T/dir"
refused "a directory" "'$T/dir' is a directory"
load "$T/dir/"
refused "a directory (trailing slash)" "'$T/dir/' is a directory"
mkfifo "$T/fifo"
load "$T/fifo"
refused "a FIFO" "'$T/fifo' is a FIFO"
if python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$T/sock" 2>/dev/null; then
	load "$T/sock"
	refused "a socket" "'$T/sock' is a socket"
else
	skip "a socket: exit status 6" "cannot bind a unix socket in $T"
fi
load /dev/null
refused "a character device" "'/dev/null' is a character device"

done_testing
