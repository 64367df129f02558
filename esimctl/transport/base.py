"""The one interface every transport implements."""

from typing import Protocol


class Transport(Protocol):
    """A connection to one card.

    `transmit` takes a whole command APDU and returns the response data and the status word
    (SW1 << 8 | SW2). It does no status-word handling of its own (61xx, 6Cxx): that lives in
    the apdu layer, in one place, for every transport.
    """

    name: str  # human-readable: the reader name, or "sim:<card file>"

    def transmit(self, apdu: bytes) -> tuple[bytes, int]: ...

    @property
    def can_reset(self) -> bool: ...

    def reset(self) -> None:
        """Reset the card (warm reset), so that an enable done without refresh takes effect."""
        ...

    def close(self) -> None: ...
