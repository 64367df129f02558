"""Real readers through the PC/SC service (pcscd), by way of pyscard.

pyscard is an optional dependency (esimctl[pcsc]) and is imported only inside the functions here,
so the rest of esimctl, the simulator included, works without it.

A transport holds its reader with SCARD_SHARE_EXCLUSIVE from open() to close(): an ES10 operation
spans several APDUs on one logical channel, and another application talking to the card in between
could break it. A second esimctl finding the reader taken waits for it (time-bounded) instead of
failing, so concurrent commands on one reader run one after the other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any

from esimctl.errors import NoReaderError, PcscUnavailableError, TransportError, UsageError

DEFAULT_WAIT = 30.0  # seconds to wait for a reader another application holds exclusively

# PC/SC return codes (winscard.h); pyscard may hand them back signed, so compare unsigned.
_SUCCESS = 0x00000000
_E_UNKNOWN_READER = 0x80100009
_E_SHARING_VIOLATION = 0x8010000B
_E_NO_SMARTCARD = 0x8010000C
_E_PROTO_MISMATCH = 0x8010000F
_F_COMM_ERROR = 0x80100013
_E_NOT_TRANSACTED = 0x80100016
_E_READER_UNAVAILABLE = 0x80100017
_E_NO_SERVICE = 0x8010001D
_E_SERVICE_STOPPED = 0x8010001E
_E_NO_READERS_AVAILABLE = 0x8010002E
_W_UNRESPONSIVE_CARD = 0x80100066
_W_UNPOWERED_CARD = 0x80100067
_W_RESET_CARD = 0x80100068
_W_REMOVED_CARD = 0x80100069

_PROTOCOL_T0, _PROTOCOL_T1 = 0x1, 0x2
_PROTOCOL_BITS = {0: _PROTOCOL_T0, 1: _PROTOCOL_T1}
_STATE_PRESENT, _STATE_MUTE = 0x20, 0x200

_HINT_START_PCSCD = (
    "start it: `sudo systemctl start pcscd.socket`, or for the simulated card `tools/pcsc-up` "
    "in an esimctl source checkout"
)
_HINT_REMOVED = (
    "put the card back (for the simulator: start `esimctl sim serve` again) and rerun the command; "
    "if it was changing a profile, check the result with `esimctl profile list`"
)


@dataclass(frozen=True)
class ReaderInfo:
    name: str
    card_present: bool
    atr: bytes | None  # None when no card, or a card that did not answer reset (mute)


def _pyscard() -> ModuleType:
    try:
        from smartcard import scard
    except ImportError as exc:
        raise PcscUnavailableError(
            f"PC/SC support is not available: pyscard cannot be imported ({exc})",
            hint="pip install 'esimctl[pcsc]' (building pyscard needs gcc, libpcsclite-dev and the "
            "Python headers)",
        ) from exc
    return scard


def _u(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


def _describe(scard: ModuleType, hresult: int) -> str:
    try:
        text = str(scard.SCardGetErrorMessage(hresult)).rstrip(". ")
    except Exception:
        text = "PC/SC error"
    return f"{text} (0x{_u(hresult):08X})"


class _Context:
    """An SCard context, released on close."""

    def __init__(self, scard: ModuleType) -> None:
        self.scard = scard
        hresult, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        hresult = _u(hresult)
        if hresult in (_E_NO_SERVICE, _E_SERVICE_STOPPED):
            raise PcscUnavailableError("the PC/SC service (pcscd) is not running", hint=_HINT_START_PCSCD)
        if hresult != _SUCCESS:
            raise PcscUnavailableError(f"cannot reach the PC/SC service: {_describe(scard, hresult)}",
                                hint=_HINT_START_PCSCD)

    def readers(self) -> list[ReaderInfo]:
        scard = self.scard
        hresult, names = scard.SCardListReaders(self.handle, [])
        hresult = _u(hresult)
        if hresult == _E_NO_READERS_AVAILABLE:
            return []
        if hresult in (_E_NO_SERVICE, _E_SERVICE_STOPPED):
            raise NoReaderError("the PC/SC service (pcscd) stopped", hint=_HINT_START_PCSCD)
        if hresult != _SUCCESS:
            raise NoReaderError(f"cannot list readers: {_describe(scard, hresult)}")
        if not names:
            return []
        # UNAWARE makes GetStatusChange report every reader's current state at once.
        hresult, states = scard.SCardGetStatusChange(
            self.handle, 0, [(name, scard.SCARD_STATE_UNAWARE) for name in names])
        if _u(hresult) != _SUCCESS:
            return [ReaderInfo(name, False, None) for name in names]
        infos = []
        for name, event_state, atr in states:
            present = bool(event_state & _STATE_PRESENT)
            answered = present and not event_state & _STATE_MUTE and bool(atr)
            infos.append(ReaderInfo(name, present, bytes(atr) if answered else None))
        return infos

    def close(self) -> None:
        if self.handle is not None:
            self.scard.SCardReleaseContext(self.handle)
            self.handle = None


def list_readers() -> list[ReaderInfo]:
    """Every reader pcscd knows, in its order (the order `--reader INDEX` counts in)."""
    context = _Context(_pyscard())
    try:
        return context.readers()
    finally:
        context.close()


def atr_protocols(atr: bytes) -> set[int]:
    """The transmission protocols (0, 1, ...) an ATR offers: T=0 alone when it names none."""
    if len(atr) < 2:
        return set()
    offered: set[int] = set()
    pos, indicator = 2, atr[1] >> 4  # after TS and T0; the high nibble says which TA..TD follow
    while indicator:
        pos += bin(indicator & 0x7).count("1")  # TAi, TBi, TCi
        if not indicator & 0x8:
            break
        if pos >= len(atr):
            return set()  # truncated: unknown
        td = atr[pos]
        pos += 1
        if td & 0x0F != 0x0F:  # T=15 holds global parameters, not a protocol
            offered.add(td & 0x0F)
        indicator = td >> 4
    return offered or {0}


def _protocol_name(bits: int) -> str:
    return " or ".join(f"T={t}" for t, bit in _PROTOCOL_BITS.items() if bits & bit) or "none"


def _choose(readers: list[ReaderInfo], selector: str | None) -> ReaderInfo:
    def listing(items: list[ReaderInfo]) -> str:
        wanted = {id(r) for r in items}
        return "; ".join(f"{i}: {r.name}{'' if r.card_present else ' (no card)'}"
                         for i, r in enumerate(readers) if id(r) in wanted)

    if not readers:
        raise PcscUnavailableError("no smart-card reader found",
                            hint="connect a reader; for the simulated card run `tools/pcsc-up` and "
                            "`esimctl sim serve`")
    if selector is None:
        if len(readers) == 1:
            return readers[0]
        with_card = [r for r in readers if r.card_present]
        if len(with_card) == 1:
            return with_card[0]
        if not with_card:
            raise NoReaderError(f"no card in any of the {len(readers)} readers ({listing(readers)})",
                                hint="insert the eUICC, or choose a reader with --reader")
        raise UsageError(f"{len(with_card)} readers have a card ({listing(with_card)})",
                         hint="choose one with --reader NAME (any unique part of it) or --reader INDEX")
    if selector.isdecimal():
        index = int(selector)
        if index >= len(readers):
            raise NoReaderError(f"there is no reader {index} (readers: {listing(readers)})",
                                hint="`esimctl reader list` shows them")
        return readers[index]
    wanted = selector.casefold()
    exact = [r for r in readers if r.name.casefold() == wanted]
    if exact:
        return exact[0]
    matches = [r for r in readers if wanted in r.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NoReaderError(f"no reader matches {selector!r} (readers: {listing(readers)})",
                            hint="`esimctl reader list` shows them")
    raise UsageError(f"{selector!r} matches {len(matches)} readers ({listing(matches)})",
                     hint="give more of the name, or the reader's index")


def _hint_insert(reader: str) -> str:
    from esimctl.sim.vpcd import DEFAULT_PORT, port_for_reader

    port = port_for_reader(reader)
    if port is None:
        return "insert the eUICC, or choose another reader with --reader"
    serve = "esimctl sim serve" + ("" if port == DEFAULT_PORT else f" --port {port}")
    return f"this is a virtual reader: start a simulated card in it with `{serve}`"


class PcscTransport:
    """Exclusive access to the card in one PC/SC reader, until close()."""

    def __init__(self, context: _Context, reader: str, handle: Any, protocol: int) -> None:
        self._context: _Context | None = context
        self._scard = context.scard
        self._handle = handle
        self._protocol = protocol
        self.name = reader

    @classmethod
    def open(cls, selector: str | None = None, *, protocol: int | None = None,
             wait: float = DEFAULT_WAIT) -> PcscTransport:
        """Connect to the card in the reader `selector` picks.

        selector: None (the only reader, or the only one with a card), a decimal index into
        list_readers(), or a case-insensitive part of the reader's name.
        protocol: 0 or 1 to insist on T=0 or T=1; None takes T=1 when the ATR offers it, else T=0.
        wait: seconds to wait while another application holds the reader exclusively.
        """
        if protocol not in (None, 0, 1):
            raise UsageError(f"unknown protocol T={protocol}: choose T=0 or T=1")
        context = _Context(_pyscard())
        try:
            reader = _choose(context.readers(), selector)
            if not reader.card_present:
                raise NoReaderError(f"no card in reader {reader.name!r}", hint=_hint_insert(reader.name))
            handle, active = _connect(context, reader, protocol, wait)
        except BaseException:
            context.close()
            raise
        return cls(context, reader.name, handle, active)

    @property
    def protocol(self) -> int:
        """The protocol in use: 0 (T=0) or 1 (T=1)."""
        return 1 if self._protocol == _PROTOCOL_T1 else 0

    @property
    def atr(self) -> bytes:
        hresult, _name, _state, _protocol, atr = self._scard.SCardStatus(self._live_handle())
        if _u(hresult) != _SUCCESS:
            raise self._failure("SCardStatus", hresult)
        return bytes(atr)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        hresult, response = self._scard.SCardTransmit(self._live_handle(), self._protocol, list(apdu))
        if _u(hresult) != _SUCCESS:
            raise self._failure("SCardTransmit", hresult)
        if not response:
            # vpcd reports a card that went away mid-command as success with nothing in it.
            raise TransportError(f"card removed from reader {self.name!r} (empty response)",
                                 hint=_HINT_REMOVED)
        if len(response) < 2:
            raise TransportError(f"malformed response from the card in reader {self.name!r}: "
                                 f"{bytes(response).hex().upper()} has no status word")
        return bytes(response[:-2]), response[-2] << 8 | response[-1]

    @property
    def can_reset(self) -> bool:
        return True

    def reset(self) -> None:
        """Warm reset (SCardReconnect with SCARD_RESET_CARD), keeping exclusive access."""
        scard = self._scard
        hresult, active = scard.SCardReconnect(self._live_handle(), scard.SCARD_SHARE_EXCLUSIVE,
                                               self._protocol, scard.SCARD_RESET_CARD)
        if _u(hresult) == _E_PROTO_MISMATCH:  # the card came back offering another protocol
            hresult, active = scard.SCardReconnect(self._handle, scard.SCARD_SHARE_EXCLUSIVE,
                                                   _PROTOCOL_T0 | _PROTOCOL_T1, scard.SCARD_RESET_CARD)
        if _u(hresult) != _SUCCESS:
            raise self._failure("SCardReconnect", hresult)
        self._protocol = active

    def close(self) -> None:
        """Release the reader, leaving the card powered as it is (no reset, no power-off)."""
        if self._handle is not None:
            self._scard.SCardDisconnect(self._handle, self._scard.SCARD_LEAVE_CARD)
            self._handle = None
        if self._context is not None:
            self._context.close()
            self._context = None

    def __enter__(self) -> PcscTransport:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PcscTransport({self.name!r}, T={self.protocol})"

    def _live_handle(self) -> Any:
        if self._handle is None:
            raise TransportError(f"the connection to reader {self.name!r} is closed")
        return self._handle

    def _failure(self, call: str, hresult: int) -> TransportError:
        code = _u(hresult)
        reader = repr(self.name)
        if code in (_W_REMOVED_CARD, _E_NOT_TRANSACTED, _E_NO_SMARTCARD):
            return TransportError(f"card removed from reader {reader}", hint=_HINT_REMOVED)
        if code == _W_UNPOWERED_CARD:
            return TransportError(f"card removed from reader {reader} (another card is there now)",
                                  hint=_HINT_REMOVED)
        if code == _W_RESET_CARD:
            return TransportError(f"the card in reader {reader} was reset by another application",
                                  hint="rerun the command")
        if code in (_E_READER_UNAVAILABLE, _E_UNKNOWN_READER):
            return TransportError(f"reader {reader} was disconnected", hint="reconnect it and rerun")
        if code in (_E_NO_SERVICE, _E_SERVICE_STOPPED, _F_COMM_ERROR):
            return TransportError(f"the PC/SC service (pcscd) stopped while using reader {reader}",
                                  hint=_HINT_START_PCSCD)
        return TransportError(f"reader {reader}: {call} failed: {_describe(self._scard, hresult)}")


def _connect(context: _Context, reader: ReaderInfo, protocol: int | None, wait: float) -> tuple[Any, int]:
    """SCardConnect, exclusive, retrying while another application holds the reader."""
    scard = context.scard
    offered = atr_protocols(reader.atr) if reader.atr else set()
    if protocol is not None:
        wanted = _PROTOCOL_BITS[protocol]
    elif 1 in offered:
        wanted = _PROTOCOL_T1
    elif 0 in offered:
        wanted = _PROTOCOL_T0
    else:
        wanted = _PROTOCOL_T0 | _PROTOCOL_T1
    name = repr(reader.name)
    deadline = time.monotonic() + wait
    pause = 0.01
    while True:
        hresult, handle, active = scard.SCardConnect(context.handle, reader.name,
                                                     scard.SCARD_SHARE_EXCLUSIVE, wanted)
        code = _u(hresult)
        if code == _SUCCESS:
            return handle, active
        if code == _E_SHARING_VIOLATION and time.monotonic() < deadline:
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.1)
            continue
        if code == _E_PROTO_MISMATCH and protocol is None and wanted != _PROTOCOL_T0 | _PROTOCOL_T1:
            # The card keeps the protocol it was first used with until reset: take whichever it has.
            wanted = _PROTOCOL_T0 | _PROTOCOL_T1
            continue
        break
    if code == _E_SHARING_VIOLATION:
        raise NoReaderError(f"reader {name} is in use by another application (waited {wait:g} s)",
                            hint="wait for it to finish (another esimctl, pcsc_scan, a browser's "
                            "smart-card extension...) and rerun")
    if code == _E_PROTO_MISMATCH:
        offers = ", ".join(f"T={t}" for t in sorted(offered)) or "an unknown set of protocols"
        if protocol is not None and protocol in offered:
            other = _protocol_name(_PROTOCOL_BITS[1 - protocol])
            raise TransportError(
                f"the card in reader {name} is running {other}, not {_protocol_name(wanted)}: a card keeps "
                "the protocol it was first used with until it is reset",
                hint="remove and reinsert the card, or leave the protocol to esimctl")
        if protocol is not None:
            raise TransportError(
                f"the card in reader {name} cannot use {_protocol_name(wanted)}: its ATR offers {offers}",
                hint="leave the protocol to esimctl, or pick one the card offers")
        raise TransportError(
            f"the card in reader {name} accepts neither T=0 nor T=1 (protocol mismatch; ATR offers {offers})",
            hint="another application may have set it up otherwise: remove and reinsert the card")
    if code in (_E_NO_SMARTCARD, _W_REMOVED_CARD):
        raise NoReaderError(f"no card in reader {name}", hint=_hint_insert(reader.name))
    if code in (_W_UNRESPONSIVE_CARD, _W_UNPOWERED_CARD):
        raise NoReaderError(f"the card in reader {name} does not respond ({_describe(scard, hresult)})",
                            hint="remove and reinsert it; for the simulator, wait for the reader to "
                            "show no card before starting the next one")
    if code in (_E_UNKNOWN_READER, _E_READER_UNAVAILABLE):
        raise NoReaderError(f"reader {name} has gone away", hint="reconnect it, then `esimctl reader list`")
    if code in (_E_NO_SERVICE, _E_SERVICE_STOPPED):
        raise NoReaderError("the PC/SC service (pcscd) stopped", hint=_HINT_START_PCSCD)
    raise TransportError(f"cannot connect to the card in reader {name}: {_describe(scard, hresult)}")
