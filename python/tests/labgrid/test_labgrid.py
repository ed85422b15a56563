# SPDX-License-Identifier: GPL-2.0-or-later
# test_labgrid.py - CardloadDriver in labgrid's pytest plugin, on a QEMU card
"""Boot card-bsp's hello through labgrid (contrib/labgrid/cardload-qemu.yaml).

The card is running before pytest starts (labgrid reads the environment
then): test-harness/e2e/python.sh starts it with test-harness/card.sh and
passes its RAM file, QMP socket and UART log as LG_CARD_RAM, LG_CARD_QMP
and LG_CARD_UART, the card-bsp build as LG_CARDLOAD_IMAGES:

    LG_CARD_RAM=$RAM LG_CARD_QMP=$QMP LG_CARD_UART=$UART \\
    LG_CARDLOAD_IMAGES=$PWD/build/card-bsp CARDLOAD_LIB=build/libcardload.so.0 \\
    PYTHONPATH=python /usr/bin/python3 -m pytest \\
        --lg-env contrib/labgrid/cardload-qemu.yaml python/tests/labgrid

The tests run in file order on that one card: a refused load first (the
card stays held, its RAM untouched), then the boot that powers it off.
"""

import hashlib
import os
import re
import time

import pytest
from labgrid.protocol import BootstrapProtocol

import cardload
from cardload.labgrid import CardloadDriver

DONE0 = 0x4f440000  # CARDBOOT_STATUS_DONE(0)


def _digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _uart():
    with open(os.environ["LG_CARD_UART"], "rb") as f:
        return f.read().decode("utf-8", "replace").replace("\r", "")


@pytest.fixture
def loader(target):
    return target.get_driver("CardloadDriver")


def test_driver_from_the_environment(target, loader):
    assert isinstance(loader, CardloadDriver)
    assert isinstance(loader, BootstrapProtocol)
    assert target.get_driver(BootstrapProtocol) is loader
    assert loader.board == "qemu-virt-riscv64"
    assert loader.options["mem.path"] == os.environ["LG_CARD_RAM"]
    assert loader.options["mem.qmp"] == os.environ["LG_CARD_QMP"]
    assert loader.cmdline == "console=uart labgrid=1"
    assert loader.wait == 30


def test_refused_load_leaves_the_card_held(loader, tmp_path):
    bad = tmp_path / "not-an-image.elf"
    bad.write_bytes(b"\x7fELF but not really\n")
    ram = loader.options["mem.path"]
    before = _digest(ram)
    with pytest.raises(cardload.CardloadError) as ei:
        loader.load(str(bad))
    assert ei.value.exit == 4, ei.value
    assert loader.result is None
    time.sleep(0.5)
    assert _digest(ram) == before, "card RAM changed"
    assert _uart() == ""
    assert loader.status()["exit"] == 0


def test_load_boots_hello(env, loader):
    image = env.config.get_image_path("hello")
    r = loader.load()  # the image attribute: images/hello
    assert r is loader.result
    assert r["image"]["path"] == image
    assert r["result"]["verified"] is True
    assert r["result"]["released"] is True
    assert int(r["wait"]["status"], 16) == DONE0
    # the payload prints, then powers the card off
    deadline = time.monotonic() + 30
    while "hello: done" not in _uart() and time.monotonic() < deadline:
        time.sleep(0.2)
    uart = _uart()
    m = re.search(r"hello: digest ok (0x[0-9a-fA-F]+)", uart)
    assert m, uart
    assert int(m.group(1), 16) == int(r["result"]["digest"], 16)
    assert 'cmdline="console=uart labgrid=1"' in uart
