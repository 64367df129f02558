"""The in-process transport: APDUs go straight to a SimulatedCard, whose state file is locked
for as long as the transport is open (one process at a time, as with a reader held exclusively).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from esimctl.resources import demo_card_path
from esimctl.sim.card import SimulatedCard
from esimctl.sim.store import default_state_path, locked


class SimTransport:
    def __init__(self, card: SimulatedCard, name: str, lock: contextlib.AbstractContextManager[None] | None = None):
        self.card = card
        self.name = name
        self._lock = lock

    @classmethod
    def open(cls, card_file: Path | None = None, state_file: Path | None = None) -> SimTransport:
        """The built-in demo card when `card_file` is None; state kept in the user's data dir."""
        path = card_file or demo_card_path()
        state_file = state_file or default_state_path(path)
        lock = locked(state_file)
        lock.__enter__()
        try:
            card = SimulatedCard.open(path, state_file)
        except BaseException:
            lock.__exit__(None, None, None)
            raise
        card.attach()
        name = "sim" if card_file is None else f"sim:{card_file}"
        return cls(card, name, lock)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        response = self.card.process(apdu)
        return response[:-2], int.from_bytes(response[-2:], "big")

    @property
    def can_reset(self) -> bool:
        return True

    def reset(self) -> None:
        self.card.reset()

    def close(self) -> None:
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None
