#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""badinputs.py - the bad inputs of /work/shared/BAD-INPUTS.md (cases 1-24),
written as files into OUTDIR, for the fuzz seed corpus

    python3 test-harness/fuzz/badinputs.py OUTDIR

Each file is named NN-what (NN: the case number). The images are riscv64
ELF64 little-endian, built here from nothing, aimed at the fuzz board:
RAM 0x80000000 + 16 MiB, mailbox reserved at 0x80ff0000.
"""
import gzip
import os
import struct
import sys
import zlib

RAM, MAILBOX = 0x80000000, 0x80FF0000
EM_RISCV, ET_EXEC, ET_DYN = 243, 2, 3
PT_LOAD, PT_DYNAMIC, PT_NOTE = 1, 2, 4
PF_X, PF_W, PF_R = 1, 2, 4


def ph(ptype=PT_LOAD, flags=PF_R | PF_X, off=0x1000, vaddr=RAM, paddr=None,
       filesz=0x100, memsz=None, align=0x1000):
    return [ptype, flags, off, vaddr, vaddr if paddr is None else paddr,
            filesz, filesz if memsz is None else memsz, align]


def elf(phdrs, entry=RAM, etype=ET_EXEC, machine=EM_RISCV, cls=2, data=1,
        version=1, phentsize=56, phnum=None, phoff=64, size=0x2000,
        shoff=0, shnum=0, shentsize=64, shstrndx=0, extra=b""):
    """An ELF64 LE file of size bytes: header, program headers, payload
    bytes 0x13 (a riscv nop-ish pattern), then extra at the end."""
    hdr = b"\x7fELF" + bytes([cls, data, version, 0]) + bytes(8)
    hdr += struct.pack("<HHIQQQIHHHHHH", etype, machine, version, entry,
                       phoff, shoff, 0, 64, phentsize,
                       len(phdrs) if phnum is None else phnum, shentsize,
                       shnum, shstrndx)
    body = bytearray(b"\x13" * max(size, 64))
    body[:64] = hdr
    table = b"".join(struct.pack("<IIQQQQQQ", *p) for p in phdrs)
    if phoff + len(table) <= len(body):
        body[phoff:phoff + len(table)] = table
    return bytes(body) + extra


def gz(b, **kw):
    return gzip.compress(b, mtime=0, **kw)


def note(name, ntype, desc):
    n = name + b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def cases():
    good = elf([ph()])
    yield "00-good", good
    yield "00-good.gz", gz(good)
    # compressed input
    yield "01-bomb.gz", gz(bytes(64 << 20), compresslevel=9)
    g = bytearray(gz(good))
    yield "02-isize-zero.gz", bytes(g[:-4]) + struct.pack("<I", 0)
    yield "02-isize-4g.gz", bytes(g[:-4]) + struct.pack("<I", 0xFFFFFFFF)
    b = bytearray(g)
    b[-8] ^= 0xFF
    yield "03-bad-crc.gz", bytes(b)
    yield "03-truncated-trailer.gz", bytes(g[:-3])
    yield "03-truncated-stream.gz", bytes(g[:len(g) // 2])
    yield "04-two-members.gz", bytes(g) + bytes(g)
    yield "04-trailing-garbage.gz", bytes(g) + b"garbage\0\xff"
    hcrc = bytearray(g[:10])
    hcrc[3] |= 0x02  # FHCRC
    yield "05-bad-header-crc.gz", bytes(hcrc) + b"\x00\x00" + bytes(g[10:])
    name = bytearray(g[:10])
    name[3] |= 0x08  # FNAME, never terminated
    yield "05-unterminated-name.gz", bytes(name) + b"a" * 200
    yield "05-too-short.gz", bytes(g[:6])
    # ELF headers
    yield "06-short", good[:40]
    yield "06-class32", elf([ph()], cls=1)
    yield "06-bigendian", elf([ph()], data=2)
    yield "06-version", elf([ph()], version=7)
    yield "06-machine-x86", elf([ph()], machine=62)
    yield "06-type-rel", elf([ph()], etype=1)
    yield "07-phentsize-0", elf([ph()], phentsize=0)
    yield "07-phentsize-1", elf([ph()], phentsize=1)
    yield "08-phoff-outside", elf([ph()], phoff=0x100000)
    yield "08-phoff-wraps", elf([ph()], phoff=0xFFFFFFFFFFFFFFF0)
    yield "09-truncated-table", elf([ph()], phnum=40, size=0x200)
    yield "10-no-load", elf([ph(ptype=6)])  # PT_PHDR only
    yield "11-pn-xnum-no-shdr", elf([ph()], phnum=0xFFFF)
    sh0 = struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 5000, 0, 0)
    yield "11-pn-xnum-lying", elf([ph()], phnum=0xFFFF, shoff=0x2000,
                                  shnum=0, extra=sh0)
    yield "11-absurd-phnum", elf([ph()], phnum=0xFFFE)
    yield "12-garbage-shdrs", elf([ph()], shoff=0x1F00, shnum=50,
                                  shentsize=64, shstrndx=49)
    # segments
    yield "13-filesz-gt-memsz", elf([ph(filesz=0x200, memsz=0x100)])
    yield "14-past-end", elf([ph(off=0x1F00, filesz=0x1000)])
    yield "14-offset-wraps", elf([ph(off=0xFFFFFFFFFFFFFF00)])
    yield "15-paddr-wraps", elf([ph(vaddr=0xFFFFFFFFFFFFF000,
                                    memsz=0x2000)],
                                entry=0xFFFFFFFFFFFFF000)
    yield "16-outside", elf([ph(vaddr=0x10000)], entry=0x10000)
    yield "16-huge-bss", elf([ph(memsz=1 << 40)])
    yield "17-overlap", elf([ph(), ph(off=0x1000, vaddr=RAM + 0x80)])
    yield "18-over-mailbox", elf([ph(vaddr=MAILBOX - 0x80)],
                                 entry=MAILBOX - 0x80)
    yield "19-align-0", elf([ph(align=0)])
    yield "19-align-3", elf([ph(align=3)])
    yield "19-align-huge", elf([ph(align=1 << 63)])
    yield "20-entry-outside", elf([ph()], entry=RAM + 0x10000)
    many = [ph(off=0x1000, vaddr=RAM + 0x10 * i, filesz=0x10)
            for i in range(4000)]
    yield "21-many-segments", elf(many, phoff=64, size=0x40000)
    bad = struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFF0, 1) + b"cardload\0\0\0\0"
    yield "22-note-huge", elf([ph(), ph(ptype=PT_NOTE, off=0x1800,
                                       filesz=len(bad), flags=PF_R)],
                              size=0x1800) + bad
    params = note(b"cardload", 2, struct.pack("<Q", RAM + 0x5000))
    img = bytearray(elf([ph(), ph(ptype=PT_NOTE, off=0x1800,
                                  filesz=len(params), flags=PF_R)]))
    img[0x1800:0x1800 + len(params)] = params
    yield "23-params-outside", bytes(img)
    dyn = struct.pack("<QQQQQQQQ", 7, 0x100000, 8, 24 * 1000, 9, 24, 0, 0)
    img = bytearray(elf([ph(filesz=0x1000, memsz=0x1000, flags=PF_R | PF_W | PF_X),
                         ph(ptype=PT_DYNAMIC, off=0x1800, vaddr=RAM + 0x800,
                            filesz=len(dyn), flags=PF_R | PF_W)],
                        etype=ET_DYN, entry=RAM))
    img[0x1800:0x1800 + len(dyn)] = dyn
    yield "24-rela-outside", bytes(img)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: badinputs.py OUTDIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in cases():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
