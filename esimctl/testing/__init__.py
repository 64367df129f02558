"""Helpers for testing against simulated cards in real PC/SC readers.

The pytest fixtures built on these (sim_card, pcsc_sim_reader) are in esimctl.testing.plugin, which
pytest loads by itself once esimctl is installed. Everything touching pyscard imports it lazily.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import esimctl

# Minimal ATRs for protocol tests (TS=3B direct convention; TCK present whenever T=1 is offered).
ATR_T0 = bytes.fromhex("3B024553")  # no TD1: T=0 only; historical bytes "ES"
ATR_T1 = bytes.fromhex("3B800181")  # TD1 = T=1
ATR_T0_T1 = bytes.fromhex("3B80800101")  # TD1 = T=0, TD2 = T=1

_STATE_PRESENT, _STATE_MUTE, _STATE_CHANGED = 0x20, 0x200, 0x2
_SCARD_E_TIMEOUT = 0x8010000A


class ScriptedCard:
    """A card double for transport tests: answers every command with its data field and 9000.

    INS `HANG` is never answered (until `release` is set), for pulling a card out mid-command.
    `events` records power_on/power_off/reset, `apdus` every command, so a test can see what the
    reader did.
    """

    HANG = 0xEE

    def __init__(self, atr: bytes = ATR_T0_T1) -> None:
        self._atr = atr
        self.events: list[str] = []
        self.apdus: list[bytes] = []
        self.release = threading.Event()

    @property
    def atr(self) -> bytes:
        return self._atr

    def power_on(self) -> bytes:
        self.events.append("power_on")
        return self._atr

    def power_off(self) -> None:
        self.events.append("power_off")

    def reset(self) -> bytes:
        self.events.append("reset")
        return self._atr

    def process(self, apdu: bytes) -> bytes:
        self.apdus.append(apdu)
        if len(apdu) >= 2 and apdu[1] == self.HANG:
            self.release.wait()
        return _command_data(apdu) + b"\x90\x00"


def _command_data(apdu: bytes) -> bytes:
    if len(apdu) <= 5:
        return b""
    if apdu[4] != 0:  # short Lc
        return apdu[5:5 + apdu[4]]
    if len(apdu) >= 7:  # extended Lc: 00 hi lo
        return apdu[7:7 + int.from_bytes(apdu[5:7], "big")]
    return b""


def in_ci() -> bool:
    """True on a CI runner (CI=true, or any value other than empty/0/false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def wait_reader_state(reader: str, *, present: bool, timeout: float = 10.0,
                      alive: subprocess.Popen[bytes] | None = None) -> bool:
    """Wait until `reader` shows a (responsive) card, or none; False on timeout.

    Uses SCardGetStatusChange, so it returns as soon as pcscd notices (its vpcd poll is 400 ms).
    With `alive`, it also gives up early when that process (the card's server) has exited.
    """
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    try:
        deadline = time.monotonic() + timeout
        known = scard.SCARD_STATE_UNAWARE  # the first call reports the current state at once
        while True:
            # Short slices, so that a dead card server is noticed.
            slice_ms = int(max(0.0, min(deadline - time.monotonic(), 0.25)) * 1000)
            hresult, states = scard.SCardGetStatusChange(context, slice_ms, [(reader, known)])
            if hresult == scard.SCARD_S_SUCCESS:
                _name, event, _atr = states[0]
                has_card = bool(event & _STATE_PRESENT) and not event & _STATE_MUTE
                if has_card == present:
                    return True
                known = event & ~_STATE_CHANGED
            elif hresult & 0xFFFFFFFF != _SCARD_E_TIMEOUT:
                return False
            if time.monotonic() >= deadline:
                return False
            if present and alive is not None and alive.poll() is not None:
                return False
    finally:
        scard.SCardReleaseContext(context)


class CardProcess:
    """A card server in a subprocess, connected to vpcd: started, then stopped (removal) or killed.

    `argv` runs the server, e.g. `[sys.executable, "-m", "esimctl.sim.vpcd", "--card", ..]`. Its
    output goes to `log_file`, shown in errors when it fails to come up.
    """

    def __init__(self, argv: Sequence[str], reader: str, log_file: Path) -> None:
        self.argv = list(argv)
        self.reader = reader
        self.log_file = log_file
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Start it and wait until the reader shows the card; RuntimeError with its log if not."""
        if wait_reader_state(self.reader, present=True, timeout=0):  # a look, no wait
            raise RuntimeError(f"reader {self.reader!r} already has a card: another card server is "
                               "connected to it (tools/pcsc-down stops the ones it knows)")
        env = dict(os.environ)
        # The subprocess imports this very esimctl, installed or not.
        package_root = str(Path(esimctl.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        with self.log_file.open("ab") as log:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, env=env)
        if not wait_reader_state(self.reader, present=True, timeout=timeout, alive=self.proc):
            status = self.proc.poll()
            self.kill()
            state = (f"exited with status {status}" if status is not None
                     else f"not present after {timeout:g} s")
            raise RuntimeError(f"card server for reader {self.reader!r} {state}; its output:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no output)"

    def stop(self, timeout: float = 10.0) -> None:
        """Remove the card cleanly (SIGTERM) and wait until the reader shows it gone."""
        self._end(signal.SIGTERM, timeout)

    def kill(self, timeout: float = 10.0) -> None:
        """Pull the card out: SIGKILL the server, no goodbye; wait until the reader shows it gone."""
        self._end(signal.SIGKILL, timeout)

    def _end(self, sig: signal.Signals, timeout: float) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # The next card must not arrive before pcscd has seen this one leave: it would show up
        # unpowered (0x80100067) with no removal event in between.
        if not wait_reader_state(self.reader, present=False, timeout=timeout):
            raise RuntimeError(f"reader {self.reader!r} still shows a card {timeout:g} s after its "
                               "server stopped")

    def __enter__(self) -> CardProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def scripted_card_argv(port: int, atr: bytes = ATR_T0_T1, host: str = "127.0.0.1") -> list[str]:
    """argv for a subprocess serving a ScriptedCard to vpcd on `port`."""
    code = ("import sys; from esimctl.testing import ScriptedCard; "
            "from esimctl.sim.vpcd import serve_process; "
            f"serve_process(ScriptedCard(bytes.fromhex({atr.hex()!r})), {host!r}, {port})")
    return [sys.executable, "-c", code]
