#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# card.sh - start and stop a simulated card: QEMU riscv64 virt or x86 pc, RAM in /dev/shm
#
#   card.sh start DIR [NAME]       start a card held before its first
#                                  instruction (-S); write DIR/env
#   card.sh stop DIR               kill it (TERM, then KILL), remove its RAM
#                                  file and QMP socket; quiet if nothing runs
#   card.sh wait-exit DIR SECONDS  wait for QEMU to exit by itself (the
#                                  payload powers the machine off); status 1
#                                  on timeout, the card left running
#   card.sh run DIR                let the held CPU run (QMP cont): the ROM
#                                  posts READY and spins on the mailbox
#   card.sh state DIR              print QEMU's run state from QMP
#                                  query-status ("prelaunch" while held by
#                                  -S, "paused", "running", ...), or "exited"
#
# DIR/env, for `. DIR/env`:
#   RAM   /dev/shm/cardload-NAME-PID, 128 MiB, the card's RAM (mem.path)
#   QMP   DIR/qmp.sock, QEMU's QMP socket (mem.qmp)
#   UART  DIR/uart.log, everything the card writes to its ns16550
#   PID   QEMU's process id
#   GDB   DIR/gdb.sock, QEMU's gdbstub (the *-gdb machines; gdb.addr=unix:$GDB)
# NAME defaults to "card"; QEMU's own messages go to DIR/qemu.log.
#
# The ROM (a 32 MiB pflash image) is $CARDLOAD_ROM, else build/card-bsp/
# rom.bin of this repository; QEMU is $QEMU, else qemu-system-riscv64.
#
# CARD_MACHINE=x86_64 starts the x86 card instead (boards/qemu-pc-x86_64
# .board): qemu-system-x86_64 ($QEMU_X86) -M pc, 256 MiB of RAM, TCG, the
# 64 KiB card-bsp ROM as its BIOS ($CARDLOAD_ROM_X86, else build/card-bsp/
# rom-x86.bin), COM1 in DIR/uart.log, and isa-debug-exit at port 0xf4: a
# guest writing V there makes QEMU exit with status (V << 1) | 1 (so 1 for
# V = 0). The default, CARD_MACHINE=riscv64, is the RISC-V card above.
#
# CARD_MACHINE=riscv64-gdb and aarch64-gdb start a card with no ROM at all,
# for the gdb transport: QEMU's gdbstub on DIR/gdb.sock, held with -S,
# RAM in the shared file all the same (so tests can compare it), and
# -no-shutdown: a payload's power-off stops the machine (run state
# "shutdown") instead of ending QEMU, so its status word can still be read
# through the gdbstub.
# riscv64-gdb: -M virt -bios none, 128 MiB at 0x80000000 (boards/
# qemu-virt-riscv64-gdb.board). aarch64-gdb: qemu-system-aarch64
# ($QEMU_AARCH64) -M virt -cpu cortex-a53, 256 MiB at 0x40000000, PL011 in
# DIR/uart.log (boards/qemu-virt-aarch64-gdb.board).
# Start-up is bounded by $CARD_START_TIMEOUT seconds (default 10).
#
# Callers make sure nothing outlives them:
#     trap 'sh test-harness/card.sh stop "$D"' EXIT
#     trap 'exit 130' INT TERM
# `start` cleans up after itself when it fails or is interrupted.
#
# No -no-reboot: with it QEMU turns every reset request into a shutdown,
# including QMP system_reset, which cardload's mem.qmp uses to hold the CPU.
set -u

here=$(cd "$(dirname "$0")" && pwd)
case ${CARD_MACHINE:-riscv64} in
riscv64)
	QEMU=${QEMU:-qemu-system-riscv64}
	ROM=${CARDLOAD_ROM:-$here/../build/card-bsp/rom.bin}
	RAM_SIZE=128M
	ROM_SIZE=33554432
	ROM_WHAT="32 MiB (pflash size of -M virt)"
	;;
x86_64)
	QEMU=${QEMU_X86:-qemu-system-x86_64}
	ROM=${CARDLOAD_ROM_X86:-$here/../build/card-bsp/rom-x86.bin}
	RAM_SIZE=256M
	ROM_SIZE=65536
	ROM_WHAT="64 KiB (card-bsp/rom-x86)"
	;;
riscv64-gdb)
	QEMU=${QEMU:-qemu-system-riscv64}
	ROM=""
	RAM_SIZE=128M
	;;
aarch64-gdb)
	QEMU=${QEMU_AARCH64:-qemu-system-aarch64}
	ROM=""
	RAM_SIZE=256M
	;;
*)
	echo "card.sh: unknown CARD_MACHINE '$CARD_MACHINE'" \
		"(riscv64, x86_64, riscv64-gdb or aarch64-gdb)" >&2
	exit 1
	;;
