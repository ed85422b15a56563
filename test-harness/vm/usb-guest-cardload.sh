# SPDX-License-Identifier: GPL-2.0-or-later
# usb-guest-cardload.sh - cardload's usb transport in the test VM (busybox
# sh, sourced by usb-guest-tests.sh, whose helpers and TAP counters it uses)
#
# Gadget 0 serves RISC-V card 1's RAM, gadget 1 card 2's (each ROM spins
# on its mailbox). A card boots once (hello powers it off), so every
# refusal and fault on card 1 comes before its boot (release = mailbox),
# and card 2's boot (release = fel-exec) comes after the 40 MiB load into
# its RAM. What the host checks after the VM (e2e/usb-vm.sh): the 40 MiB
# image, both cards' UARTs and mailboxes.
FB=qemu-virt-riscv64-fel	# boards/qemu-virt-riscv64-fel.board
IVB=qemu-virt-riscv64-ivshmem	# the same RAM through PCI, to look behind USB
HELLO=/payloads/hello-dyn.elf.gz
BIG=/payloads/big-dyn.elf.gz
EXEC_BASE=0x86000000		# hello on card 2 by FEL EXEC (host checks)
export CARDLOAD_BOARDS=/boards

cl() { run cardload "$@"; }

# md5 of LEN bytes at ADDR of slot's RAM, read through the pci transport
# (not over USB): what a refusal must leave as it was.
pci_sum() { # SLOT ADDR LEN
	cardload read --board $IVB -s "$1" "$2" "$3" 2>/dev/null | md5sum |
		cut -d' ' -f1
}

# The mailbox's go word of slot's RAM (through pci), as 0x%08x.
pci_go() { # SLOT
	cardload read --board $IVB -s "$1" 0x87c0000c 4 2>/dev/null |
		od -An -tx4 | tr -d ' \n' | sed 's/^/0x/'
}

# cardload in the background on the card's device; once felmon (run with
# -v: a log line per FEL message) has taken a 1 MiB WRITE at 0x80400000
# or above (the load is under way, 4 MiB in), run ACTION, then wait for cardload:
# its exit status in RC, output in /tmp/out and /tmp/err. The loads give
# -O usb.chunk=1M, so that some 40 messages are still to come.
mid_load() { # ACTION CARDLOAD-ARGS...
	act=$1
	shift
	log=/tmp/felmon.0.log
	skip=$(wc -l <"$log")
	timeout "$TMO" cardload "$@" >/tmp/out 2>/tmp/err &
	bg=$!
	i=0
	while [ $i -lt 1500 ] && kill -0 $bg 2>/dev/null &&
		! tail -n +$((skip + 1)) "$log" |
			grep -q "WRITE 0x80[4-9a-f][0-9a-f]\{5\} +0x100000"; do
		i=$((i + 1))
		sleep 0.02
	done
	$act
	wait $bg
	RC=$?
	LAST="cardload $* (with $act mid-load)"
}

# A point: GOT equals WANT.
same() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}

# ---- found, described, read and written beside sunxi-fel ----------------

