#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmlinux.sh - Debian's x86_64 kernel as a plain ELF file, for load-speed.py
#
#   sh test-harness/bench/vmlinux.sh [BUILD_DIR]        (default build)
#
# Makes BUILD_DIR/bench/vmlinux: the uncompressed kernel ELF (about 66 MB,
# ET_EXEC, loaded at physical 16 MiB and up) that Debian's bzImage carries.
# The bzImage is BUILD_DIR/vm/vmlinuz, which test-harness/vm/build.sh
# fetches (`apt-get download` of the package behind linux-image-amd64,
# cached in BUILD_DIR/vm/cache, only boot/vmlinuz-* unpacked); it is called
# only when that file is missing. unbzimage.py takes the ELF out. Kept while
# newer than the bzImage; prints nothing on success.
set -eu
O=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$O/bench"
O=$(cd "$O" && pwd)

if [ ! -s "$O/vm/vmlinuz" ]; then
	BUILD_DIR=$O sh "$root/test-harness/vm/build.sh" "$O/vm" >&2 ||
		{ echo "vmlinux.sh: test-harness/vm/build.sh failed" >&2; exit 1; }
fi
if [ ! -s "$O/bench/vmlinux" ] || [ "$O/vm/vmlinuz" -nt "$O/bench/vmlinux" ]; then
	python3 "$here/unbzimage.py" "$O/vm/vmlinuz" "$O/bench/vmlinux"
fi
