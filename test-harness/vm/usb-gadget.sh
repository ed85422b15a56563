#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# usb-gadget.sh - FEL devices in the test VM: dummy_hcd, configfs, felmon
#
#   sh /usb-gadget.sh load          the USB modules (RIG-NOTES order) and
#                                   configfs; dummy_hcd makes $USB_UDCS UDCs
#                                   (default 2: dummy_udc.0, dummy_udc.1),
#                                   SuperSpeed capable; once, quick after
#   sh /usb-gadget.sh up N MEMFILE [FELMON OPTION...]
#                                   gadget N on dummy_udc.N: configfs gadget
#                                   fel$N (1f3a:efe8, one FunctionFS
#                                   function), functionfs at /dev/ffs-fel$N,
#                                   felmon serving MEMFILE there, the UDC
#                                   bound; waits until the host side of
#                                   dummy_hcd shows the device, then prints
#                                   its sysfs name (e.g. "2-1"). Whatever is
#                                   already up is left as it is (so `up`
#                                   after `kill` starts a new monitor)
#   sh /usb-gadget.sh unbind N      unbind the UDC (the device goes away
#                                   from the host side; felmon stays)
#   sh /usb-gadget.sh bind N        bind it again, wait, print as `up`
#   sh /usb-gadget.sh kill N        kill gadget N's felmon (FunctionFS then
#                                   unbinds the UDC by itself)
#   sh /usb-gadget.sh dev N         print the device's sysfs name, or fail
#
# USB_SPEED (super-speed, the default, or high-speed) is the gadget's
# max_speed, set when it is created. felmon's stderr goes to
# /tmp/felmon.N.log, its process id to /tmp/felmon.N.pid. Messages on
# stderr; exit status 1 on failure. Waits are bounded by USB_WAIT seconds
# (default 10).
PATH=/bin:/sbin:/usr/bin
MODDIR=/lib/modules/usb
CFG=/sys/kernel/config
WAIT=${USB_WAIT:-10}

die() {
	echo "usb-gadget: $*" >&2
	exit 1
}

# Poll COMMAND every 50 ms for up to $WAIT seconds.
wait_for() { # COMMAND...
	i=$((WAIT * 20))
	while ! "$@"; do
		[ "$i" -le 0 ] && return 1
		i=$((i - 1))
		sleep 0.05
	done
}

load() {
	if [ ! -d /sys/module/dummy_hcd ]; then
		for m in usb-common usbcore udc-core dummy_hcd configfs \
			libcomposite usb_f_fs; do
			case $m in
			dummy_hcd) set -- is_super_speed=1 num="${USB_UDCS:-2}" ;;
			*) set -- ;;
			esac
			# usbcore's module name has no dash: usb-common -> usb_common
			[ -d "/sys/module/$(echo "$m" | tr - _)" ] && continue
			insmod "$MODDIR/$m.ko" "$@" || die "insmod $m failed"
		done
	fi
	grep -q " $CFG configfs" /proc/mounts ||
		mount -t configfs none "$CFG" || die "cannot mount configfs"
	[ -d "$CFG/usb_gadget" ] || die "no $CFG/usb_gadget (libcomposite?)"
}

gadget_dir() { echo "$CFG/usb_gadget/fel$1"; }
ffs_dir() { echo "/dev/ffs-fel$1"; }

# The configfs gadget and its FunctionFS mount, unless they exist.
make_gadget() { # N
	g=$(gadget_dir "$1")
	if [ ! -d "$g" ]; then
		mkdir "$g" || die "cannot create gadget '$g'"
		echo 0x1f3a >"$g/idVendor"
		echo 0xefe8 >"$g/idProduct"
		echo 0x0200 >"$g/bcdUSB"
		echo 0x0100 >"$g/bcdDevice"
		echo "${USB_SPEED:-super-speed}" >"$g/max_speed" ||
			die "bad USB_SPEED '${USB_SPEED:-}'"
		mkdir "$g/strings/0x409"
		echo "cardload" >"$g/strings/0x409/manufacturer"
		echo "FEL test card $1" >"$g/strings/0x409/product"
		echo "fel$1" >"$g/strings/0x409/serialnumber"
		mkdir "$g/configs/c.1" "$g/configs/c.1/strings/0x409"
		echo "FEL" >"$g/configs/c.1/strings/0x409/configuration"
		echo 100 >"$g/configs/c.1/MaxPower"
		mkdir "$g/functions/ffs.fel$1" || die "no FunctionFS (usb_f_fs?)"
		ln -s "$g/functions/ffs.fel$1" "$g/configs/c.1/" ||
			die "cannot link the function into the config"
	fi
	f=$(ffs_dir "$1")
	mkdir -p "$f"
	grep -q " $f functionfs" /proc/mounts ||
		mount -t functionfs "fel$1" "$f" || die "cannot mount functionfs at '$f'"
}

