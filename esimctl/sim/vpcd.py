"""Put a simulated card into a real PC/SC reader: vsmartcard's vpcd driver, as the card's TCP client.

vpcd listens (one port per virtual reader); whatever connects is the card in that reader. Each frame
is a 2-byte big-endian length and a payload. A 1-byte payload is a control message (power off, power
on, reset: no reply; get ATR: reply with the ATR, which is how pcscd polls for presence every
400 ms). Any longer payload is a command APDU, answered by the response APDU.

Closing the connection removes the card from the reader.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963

_POWER_OFF, _POWER_ON, _RESET, _GET_ATR = 0x00, 0x01, 0x02, 0x04
_SW_NO_PRECISE_DIAGNOSIS = b"\x6f\x00"
_STOP_POLL = 0.1  # a blocked recv looks at the stop event this often
_SEND_TIMEOUT = 10.0  # vpcd is waiting for the answer; this long means it is gone
_UNPOLLED_WARNING = 2.0  # seconds without a poll from vpcd before saying why the card is not in
_BACKOFF_FIRST, _BACKOFF_MAX = 0.05, 1.0
# vpcd writes the length and the payload with two send() calls; with Nagle on its side and delayed
# ACK on ours every APDU would wait ~40 ms for our ACK. Quick-ACK mode is not sticky in Linux, so it
# is re-armed before every recv.
_TCP_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


class Card(Protocol):
    """What serve() needs of a card: esimctl.sim.card.SimulatedCard, or any test double."""

    @property
    def atr(self) -> bytes: ...

    def power_on(self) -> bytes: ...

    def power_off(self) -> None: ...

    def reset(self) -> bytes: ...

    def process(self, apdu: bytes) -> bytes: ...


def serve(
    card: Card,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    stop: threading.Event | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Connect `card` to vpcd at host:port and answer it until `stop` is set (or SIGTERM/SIGINT).

    Waits, with backoff, while vpcd is not listening, and reconnects if it goes away (pcscd
    restarted). `on_ready` is called once, when vpcd first polls the card: from then on pcscd
    lists it as present. Signal handlers are installed only when called from the main thread;
    from another thread, use `stop`.
    """
    stop = stop if stop is not None else threading.Event()
    current: list[socket.socket] = []  # the live connection, for the signal handler to cut short
    pending_ready = [on_ready] if on_ready is not None else []
    delay = _BACKOFF_FIRST
    with _stop_on_signals(stop, current):
        while not stop.is_set():
            try:
                sock = socket.create_connection((host, port), timeout=2.0)
            except OSError as exc:
                log.debug("vpcd at %s:%d not reachable (%s); retrying in %.2f s", host, port, exc, delay)
                stop.wait(delay)
                delay = min(delay * 2, _BACKOFF_MAX)
                continue
            delay = _BACKOFF_FIRST
            log.info("connected to vpcd at %s:%d", host, port)
            current.append(sock)
            try:
                _Connection(card, sock, stop, f"{host}:{port}", pending_ready).run()
            except OSError as exc:  # vpcd dropped us: pcscd stopped or restarted
                log.info("connection to vpcd lost (%s)", exc)
            finally:
                current.clear()
                sock.close()
            if not stop.is_set():
                log.info("vpcd closed the connection; reconnecting")
                stop.wait(delay)
    log.info("card removed: disconnected from vpcd at %s:%d", host, port)


