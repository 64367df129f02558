"""PcscTransport through a real pcscd: cards served to vpcd readers by subprocesses.

Needs pcscd with vpcd readers (tools/pcsc-up; the pcsc_service fixture runs it when missing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from esimctl.errors import ExitCode, NoReaderError, TransportError
from esimctl.testing import ATR_T0, ATR_T0_T1, ATR_T1, CardProcess, ScriptedCard, scripted_card_argv
from esimctl.testing.plugin import VpcdReader
from esimctl.transport.pcsc import PcscTransport, list_readers

ISDR_AID = bytes.fromhex("A0000005591010FFFFFFFF8900000100")
SELECT_ISDR = bytes.fromhex("00A4040010") + ISDR_AID + b"\x00"
ECHO = bytes.fromhex("0001000003112233")  # ScriptedCard answers 112233 9000

StartCard = Callable[..., CardProcess]


@pytest.fixture
def scripted(vpcd_reader: VpcdReader, tmp_path: Path) -> Iterator[StartCard]:
    """start(atr) puts a ScriptedCard with that ATR into the reserved reader."""
    servers: list[CardProcess] = []

    def start(atr: bytes = ATR_T0_T1) -> CardProcess:
        server = CardProcess(scripted_card_argv(vpcd_reader.port, atr), vpcd_reader.name,
                             tmp_path / f"card-{len(servers)}.log")
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def test_list_readers_shows_presence_and_atr(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    before = {r.name: r for r in list_readers()}
    assert before[vpcd_reader.name].card_present is False
    assert before[vpcd_reader.name].atr is None
    scripted(ATR_T1)
    after = {r.name: r for r in list_readers()}
    assert after[vpcd_reader.name].card_present is True
    assert after[vpcd_reader.name].atr == ATR_T1


@pytest.mark.parametrize(("atr", "expected"), [(ATR_T0_T1, 1), (ATR_T1, 1), (ATR_T0, 0)],
                         ids=["T0+T1->T1", "T1", "T0"])
def test_protocol_follows_the_atr_preferring_t1(vpcd_reader: VpcdReader, scripted: StartCard,
                                                atr: bytes, expected: int) -> None:
    scripted(atr)
    with PcscTransport.open(vpcd_reader.name) as transport:
        assert transport.protocol == expected
        assert transport.atr == atr
        assert transport.transmit(ECHO) == (bytes.fromhex("112233"), 0x9000)


def test_protocol_the_card_lacks_is_a_clear_error(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    scripted(ATR_T1)
    with pytest.raises(TransportError) as caught:
        PcscTransport.open(vpcd_reader.name, protocol=0)
    assert str(caught.value) == (f"the card in reader {vpcd_reader.name!r} cannot use T=0: "
                                 "its ATR offers T=1")
    assert caught.value.exit_code == ExitCode.TRANSPORT
    with PcscTransport.open(vpcd_reader.name, protocol=1) as transport:  # the reader is free again
        assert transport.protocol == 1


def test_protocol_sticks_until_reset(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    scripted(ATR_T0_T1)
    with PcscTransport.open(vpcd_reader.name, protocol=0) as transport:
        assert transport.protocol == 0
    with pytest.raises(TransportError, match="is running T=0, not T=1"):
        PcscTransport.open(vpcd_reader.name, protocol=1)
    # Left to itself, the transport takes the protocol the card is running rather than failing.
    with PcscTransport.open(vpcd_reader.name) as transport:
        assert transport.protocol == 0
        assert transport.transmit(ECHO)[1] == 0x9000


@pytest.mark.sim_card(t0=True)
def test_t0_card_answers_61xx_and_6cxx(pcsc_sim_reader: str) -> None:
    with PcscTransport.open(pcsc_sim_reader) as transport:
        assert transport.protocol == 0
        data, sw = transport.transmit(SELECT_ISDR)  # case 4 under T=0: data only by GET RESPONSE
        assert data == b""
        assert sw >> 8 == 0x61
        available = sw & 0xFF
        data, sw = transport.transmit(bytes.fromhex("00C00000") + bytes([available + 1]))
        assert (data, sw) == (b"", 0x6C00 | available)  # wrong Le: the card names the right one
        data, sw = transport.transmit(bytes.fromhex("00C00000") + bytes([available]))
        assert sw == 0x9000
        assert data[:2] == bytes([0x6F, available - 2])
        assert ISDR_AID in data


def test_t1_card_answers_directly(pcsc_sim_reader: str) -> None:
    with PcscTransport.open(pcsc_sim_reader) as transport:
        assert transport.protocol == 1
        data, sw = transport.transmit(SELECT_ISDR)
        assert sw == 0x9000
        assert data[0] == 0x6F
        assert ISDR_AID in data


def test_euicc_over_pcsc_in_t0_and_t1(pcsc_sim_reader: str) -> None:
    from esimctl.readers import open_euicc

    with open_euicc(pcsc_sim_reader) as euicc:
        eid = euicc.get_eid()
    assert len(eid) == 32


@pytest.mark.sim_card(t0=True)
def test_euicc_over_pcsc_t0(pcsc_sim_reader: str) -> None:
    from esimctl.readers import open_euicc

    with open_euicc(pcsc_sim_reader) as euicc:
        assert len(euicc.get_eid()) == 32
        assert euicc.get_profiles_info()


def test_reset_closes_logical_channels(pcsc_sim_reader: str) -> None:
    with PcscTransport.open(pcsc_sim_reader) as transport:
        assert transport.can_reset
        data, sw = transport.transmit(bytes.fromhex("0070000001"))  # MANAGE CHANNEL open
        assert sw == 0x9000
        channel = data[0]
        select_on_channel = bytes([channel]) + SELECT_ISDR[1:]
        assert transport.transmit(select_on_channel)[1] == 0x9000
        transport.reset()
        assert transport.transmit(select_on_channel)[1] == 0x6881  # channel not open any more
        assert transport.transmit(SELECT_ISDR)[1] == 0x9000


def test_close_leaves_the_card_as_it_is(pcsc_sim_reader: str) -> None:
    with PcscTransport.open(pcsc_sim_reader) as transport:
        channel = transport.transmit(bytes.fromhex("0070000001"))[0][0]
    # No reset on close: the channel the previous connection opened is still open.
    with PcscTransport.open(pcsc_sim_reader) as transport:
        assert transport.transmit(bytes([channel]) + SELECT_ISDR[1:])[1] == 0x9000
        assert transport.transmit(bytes([0x00, 0x70, 0x80, channel]))[1] == 0x9000


def _assert_removed(caught: pytest.ExceptionInfo[TransportError], reader: str) -> None:
    assert caught.value.message.startswith(f"card removed from reader {reader!r}")
    assert caught.value.exit_code == ExitCode.TRANSPORT == 5
    assert caught.value.hint


def test_card_removed_between_apdus(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    server = scripted()
    with PcscTransport.open(vpcd_reader.name) as transport:
        assert transport.transmit(ECHO)[1] == 0x9000
        assert server.proc is not None
        server.proc.kill()  # pulled out; pcscd has not polled the reader yet (0x80100016)
        server.proc.wait()
        with pytest.raises(TransportError) as caught:
            transport.transmit(ECHO)
        _assert_removed(caught, vpcd_reader.name)
        server.kill()  # waits until pcscd has seen the reader empty (0x80100069 from now on)
        with pytest.raises(TransportError) as caught:
            transport.transmit(ECHO)
        _assert_removed(caught, vpcd_reader.name)


def test_card_removed_during_an_apdu(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    server = scripted()
    with PcscTransport.open(vpcd_reader.name) as transport:
        assert server.proc is not None
        killer = threading.Timer(0.3, server.proc.kill)
        killer.start()
        started = time.monotonic()
        with pytest.raises(TransportError) as caught:
            transport.transmit(bytes([0x00, ScriptedCard.HANG, 0x00, 0x00]))  # never answered
        killer.join()
        assert time.monotonic() - started < 5
        _assert_removed(caught, vpcd_reader.name)


def test_no_card_in_the_reader(vpcd_reader: VpcdReader) -> None:
    with pytest.raises(NoReaderError) as caught:
        PcscTransport.open(vpcd_reader.name)
    assert caught.value.message == f"no card in reader {vpcd_reader.name!r}"
    assert caught.value.exit_code == ExitCode.NO_READER


def test_busy_reader_times_out_with_its_own_message(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    scripted()
    with PcscTransport.open(vpcd_reader.name):
        started = time.monotonic()
        with pytest.raises(NoReaderError) as caught:
            PcscTransport.open(vpcd_reader.name, wait=0.5)
        assert 0.5 <= time.monotonic() - started < 2
    assert caught.value.message == (f"reader {vpcd_reader.name!r} is in use by another application "
                                    "(waited 0.5 s)")


HOLDER = textwrap.dedent("""
    import json, sys, time
    from esimctl.transport.pcsc import PcscTransport
    reader, apdus, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    with PcscTransport.open(reader, wait=30) as transport:
        start = time.time()
        for i in range(apdus):
            data, sw = transport.transmit(bytes([0, 1, 0, 0, 1, i]))
            assert (data, sw) == (bytes([i]), 0x9000), (data, sw)
            time.sleep(pause)
        end = time.time()
    print(json.dumps([start, end]))
""")


def test_two_processes_on_one_reader_take_turns(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    scripted()
    root = str(Path(__file__).resolve().parents[1])
    procs = [subprocess.Popen([sys.executable, "-c", HOLDER, vpcd_reader.name, "20", "0.02"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": root})
             for _ in range(2)]
    spans = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        spans.append(json.loads(out))
    (_, first_end), (second_start, _) = sorted(spans)
    assert first_end <= second_start, f"the two sessions overlapped: {spans}"


def test_round_trip_is_fast(vpcd_reader: VpcdReader, scripted: StartCard) -> None:
    scripted()
    with PcscTransport.open(vpcd_reader.name) as transport:
        transport.transmit(ECHO)
        rounds = 200
        started = time.perf_counter()
        for _ in range(rounds):
            transport.transmit(ECHO)
        per_apdu = (time.perf_counter() - started) / rounds
    # Typically 0.1-0.2 ms; the bound only catches the 40 ms delayed-ACK stall coming back.
    assert per_apdu < 0.005, f"{per_apdu * 1000:.2f} ms per APDU"