monitor_pid() { # N: prints the pid of a running felmon of gadget N
	p=$(cat "/tmp/felmon.$1.pid" 2>/dev/null) || return 1
	[ -n "$p" ] && grep -q felmon "/proc/$p/cmdline" 2>/dev/null &&
		! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && echo "$p"
}

start_monitor() { # N MEMFILE [OPTION...]
	n=$1
	mem=$2
	shift 2
	monitor_pid "$n" >/dev/null && return 0
	rm -f "/tmp/felmon.$n.ready"
	felmon --ready "/tmp/felmon.$n.ready" "$@" "$mem" "$(ffs_dir "$n")" \
		</dev/null 2>>"/tmp/felmon.$n.log" &
	echo $! >"/tmp/felmon.$n.pid"
	wait_for test -e "/tmp/felmon.$n.ready" ||
		die "felmon $n did not get ready: $(tail -n 5 "/tmp/felmon.$n.log")"
}

# The device's sysfs name on the host side of dummy_hcd.N.
dev() { # N
	for v in /sys/devices/platform/dummy_hcd."$1"/usb*/*-*/idVendor; do
		[ -r "$v" ] || continue
		d=${v%/idVendor}
		[ "$(cat "$v" 2>/dev/null)" = 1f3a ] || continue
		b=$(cat "$d/busnum" 2>/dev/null) || continue
		n=$(cat "$d/devnum" 2>/dev/null) || continue
		[ -e "/dev/bus/usb/$(printf %03d "$b")/$(printf %03d "$n")" ] || continue
		echo "${d##*/}"
		return 0
	done
	return 1
}
gone() { ! dev "$1" >/dev/null; }

bind() { # N
	g=$(gadget_dir "$1")
	if [ -z "$(cat "$g/UDC" 2>/dev/null)" ]; then
		echo "dummy_udc.$1" >"$g/UDC" || die "cannot bind dummy_udc.$1"
	fi
	wait_for dev "$1" >/dev/null ||
		die "no device on dummy_hcd.$1 within $WAIT s"
	dev "$1"
}

unbind() { # N
	g=$(gadget_dir "$1")
	if [ -n "$(cat "$g/UDC" 2>/dev/null)" ]; then
		echo "" >"$g/UDC" || die "cannot unbind gadget $1"
	fi
	wait_for gone "$1" || die "the device on dummy_hcd.$1 did not go away"
}

cmd=${1:-}
[ $# -ge 1 ] && shift
case $cmd in
load)
	load
	;;
up)
	[ $# -ge 2 ] || die "usage: usb-gadget.sh up N MEMFILE [FELMON OPTION...]"
	load
	make_gadget "$1"
	start_monitor "$@"
	bind "$1"
	;;
bind)
	[ $# -eq 1 ] || die "usage: usb-gadget.sh bind N"
	bind "$1"
	;;
unbind)
	[ $# -eq 1 ] || die "usage: usb-gadget.sh unbind N"
	unbind "$1"
	;;
kill)
	[ $# -eq 1 ] || die "usage: usb-gadget.sh kill N"
	p=$(monitor_pid "$1") || exit 0
	kill "$p"
	wait_for sh -c "! grep -q felmon /proc/$p/cmdline 2>/dev/null" ||
		die "felmon $1 (pid $p) did not end"
	rm -f "/tmp/felmon.$1.pid" "/tmp/felmon.$1.ready"
	;;
dev)
	[ $# -eq 1 ] || die "usage: usb-gadget.sh dev N"
	dev "$1"
	;;
*)
	die "usage: usb-gadget.sh load | up N MEMFILE [FELMON OPTION...] |" \
		"bind N | unbind N | kill N | dev N"
	;;
esac
