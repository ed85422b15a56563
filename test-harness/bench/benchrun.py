# SPDX-License-Identifier: GPL-2.0-or-later
# benchrun.py - measuring helpers of load-speed.py (python3 standard library)
#
#   build_rusage(dir)       compile rusage.c into DIR once; run() uses it
#   run(argv, stdout=PATH)  one command, timed from fork to exit; returns
#                           seconds, exit code, peak RSS (MiB) of the child
#                           (wait4's ru_maxrss, through rusage.c: see there
#                           why not from Python) and its stderr
#   fresh_file(path, size)  a new zero-filled file of SIZE bytes (the "card
#                           RAM" of the mem transport), the old one removed
#   qemu_start_quit(argv)   start QEMU with -S -qmp stdio, wait for the QMP
#                           greeting, qmp_capabilities, quit; seconds until
#                           the process has exited
#   pt_loads(path)          the PT_LOAD segments of an ELF file
#   check_window(...)       does a window file hold an ELF's segments?
#   machine()               CPU model, cores, kernel, RAM as one line
import json
import mmap
import os
import select
import struct
import subprocess
import tempfile
import time

MiB = 1 << 20
RUSAGE = None  # the compiled rusage.c


def build_rusage(outdir):
    global RUSAGE
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rusage.c")
    RUSAGE = os.path.join(outdir, "rusage")
    if not os.path.exists(RUSAGE) or os.path.getmtime(RUSAGE) < os.path.getmtime(src):
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-o", RUSAGE, src],
                       check=True)


