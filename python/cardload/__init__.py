# SPDX-License-Identifier: GPL-2.0-or-later
# __init__.py - the cardload Python binding: commands as functions and a Card
"""Load images into flash-less add-in cards from Python.

Every function runs a cardload command in this process through
libcardload.so.0's ``cl_run`` (see cardload_run.h) and returns the
command's JSON object as a dict (its keys are in README.md, "Output and
exit codes"). A command that fails raises :class:`CardloadError`, which
carries the exit status and the JSON's ``error``.

    import cardload
    card = cardload.Card("qemu-virt-riscv64",
                         options={"mem.path": ram, "mem.qmp": qmp})
    r = card.boot("hello-dyn.elf.gz", cmdline="hello=1", wait=30)
    print(r["plan"]["base"], r["wait"]["status"])

The library is $CARDLOAD_LIB when set, else the ``libcardload.so.0`` the
dynamic linker finds.
"""

import json
import logging
import math
import os
from typing import (Any, Callable, Dict, Iterable, List, Mapping, Optional,
                    Union)

from . import _native

__all__ = ["version", "run", "inspect", "Card", "CardloadError",
           "EXIT_NAMES"]

Progress = Callable[[str, int, int], None]
Log = Callable[[int, str], None]
Path = Union[str, "os.PathLike[str]"]

# Exit statuses (README.md) with a name for each, used only when a result
# has no "error" (the JSON's error.name is more precise: exit 4 is CL_E_FORMAT,
# CL_E_ELF, CL_E_DECOMP, ...).
EXIT_NAMES = {
    1: "CL_E_INTERNAL", 2: "CL_E_USAGE", 3: "CL_E_BOARD", 4: "CL_E_FORMAT",
    5: "CL_E_PLACE", 6: "CL_E_NODEV", 7: "CL_E_BUSY", 8: "CL_E_IO",
    9: "CL_E_VERIFY", 10: "CL_E_TIMEOUT", 11: "CL_E_INTR",
    12: "CL_E_STATE", 13: "CL_E_CARD", 14: "CL_E_MANY",
}

_logger = logging.getLogger("cardload")
_PY_LEVELS = (logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG)


class CardloadError(Exception):
    """A cardload command exited non-zero.

    Attributes:
        exit: the exit status (1..14, as the ``cardload`` command exits).
        name: the error's name, e.g. ``"CL_E_PLACE"``.
        message: what went wrong, as cardload says it.
        result: the command's whole JSON object (a dict).
    """

    def __init__(self, exit: int, name: str, message: str,
                 result: Dict[str, Any]):
        super().__init__("%s (exit %d): %s" % (name, exit, message))
        self.exit = exit
        self.name = name
        self.message = message
        self.result = result


def _log_to_logging(level: int, msg: str) -> None:
    lvl = _PY_LEVELS[level] if 0 <= level < len(_PY_LEVELS) else logging.DEBUG
    _logger.log(lvl, "%s", msg)


def _run(argv: List[str], progress: Optional[Progress] = None,
         log: Optional[Log] = None) -> Dict[str, Any]:
    """cl_run argv; the JSON dict with "exit" set to the status."""
    status, text = _native.cl_run(argv, progress=progress,
                                  log=log if log is not None else
                                  _log_to_logging)
    try:
        result = json.loads(text) if text else {}
    except ValueError:
        result = {"unparsed": text}
    if not isinstance(result, dict):
        result = {"unparsed": result}
    result.setdefault("exit", status)
    return result


def _error(status: int, result: Dict[str, Any]) -> CardloadError:
    err = result.get("error") or {}
    return CardloadError(status,
                         err.get("name") or EXIT_NAMES.get(status,
                                                           "CL_E_UNKNOWN"),
                         err.get("message") or "exit status %d" % status,
                         result)


def _checked(argv: List[str], progress: Optional[Progress] = None,
             log: Optional[Log] = None) -> Dict[str, Any]:
    result = _run(argv, progress, log)
    status = result.get("exit", 0)
    if status != 0:
        raise _error(status, result)
    return result


def version() -> str:
    """The version of the libcardload this process runs with ("0.1.0")."""
    return _native.lib_version()


