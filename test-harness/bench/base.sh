#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# base.sh - the cardload of another git revision, for load-speed.py's "before"
#
#   sh test-harness/bench/base.sh REV DIR        (make bench: BENCH_BASE)
#
# Builds REV's cardload (any commit-ish of this repository) into
# DIR/cardload and writes the full commit id to DIR/commit. The sources
# come from `git archive REV` unpacked into DIR/src (no worktree, nothing
# in .git changes); REV's own Makefile builds them (make all, its default
# flags) with its objects in DIR/build, its output in DIR/build.log. Kept while DIR/commit names the
# same commit and DIR/cardload is there; prints nothing on success.
set -eu
[ $# -eq 2 ] || { echo "usage: sh test-harness/bench/base.sh REV DIR" >&2; exit 2; }
rev=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
commit=$(git -C "$root" rev-parse --verify --quiet "$rev^{commit}") ||
	{ echo "base.sh: '$rev' names no commit of $root" >&2; exit 1; }
mkdir -p "$2"
dir=$(cd "$2" && pwd)
if [ -x "$dir/cardload" ] && [ "$(cat "$dir/commit" 2>/dev/null)" = "$commit" ]; then
	exit 0
fi
rm -rf "$dir/src" "$dir/build" "$dir/build.log" "$dir/cardload" "$dir/commit"
mkdir -p "$dir/src"
git -C "$root" archive --format=tar "$commit" | tar -x -C "$dir/src"
echo "base.sh: building cardload of $rev ($commit) in $dir" >&2
if ! ${MAKE:-make} -s -C "$dir/src" O="$dir/build" all >"$dir/build.log" 2>&1; then
	cat "$dir/build.log" >&2
	echo "base.sh: building $rev failed (log: $dir/build.log)" >&2
	exit 1
fi
cp "$dir/build/cardload" "$dir/cardload"
echo "$commit" >"$dir/commit"
