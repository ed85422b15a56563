# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared helpers of the end-to-end tests (bash, TAP on stdout)
#
# Sourced by every test-harness/e2e/*.sh, run from the repository root:
#     bash test-harness/e2e/NAME.sh [path/to/cardload]
# The cardload path is $1, else $CARDLOAD, else build/cardload; the test
# payloads are in $PAYLOADS, else in payloads/ next to the cardload binary.
# Runs with -O fault.* use $CARDLOAD_FAULT, else cardload-fault next to the
# cardload binary: the same command with the fault-injecting transport
# wrapper (test-harness/fault/) linked in, which the installed one does
# not have (make unit-tests builds it).
#
# A simulated card is a file in /dev/shm (the board's RAM window, mapped
# MAP_SHARED by the mem transport). Every file a test makes is named
# /dev/shm/cardload-e2e.PID.* and removed on exit.

set -u

CARDLOAD=${1:-${CARDLOAD:-build/cardload}}
BUILD_DIR=$(dirname "$CARDLOAD")
PAYLOADS=${PAYLOADS:-$BUILD_DIR/payloads}
CARDLOAD_FAULT=${CARDLOAD_FAULT:-$BUILD_DIR/cardload-fault}
EXPECT_IMAGE=test-harness/tools/expect-image.py
E2E_TIMEOUT=${E2E_TIMEOUT:-60}

# The qemu-virt-riscv64 board (boards/qemu-virt-riscv64.board).
RV_BOARD=qemu-virt-riscv64
WIN_ADDR=$((0x80000000))
WIN_SIZE=$((0x8000000))
MB_ADDR=$((0x87c00000))
MB_OFF=$((MB_ADDR - WIN_ADDR))
DTB_ADDR=$((0x87e00000))

# cardboot.h
CB_MAGIC=0x584f4243
CB_VERSION=0x00000001
CB_READY=0x59444552
CB_GO=0x21216f47
CB_STAGED=0x47415453
MB_MAGIC=0x00 MB_VERSION=0x04 MB_READY=0x08 MB_GO=0x0c MB_HARTID=0x10
MB_DTB=0x18 MB_ENTRY=0x20 MB_ARGMASK=0x28 MB_STAGED=0x2c MB_ARG=0x30
MB_STATUS=0x50 MB_SIZE=0x60

SHM_PREFIX=/dev/shm/cardload-e2e.$$
T=$(mktemp -d "${TMPDIR:-/tmp}/cardload-e2e.XXXXXX")
_cleanup() {
	rm -rf "$T"
	rm -f "$SHM_PREFIX".*
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# ---- TAP ---------------------------------------------------------------

_tap_n=0
_tap_failed=0

ok() { # NAME
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

not_ok() { # NAME [DIAGNOSTIC LINE...]
	local name=$1 d
	shift
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $name"
	for d in "$@"; do
		printf '%s\n' "$d" | sed 's/^/#   /'
	done
}

skip() { # NAME REASON
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

check() { # NAME COMMAND... : passes when COMMAND exits 0
	local name=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "command failed: $*" "$(head -c 2000 "$T/check.out")"
	fi
}

is() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got:  $2" "want: $3"
	fi
}

isnt() { # NAME GOT UNWANTED
	if [ "$2" != "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got $2, which it must not be"
	fi
}

# Turn lines "ok<TAB>NAME" / "not ok<TAB>NAME<TAB>DIAG" into TAP points.
tap_from() {
	local st name dg
	while IFS=$'\t' read -r st name dg; do
		case $st in
		ok) ok "$name" ;;
		"not ok") not_ok "$name" "$dg" ;;
		*) [ -n "$st" ] && diag "$st $name $dg" ;;
		esac
	done
}

