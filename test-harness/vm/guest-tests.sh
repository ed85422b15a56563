#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-tests.sh - cardload's pci transport inside the test VM (busybox sh, TAP)
#
# Run by /init (vm/init.sh) in the VM that vm/build.sh and vm/vm.sh make;
# the host side is test-harness/e2e/pci-vm.sh. Every ivshmem-plain device
# (1af4:1110) shows a /dev/shm file of the host in BAR2. Slots (lspci
# style, from the kernel command line, cardload.KEY=VALUE -> $CL_KEY):
#   CL_card     the RISC-V card's RAM; its ROM spins on the mailbox
#   CL_other    a second 128 MiB device, no CPU behind it
#   CL_small    a 1 MiB device, smaller than the board's RAM window
#   CL_absent   a slot with no device
#   CL_foreign  a device that is not an ivshmem one (q35's ISA bridge)
# CL_verbose (any value) shows every cardload run as diagnostic lines.
# The card can be booted once (hello powers it off), so every refusal comes
# before the one boot that must succeed.
export PATH=/bin:/sbin
export CARDLOAD_BOARDS=/boards
B=qemu-virt-riscv64-ivshmem
HELLO=/payloads/hello-dyn.elf.gz
BIG=/payloads/big-dyn.elf.gz
CARD=${CL_card:-00:04.0}
OTHER=${CL_other:-00:05.0}
SMALL=${CL_small:-00:06.0}
ABSENT=${CL_absent:-00:0e.0}
FOREIGN=${CL_foreign:-00:1f.0}
WAIT=${CL_wait:-30}
TMO=${CL_timeout:-60} # bound of one cardload run

MB_OFF=$((0x7c00000)) # mailbox 0x87c00000 - RAM 0x80000000
READY=0x59444552
WIN=134217728

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

