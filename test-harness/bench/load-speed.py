#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# load-speed.py - how fast cardload puts a large ELF into card RAM, against baselines
#
#   python3 test-harness/bench/load-speed.py [BUILD_DIR]   (a measurement, not a test)
#
# Needs BUILD_DIR/cardload, BUILD_DIR/bench/vmlinux (test-harness/bench/
# vmlinux.sh) and BUILD_DIR/card-bsp/bulk-exec.elf(.gz) (make -C card-bsp
# bulk); `make bench` makes them. The .gz of vmlinux (gzip -9 -n) and the
# .zst (zstd -19) and .xz (xz -9) of both are made here, once, in
# BUILD_DIR/bench/.
#
# Per payload, BENCH_REPS times each (default 7), medians in a table:
#   cardload load of the .gz, the .elf (and .zst, .xz, --low-memory .gz when
#   this build supports them) into a fresh /dev/shm window (removed and
#   truncated again before every run, not timed), against the baselines
#   `gzip -dc IMAGE.gz > /dev/shm/x` and `objcopy -O binary IMAGE.elf
#   /dev/shm/x`; the peak RSS of every run (wait4); and the start-up cost
#   of QEMU's own -device loader: QEMU with the same shm-backed RAM started
#   with -S, QMP greeting, qmp_capabilities, quit, with and without it.
# Once per payload and format, outside the timed runs, cardload loads into
# a window filled with 0xa5 and the window is compared with the ELF's
# PT_LOAD segments (bss zero, except the parameter block cardload fills).
# Goals are reported ("ok" / "MISSED"), never enforced: the exit status is
# non-zero only when a command fails or a window is wrong.
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchrun  # noqa: E402
from benchrun import MiB  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
O = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
CARDLOAD = os.path.join(O, "cardload")
REPS = int(os.environ.get("BENCH_REPS", "7"))
SHM = "/dev/shm/cardload-bench-%d" % os.getpid()
WINDOW, OUT, QEMU_RAM = SHM + "-card", SHM + "-x", SHM + "-qemu"
UNSUPPORTED = re.compile(r"no (zstd|xz) support|unrecognized option|unknown option"
                         r"|not supported|not compiled")

PAYLOADS = [
    dict(title="Debian x86_64 vmlinux (ET_EXEC at p_paddr)",
         elf=os.path.join(O, "bench", "vmlinux"),
         gz=os.path.join(O, "bench", "vmlinux.gz"),
         board=os.path.join(ROOT, "test-harness", "bench", "x86_64-window.board"),
         base=0, ram=128 * MiB,
         qemu=["qemu-system-x86_64", "-M", "pc", "-accel", "tcg"]),
    dict(title="card-bsp bulk-exec.elf, riscv64 (ET_EXEC, big bss)",
         elf=os.path.join(O, "card-bsp", "bulk-exec.elf"),
         gz=os.path.join(O, "card-bsp", "bulk-exec.elf.gz"),
         board=os.path.join(ROOT, "boards", "qemu-virt-riscv64.board"),
         base=0x80000000, ram=128 * MiB,
         qemu=["qemu-system-riscv64", "-M", "virt", "-bios", "none"]),
]

failed = []


def fail(msg):
    failed.append(msg)
    print("load-speed: " + msg, file=sys.stderr)


def compress_all():
    """Make the missing or stale .gz/.zst/.xz files, nproc at a time."""
    jobs = []
    for p in PAYLOADS:
        stem = os.path.join(O, "bench", os.path.basename(p["elf"]))
        p["zst"], p["xz"] = stem + ".zst", stem + ".xz"
        for out, cmd in ((p["gz"], ["gzip", "-9", "-n", "-c"]),
                         (p["zst"], ["zstd", "-19", "-q", "-T1", "-c"]),
                         (p["xz"], ["xz", "-9", "-T1", "-c"])):
            if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(p["elf"]):
                jobs.append((out, cmd + [p["elf"]]))
    if jobs:
        print("load-speed: compressing %d files once (xz -9 takes a while)" % len(jobs),
              file=sys.stderr)
    running = []
    while jobs or running:
        while jobs and len(running) < (os.cpu_count() or 1):
            out, cmd = jobs.pop(0)
            f = open(out + ".tmp", "wb")
            running.append((out, cmd, f, subprocess.Popen(cmd, stdout=f)))
        out, cmd, f, proc = running.pop(0)
        rc = proc.wait()
        f.close()
        if rc != 0:
            benchrun.remove(out + ".tmp")
            sys.exit("load-speed: %s failed (exit %d)" % (" ".join(cmd), rc))
        os.replace(out + ".tmp", out)


def cardload_argv(p, image, extra=()):
    return [CARDLOAD, "load", "-b", p["board"], "-O", "mem.path=" + WINDOW,
            "--no-progress"] + list(extra) + [image]