def run(command: str, *args: Any, progress: Optional[Progress] = None,
        log: Optional[Log] = None) -> Dict[str, Any]:
    """Run any cardload command: ``run("status", "--board", "b", ...)``.

    args are the command line after the command's name (numbers in hex,
    the rest as strings; ``--json`` is implied). progress(stage, done, total) is called
    as a load goes (stage "write", "zero" or "verify", bytes); log(level,
    message) gets every message (level 0 error .. 3 debug; by default they
    go to the ``logging`` logger "cardload").

    Returns the command's JSON object. Raises CardloadError when the
    command exits non-zero; an exception raised in a callback stops the
    load (the card held) and is raised from here.
    """
    return _checked([command] + [_arg(a) for a in args], progress, log)


def _arg(v: Any) -> str:
    if isinstance(v, bool):
        raise TypeError("a bool is not a command-line argument")
    if isinstance(v, int):
        return "0x%x" % v if v >= 0 else str(v)
    return os.fspath(v) if isinstance(v, os.PathLike) else str(v)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _extra(kw: Mapping[str, Any]) -> List[str]:
    """Other keyword arguments as options: max_size=N -> --max-size 0xN,
    use_vaddr=True -> --use-vaddr, a list or tuple -> the option repeated,
    None or False -> left out."""
    out: List[str] = []
    for k, v in kw.items():
        if v is None or v is False:
            continue
        if v is True:
            out.append(_flag(k))
        elif isinstance(v, (list, tuple)):
            for x in v:
                out += [_flag(k), _arg(x)]
        else:
            out += [_flag(k), _arg(v)]
    return out


def _wait(wait: Union[float, bool, None]) -> List[str]:
    if wait is None or wait is False:
        return []
    if wait is True:
        return ["--wait"]
    return ["--wait=%d" % max(0, math.ceil(wait))]


def inspect(image: Path, board: Optional[str] = None,
            **kw: Any) -> Dict[str, Any]:
    """``cardload inspect``: the image (format, segments, relocations) and,
    given a board, its placement plan ("plan").

    Other keywords are inspect's options: base, addr, use_vaddr, max_size,
    max_ratio, low_memory, mem_budget.
    """
    argv = ["inspect"]
    if board is not None:
        argv += ["--board", board]
    return _checked(argv + _extra(kw) + [_arg(image)])