# Run cardload; stdout in /tmp/out, stderr in /tmp/err, exit status in RC.
cl() {
	timeout "$TMO" cardload "$@" >/tmp/out 2>/tmp/err
	RC=$?
	LAST="cardload $*"
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
# Pass when the last run exited WANT.
exits() { # NAME WANT
	if [ "$RC" -eq "$2" ]; then ok "$1: exit $2"; else not_ok "$1: exit $2" "$(last)"; fi
}
# Pass when FILE (out or err of the last run) matches the extended regex.
says() { # NAME FILE REGEX
	if grep -qiE -- "$3" "/tmp/$2"; then
		ok "$1"
	else
		not_ok "$1" "no match for /$3/ in std$2" "$(last)"
	fi
}

sysdev() { # SLOT -> its sysfs directory
	echo "/sys/bus/pci/devices/0000:$1"
}

# ---- the rig: what the kernel shows, without cardload ---------------------

rig_dev() { # LABEL SLOT BAR2_SIZE
	d=$(sysdev "$2")
	v=$(cat "$d/vendor" 2>/dev/null):$(cat "$d/device" 2>/dev/null)
	s=$(stat -c %s "$d/resource2" 2>/dev/null)
	if [ "$v" = 0x1af4:0x1110 ] && [ "$s" = "$3" ]; then
		ok "rig: $1 at $2 is 1af4:1110 with a $3-byte resource2"
	else
		not_ok "rig: $1 at $2 is 1af4:1110 with a $3-byte resource2" \
			"ids $v, resource2 size '${s}'" "$(ls /sys/bus/pci/devices)"
	fi
}
rig_dev card "$CARD" $WIN
rig_dev "second device" "$OTHER" $WIN
rig_dev "small device" "$SMALL" 1048576

# The card ROM's READY word through BAR2 (physical address from sysfs).
bar2=$(sed -n 3p "$(sysdev "$CARD")/resource" 2>/dev/null | cut -d' ' -f1)
w=""
if [ -n "$bar2" ]; then
	i=0
	while [ $i -lt 100 ]; do
		w=$(devmem $((bar2 + MB_OFF + 8)) 32 2>/dev/null)
		[ "$w" = "$READY" ] && break
		i=$((i + 1))
		sleep 0.1
	done
fi
if [ "$w" = "$READY" ]; then
	ok "rig: the card ROM's READY word shows through BAR2 ($bar2)"
else
	not_ok "rig: the card ROM's READY word shows through BAR2" \
		"BAR2 at '$bar2', mailbox ready word '$w'"
fi

# ---- a. cardload list ----------------------------------------------------

# The object of the device at SLOT in `list --json` output (on one line).
json_card() { # SLOT
	tr -d '\n' </tmp/out | sed 's/{"slot":/\
&/g' | grep -F "{\"slot\":\"0000:$1\""
}
# LABEL SLOT BAR2_SIZE: the slot's entry names the board and the BAR2 size.
json_has() {
	j=$(json_card "$2")
	if [ -n "$j" ] &&
		echo "$j" | grep -qE "\"boards\":\"([^\"]*[, ])?$B([, ]|\")" &&
		echo "$j" | grep -qF "{\"bar\":2,\"size\":$3,"; then
		ok "$1: $2 with board $B and a $3-byte BAR2"
	else
		not_ok "$1: $2 with board $B and a $3-byte BAR2" \
			"entry for $2: '$j'" "$(last)"
	fi
}

cl list
exits "list" 0
if grep -E "(^|[^0-9a-f])$CARD([^0-9a-f.]|\$)" /tmp/out | grep -qF "$B"; then
	ok "list: a line with the card's slot $CARD and board $B"
else
	not_ok "list: a line with the card's slot $CARD and board $B" "$(last)"
fi

cl list --json
exits "list --json" 0
json_has "list --json" "$CARD" $WIN
json_has "list --json" "$OTHER" $WIN
json_has "list --json" "$SMALL" 1048576
c=$(tr -d '\n' </tmp/out | sed 's/{"slot":/\
&/g' | grep -c '^{"slot":')
if [ "$c" = 3 ]; then
	ok "list --json: three devices (the ivshmem ones, nothing else)"
else
	not_ok "list --json: three devices (the ivshmem ones, nothing else)" \
		"$c entries" "$(last)"
fi

cl list --json -s "$CARD"
exits "list --json -s $CARD" 0
c=$(tr -d '\n' </tmp/out | sed 's/{"slot":/\
&/g' | grep -c '^{"slot":')
if [ "$c" = 1 ] && [ -n "$(json_card "$CARD")" ]; then
	ok "list --json -s $CARD: that device alone"
else
	not_ok "list --json -s $CARD: that device alone" "$c entries" "$(last)"
fi

cl list -d 1af4:1110
exits "list -d 1af4:1110" 0
if grep -q -- "$CARD" /tmp/out && grep -q -- "$OTHER" /tmp/out &&
	grep -q -- "$SMALL" /tmp/out; then
	ok "list -d 1af4:1110: shows $CARD, $OTHER and $SMALL"
else
	not_ok "list -d 1af4:1110: shows $CARD, $OTHER and $SMALL" "$(last)"
fi

# ---- b. choosing the device ---------------------------------------------

cl boot --board $B "$HELLO"
exits "boot without -s, three matching devices" 14
says "boot without -s: the message says to pick one with -s" err "(^|[^a-z])-s"

cl boot --board $B -d 1af4:1110 "$HELLO"
exits "boot -d 1af4:1110 without -s" 14

cl boot --board $B -s "$ABSENT" "$HELLO"
exits "boot -s $ABSENT (no device there)" 6

cl boot --board $B -s "$FOREIGN" "$HELLO"
exits "boot -s $FOREIGN (a device that is no ivshmem)" 6

# ---- c. a BAR smaller than the board's RAM window -------------------------

cl boot --board $B -s "$SMALL" --wait=5 "$HELLO"
exits "boot -s $SMALL (1 MiB BAR2)" 6
says "boot -s $SMALL: the message names the 1 MiB BAR size" err \
	"1 ?MiB|1M|1048576|0x100000"

# ---- b. (end) the boot that must work ------------------------------------

cl boot --board $B -s "$CARD" --dry-run --json /payloads/hello-exec.elf.gz
exits "boot --dry-run -s $CARD hello-exec.elf.gz" 0
says "boot --dry-run: plan entry 0x80200000 (ET_EXEC at its p_paddr)" out \
	'"plan":\{.*"entry":"0x80200000"'

t0=$(date +%s)
cl boot --board $B -s "$CARD" --wait="$WAIT" "$HELLO"
t1=$(date +%s)
exits "boot -s $CARD --wait=$WAIT hello-dyn.elf.gz (payload posts DONE)" 0
diag "boot of hello through BAR2 with --wait: $((t1 - t0)) s"

# ---- d. status and console through the BAR -------------------------------

cl status --board $B -s "$CARD"
exits "status -s $CARD" 0
says "status -s $CARD: shows DONE (0x4f440000)" out "4f440000|done"

cl console --board $B -s "$CARD"
exits "console -s $CARD" 0
says "console -s $CARD: the payload's digest line" out "hello: digest ok"
says "console -s $CARD: the payload's done line" out "hello: done status=0x4f440000"

# ---- e. a 40 MiB image through the second device's BAR, left held ---------

if [ -r "$BIG" ]; then
	t0=$(date +%s)
	cl load --board $B -s "$OTHER" "$BIG"
	t1=$(date +%s)
	exits "load -s $OTHER big-dyn.elf.gz (40 MiB, written, verified, held)" 0
	diag "load of big-dyn through BAR2: $((t1 - t0)) s"
	cl status --board $B -s "$OTHER"
	exits "status -s $OTHER after load" 0
	says "status -s $OTHER: the entry is staged, not released" out "staged"
else
	not_ok "big-dyn.elf.gz in the initramfs" "no $BIG"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
