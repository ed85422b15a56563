#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gdb-faults.sh - the gdb transport when things go wrong: every refusal or
# failure is a clear error and exit code, and the target is never released
#
#   - no stub listening, no gdb.addr: exit 6, exit 2
#   - an image too big for the card's RAM, and an image for another
#     architecture: refused before cardload sends a single byte (a
#     listening socket that records what it gets stays empty)
#   - the board's machine is not the stub's (a riscv64 board against an
#     aarch64 QEMU): exit 6 naming both, RAM unchanged, CPU held
#   - QEMU killed mid-load: exit 8, "connection lost"
#   - a stub that takes X (binary) writes, played by gdbproxy.py in front
#     of QEMU: a 40 MiB image goes in X packets, RAM as modelled
#   - a stub without P that offers no-ack mode (gdbproxy.py): arguments
#     set through g and G, no acks
#   - a stub that answers E to writes in a range (gdbproxy.py in front of
#     QEMU): exit 8 naming the address, the card held (never continued,
#     no GO in the mailbox)
#   - hostile replies to a memory read (bad checksums, a reply without end,
#     short, non-hex, none at all): exit 8 with a message naming the
#     request, within the exchange timeout
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../card-lib.sh"

RV_GDB=qemu-virt-riscv64-gdb
A64_GDB=qemu-virt-aarch64-gdb
HELLO_DYN=$CARD_BSP/hello-dyn.elf.gz
BIG=$CARD_BSP/big-dyn.elf.gz
PROXY=test-harness/gdb/gdbproxy.py
MB_GO_W=$MB_GO
require_card "$HELLO_DYN" "$BIG"

# Refused: exit CODE and a message matching RE (grep -E).
refused() { # LABEL CODE RE
	is "$1: exit $2" "$RC" "$2"
	if grep -qE -- "$3" "$T/err"; then
		ok "$1: the message names the problem"
	else
		not_ok "$1: the message names the problem" "want /$3/" \
			"$(last_run)"
	fi
}

# A unix socket that accepts connections and records every byte it gets in
# $T/rec.bytes (and one line per connection in $T/rec.conns).
recorder_up() {
	rm -f "$T/rec.sock" "$T/rec.bytes" "$T/rec.conns"
	: >"$T/rec.bytes"
	: >"$T/rec.conns"
	/usr/bin/python3 - "$T/rec.sock" "$T/rec.bytes" "$T/rec.conns" \
		<<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
while True:
    c, _ = s.accept()
    open(sys.argv[3], "a").write("conn\n")
    while True:
        b = c.recv(65536)
        if not b:
            break
        open(sys.argv[2], "ab").write(b)
    c.close()
PY
	REC_PID=$!
	for _ in $(seq 100); do [ -S "$T/rec.sock" ] && break; sleep 0.02; done
}
recorder_down() { kill "$REC_PID" 2>/dev/null; wait "$REC_PID" 2>/dev/null; }

# ---- without a stub ------------------------------------------------------

run_cl boot --board $RV_GDB -O gdb.addr="unix:$T/nothing.sock" "$HELLO_DYN"
refused "no stub listening" 6 "nothing\.sock: cannot connect"

run_cl boot --board $RV_GDB -O gdb.addr=localhost:1 "$HELLO_DYN"
refused "no stub on TCP port 1" 6 "gdb localhost:1: cannot connect"

run_cl boot --board $RV_GDB -O gdb.addr=nocolon "$HELLO_DYN"
refused "gdb.addr without a port" 2 "want HOST:PORT or unix:PATH"

recorder_up
run_cl boot --board $RV_GDB -O gdb.addr="unix:$T/rec.sock" --base 0x87000000 \
	"$BIG"
refused "40 MiB image at 0x87000000 (past the end of RAM)" 5 \
	"not inside one RAM window"
