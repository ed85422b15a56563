#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""expect-image.py - what card RAM should hold after cardload loads an ELF image

An independent model of the loader, written from the ELF specification and
not from cardload's code, so the end-to-end tests compare two implementations:

    expect-image.py IMAGE BASE WINDOW_ADDR WINDOW_SIZE OUT
    expect-image.py --selftest IMAGE [IMAGE...]

IMAGE may be gzip'd. BASE is where the lowest PT_LOAD lands for ET_DYN
("-" or any value is ignored for ET_EXEC, which goes to p_paddr). Each
PT_LOAD is placed, its p_filesz bytes copied and the rest up to p_memsz
zeroed, then RELATIVE relocations from DT_RELA, DT_REL, DT_RELR and
DT_JMPREL are applied with bias = BASE - lowest p_vaddr.

Writes OUT, a JSON list with one object per PT_LOAD in program-header order:
    {"addr": card address, "file": "OUT.segN", "offset": offset in the
     window, "phidx": n, "filesz": n, "memsz": n}
and OUT.segN holding the segment's memsz bytes as they must lie in card RAM.
Prints a JSON summary on stdout: type, machine, base, bias, entry, align
(largest p_align), span (lowest to highest loaded byte), relocations (count
of relocated words) and digest (the chained CRC-32 of cardboot.h, "0x%08x").

--selftest checks the relocation list against `llvm-readelf -r` (count,
offsets, addends where shown) and that loading at two bases differs exactly
by the bias change at the relocated words and nowhere else.

