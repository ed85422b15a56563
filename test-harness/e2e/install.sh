#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install.sh - make install and uninstall into a DESTDIR, as a distribution
# package build does, and a program built against what was installed with
# pkg-config alone
#
# The tree is built afresh with PREFIX=/usr into a build directory of its
# own (the paths are compiled in), installed into $T/root, and checked:
#   - exactly the expected files are there (command, both libraries and
#     their links, headers, cardload.pc, boards, udev rules, man pages)
#   - the installed command looks for boards in /usr/share/cardload
#   - libcardload.so's soname, and its exported symbols are exactly the
#     functions of the installed cardload_run.h and host/libcardload.map
#   - test-harness/install/run.c builds with `pkg-config --cflags --libs
#     cardload` against libcardload.so and runs `inspect` of card-bsp's
#     hello through cl_run (JSON: the plan, and an error as JSON);
#     test-harness/install/plan.c (the structure API) builds with
#     `pkg-config --static` against libcardload.a and plans the same
#   - the build is up to date for its PREFIX and out of date for another
#   - make uninstall leaves no file behind
. "$(dirname "$0")/lib.sh"

HELLO=${CARD_BSP:-$BUILD_DIR/card-bsp}/hello-dyn.elf.gz
ROOT=$T/root
B=$T/build
VERSION=$(sed -n 's/^#define CL_VERSION "\(.*\)"$/\1/p' host/cardload_run.h)

if ! make -s -j2 O="$B" PREFIX=/usr DESTDIR="$ROOT" install \
	>"$T/install.log" 2>&1; then
	not_ok "make install PREFIX=/usr DESTDIR=..." "$(tail -n 20 "$T/install.log")"
	done_testing
fi
ok "make install PREFIX=/usr DESTDIR=..."

# ---- what was installed ---------------------------------------------------
{
	echo usr/bin/cardload
	echo usr/include/cardload/cardboot.h
	echo usr/include/cardload/cardload.h
	echo usr/include/cardload/cardload_board.h
	echo usr/include/cardload/cardload_card.h
	echo usr/include/cardload/cardload_run.h
	echo usr/lib/libcardload.a
	echo usr/lib/libcardload.so
	echo usr/lib/libcardload.so.0
	echo "usr/lib/libcardload.so.$VERSION"
	echo usr/lib/pkgconfig/cardload.pc
	echo usr/lib/udev/rules.d/99-cardload.rules
	echo usr/share/man/man1/cardload.1
	echo usr/share/man/man5/cardload.board.5
	echo usr/share/cardload/cardload.schema.json
	echo usr/share/bash-completion/completions/cardload
	for p in python/cardload/*.py; do
		echo "usr/lib/python3/dist-packages/cardload/${p#python/cardload/}"
	done
	for b in boards/*.board; do
		echo "usr/share/cardload/boards/${b#boards/}"
	done
} | sort >"$T/want"
(cd "$ROOT" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort) \
	>"$T/got"
if cmp -s "$T/want" "$T/got"; then
	ok "installed exactly the expected $(wc -l <"$T/want") files"
else
	not_ok "installed exactly the expected files" \
		"$(diff "$T/want" "$T/got")"
fi
is "libcardload.so is a link to the versioned library" \
	"$(readlink "$ROOT/usr/lib/libcardload.so") $(readlink "$ROOT/usr/lib/libcardload.so.0")" \
	"libcardload.so.0 libcardload.so.$VERSION"
is "the command is executable, the rest is not" \
	"$(find "$ROOT" -type f -perm -u+x | sed "s|^$ROOT/||" | sort | tr '\n' ' ')" \
	"usr/bin/cardload usr/lib/libcardload.so.$VERSION "
if grep -aq "/usr/share/cardload/boards" "$ROOT/usr/bin/cardload" &&
	! grep -aq "/usr/local/share/cardload" "$ROOT/usr/bin/cardload"; then
	ok "the installed command searches /usr/share/cardload/boards"
else
	not_ok "the installed command searches /usr/share/cardload/boards"
fi

# ---- the shared library's interface -------------------------------------
is "soname libcardload.so.0" \
	"$(readelf -d "$ROOT/usr/lib/libcardload.so.$VERSION" |
		sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" libcardload.so.0
nm -D --defined-only "$ROOT/usr/lib/libcardload.so.$VERSION" |
	awk '{ sub(/@.*/, "", $3); if ($3 != "CARDLOAD_0") print $3 }' |
	sort >"$T/exported"
sed -n 's/^\t\(cl_[a-z0-9_]*\);$/\1/p' host/libcardload.map | sort >"$T/map"
tr '\n' ' ' <"$ROOT"/usr/include/cardload/cardload_run.h |
	grep -oE '(^|[^a-z0-9_])cl_[a-z0-9_]+ *\(' |
	sed 's/^[^c]*//; s/ *($//' | grep -vx cl_board | sort -u >"$T/declared"
if cmp -s "$T/exported" "$T/map"; then
	ok "exports exactly host/libcardload.map ($(wc -l <"$T/map") functions)"
else
	not_ok "exports exactly host/libcardload.map" \
		"$(diff "$T/map" "$T/exported")"
fi
if cmp -s "$T/declared" "$T/map"; then
	ok "host/libcardload.map is every function cardload_run.h declares"
else
	not_ok "host/libcardload.map is every function cardload_run.h declares" \
		"$(diff "$T/declared" "$T/map")"
fi
if nm -D --defined-only "$ROOT/usr/lib/libcardload.so.$VERSION" |
	awk '$2 ~ /[TDBRW]/' | grep -v ' cl_\| CARDLOAD_0' | grep -q .; then
	not_ok "no symbol but cl_* is exported" \
		"$(nm -D --defined-only "$ROOT/usr/lib/libcardload.so.$VERSION" |
			grep -v ' cl_' | head)"
