#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh - kernel and initramfs of the Linux test VM (the PCI and USB rigs)
#
#   sh test-harness/vm/build.sh OUTDIR
#
# Makes, from the repository root:
#   OUTDIR/vmlinuz             Debian's amd64 kernel, fetched once: the real
#                              image package behind linux-image-amd64 is
#                              `apt-get download`ed into OUTDIR/cache and only
#                              boot/vmlinuz-* is unpacked; kept while present
#   OUTDIR/kernel.txt          which package and version that was
#   OUTDIR/modules/*.ko        the USB gadget stack's modules, unpacked from
#                              the same package as vmlinuz, at the same time
#                              (both again when either is missing)
#   OUTDIR/initramfs.cpio.gz   rebuilt on every call (a second or so):
#       /bin/busybox + applet links   (Debian's busybox-static)
#       /init                         test-harness/vm/init.sh
#       /guest-tests.sh               test-harness/vm/guest-tests.sh
#       /usb-guest-tests.sh           test-harness/vm/usb-guest-tests.sh, run
#                                     instead with cardload.tests=usb
#       /usb-guest-cardload.sh        test-harness/vm/usb-guest-cardload.sh
#       /usb-bench.sh                 test-harness/vm/usb-bench.sh
#       /usb-gadget.sh                test-harness/vm/usb-gadget.sh
#       /lib/modules/usb/*.ko         OUTDIR/modules/ (load order: the gadget
#                                     script)
#       felmon                        $FELMON, /bin/felmon (the FEL monitor)
#       sunxi-fel                     Debian's, /usr/bin/sunxi-fel
#       cardload                      $CARDLOAD, with every shared library
#                                     `ldd` names and the dynamic loader, at
#                                     the same paths; /bin/cardload links it
#       /boards/*.board               boards/ of this repository
#       /payloads/                    hello-dyn.elf.gz, hello-exec.elf.gz,
#                                     big-dyn.elf.gz (those present) from
#                                     $CARD_BSP
#       /data/                        the files $VM_FILES names (a
#                                     space-separated list), if any
# Every program is copied with the shared libraries `ldd` names and the
# dynamic loader, at the same paths.
#
# CARDLOAD defaults to $BUILD_DIR/cardload, FELMON to $BUILD_DIR/felmon,
# CARD_BSP to $BUILD_DIR/card-bsp, BUILD_DIR to build; SUNXI_FEL to
# sunxi-fel on PATH. Without felmon or sunxi-fel the initramfs still serves
# the PCI rig: they are left out, with a warning. The PCI rig needs no
# kernel modules (sysfs resourceN); the USB rig loads them.
# Fetching the kernel needs root (apt-get update when there are no package
# lists yet); everything else does not.
set -eu

die() {
	echo "vm/build.sh: $*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: sh test-harness/vm/build.sh OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$root/build}
CARDLOAD=${CARDLOAD:-$BUILD_DIR/cardload}
CARD_BSP=${CARD_BSP:-$BUILD_DIR/card-bsp}
FELMON=${FELMON:-$BUILD_DIR/felmon}
SUNXI_FEL=${SUNXI_FEL:-$(command -v sunxi-fel || true)}
VM_FILES=${VM_FILES:-}
BUSYBOX=${BUSYBOX:-/bin/busybox}
mkdir -p "$1" || die "cannot create '$1'"
out=$(cd "$1" && pwd)

# ---- kernel --------------------------------------------------------------

# The package linux-image-amd64 depends on (linux-image-6.1.0-N-amd64).
kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' |
		head -n 1
}