esac

die() {
	echo "card.sh: $*" >&2
	exit 1
}

# Quote a value for a sh assignment.
shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

write_env() { # DIR RAM QMP UART PID
	{
		echo "RAM=$(shq "$2")"
		echo "QMP=$(shq "$3")"
		echo "UART=$(shq "$4")"
		echo "PID=$5"
		case ${CARD_MACHINE:-} in
		*-gdb) echo "GDB=$(shq "$1/gdb.sock")" ;;
		esac
	} >"$1/env.tmp" && mv -f "$1/env.tmp" "$1/env"
}

# Succeeds while PID is a live (not zombie) QEMU using the RAM file RAM;
# a recycled process id never matches.
alive() { # PID RAM
	[ -n "$1" ] && [ -r "/proc/$1/cmdline" ] || return 1
	case $(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" \
		2>/dev/null) in
	Z | X | "") return 1 ;;
	esac
	tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "mem-path=$2,"
}

# Wait up to SECONDS (fractions allowed, 0.05 s steps) for PID to go away.
gone_within() { # PID RAM SECONDS
	n=$(awk -v s="$3" 'BEGIN { printf "%d", s * 20 }')
	while alive "$1" "$2"; do
		[ "$n" -le 0 ] && return 1
		n=$((n - 1))
		sleep 0.05
	done
	return 0
}

do_stop() { # DIR
	[ -f "$1/env" ] || return 0
	RAM="" QMP="" PID=""
	. "$1/env"
	if [ -z "$PID" ] && [ -s "$1/qemu.pid" ]; then
		PID=$(cat "$1/qemu.pid" 2>/dev/null)
	fi
	if alive "$PID" "$RAM"; then
		kill -TERM "$PID" 2>/dev/null
		if ! gone_within "$PID" "$RAM" 5; then
			kill -KILL "$PID" 2>/dev/null
			gone_within "$PID" "$RAM" 5 ||
				echo "card.sh: QEMU $PID did not die" >&2
		fi
	fi
	# QEMU must not be mapping the file when it goes; it is gone by now.
	case $RAM in /dev/shm/cardload-*) rm -f "$RAM" ;; esac
	[ -n "$QMP" ] && rm -f "$QMP"
	rm -f "$1/gdb.sock"
	rm -f "$1/qemu.pid" "$1/env"
	return 0
}

