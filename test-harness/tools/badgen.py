#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""badgen.py - generate the bad-input catalogue (BAD-INPUTS.md) from valid images

    python3 badgen.py OUTDIR DYN_ELF [EXEC_ELF [NOTE_ELF [SYMS_ELF]]]

DYN_ELF is a valid little-endian ELF64 ET_DYN image with PT_DYNAMIC and RELA
relocations (build/payloads/riscv64-dyn.elf); EXEC_ELF an ET_EXEC one
(build/payloads/riscv64-exec.elf), NOTE_ELF an ET_DYN one with a PT_NOTE
(build/card-bsp/hello-dyn.elf), SYMS_ELF one with a .symtab holding
magic_value and expect_cmdline (build/card-bsp/check-dyn.elf). Cases that need a missing optional image
are not generated. Writes one file per case, caseNN-short-name(.elf|.gz),
by editing bytes of the valid images (struct, zlib, gzip; no libelf), and
prints the names written, one per line.
"""
import gzip
import os
import struct
import sys
import zlib

PT_NULL, PT_LOAD, PT_DYNAMIC, PT_NOTE = 0, 1, 2, 4
PF_X = 1
DT_RELA, DT_RELASZ = 7, 8


class Elf:
    """An ELF64 little-endian image as a bytearray with field accessors."""

    def __init__(self, data):
        self.b = bytearray(data)
        if self.b[:4] != b"\x7fELF" or self.b[4] != 2 or self.b[5] != 1:
            sys.exit("badgen: not an ELF64 little-endian image")

    def copy(self):
        return Elf(bytes(self.b))

    # ELF header: (offset, struct format)
    EH = {"type": (16, "<H"), "machine": (18, "<H"), "version": (20, "<I"),
          "entry": (24, "<Q"), "phoff": (32, "<Q"), "shoff": (40, "<Q"),
          "phentsize": (54, "<H"), "phnum": (56, "<H"),
          "shentsize": (58, "<H"), "shnum": (60, "<H"),
          "shstrndx": (62, "<H")}
    PH = {"type": (0, "<I"), "flags": (4, "<I"), "offset": (8, "<Q"),
          "vaddr": (16, "<Q"), "paddr": (24, "<Q"), "filesz": (32, "<Q"),
          "memsz": (40, "<Q"), "align": (48, "<Q")}

    def get(self, name):
        off, fmt = self.EH[name]
        return struct.unpack_from(fmt, self.b, off)[0]

    def set(self, name, v):
        off, fmt = self.EH[name]
        struct.pack_into(fmt, self.b, off, v)
        return self

    def ph_off(self, i):
        return self.get("phoff") + i * 56

    def ph(self, i, name):
        off, fmt = self.PH[name]
        return struct.unpack_from(fmt, self.b, self.ph_off(i) + off)[0]

    def set_ph(self, i, name, v):
        off, fmt = self.PH[name]
        struct.pack_into(fmt, self.b, self.ph_off(i) + off, v)
        return self

    def phs(self, ptype):
        return [i for i in range(self.get("phnum"))
                if self.ph(i, "type") == ptype]

    def vaddr_to_off(self, va):
        for i in self.phs(PT_LOAD):
            v, n = self.ph(i, "vaddr"), self.ph(i, "filesz")
            if v <= va < v + n:
                return self.ph(i, "offset") + va - v
        sys.exit("badgen: vaddr 0x%x is in no segment's file bytes" % va)

    def dyn(self, tag):
        (d,) = self.phs(PT_DYNAMIC)
        off, n = self.ph(d, "offset"), self.ph(d, "filesz")
        for p in range(off, off + n, 16):
            t, v = struct.unpack_from("<qQ", self.b, p)
            if t == tag:
                return v
        sys.exit("badgen: no dynamic tag %d" % tag)


def gz(data, mtime=0):
    return gzip.compress(bytes(data), compresslevel=9, mtime=mtime)


def write(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)
    print(name)


def bomb(outdir, name, head, total):
    """head, then zeros up to total bytes, gzip'd in 1 MiB chunks (the
    generator never holds the output in memory)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zero = bytes(1 << 20)
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(c.compress(bytes(head)))
        left = total - len(head)
        while left > 0:
            n = min(left, len(zero))
            f.write(c.compress(zero[:n]))
            left -= n
        f.write(c.flush())
    print(name)


def gz_header(flags, rest=b""):
    return bytes([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]) + rest


