#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# usb-guest-tests.sh - the USB rig inside the test VM (busybox sh, TAP)
#
# Run by /init (vm/init.sh) when the kernel command line says
# cardload.tests=usb; the host side is test-harness/e2e/usb-vm.sh. Two
# FEL devices on dummy_hcd, each a configfs gadget whose card side is
# felmon (test-harness/fel/) serving an ivshmem BAR (vm/usb-gadget.sh):
#   gadget 0  on dummy_udc.0, memory CL_card's BAR2: the RISC-V card's RAM,
#             its ROM spinning on the mailbox
#   gadget 1  on dummy_udc.1, memory CL_other's BAR2: RISC-V card 2's RAM
# Slots come from the kernel command line (cardload.KEY=VALUE -> $CL_KEY):
#   CL_card, CL_other   the two ivshmem devices (lspci style)
#   CL_verbose          (any value) every command run as diagnostic lines,
#                       felmon -v
#   CL_speed            the gadgets' max_speed: super-speed (default) or
#                       high-speed (for measurements)
#   CL_piece            felmon --piece (bytes per FunctionFS read/write)
#   CL_pieces, CL_rounds  measure several --piece values (section timing)
# /data/fel-16m.bin is a 16 MiB file of the host's; after the VM, the host
# compares the card's RAM at 0x84000000 with it.
#
# Sections, in order (each a function, run at the end of this file):
#   rig        modules, gadget 0 up, the device seen by the kernel
#   sunxi      Debian's sunxi-fel against gadget 0 (an independent host)
#   cardload   cardload's usb transport (to come: issue 13's lead)
#   faults     felmon refusing, the UDC unbound and bound again (also in
#              the middle of a write), the monitor killed and restarted
#   two        gadget 1: a second FEL device; EXEC through its mailbox
#   timing     sunxi-fel throughput, diagnostics only
# A section that needs the device asks `need_dev N` first.
export PATH=/bin:/sbin:/usr/bin
CARD=${CL_card:-00:04.0}
OTHER=${CL_other:-00:05.0}
TMO=${CL_timeout:-60} # bound of one command
DATA=/data/fel-16m.bin
DATA_ADDR=0x84000000
VID=1f3a
PID=efe8

FELMON_OPTS=""
[ -n "${CL_verbose:-}" ] && FELMON_OPTS=-v
[ -n "${CL_piece:-}" ] && FELMON_OPTS="$FELMON_OPTS --piece $CL_piece"
export USB_SPEED="${CL_speed:-super-speed}"
SPEED=5000 SPEED_NAME=SuperSpeed
[ "$USB_SPEED" = high-speed ] && SPEED=480 SPEED_NAME="high speed"

# ---- TAP ---------------------------------------------------------------

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { # NAME [DIAGNOSTIC...]
	name=$1
	shift
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $name"
	for d in "$@"; do printf '%s\n' "$d" | sed 's/^/#   /'; done
}
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# Run a command; stdout in /tmp/out, stderr in /tmp/err, exit status in RC.
run() {
	timeout "$TMO" "$@" >/tmp/out 2>/tmp/err
	RC=$?
	LAST="$*"
	[ -n "${CL_verbose:-}" ] && diag "$(last)"
	return 0
}
last() {
	echo "$LAST"
	echo "exit status $RC"
	[ -s /tmp/err ] && echo "stderr: $(head -c 1200 /tmp/err)"
	[ -s /tmp/out ] && echo "stdout: $(head -c 1200 /tmp/out)"
	return 0
}
exits() { # NAME WANT: pass when the last run exited WANT
	if [ "$RC" -eq "$2" ]; then ok "$1: exit $2"; else not_ok "$1: exit $2" "$(last)"; fi
}
fails() { # NAME: pass when the last run failed
	if [ "$RC" -ne 0 ]; then ok "$1: fails"; else not_ok "$1: fails" "$(last)"; fi
}
says() { # NAME FILE REGEX: pass when /tmp/FILE of the last run matches
	if grep -qiE -- "$3" "/tmp/$2"; then
		ok "$1"
	else
		not_ok "$1" "no match for /$3/ in std$2" "$(last)"
	fi
}