# Download the image package into OUTDIR/cache unless it is there already;
# print the .deb's path.
fetch_kernel_deb() {
	pkg=$(kernel_pkg)
	if [ -n "$pkg" ]; then
		for f in "$out/cache/${pkg}_"*.deb; do
			[ -s "$f" ] && { echo "$f"; return 0; }
		done
		rm -f "$out/cache/"*.deb.part
		(cd "$out/cache" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			pkg=""
	fi
	if [ -z "$pkg" ]; then
		[ "$(id -u)" = 0 ] ||
			die "cannot download Debian's kernel (no package lists? run 'apt-get update' as root)"
		echo "vm/build.sh: refreshing the package lists" >&2
		apt-get update -qq >&2 || die "apt-get update failed"
		pkg=$(kernel_pkg)
		[ -n "$pkg" ] || die "linux-image-amd64 names no kernel package"
		(cd "$out/cache" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			die "apt-get download $pkg failed"
	fi
	for f in "$out/cache/${pkg}_"*.deb; do
		[ -s "$f" ] && { echo "$f"; return 0; }
	done
	die "apt-get download $pkg left no .deb in '$out/cache'"
}

# The USB gadget stack, in the order the guest loads it (RIG-NOTES); all
# of them are modules in Debian's 6.1 kernel, none built in.
USB_MODULES="drivers/usb/common/usb-common.ko drivers/usb/core/usbcore.ko
	drivers/usb/gadget/udc/udc-core.ko drivers/usb/gadget/udc/dummy_hcd.ko
	fs/configfs/configfs.ko drivers/usb/gadget/libcomposite.ko
	drivers/usb/gadget/function/usb_f_fs.ko"

have_modules() {
	for m in $USB_MODULES; do
		[ -s "$out/modules/${m##*/}" ] || return 1
	done
}

if [ ! -s "$out/vmlinuz" ] || ! have_modules; then
	command -v apt-get >/dev/null 2>&1 || die "no apt-get: cannot fetch Debian's kernel"
	mkdir -p "$out/cache"
	deb=$(fetch_kernel_deb)
	x=$(mktemp -d "$out/kernel.XXXXXX")
	trap 'rm -rf "$x"' EXIT
	pats="./boot/vmlinuz-*"
	for m in $USB_MODULES; do
		pats="$pats ./lib/modules/*/kernel/$m"
	done
	# shellcheck disable=SC2086
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xf - -C "$x" --wildcards $pats ||
		die "no boot/vmlinuz-* or USB modules in '$deb'"
	set -- "$x"/boot/vmlinuz-*
	[ $# -eq 1 ] && [ -s "$1" ] || die "expected one boot/vmlinuz-* in '$deb'"
	rm -rf "$out/modules"
	mkdir -p "$out/modules"
	for m in $USB_MODULES; do
		for f in "$x"/lib/modules/*/kernel/"$m"; do
			[ -s "$f" ] || die "no '$m' in '$deb'"
			mv -f "$f" "$out/modules/"
		done
	done
	dpkg-deb -f "$deb" Package Version >"$out/kernel.txt"
	mv -f "$1" "$out/vmlinuz"
	rm -rf "$x"
	trap - EXIT
fi

# ---- initramfs -----------------------------------------------------------

[ -x "$CARDLOAD" ] || die "no cardload binary '$CARDLOAD' (make)"
[ -x "$BUSYBOX" ] || die "no '$BUSYBOX' (Debian's busybox-static: sh test-harness/deps.sh)"
# ldd fails on a static executable: that is what the guest needs.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "'$BUSYBOX' is dynamically linked (install busybox-static)"
fi
command -v cpio >/dev/null 2>&1 || die "no cpio (sh test-harness/deps.sh)"

r=$(mktemp -d "$out/initramfs.XXXXXX")
trap 'rm -rf "$r"' EXIT
mkdir -p "$r/bin" "$r/sbin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" \
	"$r/boards" "$r/payloads" "$r/etc"

cp "$BUSYBOX" "$r/bin/busybox"
for a in $("$BUSYBOX" --list); do
	case $a in busybox | */*) continue ;; esac
	ln -s busybox "$r/bin/$a"
done

# A program and what it links, at the paths the loader looks in.
install_prog() { # PROGRAM DEST
	mkdir -p "$r$(dirname "$2")"
	cp "$1" "$r$2"
	libs=$(ldd "$1" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }') ||
		die "ldd '$1' failed"
	for l in $libs; do
		[ -r "$l" ] || die "ldd names '$l', which is not there"
		[ -e "$r$l" ] && continue
		mkdir -p "$r$(dirname "$l")"
		cp -L "$l" "$r$l"
	done
}

install_prog "$CARDLOAD" /bin/cardload
# the USB rig: the card side (felmon) and the independent host (sunxi-fel)
if [ -x "$FELMON" ]; then
	install_prog "$FELMON" /bin/felmon
else
	echo "vm/build.sh: no '$FELMON' (make unit-tests): the USB rig cannot run" >&2
fi
if [ -n "$SUNXI_FEL" ] && [ -x "$SUNXI_FEL" ]; then
	install_prog "$SUNXI_FEL" /usr/bin/sunxi-fel
else
	echo "vm/build.sh: no sunxi-fel (sunxi-tools): the USB rig cannot run" >&2
fi
mkdir -p "$r/lib/modules/usb"
cp "$out"/modules/*.ko "$r/lib/modules/usb/"

cp "$here/init.sh" "$r/init"
cp "$here/guest-tests.sh" "$r/guest-tests.sh"
cp "$here/usb-guest-tests.sh" "$r/usb-guest-tests.sh"
cp "$here/usb-guest-cardload.sh" "$r/usb-guest-cardload.sh"
cp "$here/usb-bench.sh" "$r/usb-bench.sh"
cp "$here/usb-gadget.sh" "$r/usb-gadget.sh"
chmod 755 "$r/init" "$r/guest-tests.sh" "$r/usb-guest-tests.sh" \
	"$r/usb-gadget.sh"
if [ -n "$VM_FILES" ]; then
	mkdir -p "$r/data"
	for f in $VM_FILES; do
		cp "$f" "$r/data/" || die "cannot copy '$f' into the initramfs"
	done
fi
cp "$root"/boards/*.board "$r/boards/"
for p in hello-dyn.elf.gz hello-exec.elf.gz big-dyn.elf.gz; do
	[ -r "$CARD_BSP/$p" ] && cp "$CARD_BSP/$p" "$r/payloads/"
done

(cd "$r" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out/initramfs.cpio.gz.tmp" ||
	die "cannot write the initramfs"
mv -f "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
rm -rf "$r"
trap - EXIT
