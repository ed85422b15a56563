#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# load-speed.py - how fast cardload puts a large ELF into card RAM, before and
# after, against baselines
#
#   python3 test-harness/bench/load-speed.py [BUILD_DIR [BASE_DIR]]
#   (a measurement, not a test)
#
# Needs BUILD_DIR/cardload, BUILD_DIR/bench/vmlinux (test-harness/bench/
# vmlinux.sh), BUILD_DIR/bench/codedense.elf (test-harness/bench/
# codedense.sh) and BUILD_DIR/card-bsp/bulk-exec.elf(.gz) (make -C card-bsp
# bulk); `make bench` makes them. The .gz of vmlinux and codedense.elf
# (gzip -9 -n) and the .zst (zstd -19) and .xz (xz -9) of all three are
# made here, once, in BUILD_DIR/bench/.
#
# Before and after: BASE_DIR/cardload is another revision's cardload
# (test-harness/bench/base.sh builds it; `make bench` builds BENCH_BASE,
# by default the main branch before issue 12, into BUILD_DIR/bench/base).
# Every cardload row is timed for both binaries in the same run,
# interleaved: round after round, each command of a row runs once, in an
# order that rotates by one every round (the row's gzip or objcopy baseline
# included), so a slow spell of a shared machine falls on all of them
# alike. Without BASE_DIR only this build is timed.
#
# Per payload, BENCH_REPS rounds (default 7), medians and ranges in a table:
#   cardload load of the .gz, the .elf (and .zst, .xz, --low-memory .gz when
#   a build supports them) into a fresh /dev/shm window (removed and
#   truncated again before every run, not timed), against the baselines
#   `gzip -dc IMAGE.gz > /dev/shm/x` (timed in the .gz row's rounds) and
#   `objcopy -O binary IMAGE.elf /dev/shm/x` (in the .elf row's); each
#   ratio divides by the baseline's median of the same rounds; the peak RSS
#   of every run (wait4); and the start-up cost of QEMU's own -device
#   loader: QEMU with the same shm-backed RAM started with -S, QMP
#   greeting, qmp_capabilities, quit, with and without it.
# Once per payload, format and binary, outside the timed runs, cardload
# loads into a window filled with 0xa5 and the window is compared with the
# ELF's PT_LOAD segments (bss zero, except the parameter block cardload
# fills).
# Goals are reported ("ok" / "MISSED") for this build, never enforced:
# the exit status is non-zero only when a command fails or a window is
# wrong.
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
BASE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
CARDLOAD = os.path.join(O, "cardload")
REPS = int(os.environ.get("BENCH_REPS", "7"))
SHM = "/dev/shm/cardload-bench-%d" % os.getpid()
WINDOW, OUT, QEMU_RAM = SHM + "-card", SHM + "-x", SHM + "-qemu"
UNSUPPORTED = re.compile(r"no (zstd|xz) support|unrecognized option|unknown option"
                         r"|not supported|not compiled")
X86_WINDOW = os.path.join(ROOT, "test-harness", "bench", "x86_64-window.board")
QEMU_X86 = ["qemu-system-x86_64", "-M", "pc", "-accel", "tcg"]

PAYLOADS = [
    dict(title="Debian x86_64 vmlinux (ET_EXEC at p_paddr)",
         elf=os.path.join(O, "bench", "vmlinux"),
         gz=os.path.join(O, "bench", "vmlinux.gz"),
         board=X86_WINDOW, base=0, ram=128 * MiB, qemu=QEMU_X86),
    dict(title="card-bsp bulk-exec.elf, riscv64 (ET_EXEC, big bss)",
         elf=os.path.join(O, "card-bsp", "bulk-exec.elf"),
         gz=os.path.join(O, "card-bsp", "bulk-exec.elf.gz"),
         board=os.path.join(ROOT, "boards", "qemu-virt-riscv64.board"),
         base=0x80000000, ram=128 * MiB,
         qemu=["qemu-system-riscv64", "-M", "virt", "-bios", "none"]),
    dict(title="code-dense: x86-64 .text of Debian's libraries, 8 MiB bss",
         elf=os.path.join(O, "bench", "codedense.elf"),
         gz=os.path.join(O, "bench", "codedense.elf.gz"),
         board=X86_WINDOW, base=0, ram=128 * MiB, qemu=QEMU_X86),
]

failed = []


def fail(msg):
    failed.append(msg)
    print("load-speed: " + msg, file=sys.stderr)


def git_head():
    """This tree's commit, short, with "+" when it has uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return head + ("+" if dirty else "")


def builds():
    """[(name, cardload, label)]: the base's first when there is one."""
    out = []
    if BASE:
        try:
            with open(os.path.join(BASE, "commit")) as f:
                rev = f.read().strip()[:7]
        except OSError:
            rev = os.path.basename(BASE)
        out.append(("before", os.path.join(BASE, "cardload"), rev))
    out.append(("after" if BASE else "cardload", CARDLOAD, git_head()))
    return out