do_start() { # DIR [NAME]
	dir=$1
	name=${2:-card}
	case $name in */* | "") die "bad card name '$name'" ;; esac
	mkdir -p "$dir" || die "cannot create '$dir'"
	dir=$(cd "$dir" && pwd)
	if [ -f "$dir/env" ]; then
		PID="" RAM=""
		. "$dir/env"
		alive "$PID" "$RAM" && die "a card already runs in '$dir' (pid $PID)"
		do_stop "$dir"
	fi
	command -v "$QEMU" >/dev/null 2>&1 || die "'$QEMU' not found"
	if [ -n "$ROM" ]; then
		[ -r "$ROM" ] || die "no ROM image '$ROM' (set CARDLOAD_ROM)"
		[ "$(stat -L -c %s "$ROM")" = $ROM_SIZE ] ||
			die "ROM image '$ROM' is not $ROM_WHAT"
	fi

	ram=/dev/shm/cardload-$name-$$
	qmp=$dir/qmp.sock
	uart=$dir/uart.log
	# From here on, stop knows what to clean up, even before QEMU runs.
	write_env "$dir" "$ram" "$qmp" "$uart" ""
	trap 'do_stop "$dir"; exit 130' INT TERM HUP
	rm -f "$ram" "$qmp" "$uart" "$dir/qemu.pid"
	: >"$uart"
	truncate -s $RAM_SIZE "$ram" || { do_stop "$dir"; die "cannot create '$ram'"; }

	backend="-object memory-backend-file,id=ram,size=$RAM_SIZE,mem-path=$ram,share=on"
	gdbsock="-gdb unix:$dir/gdb.sock,server=on,wait=off"
	case ${CARD_MACHINE:-riscv64} in
	riscv64-gdb)
		# no ROM: the gdb transport sets pc itself
		# shellcheck disable=SC2086
		"$QEMU" -M virt,memory-backend=ram -m $RAM_SIZE -smp 1 \
			-bios none $backend -nographic -serial file:"$uart" \
			-no-shutdown -monitor none -qmp unix:"$qmp",server=on,wait=off \
			$gdbsock -S -pidfile "$dir/qemu.pid" \
			</dev/null >"$dir/qemu.log" 2>&1 &
		;;
	aarch64-gdb)
		# shellcheck disable=SC2086
		"$QEMU" -M virt,memory-backend=ram -cpu cortex-a53 \
			-m $RAM_SIZE -smp 1 $backend -nographic \
			-serial file:"$uart" -monitor none -no-shutdown \
			-qmp unix:"$qmp",server=on,wait=off \
			$gdbsock -S -pidfile "$dir/qemu.pid" \
			</dev/null >"$dir/qemu.log" 2>&1 &
		;;
	x86_64)
		# -nodefaults: no VGA, NIC or option ROMs; only COM1 and the
		# exit port. TCG only.
		"$QEMU" -M pc,accel=tcg -m $RAM_SIZE -smp 1 -bios "$ROM" \
			-object memory-backend-file,id=ram,size=$RAM_SIZE,mem-path="$ram",share=on \
			-machine memory-backend=ram -nodefaults -display none \
			-serial file:"$uart" -monitor none \
			-device isa-debug-exit,iobase=0xf4,iosize=4 \
			-qmp unix:"$qmp",server=on,wait=off \
			-S -pidfile "$dir/qemu.pid" \
			</dev/null >"$dir/qemu.log" 2>&1 &
		;;
	*)
		"$QEMU" -M virt -m $RAM_SIZE -smp 1 -bios none \
			-object memory-backend-file,id=ram,size=$RAM_SIZE,mem-path="$ram",share=on \
			-machine memory-backend=ram \
			-drive if=pflash,unit=0,format=raw,file="$ROM",readonly=on \
			-nographic -serial file:"$uart" -monitor none \
			-qmp unix:"$qmp",server=on,wait=off \
			-S -pidfile "$dir/qemu.pid" \
			</dev/null >"$dir/qemu.log" 2>&1 &
		;;
	esac
	pid=$!
	write_env "$dir" "$ram" "$qmp" "$uart" "$pid"

	end=$(($(date +%s) + ${CARD_START_TIMEOUT:-10}))
	while [ ! -S "$qmp" ]; do
		if ! alive "$pid" "$ram"; then
			echo "card.sh: QEMU exited during start-up:" >&2
			sed 's/^/card.sh:   /' "$dir/qemu.log" >&2
			do_stop "$dir"
			exit 1
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			do_stop "$dir"
			die "no QMP socket '$qmp' after ${CARD_START_TIMEOUT:-10} s"
		fi
		sleep 0.02
	done
	# QMP answers only once the machine is built: its DTB is in RAM
	if ! qmp "$dir" query-status >/dev/null; then
		do_stop "$dir"
		die "QEMU did not answer on '$qmp'"
	fi
	trap - INT TERM HUP
	return 0
}

do_wait_exit() { # DIR SECONDS
	[ -f "$1/env" ] || die "no card in '$1'"
	PID="" RAM=""
	. "$1/env"
	gone_within "$PID" "$RAM" "$2"
}

# QMP: greeting, qmp_capabilities, query-status; events are skipped. QEMU
# serves one QMP client at a time, so this waits while cardload holds it.
# Run QMP commands on the card in DIR; print the last answer's "return".
qmp() { # DIR COMMAND...
	[ -f "$1/env" ] || die "no card in '$1'"
	PID="" RAM="" QMP=""
	. "$1/env"
	shift
	python3 - "$QMP" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw")
def reply():
    while True:
        line = f.readline()
        if not line:
            sys.exit("card.sh: QMP connection closed")
        m = json.loads(line)
        if "event" not in m:
            return m
reply()
for cmd in ["qmp_capabilities"] + sys.argv[2:]:
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    r = reply()
    if "error" in r:
        sys.exit("card.sh: QMP %s: %s" % (cmd, r["error"].get("desc")))
ret = r["return"]
print(ret["status"] if isinstance(ret, dict) and "status" in ret else "ok")
PY
}

do_state() { # DIR
	[ -f "$1/env" ] || die "no card in '$1'"
	PID="" RAM=""
	. "$1/env"
	alive "$PID" "$RAM" || { echo exited; return 0; }
	qmp "$1" query-status
}

case ${1:-} in
start)
	[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: card.sh start DIR [NAME]"
	do_start "$2" "${3:-}"
	;;
stop)
	[ $# -eq 2 ] || die "usage: card.sh stop DIR"
	do_stop "$2"
	;;
wait-exit)
	[ $# -eq 3 ] || die "usage: card.sh wait-exit DIR SECONDS"
	do_wait_exit "$2" "$3"
	;;
state)
	[ $# -eq 2 ] || die "usage: card.sh state DIR"
	do_state "$2"
	;;
run)
	[ $# -eq 2 ] || die "usage: card.sh run DIR"
	qmp "$2" cont >/dev/null
	;;
*)
	echo "usage: card.sh start DIR [NAME] | stop DIR |" \
		"wait-exit DIR SECONDS | state DIR | run DIR" >&2
	exit 2
	;;
esac