class _Connection:
    """One connection to vpcd: answer frames until EOF or stop. The card loses power when it leaves."""

    def __init__(self, card: Card, sock: socket.socket, stop: threading.Event, where: str,
                 pending_ready: list[Callable[[], None]]) -> None:
        self.card, self.sock, self.stop, self.where = card, sock, stop, where
        self.pending_ready = pending_ready
        self.buf = bytearray()
        self.powered = False
        self.polled = False
        self.warned = False
        self.connected_at = time.monotonic()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(_STOP_POLL)

    def run(self) -> None:
        try:
            while (frame := self._read_frame()) is not None:
                if not self.polled:
                    self.polled = True
                    log.info("card inserted: vpcd at %s polls it", self.where)
                    while self.pending_ready:
                        self.pending_ready.pop()()
                if len(frame) == 1:
                    self._control(frame[0])
                elif frame:
                    if not self.powered:
                        # Only when this card slid into the reader within one poll of the previous
                        # card leaving: pcscd saw no change, so it will not power it up. A reader
                        # powers what is in contact with it; do the same.
                        log.info("APDU before power-on (pcscd missed the card change): powering on")
                        self._card_call(self.card.power_on)
                        self.powered = True
                    self._send(self._process(frame))
        finally:
            if self.powered:
                self._card_call(self.card.power_off)

    def _control(self, code: int) -> None:
        log.debug("vpcd control %02X", code)
        if code == _GET_ATR:
            self._send(self.card.atr)
        elif code == _POWER_ON:
            self._card_call(self.card.power_on)
            self.powered = True
        elif code == _RESET:
            self._card_call(self.card.reset)
            self.powered = True
        elif code == _POWER_OFF:
            self._card_call(self.card.power_off)
            self.powered = False
        else:
            log.warning("ignoring unknown vpcd control byte %02X", code)

    def _process(self, apdu: bytes) -> bytes:
        try:
            response = self.card.process(apdu)
        except Exception:
            # A bug in the card must not pull it out of the reader: answer as a card would.
            log.exception("card failed on APDU %s", apdu.hex().upper())
            return _SW_NO_PRECISE_DIAGNOSIS
        if len(response) < 2 or len(response) > 0xFFFF:
            log.error("card returned an invalid response (%d bytes) to %s", len(response), apdu.hex().upper())
            return _SW_NO_PRECISE_DIAGNOSIS
        return response

    @staticmethod
    def _card_call(method: Callable[[], object]) -> None:
        try:
            method()
        except Exception:
            log.exception("card failed in %s", getattr(method, "__name__", method))

    def _send(self, payload: bytes) -> None:
        # Length and payload in one buffer, so one sendall() and normally one TCP segment. The
        # short timeout that lets recv notice `stop` must not cut a send short: lift it meanwhile.
        self.sock.settimeout(_SEND_TIMEOUT)
        try:
            self.sock.sendall(len(payload).to_bytes(2, "big") + payload)
        finally:
            self.sock.settimeout(_STOP_POLL)

    def _read_frame(self) -> bytes | None:
        """The next frame's payload, or None at EOF or when stopping."""
        if not self._fill(2):
            return None
        size = 2 + int.from_bytes(self.buf[:2], "big")
        if not self._fill(size):
            return None
        payload = bytes(self.buf[2:size])
        del self.buf[:size]
        return payload

    def _fill(self, size: int) -> bool:
        while len(self.buf) < size:
            if self.stop.is_set():
                return False
            if _TCP_QUICKACK is not None:
                self.sock.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                self._check_polled()
                continue
            if not chunk:
                return False
            self.buf += chunk
        return True

    def _check_polled(self) -> None:
        # vpcd takes one card per port and polls it every 400 ms; a connection it never polls is
        # queued behind another card, and goes in only when that one leaves.
        if not self.polled and not self.warned and time.monotonic() - self.connected_at > _UNPOLLED_WARNING:
            self.warned = True
            log.warning("vpcd at %s has not polled this card for %g s: another card is probably in "
                        "that reader; this one goes in when it leaves", self.where, _UNPOLLED_WARNING)


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event, current: list[socket.socket]) -> Iterator[None]:
    """In the main thread, make SIGTERM and SIGINT set `stop` (and wake a blocked recv at once)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: object) -> None:
        log.info("%s: stopping", signal.Signals(signum).name)
        stop.set()
        for sock in current:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# --- running as a process -------------------------------------------------------------------------


def pcsc_state_dir() -> Path | None:
    """tools/pcsc-up's state directory ($ESIMCTL_PCSC_DIR, else .pcsc/ in a source checkout)."""
    env = os.environ.get("ESIMCTL_PCSC_DIR")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]
    return checkout / ".pcsc" if (checkout / "tools" / "pcsc-up").is_file() else None


def reader_name_for_port(port: int) -> str | None:
    """The reader whose card connects to `port`, from the map tools/pcsc-up writes."""
    state = pcsc_state_dir()
    if state is None:
        return None
    try:
        lines = (state / "readers").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        number, _, name = line.partition("\t")
        if number == str(port):
            return name
    return None


def port_for_reader(reader: str) -> int | None:
    """The vpcd port whose card appears in `reader`: from tools/pcsc-up's map, else Debian's stock
    vpcd config ("Virtual PCD 00 00" on 35963, "Virtual PCD 00 01" on 35964)."""
    state = pcsc_state_dir()
    try:
        lines = (state / "readers").read_text().splitlines() if state is not None else []
    except OSError:
        lines = []
    known = {name: int(port) for port, _, name in (line.partition("\t") for line in lines) if port.isdecimal()}
    known = known or {"Virtual PCD 00 00": DEFAULT_PORT, "Virtual PCD 00 01": DEFAULT_PORT + 1}
    return known.get(reader)


def serve_process(card: Card, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                  on_ready: Callable[[], None] | None = None) -> None:
    """serve() for a process of its own (`esimctl sim serve`): records its PID so tools/pcsc-down
    can stop it, and says on stderr where the card went (or calls `on_ready` instead)."""
    pidfile = None
    state = pcsc_state_dir()
    if state is not None and state.is_dir():
        pidfile = state / "serve" / f"{port}.pid"
        pidfile.parent.mkdir(exist_ok=True)
        pidfile.write_text(f"{os.getpid()}\n")
    reader = reader_name_for_port(port)
    where = f"reader {reader!r}" if reader else "its reader"

    def ready() -> None:
        print(f"card in {where} (vpcd at {host}:{port}); Ctrl-C removes it", file=sys.stderr, flush=True)

    try:
        serve(card, host, port, on_ready=on_ready or ready)
    finally:
        with contextlib.suppress(OSError):
            if pidfile is not None and pidfile.read_text().strip() == str(os.getpid()):
                pidfile.unlink()


def main(argv: list[str] | None = None) -> int:
    """`python -m esimctl.sim.vpcd --card FILE`: the same as `esimctl sim serve`."""
    parser = argparse.ArgumentParser(prog="python -m esimctl.sim.vpcd", description=main.__doc__)
    parser.add_argument("--card", type=Path, required=True, help="card file (YAML)")
    parser.add_argument("--state", type=Path, help="state file (default: the card's own)")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--t0", action="store_true", help="advertise T=0 only and behave like it")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s: %(message)s")
    from esimctl.sim.card import SimulatedCard
    from esimctl.sim.store import default_state_path, locked

    state_file = args.state or default_state_path(args.card)
    # Hold the state file as `--reader sim:FILE` does, so the two never change one card at once.
    with locked(state_file, timeout=0):  # as `esimctl sim serve`: a second server fails at once
        card = SimulatedCard.open(args.card, state_file, t0=args.t0)
        serve_process(card, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
