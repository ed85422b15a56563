# SPDX-License-Identifier: GPL-2.0-or-later
# test_cardload.py - the Python binding over libcardload.so.0 (pytest)
"""version, inspect, errors, and boots on a QEMU RISC-V card (conftest.py).

Run from the repository root after `make all card`:
    CARDLOAD_LIB=build/libcardload.so.0 PYTHONPATH=python \\
        /usr/bin/python3 -m pytest python/tests/test_cardload.py
"""

import re
import time

import pytest

import cardload
from conftest import BOARD, DONE0, GO, MB_OFF

MB_GO = 0x0c


def h(v):
    """An address or digest from the JSON ("0x..." string) as an int."""
    return int(v, 16) if isinstance(v, str) else v


def test_version():
    v = cardload.version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", v), v
    assert cardload.run("version")["version"] == v


def test_inspect_returns_the_plan(hello):
    r = cardload.inspect(hello, board=BOARD)
    assert r["command"] == "inspect"
    assert r["image"]["type"] == "ET_DYN"
    assert r["image"]["compression"] == "gzip"
    plan = r["plan"]
    assert plan["board"] == BOARD
    assert h(plan["base"]) == 0x80000000
    assert h(plan["entry"]) == h(plan["base"]) + h(r["image"]["entry"])
    assert len(plan["segments"]) == len(r["image"]["segments"]) > 0
    assert plan["relocations"] > 0


def test_inspect_at_a_base(hello):
    r = cardload.inspect(hello, board=BOARD, base=0x80200000)
    assert h(r["plan"]["base"]) == 0x80200000


def test_bad_image_raises_exit_4(tmp_path):
    bad = tmp_path / "bad.elf"
    bad.write_bytes(b"this is not an ELF image\n")
    with pytest.raises(cardload.CardloadError) as ei:
        cardload.inspect(bad)
    e = ei.value
    assert e.exit == 4
    assert e.name == "CL_E_FORMAT"
    assert "bad.elf" in e.message
    assert e.result["error"]["exit"] == 4
    assert e.result["exit"] == 4
    assert "exit 4" in str(e)


def test_usage_error_raises_exit_2():
    with pytest.raises(cardload.CardloadError) as ei:
        cardload.run("inspect", "--no-such-option")
    assert ei.value.exit == 2
    assert ei.value.name == "CL_E_USAGE"


def test_plan_maps_keywords_to_options(hello):
    card = cardload.Card(BOARD, options={"mem.path": "/nonexistent/ram"})
    r = card.plan(hello, base=0x80400000, cmdline="a b", args={1: 0x1234})
    assert r["dry_run"] is True
    assert h(r["plan"]["base"]) == 0x80400000


def test_log_callback(hello):
    """-vv lets debug messages through to the log callback; none without."""
    card = cardload.Card(BOARD, options={"mem.path": "/nonexistent/ram"})
    got = []
    cardload.run("boot", *card._card_args(), "--dry-run", "-vv", hello,
                 log=lambda lvl, msg: got.append((lvl, msg)))
    assert any(lvl == 3 and "hello-dyn.elf.gz" in msg for lvl, msg in got), got
    got.clear()
    cardload.run("boot", *card._card_args(), "--dry-run", hello,
                 log=lambda lvl, msg: got.append((lvl, msg)))
    assert [m for lvl, m in got if lvl >= 2] == []


def test_no_command_from_a_callback(hello):
    """cl_run is not reentrant: a command from a callback raises, and the
    outer call raises that error too."""
    card = cardload.Card(BOARD, options={"mem.path": "/nonexistent/ram"})

    def log(lvl, msg):
        cardload.version()  # not a cl_run: allowed
        cardload.run("version")

    with pytest.raises(RuntimeError, match="not reentrant"):
        cardload.run("boot", *card._card_args(), "--dry-run", "-vv", hello,
                     log=log)
    assert cardload.run("version")["exit"] == 0