run_cl boot --board $A64_GDB -O gdb.addr="unix:$T/rec.sock" "$HELLO_DYN"
refused "riscv64 image on the aarch64 board" 4 "riscv64|RISC-V|machine"
sleep 0.2
is "refusals before any packet: no connection to the stub" \
	"$(wc -l <"$T/rec.conns") bytes $(wc -c <"$T/rec.bytes")" "0 bytes 0"
recorder_down

# ---- QEMU's gdbstub ------------------------------------------------------

# the board's machine is not the stub's
if CARD_MACHINE=aarch64-gdb card_up 1; then
	before=$(snapshot "$RAM")
	run_cl boot --board $RV_GDB -O gdb.addr="unix:$GDB" "$HELLO_DYN"
	refused "riscv64 board, aarch64 QEMU" 6 "target is 'aarch64'.*riscv64"
	if cmp -s "$before" "$RAM"; then
		ok "riscv64 board, aarch64 QEMU: RAM unchanged"
	else
		not_ok "riscv64 board, aarch64 QEMU: RAM unchanged"
	fi
	rm -f "$before"
	is "riscv64 board, aarch64 QEMU: CPU still held" "$(card_runstate)" \
		prelaunch
	sh $CARD_SH stop "$D"
else
	not_ok "aarch64 card starts" "$(cat "$T/card.err")"
fi

# QEMU killed mid-load: once the first bytes reach its RAM
if CARD_MACHINE=riscv64-gdb card_up 1; then
	off=$(( (0x80000000 - WIN_ADDR) + 0x100000 ))
	(
		for _ in $(seq 500); do
			[ "$(od -An -tx8 -j $off -N 8 "$RAM" | tr -d ' ')" != \
				0000000000000000 ] && break
			sleep 0.01
		done
		kill -9 "$PID"
	) &
	killer=$!
	run_cl load --board $RV_GDB -O gdb.addr="unix:$GDB" "$BIG"
	wait "$killer"
	refused "QEMU killed mid-load" 8 "connection lost|connection is gone"
	if grep -q "released\|staged" "$T/out"; then
		not_ok "QEMU killed mid-load: nothing staged or released" \
			"$(last_run)"
	else
		ok "QEMU killed mid-load: nothing staged or released"
	fi
	sh $CARD_SH stop "$D"
else
	not_ok "riscv64 card starts" "$(cat "$T/card.err")"
fi

# ---- a stub that refuses or lies: gdbproxy.py in front of QEMU ------------

# Start a riscv64 gdb card and a proxy in front of it; PSOCK is the proxy.
proxy_card_up() { # PROXY_ARGS...
	PSOCK=$T/proxy.sock
	rm -f "$PSOCK" "$T/proxy.out"
	CARD_MACHINE=riscv64-gdb card_up 1 || return 1
	/usr/bin/python3 $PROXY --listen "unix:$PSOCK" --to "unix:$GDB" \
		--log "$T/proxy.log" "$@" >"$T/proxy.out" 2>&1 &
	PROXY_PID=$!
	for _ in $(seq 200); do
		grep -q ready "$T/proxy.out" 2>/dev/null && return 0
		sleep 0.02
	done
	return 1
}
proxy_card_down() {
	kill "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
	sh $CARD_SH stop "$D"
}
# The card was never released: QEMU still held, no GO in the mailbox.
still_held() { # LABEL
	is "$1: QEMU never continued" "$(card_runstate)" prelaunch
	isnt "$1: no GO in the mailbox" "$(mb_word "$RAM" $MB_GO)" $CB_GO
}

# a stub that takes binary X writes (the proxy turns each into QEMU's M):
# the image goes in X packets, escapes and all, byte for byte
if proxy_card_up --x-to-m; then
	: >"$T/proxy.log"
	before=$(snapshot "$RAM")
	run_cl load --board $RV_GDB -O gdb.addr="unix:$PSOCK" --json "$BIG"
	check_load "big-dyn in X packets" "$BIG" "$RAM" "$before" staged ""
	rm -f "$before"
	nx=$(grep -c '^X8' "$T/proxy.log")
	nm=$(grep -c '^M8' "$T/proxy.log")
	if [ "$nx" -gt 1000 ] && [ "$nm" = 0 ]; then
		ok "big-dyn in X packets: $nx X packets, no M"
	else
		not_ok "big-dyn in X packets: X packets only" "X: $nx, M: $nm"
	fi
	proxy_card_down