# After a python checker wrote $T/checks: its points, and one failing point
# if the checker itself did not complete (so a crash never hides points).
tap_checks() { # LABEL
	local rc=$?
	tap_from <"$T/checks"
	[ "$rc" -eq 0 ] ||
		not_ok "$1: checker completed" "$(tail -n 5 "$T/checks.err")"
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

# Stop with one failing point when something every test needs is missing
# (the binary or the payloads are part of the build, not prerequisites).
require_build() {
	local f missing=""
	[ -x "$CARDLOAD" ] || missing="$missing $CARDLOAD"
	for f in riscv64-dyn.elf.gz riscv64-dyn.elf riscv64-exec.elf.gz \
		 aarch64-dyn.elf aarch64-exec.elf riscv64-dyn-relr.elf; do
		[ -r "$PAYLOADS/$f" ] || missing="$missing $PAYLOADS/$f"
	done
	[ -r "boards/$RV_BOARD.board" ] || missing="$missing boards/$RV_BOARD.board"
	if [ -n "$missing" ]; then
		not_ok "build products present" "missing:$missing"
		done_testing
	fi
}

# The fault-injecting build too, for the tests that use -O fault.*.
require_fault_build() {
	if [ ! -x "$CARDLOAD_FAULT" ]; then
		not_ok "build products present" "missing: $CARDLOAD_FAULT" \
			"(make unit-tests builds it)"
		done_testing
	fi
}

# ---- cardload ----------------------------------------------------------

# Run cardload; stdout in $T/out, stderr in $T/err, exit status in $RC.
run_cl() {
	timeout "$E2E_TIMEOUT" "$CARDLOAD" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	[ "$RC" -eq 124 ] && diag "cardload timed out after ${E2E_TIMEOUT}s: $*"
	json_keep "$T/out" "$RC" "$@"
	return 0
}

# json_keep STDOUT_FILE EXIT_STATUS ARGS...: a copy of a --json run's stdout
# (the command line has --json, or the output is cardload's JSON) and its
# exit status and arguments, in $CARDLOAD_JSON_DIR when it is set (as
# run-tests.sh does), for the schema check that runs after every test
# (test-harness/tools/json-schema-check.py). Tests that run cardload
# without run_cl call it themselves.
JSON_KEPT=0
json_keep() {
	[ -n "${CARDLOAD_JSON_DIR:-}" ] && [ -d "$CARDLOAD_JSON_DIR" ] ||
		return 0
	local out=$1 rc=$2 a head= keep= f
	shift 2
	for a in "$@"; do
		[ "$a" = -- ] && break
		[ "$a" = --json ] && keep=1 && break
	done
	[ -z "$keep" ] && IFS= read -r -n 10 head <"$out" 2>/dev/null
	[ -n "$keep" ] || [ "$head" = '{"schema":' ] || return 0
	JSON_KEPT=$((JSON_KEPT + 1))
	f=$CARDLOAD_JSON_DIR/${0##*/}.$BASHPID.$JSON_KEPT
	cp "$out" "$f.json" 2>/dev/null || return 0
	printf '%s\n' "$rc" "$@" >"$f.cmd"
}

# run_cl with the fault-injecting build ($CARDLOAD_FAULT), for -O fault.*.
run_fault() {
	local CARDLOAD=$CARDLOAD_FAULT
	run_cl "$@"
}

# Diagnostic lines describing the last run_cl.
last_run() {
	echo "exit status $RC"
	[ -s "$T/err" ] && echo "stderr: $(head -c 1500 "$T/err")"
	[ -s "$T/out" ] && echo "stdout: $(head -c 1500 "$T/out")"
	return 0
}

# Value at a dotted path (plan.segments.0.addr) of the JSON in FILE; prints
# nothing and fails when absent.
json_get() { # FILE PATH
	python3 - "$1" "$2" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    if isinstance(v, list):
        v = v[int(k)]
    elif isinstance(v, dict) and k in v:
        v = v[k]
    else:
        sys.exit(1)
print(json.dumps(v) if isinstance(v, (dict, list)) else
      str(v).lower() if isinstance(v, bool) else v)
PY
}

# ---- simulated card windows ---------------------------------------------

_shm_n=0
# Create a fresh (all-zero, sparse) window file; prints its path.
make_window() { # [SIZE]
	_shm_n=$((_shm_n + 1))
	local f="$SHM_PREFIX.$_shm_n.$RANDOM"
	rm -f "$f"
	truncate -s "${1:-$WIN_SIZE}" "$f" && echo "$f"
}

# Set LEN bytes at OFFSET of FILE to BYTE (0-255).
fill_range() { # FILE OFFSET LEN BYTE
	python3 - "$@" <<'PY'
import sys
path, off, n, b = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0), int(sys.argv[4], 0)
with open(path, "r+b") as f:
    f.seek(off)
    chunk = bytes([b]) * min(n, 1 << 20)
    while n > 0:
        f.write(chunk[:n])
        n -= len(chunk)
PY
}

# Little-endian word of WIDTH (4 or 8) bytes at OFFSET, as 0x%08x / 0x%016x.
word_at() { # FILE OFFSET [WIDTH]
	python3 - "$1" "$2" "${3:-4}" <<'PY'
import sys
path, off, w = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3])
with open(path, "rb") as f:
    f.seek(off)
    b = f.read(w)