class Card:
    """One card: a board and how to reach it.

    board is a board name (on the board path) or a board file; options are
    the transport options (``-O key=value``, e.g. ``{"mem.path": ram,
    "mem.qmp": qmp}``); slot picks a card as ``--slot`` (PCI as lspci -s,
    USB as BUS-PORT); id as ``--device`` (``"VENDOR:DEVICE"``).
    """

    def __init__(self, board: str, *, options: Optional[Mapping[str, Any]] = None,
                 slot: Optional[str] = None, id: Optional[str] = None):
        self.board = board
        self.options = dict(options or {})
        self.slot = slot
        self.id = id

    def __repr__(self) -> str:
        return "Card(%r, options=%r, slot=%r, id=%r)" % (
            self.board, self.options, self.slot, self.id)

    def _card_args(self) -> List[str]:
        argv = ["--board", os.fspath(self.board)]
        for k, v in self.options.items():
            argv += ["-O", "%s=%s" % (k, os.fspath(v) if isinstance(
                v, os.PathLike) else v)]
        if self.slot is not None:
            argv += ["--slot", str(self.slot)]
        if self.id is not None:
            argv += ["--device", str(self.id)]
        return argv

    @staticmethod
    def _image_args(image: Path, images: Iterable[Path] = (),
                    cmdline: Optional[str] = None,
                    initrd: Optional[Path] = None,
                    dtb: Optional[Path] = None, dtb_from_card: bool = False,
                    args: Optional[Mapping[int, Any]] = None,
                    set: Optional[Mapping[str, Any]] = None,
                    base: Optional[int] = None,
                    **kw: Any) -> List[str]:
        argv: List[str] = []
        for im in images:
            argv += ["--image", _arg(im)]
        if cmdline is not None:
            argv += ["--cmdline", cmdline]
        if initrd is not None:
            argv += ["--initrd", _arg(initrd)]
        if dtb is not None:
            argv += ["--dtb", _arg(dtb)]
        if dtb_from_card:
            argv.append("--dtb-from-card")
        for n, v in (args or {}).items():
            argv += ["--arg", "%d=%s" % (n, _arg(v))]
        for sym, v in (set or {}).items():
            argv += ["--set", "%s=%s" % (sym, _arg(v))]
        if base is not None:
            argv += ["--base", _arg(base)]
        return argv + _extra(kw) + [_arg(image)]

    def boot(self, image: Path, *, images: Iterable[Path] = (),
             cmdline: Optional[str] = None, initrd: Optional[Path] = None,
             dtb: Optional[Path] = None, dtb_from_card: bool = False,
             args: Optional[Mapping[int, Any]] = None,
             set: Optional[Mapping[str, Any]] = None,
             base: Optional[int] = None,
             wait: Union[float, bool, None] = None, no_start: bool = False,
             dry_run: bool = False, progress: Optional[Progress] = None,
             **kw: Any) -> Dict[str, Any]:
        """``cardload boot``: load image, verify it, release the card.

        images: more images in the same boot (``--image``, "FILE" or
        "FILE@ADDR"); args: argument registers {n: value} (``--arg N=V``;
        a number or "@dtb", "@params", ...); set: payload symbols {sym:
        value} (``--set SYM=V``, "str:TEXT" for text); base: where an
        ET_DYN image goes; wait: True waits the default 30 s for the
        payload's status word, a number that many seconds (rounded up);
        no_start loads and leaves the card held; dry_run only plans.
        Other keywords are boot's options (addr, entry, use_vaddr, blob,
        recipe, max_size, max_ratio, low_memory, mem_budget).
        progress(stage, done, total) is called as the load goes.

        Returns the JSON: image, plan, boot, result, wait. Raises
        CardloadError (exit 13 when the payload reports failure, 10 on a
        wait timeout).
        """
        argv = ["boot"] + self._card_args() + _wait(wait)
        if no_start:
            argv.append("--no-start")
        if dry_run:
            argv.append("--dry-run")
        argv += self._image_args(image, images, cmdline, initrd, dtb,
                                 dtb_from_card, args, set, base, **kw)
        return _checked(argv, progress)

    def load(self, image: Path, *, images: Iterable[Path] = (),
             cmdline: Optional[str] = None, initrd: Optional[Path] = None,
             dtb: Optional[Path] = None, dtb_from_card: bool = False,
             args: Optional[Mapping[int, Any]] = None,
             set: Optional[Mapping[str, Any]] = None,
             base: Optional[int] = None, dry_run: bool = False,
             progress: Optional[Progress] = None,
             **kw: Any) -> Dict[str, Any]:
        """``cardload load``: as boot, but leave the card held with the
        entry and arguments staged; :meth:`start` releases it."""
        argv = ["load"] + self._card_args()
        if dry_run:
            argv.append("--dry-run")
        argv += self._image_args(image, images, cmdline, initrd, dtb,
                                 dtb_from_card, args, set, base, **kw)
        return _checked(argv, progress)

    def plan(self, image: Path, **kw: Any) -> Dict[str, Any]:
        """``cardload boot --dry-run``: the plan, with no card opened.
        Takes boot's keywords."""
        kw.pop("dry_run", None)
        return self.boot(image, dry_run=True, **kw)

    def verify(self, image: Path, **kw: Any) -> Dict[str, Any]:
        """``cardload verify``: does the card hold what loading image with
        these keywords (boot's, without wait/no_start/dry_run) would
        write? Returns the JSON: ``same`` (bool), ``compared``,
        ``first_difference``. A difference is an answer, not an error
        (``same`` False); anything else that fails raises CardloadError.
        """
        argv = ["verify"] + self._card_args() + self._image_args(image, **kw)
        result = _run(argv)
        status = result.get("exit", 0)
        if status == 0 or (status == 9 and result.get("same") is False):
            return result
        raise _error(status, result)

    def start(self, wait: Union[float, bool, None] = None) -> Dict[str, Any]:
        """``cardload start``: release a card loaded earlier; wait as in
        :meth:`boot`."""
        return _checked(["start"] + self._card_args() + _wait(wait))

    def hold(self) -> Dict[str, Any]:
        """``cardload hold``: put the card's CPU back in hold."""
        return _checked(["hold"] + self._card_args())

    def status(self) -> Dict[str, Any]:
        """``cardload status``: the card's mailbox (the JSON's "status")."""
        return _checked(["status"] + self._card_args())

    def console(self) -> str:
        """``cardload console``: the text of the card's console ring."""
        return _checked(["console"] + self._card_args()).get("text", "")