def test_boot_hello_and_wait(qemu_card, hello):
    card = cardload.Card(BOARD, options=qemu_card.options())
    calls = []
    r = card.boot(hello, cmdline="from python", wait=30,
                  progress=lambda stage, done, total:
                  calls.append((stage, done, total)))
    assert r["exit"] == 0
    assert h(r["wait"]["status"]) == DONE0
    assert r["wait"]["outcome"] == "done"
    assert r["result"]["verified"] is True
    assert r["result"]["released"] is True
    assert qemu_card.wait_exit(30), "QEMU did not power off"
    uart = qemu_card.uart_text()
    m = re.search(r"hello: digest ok (0x[0-9a-fA-F]+)", uart)
    assert m, uart
    assert int(m.group(1), 16) == h(r["result"]["digest"])
    assert 'cmdline="from python"' in uart

    # the progress callback: stage names, growing byte counts up to total
    assert calls, "progress callback never called"
    stages = [s for s, _, _ in calls]
    assert set(stages) <= {"write", "zero", "verify"}, stages
    assert "write" in stages
    for stage in set(stages):
        seen = [(d, t) for s, d, t in calls if s == stage]
        dones = [d for d, _ in seen]
        assert dones == sorted(dones), (stage, seen)
        assert all(0 <= d <= t for d, t in seen), (stage, seen)
        assert dones[-1] == seen[-1][1], (stage, seen)
    assert max(d for s, d, _ in calls if s == "write") > 0


def test_load_status_start(qemu_card, hello):
    card = cardload.Card(BOARD, options=qemu_card.options())
    r = card.load(hello)
    assert r["result"]["staged"] is True
    assert r["result"]["released"] is not True
    assert card.verify(hello)["same"] is True
    v = card.verify(hello, cmdline="not what was loaded")
    assert v["same"] is False and v["exit"] == 9, v
    assert v["first_difference"]["addr"], v
    st = card.status()["status"]
    assert h(st["entry"]) == h(r["plan"]["entry"])
    r = card.start(wait=30)
    assert h(r["wait"]["status"]) == DONE0
    assert qemu_card.wait_exit(30)
    assert "hello: digest ok" in qemu_card.uart_text()


def _assert_held(qemu_card, before):
    time.sleep(0.5)  # time for a wrongly released CPU to print
    assert qemu_card.ram_digest() == before, "card RAM changed"
    st = qemu_card.state()
    assert st not in ("running", "exited"), "card not held: %s" % st
    assert qemu_card.uart_text() == ""
    assert qemu_card.ram_word(MB_OFF + MB_GO) != GO


@pytest.mark.parametrize("kw, exit, name", [
    ({"base": 0x90000000}, 5, "CL_E_PLACE"),
    ({"set": {"no_such_symbol": 1}}, 2, "CL_E_USAGE"),
], ids=["base past RAM", "set unknown symbol"])
def test_refusal_leaves_card_untouched(qemu_card, hello, kw, exit, name):
    before = qemu_card.ram_digest()
    card = cardload.Card(BOARD, options=qemu_card.options())
    with pytest.raises(cardload.CardloadError) as ei:
        card.boot(hello, wait=5, **kw)
    assert ei.value.exit == exit, ei.value
    assert ei.value.name == name, ei.value
    assert ei.value.result["error"]["message"] == ei.value.message
    _assert_held(qemu_card, before)


def test_callback_exception_stops_the_load(qemu_card, hello):
    """An exception in the progress callback cancels the load (exit 11
    inside), leaves the card held, and is raised to the caller."""
    card = cardload.Card(BOARD, options=qemu_card.options())

    class Stop(Exception):
        pass

    def progress(stage, done, total):
        raise Stop(stage)

    with pytest.raises(Stop):
        card.boot(hello, wait=5, progress=progress)
    time.sleep(0.5)
    assert qemu_card.state() not in ("running", "exited")
    assert qemu_card.uart_text() == ""
    assert qemu_card.ram_word(MB_OFF + MB_GO) != GO