BUILDS = builds()


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


def cardload_argv(cardload, p, image, extra=()):
    return [cardload, "load", "-b", p["board"], "-O", "mem.path=" + WINDOW,
            "--no-progress"] + list(extra) + [image]


def verify(cardload, p, label, image, extra, optional):
    """The untimed trial of one cardload row: load into a poisoned window
    and compare it with the ELF. Returns None (ok), "n/a" (OPTIONAL and
    cardload says it does not support that) or "FAILED"."""
    benchrun.fresh_file(WINDOW, p["ram"], fill=0xA5)
    js = SHM + "-json"
    _, rc, _, err = benchrun.run(cardload_argv(cardload, p, image,
                                               list(extra) + ["--json"]), stdout=js)
    try:
        with open(js) as f:
            plan = json.load(f).get("plan", {}) if rc == 0 else {}
    except ValueError as e:
        plan, rc, err = {}, -1, "--json output: %s" % e
    benchrun.remove(js)
    if rc != 0:
        if optional and UNSUPPORTED.search(err):
            return "n/a"
        fail("%s: %s (%s) exited %d: %s" % (p["title"], label, cardload, rc, err))
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
        fail("%s: %s (%s): the window is wrong: %s" % (p["title"], label, cardload, why))
        return "FAILED"
    return None


def rounds(cmds):
    """CMDS: [(key, argv, before, stdout)]. BENCH_REPS rounds; each runs
    every command once (BEFORE() untimed ahead of it), the order rotated
    by one from the round before. Returns {key: ([ms], [peak RSS MiB])},
    None for a command that failed (it runs no more)."""
    res = {c[0]: ([], []) for c in cmds}
    for r in range(REPS):
        k = r % len(cmds)
        for key, argv, before, stdout in cmds[k:] + cmds[:k]:
            if res[key] is None:
                continue
            before()
            secs, rc, mib, err = benchrun.run(argv, stdout=stdout)
            if rc != 0:
                fail("%s exited %d: %s" % (" ".join(argv), rc, err))
                res[key] = None
                continue
            res[key][0].append(secs * 1e3)
            res[key][1].append(mib)
    return res


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


NAME_W = 36


def cell(t, ratio="", rss=None):
    """One build's columns: median, min-max, ratio, peak RSS median."""
    if t is None:
        return "%-35s" % ""
    return "%7.1f %11s %6s %7s" % (
        statistics.median(t), "%.0f-%.0f" % (min(t), max(t)), ratio,
        "" if rss is None else "%.1f" % statistics.median(rss))


def header():
    top = "  %-*s" % (NAME_W, "")
    sub = "  %-*s" % (NAME_W, "")
    for name, _, label in BUILDS:
        top += " | %-35s" % ("%s: %s" % (name, label))
        sub += " | %7s %11s %6s %7s" % ("median", "min-max", "ratio", "RSS MiB")
    if BASE:
        top += " | after/"
        sub += " | before  goal (after)"
    else:
        sub += " | goal"
    return [top, sub]


def goals(checks):
    return ", ".join("%s %s" % (what, "ok" if good else "MISSED") for what, good in checks)


