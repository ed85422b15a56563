#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# gdbproxy.py - a GDB remote protocol proxy that can refuse writes and lie
#
#   gdbproxy.py --listen ADDR --to ADDR [--fail-writes ADDR:LEN]
#               [--log FILE] [--hostile KIND] [--x-to-m] [--no-p]
#               [--offer-noack]
#
# ADDR is unix:PATH or HOST:PORT. Listens, prints "ready" on stdout, takes
# one client, then connects to the stub at --to (so the stub only sees a
# connection once a client came) and forwards bytes both ways. It parses
# what the client sends ('$...#xx' packets with checksums, '+'/'-' acks,
# the bare 0x03 interrupt byte) and, to follow no-ack mode, the stub's
# reply to QStartNoAckMode. Packets with a bad checksum are forwarded as
# they are (the stub nacks them).
#
#   --fail-writes ADDR:LEN  (hex or decimal, repeatable) an M or X packet
#                 whose range overlaps [ADDR, ADDR+LEN) is not forwarded:
#                 the proxy acks it and answers $E0e#.. itself
#   --log FILE    appends a line per client packet: its first 40
#                 characters (non-printable bytes as '.'), then '...' when
#                 longer; the interrupt byte is logged as ^C
#   --hostile KIND  the first m packet (and resends of that same packet)
#                 is answered by the proxy, not forwarded, with:
#       badsum    the right number of hex digits with a wrong checksum,
#                 sent again on every '-' from the client, forever
#       huge      '$' and 1 MiB of hex digits, never a '#'
#       short     half as many hex digits as asked (one digit for 1 byte)
#       garbage   as many characters as asked, none of them hex
#       silent    an ack ('+' unless in no-ack mode) and no reply at all
#   --no-p        answer every P (register write) empty, as a stub without
#                 it does: the client must fall back to g and G
#   --offer-noack offer QStartNoAckMode in front of a stub that does not
#                 (QEMU): the proxy agrees to it itself, then acks the
#                 stub's packets on the client's behalf and drops the
#                 stub's acks on their way to the client
#   --x-to-m      play a stub that takes binary X writes in front of one
#                 that does not (QEMU): each X packet is un-escaped and sent
#                 on as the M packet of the same bytes, and the stub's
#                 PacketSize is offered as at most 0x7f0 so that the M
#                 packet, twice as long, still fits the stub
#
# The client's ack of a reply the proxy made itself is not forwarded (the
# stub sent nothing to ack); a '-' makes the proxy send its reply again.
# Exits with status 0 when either side closes the connection.
import argparse
import os
import select
import socket
import sys

HOSTILE = ("badsum", "huge", "short", "garbage", "silent")


def checksum(payload):
    return b"%02x" % (sum(payload) & 0xff)


def frame(payload):
    return b"$" + payload + b"#" + checksum(payload)


def sock_for(addr):
    if addr.startswith("unix:"):
        return socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), addr[5:]
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        sys.exit("gdbproxy: address '%s' is neither unix:PATH nor "
                 "HOST:PORT" % addr)
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM), (host, int(port))


def parse_range(text):
    a, sep, n = text.partition(":")
    try:
        if sep:
            return int(a, 0), int(n, 0)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError("'%s' is not ADDR:LEN" % text)


class Reader:
    """Splits a byte stream into items: (kind, raw bytes, payload), kind
    one of 'pkt' (with a good checksum), 'badpkt', 'ack', 'int', 'junk'."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        items = []
        while self.buf:
            c = self.buf[:1]
            if c in (b"$", b"%"):
                end = self.buf.find(b"#")
                if end < 0 or len(self.buf) < end + 3:
                    break
                raw, self.buf = self.buf[:end + 3], self.buf[end + 3:]
                payload = raw[1:end]
                good = raw[end + 1:].lower() == checksum(payload)
                items.append(("pkt" if good else "badpkt", raw, payload))
                continue
            kind = {b"+": "ack", b"-": "ack", b"\x03": "int"}.get(c, "junk")
            items.append((kind, c, c))
            self.buf = self.buf[1:]
        return items


def write_range(payload):
    """(addr, len) of an M or X packet, or None."""
    if payload[:1] not in (b"M", b"X"):
        return None
    head = payload[1:].split(b":", 1)[0]
    try:
        addr, n = (int(x, 16) for x in head.split(b","))
    except ValueError:
        return None
    return addr, n


def unescape(data):
    out, i = bytearray(), 0
    while i < len(data):
        if data[i] == 0x7d and i + 1 < len(data):
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def x_as_m(payload):
    """The M packet carrying an X packet's bytes, or None if it lies."""
    head, _, data = payload[1:].partition(b":")
    try:
        addr, n = (int(x, 16) for x in head.split(b","))
    except ValueError:
        return None
    data = unescape(data)
    if len(data) != n:
        return None
    return b"M%x,%x:" % (addr, n) + data.hex().encode()


def read_len(payload):
    try:
        return int(payload[1:].split(b",")[1], 16)
    except (IndexError, ValueError):
        return 0


