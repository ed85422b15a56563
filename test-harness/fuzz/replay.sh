#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay.sh - run the replay build of every fuzz target over its seeds and
# its committed crash reproducers; TAP, one point per target
#
#   sh test-harness/fuzz/replay.sh FUZZ_DIR     (make fuzz-replay does it)
#
# FUZZ_DIR/bin/replay-NAME runs FUZZ_DIR/seed/NAME and
# test-harness/fuzz/regress/NAME; a sanitizer report, a crash or a leak
# fails the point and its report is shown as diagnostics.
set -u

if [ $# -ne 1 ]; then
	echo "usage: sh test-harness/fuzz/replay.sh FUZZ_DIR" >&2
	exit 2
fi
dir=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
targets="fuzz_load fuzz_board fuzz_boot fuzz_gdb"
tmp=$(mktemp "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX") || exit 2
trap 'rm -f "$tmp"' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "1..4"
n=0 failed=0
for t in $targets; do
	n=$((n + 1))
	bin=$dir/bin/replay-$t
	if [ ! -x "$bin" ]; then
		echo "not ok $n - $t: no replay binary $bin"
		failed=$((failed + 1))
		continue
	fi
	set --
	[ -d "$dir/seed/$t" ] && set -- "$dir/seed/$t"
	set -- "$@" "$root/test-harness/fuzz/regress/$t"
	if "$bin" "$@" >"$tmp" 2>&1 && \
	   ! grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
		-e 'runtime error:' "$tmp"; then
		count=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$tmp")
		echo "ok $n - $t: replayed ${count:-?} inputs, no sanitizer report"
	else
		echo "not ok $n - $t: sanitizer report or crash"
		sed 's/^/# /' "$tmp" | head -60
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
