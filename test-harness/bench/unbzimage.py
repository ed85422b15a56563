#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# unbzimage.py - the uncompressed kernel ELF (vmlinux) inside an x86 bzImage
#
#   python3 test-harness/bench/unbzimage.py VMLINUZ OUT
#
# A bzImage is real-mode setup code followed by a small decompressor that
# carries the kernel ELF as one compressed stream. Boot protocol 2.08+ says
# where: payload_offset and payload_length in the setup header (at 0x248),
# counted from the protected-mode code, which starts after the
# (setup_sects + 1) 512-byte sectors. Older or odd images are searched for
# a stream's magic instead. xz (Debian 12), gzip and zstd (through the zstd
# command) streams are understood. Writes OUT (via OUT.tmp) and checks that
# the result is an ELF file. A bench helper; python3 standard library only.
import gzip
import lzma
import os
import struct
import subprocess
import sys
import zlib

XZ = b"\xfd7zXZ\x00"
GZ = b"\x1f\x8b\x08"
ZSTD = b"\x28\xb5\x2f\xfd"


def payload(img):
    """Return the bytes from the compressed payload's start to the end."""
    if img[0x202:0x206] == b"HdrS" and struct.unpack_from("<H", img, 0x206)[0] >= 0x208:
        sects = img[0x1F1] or 4  # 0 means 4 in the oldest protocols
        off, length = struct.unpack_from("<II", img, 0x248)
        start = (sects + 1) * 512 + off
        if length and start + length <= len(img):
            return img[start:start + length]
    hits = [i for i in (img.find(m) for m in (XZ, GZ, ZSTD)) if i >= 0]
    if not hits:
        sys.exit("unbzimage: no xz, gzip or zstd stream found")
    return img[min(hits):]


def inflate(data):
    """Decompress one stream, ignoring whatever follows it."""
    if data.startswith(XZ):
        d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        out = d.decompress(data)
    elif data.startswith(GZ):
        d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out = d.decompress(data) + d.flush()
    elif data.startswith(ZSTD):
        # the kernel appends its 4-byte size; zstd stops at the frame end
        r = subprocess.run(["zstd", "-dcq"], input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        out = r.stdout
        if not out:
            sys.exit("unbzimage: zstd failed: %s" % r.stderr.decode(errors="replace"))
        return out
    else:
        sys.exit("unbzimage: payload is not xz, gzip or zstd (magic %s)" % data[:6].hex())
    if not d.eof:
        sys.exit("unbzimage: the compressed stream is truncated")
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: unbzimage.py VMLINUZ OUT")
    with open(sys.argv[1], "rb") as f:
        img = f.read()
    elf = inflate(payload(img))
    if not elf.startswith(b"\x7fELF"):
        sys.exit("unbzimage: the decompressed payload is not an ELF file")
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(elf)
    os.replace(tmp, sys.argv[2])


if __name__ == "__main__":
    main()