Standard library only.
"""
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import zlib

PT_LOAD, PT_DYNAMIC = 1, 2
ET_EXEC, ET_DYN = 2, 3
DT_NULL, DT_PLTRELSZ, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 2, 7, 8, 9
DT_REL, DT_RELSZ, DT_RELENT, DT_PLTREL, DT_JMPREL = 17, 18, 19, 20, 23
DT_RELRSZ, DT_RELR, DT_RELRENT = 35, 36, 37

# machine -> (name, R_*_NONE, R_*_RELATIVE)
RELATIVE = {
    243: ("R_RISCV_RELATIVE", 0, 3),      # EM_RISCV
    183: ("R_AARCH64_RELATIVE", 0, 1027),  # EM_AARCH64
    40: ("R_ARM_RELATIVE", 0, 23),         # EM_ARM
    62: ("R_X86_64_RELATIVE", 0, 8),       # EM_X86_64
    3: ("R_386_RELATIVE", 0, 8),           # EM_386
}


class ImageError(Exception):
    pass


def read_image(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


class Elf:
    """Just enough of an ELF file: header, program headers, dynamic tags."""

    def __init__(self, data):
        if len(data) < 16 or data[:4] != b"\x7fELF":
            raise ImageError("not an ELF file")
        self.data = data
        cls, enc = data[4], data[5]
        if cls not in (1, 2) or enc not in (1, 2):
            raise ImageError("bad ELF class or data encoding")
        self.bits = 64 if cls == 2 else 32
        self.e = "<" if enc == 1 else ">"
        self.word = 8 if cls == 2 else 4
        if self.bits == 64:
            hdr = struct.unpack_from(self.e + "HHIQQQIHHHHHH", data, 16)
        else:
            hdr = struct.unpack_from(self.e + "HHIIIIIHHHHHH", data, 16)
        (self.type, self.machine, _ver, self.entry, phoff, _shoff, _flags,
         _ehsize, phentsize, phnum, _she, _shn, _shstr) = hdr
        self.phdrs = []
        for i in range(phnum):
            off = phoff + i * phentsize
            if self.bits == 64:
                (p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz,
                 p_memsz, p_align) = struct.unpack_from(
                     self.e + "IIQQQQQQ", data, off)
            else:
                (p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz,
                 p_flags, p_align) = struct.unpack_from(
                     self.e + "IIIIIIII", data, off)
            self.phdrs.append(dict(idx=i, type=p_type, flags=p_flags,
                                   offset=p_offset, vaddr=p_vaddr,
                                   paddr=p_paddr, filesz=p_filesz,
                                   memsz=p_memsz, align=p_align))
        self.loads = [p for p in self.phdrs if p["type"] == PT_LOAD]
        if not self.loads:
            raise ImageError("no PT_LOAD segments")
        for p in self.loads:
            if p["filesz"] > p["memsz"] or \
               p["offset"] + p["filesz"] > len(data):
                raise ImageError("segment %d has bad sizes" % p["idx"])
        self.dyn = {}
        for p in self.phdrs:
            if p["type"] != PT_DYNAMIC:
                continue
            fmt = self.e + ("qQ" if self.bits == 64 else "iI")
            esz = struct.calcsize(fmt)
            for off in range(p["offset"], p["offset"] + p["filesz"], esz):
                tag, val = struct.unpack_from(fmt, data, off)
                if tag == DT_NULL:
                    break
                self.dyn.setdefault(tag, val)

    def file_bytes(self, vaddr, size):
        """The file's bytes at link address vaddr (inside one segment)."""
        for p in self.loads:
            if p["vaddr"] <= vaddr and vaddr + size <= p["vaddr"] + p["filesz"]:
                off = p["offset"] + vaddr - p["vaddr"]
                return self.data[off:off + size]
        raise ImageError("table at 0x%x+0x%x is not in the file" %
                         (vaddr, size))

    def relocations(self):
        """[(kind, link address, addend or None)] of every dynamic reloc;
        kind is 'relative' or 'none'. Raises on anything else."""
        if self.machine not in RELATIVE:
            raise ImageError("machine %d unknown" % self.machine)
        rname, r_none, r_rel = RELATIVE[self.machine]
        out = []
        w = self.word

        def table(addr, size, ent, rela):
            ent = ent or (3 if rela else 2) * w
            blob = self.file_bytes(addr, size)
            fmt = self.e + (("QQq" if rela else "QQ") if w == 8 else
                            ("IIi" if rela else "II"))
            for off in range(0, size - ent + 1, ent):
                rec = struct.unpack_from(fmt, blob, off)
                r_type = rec[1] & (0xffffffff if w == 8 else 0xff)
                if r_type == r_none:
                    continue
                if r_type != r_rel:
                    raise ImageError("relocation type %d at 0x%x is not %s"
                                     % (r_type, rec[0], rname))
                out.append(("rela" if rela else "rel", rec[0],
                            rec[2] if rela else None))

        d = self.dyn
        if DT_RELA in d:
            table(d[DT_RELA], d.get(DT_RELASZ, 0), d.get(DT_RELAENT), True)
        if DT_REL in d:
            table(d[DT_REL], d.get(DT_RELSZ, 0), d.get(DT_RELENT), False)
        if DT_JMPREL in d:   # no entry-size tag of its own
            table(d[DT_JMPREL], d.get(DT_PLTRELSZ, 0), None,
                  d.get(DT_PLTREL, DT_RELA) == DT_RELA)
        if DT_RELR in self.dyn:
            size = self.dyn.get(DT_RELRSZ, 0)
            blob = self.file_bytes(self.dyn[DT_RELR], size)
            fmt = self.e + ("Q" if w == 8 else "I")
            where = 0
            for off in range(0, size, w):
                (ent,) = struct.unpack_from(fmt, blob, off)
                if ent & 1 == 0:           # an address
                    out.append(("relr", ent, None))
                    where = ent + w
                else:                      # a bitmap of the next 8w-1 words
                    bits = ent >> 1
                    i = 0
                    while bits:
                        if bits & 1:
                            out.append(("relr", where + i * w, None))
                        bits >>= 1
                        i += 1
                    where += (8 * w - 1) * w
        return out


