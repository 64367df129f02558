"""Command APDU encoding (short form, with extended Lc where the data needs it)."""

from dataclasses import dataclass


def channel_cla(base: int, channel: int) -> int:
    """CLA for `channel`: 0-3 in the low bits; 4-19 in the further interindustry form."""
    if channel < 4:
        return base | channel
    if channel > 19:
        raise ValueError(f"logical channel {channel} out of range 0-19")
    return (base & 0x80) | 0x40 | (channel - 4)


@dataclass(frozen=True, slots=True)
class Command:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # None: no Le; 0-256 with 0 meaning 256 as on the wire

    def encode(self) -> bytes:
        out = bytearray((self.cla, self.ins, self.p1, self.p2))
        if len(self.data) > 255:
            raise ValueError("command data over 255 bytes; chain it (STORE DATA does)")
        if self.data:
            out.append(len(self.data))
            out += self.data
        if self.le is not None:
            out.append(self.le & 0xFF)
        return bytes(out)

    def with_le(self, le: int) -> "Command":
        return Command(self.cla, self.ins, self.p1, self.p2, self.data, le)