def compressed_cases(out, v):
    # 1. bombs: a valid image padded with zeros; over the RAM cap (1 GiB)
    #    and, under it (64 MiB, 128 MiB of RAM), over the 1024:1 ratio cap
    bomb(out, "case01-bomb-1g.gz", v.b, 1 << 30)
    bomb(out, "case01-bomb-ratio.gz", v.b, 64 << 20)

    good = bytearray(gz(v.b))
    # 2. forged ISIZE
    for name, isize in (("zero", 0), ("4g", 0xffffffff)):
        g = bytearray(good)
        struct.pack_into("<I", g, len(g) - 4, isize)
        write(out, "case02-isize-%s.gz" % name, g)

    # 3. bad CRC, truncated trailer, truncated stream
    g = bytearray(good)
    g[-8] ^= 0x01
    write(out, "case03-bad-crc.gz", g)
    write(out, "case03-no-trailer.gz", good[:-8])
    write(out, "case03-short-trailer.gz", good[:-3])
    write(out, "case03-truncated-stream.gz", good[:len(good) // 2])

    # 4. several members, trailing garbage
    write(out, "case04-two-members.gz", good + good)
    write(out, "case04-trailing-garbage.gz", good + b"garbage\n")
    write(out, "case04-trailing-zeros.gz", good + bytes(512))

    # 5. corrupt headers. The deflate body of the valid member:
    body = good[10:]
    # FHCRC (0x02) with a wrong CRC16 of the header
    hdr = gz_header(0x02)
    hcrc = (zlib.crc32(hdr) & 0xffff) ^ 0x5555
    write(out, "case05-bad-hcrc.gz", hdr + struct.pack("<H", hcrc) + body)
    # FNAME (0x08) whose name never ends: no NUL up to the end of the file
    write(out, "case05-unterminated-name.gz",
          gz_header(0x08) + b"a" * 4096)
    # FEXTRA (0x04) whose length runs past the end of the file
    write(out, "case05-extra-overrun.gz",
          gz_header(0x04, struct.pack("<H", 0xffff)) + b"x" * 16)
    # too short: the magic and method only
    write(out, "case05-too-short.gz", bytes([0x1f, 0x8b, 8, 0]))
    # reserved flag bits set
    write(out, "case05-reserved-flags.gz", gz_header(0xe0) + body)


def header_cases(out, v):
    # 6. shorter than an ELF header; wrong class, order, version, machine,
    #    type
    write(out, "case06-short.elf", v.b[:40])
    e = v.copy()
    e.b[4] = 1
    write(out, "case06-class32.elf", e.b)
    e = v.copy()
    e.b[4] = 7
    write(out, "case06-class-invalid.elf", e.b)
    e = v.copy()
    e.b[5] = 2
    write(out, "case06-big-endian.elf", e.b)
    e = v.copy()
    e.b[6] = 2
    write(out, "case06-ident-version.elf", e.b)
    write(out, "case06-e-version.elf", v.copy().set("version", 0).b)
    write(out, "case06-machine-x86_64.elf", v.copy().set("machine", 62).b)
    write(out, "case06-type-rel.elf", v.copy().set("type", 1).b)
    write(out, "case06-type-core.elf", v.copy().set("type", 4).b)

    # 7. e_phentsize zero and wrong
    write(out, "case07-phentsize-0.elf", v.copy().set("phentsize", 0).b)
    write(out, "case07-phentsize-32.elf", v.copy().set("phentsize", 32).b)
    write(out, "case07-phentsize-57.elf", v.copy().set("phentsize", 57).b)

    # 8. table outside the file; phoff + phnum * phentsize overflowing
    write(out, "case08-phoff-past-eof.elf",
          v.copy().set("phoff", len(v.b) + 0x1000).b)
    write(out, "case08-phoff-wraps.elf",
          v.copy().set("phoff", (1 << 64) - 0x40).b)

    # 9. a table running past the end of the file: its first entries are
    #    in the file (the tail of the section headers), the rest are not
    n = v.get("phnum")
    write(out, "case09-table-past-eof.elf",
          v.copy().set("phoff", len(v.b) - 2 * 56).b)
    # the file cut inside the table
    write(out, "case09-file-cut.elf", v.b[:v.get("phoff") + (n // 2) * 56 + 20])

    # 10. no PT_LOAD: every PT_LOAD becomes PT_NULL
    e = v.copy()
    for i in e.phs(PT_LOAD):
        e.set_ph(i, "type", PT_NULL)
    write(out, "case10-no-load.elf", e.b)

    # 11. PN_XNUM: no section headers; section 0 lying; absurd counts
    write(out, "case11-xnum-no-shdrs.elf",
          v.copy().set("phnum", 0xffff).set("shoff", 0).set("shnum", 0)
          .set("shstrndx", 0).b)
    e = v.copy().set("phnum", 0xffff)
    struct.pack_into("<I", e.b, e.get("shoff") + 44, 60000)  # sh_info
    write(out, "case11-xnum-lying.elf", e.b)
    e = v.copy().set("phnum", 0xffff)
    struct.pack_into("<I", e.b, e.get("shoff") + 44, 0xffffffff)
    write(out, "case11-xnum-4g.elf", e.b)
    write(out, "case11-xnum-shoff-past-eof.elf",
          v.copy().set("phnum", 0xffff).set("shoff", len(v.b) + 0x10000).b)
    write(out, "case11-phnum-65534.elf", v.copy().set("phnum", 65534).b)

    # 12. garbage section headers: the image must still load
    e = v.copy()
    shoff, shnum = e.get("shoff"), e.get("shnum")
    for k in range(shnum * 64):
        e.b[shoff + k] = (0x9d * k + 0x37) & 0xff
    write(out, "case12-shdrs-garbage.elf", e.b)
    write(out, "case12-shoff-past-eof.elf",
          v.copy().set("shoff", (1 << 64) - 0x100).b)
    write(out, "case12-shentsize-shstrndx.elf",
          v.copy().set("shentsize", 7).set("shstrndx", 0xfffe).b)


def segment_cases(out, v):
    loads = v.phs(PT_LOAD)
    text = next(i for i in loads if v.ph(i, "flags") & PF_X)
    data = [i for i in loads if v.ph(i, "memsz") == v.ph(i, "filesz")
            and not v.ph(i, "flags") & PF_X][-1]
    last = loads[-1]

    # 13. p_filesz > p_memsz
    e = v.copy()
    e.set_ph(data, "memsz", e.ph(data, "filesz") // 2)
    write(out, "case13-filesz-gt-memsz.elf", e.b)

    # 14. p_offset + p_filesz past the end of the file, or wrapping
    e = v.copy()
    e.set_ph(text, "offset", len(e.b) - 0x10)
    write(out, "case14-offset-past-eof.elf", e.b)
    e = v.copy()
    e.set_ph(text, "offset", (1 << 64) - 0x10)
    write(out, "case14-offset-wraps.elf", e.b)
    e = v.copy()
    e.set_ph(last, "filesz", (1 << 64) - 0x10).set_ph(last, "memsz",
                                                      (1 << 64) - 0x10)
    write(out, "case14-filesz-wraps.elf", e.b)

    # 15. p_paddr (and p_vaddr) + p_memsz wrapping
    e = v.copy()
    top = (1 << 64) - 0x1000
    e.set_ph(last, "vaddr", top).set_ph(last, "paddr", top)
    write(out, "case15-addr-wraps.elf", e.b)
    e = v.copy()
    e.set_ph(last, "memsz", (1 << 64) - 0x100)
    write(out, "case15-memsz-wraps.elf", e.b)

    # 16. a zero-fill that fits no window (64 GiB of bss)
    e = v.copy()
    e.set_ph(last, "memsz", 1 << 36)
    write(out, "case16-huge-bss.elf", e.b)

    # 17. overlapping PT_LOADs: the data segment moved onto the text
    e = v.copy()
    at = e.ph(text, "vaddr") + 0x10
    e.set_ph(data, "vaddr", at).set_ph(data, "paddr", at)
    write(out, "case17-overlap.elf", e.b)

    # 19. p_align not a power of two, and absurd
    e = v.copy()
    e.set_ph(text, "align", 3)
    write(out, "case19-align-3.elf", e.b)
    e = v.copy()
    for i in loads:
        e.set_ph(i, "align", 1 << 40)
    write(out, "case19-align-2p40.elf", e.b)

    # 20. entry outside every executable segment: in the read-only data,
    #     and past every segment
    e = v.copy()
    ro = next(i for i in loads if not e.ph(i, "flags") & PF_X)
    write(out, "case20-entry-in-data.elf",
          e.set("entry", e.ph(ro, "vaddr") + 0x100).b)
    write(out, "case20-entry-past-end.elf",
          v.copy().set("entry", 0x4000000).b)

    # 21. 30000 tiny segments: a new table at the end of the file, the
    #     original headers first, then 1-byte PT_LOADs 16 bytes apart
    e = v.copy()
    n = e.get("phnum")
    table = bytearray(e.b[e.get("phoff"):e.get("phoff") + n * 56])
    base = 0x100000
    for k in range(30000 - n):
        table += struct.pack("<IIQQQQQQ", PT_LOAD, 4, 0, base + 16 * k,
                             base + 16 * k, 0, 1, 1)
    e.set("phoff", len(e.b)).set("phnum", 30000)
    write(out, "case21-30000-segments.elf", e.b + table)

    # 24. relocations the loader cannot apply
    rela = v.vaddr_to_off(v.dyn(DT_RELA))
    e = v.copy()
    struct.pack_into("<Q", e.b, rela + 8, 1 << 32 | 2)  # R_RISCV_64, sym 1
    write(out, "case24-symbolic.elf", e.b)
    e = v.copy()
    struct.pack_into("<Q", e.b, rela + 8, 0xfe)          # unknown type
    write(out, "case24-unknown-type.elf", e.b)
    e = v.copy()
    struct.pack_into("<Q", e.b, rela, 0x10000000)        # r_offset outside
    write(out, "case24-outside-image.elf", e.b)
    e = v.copy()
    sz = e.dyn(DT_RELASZ)
    (d,) = e.phs(PT_DYNAMIC)
    off = e.ph(d, "offset")
    for p in range(off, off + e.ph(d, "filesz"), 16):
        if struct.unpack_from("<q", e.b, p)[0] == DT_RELASZ:
            struct.pack_into("<Q", e.b, p + 8, sz + (1 << 40))
    write(out, "case24-relasz-huge.elf", e.b)


def exec_cases(out, x):
    loads = x.phs(PT_LOAD)
    first, last = loads[0], loads[-1]
    # 15. (ET_EXEC) p_paddr + p_memsz wrapping
    e = x.copy()
    e.set_ph(last, "paddr", (1 << 64) - 0x1000)
    write(out, "case15-exec-paddr-wraps.elf", e.b)
    # 16. a segment outside every window, and a zero-fill past RAM's end
    e = x.copy()
    e.set_ph(last, "paddr", 0x40000000).set_ph(last, "vaddr", 0x40000000)
    write(out, "case16-exec-outside-ram.elf", e.b)
    e = x.copy()
    e.set_ph(last, "memsz", 0x10000000)
    write(out, "case16-exec-bss-past-ram.elf", e.b)
    # 18. a segment over the reserved mailbox
    e = x.copy()
    e.set_ph(last, "paddr", 0x87c00000).set_ph(last, "vaddr", 0x87c00000)
    write(out, "case18-mailbox.elf", e.b)
    e = x.copy()
    e.set_ph(last, "paddr", 0x87dff000).set_ph(last, "vaddr", 0x87dff000)
    write(out, "case18-platform-dtb.elf", e.b)
    # 20. (ET_EXEC) entry before every segment
    write(out, "case20-exec-entry-outside.elf",
          x.copy().set("entry", x.ph(first, "paddr") - 0x1000).b)


def note_cases(out, h):
    (n,) = h.phs(PT_NOTE)
    off = h.ph(n, "offset")

    def note(name, namesz, descsz):
        e = h.copy()
        struct.pack_into("<II", e.b, off, namesz, descsz)
        write(out, "case22-%s.elf" % name, e.b)

    note("namesz-huge", 0xfffffff0, 4)
    note("descsz-huge", 9, 0xfffffff0)
    note("descsz-pad-wraps", 9, 0xfffffffd)   # rounding up to 4 wraps to 0
    note("namesz-pad-wraps", 0xffffffff, 0)
    e = h.copy()
    e.set_ph(n, "filesz", 1 << 40)
    write(out, "case22-segment-past-eof.elf", e.b)


def symbol_cases(out, c):
    """23. --set targets whose symbol lies outside its segment (the test
    runs them with --set magic_value=1 / expect_cmdline=str:x)."""
    shoff, shnum = c.get("shoff"), c.get("shnum")
    sh = [struct.unpack_from("<IIQQQQIIQQ", c.b, shoff + 64 * i)
          for i in range(shnum)]
    symtab = next(s for s in sh if s[1] == 2)           # SHT_SYMTAB
    stroff = sh[symtab[6]][4]
    syms = {}
    for p in range(symtab[4], symtab[4] + symtab[5], 24):
        name = struct.unpack_from("<I", c.b, p)[0]
        end = c.b.index(b"\0", stroff + name)
        syms[bytes(c.b[stroff + name:end]).decode()] = p
    top = max(c.ph(i, "vaddr") + c.ph(i, "memsz") for i in c.phs(PT_LOAD))
    e = c.copy()
    struct.pack_into("<Q", e.b, syms["magic_value"] + 8, top + 0x100000)
    write(out, "case23-symbol-outside.elf", e.b)
    e = c.copy()
    struct.pack_into("<Q", e.b, syms["expect_cmdline"] + 8, top - 0x40)
    write(out, "case23-symbol-straddles.elf", e.b)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    v = Elf(open(sys.argv[2], "rb").read())
    compressed_cases(out, v)
    header_cases(out, v)
    segment_cases(out, v)
    if len(sys.argv) > 3:
        exec_cases(out, Elf(open(sys.argv[3], "rb").read()))
    if len(sys.argv) > 4:
        note_cases(out, Elf(open(sys.argv[4], "rb").read()))
    if len(sys.argv) > 5:
        symbol_cases(out, Elf(open(sys.argv[5], "rb").read()))


if __name__ == "__main__":
    main()
