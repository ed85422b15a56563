#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# usb-bench.sh - USB throughput in the test VM: cardload against sunxi-fel
#
# Run by /init when the kernel command line says cardload.tests=usbbench
# (test-harness/bench/usb.sh starts the VM and prints the table). One
# ivshmem device (CL_mem, lspci slot) is the card memory of two FEL
# gadgets on dummy_hcd, each served by felmon: gadget 0 at SuperSpeed,
# gadget 1 at high speed (dummy_hcd's model of high speed moves at most
# 13 packets of 512 bytes per 125 us microframe: 53.2 MB/s; its
# SuperSpeed model allows 490 MB/s, so there the VM's CPU is the limit).
# For each speed, CL_rounds rounds (default 3), each timing in turn, on
# the same 40 MiB of random bytes at 0x80000000:
#   sunxi-fel write       the bytes in one FEL WRITE, the whole command
#   sunxi-fel read        the bytes in five reads of 8 MiB (sunxi-fel reads
#                         in one transfer, which usbfs refuses at 16 MiB)
#   cardload load --addr  the bytes as a raw image: the whole command
#                         (open, hold, write, read back and compare), and
#                         its write and verify phases as it times them
#                         itself (--json write_us, verify_us); with the
#                         default usb.chunk and with 1M and 8M
# Prints "BENCH|SPEED|WHAT|MB/s" lines (MB = 10^6 bytes) and "BENCH|#|..."
# notes; the host takes the medians.
export PATH=/bin:/sbin:/usr/bin
export CARDLOAD_BOARDS=/boards
FB=qemu-virt-riscv64-fel
MEM=/sys/bus/pci/devices/0000:${CL_mem:-00:04.0}/resource2
ROUNDS=${CL_rounds:-3}
SIZE=41943040

now() { cut -d' ' -f1 /proc/uptime; }
mbps() { awk -v b="$1" -v a="$2" -v c="$3" 'BEGIN { printf "%.1f", b / (c - a) / 1e6 }'; }
note() { echo "BENCH|#|$*"; }

# timed SPEED WHAT COMMAND...: one run of COMMAND, MB/s of 40 MiB; its
# output stays in /tmp/out
timed() {
	sp=$1 what=$2
	shift 2
	t0=$(now)
	if "$@" >/tmp/out 2>/tmp/err; then
		echo "BENCH|$sp|$what|$(mbps $SIZE "$t0" "$(now)")"
	else
		note "$sp $what failed: $(head -c 400 /tmp/err)"
		return 1
	fi
}

# phase SPEED WHAT KEY: MB/s of 40 MiB in the --json field KEY (us)
phase() {
	us=$(tr ',' '\n' </tmp/out | sed -n "s/^ *\"$3\": *\([0-9]*\).*/\1/p")
	[ -n "$us" ] && [ "$us" -gt 0 ] &&
		echo "BENCH|$1|$2|$(awk -v b=$SIZE -v u="$us" 'BEGIN { printf "%.1f", b / u }')"
}

# load SPEED LABEL [OPTION...]: cardload load of the 40 MiB, whole and by
# phase
load() {
	sp=$1 label=$2
	shift 2
	timed "$sp" "cardload load$label (write + verify)" cardload load \
		--board $FB -s "$dev" --json "$@" --addr 0x80000000 /tmp/r40 &&
		phase "$sp" "cardload write phase$label" write_us &&
		phase "$sp" "cardload verify phase$label" verify_us
}

sh /usb-gadget.sh load || { note "usb modules did not load"; exit 1; }
USB_SPEED=super-speed sh /usb-gadget.sh up 0 "$MEM" >/dev/null ||
	{ note "gadget 0 did not come up"; exit 1; }
USB_SPEED=high-speed sh /usb-gadget.sh up 1 "$MEM" >/dev/null ||
	{ note "gadget 1 did not come up"; exit 1; }
dd if=/dev/urandom of=/tmp/r40 bs=1M count=40 2>/dev/null

for n in 0 1; do
	dev=$(sh /usb-gadget.sh dev $n)
	sp=$(cat "/sys/bus/usb/devices/$dev/speed")
	sel=$(printf '%d:%d' "$(cat "/sys/bus/usb/devices/$dev/busnum")" \
		"$(cat "/sys/bus/usb/devices/$dev/devnum")")
	note "gadget $n: device $dev ($sel), $sp Mbit/s"
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		r=$((r + 1))
		timed "$sp" "sunxi-fel write" sunxi-fel --dev "$sel" write \
			0x80000000 /tmp/r40
		set --
		for i in 0 1 2 3 4; do
			set -- "$@" read $((0x80000000 + i * 8388608)) 8388608 /tmp/r8
		done
		timed "$sp" "sunxi-fel read" sunxi-fel --dev "$sel" "$@"
		load "$sp" ""
		load "$sp" ", chunk 1M" -O usb.chunk=1M
		load "$sp" ", chunk 8M" -O usb.chunk=8M
	done
done
rm -f /tmp/r40 /tmp/r8
