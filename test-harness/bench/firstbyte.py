# SPDX-License-Identifier: GPL-2.0-or-later
# firstbyte.py - reading the results bench-lib.sh's bench_runs writes
#
#   rows = read(PATH)             {LABEL: [(FIRST, EXIT_MS, STATUS), ...]}
#   firsts, dones, notes = split(runs)
#                                 first-byte and exit times (ms) of the runs
#                                 that exited 0, and notes on those left out
#   cell(values)                  "median (min..max)", or "-" for none
# Imported by the summaries of first-byte.sh and first-instruction.sh.
import statistics


def read(path):
    rows = {}
    for line in open(path):
        label, first, done, rc = line.split()
        rows.setdefault(label, []).append((first, float(done), int(rc)))
    return rows


def split(runs):
    ok = [r for r in runs if r[2] == 0]
    firsts = [float(f) for f, _, _ in ok if f != "-"]
    dones = [d for _, d, _ in ok]
    notes = []
    if len(ok) < len(runs):
        notes.append("%d runs failed, left out" % (len(runs) - len(ok)))
    if len(firsts) < len(ok):
        notes.append("%d runs without output" % (len(ok) - len(firsts)))
    return firsts, dones, notes


def cell(v):
    return "%8.1f (%.1f..%.1f)" % (statistics.median(v), min(v), max(v)) if v else "-"