def verify(p, label, image, extra, optional):
    """The untimed trial of one cardload row: load into a poisoned window
    and compare it with the ELF. Returns None (ok), "n/a" (OPTIONAL and
    cardload says it does not support that) or "FAILED"."""
    benchrun.fresh_file(WINDOW, p["ram"], fill=0xA5)
    js = SHM + "-json"
    _, rc, _, err = benchrun.run(cardload_argv(p, image, list(extra) + ["--json"]), stdout=js)
    try:
        with open(js) as f:
            plan = json.load(f).get("plan", {}) if rc == 0 else {}
    except ValueError as e:
        plan, rc, err = {}, -1, "--json output: %s" % e
    benchrun.remove(js)
    if rc != 0:
        if optional and UNSUPPORTED.search(err):
            return "n/a"
        fail("%s: %s exited %d: %s" % (p["title"], label, rc, err))
        return "FAILED"
    skip = []
    if plan.get("params"):
        # cardload fills the parameter block (in bss): magic "PARM", size at +8
        addr = int(plan["params"], 0)
        with open(WINDOW, "rb") as f:
            f.seek(addr - p["base"])
            head = f.read(12)
        if head[:4] == b"PARM" and int.from_bytes(head[8:12], "little") <= 65536:
            skip.append((addr, int.from_bytes(head[8:12], "little")))
    why = benchrun.check_window(WINDOW, p["base"], p["elf"], skip)
    if why:
        fail("%s: %s: the window is wrong: %s" % (p["title"], label, why))
        return "FAILED"
    return None


def repeat(argv, before, stdout=None):
    """BENCH_REPS timed runs of ARGV, BEFORE() untimed ahead of each.
    Returns ([ms], [peak RSS MiB]) or None after a failure."""
    times, rss = [], []
    for _ in range(REPS):
        before()
        secs, rc, mib, err = benchrun.run(argv, stdout=stdout)
        if rc != 0:
            fail("%s exited %d: %s" % (" ".join(argv), rc, err))
            return None
        times.append(secs * 1e3)
        rss.append(mib)
    return times, rss


def fresh_window(p):
    return lambda: benchrun.fresh_file(WINDOW, p["ram"])


def rm_out():
    benchrun.remove(OUT)


def pick_objcopy(p):
    """The first that takes the ELF: binutils objcopy, the same told the
    generic BFD target (binutils for x86_64 knows no RISC-V), llvm-objcopy.
    Returns (argv, None) or (None, error)."""
    with open(p["elf"], "rb") as f:
        ident = f.read(6)
    generic = "elf%d-%s" % (32 * ident[4], "little" if ident[5] == 1 else "big")
    err = "no objcopy"
    for argv in (["objcopy"], ["objcopy", "-I", generic], ["llvm-objcopy"]):
        if shutil.which(argv[0]):
            rm_out()
            _, rc, _, err = benchrun.run(argv + ["-O", "binary", p["elf"], OUT])
            if rc == 0:
                return argv, None
    return None, err