def hostile_reply(kind, n):
    if kind == "badsum":
        body = b"00" * n
        return b"$" + body + b"#%02x" % ((sum(body) + 1) & 0xff)
    if kind == "huge":
        return b"$" + b"0" * (1 << 20)
    if kind == "short":
        return frame(b"0" * max(n, 1))
    if kind == "garbage":
        return frame(b"zz" * n)
    return b""


def printable(payload):
    text = bytes(b if 32 <= b < 127 else ord(".") for b in payload[:40])
    return text.decode("ascii") + ("..." if len(payload) > 40 else "")


class Proxy:
    def __init__(self, args, client, stub):
        self.args, self.client, self.stub = args, client, stub
        self.log = open(args.log, "a") if args.log else None
        self.noack = False
        self.asked_noack = False
        self.own = None  # our last reply, while its ack is due
        self.hostile_pkt = None  # the m packet --hostile answers
        self.asked_sup = False

    def to_client(self, data):
        if data:
            self.client.sendall(data)

    def reply(self, data):
        """Ack the client's packet and answer it ourselves."""
        self.to_client((b"" if self.noack else b"+") + data)
        self.own = data if data and not self.noack else None

    def refused(self, payload):
        r = write_range(payload)
        if r is None:
            return False
        for a, n in self.args.fail_writes:
            if r[0] < a + n and a < r[0] + r[1]:
                return True
        return False

    def from_client(self, kind, raw, payload):
        if kind == "ack" and self.own is not None:
            if raw == b"-":
                self.to_client(self.own)
            else:
                self.own = None
            return
        if kind in ("pkt", "badpkt", "int") and self.log:
            line = printable(payload) if kind != "int" else "^C"
            self.log.write(line + "\n")
            self.log.flush()
        if kind == "pkt":
            self.asked_noack = payload == b"QStartNoAckMode"
            if self.refused(payload):
                return self.reply(frame(b"E0e"))
            self.asked_sup = payload.startswith(b"qSupported")
            if self.args.no_p and payload[:1] == b"P":
                return self.reply(frame(b""))
            if self.args.offer_noack and payload == b"QStartNoAckMode":
                self.reply(frame(b"OK"))
                self.noack = True
                self.own = None
                self.asked_noack = False
                return
            if self.args.x_to_m and payload[:1] == b"X":
                m = x_as_m(payload)
                if m is None:
                    return self.reply(frame(b"E16"))
                return self.stub.sendall(frame(m))
            h = self.args.hostile
            if h and payload[:1] == b"m" and self.hostile_pkt in (None, raw):
                self.hostile_pkt = raw
                return self.reply(hostile_reply(h, read_len(payload)))
        self.stub.sendall(raw)

    def from_stub(self, kind, raw, payload):
        if kind == "pkt" and self.asked_noack:
            self.noack = payload == b"OK"
            self.asked_noack = False
        if kind == "pkt" and self.asked_sup:
            self.asked_sup = False
            feats = []
            for f in payload.split(b";"):
                if f.startswith(b"PacketSize=") and self.args.x_to_m:
                    f = b"PacketSize=%x" % min(int(f[11:], 16), 0x7f0)
                feats.append(f)
            if self.args.offer_noack:
                feats.append(b"QStartNoAckMode+")
            raw = frame(b";".join(feats))
        if self.args.offer_noack and self.noack:
            if kind == "ack":
                return  # the client takes none
            if kind == "pkt":
                self.stub.sendall(b"+")  # the stub still wants them
        self.to_client(raw)

    def run(self):
        readers = {self.client: Reader(), self.stub: Reader()}
        handle = {self.client: self.from_client, self.stub: self.from_stub}
        while True:
            for s in select.select(list(readers), [], [])[0]:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    return
                for item in readers[s].feed(data):
                    handle[s](*item)


def main():
    p = argparse.ArgumentParser(description="GDB remote protocol proxy")
    p.add_argument("--listen", required=True, metavar="ADDR")
    p.add_argument("--to", required=True, metavar="ADDR")
    p.add_argument("--fail-writes", type=parse_range, action="append",
                   default=[], metavar="ADDR:LEN")
    p.add_argument("--log", metavar="FILE")
    p.add_argument("--hostile", choices=HOSTILE)
    p.add_argument("--x-to-m", action="store_true")
    p.add_argument("--no-p", action="store_true")
    p.add_argument("--offer-noack", action="store_true")
    args = p.parse_args()

    lsock, laddr = sock_for(args.listen)
    if isinstance(laddr, str) and os.path.exists(laddr):
        os.unlink(laddr)
    if not isinstance(laddr, str):
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(laddr)
    lsock.listen(1)
    print("ready", flush=True)
    client = None
    try:
        client = lsock.accept()[0]
        stub, saddr = sock_for(args.to)
        try:
            stub.connect(saddr)
        except OSError as e:
            sys.exit("gdbproxy: cannot connect to '%s': %s"
                     % (args.to, e.strerror))
        with stub:
            Proxy(args, client, stub).run()
    except (BrokenPipeError, ConnectionResetError):
        pass
    except KeyboardInterrupt:
        return 130
    finally:
        if client:
            client.close()
        lsock.close()
        if isinstance(laddr, str) and os.path.exists(laddr):
            os.unlink(laddr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
