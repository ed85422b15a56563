#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-tests.sh - run every unit test binary and end-to-end script, sum up TAP
#
#   sh test-harness/run-tests.sh BUILD_DIR
#
# Runs BUILD_DIR/tests/test_* and test-harness/e2e/*.sh (given the path of
# BUILD_DIR/cardload; the scripts that inject faults run the fault build,
# BUILD_DIR/cardload-fault, found next to it), from the repository root.
# Last, the json-schema stream checks every --json output the end-to-end
# scripts printed against doc/cardload.schema.json (lib.sh keeps a copy of
# each in $CARDLOAD_JSON_DIR, which this script sets).
# Each stream's output is printed with its name in front. The last line
# is exactly
#   N passed, N failed[, N skipped]
# where a skip is "ok N # SKIP reason". A stream whose plan is missing or
# does not match its count, that bails out, crashes (killed by a signal) or
# exits non-zero without a failing point counts as one more failure. Exit
# status 1 when anything failed.
#
# TEST_TIMEOUT (seconds, default 900) bounds each stream; TESTS=PATTERN runs
# only the streams whose name contains PATTERN; SKIP_STREAMS="A B" leaves
# out the streams whose names contain A or B (make check's sanitizer pass
# leaves out the slow VM and QEMU rigs it already ran). Each stream's wall
# time is printed after it, and all of them, slowest first, at the end.
set -u

if [ $# -ne 1 ]; then
	echo "usage: sh test-harness/run-tests.sh BUILD_DIR" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" 2>/dev/null && pwd) || {
	echo "run-tests: no build directory '$1'" >&2
	exit 2
}
cd "$root" || exit 2

timeout=${TEST_TIMEOUT:-900}
filter=${TESTS:-}
leave_out=${SKIP_STREAMS:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-tests.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

passed=0 failed=0 skipped=0 streams=0

# The end-to-end tests keep a copy of every --json output here (lib.sh's
# json_keep); the json-schema stream, last, checks them all against
# doc/cardload.schema.json.
CARDLOAD_JSON_DIR=$tmp/json
mkdir -p "$CARDLOAD_JSON_DIR" && export CARDLOAD_JSON_DIR

# The tests' Python is the system's /usr/bin/python3 when there is one:
# they need only its standard library, and a python3 found first on PATH
# may be a version manager's shim that costs most of a second a call
# (measured here: 0.75 s against 0.06 s), which the fault sweep makes
# hundreds of times.
if [ -x /usr/bin/python3 ]; then
	mkdir -p "$tmp/bin" && ln -sf /usr/bin/python3 "$tmp/bin/python3" &&
		PATH="$tmp/bin:$PATH" && export PATH
fi

# run_stream NAME COMMAND...
run_stream() {
	name=$1
	shift
	case $name in *"$filter"*) ;; *) return 0 ;; esac
	for pat in $leave_out; do
		case $name in *"$pat"*)
			echo "$name: not run here (SKIP_STREAMS: run once, in the first pass)"
			return 0 ;;
		esac
	done
	streams=$((streams + 1))
	t0=$(date +%s.%N)
	if command -v timeout >/dev/null 2>&1; then
		timeout "$timeout" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	else
		"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	fi
	status=$?
	wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	echo "$wall $name" >>"$tmp/times"
	sed "s|^|$name: |" "$tmp/out"
	sed "s|^|$name: stderr: |" "$tmp/err"
	echo "$name: wall ${wall} s"
	# TAP: count points; check the plan (one "1..N", at the start or end).
	# Prints: passed failed skipped problem
	set -- $(awk '
		BEGIN { p = f = s = n = 0; plans = 0; bail = 0 }
		/^Bail out!/ { bail = 1; next }
		/^1\.\.[0-9]+/ { plans++; match($0, /^1\.\.[0-9]+/);
			plan = substr($0, 4, RLENGTH - 3) + 0; next }
		/^(not )?ok([ \t]|$)/ {
			n++
			notok = ($0 ~ /^not ok/)
			dir = ""
			if (match($0, /#[ \t]*[A-Za-z]+/)) {
				dir = toupper(substr($0, RSTART, RLENGTH))
				sub(/^#[ \t]*/, "", dir)
			}
			if (dir == "SKIP") { if (notok) f++; else s++ }
			else if (dir == "TODO") p++
			else if (notok) f++
			else p++
		}
		END {
			prob = "none"
			if (bail) prob = "bailed-out"
			else if (plans == 0) prob = "no-plan"
			else if (plans > 1) prob = "several-plans"
			else if (plan != n) prob = "plan-" plan "-but-" n "-tests"
			print p, f, s, prob
		}' "$tmp/out")
	passed=$(($passed + $1))
	failed=$(($failed + $2))
	skipped=$(($skipped + $3))
	problem=$4
	if [ "$status" -eq 124 ]; then
		problem="timed-out-after-${timeout}s"
	elif [ "$status" -gt 128 ]; then
		problem="killed-by-signal-$((status - 128))"
	elif [ "$status" -ne 0 ] && [ "$2" -eq 0 ] && [ "$problem" = none ]; then
		problem="exit-status-$status-without-a-failing-test"
	fi
	if [ "$problem" != none ]; then
		echo "$name: FAILED: $problem (exit status $status)"
		failed=$((failed + 1))
	fi
}

for t in "$build"/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	run_stream "unit/${t##*/}" "$t"
done

for t in test-harness/e2e/*.sh; do
	[ -f "$t" ] || continue
	case ${t##*/} in lib.sh | vm-lib.sh | hello-lib.sh) continue ;; esac
	run_stream "e2e/${t##*/}" bash "$t" "$build/cardload"
done

# After every other stream, and whenever one of them kept an output (also
# when TESTS names other streams): the schema of every --json output.
if [ -n "$(ls "$CARDLOAD_JSON_DIR")" ]; then
	filter= leave_out=
fi
run_stream json-schema python3 \
	test-harness/tools/json-schema-check.py doc/cardload.schema.json \
	"$CARDLOAD_JSON_DIR"

if [ "$streams" -eq 0 ]; then
	echo "run-tests: no tests found${filter:+ matching '$filter'}"
	failed=$((failed + 1))
fi

if [ -s "$tmp/times" ]; then
	echo "wall time per stream, slowest first (seconds):"
	sort -rn "$tmp/times" | awk '{ printf "  %7.1f  %s\n", $1, $2 }'
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
