#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# python.sh - the Python binding's and the labgrid driver's pytest suites
#
# Runs python/tests/test_cardload.py (the binding over libcardload.so.0,
# QEMU cards of its own) and python/tests/labgrid (CardloadDriver through
# labgrid's pytest plugin, on a card started here and passed as LG_CARD_*)
# with /usr/bin/python3 -m pytest, CARDLOAD_LIB=$BUILD_DIR/libcardload.so.0
# and PYTHONPATH=python. Each pytest test is one TAP point (from pytest's
# JUnit XML); a failing one carries pytest's failure text. pytest or
# labgrid missing is a failure (test-harness/deps.sh installs
# python3-pytest and python3-labgrid), not a skip. The last point checks
# that no QEMU and no RAM file is left.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../card-lib.sh"

PY=/usr/bin/python3
PYTEST_TIMEOUT=${PYTEST_TIMEOUT:-600} # seconds, each pytest run
LIB=$BUILD_DIR/libcardload.so.0
HELLO_DYN=$CARD_BSP/hello-dyn.elf.gz

# make builds no libcardload.so with SANITIZER= (make check's second pass):
# a sanitized library cannot be loaded into an unsanitized python3.
if [ ! -r "$LIB" ] && readelf -d "$CARDLOAD" 2>/dev/null |
	grep -q 'NEEDED.*lib\(asan\|ubsan\)'; then
	skip "Python binding" "sanitizer build: no $LIB"
	done_testing
fi
require_card "$HELLO_DYN"

for m in pytest labgrid; do
	if ! "$PY" -c "import $m" 2>"$T/import.err"; then
		not_ok "$PY can import $m" "$(cat "$T/import.err")" \
			"(test-harness/deps.sh installs python3-pytest and python3-labgrid)"
		done_testing
	fi
done
if [ ! -r "$LIB" ]; then
	not_ok "build products present" "missing: $LIB"
	done_testing
fi

export CARDLOAD_LIB=$LIB PYTHONPATH=python${PYTHONPATH:+:$PYTHONPATH}
export PYTHONDONTWRITEBYTECODE=1 CARDLOAD_TEST_TAG=$TAG
export CARDLOAD_BOARDS=$PWD/boards CARDLOAD_TEST_CARDS=$T/pycards
mkdir -p "$CARDLOAD_TEST_CARDS"

# Run pytest on ARGS, its JUnit XML in $T/LABEL.xml; a TAP point per test.
pytest_points() { # LABEL ARGS...
	local label=$1 rc st name f
	shift
	rm -f "$T/$label.xml"
	timeout "$PYTEST_TIMEOUT" "$PY" -m pytest -p no:cacheprovider -q -o junit_logging=no \
		--basetemp="$T/$label.tmp" --junitxml="$T/$label.xml" "$@" \
		>"$T/$label.out" 2>&1
	rc=$?
	[ "$rc" -eq 124 ] && diag "$label: pytest timed out after ${PYTEST_TIMEOUT}s"
	# the cards of a pytest killed before its finalizers ran
	for f in "$CARDLOAD_TEST_CARDS"/card*; do
		[ -d "$f" ] && sh "$CARD_SH" stop "$f"
	done
	mkdir -p "$T/$label.d"
	"$PY" - "$T/$label.xml" "$T/$label.d" >"$T/$label.points" \
		2>"$T/$label.perr" <<'PY'
import os, sys
import xml.etree.ElementTree as ET
xml, d = sys.argv[1:]
n = 0
for tc in ET.parse(xml).getroot().iter("testcase"):
    mod = (tc.get("classname") or "").rsplit(".", 1)[-1]
    name = "%s::%s" % (mod, tc.get("name"))
    bad = [e for e in tc if e.tag in ("failure", "error")]
    skip = [e for e in tc if e.tag == "skipped"]
    n += 1
    f = os.path.join(d, str(n))
    if bad:
        with open(f, "w") as out:
            for e in bad:
                out.write("%s: %s\n%s\n" % (e.tag, e.get("message") or "",
                                          e.text or ""))
        print("not ok\t%s\t%s" % (name, f))
    elif skip:
        with open(f, "w") as out:
            out.write(skip[0].get("message") or "skipped")
        print("skip\t%s\t%s" % (name, f))
    else:
        print("ok\t%s\t" % name)
PY
	if [ ! -s "$T/$label.points" ]; then
		not_ok "$label: pytest ran its tests" "pytest exit status $rc" \
			"$(tail -c 3000 "$T/$label.out")" "$(cat "$T/$label.perr")"
		return
	fi
	while IFS=$'\t' read -r st name f; do
		case $st in
		ok) ok "$label: $name" ;;
		"not ok") not_ok "$label: $name" "$(head -c 4000 "$f")" ;;
		# a skip is a failure here: CI installs everything the tests need
		skip) not_ok "$label: $name (skipped)" "$(cat "$f")" ;;
		esac
	done <"$T/$label.points"
	if [ "$rc" -eq 0 ]; then
		ok "$label: pytest exits 0"
	else
		not_ok "$label: pytest exits 0" "exit status $rc" \
			"$(tail -c 2000 "$T/$label.out")"
	fi
}

# 1. the binding
pytest_points binding python/tests/test_cardload.py

# 2. the labgrid driver, on a card started here
if ! card_up 1; then
	not_ok "labgrid: card starts" "$(cat "$T/card.err")"
else
	LG_CARD_RAM=$RAM LG_CARD_QMP=$QMP LG_CARD_UART=$UART \
	LG_CARDLOAD_IMAGES=$(cd "$CARD_BSP" && pwd) \
		pytest_points labgrid --lg-env contrib/labgrid/cardload-qemu.yaml \
		python/tests/labgrid
fi

end_cards