section_cardload() {
	need_dev 0 || return 1
	cl list
	exits "cardload list" 0
	if grep -E "^usb +$DEV +$VID:$PID +board $FB" /tmp/out >/dev/null; then
		ok "list: a usb line for $DEV ($VID:$PID) with board $FB"
	else
		not_ok "list: a usb line for $DEV ($VID:$PID) with board $FB" "$(last)"
	fi
	cl list --json
	exits "list --json" 0
	says "list --json: the card with transport usb" out \
		"\"slot\":\"$DEV\",\"transport\":\"usb\",\"ids\":\"$VID:$PID\""
	cl list -v -d $VID:$PID
	exits "list -v -d $VID:$PID" 0
	says "list -v: the ROM's VERSION, soc 0x1859 (D1)" out \
		"$DEV .*FEL soc 0x1859 \(D1"
	cl status --board $FB -s "$DEV"
	exits "status over USB" 0
	says "status: the card line names the FEL device and SoC" out \
		"^card +usb $DEV $VID:$PID, FEL soc 0x1859"
	says "status: the ROM posted READY (mailbox read over FEL)" out \
		"^rom +READY"

	# sunxi-fel wrote $DATA at $DATA_ADDR: cardload reads the same bytes
	cl read --board $FB -s "$DEV" $DATA_ADDR 16M -o /tmp/cl16
	exits "cardload read of the 16 MiB sunxi-fel wrote" 0
	if cmp -s /tmp/cl16 "$DATA"; then
		ok "bytes written by sunxi-fel read back identical with cardload"
	else
		not_ok "bytes written by sunxi-fel read back identical with cardload" \
			"$(cmp /tmp/cl16 "$DATA" 2>&1)"
	fi
	rm -f /tmp/cl16
	# and the other way: cardload writes, sunxi-fel reads
	dd if="$DATA" of=/tmp/w3 bs=4096 count=768 skip=1 2>/dev/null
	cl write --board $FB -s "$DEV" 0x85000000 /tmp/w3
	exits "cardload write of 3 MiB at 0x85000000" 0
	fel 0 read 0x85000000 3145728 /tmp/r3
	exits "sunxi-fel read of those 3 MiB" 0
	if cmp -s /tmp/r3 /tmp/w3; then
		ok "bytes written by cardload read back identical with sunxi-fel"
	else
		not_ok "bytes written by cardload read back identical with sunxi-fel" \
			"$(cmp /tmp/r3 /tmp/w3 2>&1)"
	fi
	rm -f /tmp/r3 /tmp/w3

	# refusals write nothing: the load area seen through PCI
	before=$(pci_sum "$CARD" 0x80000000 0x100000)
	cl boot --board $FB -d 1234:5678 "$HELLO"
	exits "boot -d 1234:5678 (no such device)" 6
	says "-d 1234:5678: the message names the ids" err "1234:5678"
	cl boot --board $FB -s 9-9 "$HELLO"
	exits "boot -s 9-9 (no device at that path)" 6
	cl boot --board $FB -s 00:04.0 "$HELLO"
	exits "boot -s 00:04.0 (a PCI slot, not a USB path)" 2
	sed 's/^release = mailbox/release = fel-exec/' /boards/$FB.board \
		>/tmp/fe.board
	dd if=/dev/zero of=/tmp/raw bs=4096 count=1 2>/dev/null
	cl boot --board /tmp/fe.board -s "$DEV" --addr 0x80000000 --arg 0=1 \
		/tmp/raw
	exits "boot --arg of a raw image on a release = fel-exec board" 2
	says "--arg on fel-exec, raw image: FEL EXEC passes no arguments" err \
		"FEL EXEC passes no arguments"
	cl boot --board $FB -s "$DEV" -O usb.chunk=16M "$HELLO"
	exits "boot -O usb.chunk=16M (beyond 8M)" 2
	same "refusals left the card's load area as it was (read through PCI)" \
		"$(pci_sum "$CARD" 0x80000000 0x100000)" "$before"
}

# ---- two FEL devices -----------------------------------------------------

section_cardload_two() {
	need_dev 1 || return 1
	dev1=$DEV sel1=$SEL
	find_dev 0
	cl boot --board $FB "$HELLO"
	exits "boot without -s, two FEL devices" 14
	says "two devices: the message lists both paths" err \
		"($DEV.*$dev1|$dev1.*$DEV)"
	says "two devices: it says to pick one with -s" err "with -s"
	cl list
	if [ "$(grep -c "^usb .*board $FB" /tmp/out)" = 2 ]; then
		ok "list: both FEL devices"
	else
		not_ok "list: both FEL devices" "$(last)"
	fi
	cl status --board $FB -s "$sel1"
	exits "status -s $sel1 (BUS:DEVNUM, as lsusb prints it)" 0
	says "status -s $sel1 picks gadget 1 ($dev1)" out "^card +usb $dev1 "
	cl status --board $FB -s "$DEV"
	says "status -s $DEV picks gadget 0, whose ROM is READY" out "^rom +READY"
}

# ---- faults on the card: every one leaves it held, GO never written -----

unbind0() { sh /usb-gadget.sh unbind 0 >/dev/null; }
kill0() { sh /usb-gadget.sh kill 0 >/dev/null; }
stop0() { kill -STOP "$(cat /tmp/felmon.0.pid)"; }

card_held() { # NAME
	g=$(pci_go "$CARD")
	if [ "$g" != 0x21216f47 ]; then
		ok "$1: the card is held (go word $g, not GO)"
	else
		not_ok "$1: the card is held (go word not GO)" "$(last)"
	fi
}

