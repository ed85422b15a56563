# SPDX-License-Identifier: GPL-2.0-or-later
# _native.py - ctypes over libcardload.so.0's cl_run and cl_version
"""The C interface of libcardload.so.0 (cardload_run.h), through ctypes.

The library is $CARDLOAD_LIB when that is set, else whatever
``libcardload.so.0`` the dynamic linker finds. It is opened at the first
call, not at import, so ``import cardload`` works without it.
"""

import ctypes
import os
import threading
from typing import Callable, List, Optional, Tuple

LOG_LEVELS = ("err", "warn", "info", "debug")  # enum cl_log_level

_LogFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)
_ProgressFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p,
                               ctypes.c_uint64, ctypes.c_uint64)


class _RunOpts(ctypes.Structure):
    # struct cl_run_opts; .size tells the library how much of it we know
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("log", _LogFn),
        ("log_arg", ctypes.c_void_p),
        ("progress", _ProgressFn),
        ("progress_arg", ctypes.c_void_p),
        ("cancel", ctypes.POINTER(ctypes.c_int)),
    ]


_lock = threading.Lock()  # cl_run is not reentrant: one at a time
_in_run = threading.local()  # set while this thread is inside cl_run
_lib = None
_free = None


def _load():
    global _lib, _free
    if _lib is not None:
        return _lib
    name = os.environ.get("CARDLOAD_LIB") or "libcardload.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        raise OSError("cannot load libcardload ('%s'): %s (set CARDLOAD_LIB "
                      "to the library's path)" % (name, e)) from e
    lib.cl_version.restype = ctypes.c_char_p
    lib.cl_version.argtypes = []
    lib.cl_run.restype = ctypes.c_int
    lib.cl_run.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
                           ctypes.POINTER(_RunOpts),
                           ctypes.POINTER(ctypes.c_void_p)]
    libc = ctypes.CDLL(None)
    libc.free.restype = None
    libc.free.argtypes = [ctypes.c_void_p]
    _free = libc.free
    _lib = lib
    return lib


def lib_version() -> str:
    """cl_version(): the version of the library this process runs with."""
    return _load().cl_version().decode()


def _text(b: Optional[bytes]) -> str:
    return b.decode("utf-8", "replace") if b is not None else ""


def cl_run(argv: List[str],
           progress: Optional[Callable[[str, int, int], None]] = None,
           log: Optional[Callable[[int, str], None]] = None) -> Tuple[int, str]:
    """Run one command through cl_run(): (exit status, JSON text).

    An exception raised by a callback (KeyboardInterrupt included) sets
    the run's cancel flag, so a load stops at its next step with the card
    held, and is raised again when cl_run has returned.
    """
    lib = _load()
    if getattr(_in_run, "active", False):
        raise RuntimeError("cardload commands cannot run from a cardload "
                           "callback (cl_run is not reentrant)")
    args = [a.encode() if isinstance(a, str) else bytes(a) for a in argv]
    c_argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    cancel = ctypes.c_int(0)
    raised: List[BaseException] = []

    def guard(fn, *a):
        if raised:
            return
        try:
            fn(*a)
        except BaseException as e:  # noqa: B902 - re-raised after cl_run
            raised.append(e)
            cancel.value = 1

    def on_log(_arg, level, msg):
        guard(log, int(level), _text(msg))

    def on_progress(_arg, stage, done, total):
        guard(progress, _text(stage), int(done), int(total))

    # The callback objects stay referenced (in opts and here) until
    # cl_run has returned.
    log_cb = _LogFn(on_log) if log is not None else _LogFn()
    progress_cb = _ProgressFn(on_progress) if progress is not None \
        else _ProgressFn()
    opts = _RunOpts(size=ctypes.sizeof(_RunOpts), log=log_cb,
                    progress=progress_cb, cancel=ctypes.pointer(cancel))
    out = ctypes.c_void_p()
    with _lock:
        _in_run.active = True
        try:
            status = lib.cl_run(len(args), c_argv, ctypes.byref(opts),
                                ctypes.byref(out))
        finally:
            _in_run.active = False
    try:
        text = ctypes.string_at(out.value).decode("utf-8", "replace") \
            if out.value else ""
    finally:
        if out.value:
            _free(out)
    if raised:
        raise raised[0]
    return status, text