def bench(p):
    elf_mib = os.path.getsize(p["elf"]) / MiB
    rows = []
    tool, err = pick_objcopy(p)
    if err:
        fail("%s: objcopy -O binary failed: %s" % (p["title"], err))
    rm_out()
    benchrun.run(["gzip", "-dc", p["gz"]], stdout=OUT)  # warm-up
    rm_out()
    baseline = {}  # "gzip" / "objcopy": median ms of the row that timed it
    GZIP = ("gzip", ["gzip", "-dc", p["gz"]], rm_out, OUT)
    OBJCOPY = ("objcopy", (tool or []) + ["-O", "binary", p["elf"], OUT], rm_out, None)

    def cardload_row(label, image, compressed, extra=(), optional=False,
                     goal=True, base_cmd=None):
        """goal: the issue's goals apply (the .gz, .elf and --low-memory
        rows); zstd and xz rows are shown beside them, without goals.
        base_cmd: the baseline timed in the same rounds, or None."""
        low_memory = "--low-memory" in extra
        cmds, state = [], {}
        for name, cardload, _ in BUILDS:
            state[name] = verify(cardload, p, label, image, extra, optional)
            if not state[name]:
                cmds.append((name, cardload_argv(cardload, p, image, extra),
                             fresh_window(p), None))
        if base_cmd:
            cmds.append(base_cmd)
        res = rounds(cmds) if cmds else {}
        if base_cmd and res.get(base_cmd[0]):
            baseline[base_cmd[0]] = statistics.median(res[base_cmd[0]][0])
        base_name, limit = ("gzip", 0.30) if compressed else ("objcopy", 1.0)
        base = baseline.get(base_name)
        line, checks, med = "  %-*s" % (NAME_W, label), {}, {}
        for name, _, _ in BUILDS:
            r = res.get(name)
            if state[name] == "n/a" or state[name] or r is None:
                line += " | %-35s" % ("n/a (not supported)" if state[name] == "n/a"
                                      else "FAILED (see above)")
                continue
            t, rss = r
            ms, peak = statistics.median(t), statistics.median(rss)
            med[name] = ms
            c = []
            if base and goal and not low_memory:
                c.append(("time", ms <= limit * base))
            if goal:
                c.append(("rss", peak < 32) if low_memory else
                         ("rss", peak <= elf_mib + 16))
            checks[name] = c
            line += " | " + cell(t, "%.2fx" % (ms / base) if base else "", rss)
        if BASE:
            a, b = med.get("after"), med.get("before")
            line += " | %6s" % ("%.2f" % (a / b) if a and b else "")
        now = checks.get(BUILDS[-1][0])
        if now:
            line += "  " + goals(now)
            was = checks.get("before")
            if was and goals(was) != goals(now):
                line += " (before: %s)" % goals(was)
        rows.append(line)
        if base_cmd:
            r = res.get(base_cmd[0])
            name = ("gzip -dc .gz > /dev/shm/x" if base_cmd[0] == "gzip" else
                    "%s -O binary .elf /dev/shm/x" % (tool or ["objcopy"])[0])
            rows.append("  %-*s | %s" % (NAME_W, name, cell(r[0], "", r[1]) if r
                                         else "FAILED (see above)"))
            if base_cmd[0] == "objcopy" and tool and len(tool) > 1:
                rows.append("    (%s: binutils for this host refused the ELF)"
                            % " ".join(tool))
            elif base_cmd[0] == "objcopy" and tool and tool[0] != "objcopy":
                rows.append("    (binutils objcopy refused the ELF)")

    cardload_row("cardload load .gz", p["gz"], True, base_cmd=GZIP)
    cardload_row("cardload load .elf", p["elf"], False,
                 base_cmd=None if err else OBJCOPY)
    rm_out()
    cardload_row("cardload load .zst (zstd -19)", p["zst"], True, optional=True,
                 goal=False)
    cardload_row("cardload load .xz (xz -9)", p["xz"], True, optional=True,
                 goal=False)
    cardload_row("cardload load --low-memory .gz", p["gz"], True, ["--low-memory"],
                 optional=True)

    q = qemu_rows(p)
    qemu = os.path.basename(p["qemu"][0])
    if q:
        rows.append("  %-*s | %s" % (NAME_W, "%s -S, QMP quit" % qemu, cell(q[0])))
        rows.append("  %-*s | %s" % (NAME_W, "  + -device loader,file=.elf",
                                     cell(q[1])))
        cost = statistics.median(q[1]) - statistics.median(q[0])
        rows.append("  %-*s | %7.1f" % (NAME_W, "  QEMU loader cost (difference)", cost))
    else:
        rows.append("  %-*s | FAILED (see above)" % (NAME_W, "%s -device loader" % qemu))
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
    need = [c for _, c, _ in BUILDS] + [p[k] for p in PAYLOADS for k in ("elf", "board")]
    for f in need:
        if not os.path.exists(f):
            sys.exit("load-speed: missing '%s' (make bench builds it)" % f)
    compress_all()
    benchrun.build_rusage(os.path.join(O, "bench"))
    print("cardload load speed: %d rounds, times in ms (median, min-max), "
          "peak RSS median in MiB" % REPS)
    for name, cardload, label in BUILDS:
        print("%s: %s (%s)" % (name, shown(cardload), label))
    print("machine: " + benchrun.machine())
    try:
        for p in PAYLOADS:
            print()
            print("\n".join(describe(p)))
            print("\n".join(header()))
            sys.stdout.flush()
            for row in bench(p):
                print(row)
                sys.stdout.flush()
    finally:
        for f in (WINDOW, OUT, QEMU_RAM):
            benchrun.remove(f)
    print()
    print("ratio: the row's median over gzip -dc's (.gz, .zst, .xz, --low-memory rows)")
    print("       or objcopy's (.elf row); after/before: after's median over before's.")
    print("goals of %s (.gz, .elf and --low-memory rows; zstd and xz are shown for"
          % ("after" if BASE else "this build"))
    print("       comparison): time: .gz load <= 0.30 x gzip -dc, .elf load <= 1.0 x")
    print("       objcopy; rss: <= ELF size + 16 MiB, --low-memory < 32 MiB. Peak RSS")
    print("       includes the /dev/shm window's pages a loader touches through a mapping.")
    if failed:
        print("load-speed: %d failure(s), see above" % len(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