# Seconds since boot, two decimals.
now() { cut -d' ' -f1 /proc/uptime; }
# MB/s (10^6 bytes) of BYTES in the seconds between T0 and T1.
mbps() { # BYTES T0 T1
	awk -v b="$1" -v a="$2" -v z="$3" 'BEGIN {
		if (z - a <= 0) print "?"; else printf "%.1f", b / (z - a) / 1e6 }'
}

# ---- the rig: gadgets and devices --------------------------------------

bar() { echo "/sys/bus/pci/devices/0000:$1/resource2"; }

gadget() { # ARGS...: sh /usb-gadget.sh ARGS, as run
	run sh /usb-gadget.sh "$@"
}

# felmon's log of gadget N, for diagnostics.
monlog() { echo "felmon $1: $(tail -n 8 "/tmp/felmon.$1.log" 2>/dev/null)"; }

# DEV: the sysfs name of gadget N's device (e.g. 2-1), SEL: its BUS:DEVNUM
# as sunxi-fel --dev takes it. Fails when the device is not there.
find_dev() { # N
	DEV=$(sh /usb-gadget.sh dev "$1" 2>/dev/null) || { DEV="" SEL=""; return 1; }
	d=/sys/bus/usb/devices/$DEV
	SEL=$(cat "$d/busnum"):$(cat "$d/devnum")
}
# A failing point, and the section ends, when gadget N's device is not there.
need_dev() { # N
	find_dev "$1" && return 0
	not_ok "gadget $1's device is there for this section" "$(monlog "$1")"
	return 1
}

fel() { # N ARGS...: sunxi-fel on gadget N's device, as run
	find_dev "$1"
	shift
	run sunxi-fel --dev "$SEL" "$@"
}

