"""Sends APDUs over a transport: response chaining (61xx), Le correction (6Cxx), STORE DATA
segmentation, the APDU trace, and the one place where status words are checked.
"""

from __future__ import annotations

from collections.abc import Callable

from esimctl.apdu.command import Command, channel_cla
from esimctl.apdu.status import describe, is_success, name
from esimctl.errors import TransportError, UsageError
from esimctl.transport.base import Transport

TraceFn = Callable[[str], None]

MSS_DEFAULT = 120
MSS_MIN, MSS_MAX = 6, 255
_MAX_GET_RESPONSES = 256  # 64 KiB of chained response: more means a card stuck answering 61xx


class StatusWordError(TransportError):
    """The card answered a command with an error status word."""

    code = "status-word"

    def __init__(self, what: str, sw: int) -> None:
        self.sw = sw
        self.sw_name = name(sw)
        super().__init__(f"{what} failed: {self.sw_name} ({sw:04X}): {describe(sw)}")

    def details(self) -> dict[str, object]:
        return {"sw": f"{self.sw:04X}", "swName": self.sw_name}


def check_mss(mss: int) -> int:
    if not MSS_MIN <= mss <= MSS_MAX:
        raise UsageError(f"--mss {mss} is out of range: a STORE DATA block holds {MSS_MIN} to {MSS_MAX} bytes",
                         hint="the default, 120, suits most cards; try 63 if a card answers 6601")
    return mss


class ApduLink:
    def __init__(self, transport: Transport, *, mss: int = MSS_DEFAULT, trace: TraceFn | None = None) -> None:
        self.transport = transport
        self.mss = check_mss(mss)
        self.trace = trace
        self.apdu_count = 0

    def _transmit(self, raw: bytes) -> tuple[bytes, int]:
        if self.trace:
            self.trace(f"-> {raw.hex().upper()}")
        data, sw = self.transport.transmit(raw)
        self.apdu_count += 1
        if self.trace:
            self.trace(f"<- {data.hex().upper()} {sw:04X} {name(sw)}".replace("  ", " "))
        return data, sw

    def exchange(self, cmd: Command, *, fetch: bool = True) -> tuple[bytes, int]:
        """Sends `cmd`, follows 6Cxx and (with `fetch`) 61xx; returns all response data and the
        last status word."""
        data, sw = self._transmit(cmd.encode())
        if sw >> 8 == 0x6C:  # the card wants the exact Le: send the same command again with it
            data, sw = self._transmit(cmd.with_le(sw & 0xFF).encode())
        if not fetch:
            return data, sw
        collected = bytearray(data)
        for _ in range(_MAX_GET_RESPONSES):
            if sw >> 8 != 0x61:
                return bytes(collected), sw
            get_response = Command(cmd.cla & 0x7F, 0xC0, 0x00, 0x00, le=sw & 0xFF)
            data, sw = self._transmit(get_response.encode())
            if sw >> 8 == 0x6C:
                data, sw = self._transmit(get_response.with_le(sw & 0xFF).encode())
            collected += data
        raise TransportError(f"the card kept answering 61xx after {_MAX_GET_RESPONSES} GET RESPONSEs")

    def send(self, cmd: Command, what: str) -> bytes:
        """Exchanges `cmd` and raises StatusWordError unless the status word reports success."""
        data, sw = self.exchange(cmd)
        if not is_success(sw):
            raise StatusWordError(what, sw)
        if sw != 0x9000 and self.trace:
            self.trace(f"   note: {describe(sw)}")
        return data

    def store_data(self, channel: int, payload: bytes, what: str) -> bytes:
        """Sends an ES10 request as STORE DATA blocks of at most `mss` bytes; returns the reply."""
        cla = channel_cla(0x80, channel)
        blocks = [payload[i : i + self.mss] for i in range(0, len(payload), self.mss)] or [b""]
        response = b""
        for number, block in enumerate(blocks):
            last = number == len(blocks) - 1
            cmd = Command(cla, 0xE2, 0x91 if last else 0x11, number & 0xFF, block, le=0)
            response = self.send(cmd, f"{what} (STORE DATA block {number})")
        return response
