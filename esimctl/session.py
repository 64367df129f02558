"""A session with the ISD-R: a logical channel (or the basic one when the card refuses to open
one), the ISD-R selected once, and the channel closed again on every exit path.
"""

from __future__ import annotations

from types import TracebackType

from esimctl.aids import GSMA_ISDR_AID, VENDOR_ISDR_AIDS
from esimctl.apdu.command import Command, channel_cla
from esimctl.apdu.link import MSS_DEFAULT, ApduLink, StatusWordError, TraceFn
from esimctl.errors import TransportError
from esimctl.transport.base import Transport


class IsdrNotFoundError(TransportError):
    code = "isdr-not-found"


class Session:
    def __init__(self, transport: Transport, *, isdr_aid: bytes | None = None, mss: int = MSS_DEFAULT,
                 trace: TraceFn | None = None) -> None:
        self.transport = transport
        self.link = ApduLink(transport, mss=mss, trace=trace)
        self.requested_aid = isdr_aid
        self.isdr_aid: bytes | None = None
        self.channel: int | None = None

    def __enter__(self) -> Session:
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close(quiet=exc is not None)

    def _trace(self, text: str) -> None:
        if self.link.trace:
            self.link.trace(f"   {text}")

    def open(self) -> None:
        self.channel = self._open_channel()
        try:
            self.isdr_aid = self._select_isdr()
        except BaseException:
            self.close(quiet=True)
            raise

    def _open_channel(self) -> int:
        try:
            data = self.link.send(Command(0x00, 0x70, 0x00, 0x00, le=1), "MANAGE CHANNEL (open)")
        except StatusWordError as exc:
            self._trace(f"no logical channel ({exc.sw_name}); using the basic channel")
            return 0
        if len(data) != 1 or not 1 <= data[0] <= 19:
            self._trace("MANAGE CHANNEL answered no channel number; using the basic channel")
            return 0
        return data[0]

    def _select(self, aid: bytes) -> bool:
        cmd = Command(channel_cla(0x00, self.channel or 0), 0xA4, 0x04, 0x00, aid, le=0)
        # The FCI is not needed: a 61xx is success too, and not worth a GET RESPONSE.
        _, sw = self.link.exchange(cmd, fetch=False)
        if sw == 0x9000 or sw >> 8 in (0x61, 0x91, 0x92):
            return True
        if sw in (0x6A82, 0x6A81, 0x6999):
            return False
        raise StatusWordError(f"SELECT ISD-R {aid.hex().upper()}", sw)

    def _select_isdr(self) -> bytes:
        if self.requested_aid is not None:
            if self._select(self.requested_aid):
                return self.requested_aid
            raise IsdrNotFoundError(f"the card has no application {self.requested_aid.hex().upper()}",
                                    hint="check --isdr-aid, or leave it out to probe the known ISD-R AIDs")
        for vendor, aid in [("GSMA", GSMA_ISDR_AID), *VENDOR_ISDR_AIDS.items()]:
            if self._select(aid):
                if vendor != "GSMA":
                    self._trace(f"ISD-R found under the {vendor} AID")
                return aid
        raise IsdrNotFoundError("no ISD-R found: the card answered 'not found' to the GSMA ISD-R AID and to "
                                "every known vendor AID", hint="is this an eUICC? give its AID with --isdr-aid")

    def store_data(self, payload: bytes, what: str) -> bytes:
        if self.channel is None:
            raise TransportError("the session is not open")
        return self.link.store_data(self.channel, payload, what)

    def reset_card(self) -> None:
        """Resets the card (so a profile change takes effect) and re-establishes the session."""
        self.transport.reset()
        self.channel = None  # the reset closed it
        self.open()

    def close(self, quiet: bool = False) -> None:
        channel, self.channel = self.channel, None
        if not channel:
            return
        try:
            self.link.send(Command(channel_cla(0x00, channel), 0x70, 0x80, channel), "MANAGE CHANNEL (close)")
        except Exception:
            if not quiet:  # an error already in flight matters more than a failed close
                raise

