#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.sh - install the Debian packages cardload needs to build, test and demo
#
# Idempotent and quick when everything is present: one dpkg-query, and
# apt-get only when something is missing. Run as root on Debian 12 (CI and
# fresh machines); as another user it only reports what is missing.
set -eu

PKGS="make gcc libc6-dev pkg-config libelf-dev zlib1g-dev libpci-dev libfdt-dev
      libdeflate-dev libzstd-dev liblzma-dev zstd xz-utils binutils
      clang lld llvm python3 gzip qemu-system-misc
      qemu-system-x86 busybox-static cpio libusb-1.0-0-dev sunxi-tools
      qemu-system-arm gdb-multiarch mandoc python3-pytest python3-labgrid
      python3-jsonschema bash-completion"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Install from the current package lists; refresh them once if that fails
# (a fresh machine has none).
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-install-recommends $missing >&2; then
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends $missing >&2
fi
