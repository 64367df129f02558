"""BER-TLV and BCD encodings used by SGP.22; no I/O."""

from esimctl.codec.bcd import decode_eid, decode_iccid, encode_eid, encode_iccid, luhn_ok
from esimctl.codec.tlv import CodecError, Tlv, encode_tlv, parse_all, parse_one

__all__ = [
    "CodecError",
    "Tlv",
    "decode_eid",
    "decode_iccid",
    "encode_eid",
    "encode_iccid",
    "encode_tlv",
    "luhn_ok",
    "parse_all",
    "parse_one",
]
