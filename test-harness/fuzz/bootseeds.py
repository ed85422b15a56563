#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bootseeds.py - seeds for fuzz_boot: FLAGS ARG IMAGE SEP SPECS SEP CMDLINE
SEP DTB (see fuzz_boot.c), from the given ELF images

    python3 test-harness/fuzz/bootseeds.py OUTDIR IMAGE...

SPECS name real symbols of each image (its .symtab: objects of 1, 2, 4 or
8 bytes get numbers, larger ones strings); the DTB is a small flattened
tree written here, or a recipe fuzz_boot builds one from.
"""
import os
import struct
import sys

SEP = b"\n%%CLFZ%%\n"


def symbols(data):
    """(name, size) of the defined STT_OBJECT symbols of an ELF64 LE."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    out = []
    try:
        sh = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
              for i in range(shnum)]
        for s in sh:
            if s[1] != 2:  # SHT_SYMTAB
                continue
            stroff = sh[s[6]][4]
            for k in range(s[5] // 24):
                name, info, _, shndx, _, size = struct.unpack_from(
                    "<IBBHQQ", data, s[4] + 24 * k)
                if info & 0xF != 1 or not shndx or not size:
                    continue
                end = data.index(b"\0", stroff + name)
                out.append((data[stroff + name:end], size))
    except (struct.error, ValueError, IndexError):
        pass
    return out


def fdt(cmdline=b"", extra_node=True):
    """A minimal flattened device tree: /chosen with bootargs, a memory
    node with reg, optionally one more node."""
    strings = b""
    offs = {}

    def soff(n):
        nonlocal strings
        if n not in offs:
            offs[n] = len(strings)
            strings += n + b"\0"
        return offs[n]

    def pad(b):
        return b + bytes(-len(b) % 4)

    def node(name):
        return struct.pack(">I", 1) + pad(name + b"\0")

    def prop(name, val):
        return struct.pack(">III", 3, len(val), soff(name)) + pad(val)

    end = struct.pack(">I", 2)
    st = node(b"") + prop(b"#address-cells", struct.pack(">I", 2))
    st += prop(b"#size-cells", struct.pack(">I", 2))
    st += node(b"chosen") + prop(b"bootargs", cmdline + b"\0") + end
    st += node(b"memory@80000000") + prop(b"device_type", b"memory\0")
    st += prop(b"reg", struct.pack(">QQ", 0x80000000, 16 << 20)) + end
    if extra_node:
        st += node(b"soc") + prop(b"compatible", b"simple-bus\0") + end
    st += end + struct.pack(">I", 9)
    rsv = bytes(16)
    off_rsv = 40
    off_st = off_rsv + len(rsv)
    off_str = off_st + len(st)
    total = off_str + len(strings)
    hdr = struct.pack(">IIIIIIIIII", 0xD00DFEED, total, off_st, off_str,
                      off_rsv, 17, 16, 0, len(strings), len(st))
    return hdr + rsv + st + strings


def seed(flags, arg, image, specs, cmdline, dtb):
    return (bytes([flags, arg]) + image + SEP + b"\n".join(specs) + SEP +
            cmdline + SEP + dtb)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bootseeds.py OUTDIR IMAGE...")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    recipe = b"soc\ncompatible=simple-bus\nchosen\nbootargs=old\n"
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            img = f.read()
        if len(img) > 900 << 10:
            continue
        syms = symbols(img)
        specs = []
        for name, size in syms[:8]:
            specs.append(name + (b"=0x5a" if size in (1, 2, 4, 8)
                                 else b"=str:fuzz"))
        base = os.path.basename(path)
        cmd = b"console=hvc0 root=/dev/ram0"
        for i, (flags, dtb) in enumerate([
                (0x01 | 0x08 | 0x10, fdt(b"old")),
                (0x01 | 0x20, fdt()),
                (0x01 | 0x04 | 0x20 | 0x80, recipe),
                (0x08 | 0x10 | 0x20 | 0x40, fdt(b"", False))]):
            with open(os.path.join(out, "%s-%d" % (base, i)), "wb") as f:
                f.write(seed(flags, 0x10, img, specs, cmd, dtb))
    with open(os.path.join(out, "no-image-dtb-only"), "wb") as f:
        f.write(seed(0x19, 0, b"", [], b"x", fdt(b"a")))


if __name__ == "__main__":
    main()
