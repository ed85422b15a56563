#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""json-schema-check.py - every --json output the tests kept, against the schema

    json-schema-check.py SCHEMA DIR

DIR holds what test-harness/e2e/lib.sh's json_keep kept while the end-to-end
tests ran (run-tests.sh sets CARDLOAD_JSON_DIR): for each cardload run given
--json, NAME.json (its stdout) and NAME.cmd (its exit status on the first
line, then its arguments, one a line). NAME starts with the test script's
name.

Each output must be exactly one JSON object with no key twice, valid against
SCHEMA (doc/cardload.schema.json, JSON Schema draft 2020-12), whose "exit"
and "error.exit" are the run's exit status. A run killed or timed out (exit
status above 14, cardload's largest) is not checked: the test that ran it
says so already.

TAP on stdout: one point that SCHEMA is a valid schema, one that it refuses
a key it does not list, one per command (help outputs, --help and -O help,
are a kind of their own), and one more per invalid output, with the
validator's messages and the command line.
"""
import json
import os
import sys

points = []


def point(good, what, diag=()):
    points.append((good, what, list(diag)))


class DuplicateKey(ValueError):
    pass


def no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise DuplicateKey("key '%s' appears twice in one object" % k)
        seen[k] = v
    return seen


def kind_of(obj, args):
    """The command an output belongs to, for counting."""
    if isinstance(obj, dict):
        if "usage" in obj or "transport_options" in obj:
            return "help"
        if "command" in obj:
            c = obj["command"]
            return "(unknown command)" if c is None else str(c)
    return args[0] if args else "(no arguments)"


def read_run(d, name):
    with open(os.path.join(d, name + ".cmd"), "rb") as f:
        lines = f.read().decode("utf-8", "surrogateescape").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rc = int(lines[0]) if lines and lines[0].strip().isdigit() else -1
    with open(os.path.join(d, name + ".json"), "rb") as f:
        data = f.read()
    return rc, lines[1:], data


def check_one(validator, data, rc):
    """(object or None, list of problems)"""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, ["stdout is not UTF-8: %s" % e]
    if not text.endswith("\n") or text.count("\n") != 1:
        problems = ["stdout is not exactly one line ending in a newline"]
    else:
        problems = []
    try:
        obj = json.loads(text, object_pairs_hook=no_duplicates)
    except (ValueError, DuplicateKey) as e:
        return None, problems + ["not one JSON object: %s" % e]
    errs = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
    for e in errs[:6]:
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        problems.append("at %s: %s (schema: %s)" % (
            where, e.message[:300],
            "/".join(str(p) for p in e.absolute_schema_path)))
    if len(errs) > 6:
        problems.append("... and %d more" % (len(errs) - 6))
    if isinstance(obj, dict):
        if obj.get("exit") != rc:
            problems.append("\"exit\" is %r, the run's exit status %d" %
                            (obj.get("exit"), rc))
        err = obj.get("error")
        if isinstance(err, dict) and err.get("exit") != obj.get("exit"):
            problems.append("error.exit %r differs from exit %r" %
                            (err.get("exit"), obj.get("exit")))
    return obj, problems


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: json-schema-check.py SCHEMA DIR\n")
        return 2
    schema_path, d = sys.argv[1], sys.argv[2]
    try:
        import jsonschema
    except ImportError:
        print("1..0 # SKIP no python3-jsonschema (sh test-harness/deps.sh)")
        return 0
    names = sorted(n[:-4] for n in os.listdir(d) if n.endswith(".cmd")) \
        if os.path.isdir(d) else []
    if not names:
        print("1..0 # SKIP no --json output kept (run the end-to-end tests "
              "through run-tests.sh)")
        return 0

    with open(schema_path) as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    try:
        cls.check_schema(schema)
        point(True, "%s is a valid JSON Schema (draft 2020-12)" %
              schema_path)
    except jsonschema.SchemaError as e:
        point(False, "%s is a valid JSON Schema" % schema_path, [str(e)[:2000]])
        cls = None
    validator = cls(schema) if cls else None

    kinds = {}      # kind: [valid, invalid]
    bad = []        # (kind, name, args, problems)
    skipped = 0
    sample = None
    for name in names:
        rc, args, data = read_run(d, name)
        if rc < 0 or rc > 14:
            skipped += 1
            continue
        if validator is None:
            continue
        obj, problems = check_one(validator, data, rc)
        kind = kind_of(obj, args)
        k = kinds.setdefault(kind, [0, 0])
        if problems:
            k[1] += 1
            bad.append((kind, name, args, problems))
        else:
            k[0] += 1
            if sample is None and kind == "boot" and "plan" in obj:
                sample = obj

    if validator is not None and sample is not None:
        extra = json.loads(json.dumps(sample))
        extra["plan"]["segments"][0]["unlisted"] = 1
        top = json.loads(json.dumps(sample))
        top["unlisted"] = True
        refused = not validator.is_valid(extra) and not validator.is_valid(top)
        point(refused, "the schema refuses a key it does not list (top level "
              "and in plan.segments)")

    for kind in sorted(kinds):
        good, nbad = kinds[kind]
        n = good + nbad
        point(nbad == 0, "%s: %d --json output%s, %s" % (
            kind, n, "" if n == 1 else "s",
            "all valid" if not nbad else "%d not valid" % nbad))
    for kind, name, args, problems in bad:
        point(False, "%s: %s is not valid" % (kind, name),
              ["cardload " + " ".join(args)] + problems)

    print("1..%d" % len(points))
    for i, (good, what, diag) in enumerate(points, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, what))
        for line in diag:
            for sub in str(line).split("\n"):
                print("#   " + sub.encode("utf-8", "backslashreplace")
                      .decode("utf-8"))
    total = sum(a + b for a, b in kinds.values())
    print("# %d outputs checked from %d runs%s" % (
        total, len(names),
        "" if not skipped else ", %d killed or timed out (not checked)" %
        skipped))
    return 0 if all(p[0] for p in points) else 1


if __name__ == "__main__":
    sys.exit(main())