# Count the devices with VID:PID the kernel shows.
count_fel_devs() {
	c=0
	for d in /sys/bus/usb/devices/*; do
		[ "$(cat "$d/idVendor" 2>/dev/null):$(cat "$d/idProduct" 2>/dev/null)" = $VID:$PID ] &&
			c=$((c + 1))
	done
	echo $c
}

section_rig() {
	t0=$(now)
	gadget load
	t1=$(now)
	exits "rig: usb modules loaded, configfs mounted" 0
	[ "$RC" -eq 0 ] || return 1
	diag "modules loaded in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"
	if [ -e /sys/class/udc/dummy_udc.0 ] && [ -e /sys/class/udc/dummy_udc.1 ]; then
		ok "rig: dummy_udc.0 and dummy_udc.1 exist"
	else
		not_ok "rig: dummy_udc.0 and dummy_udc.1 exist" "$(ls /sys/class/udc 2>&1)"
	fi

	# shellcheck disable=SC2086
	gadget up 0 "$(bar "$CARD")" $FELMON_OPTS
	exits "gadget 0 up: felmon on $CARD's BAR2, bound to dummy_udc.0" 0
	[ "$RC" -eq 0 ] || { diag "$(monlog 0)"; return 1; }
	find_dev 0
	d=/sys/bus/usb/devices/$DEV
	v=$(cat "$d/idVendor" 2>/dev/null):$(cat "$d/idProduct" 2>/dev/null)
	if [ "$v" = $VID:$PID ]; then
		ok "rig: device $DEV ($SEL) is $VID:$PID"
	else
		not_ok "rig: device $DEV is $VID:$PID" "ids '$v'"
	fi
	s=$(cat "$d/speed" 2>/dev/null)
	if [ "$s" = $SPEED ]; then
		ok "rig: device $DEV runs at $SPEED_NAME (speed $SPEED)"
	else
		not_ok "rig: device $DEV runs at $SPEED_NAME (speed $SPEED)" "speed '$s'"
	fi
	c=$(cat "$d/bInterfaceClass" "$d/$DEV:1.0/bInterfaceClass" 2>/dev/null | tail -n 1)
	if [ "$c" = ff ] && [ "$(cat "$d/$DEV:1.0/bNumEndpoints" 2>/dev/null)" = 02 ]; then
		ok "rig: interface 0 is vendor specific (ff) with two endpoints"
	else
		not_ok "rig: interface 0 is vendor specific (ff) with two endpoints" \
			"class '$c'" "$(ls "$d/$DEV:1.0" 2>&1 | tr '\n' ' ')"
	fi
}

# ---- sunxi-fel, an independent host ------------------------------------

section_sunxi() {
	need_dev 0 || return 1
	fel 0 version
	exits "sunxi-fel version" 0
	says "sunxi-fel version: AWUSBFEX, soc 00001859" out "^AWUSBFEX soc=00001859"

	if [ ! -r "$DATA" ]; then
		not_ok "the 16 MiB test file is in the initramfs" "no $DATA"
		return 1
	fi
	t0=$(now)
	fel 0 write $DATA_ADDR "$DATA"
	t1=$(now)
	exits "sunxi-fel write $DATA_ADDR of 16 MiB" 0
	diag "sunxi-fel write of 16 MiB: $(mbps 16777216 "$t0" "$t1") MB/s"
	# sunxi-fel reads in one transfer, and usbfs refuses one of 16 MiB
	# (usbfs_memory_mb counts more than the data): two reads of 8 MiB
	rm -f /tmp/back.0 /tmp/back.1
	t0=$(now)
	fel 0 read $DATA_ADDR 8388608 /tmp/back.0 \
		read $((DATA_ADDR + 8388608)) 8388608 /tmp/back.1
	t1=$(now)
	exits "sunxi-fel read $DATA_ADDR of 16 MiB (two reads of 8 MiB)" 0
	diag "sunxi-fel read of 16 MiB: $(mbps 16777216 "$t0" "$t1") MB/s"
	if cat /tmp/back.0 /tmp/back.1 2>/dev/null | cmp -s "$DATA" -; then
		ok "sunxi-fel read gives back the 16 MiB written"
	else
		not_ok "sunxi-fel read gives back the 16 MiB written" \
			"$(cat /tmp/back.0 /tmp/back.1 | cmp "$DATA" - 2>&1)"
	fi
	rm -f /tmp/back.0 /tmp/back.1
}

# ---- cardload over USB -------------------------------------------------

# cardload's own sections (section_cardload*) are in usb-guest-cardload.sh.
# Gadget 0 is up and serves the card; sunxi-fel wrote /data/fel-16m.bin at
# 0x84000000, which the host checks: they keep that range as it is.
. /usb-guest-cardload.sh

# ---- faults: refusals, the UDC unbound, the monitor killed -------------

# sunxi-fel version on gadget N works again (the device may have a new
# address after a bind).
version_works() { # N NAME
	if ! find_dev "$1"; then
		not_ok "$2" "no device on dummy_hcd.$1" "$(monlog "$1")"
		return 1
	fi
	fel "$1" version
	if [ "$RC" -eq 0 ] && grep -q "^AWUSBFEX soc=00001859" /tmp/out; then
		ok "$2"
	else
		not_ok "$2" "$(last)" "$(monlog "$1")"
	fi
}

section_faults() {
	need_dev 0 || return 1
	# the D1's SRAM, which this card does not have
	printf 'no card memory here' >/tmp/small
	fel 0 write 0x21000 /tmp/small
	fails "sunxi-fel write 0x21000 (outside the card's memory): refused"
	if grep -q "WRITE \[0x00021000, +0x13): outside card memory" /tmp/felmon.0.log; then
		ok "felmon logs the refused write with its range"
	else
		not_ok "felmon logs the refused write with its range" "$(monlog 0)"
	fi

	# a halted endpoint lasts until a reset: unbind and bind again
	gadget unbind 0
	exits "UDC of gadget 0 unbound: its device goes away" 0
	c=$(count_fel_devs)
	if [ "$c" = 0 ]; then ok "no $VID:$PID device left"; else not_ok "no $VID:$PID device left" "$c"; fi
	gadget bind 0
	exits "UDC of gadget 0 bound again: the device comes back" 0
	version_works 0 "sunxi-fel version after unbind and bind"

	# the UDC unbound in the middle of a 40 MiB write: once sunxi-fel's
	# progress bar (-p, a line per 128 KiB) shows 10 % or more
	dd if=/dev/zero of=/tmp/zero40 bs=1M count=40 2>/dev/null
	find_dev 0
	: >/tmp/bg.out
	sunxi-fel -p --dev "$SEL" write 0x80000000 /tmp/zero40 >/tmp/bg.out 2>&1 &
	bg=$!
	i=0
	while [ $i -lt 500 ] && ! tr '\r' '\n' </tmp/bg.out | grep -q '^ *[1-9][0-9]%'; do
		i=$((i + 1))
		sleep 0.02
	done
	gadget unbind 0
	exits "UDC of gadget 0 unbound during a 40 MiB sunxi-fel write" 0
	wait $bg
	bgrc=$?
	p=$(tr '\r' '\n' </tmp/bg.out | grep '%' | tail -n 1 | cut -c1-5)
	if [ "$bgrc" -ne 0 ]; then
		ok "the interrupted sunxi-fel write fails (exit $bgrc, at ${p})"
	else
		not_ok "the interrupted sunxi-fel write fails" \
			"it ended with exit 0 before the unbind (at ${p})"
	fi
	if grep -q "WRITE 0x80000000: dropped, the endpoints were disabled" \
		/tmp/felmon.0.log; then
		ok "felmon drops the cut WRITE message"
	else
		not_ok "felmon drops the cut WRITE message" "$(monlog 0)"
	fi
	gadget bind 0
	exits "UDC of gadget 0 bound again after the interrupted write" 0
	version_works 0 "sunxi-fel version after a write cut by unbind"
	rm -f /tmp/zero40

	# the monitor killed: FunctionFS unbinds the UDC; a new monitor serves
	gadget kill 0
	exits "felmon of gadget 0 killed" 0
	if find_dev 0; then
		not_ok "the device went away with the monitor" "device $DEV"
	else
		ok "the device went away with the monitor"
	fi
	# shellcheck disable=SC2086
	gadget up 0 "$(bar "$CARD")" $FELMON_OPTS
	exits "gadget 0 up again with a new felmon" 0
	version_works 0 "sunxi-fel version with the new monitor"
}

# ---- two FEL devices ---------------------------------------------------

section_two() {
	# shellcheck disable=SC2086
	gadget up 1 "$(bar "$OTHER")" $FELMON_OPTS
	exits "gadget 1 up: felmon on $OTHER's BAR2, bound to dummy_udc.1" 0
	c=$(count_fel_devs)
	if [ "$c" = 2 ]; then
		ok "two $VID:$PID devices"
	else
		not_ok "two $VID:$PID devices" "$c: $(ls /sys/bus/usb/devices)"
	fi
	need_dev 1 || return 1
	version_works 1 "sunxi-fel version on gadget 1"
}

# EXEC on gadget 1, after card 2 ran hello (cardload_exec) and powered
# off: its ROM is not waiting (GO is set), so EXEC is refused; with READY
# put in and GO withdrawn (by sunxi-fel write), EXEC stages the address
# and writes GO, which the host checks afterwards (nothing runs it).
section_exec() {
	need_dev 1 || return 1
	fel 1 exe 0x80200000
	fails "sunxi-fel exe 0x80200000 on gadget 1 (no ROM waiting): refused"
	if grep -q "EXEC 0x80200000: the card ROM is not waiting" /tmp/felmon.1.log; then
		ok "felmon logs the refused EXEC"
	else
		not_ok "felmon logs the refused EXEC" "$(monlog 1)"
	fi
	# the refusal halted the IN endpoint: a reset clears it
	gadget unbind 1 && gadget bind 1
	# (card 2 ran hello already: GO is set; withdraw it, post READY)
	printf 'REDY\000\000\000\000' >/tmp/ready
	fel 1 write 0x87c00008 /tmp/ready
	exits "sunxi-fel write of the READY word and GO withdrawn, gadget 1" 0
	fel 1 exe 0x80200000
	exits "sunxi-fel exe 0x80200000 on gadget 1 (READY posted)" 0
	fel 1 read 0x87c00000 96 /tmp/mb
	exits "sunxi-fel read of gadget 1's mailbox" 0
	# entry 0x80200000 at 0x20, staged at 0x2c, go at 0x0c (cardboot.h)
	w=$(od -An -tx4 -j32 -N8 /tmp/mb | tr -d ' \n'):$(od -An -tx4 -j44 -N4 /tmp/mb | tr -d ' \n'):$(od -An -tx4 -j12 -N4 /tmp/mb | tr -d ' \n')
	if [ "$w" = 8020000000000000:47415453:21216f47 ]; then
		ok "EXEC staged entry 0x80200000, STAGED and GO in the mailbox"
	else
		not_ok "EXEC staged entry 0x80200000, STAGED and GO in the mailbox" \
			"entry:staged:go $w"
	fi
}

# ---- timing (diagnostics, not points) -----------------------------------

# sunxi-fel writes 40 MiB to gadget 1 and reads them back (five reads of
# 8 MiB in one run: usbfs refuses one of 16 MiB); prints MB/s (10^6 B/s).
time_rw() { # LABEL
	label=$1
	t0=$(now)
	fel 1 write 0x80000000 /tmp/r40
	t1=$(now)
	wr=$(mbps 41943040 "$t0" "$t1")
	[ "$RC" -eq 0 ] || { diag "sunxi-fel write of 40 MiB failed: $(last)"; return 1; }
	set --
	for i in 0 1 2 3 4; do
		set -- "$@" read $((0x80000000 + i * 8388608)) 8388608 /tmp/r8
	done
	t0=$(now)
	fel 1 "$@"
	t1=$(now)
	[ "$RC" -eq 0 ] || { diag "sunxi-fel read of 40 MiB failed: $(last)"; return 1; }
	diag "$label: sunxi-fel write of 40 MiB at $SPEED_NAME: $wr MB/s," \
		"read: $(mbps 41943040 "$t0" "$t1") MB/s"
	rm -f /tmp/r8
}

# CL_pieces=P,P,... (and CL_rounds=N) measures felmon --piece P for each P
# in turn, N rounds, restarting gadget 1's monitor for each.
section_timing() {
	find_dev 1 || return 0
	dd if=/dev/urandom of=/tmp/r40 bs=1M count=40 2>/dev/null
	if [ -z "${CL_pieces:-}" ]; then
		time_rw "timing"
	else
		r=0
		while [ $r -lt "${CL_rounds:-1}" ]; do
			r=$((r + 1))
			for p in $(echo "$CL_pieces" | tr , ' '); do
				sh /usb-gadget.sh kill 1 &&
					sh /usb-gadget.sh up 1 "$(bar "$OTHER")" \
						--piece "$p" >/dev/null &&
					time_rw "round $r, piece $p"
			done
		done
		sh /usb-gadget.sh kill 1
		# shellcheck disable=SC2086
		sh /usb-gadget.sh up 1 "$(bar "$OTHER")" $FELMON_OPTS >/dev/null
	fi
	rm -f /tmp/r40
}

# Run section NAME, then a diagnostic line with its time.
section() { # NAME
	t_s=$(now)
	"section_$1"
	st=$?
	diag "section $1: $(awk -v a="$t_s" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }') s"
	return $st
}

diag "guest tests start $(now) s after boot"
section rig || { echo "1..$n"; exit 1; }
section sunxi
section cardload
section faults
section two
section cardload_two
section timing
section cardload_big
section cardload_exec
section exec
section cardload_faults
section cardload_boot

if [ -n "${CL_verbose:-}" ]; then
	for i in 0 1; do
		diag "felmon $i's log:"
		diag "$(cat "/tmp/felmon.$i.log" 2>/dev/null)"
	done
fi
echo "1..$n"
[ "$failed" -eq 0 ]
