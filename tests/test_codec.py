"""BER-TLV, BCD and ASN.1 value encodings: unit cases, round trips, and random input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esimctl.codec.asn1 import BitString, Integer, Version
from esimctl.codec.bcd import decode_iccid, decode_plmn, encode_eid, encode_iccid, encode_plmn, luhn_ok
from esimctl.codec.tlv import CodecError, Tlv, encode_length, encode_tlv, parse_all, parse_one, read_tag
from esimctl.es10 import messages as m


def test_multibyte_tags_and_long_lengths() -> None:
    value = bytes(300)
    raw = encode_tlv(0xBF2D, value)
    assert raw[:5].hex() == "bf2d82012c"
    item = parse_one(raw)
    assert item == Tlv(0xBF2D, value)
    assert item.constructed
    assert read_tag(bytes.fromhex("9F70"), 0) == (0x9F70, 2)
    assert not Tlv(0x9F70, b"\x01").constructed


@pytest.mark.parametrize("length,encoded", [(0, "00"), (127, "7f"), (128, "8180"), (255, "81ff"),
                                            (256, "820100"), (65536, "83010000")])
def test_length_forms(length: int, encoded: str) -> None:
    assert encode_length(length).hex() == encoded


@pytest.mark.parametrize("raw", ["", "5A", "5A05", "5A0201", "5A80", "5A850100000000", "BF", "BF2D", "5A0101FF"])
def test_malformed_tlv_raises_codec_error(raw: str) -> None:
    with pytest.raises(CodecError):
        parse_one(bytes.fromhex(raw))


def test_iccid_is_nibble_swapped_and_f_padded() -> None:
    assert encode_iccid("8981100123456789017").hex().upper() == "981801103254769810F7"
    assert decode_iccid(bytes.fromhex("981801103254769810F7")) == "8981100123456789017"
    assert encode_iccid("89001000000000000010").hex() == "98000100000000000001"
    with pytest.raises(CodecError):
        encode_iccid("1234")
    with pytest.raises(CodecError):
        decode_iccid(bytes.fromhex("9A18"))


def test_luhn() -> None:
    assert luhn_ok("8981100123456789017")
    assert not luhn_ok("8981100123456789018")


def test_plmn_encoding_per_ts_24_008() -> None:
    assert encode_plmn("440-10").hex().upper() == "44F001"
    assert encode_plmn("310410").hex() == "130014"
    assert decode_plmn(bytes.fromhex("44F001")) == "440-10"
    assert decode_plmn(bytes.fromhex("130014")) == "310-410"
    assert decode_plmn(bytes.fromhex("EEFEEE")) == "EEE-EE"
    with pytest.raises(CodecError):
        encode_plmn("44A-10")


def test_eid_is_32_digits() -> None:
    assert encode_eid("89049032000000000000000000012385").hex() == "89049032000000000000000000012385"
    with pytest.raises(CodecError):
        encode_eid("8904")


def test_bit_string_named_bits_and_unused_count() -> None:
    kind = BitString(("a", "b", "c"))
    assert kind.encode(frozenset({"a", "c"})).hex() == "05a0"  # 3 bits used, 5 unused
    assert kind.decode(Tlv(0x80, bytes.fromhex("05a0"))) == {"a", "c"}
    assert kind.decode(Tlv(0x80, bytes.fromhex("00a0"))) == {"a", "c"}  # same bits, other unused count
    assert kind.decode(Tlv(0x80, bytes.fromhex("0001"))) == {"bit7"}  # unnamed bits kept by number
    assert kind.encode(frozenset()) == b"\x00"
    with pytest.raises(CodecError):
        kind.decode(Tlv(0x80, bytes.fromhex("08ff")))


def test_integers_and_versions() -> None:
    assert Integer().encode(127) == b"\x7f"
    assert Integer().encode(128) == b"\x00\x80"
    assert Integer().decode(Tlv(0x80, b"\x00\x80")) == 128  # two-byte INTEGER from a card
    assert Version().decode(Tlv(0x81, b"\x02\x02")) == "2.2"  # short version string tolerated


def test_card_resources_are_unsigned() -> None:
    res = m.ExtCardResource.from_value(bytes.fromhex("810108820280008303010000"))
    assert res.installed_application == 8 and res.free_non_volatile_memory == 32768
    assert res.free_volatile_memory == 65536


def test_unknown_tags_are_kept_and_reencoded() -> None:
    # A ProfileInfo with a proprietary BF76 inside, as some real cards send.
    raw = bytes.fromhex("E3115A0A981801103254769810F7BF7602AABB")
    info = m.ProfileInfo.decode(raw)
    assert info.iccid == "8981100123456789017"
    assert [t.tag for t in info.extra] == [0xBF76]
    assert info.encode() == raw
    assert info.to_json()["unknownTags"] == {"BF76": "AABB"}


def test_request_encodings_match_sgp22() -> None:
    enable = m.EnableProfileRequest(profile_identifier=m.ProfileIdentifier(iccid="8981100123456789017"),
                                    refresh_flag=True)
    assert enable.encode().hex().upper() == "BF3111A00C5A0A981801103254769810F78101FF"
    assert m.DeleteProfileRequest(iccid="8981100123456789017").encode().hex().upper() == \
        "BF330C5A0A981801103254769810F7"
    reset = m.EuiccMemoryResetRequest(reset_options=frozenset({"deleteOperationalProfiles"}))
    assert reset.encode().hex().upper() == "BF3404820207 80".replace(" ", "")
    assert m.GetEuiccDataRequest(tag_list=b"\x5a").encode().hex().upper() == "BF3E035C015A"


# --- property tests: decoders either return a value or raise CodecError -----------------------

tags = st.sampled_from([0x5A, 0x80, 0x9F70, 0xBF2D, 0xE3, 0xA0, 0x04, 0x1F8101])


@st.composite
def tlv_trees(draw: st.DrawFn, depth: int = 2) -> bytes:
    tag = draw(tags)
    if depth and Tlv(tag, b"").constructed and draw(st.booleans()):
        children = draw(st.lists(tlv_trees(depth - 1), max_size=3))
        return encode_tlv(tag, b"".join(children))
    return encode_tlv(tag, draw(st.binary(max_size=300)))


@given(tlv_trees())
def test_tlv_round_trip(raw: bytes) -> None:
    assert parse_one(raw).encode() == raw


@given(st.binary(max_size=64))
def test_tlv_parser_total_on_random_input(raw: bytes) -> None:
    try:
        items = parse_all(raw)
    except CodecError:
        return
    # Non-minimal length forms (81 05) re-encode shorter, so compare what they decode to.
    assert parse_all(b"".join(t.encode() for t in items)) == items


MESSAGES = [m.ProfileInfoListResponse, m.EuiccInfo2, m.EuiccInfo1, m.GetRatResponse, m.ListNotificationResponse,
            m.EnableProfileRequest, m.ProfileInfo, m.EuiccConfiguredAddressesResponse]


@pytest.mark.parametrize("cls", MESSAGES, ids=lambda c: c.__name__)
@given(body=st.binary(max_size=80))
def test_message_decoders_are_total(cls: type[m.Message], body: bytes) -> None:
    raw = encode_tlv(cls.TAG, body)
    try:
        msg = cls.decode(raw)
    except CodecError:
        return
    assert isinstance(msg.to_json(), dict)


@given(st.text(alphabet="0123456789", min_size=18, max_size=20))
def test_iccid_round_trip(iccid: str) -> None:
    assert decode_iccid(encode_iccid(iccid)) == iccid


@given(st.integers(min_value=-(2**63), max_value=2**63))
def test_integer_round_trip(n: int) -> None:
    assert Integer().decode(Tlv(0x80, Integer().encode(n))) == n


@given(st.frozensets(st.sampled_from(m.UICC_CAPABILITY)))
def test_bit_string_round_trip(bits: frozenset[str]) -> None:
    kind = BitString(m.UICC_CAPABILITY)
    assert kind.decode(Tlv(0x85, kind.encode(bits))) == bits


@given(st.text(max_size=20), st.binary(max_size=4))
def test_profile_info_round_trip(name: str, gid1: bytes) -> None:
    info = m.ProfileInfo(iccid="8981100123456789017", profile_name=name, profile_state=m.ProfileState.enabled,
                         profile_owner=m.OperatorId(mcc_mnc=encode_plmn("440-10"), gid1=gid1 or None),
                         profile_policy_rules=frozenset({"ppr2"}))
    assert m.ProfileInfo.decode(info.encode()) == info
