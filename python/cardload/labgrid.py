# SPDX-License-Identifier: GPL-2.0-or-later
# labgrid.py - CardloadDriver: labgrid's BootstrapProtocol through cardload
"""A labgrid driver that boots images into a card with cardload.

Import it from the environment file (``imports: [cardload.labgrid]``) and
give the target a ``CardloadDriver``::

    targets:
      main:
        drivers:
          CardloadDriver:
            board: qemu-virt-riscv64
            options:
              mem.path: /dev/shm/card0
              mem.qmp: /run/card0/qmp.sock
            cmdline: "console=uart"
            wait: 30

``target.get_driver("CardloadDriver").load("hello.elf.gz")`` then runs
``cardload boot`` of the image in the test's process (libcardload.so.0, see
:mod:`cardload`) and returns its JSON; a refusal or a failed payload
raises :class:`cardload.CardloadError`.
"""

from typing import Any, Dict, Optional

import attr
from labgrid.driver.common import Driver
from labgrid.factory import target_factory
from labgrid.protocol import BootstrapProtocol
from labgrid.step import step

import cardload

__all__ = ["CardloadDriver"]


def _wait(value: Any) -> Any:
    # YAML gives ints, floats, booleans or null: all are --wait values
    if value is not None and not isinstance(value, (bool, int, float)):
        raise TypeError("wait must be a number of seconds, true or null, "
                        "not %r" % (value,))
    return value


@target_factory.reg_driver
@attr.s(eq=False)
class CardloadDriver(Driver, BootstrapProtocol):
    """Boot images into a card through cardload (BootstrapProtocol.load).

    Args:
        board: board name (on cardload's board path) or board file.
        options: transport options, ``-O key=value`` (a mapping).
        cmdline: the command line every boot passes (``--cmdline``).
        wait: seconds to wait for the payload's status word after the
            release (true: cardload's default 30 s; null: do not wait).
        slot: ``--slot`` (PCI as lspci -s, USB as BUS-PORT), or null.
        device: ``--device VENDOR:DEVICE``, or null.
        image: the ``images:`` key load() boots when given no file name.
    """

    bindings: Dict[str, Any] = {}

    board = attr.ib(validator=attr.validators.instance_of(str))
    options = attr.ib(factory=dict,
                      validator=attr.validators.instance_of(dict))
    cmdline = attr.ib(default=None, validator=attr.validators.optional(
        attr.validators.instance_of(str)))
    wait = attr.ib(default=None, converter=_wait)
    slot = attr.ib(default=None, validator=attr.validators.optional(
        attr.validators.instance_of(str)))
    device = attr.ib(default=None, validator=attr.validators.optional(
        attr.validators.instance_of(str)))
    image = attr.ib(default=None, validator=attr.validators.optional(
        attr.validators.instance_of(str)))

    def __attrs_post_init__(self):
        super().__attrs_post_init__()
        self.card = cardload.Card(self.board,
                                  options={str(k): str(v) for k, v in
                                           self.options.items()},
                                  slot=self.slot, id=self.device)
        self.result: Optional[Dict[str, Any]] = None

    def on_activate(self):
        pass

    def on_deactivate(self):
        pass

    @Driver.check_active
    @step(args=["filename"])
    def load(self, filename: Optional[str] = None, **kw: Any) -> Dict[str, Any]:
        """Boot filename (default: the ``image`` attribute's entry in the
        environment's images) with the driver's cmdline and wait; kw are
        more :meth:`cardload.Card.boot` keywords (args, set, base, ...).

        Returns the boot's JSON (also kept in ``self.result``). Raises
        cardload.CardloadError when cardload refuses or the payload fails.
        """
        if filename is None:
            if self.image is None:
                raise ValueError("CardloadDriver.load: no file name and no "
                                 "image attribute")
            filename = self.target.env.config.get_image_path(self.image)
        kw.setdefault("cmdline", self.cmdline)
        kw.setdefault("wait", self.wait)
        self.result = None
        self.result = self.card.boot(filename, **kw)
        return self.result

    @Driver.check_active
    def status(self) -> Dict[str, Any]:
        """The card's mailbox (``cardload status``)."""
        return self.card.status()

    @Driver.check_active
    def hold(self) -> Dict[str, Any]:
        """Put the card's CPU back in hold (``cardload hold``)."""
        return self.card.hold()
