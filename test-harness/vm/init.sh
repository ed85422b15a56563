#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# init.sh - /init of the test VM: mount, run the guest tests, power off
#
# Runs as PID 1 from the initramfs (busybox sh). Prints the output of
# /guest-tests.sh on the console (ttyS0), every line prefixed with "TAP| "
# so the host can tell it from kernel messages, then "TAP| # exit N" and the
# line "VM-DONE", and powers the machine off (QEMU runs with -no-reboot, so
# a panic ends it too). Test parameters come from the kernel command line:
# every cardload.KEY=VALUE becomes the variable CL_KEY for the tests.
# cardload.tests=usb runs /usb-guest-tests.sh (the USB rig) instead,
# cardload.tests=usbbench /usb-bench.sh (make bench's USB figures).
export PATH=/bin:/sbin
export HOME=/ TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
# The initramfs has no /dev/console node: take the console from devtmpfs.
exec </dev/console >/dev/console 2>&1

for w in $(cat /proc/cmdline); do
	case $w in
	cardload.*=*)
		k=${w%%=*}
		k=${k#cardload.}
		case $k in *[!A-Za-z0-9_]* | "") continue ;; esac
		export "CL_$k=${w#*=}"
		;;
	esac
done

cd /
tests=/guest-tests.sh
[ "${CL_tests:-}" = usb ] && tests=/usb-guest-tests.sh
[ "${CL_tests:-}" = usbbench ] && tests=/usb-bench.sh
(sh "$tests" 2>&1; echo "# exit $?") | sed 's/^/TAP| /'
echo VM-DONE
sync
poweroff -f
# not reached unless poweroff failed: a panic ends the VM (panic=-1)
exit 1
