"""The APDU link and the ISD-R session against scripted cards: status-word handling in one place,
STORE DATA segmentation, channel fallback, AID probing, and cleanup on every exit path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from esimctl.aids import GSMA_ISDR_AID, VENDOR_ISDR_AIDS
from esimctl.apdu.command import Command, channel_cla
from esimctl.apdu.link import ApduLink, StatusWordError
from esimctl.apdu.status import describe, is_success, name
from esimctl.errors import UsageError
from esimctl.session import IsdrNotFoundError, Session
from esimctl.sim.card import SimulatedCard
from esimctl.transport.simulated import SimTransport


class Scripted:
    """A transport answering from a function of the command; records what it was sent."""

    name = "scripted"
    can_reset = False

    def __init__(self, answer: Callable[[bytes], tuple[bytes, int]]) -> None:
        self.answer = answer
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(apdu)
        return self.answer(apdu)

    def reset(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


def test_status_word_names_and_messages() -> None:
    assert name(0x6A82) == "FILE_NOT_FOUND"
    assert name(0x6110) == "BYTES_AVAILABLE_10"
    assert name(0x910B) == "PROACTIVE_COMMAND_PENDING_0B"
    assert "proactive" in describe(0x910B)
    assert "smaller --mss" in describe(0x6601)
    assert is_success(0x9000) and is_success(0x9110) and is_success(0x9200) and not is_success(0x6A80)


def test_channel_cla() -> None:
    assert channel_cla(0x80, 1) == 0x81
    assert channel_cla(0x00, 5) == 0x41
    assert channel_cla(0x80, 19) == 0xCF


def test_get_response_chain_and_wrong_le() -> None:
    chunks = {0: (b"\x01" * 3, 0x6104), 1: (b"", 0x6C02), 2: (b"\x02\x02", 0x9000)}
    calls = iter(range(10))

    def answer(apdu: bytes) -> tuple[bytes, int]:
        return chunks[next(calls)]

    t = Scripted(answer)
    data = ApduLink(t).send(Command(0x81, 0xE2, 0x91, 0, b"\xbf\x20\x00", le=0), "test")
    assert data == b"\x01\x01\x01\x02\x02"
    assert [a.hex() for a in t.sent] == ["81e2910003bf200000", "01c0000004", "01c0000002"]


def test_error_status_word_is_raised_with_its_name() -> None:
    link = ApduLink(Scripted(lambda a: (b"", 0x6A80)))
    with pytest.raises(StatusWordError) as excinfo:
        link.send(Command(0x80, 0xE2, 0x91, 0), "GetEID")
    assert excinfo.value.sw_name == "WRONG_DATA"
    assert "GetEID failed: WRONG_DATA (6A80)" in excinfo.value.message
    assert excinfo.value.exit_code == 5


def test_proactive_pending_is_success_and_traced() -> None:
    lines: list[str] = []
    link = ApduLink(Scripted(lambda a: (b"\xbf\x31\x03\x80\x01\x00", 0x910B)), trace=lines.append)
    assert link.send(Command(0x80, 0xE2, 0x91, 0, le=0), "EnableProfile") == bytes.fromhex("BF3103800100")
    assert any("proactive command" in line for line in lines)
    assert lines[0].startswith("-> 80E29100")


@pytest.mark.parametrize("mss,blocks", [(6, 5), (10, 3), (120, 1), (255, 1)])
def test_store_data_segments(mss: int, blocks: int) -> None:
    t = Scripted(lambda a: (b"", 0x9000))
    payload = bytes(range(26))
    ApduLink(t, mss=mss).store_data(2, payload, "x")
    assert len(t.sent) == blocks
    for number, apdu in enumerate(t.sent):
        last = number == blocks - 1
        assert apdu[:4] == bytes([0x82, 0xE2, 0x91 if last else 0x11, number])
        assert apdu[-1] == 0x00  # Le=00 on every block
    assert b"".join(a[5:-1] for a in t.sent) == payload


@pytest.mark.parametrize("mss", [5, 256, 0])
def test_mss_range(mss: int) -> None:
    with pytest.raises(UsageError):
        ApduLink(Scripted(lambda a: (b"", 0x9000)), mss=mss)


def _card_like(refuse_channel: bool = False, isdr: bytes = GSMA_ISDR_AID) -> Callable[[bytes], tuple[bytes, int]]:
    def answer(apdu: bytes) -> tuple[bytes, int]:
        if apdu[1] == 0x70 and apdu[2] == 0x00:
            return (b"", 0x6881) if refuse_channel else (b"\x02", 0x9000)
        if apdu[1] == 0x70:
            return b"", 0x9000
        if apdu[1] == 0xA4:
            return (b"", 0x6112) if apdu[5:-1] == isdr else (b"", 0x6A82)
        return b"", 0x6D00

    return answer


def test_session_uses_a_logical_channel_and_closes_it() -> None:
    t = Scripted(_card_like())
    with Session(t) as s:
        assert s.channel == 2 and s.isdr_aid == GSMA_ISDR_AID
    assert t.sent[-1].hex() == "02708002"
    assert len(t.sent) == 3  # open, SELECT (61xx accepted without GET RESPONSE), close


def test_session_falls_back_to_basic_channel() -> None:
    t = Scripted(_card_like(refuse_channel=True))
    with Session(t) as s:
        assert s.channel == 0
    assert t.sent[1][0] == 0x00  # SELECT on the basic channel
    assert len(t.sent) == 2  # nothing to close


def test_session_probes_vendor_aids() -> None:
    estk = VENDOR_ISDR_AIDS["5ber"]
    t = Scripted(_card_like(isdr=estk))
    lines: list[str] = []
    with Session(t, trace=lines.append) as s:
        assert s.isdr_aid == estk
    assert any("5ber" in line for line in lines)


def test_session_explicit_aid_not_found_closes_channel() -> None:
    t = Scripted(_card_like())
    with pytest.raises(IsdrNotFoundError), Session(t, isdr_aid=bytes.fromhex("A000000559101000")):
        pass
    assert t.sent[-1][1:3] == b"\x70\x80"  # the channel was closed again


def test_session_no_isdr_at_all() -> None:
    t = Scripted(_card_like(isdr=b"nothing"))
    with pytest.raises(IsdrNotFoundError) as excinfo, Session(t):
        pass
    assert "--isdr-aid" in (excinfo.value.hint or "")
    assert len(t.sent) == 1 + 1 + len(VENDOR_ISDR_AIDS) + 1


def test_channel_closed_when_an_operation_fails(demo_card: Path, tmp_path: Path) -> None:
    card = SimulatedCard.open(demo_card, tmp_path / "s.yaml")
    card.attach()
    with pytest.raises(KeyboardInterrupt), Session(SimTransport(card, "sim")) as s:
        assert s.channel == 1
        raise KeyboardInterrupt  # Ctrl-C in the middle of a command
    assert list(card.channels) == [0]


def test_trace_and_apdu_count_on_simulator(demo_card: Path, tmp_path: Path) -> None:
    card = SimulatedCard.open(demo_card, tmp_path / "s.yaml")
    card.attach()
    lines: list[str] = []
    from esimctl.euicc import Euicc

    with Session(SimTransport(card, "sim"), trace=lines.append) as s:
        Euicc(s).get_eid()
        count = s.link.apdu_count
    assert count == 3  # open channel, SELECT, STORE DATA
    assert lines[0] == "-> 0070000001" and lines[1].startswith("<- 01 9000")
