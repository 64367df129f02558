"""The simulated card's ISO/IEC 7816 behaviour, APDU by APDU."""

from __future__ import annotations

from pathlib import Path

import pytest

from esimctl.aids import GSMA_ISDR_AID
from esimctl.sim.atr import ATR_T0, ATR_T1
from esimctl.sim.card import SimulatedCard

SELECT_ISDR = "00A4040010" + GSMA_ISDR_AID.hex() + "00"


def hexsend(card: SimulatedCard, apdu: str) -> str:
    return card.process(bytes.fromhex(apdu.replace(" ", ""))).hex().upper()


@pytest.fixture
def card(demo_card: Path, tmp_path: Path) -> SimulatedCard:
    c = SimulatedCard.open(demo_card, tmp_path / "state.yaml")
    c.power_on()
    return c


def test_atr_checksums_and_protocols() -> None:
    for atr in (ATR_T0, ATR_T1):
        tck = 0
        for b in atr[1:-1]:
            tck ^= b
        assert atr[0] == 0x3B and atr[-1] == tck
    assert ATR_T1 != ATR_T0


def test_unpowered_card_answers_nothing_useful(demo_card: Path, tmp_path: Path) -> None:
    c = SimulatedCard.open(demo_card, tmp_path / "s.yaml")
    assert hexsend(c, SELECT_ISDR) == "6F00"


def test_select_unknown_aid_is_6a82(card: SimulatedCard) -> None:
    assert hexsend(card, "00A4040010A0000005591010FFFFFFFF890000010100") == "6A82"


def test_select_isdr_returns_fci(card: SimulatedCard) -> None:
    resp = hexsend(card, SELECT_ISDR)
    assert resp.startswith("6F") and resp.endswith("9000")
    assert hexsend(card, "00A4040C10" + GSMA_ISDR_AID.hex()) == "9000"  # P2=0C: no FCI


def test_manage_channel_open_close(card: SimulatedCard) -> None:
    assert hexsend(card, "0070000001") == "019000"
    assert hexsend(card, "0070000001") == "029000"
    assert hexsend(card, "0070000001") == "039000"
    assert hexsend(card, "0070000001") == "6A81"  # channels 1-3 only
    assert hexsend(card, "01A4040010" + GSMA_ISDR_AID.hex() + "00").endswith("9000")
    assert hexsend(card, "00708001") == "9000"
    assert hexsend(card, "01A4040010" + GSMA_ISDR_AID.hex() + "00") == "6881"  # closed channel
    assert hexsend(card, "00708001") == "6881"
    assert hexsend(card, "00708000") == "6A86"  # the basic channel cannot be closed


def test_reset_closes_channels(card: SimulatedCard) -> None:
    assert hexsend(card, "0070000001") == "019000"
    card.reset()
    assert hexsend(card, "01A4040010" + GSMA_ISDR_AID.hex() + "00") == "6881"


@pytest.mark.parametrize("apdu,sw", [
    ("FFA4040000", "6E00"),  # PPS class: not an APDU class
    ("A0A4000002 3F00", "6E00"),  # GSM class
    ("00CA000000", "6D00"),  # INS not supported
    ("00A4070000", "6A86"),  # SELECT with a P1 this card does not support
    ("00A404", "6700"),  # too short
    ("00A4040010A000", "6700"),  # Lc says 16, one byte follows
    ("80E2910003BF2000", "6D00"),  # STORE DATA with nothing selected
])
def test_status_words_for_bad_commands(card: SimulatedCard, apdu: str, sw: str) -> None:
    assert hexsend(card, apdu) == sw


def test_store_data_needs_proprietary_class_and_order(card: SimulatedCard) -> None:
    hexsend(card, SELECT_ISDR)
    assert hexsend(card, "00E2910003BF200000") == "6E00"
    assert hexsend(card, "80E2110102BF20") == "6A86"  # block 1 before block 0
    assert hexsend(card, "80E2010002BF20") == "6A86"  # P1 neither 11 nor 91
    assert hexsend(card, "80E2910003BF9F0000") == "6A80"  # not a TLV
    assert hexsend(card, "80E2910003BF7F0000") == "6A88"  # a function the ISD-R does not have


def test_store_data_chained_blocks(card: SimulatedCard) -> None:
    hexsend(card, SELECT_ISDR)
    assert hexsend(card, "80E2110003BF3E03") == "9000"
    resp = hexsend(card, "80E29101035C015A00")
    assert resp == "BF3E125A1089049032000000000000000000012385" + "9000"


def test_t1_long_response_chains_with_61xx(card: SimulatedCard) -> None:
    hexsend(card, SELECT_ISDR)
    first = card.process(bytes.fromhex("80E2910003BF2D0000"))
    assert len(first) == 258 and first[-2] == 0x61
    rest = b""
    sw = first[-2:]
    while sw[0] == 0x61:
        reply = card.process(bytes([0x00, 0xC0, 0, 0, sw[1]]))
        rest += reply[:-2]
        sw = reply[-2:]
    assert sw == b"\x90\x00"
    assert (first[:-2] + rest).startswith(bytes.fromhex("BF2D82"))


def test_t0_mode_answers_61xx_then_6cxx(demo_card: Path, tmp_path: Path) -> None:
    card = SimulatedCard.open(demo_card, tmp_path / "t0.yaml", t0=True)
    assert card.power_on() == ATR_T0
    assert hexsend(card, SELECT_ISDR).startswith("61")
    assert hexsend(card, "80E2910006BF3E035C015A00") == "6115"
    assert hexsend(card, "00C0000000") == "6C15"  # wrong Le: the card names the right one
    assert hexsend(card, "00C0000015") == "BF3E125A1089049032000000000000000000012385" + "9000"
    assert hexsend(card, "00C0000015") == "6985"  # nothing left to fetch


def test_get_response_without_pending_data(card: SimulatedCard) -> None:
    assert hexsend(card, "00C0000010") == "6985"


def test_ef_iccid_shows_the_live_profile_until_reset(card: SimulatedCard) -> None:
    assert hexsend(card, "00A40004023F00") == "9000"
    assert hexsend(card, "00A40004022FE2") == "9000"
    assert hexsend(card, "00B000000A") == "981801103254769810F7" + "9000"  # docomo, enabled at start
    hexsend(card, SELECT_ISDR)
    enable_au = "80E2910014BF3111A00C5A0A981803103254769820F381010000"
    assert hexsend(card, enable_au) == "BF3103800100" + "9000"
    assert hexsend(card, "00A40004022FE2") == "9000"
    assert hexsend(card, "00B000000A") == "981801103254769810F7" + "9000"  # still docomo: no reset yet
    card.reset()
    assert hexsend(card, "00A40004022FE2") == "9000"
    assert hexsend(card, "00B000000A") == "981803103254769820F3" + "9000"  # au is live after the reset


def test_enable_with_refresh_reports_proactive_command(card: SimulatedCard) -> None:
    hexsend(card, SELECT_ISDR)
    resp = hexsend(card, "80E2910014BF3111A00C5A0A981803103254769820F38101FF00")
    assert resp == "BF3103800100" + "910B"
    assert hexsend(card, "801200000B") == "D009810301010482028182" + "9000"  # FETCH: REFRESH