def expected(elf, base):
    """Segments as loaded: [(phdr, card address, bytearray)], and a summary."""
    if elf.type == ET_DYN:
        low = min(p["vaddr"] for p in elf.loads)
        bias = (base - low) % (1 << elf.bits)
        addr_of = lambda p: (p["vaddr"] + bias) % (1 << elf.bits)
        entry = (elf.entry + bias) % (1 << elf.bits)
    elif elf.type == ET_EXEC:
        bias = 0
        base = min(p["paddr"] for p in elf.loads)
        addr_of = lambda p: p["paddr"]
        entry = elf.entry
        for p in elf.loads:   # an entry given as a vaddr moves to its paddr
            if p["vaddr"] <= entry < p["vaddr"] + p["memsz"]:
                entry = entry - p["vaddr"] + p["paddr"]
                break
    else:
        raise ImageError("ELF type %d is neither ET_EXEC nor ET_DYN" % elf.type)

    segs = []
    for p in elf.loads:
        buf = bytearray(elf.data[p["offset"]:p["offset"] + p["filesz"]])
        buf += bytes(p["memsz"] - p["filesz"])
        segs.append((p, addr_of(p), buf))

    relocs = elf.relocations() if elf.type == ET_DYN else []
    wfmt = elf.e + ("Q" if elf.word == 8 else "I")
    mask = (1 << (8 * elf.word)) - 1
    for kind, where, addend in relocs:
        hits = [(p, buf) for p, _a, buf in segs
                if p["vaddr"] <= where and
                where + elf.word <= p["vaddr"] + p["memsz"]]
        if len(hits) != 1:
            raise ImageError("relocation at 0x%x hits %d segments" %
                             (where, len(hits)))
        p, buf = hits[0]
        off = where - p["vaddr"]
        if kind == "rela":
            val = (addend + bias) & mask
        else:        # REL and RELR: the addend is the word in place
            (old,) = struct.unpack_from(wfmt, buf, off)
            val = (old + bias) & mask
        struct.pack_into(wfmt, buf, off, val)

    # cardboot.h: file-backed bytes of each segment, chained (these test
    # images carry no parameter block, which would count as zeros)
    crc = 0
    for p, _a, buf in segs:
        crc = zlib.crc32(bytes(buf[:p["filesz"]]), crc)
    lo = min(a for _p, a, _b in segs)
    hi = max(a + len(b) for _p, a, b in segs)
    summary = {"type": "ET_DYN" if elf.type == ET_DYN else "ET_EXEC",
               "machine": elf.machine, "base": "0x%x" % base,
               "align": max([p["align"] for p in elf.loads] + [1]),
               "span": hi - lo,
               "bias": "0x%x" % bias, "entry": "0x%x" % entry,
               "relocations": len(relocs), "digest": "0x%08x" % crc}
    return segs, relocs, summary


def write_expect(image, base, win_addr, win_size, out):
    elf = Elf(read_image(image))
    segs, _relocs, summary = expected(elf, base)
    listing = []
    for n, (p, addr, buf) in enumerate(segs):
        if addr < win_addr or addr + len(buf) > win_addr + win_size:
            raise ImageError("segment %d [0x%x, 0x%x) is outside the window "
                             "[0x%x, 0x%x)" % (p["idx"], addr, addr + len(buf),
                                               win_addr, win_addr + win_size))
        name = "%s.seg%d" % (out, n)
        with open(name, "wb") as f:
            f.write(buf)
        listing.append({"addr": addr, "file": name, "offset": addr - win_addr,
                        "phidx": p["idx"], "filesz": p["filesz"],
                        "memsz": p["memsz"]})
    with open(out, "w") as f:
        json.dump(listing, f, indent=1)
        f.write("\n")
    print(json.dumps(summary))