section_cardload_faults() {
	# felmon -v on the card: mid_load watches its log
	gadget kill 0
	# shellcheck disable=SC2086
	gadget up 0 "$(bar "$CARD")" $FELMON_OPTS -v
	exits "gadget 0 up with felmon -v" 0
	need_dev 0 || return 1
	mid_load unbind0 boot --board $FB -s "$DEV" -O usb.chunk=1M "$BIG"
	exits "UDC unbound mid-load" 8
	says "UDC unbound: the message says the device disappeared" err \
		"disappeared"
	says "UDC unbound: the message names the FEL WRITE and its address" err \
		"FEL WRITE of [0-9]+ bytes at 0x8"
	card_held "UDC unbound"
	gadget bind 0
	exits "gadget 0 bound again" 0

	find_dev 0
	mid_load kill0 boot --board $FB -s "$DEV" -O usb.chunk=1M "$BIG"
	exits "monitor killed mid-load" 8
	card_held "monitor killed"
	# shellcheck disable=SC2086
	gadget up 0 "$(bar "$CARD")" $FELMON_OPTS -v
	exits "gadget 0 up again with a new felmon" 0

	find_dev 0
	mid_load stop0 boot --board $FB -s "$DEV" -O usb.timeout=1000 \
		-O usb.retries=1 -O usb.chunk=1M "$BIG"
	exits "monitor stopped mid-load (every transfer times out)" 8
	says "stopped monitor: the message says the transfer timed out" err \
		"timed out after 1000 ms"
	kill -CONT "$(cat /tmp/felmon.0.pid)"
	card_held "monitor stopped"
	# the monitor, running again, comes back to the start of an exchange
	sleep 0.5
	find_dev 0
	cl status --board $FB -s "$DEV"
	exits "status over USB after the stopped monitor runs again" 0
	says "the card's ROM still posts READY" out "^rom +READY"
}

# ---- 40 MiB over USB -----------------------------------------------------

# gadget 1's felmon refuses the third large WRITE once (--refuse-write):
# cardload resets the device, writes that message again and goes on.
section_cardload_big() {
	gadget kill 1
	# shellcheck disable=SC2086
	gadget up 1 "$(bar "$OTHER")" $FELMON_OPTS --refuse-write 3
	exits "gadget 1 up, its felmon refusing the 3rd large WRITE once" 0
	need_dev 1 || return 1
	t0=$(now)
	cl load --board $FB -s "$DEV" "$BIG"
	t1=$(now)
	exits "load of big-dyn (40 MiB) on gadget 1, read back and verified" 0
	says "load: verified" out "^verified "
	says "the refused WRITE was sent again after a reset, once" err \
		"FEL WRITE of [0-9]+ bytes at 0x8.*resetting the device and writing again \(1 of 2\)"
	if grep -q "refused on purpose" /tmp/felmon.1.log; then
		ok "felmon refused that WRITE (so the retry was needed)"
	else
		not_ok "felmon refused that WRITE" "$(monlog 1)"
	fi
	diag "load of 40 MiB with verify: $(mbps 41943040 "$t0" "$t1") MB/s"
	cl verify --board $FB -s "$DEV" "$BIG"
	exits "cardload verify of big-dyn over USB" 0
}

# ---- release = fel-exec ----------------------------------------------------

# Card 2's ROM spins behind gadget 1: FEL EXEC (felmon stages it in that
# ROM's mailbox) of a thunk that loads a0 and a2 and jumps to hello; the
# host checks card 2's UART.
section_cardload_exec() {
	need_dev 1 || return 1
	cl boot --dry-run --board /tmp/fe.board --base $EXEC_BASE \
		--arg 0=0x1234 --arg 2=0x5678 "$HELLO"
	says "fel-exec --dry-run: a thunk placed to load the arguments" out \
		"^data +fel-exec thunk \[0x87"
	cl boot --board /tmp/fe.board -s "$DEV" --base $EXEC_BASE \
		--arg 0=0x1234 --arg 2=0x5678 "$HELLO"
	exits "boot with release = fel-exec and --arg on gadget 1 (FEL EXEC)" 0
	says "fel-exec: released at the entry $EXEC_BASE" out \
		"^released +entry $EXEC_BASE"
}

# ---- the boot ------------------------------------------------------------

section_cardload_boot() {
	need_dev 0 || return 1
	t0=$(now)
	cl boot --board $FB -s "$DEV" --wait 30 "$HELLO"
	t1=$(now)
	exits "boot --wait of hello over USB: the payload reports DONE" 0
	says "boot: the image was verified" out "^verified "
	says "boot: the payload's status word says done" out \
		"^status +0x4f440000 \(payload done\)"
	diag "boot --wait of hello over USB: $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"
}