else
	ok "no symbol but cl_* is exported"
fi

# ---- a program built with pkg-config alone -------------------------------
export PKG_CONFIG_PATH=$ROOT/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT
export PKG_CONFIG_LIBDIR=$ROOT/usr/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig
is "pkg-config --modversion cardload" \
	"$(pkg-config --modversion cardload 2>&1)" "$VERSION"
BOARD_FILE=$ROOT/usr/share/cardload/boards/qemu-virt-riscv64.board
# shellcheck disable=SC2046
if cc -std=gnu11 -Wall -Werror -o "$T/run" test-harness/install/run.c \
	$(pkg-config --cflags --libs cardload) 2>"$T/cc.err"; then
	ok "run.c builds with pkg-config --cflags --libs cardload"
	if readelf -d "$T/run" | grep -q 'NEEDED.*libcardload.so.0'; then
		ok "run links libcardload.so.0"
	else
		not_ok "run links libcardload.so.0" "$(readelf -d "$T/run")"
	fi
	LD_LIBRARY_PATH=$ROOT/usr/lib "$T/run" inspect --board "$BOARD_FILE" \
		"$HELLO" >"$T/run.out" 2>"$T/run.err"
	is "run inspect: exit 0" "$?" 0
	is "run inspect: the library's version" "$(head -n 1 "$T/run.out")" \
		"libcardload $VERSION (built with $VERSION)"
	tail -n +2 "$T/run.out" >"$T/run.json"
	is "run inspect: the JSON's plan base and exit" \
		"$(json_get "$T/run.json" plan.base) $(json_get "$T/run.json" exit)" \
		"0x80000000 0"
	LD_LIBRARY_PATH=$ROOT/usr/lib "$T/run" inspect --board "$BOARD_FILE" \
		"$T/no-such.elf" >"$T/run.out" 2>"$T/run.err"
	is "run inspect of a missing file: exit 4" "$?" 4
	tail -n +2 "$T/run.out" >"$T/run.json"
	is "run inspect of a missing file: the error in the JSON" \
		"$(json_get "$T/run.json" error.name)" CL_E_FILE
	LD_LIBRARY_PATH=$ROOT/usr/lib "$T/run" frobnicate >"$T/run.out" \
		2>"$T/run.err"
	is "run of an unknown command: exit 2" "$?" 2
else
	not_ok "run.c builds with pkg-config --cflags --libs cardload" \
		"$(cat "$T/cc.err")"
fi
# the structure API, with libcardload.a and what pkg-config --static adds
# shellcheck disable=SC2046
if cc -std=gnu11 -Wall -Werror -o "$T/plan-static" test-harness/install/plan.c \
	$(pkg-config --cflags cardload) "$ROOT/usr/lib/libcardload.a" \
	$(pkg-config --static --libs cardload | sed 's/-lcardload//') \
	2>"$T/cc.err"; then
	ok "plan.c links libcardload.a with pkg-config --static --libs"
	if readelf -d "$T/plan-static" | grep -q 'libcardload'; then
		not_ok "plan-static needs no libcardload.so"
	else
		ok "plan-static needs no libcardload.so"
	fi
	if "$T/plan-static" "$BOARD_FILE" "$HELLO" >"$T/plan.out" 2>&1; then
		ok "plan-static: runs"
	else
		not_ok "plan-static: runs" "$(cat "$T/plan.out")"
	fi
	is "plan-static: its output" "$(tr '\n' ' ' <"$T/plan.out")" \
		"libcardload $VERSION (built with $VERSION) board qemu-virt-riscv64 base 0x80000000 entry 0x80000000 "
else
	not_ok "plan.c links libcardload.a with pkg-config --static --libs" \
		"$(head -c 2000 "$T/cc.err")"
fi

# ---- the installed Python package, over the installed library -----------
if PYTHONPATH=$ROOT/usr/lib/python3/dist-packages \
	CARDLOAD_LIB=$ROOT/usr/lib/libcardload.so.0 /usr/bin/python3 -c '
import sys, cardload
assert cardload.__file__.startswith(sys.argv[1]), cardload.__file__
print(cardload.version())' "$ROOT" >"$T/py.out" 2>&1; then
	is "the installed Python package runs over the installed library" \
		"$(cat "$T/py.out")" "$VERSION"
else
	not_ok "the installed Python package runs over the installed library" \
		"$(cat "$T/py.out")"
fi

# ---- the configured paths are part of the build -------------------------------
if make -q O="$B" PREFIX=/usr "$B/cardload" >/dev/null 2>&1; then
	ok "the build is up to date for PREFIX=/usr"
else
	not_ok "the build is up to date for PREFIX=/usr"
fi
if make -q O="$B" PREFIX=/opt/cardload "$B/cardload" >/dev/null 2>&1; then
	not_ok "another PREFIX makes the build out of date"
else
	ok "another PREFIX makes the build out of date"
fi

# ---- uninstall ---------------------------------------------------------------
if make -s O="$B" PREFIX=/usr DESTDIR="$ROOT" uninstall >"$T/uninstall.log" 2>&1
then
	ok "make uninstall"
else
	not_ok "make uninstall" "$(tail -n 20 "$T/uninstall.log")"
fi
left=$(cd "$ROOT" && find . \( -type f -o -type l \) | head)
is "make uninstall leaves no file" "$left" ""
left=$(cd "$ROOT" && find . -path '*cardload*' | head)
is "nor a directory of cardload's" "$left" ""
rm -rf "$B"
done_testing
