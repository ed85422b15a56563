# SPDX-License-Identifier: GPL-2.0-or-later
# conftest.py - fixtures of the binding's tests: the build, QEMU RISC-V cards
"""Shared by python/tests and python/tests/labgrid.

The build is the directory of $CARDLOAD_LIB (else build/ of this
repository); boards come from this repository's boards/ and the card-bsp
payloads from BUILD/card-bsp. A card is test-harness/card.sh's QEMU RISC-V
card, started held (-S) and always stopped by the fixture's finalizer.
"""

import hashlib
import os
import subprocess

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("CARDLOAD_LIB",
                      os.path.join(REPO, "build", "libcardload.so.0"))
BUILD = os.path.dirname(os.path.abspath(os.environ["CARDLOAD_LIB"]))
CARD_BSP = os.path.join(BUILD, "card-bsp")
os.environ["CARDLOAD_BOARDS"] = os.path.join(REPO, "boards")
os.environ.setdefault("CARDLOAD_ROM", os.path.join(CARD_BSP, "rom.bin"))
CARD_SH = os.path.join(REPO, "test-harness", "card.sh")
BOARD = "qemu-virt-riscv64"
DONE0 = 0x4f440000  # CARDBOOT_STATUS_DONE(0)
GO = 0x21216f47     # cardboot.h CB_GO
MB_OFF = 0x87c00000 - 0x80000000


class QemuCard:
    """A card.sh card: .dir, .ram, .qmp, .uart (paths), .pid."""

    def __init__(self, dir, name):
        self.dir = dir
        out = subprocess.run(["sh", CARD_SH, "start", dir, name],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("card.sh start failed: " + out.stderr)
        env = subprocess.run(
            ["sh", "-c", '. "$1/env" && printf "%s\\0%s\\0%s\\0%s" '
             '"$RAM" "$QMP" "$UART" "$PID"', "sh", dir],
            capture_output=True, text=True, timeout=30).stdout.split("\0")
        env = dict(zip(("RAM", "QMP", "UART", "PID"), env))
        self.ram, self.qmp, self.uart = env["RAM"], env["QMP"], env["UART"]
        self.pid = env.get("PID")

    def stop(self):
        subprocess.run(["sh", CARD_SH, "stop", self.dir], timeout=60)

    def state(self) -> str:
        """QEMU's run state (prelaunch, running, ...) or "exited"."""
        return subprocess.run(["sh", CARD_SH, "state", self.dir],
                              capture_output=True, text=True,
                              timeout=30).stdout.strip()

    def wait_exit(self, seconds) -> bool:
        """True when QEMU powered off by itself within seconds."""
        return subprocess.run(["sh", CARD_SH, "wait-exit", self.dir,
                               str(seconds)], timeout=seconds + 30
                              ).returncode == 0

    def uart_text(self) -> str:
        try:
            with open(self.uart, "rb") as f:
                return f.read().decode("utf-8", "replace").replace("\r", "")
        except FileNotFoundError:
            return ""

    def ram_digest(self) -> str:
        h = hashlib.sha256()
        with open(self.ram, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def ram_word(self, off) -> int:
        with open(self.ram, "rb") as f:
            f.seek(off)
            return int.from_bytes(f.read(4), "little")

    def options(self) -> dict:
        return {"mem.path": self.ram, "mem.qmp": self.qmp}


@pytest.fixture
def hello():
    path = os.path.join(CARD_BSP, "hello-dyn.elf.gz")
    assert os.path.exists(path), "%s is missing (make card)" % path
    return path


_n = [0]


@pytest.fixture
def qemu_card(tmp_path):
    """A QEMU RISC-V card held before its first instruction; stopped (no
    QEMU, no RAM file left) whatever the test does."""
    _n[0] += 1
    # e2e/python.sh names a directory for the cards (CARDLOAD_TEST_CARDS)
    # to stop whatever a killed pytest left running
    base = os.environ.get("CARDLOAD_TEST_CARDS") or str(tmp_path)
    d = os.path.join(base, "card%d" % _n[0])
    # e2e/python.sh sets CARDLOAD_TEST_TAG so that its check for leftover
    # cards (/dev/shm/cardload-TAG-*) covers these too
    tag = os.environ.get("CARDLOAD_TEST_TAG") or "pytest-%d" % os.getpid()
    name = "%s-py%d" % (tag, _n[0])
    card = None
    try:
        card = QemuCard(d, name)
        yield card
    finally:
        subprocess.run(["sh", CARD_SH, "stop", d], timeout=60)
        if card is not None:
            assert not os.path.exists(card.ram), "RAM file left behind"
