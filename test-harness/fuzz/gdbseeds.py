#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gdbseeds.py - seeds for fuzz_gdb: what a GDB stub (QEMU's gdbstub, or
gdbserver with run-length encoding) sends, and target descriptions

    python3 test-harness/fuzz/gdbseeds.py OUTDIR

Each file is HDR[4] BODY (see fuzz_gdb.c): HDR[0] & 63 the small receive
buffer, HDR[1..3] the chunk sizes; BODY stub traffic, or target
descriptions split at NUL bytes (document 0 the top one; an
<xi:include href="N.xml"> fetches document N).
"""
import os
import sys


def frame(data, start=b"$"):
    """data framed with its checksum (data already escaped)."""
    return start + data + b"#%02x" % (sum(data) & 0xFF)


def escape(data):
    out = bytearray()
    for c in data:
        if c in b"#$}*":
            out += bytes([0x7D, c ^ 0x20])
        else:
            out.append(c)
    return bytes(out)


def rle(data):
    """gdbserver's run-length encoding: c '*' n for runs of 4 or more
    (n = repeats + 29, never '#' or '$', at most 97 repeats)."""
    out, i = bytearray(), 0
    while i < len(data):
        c, j = data[i], i + 1
        while j < len(data) and data[j] == c and j - i < 98:
            j += 1
        rep = j - i - 1
        while rep + 29 in (ord("#"), ord("$")):
            rep -= 1
        if rep >= 3:
            out += bytes([c]) + b"*" + bytes([rep + 29])
            i += rep + 1
        else:
            out.append(c)
            i += 1
    return bytes(out)


RV_NAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1"] + \
    ["a%d" % i for i in range(8)] + ["s%d" % i for i in range(2, 12)] + \
    ["t%d" % i for i in range(3, 7)]


def feature(name, regs):
    """A <feature> document: regs are (name, bits, regnum or None, type)."""
    out = ['<?xml version="1.0"?>',
           '<!DOCTYPE feature SYSTEM "gdb-target.dtd">',
           '<feature name="%s">' % name]
    for n, bits, num, typ in regs:
        out.append('  <reg name="%s" bitsize="%d"%s type="%s"/>' %
                   (n, bits, "" if num is None else ' regnum="%d"' % num, typ))
    out.append("</feature>")
    return ("\n".join(out) + "\n").encode()


def target(arch, hrefs):
    out = ['<?xml version="1.0"?>',
           '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
           "<target>", "  <architecture>%s</architecture>" % arch]
    out += ['  <xi:include href="%s"/>' % h for h in hrefs]
    out.append("</target>")
    return ("\n".join(out) + "\n").encode()


def rv64_cpu():
    regs = [(n, 64, i, "data_ptr" if n in ("sp", "gp", "tp") else "int")
            for i, n in enumerate(RV_NAMES)]
    regs.append(("pc", 64, 32, "code_ptr"))
    return feature("org.gnu.gdb.riscv.cpu", regs)


def rv64_fpu():
    regs = [("f%d" % i, 64, 33 + i, "ieee_double") for i in range(32)]
    regs += [("fflags", 32, 66, "int"), ("frm", 32, 67, "int"),
             ("fcsr", 32, 68, "int")]
    return feature("org.gnu.gdb.riscv.fpu", regs)


def rv64_csr():
    regs = [("csr%d" % i, 64, 69 + i, "int") for i in range(0, 120)]
    return feature("org.gnu.gdb.riscv.csr", regs)


def a64_core():
    regs = [("x%d" % i, 64, None, "int") for i in range(31)]
    regs += [("sp", 64, None, "data_ptr"), ("pc", 64, None, "code_ptr"),
             ("cpsr", 32, None, "cpsr_flags")]
    return feature("org.gnu.gdb.aarch64.core", regs)


def seeds():
    s = {}
    qsup = b"PacketSize=1000;qXfer:features:read+;vContSupported+;" \
        b"multiprocess+"
    s["qemu-qsupported"] = b"+" + frame(qsup)
    s["qemu-noack"] = b"+" + frame(qsup.replace(b"multiprocess+",
                                                b"QStartNoAckMode+")) + \
        b"+" + frame(b"OK")
    s["qemu-stop"] = b"+" + frame(b"T05thread:p01.01;")
    s["stop-replies"] = b"".join(frame(x) for x in (
        b"S05", b"T02thread:01;", b"W00", b"X09;process:1", b"W01;process:a",
        b"S5", b"Tzz"))
    s["errors"] = b"".join(b"+" + frame(x) for x in (
        b"E14", b"E.the stub is sad", b"E0e", b"Ex1", b"", b"OK"))
    s["rle-zeros"] = b"+" + frame(b"0* ")
    mem = bytes(200) + bytes(range(64)) + b"\xff" * 120
    s["rle-read"] = b"+" + frame(rle(mem.hex().encode()))
    s["hex-read"] = b"+" + frame(mem[:256].hex().upper().encode())
    s["rle-bad"] = b"".join(frame(x) for x in (
        b"*9", b"0*\x1f", b"0*", b"ab}", b"0*~"))
    tx = target("riscv:rv64", ["riscv-64bit-cpu.xml"])
    s["xfer-escaped"] = b"+" + frame(b"m" + escape(tx[:80])) + \
        b"+" + frame(b"l" + escape(tx[80:])) + \
        b"+" + frame(b"l" + escape(bytes(range(256))))
    s["notify-console"] = frame(b"Stop:T05thread:01;", b"%") + b"\x03" + \
        frame(b"O48656c6c6f0a") + b"+" + frame(b"OK")
    s["bad-sum"] = b"-" + b"$OK#00" + b"$OK#9" + b"$OK#zz" + b"junk+" + \
        frame(b"E01")
    s["qsupported-bad"] = b"".join(frame(x) for x in (
        b"PacketSize=zz", b"PacketSize=10", b"PacketSize=200000", b";;",
        b"=1", b"+", b"PacketSize=", b"qXfer:features:read-;hwbreak+"))
    # a whole QEMU session: qSupported, ?, the description, reads, writes
    tx = target("riscv:rv64", ["riscv-64bit-cpu.xml", "riscv-64bit-fpu.xml"])
    s["qemu-session"] = b"".join([
        b"+", frame(qsup), b"+", frame(b"T05thread:p01.01;"),
        b"+", frame(b"l" + escape(tx)),
        b"+", frame(b"l" + escape(rv64_cpu())),
        b"+", frame(b"0000008000000000"), b"+", frame(b"OK"),
        b"+", frame(b""), b"+", frame(b"OK"), b"+", frame(b"S05")])

    # target descriptions (NUL separated documents)
    s["tdesc-qemu-riscv64"] = b"\0".join([
        target("riscv:rv64", ["1.xml", "2.xml", "3.xml"]),
        rv64_cpu(), rv64_fpu(), rv64_csr()])
    s["tdesc-qemu-aarch64"] = b"\0".join([
        target("aarch64", ["1.xml"]), a64_core()])
    s["tdesc-nested"] = b"\0".join([
        b'<target><xi:include href="1.xml"/></target>',
        b'<feature><xi:include href="2"/><reg name="a0" bitsize="32"/>'
        b"</feature>",
        b'<feature><xi:include href="0.xml"/></feature>'])
    s["tdesc-self"] = b'<target><xi:include href="0"/><reg name="pc" ' \
        b'bitsize="64"/></target>'
    s["tdesc-odd"] = (
        b'<?xml version="1.0"?><!-- <reg name="no" bitsize="8"/> -->'
        b"<![CDATA[<reg>]]><target version='1.0'>"
        b"<architecture> riscv:rv32 </architecture>"
        b"<reg name='x10' bitsize='32' regnum='10' save-restore='yes'/>"
        b'<reg name="%s" bitsize="8"/>' % (b"n" * 40) +
        b'<reg name="a>b" bitsize="16" regnum="65536"/>'
        b'<architecture/><reg name="bad" bitsize="0x10"/></target>')
    faults = [
        b'<target><reg bitsize="8"/></target>',
        b'<reg name="r" bitsize="99999999"/>',
        b'<reg name="r" bitsize="8" regnum=7/>',
        b'<xi:include href="%s"/>' % (b"x" * 200),
        b"<architecture>%s</architecture>" % (b"a" * 40),
        b"<architecture>aarch64", b"<!-- open", b"<reg name='x"]
    for i, doc in enumerate(faults):
        s["tdesc-fault%d" % i] = b'<target><xi:include href="1.xml"/>' \
            b"</target>\0" + doc
    s["tdesc-many"] = b"<target>" + b"".join(
        b'<reg name="r%d" bitsize="64"/>' % i for i in range(1030)) + \
        b"</target>"
    return s


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gdbseeds.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    hdrs = [bytes([0, 255, 0, 0]), bytes([16, 7, 1, 63]),
            bytes([40, 0, 2, 200]), bytes([63, 31, 5, 9])]
    for i, (name, body) in enumerate(sorted(seeds().items())):
        with open(os.path.join(out, name), "wb") as f:
            f.write(hdrs[i % len(hdrs)] + body)


if __name__ == "__main__":
    main()