if len(b) != w:
    sys.exit("short read at 0x%x of %s" % (off, path))
print("0x%0*x" % (2 * w, int.from_bytes(b, "little")))
PY
}

put_word() { # FILE OFFSET WIDTH VALUE
	python3 - "$@" <<'PY'
import sys
path, off, w, v = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3]), int(sys.argv[4], 0)
with open(path, "r+b") as f:
    f.seek(off)
    f.write(v.to_bytes(w, "little"))
PY
}

mb_word() { # FILE FIELD_OFFSET [WIDTH]
	word_at "$1" $((MB_OFF + $2)) "${3:-4}"
}

# What the card ROM does before spinning: magic, version, hart id, DTB
# address, then READY. The go word stays HOLD.
rom_ready() { # FILE
	python3 - "$1" $MB_OFF $CB_MAGIC $CB_VERSION $DTB_ADDR $CB_READY <<'PY'
import struct, sys
path, off, magic, version, dtb, ready = sys.argv[1], *(int(a, 0) for a in sys.argv[2:])
with open(path, "r+b") as f:
    f.seek(off)
    f.write(struct.pack("<IIIIQQ", magic, version, 0, 0, 0, dtb))
    f.seek(off + 8)
    f.write(struct.pack("<I", ready))
PY
}

# A card as tests find it: ROM spinning in its mailbox, the low 4 MiB of
# RAM holding a non-zero pattern (left over from an earlier run), so that
# stray or missing writes show up.
make_card() { # [FILL_BYTE]
	local f
	f=$(make_window) || return 1
	fill_range "$f" 0 $((4 << 20)) "${1:-0x5a}" && rom_ready "$f" && echo "$f"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Copy of a window to compare against later (sparse, in /dev/shm).
snapshot() { # FILE -> prints the snapshot's path
	_shm_n=$((_shm_n + 1))
	local s="$SHM_PREFIX.snap.$_shm_n"
	cp --sparse=always "$1" "$s" && echo "$s"
}

# A board file with the qemu-virt-riscv64 layout for another machine
# ("" = any); prints its path.
make_board() { # MACHINE [EXTRA LINE...]
	local m=$1 f="$T/board.$RANDOM.board" l
	shift
	{
		echo "# generated by test-harness/e2e/lib.sh"
		echo "name = e2e-${m:-any}"
		echo "transport = mem"
		[ -n "$m" ] && echo "machine = $m"
		echo "ram = 0x80000000 0x8000000"
		echo "reserved = mailbox 0x87c00000 0x1000"
		echo "reserved = platform-dtb 0x87e00000 0x200000"
		echo "mailbox = 0x87c00000"
		echo "access-width = 4"
		echo "release = mailbox"
		for l in "$@"; do echo "$l"; done
	} >"$f" && echo "$f"
}

# Numbers compare as numbers (0x0080 = 128 = 0x80); anything else as text.
hexnorm() {
	if [[ $1 =~ ^(0[xX][0-9a-fA-F]{1,16}|[1-9][0-9]{0,18}|0)$ ]]; then
		printf '0x%x' "$(($1))"
	else
		printf '%s' "$1"
	fi
}
is_hex() { is "$1" "$(hexnorm "$2")" "$(hexnorm "$3")"; }

# VALUE of KEY=VALUE in a line of words.
field() { # LINE KEY
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# ---- checking a load ----------------------------------------------------

# After `cardload boot|load --json ... IMAGE` into WINDOW (a copy of which,
# taken before, is BEFORE), check with expect-image.py and the mailbox:
#   STATE  "go" (released), "staged" (--no-start)
#   BASE   the base the plan must have chosen, or "" for any
# Emits TAP points labelled LABEL.
check_load() { # LABEL IMAGE WINDOW BEFORE STATE BASE
	local label=$1 image=$2 win=$3 before=$4 state=$5 want_base=$6
	local base

	if [ "$RC" -ne 0 ]; then
		not_ok "$label: cardload exits 0" "$(last_run)"
		return
	fi
	ok "$label: cardload exits 0"
	if ! base=$(json_get "$T/out" plan.base); then
		not_ok "$label: --json output has plan.base" "$(last_run)"
		return
	fi
	ok "$label: --json output has plan.base ($base)"
	if ! python3 "$EXPECT_IMAGE" "$image" "$base" $WIN_ADDR $WIN_SIZE \
		"$T/expect" >"$T/expect.sum" 2>"$T/expect.err"; then
		not_ok "$label: expect-image.py models the load" \
			"$(cat "$T/expect.err")"
		return
	fi
	python3 - "$T/out" "$T/expect" "$T/expect.sum" "$win" "$before" \
		"$state" "$want_base" "$image" $MB_OFF "$label" \
		<<'PY' >"$T/checks" 2>"$T/checks.err"
import json, struct, sys

(out, expect, summ, win, before, state, want_base, image,
 mb_off, label) = sys.argv[1:]
mb_off = int(mb_off)
GO, STAGED = 0x21216f47, 0x47415453

def report(name, cond, diag=""):
    name = "%s: %s" % (label, name)
    print("ok\t%s" % name if cond else "not ok\t%s\t%s" % (name, diag))

j = json.load(open(out))
exp = json.load(open(expect))
s = json.load(open(summ))
plan, img, res = j.get("plan") or {}, j.get("image") or {}, j.get("result") or {}

def h(v):
    return int(v, 16) if isinstance(v, str) else v

if want_base:
    report("plan base is %s" % want_base, h(plan.get("base")) == int(want_base, 0),
           "plan.base = %s" % plan.get("base"))
report("image type %s, compression %s" % (s["type"],
       "gzip" if image.endswith(".gz") else "none"),
       img.get("type") == s["type"] and img.get("compression") ==
       ("gzip" if image.endswith(".gz") else "none"),
       "image = %s" % json.dumps(img))
report("plan bias and entry match the model",
       h(plan.get("bias")) == int(s["bias"], 16) and
       h(plan.get("entry")) == int(s["entry"], 16),
       "plan bias %s entry %s, model bias %s entry %s" % (
           plan.get("bias"), plan.get("entry"), s["bias"], s["entry"]))
segs = plan.get("segments") or []
got = sorted((x.get("phidx"), h(x.get("addr")), x.get("filesz"), x.get("memsz"),
              h(x.get("window_offset"))) for x in segs)
want = sorted((e["phidx"], e["addr"], e["filesz"], e["memsz"], e["offset"])
              for e in exp)
report("plan segments (phidx, addr, filesz, memsz, window_offset) match the model",
       got == want, "plan %s, model %s" % (got, want))
if s["type"] == "ET_DYN":
    report("plan relocations = %d (> 0)" % s["relocations"],
           plan.get("relocations") == s["relocations"] and s["relocations"] > 0,
           "plan.relocations = %s" % plan.get("relocations"))

data = open(win, "rb").read()
orig = open(before, "rb").read()
# A payload's parameter block (struct cardboot_params, 0x230 bytes) is
# cardload's to fill after the image: checked by its magic, not the model.
PARAMS_SIZE, PARAMS_MAGIC = 0x230, 0x4d524150
pb = h(plan.get("params")) if plan.get("params") else None

def unparam(e, buf):
    if pb is None or not e["addr"] <= pb < e["addr"] + len(buf):
        return buf
    o = pb - e["addr"]
    return buf[:o] + bytes(PARAMS_SIZE) + buf[o + PARAMS_SIZE:]

if pb is not None:
    e = next(e for e in exp if e["addr"] <= pb < e["addr"] + e["memsz"])
    o = e["offset"] + pb - e["addr"]
    report("parameter block at %s has its magic" % plan.get("params"),
           struct.unpack_from("<I", data, o)[0] == PARAMS_MAGIC,
           "magic 0x%08x" % struct.unpack_from("<I", data, o)[0])
bad = []
for e in exp:
    want = unparam(e, open(e["file"], "rb").read())
    have = unparam(e, data[e["offset"]:e["offset"] + len(want)])
    if have != want:
        i = next(i for i in range(len(want)) if have[i:i+1] != want[i:i+1])
        bad.append("phidx %d: first difference at card 0x%x: got %s, want %s"
                   % (e["phidx"], e["addr"] + i, have[i:i+8].hex(),
                      want[i:i+8].hex()))
report("window holds every segment byte for byte as modelled",
       not bad, "; ".join(bad))
bss = []
for e in exp:
    z = unparam(e, data[e["offset"]:e["offset"] + e["memsz"]])[e["filesz"]:]
    if z.count(0) != len(z):
        bss.append("phidx %d [0x%x, 0x%x)" % (e["phidx"], e["addr"] + e["filesz"],
                                              e["addr"] + e["memsz"]))
if any(e["memsz"] > e["filesz"] for e in exp):
    report("bss is zero", not bss, "non-zero bytes in " + ", ".join(bss))
report("result digest = %s and verified" % s["digest"],
       h(res.get("digest")) == int(s["digest"], 16) and res.get("verified") is True,
       "result = %s" % json.dumps(res))

# Outside the image, only the host's mailbox fields and the console ring
# header (0x1000 past the mailbox on this board) may change.
host_fields = [(0x0c, 4), (0x20, 8), (0x28, 4), (0x2c, 4), (0x30, 32), (0x50, 4),
               (0x1000, 16)]
allowed = [(e["offset"], e["offset"] + e["memsz"]) for e in exp] + \
          [(mb_off + o, mb_off + o + n) for o, n in host_fields]
allowed.sort()
stray = None
pos = 0
for lo, hi in allowed + [(len(orig), len(orig))]:
    if data[pos:lo] != orig[pos:lo]:
        i = next(i for i in range(pos, lo) if data[i] != orig[i])
        stray = i
        break
    pos = max(pos, hi)
if len(data) != len(orig):
    stray = len(orig)
report("no byte outside the segments, the mailbox's host fields and the "
       "console header changed",
       stray is None, "window offset 0x%x (card 0x%x) changed from %s to %s" % (
           stray or 0, 0x80000000 + (stray or 0),
           orig[stray:stray+8].hex() if stray is not None else "",
           data[stray:stray+8].hex() if stray is not None else ""))

mb = data[mb_off:mb_off + 0x60]
magic, version, ready, go, hartid, dtb, entry, argmask, staged = \
    struct.unpack_from("<IIIIQQQII", mb)
report("mailbox entry = plan entry (%s)" % plan.get("entry"),
       entry == h(plan.get("entry")), "mailbox entry 0x%x" % entry)
report("mailbox staged word = STAGED", staged == STAGED,
       "staged 0x%08x" % staged)
if state == "go":
    report("mailbox go word = GO", go == GO, "go 0x%08x" % go)
    report("result says released", res.get("released") is True,
           "result.released = %s" % res.get("released"))
else:
    report("mailbox go word is not GO (--no-start)", go != GO, "go 0x%08x" % go)
    report("result says not released", res.get("released") is not True,
           "result.released = %s" % res.get("released"))
PY
	tap_checks "$label"
}

# Run a load and check it: LABEL IMAGE STATE BASE BOARD_ARGS... -- CL_ARGS...
# (the window is a fresh make_card; BOARD_ARGS go before the image).
load_and_check() {
	local label=$1 image=$2 state=$3 base=$4 win before
	shift 4
	win=$(make_card) || { not_ok "$label: make a card window"; return; }
	before=$(snapshot "$win")
	run_cl boot --json -O mem.path="$win" "$@" "$image"
	check_load "$label" "$image" "$win" "$before" "$state" "$base"
	rm -f "$win" "$before"
}

# Succeeds when FILE and BEFORE differ at most inside the listed
# [OFFSET, OFFSET+LEN) ranges; else prints the first difference.
changed_only_in() { # FILE BEFORE [OFFSET LEN]...
	python3 - "$@" <<'PY'
import sys
a = open(sys.argv[1], "rb").read()
b = open(sys.argv[2], "rb").read()
r = sys.argv[3:]
ranges = sorted((int(r[i], 0), int(r[i], 0) + int(r[i + 1], 0))
                for i in range(0, len(r), 2))
if len(a) != len(b):
    sys.exit("size changed from %d to %d" % (len(b), len(a)))
pos = 0
for lo, hi in ranges + [(len(a), len(a))]:
    if a[pos:lo] != b[pos:lo]:
        i = next(i for i in range(pos, lo) if a[i] != b[i])
        sys.exit("offset 0x%x (card 0x%x) changed from %s to %s" %
                 (i, 0x80000000 + i, b[i:i + 8].hex(), a[i:i + 8].hex()))
    pos = max(pos, hi)
PY
}