def qemu_rows(p):
    """(without, with) lists of ms: QEMU start-up, -device loader or not."""
    size = "%dM" % (p["ram"] // MiB)
    argv = p["qemu"] + [
        "-m", size, "-object",
        "memory-backend-file,id=ram,size=%s,mem-path=%s,share=on" % (size, QEMU_RAM),
        "-machine", "memory-backend=ram", "-nodefaults", "-display", "none",
        "-S", "-qmp", "stdio"]
    loader = argv + ["-device", "loader,file=" + p["elf"]]
    res = ([], [])
    try:
        for i in range(REPS + 1):  # the first of each is a warm-up
            for k, a in enumerate((argv, loader)):
                benchrun.remove(QEMU_RAM)
                ms = benchrun.qemu_start_quit(a) * 1e3
                if i:
                    res[k].append(ms)
    except (RuntimeError, OSError) as e:
        fail("%s: QEMU: %s" % (p["title"], e))
        return None
    finally:
        benchrun.remove(QEMU_RAM)
    return res


def fmt_row(name, t, ratio="", rss=None, goal=""):
    if t is None:
        return "  %-50s %s" % (name, goal)
    return "  %-50s %8.1f %8.1f %8.1f  %-12s %8s  %s" % (
        name, statistics.median(t), min(t), max(t), ratio,
        "" if rss is None else "%.1f" % statistics.median(rss), goal)


def goals(checks):
    return ", ".join("%s %s" % (what, "ok" if good else "MISSED") for what, good in checks)


def bench(p):
    elf_mib = os.path.getsize(p["elf"]) / MiB
    rows = []
    # baselines first: the cardload rows are compared with them
    rm_out()
    benchrun.run(["gzip", "-dc", p["gz"]], stdout=OUT)  # warm-up
    gzip = repeat(["gzip", "-dc", p["gz"]], rm_out, stdout=OUT)
    tool, err = pick_objcopy(p)
    if err:
        fail("%s: objcopy -O binary failed: %s" % (p["title"], err))
    objcopy = None if err else repeat(tool + ["-O", "binary", p["elf"], OUT], rm_out)
    rm_out()
    gzip_ms = statistics.median(gzip[0]) if gzip else None
    objcopy_ms = statistics.median(objcopy[0]) if objcopy else None

    def cardload_row(label, image, compressed, extra=(), optional=False,
                     goal=True):
        """goal: the issue's goals apply (the .gz, .elf and --low-memory
        rows); zstd and xz rows are shown beside them, without goals."""
        low_memory = "--low-memory" in extra
        state = verify(p, label, image, extra, optional)
        if state == "n/a":
            rows.append(fmt_row(label, None, goal="n/a (not supported by this build)"))
            return
        r = None if state else repeat(cardload_argv(p, image, extra), fresh_window(p))
        if r is None:
            rows.append(fmt_row(label, None, goal="FAILED (see above)"))
            return
        t, rss = r
        ms, peak = statistics.median(t), statistics.median(rss)
        if compressed:
            base, base_name, limit = gzip_ms, "gzip", 0.30
        else:
            base, base_name, limit = objcopy_ms, "objcopy", 1.0
        checks = []
        if base and goal and not low_memory:
            checks.append(("time", ms <= limit * base))
        if goal:
            checks.append(("rss", peak < 32) if low_memory else
                          ("rss", peak <= elf_mib + 16))
        ratio = "%.2fx %s" % (ms / base, base_name) if base else ""
        rows.append(fmt_row(label, t, ratio, rss, goals(checks)))

    cardload_row("cardload load .gz", p["gz"], True)
    name = "gzip -dc .gz > /dev/shm/x"
    rows.append(fmt_row(name, gzip[0], rss=gzip[1]) if gzip else
                fmt_row(name, None, goal="FAILED"))
    cardload_row("cardload load .elf", p["elf"], False)
    name = "%s -O binary .elf /dev/shm/x" % " ".join(tool or ["objcopy"])
    if tool and tool[0] != "objcopy":
        name += " (binutils objcopy refused it)"
    rows.append(fmt_row(name, objcopy[0], rss=objcopy[1]) if objcopy else
                fmt_row(name, None, goal="FAILED"))
    cardload_row("cardload load .zst (zstd -19)", p["zst"], True, optional=True,
                 goal=False)
    cardload_row("cardload load .xz (xz -9)", p["xz"], True, optional=True,
                 goal=False)
    cardload_row("cardload load --low-memory .gz", p["gz"], True, ["--low-memory"],
                 optional=True)

    q = qemu_rows(p)
    qemu = os.path.basename(p["qemu"][0])
    if q:
        rows.append(fmt_row("%s -S, QMP quit" % qemu, q[0]))
        rows.append(fmt_row("  the same + -device loader,file=.elf", q[1]))
        cost = statistics.median(q[1]) - statistics.median(q[0])
        rows.append("  %-50s %8.1f" % ("QEMU loader cost (difference of medians)", cost))
    else:
        rows.append(fmt_row("%s -device loader" % qemu, None, goal="FAILED (see above)"))
    return rows


def shown(path):
    rel = os.path.relpath(path, ROOT)
    return path if rel.startswith("..") else rel


def describe(p):
    segs = benchrun.pt_loads(p["elf"])
    lines = ["%s: %s" % (p["title"], shown(p["elf"])),
             "  ELF %d bytes; .gz %d (%.0f%%), .zst %d, .xz %d; board %s, window %d MiB"
             % (os.path.getsize(p["elf"]), os.path.getsize(p["gz"]),
                100.0 * os.path.getsize(p["gz"]) / os.path.getsize(p["elf"]),
                os.path.getsize(p["zst"]), os.path.getsize(p["xz"]),
                shown(p["board"]), p["ram"] // MiB)]
    for _, paddr, filesz, memsz in segs:
        lines.append("  PT_LOAD p_paddr 0x%08x  filesz %10d  memsz %10d" % (paddr, filesz, memsz))
    return lines


def main():
    for f in [CARDLOAD] + [p[k] for p in PAYLOADS for k in ("elf", "board")]:
        if not os.path.exists(f):
            sys.exit("load-speed: missing '%s' (make bench builds it)" % f)
    compress_all()
    benchrun.build_rusage(os.path.join(O, "bench"))
    print("cardload load speed: %d runs each, times in ms (median, min, max), "
          "peak RSS median in MiB" % REPS)
    print("machine: " + benchrun.machine())
    try:
        for p in PAYLOADS:
            print()
            print("\n".join(describe(p)))
            print("  %-50s %8s %8s %8s  %-12s %8s  %s" % (
                "", "median", "min", "max", "ratio", "RSS MiB", "goal"))
            sys.stdout.flush()
            print("\n".join(bench(p)))
            sys.stdout.flush()
    finally:
        for f in (WINDOW, OUT, QEMU_RAM):
            benchrun.remove(f)
    print()
    print("goals (.gz, .elf and --low-memory rows; zstd and xz are shown for comparison):")
    print("       time: .gz load <= 0.30 x gzip -dc, .elf load <= 1.0 x objcopy;")
    print("       rss: <= ELF size + 16 MiB, --low-memory < 32 MiB. Peak RSS includes")
    print("       the /dev/shm window's pages a loader touches through a mapping.")
    if failed:
        print("load-speed: %d failure(s), see above" % len(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