def readelf_relocs(image, data):
    """Rows of `llvm-readelf -r`: [(offset, type name, addend or None)]."""
    path = image
    tmp = None
    with open(image, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    if gzipped:
        tmp = "/tmp/expect-image.%d.elf" % os.getpid()
        with open(tmp, "wb") as f:
            f.write(data)
        path = tmp
    try:
        text = subprocess.run(["llvm-readelf", "-r", path], check=True,
                              capture_output=True, text=True).stdout
    finally:
        if tmp:
            os.unlink(tmp)
    rows = []
    row = re.compile(r"^\s*([0-9a-f]+)\s+([0-9a-f]+)\s+(R_[A-Z0-9_]+)"
                     r"(?:\s+([0-9a-f]+))?\s*$")
    for line in text.splitlines():
        m = row.match(line)
        if m:
            add = int(m.group(4), 16) if m.group(4) else None
            rows.append((int(m.group(1), 16), m.group(3), add))
    return rows


def selftest(image):
    data = read_image(image)
    elf = Elf(data)
    fails = []
    relocs = elf.relocations() if elf.type == ET_DYN else []
    rows = readelf_relocs(image, data)
    rows = [r for r in rows if not r[1].endswith("_NONE")]
    if len(rows) != len(relocs):
        fails.append("count: readelf %d, ours %d" % (len(rows), len(relocs)))
    if sorted(r[0] for r in rows) != sorted(r[1] for r in relocs):
        fails.append("relocated offsets differ from readelf")
    rname = RELATIVE.get(elf.machine, ("?",))[0]
    if any(r[1] != rname for r in rows):
        fails.append("readelf shows types other than %s" % rname)
    ours = {r[1]: r[2] for r in relocs if r[2] is not None}
    for off, _t, add in rows:
        if add is not None and off in ours and ours[off] != add:
            fails.append("addend at 0x%x: readelf 0x%x, ours 0x%x" %
                         (off, add, ours[off]))
            break

    # Two bases: words differ by the bias change exactly where relocated.
    if elf.type == ET_DYN:
        align = max(p["align"] for p in elf.loads) or 1
        b1, b2 = 0x80000000, 0x80000000 + 16 * max(align, 0x1000)
        s1, _r, _s = expected(elf, b1)
        s2, _r, _s = expected(elf, b2)
        wfmt = elf.e + ("Q" if elf.word == 8 else "I")
        mask = (1 << (8 * elf.word)) - 1
        want = set(r[1] for r in relocs)
        for (p, _a1, x), (_q, _a2, y) in zip(s1, s2):
            for off in range(0, len(x) - elf.word + 1):
                va = p["vaddr"] + off
                if va in want:
                    u = struct.unpack_from(wfmt, x, off)[0]
                    v = struct.unpack_from(wfmt, y, off)[0]
                    if (v - u) & mask != (b2 - b1) & mask:
                        fails.append("word at 0x%x moved by 0x%x" %
                                     (va, (v - u) & mask))
                        break
            diff = [i for i in range(len(x)) if x[i] != y[i]]
            for i in diff:
                if not any(w <= p["vaddr"] + i < w + elf.word for w in want):
                    fails.append("byte at 0x%x changed but is not relocated"
                                 % (p["vaddr"] + i))
                    break
    print("%s: %d relocations (readelf %d)%s" %
          (image, len(relocs), len(rows),
           "" if not fails else ": FAIL " + "; ".join(fails)))
    return not fails


def num(s):
    return int(s, 0)


def main(argv):
    if len(argv) >= 2 and argv[0] == "--selftest":
        ok = True
        for img in argv[1:]:
            try:
                ok = selftest(img) and ok
            except (ImageError, OSError, struct.error,
                    subprocess.CalledProcessError) as e:
                print("%s: FAIL %s" % (img, e))
                ok = False
        return 0 if ok else 1
    if len(argv) != 5:
        sys.stderr.write("usage: expect-image.py IMAGE BASE WINDOW_ADDR "
                         "WINDOW_SIZE OUT\n"
                         "       expect-image.py --selftest IMAGE...\n")
        return 2
    image, base, waddr, wsize, out = argv
    try:
        write_expect(image, 0 if base == "-" else num(base), num(waddr),
                     num(wsize), out)
    except (ImageError, OSError, struct.error) as e:
        sys.stderr.write("expect-image: %s: %s\n" % (image, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