def run(argv, stdout=None):
    """Run ARGV (stdin /dev/null, stdout to the file STDOUT or /dev/null).
    Returns (seconds, exit code, peak RSS MiB, stderr text)."""
    with tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", prefix="cardload-bench-") as res:
        actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, stdout or "/dev/null",
                    os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                   (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        helper = [RUSAGE, res.name] + list(argv)
        pid = os.posix_spawn(RUSAGE, helper, os.environ, file_actions=actions)
        _, status = os.waitpid(pid, 0)
        err.seek(0)
        text = err.read().decode(errors="replace").strip()
        fields = res.read().split()
    if os.waitstatus_to_exitcode(status) != 0 or len(fields) != 3:
        return 0.0, -1, 0.0, "rusage helper failed: " + text
    secs, status, kib = float(fields[0]), int(fields[1]), int(fields[2])
    return secs, os.waitstatus_to_exitcode(status), kib / 1024, text


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def fresh_file(path, size, fill=None):
    """Remove PATH and make it again, SIZE bytes of zeros (or of FILL)."""
    remove(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.ftruncate(fd, size)
        if fill is not None:
            chunk = bytes([fill]) * MiB
            for off in range(0, size, MiB):
                os.pwrite(fd, chunk[:min(MiB, size - off)], off)
    finally:
        os.close(fd)


def _qmp_line(proc, deadline):
    """The next line QEMU writes on its QMP stdout, or None at EOF."""
    line = b""
    fd = proc.stdout.fileno()
    while not line.endswith(b"\n"):
        left = deadline - time.perf_counter()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError("QEMU did not answer on QMP")
        b = os.read(fd, 1)
        if not b:
            return None
        line += b
    return line


def _qmp_cmd(proc, name, deadline):
    proc.stdin.write(json.dumps({"execute": name}).encode() + b"\n")
    proc.stdin.flush()
    while True:
        line = _qmp_line(proc, deadline)
        if line is None:
            raise RuntimeError("QEMU closed QMP before answering %s" % name)
        msg = json.loads(line)
        if "return" in msg:
            return
        if "error" in msg:
            raise RuntimeError("QMP %s: %s" % (name, msg["error"]))


def qemu_start_quit(argv, timeout=60):
    """Seconds from starting ARGV (which must include -qmp stdio) until it
    has exited after QMP quit. Raises RuntimeError with QEMU's stderr."""
    deadline = time.perf_counter() + timeout
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=err)
        try:
            greeting = _qmp_line(proc, deadline)
            if greeting is None or b'"QMP"' not in greeting:
                raise RuntimeError("no QMP greeting")
            _qmp_cmd(proc, "qmp_capabilities", deadline)
            _qmp_cmd(proc, "quit", deadline)
            while _qmp_line(proc, deadline) is not None:
                pass
            rc = proc.wait(max(deadline - time.perf_counter(), 0.1))
            secs = time.perf_counter() - t0
        except (TimeoutError, RuntimeError, OSError, ValueError,
                subprocess.TimeoutExpired) as e:
            proc.kill()
            proc.wait()
            err.seek(0)
            raise RuntimeError("%s: %s %s" % (argv[0], e,
                               err.read().decode(errors="replace").strip()))
        finally:
            proc.stdin.close()
            proc.stdout.close()
    if rc != 0:
        raise RuntimeError("%s exited %d after quit" % (argv[0], rc))
    return secs


def pt_loads(path):
    """[(offset, paddr, filesz, memsz)] of the ELF file's PT_LOAD headers."""
    with open(path, "rb") as f:
        ident = f.read(16)
        if ident[:4] != b"\x7fELF" or ident[4] not in (1, 2) or ident[5] not in (1, 2):
            raise ValueError("%s: not an ELF file" % path)
        e = "<" if ident[5] == 1 else ">"
        if ident[4] == 2:
            hdr, ph = e + "16xHHIQQQIHHH", e + "IIQQQQQQ"
        else:
            hdr, ph = e + "16xHHIIIIIHHH", e + "IIIIIIII"
        f.seek(0)
        h = struct.unpack(hdr, f.read(struct.calcsize(hdr)))
        phoff, phentsize, phnum = h[4], h[8], h[9]
        segs = []
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p = struct.unpack(ph, f.read(struct.calcsize(ph)))
            if ident[4] == 2:  # type flags offset vaddr paddr filesz memsz align
                typ, off, paddr, filesz, memsz = p[0], p[2], p[4], p[5], p[6]
            else:              # type offset vaddr paddr filesz memsz flags align
                typ, off, paddr, filesz, memsz = p[0], p[1], p[3], p[4], p[5]
            if typ == 1:
                segs.append((off, paddr, filesz, memsz))
    return segs


def check_window(window, base, elf, skip=()):
    """None if WINDOW (a file whose offset 0 is card address BASE) holds
    every PT_LOAD of ELF at its p_paddr, with the bss part zero except the
    card address ranges in SKIP [(addr, size)]; else what is wrong."""
    with open(elf, "rb") as fe, open(window, "rb") as fw, \
            mmap.mmap(fw.fileno(), 0, access=mmap.ACCESS_READ) as w:
        for off, paddr, filesz, memsz in pt_loads(elf):
            at = paddr - base
            if at < 0 or at + memsz > len(w):
                return "segment at 0x%x is outside the window" % paddr
            fe.seek(off)
            for i in range(0, filesz, MiB):  # a MiB at a time: keep our RSS small
                n = min(MiB, filesz - i)
                if w[at + i:at + i + n] != fe.read(n):
                    return "segment at 0x%x: bytes differ from the ELF file" % paddr
            for i in range(at + filesz, at + memsz, MiB):
                chunk = bytearray(w[i:min(i + MiB, at + memsz)])
                for a, n in skip:
                    lo, hi = max(a - base - i, 0), min(a + n - base - i, len(chunk))
                    if lo < hi:
                        chunk[lo:hi] = bytes(hi - lo)
                if chunk.count(0) != len(chunk):
                    return "bss of the segment at 0x%x is not zero" % paddr
    return None


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                ram = "%.1f GiB" % (int(line.split()[1]) / (1 << 20))
    u = os.uname()
    return "%s, %d cores, %s %s %s, RAM %s" % (model, os.cpu_count(), u.sysname,
                                              u.release, u.machine, ram)