else
	not_ok "proxy starts" "$(cat "$T/proxy.out" "$T/card.err")"
fi

# a stub without P (registers by g and G) that offers no-ack mode: hello
# boots with its arguments all the same, and no acks are exchanged
if proxy_card_up --no-p --offer-noack; then
	: >"$T/proxy.log"
	run_cl boot --board $RV_GDB -O gdb.addr="unix:$PSOCK" --wait=30 -v \
		--arg 0=0x1234 --arg 3=0x55 "$HELLO_DYN"
	is "no P, no-ack: boot --wait exits 0" "$RC" 0
	is "no P, no-ack: hello got a0..a3 through G" \
		"$(tr -d '\r' <"$UART" | grep -m1 -F 'hello: a0=' |
			sed 's/^.*hello: //')" \
		"a0=0x1234 a1=0x87e00000 a2=0x0 a3=0x55"
	if grep -q '^G' "$T/proxy.log" && grep -q "no-ack mode" "$T/err"; then
		ok "no P, no-ack: cardload fell back to G and took no-ack mode"
	else
		not_ok "no P, no-ack: cardload fell back to G and took no-ack mode" \
			"$(grep -c '^G' "$T/proxy.log") G packets" "$(last_run)"
	fi
	proxy_card_down
else
	not_ok "proxy starts" "$(cat "$T/proxy.out" "$T/card.err")"
fi

# writes to [0x80001000, 0x80001010) answered E0e: hello's second segment
if proxy_card_up --fail-writes 0x80001000:0x10; then
	run_cl boot --board $RV_GDB -O gdb.addr="unix:$PSOCK" "$HELLO_DYN"
	refused "E0e to writes at 0x80001000" 8 \
		"refused 'M 0x80001000,[0-9]+' at 0x80001000 \(E0e\)"
	still_held "E0e to writes at 0x80001000"
	proxy_card_down
else
	not_ok "proxy starts" "$(cat "$T/proxy.out" "$T/card.err")"
fi

# hostile replies to the first memory read (the mailbox's go word, read
# at attach) and to every resend of that request; timeouts of 2 s
hostile() { # KIND CODE RE
	local t0 t1
	if ! proxy_card_up --hostile "$1"; then
		not_ok "hostile $1: proxy starts" "$(cat "$T/proxy.out")"
		return
	fi
	t0=$(date +%s%N)
	run_cl boot --board $RV_GDB -O gdb.addr="unix:$PSOCK" \
		-O gdb.timeout=2000 "$HELLO_DYN"
	t1=$(date +%s%N)
	refused "hostile $1 reply to 'm'" "$2" "$3"
	if [ $(((t1 - t0) / 1000000)) -lt 8000 ]; then
		ok "hostile $1: over within 8 s"
	else
		not_ok "hostile $1: over within 8 s" \
			"took $(((t1 - t0) / 1000000)) ms"
	fi
	still_held "hostile $1"
	proxy_card_down
}
M_GO="'m 0x87c0000c,4'"
hostile badsum 8 "3 replies to $M_GO with a bad checksum"
hostile huge 8 "reply to $M_GO is longer than"
hostile garbage 8 "malformed reply to $M_GO"
hostile silent 8 "no reply to $M_GO within 2000 ms"
# fewer bytes than asked is allowed (the rest is asked for again), but the
# proxy's made-up bytes are caught when the go word is read back
hostile short 9 "go word at 0x87c0000c reads back 0x[0-9a-f]+, wrote 0x21216f47"

end_cards
