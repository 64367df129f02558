"""esimctl.sim.vpcd.serve against a stand-in for vpcd (a TCP server speaking its framing); no pcscd."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from esimctl.sim import vpcd
from esimctl.testing import ATR_T1, ScriptedCard


class FakeVpcd:
    """The reader side of the vpcd protocol: listens, accepts the card, sends frames like vpcd does
    (length and payload in two writes, Nagle left on)."""

    def __init__(self, port: int = 0) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self.conn: socket.socket | None = None

    def listen(self) -> None:
        self.listener.listen(1)

    def accept(self, timeout: float = 5.0) -> socket.socket:
        self.listener.settimeout(timeout)
        self.conn, _ = self.listener.accept()
        self.conn.settimeout(timeout)
        return self.conn

    def send(self, payload: bytes, *, split: bool = True) -> None:
        assert self.conn is not None
        header = len(payload).to_bytes(2, "big")
        if split:
            self.conn.sendall(header)
            self.conn.sendall(payload)
        else:
            self.conn.sendall(header + payload)

    def recv_exact(self, size: int) -> bytes:
        assert self.conn is not None
        data = b""
        while len(data) < size:
            chunk = self.conn.recv(size - len(data))
            if not chunk:
                raise EOFError("card closed the connection")
            data += chunk
        return data

    def recv_frame(self) -> bytes:
        size = int.from_bytes(self.recv_exact(2), "big")
        return self.recv_exact(size)

    def exchange(self, payload: bytes) -> bytes:
        self.send(payload)
        return self.recv_frame()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.listener.close()


class Server:
    """serve() in a thread, stopped at the end."""

    def __init__(self, card: vpcd.Card, port: int) -> None:
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.ready_calls = 0
        self.thread = threading.Thread(
            target=vpcd.serve, args=(card, "127.0.0.1", port),
            kwargs={"stop": self.stop, "on_ready": self._on_ready}, daemon=True)

    def _on_ready(self) -> None:
        self.ready_calls += 1
        self.ready.set()

    def start(self) -> Server:
        self.thread.start()
        return self

    def shutdown(self, timeout: float = 2.0) -> float:
        started = time.monotonic()
        self.stop.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "serve() did not return after stop was set"
        return time.monotonic() - started


@pytest.fixture
def fake() -> Iterator[FakeVpcd]:
    reader = FakeVpcd()
    reader.listen()
    yield reader
    reader.close()


@pytest.fixture
def card() -> ScriptedCard:
    return ScriptedCard(ATR_T1)


@pytest.fixture
def server(card: ScriptedCard, fake: FakeVpcd) -> Iterator[Server]:
    running = Server(card, fake.port).start()
    fake.accept()
    yield running
    running.shutdown()


def test_control_messages_and_apdus(card: ScriptedCard, fake: FakeVpcd, server: Server) -> None:
    assert fake.exchange(b"\x04") == ATR_T1
    fake.send(b"\x01")  # power on: no reply
    fake.send(b"\x02")  # reset: no reply
    # The next bytes on the wire are the answer to this APDU, so nothing answered the two above.
    assert fake.exchange(bytes.fromhex("00A4040003A0B0C0")) == bytes.fromhex("A0B0C09000")
    fake.send(b"\x00")  # power off: no reply
    assert fake.exchange(b"\x04") == ATR_T1
    assert card.events == ["power_on", "reset", "power_off"]
    assert card.apdus == [bytes.fromhex("00A4040003A0B0C0")]
    assert server.ready_calls == 1


def test_frames_split_or_coalesced_are_read_whole(card: ScriptedCard, fake: FakeVpcd, server: Server) -> None:
    assert fake.conn is not None
    apdu = bytes.fromhex("8001000002CAFE")
    # Two frames in one write, then one frame dribbled out a byte at a time.
    fake.conn.sendall(b"\x00\x01\x04" + len(apdu).to_bytes(2, "big") + apdu)
    assert fake.recv_frame() == ATR_T1
    assert fake.recv_frame() == bytes.fromhex("CAFE9000")
    fake.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for byte in len(apdu).to_bytes(2, "big") + apdu:
        fake.conn.sendall(bytes([byte]))
        time.sleep(0.002)
    assert fake.recv_frame() == bytes.fromhex("CAFE9000")


def test_extended_apdu_passes_through(fake: FakeVpcd, server: Server) -> None:
    data = bytes(range(256)) * 8  # 2048 bytes: extended Lc
    apdu = bytes.fromhex("80E29100") + b"\x00" + len(data).to_bytes(2, "big") + data
    assert fake.exchange(apdu) == data + b"\x90\x00"


def test_response_is_one_write(monkeypatch: pytest.MonkeyPatch, card: ScriptedCard, fake: FakeVpcd) -> None:
    writes: list[bytes] = []

    class RecordingSocket(socket.socket):
        def sendall(self, data: bytes, flags: int = 0) -> None:  # type: ignore[override]
            writes.append(bytes(data))
            super().sendall(data, flags)

    real_connect = socket.create_connection

    def connect(*args: object, **kwargs: object) -> socket.socket:
        plain = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        return RecordingSocket(fileno=plain.detach())

    monkeypatch.setattr(vpcd.socket, "create_connection", connect)
    running = Server(card, fake.port).start()
    fake.accept()
    try:
        assert fake.exchange(bytes.fromhex("0001000003112233")) == bytes.fromhex("1122339000")
        assert fake.exchange(b"\x04") == ATR_T1
    finally:
        running.shutdown()
    assert writes == [bytes.fromhex("00051122339000"), len(ATR_T1).to_bytes(2, "big") + ATR_T1]


def test_quick_ack_keeps_round_trips_fast(fake: FakeVpcd, server: Server) -> None:
    # vpcd's two writes per frame with Nagle on would cost ~40 ms each without quick ACKs.
    apdu = bytes.fromhex("80CA00FE00")
    fake.exchange(apdu)
    rounds = 50
    started = time.perf_counter()
    for _ in range(rounds):
        assert fake.exchange(apdu) == b"\x90\x00"
    per_apdu = (time.perf_counter() - started) / rounds
    assert per_apdu < 0.01, f"{per_apdu * 1000:.1f} ms per APDU: delayed ACKs are back"


def test_card_failure_answers_6f00_and_keeps_serving(card: ScriptedCard, fake: FakeVpcd,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(apdu: bytes) -> bytes:
        if apdu[1] == 0x66:
            raise ValueError("bug in the card")
        return b"\x90"  # too short to be a response

    monkeypatch.setattr(card, "process", broken)
    running = Server(card, fake.port).start()
    fake.accept()
    try:
        assert fake.exchange(bytes.fromhex("00660000")) == b"\x6f\x00"
        assert fake.exchange(bytes.fromhex("00010000")) == b"\x6f\x00"
        assert fake.exchange(b"\x04") == ATR_T1
    finally:
        running.shutdown()


def test_waits_for_vpcd_then_connects(card: ScriptedCard) -> None:
    late = FakeVpcd()  # bound, not listening yet: connections are refused
    try:
        running = Server(card, late.port).start()
        time.sleep(0.4)
        assert not running.ready.is_set()
        late.listen()
        late.accept(timeout=3)
        assert late.exchange(b"\x04") == ATR_T1
        assert running.ready.wait(2)  # present for pcscd from its first poll on
        assert running.shutdown() < 1.0
    finally:
        late.close()


def test_ready_means_polled_and_a_card_never_polled_says_why(card: ScriptedCard, fake: FakeVpcd,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(vpcd, "_UNPOLLED_WARNING", 0.3)
    running = Server(card, fake.port).start()
    fake.accept()  # accepted, but vpcd is busy with another card: it never polls this one
    try:
        with caplog.at_level("WARNING", logger=vpcd.__name__):
            time.sleep(0.6)
        assert not running.ready.is_set()
        assert "has not polled this card for 0.3 s: another card is probably in that reader" in caplog.text
        assert fake.exchange(b"\x04") == ATR_T1
        assert running.ready.wait(1)
    finally:
        running.shutdown()


def test_apdu_before_power_on_powers_the_card(card: ScriptedCard, fake: FakeVpcd, server: Server) -> None:
    # pcscd missed a card change (new card within one poll of the old one leaving) and sends an
    # APDU to a card it never powered: the card is powered as a reader's contacts would.
    assert fake.exchange(b"\x04") == ATR_T1
    assert fake.exchange(bytes.fromhex("0001000001AA")) == bytes.fromhex("AA9000")
    assert card.events == ["power_on"]
    fake.send(b"\x00")
    fake.send(b"\x01")
    assert fake.exchange(bytes.fromhex("0001000001BB")) == bytes.fromhex("BB9000")
    assert card.events == ["power_on", "power_off", "power_on"]


def test_reconnects_when_vpcd_drops_the_card(card: ScriptedCard, fake: FakeVpcd, server: Server) -> None:
    fake.send(b"\x01")
    assert fake.exchange(b"\x04") == ATR_T1
    assert fake.conn is not None
    fake.conn.close()  # pcscd restarted: vpcd lets go of the card
    fake.accept(timeout=3)
    assert fake.exchange(b"\x04") == ATR_T1
    assert card.events == ["power_on", "power_off"]  # leaving the reader cut its power
    assert server.ready_calls == 1


def test_stop_removes_the_card_promptly(card: ScriptedCard, fake: FakeVpcd, server: Server) -> None:
    fake.send(b"\x01")
    assert fake.exchange(b"\x04") == ATR_T1
    assert server.shutdown() < 0.5
    assert fake.conn is not None
    assert fake.conn.recv(16) == b""  # vpcd sees the connection close: card removed
    assert card.events == ["power_on", "power_off"]


def test_stop_while_vpcd_is_absent(card: ScriptedCard) -> None:
    nobody = FakeVpcd()
    try:
        running = Server(card, nobody.port).start()
        time.sleep(0.2)
        assert running.shutdown() < 1.5
    finally:
        nobody.close()


def test_sigterm_stops_a_serving_process(fake: FakeVpcd, tmp_path: Path) -> None:
    code = ("from esimctl.testing import ScriptedCard; from esimctl.sim.vpcd import serve_process; "
            f"serve_process(ScriptedCard(), '127.0.0.1', {fake.port})")
    root = str(Path(vpcd.__file__).resolve().parents[2])
    env = {**os.environ, "ESIMCTL_PCSC_DIR": str(tmp_path), "PYTHONPATH": root}
    (tmp_path / "readers").write_text(f"{fake.port}\tTest Reader 00 00\n")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    try:
        fake.accept(timeout=10)
        fake.send(b"\x01")
        assert fake.exchange(b"\x04")
        pidfile = tmp_path / "serve" / f"{fake.port}.pid"
        assert pidfile.read_text().strip() == str(proc.pid)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        assert time.monotonic() - started < 1.0
        assert fake.conn is not None
        assert fake.conn.recv(16) == b""
        assert not pidfile.exists()
        assert proc.stderr is not None
        stderr = proc.stderr.read()
        assert "card in reader 'Test Reader 00 00'" in stderr
        assert "Traceback" not in stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_reader_name_for_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESIMCTL_PCSC_DIR", str(tmp_path))
    assert vpcd.reader_name_for_port(35963) is None
    (tmp_path / "readers").write_text("35963\tVirtual PCD 00 00\n35964\tVirtual PCD 00 01\n")
    assert vpcd.reader_name_for_port(35964) == "Virtual PCD 00 01"
    assert vpcd.reader_name_for_port(40000) is None


def test_port_for_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESIMCTL_PCSC_DIR", str(tmp_path))
    assert vpcd.port_for_reader("Virtual PCD 00 01") == 35964  # Debian's stock vpcd config
    (tmp_path / "readers").write_text("40000\tVirtual PCD 00 00\n40001\tVirtual PCD 00 01\n"
                                      "40002\tVirtual PCD 1 00 00\n")
    assert vpcd.port_for_reader("Virtual PCD 1 00 00") == 40002
    assert vpcd.port_for_reader("Virtual PCD 00 01") == 40001
    assert vpcd.port_for_reader("Alcor Micro AU9540 00 00") is None
