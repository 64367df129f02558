"""The simulated eUICC: ISO/IEC 7816-4 behaviour (channels, SELECT, GET RESPONSE, T=0 or T=1
response rules, power and reset) in front of the ISD-R, with its state persisted atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from esimctl.codec.bcd import encode_iccid
from esimctl.codec.tlv import CodecError, encode_tlv, parse_one
from esimctl.sim.atr import ATR_T0, ATR_T1
from esimctl.sim.cardfile import load_card
from esimctl.sim.isdr import Isdr, IsdrError
from esimctl.sim.model import CardState
from esimctl.sim.store import default_state_path, save_state

MAX_CHANNELS = 4  # the basic channel and logical channels 1-3, as the ATR advertises
FID_MF, FID_EF_ICCID = 0x3F00, 0x2FE2
REFRESH_COMMAND = bytes.fromhex("D009810301010482028182")  # proactive REFRESH, UICC reset


@dataclass
class _Channel:
    selected: str | None = None  # "isdr", "mf", "ef-iccid"
    store_data: bytearray = field(default_factory=bytearray)
    next_block: int = 0
    pending: bytes = b""  # response bytes awaiting GET RESPONSE
    pending_sw: int = 0x9000


class _Apdu:
    def __init__(self, raw: bytes) -> None:
        if len(raw) < 4:
            raise IsdrError(0x6700)
        self.cla, self.ins, self.p1, self.p2 = raw[0], raw[1], raw[2], raw[3]
        body = raw[4:]
        self.data = b""
        self.le: int | None = None
        if len(body) == 1:
            self.le = body[0] or 256
        elif len(body) > 1:
            lc = body[0]
            if lc == 0:
                raise IsdrError(0x6700)  # extended length: not supported by this card
            if len(body) == 1 + lc:
                self.data = body[1:]
            elif len(body) == 2 + lc:
                self.data, self.le = body[1:-1], body[-1] or 256
            else:
                raise IsdrError(0x6700)

    @property
    def channel(self) -> int:
        if self.cla & 0x40:
            return 4 + (self.cla & 0x0F)
        return self.cla & 0x03

    @property
    def proprietary(self) -> bool:
        return bool(self.cla & 0x80)


class SimulatedCard:
    def __init__(self, state: CardState, *, state_file: Path | None = None, t0: bool = False) -> None:
        self.state = state
        self.state_file = state_file
        self.t0 = t0
        self.isdr = Isdr(state, self._save)
        self.powered = False
        self.channels: dict[int, _Channel] = {}

    @classmethod
    def open(cls, card_file: Path, state_file: Path | None = None, *, t0: bool = False) -> SimulatedCard:
        """A card from its state file when one exists, else from the card file."""
        state_file = state_file or default_state_path(card_file)
        state = load_card(state_file if state_file.exists() else card_file)
        return cls(state, state_file=state_file, t0=t0)

    @property
    def atr(self) -> bytes:
        return ATR_T0 if self.t0 else ATR_T1

    def _save(self) -> None:
        if self.state_file is not None:
            save_state(self.state_file, self.state)

    # --- power -----------------------------------------------------------------------------
    def power_on(self) -> bytes:
        return self.reset()

    def attach(self) -> None:
        """Connects to the card as a new host process would to a card left powered in its reader:
        the live profile is unchanged (no reset), and no logical channel is open."""
        self.powered = True
        self.channels = {0: _Channel()}

    def power_off(self) -> None:
        self.powered = False
        self.channels = {}

    def reset(self) -> bytes:
        """Closes every logical channel, and makes the ISD-R's enabled profile the live one."""
        self.powered = True
        self.channels = {0: _Channel()}
        enabled = self.state.enabled()
        live = enabled.iccid if enabled else None
        if live != self.state.active_iccid or self.state.cat_busy:
            self.state.active_iccid = live
            self.state.cat_busy = False  # the toolkit's busy state does not survive a reset
            self._save()
        return self.atr

    @property
    def active_iccid(self) -> str | None:
        """The ICCID the terminal sees in EF.ICCID: the enabled profile as of the last reset."""
        return self.state.active_iccid

    # --- APDUs -----------------------------------------------------------------------------
    def process(self, raw: bytes) -> bytes:
        if not self.powered:
            return b"\x6f\x00"
        try:
            apdu = _Apdu(raw)
            data, sw = self._dispatch(apdu)
        except IsdrError as exc:
            return exc.sw.to_bytes(2, "big")
        return self._respond(apdu, data, sw)

    def _respond(self, apdu: _Apdu, data: bytes, sw: int) -> bytes:
        """Delivers response data as the protocol would. T=0: a command with data (case 4) is
        answered 61xx and the data waits for GET RESPONSE; a case 2 command with the wrong Le gets
        6Cxx. T=1: up to Ne bytes at once, and 61xx when more remain."""
        if not data or apdu.ins == 0xC0:
            return data + sw.to_bytes(2, "big")
        channel = self.channels.get(apdu.channel)
        if apdu.le is None or (self.t0 and apdu.data):
            return self._park(channel, data, sw, b"")
        if self.t0 and apdu.le != min(len(data), 256):
            return bytes([0x6C, len(data) & 0xFF])
        first, rest = data[: apdu.le], data[apdu.le :]
        if rest:
            return self._park(channel, rest, sw, first)
        return first + sw.to_bytes(2, "big")

    @staticmethod
    def _park(channel: _Channel | None, data: bytes, sw: int, sent: bytes) -> bytes:
        if channel is None:
            return sw.to_bytes(2, "big")
        channel.pending, channel.pending_sw = data, sw
        return sent + bytes([0x61, min(len(data), 256) & 0xFF])

    def _dispatch(self, apdu: _Apdu) -> tuple[bytes, int]:
        cla = apdu.cla
        if cla == 0xFF or (cla & 0xE0) == 0x20 or (cla & 0xE0) == 0xA0 or apdu.channel >= 20:
            raise IsdrError(0x6E00)
        if apdu.ins == 0x70 and not apdu.proprietary:
            return self._manage_channel(apdu)
        channel = self.channels.get(apdu.channel)
        if channel is None:
            raise IsdrError(0x6881)
        if apdu.ins != 0xC0:
            channel.pending = b""  # any other command discards an unfetched response
        handler = {
            0xA4: self._select, 0xC0: self._get_response, 0xE2: self._store_data,
            0xB0: self._read_binary, 0x12: self._fetch, 0x14: self._terminal_response,
        }.get(apdu.ins)
        if handler is None:
            raise IsdrError(0x6D00)
        return handler(apdu, channel)

    def _manage_channel(self, apdu: _Apdu) -> tuple[bytes, int]:
        if apdu.p1 == 0x00:  # open
            if apdu.p2 != 0x00 or apdu.channel != 0:
                raise IsdrError(0x6A86)
            free = next((n for n in range(1, MAX_CHANNELS) if n not in self.channels), None)
            if free is None:
                raise IsdrError(0x6A81)
            self.channels[free] = _Channel()
            return bytes([free]), 0x9000
        if apdu.p1 == 0x80:  # close
            number = apdu.p2 or apdu.channel
            if number == 0:
                raise IsdrError(0x6A86)
            if number not in self.channels:
                raise IsdrError(0x6881)
            del self.channels[number]
            return b"", 0x9000
        raise IsdrError(0x6A86)

    def _select(self, apdu: _Apdu, channel: _Channel) -> tuple[bytes, int]:
        if apdu.proprietary:
            raise IsdrError(0x6E00)
        fci_wanted = apdu.p2 & 0x0C == 0
        if apdu.p1 == 0x04:
            if apdu.data != self.isdr.aid:
                raise IsdrError(0x6A82)
            channel.selected = "isdr"
            channel.store_data.clear()  # a new SELECT starts the STORE DATA sequence afresh
            channel.next_block = 0
            fci = encode_tlv(0x6F, encode_tlv(0x84, self.isdr.aid) + encode_tlv(0xA5, b""))
            return (fci if fci_wanted else b""), 0x9000
        if apdu.p1 == 0x00 and len(apdu.data) == 2:
            fid = int.from_bytes(apdu.data, "big")
            if fid == FID_MF:
                channel.selected = "mf"
            elif fid == FID_EF_ICCID and self.active_iccid is not None:
                channel.selected = "ef-iccid"
            else:
                raise IsdrError(0x6A82)
            return b"", 0x9000
        raise IsdrError(0x6A86)

    def _read_binary(self, apdu: _Apdu, channel: _Channel) -> tuple[bytes, int]:
        if channel.selected != "ef-iccid" or self.active_iccid is None:
            raise IsdrError(0x6986)
        content = encode_iccid(self.active_iccid)
        offset = (apdu.p1 << 8) | apdu.p2
        if offset >= len(content):
            raise IsdrError(0x6B00)
        return content[offset : offset + (apdu.le or 256)], 0x9000

    def _get_response(self, apdu: _Apdu, channel: _Channel) -> tuple[bytes, int]:
        if not channel.pending:
            raise IsdrError(0x6985)
        available = len(channel.pending)
        wanted = apdu.le or 256
        if self.t0 and wanted > available:
            raise IsdrError(0x6C00 | (available & 0xFF))  # T=0: the card names the exact Le
        chunk, rest = channel.pending[:wanted], channel.pending[wanted:]
        if rest:
            channel.pending = rest
            return chunk, 0x6100 | (min(len(rest), 256) & 0xFF)
        channel.pending = b""
        return chunk, channel.pending_sw

    def _store_data(self, apdu: _Apdu, channel: _Channel) -> tuple[bytes, int]:
        if channel.selected != "isdr":
            raise IsdrError(0x6D00)
        if not apdu.proprietary:
            raise IsdrError(0x6E00)
        if apdu.p1 not in (0x11, 0x91):
            raise IsdrError(0x6A86)
        if apdu.p2 != channel.next_block:
            channel.store_data.clear()
            channel.next_block = 0
            raise IsdrError(0x6A86)
        channel.store_data += apdu.data
        if apdu.p1 == 0x11:
            channel.next_block = (channel.next_block + 1) & 0xFF
            return b"", 0x9000
        request = bytes(channel.store_data)
        channel.store_data.clear()
        channel.next_block = 0
        try:
            tlv = parse_one(request)
        except CodecError:
            raise IsdrError(0x6A80) from None
        reply = self.isdr.handle(tlv)
        return reply.data, (0x9100 | len(REFRESH_COMMAND)) if reply.proactive else 0x9000

    def _fetch(self, apdu: _Apdu, channel: _Channel) -> tuple[bytes, int]:
        return REFRESH_COMMAND, 0x9000

    def _terminal_response(self, apdu: _Apdu, channel: _Channel) -> tuple[bytes, int]:
        return b"", 0x9000

