"""Value encodings of the ASN.1 types SGP.22 uses, each a `Kind` that turns TLV contents into
Python values and back, and into JSON.

Decoders are tolerant where real cards are sloppy (long INTEGERs, short version strings,
BIT STRINGs with any unused-bit count, invalid UTF-8) and strict where a value is meaningless.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any, Generic, TypeVar

from esimctl.codec.bcd import decode_iccid, encode_iccid
from esimctl.codec.tlv import CodecError, Tlv, encode_tlv, parse_all

T = TypeVar("T")


class Kind(Generic[T]):
    """How one field's value is encoded inside its TLV."""

    def decode(self, tlv: Tlv) -> T:
        raise NotImplementedError

    def encode(self, value: T) -> bytes:
        raise NotImplementedError

    def to_json(self, value: T) -> Any:
        return value


class OctetString(Kind[bytes]):
    def decode(self, tlv: Tlv) -> bytes:
        return tlv.value

    def encode(self, value: bytes) -> bytes:
        return bytes(value)

    def to_json(self, value: bytes) -> str:
        return value.hex().upper()


class Utf8(Kind[str]):
    def decode(self, tlv: Tlv) -> str:
        return tlv.value.decode("utf-8", errors="replace")

    def encode(self, value: str) -> bytes:
        return value.encode("utf-8")


def decode_integer(raw: bytes) -> int:
    if not raw:
        raise CodecError("empty INTEGER")
    return int.from_bytes(raw, "big", signed=True)


def encode_integer(value: int) -> bytes:
    length = max(1, (value.bit_length() + 8) // 8)  # room for the sign bit
    return value.to_bytes(length, "big", signed=True)


class Integer(Kind[int]):
    def decode(self, tlv: Tlv) -> int:
        return decode_integer(tlv.value)

    def encode(self, value: int) -> bytes:
        return encode_integer(value)


class Unsigned(Kind[int]):
    """A count that cannot be negative (ETSI TS 102 226 resources): some cards use a fixed width
    with no leading 00, so the top bit is not a sign."""

    def decode(self, tlv: Tlv) -> int:
        if not tlv.value:
            raise CodecError("empty number")
        return int.from_bytes(tlv.value, "big")

    def encode(self, value: int) -> bytes:
        return encode_integer(value)


E = TypeVar("E", bound=IntEnum)


class Enumerated(Kind[Any], Generic[E]):
    """An INTEGER with named values; an unnamed value is kept as a plain int, never an error."""

    def __init__(self, enum: type[E]) -> None:
        self.enum = enum

    def decode(self, tlv: Tlv) -> E | int:
        number = decode_integer(tlv.value)
        try:
            return self.enum(number)
        except ValueError:
            return number

    def encode(self, value: int) -> bytes:
        return encode_integer(int(value))

    def to_json(self, value: E | int) -> str | int:
        return value.name if isinstance(value, self.enum) else value


class Boolean(Kind[bool]):
    def decode(self, tlv: Tlv) -> bool:
        if len(tlv.value) != 1:
            raise CodecError(f"BOOLEAN of {len(tlv.value)} bytes")
        return tlv.value[0] != 0

    def encode(self, value: bool) -> bytes:
        return b"\xff" if value else b"\x00"


class BitString(Kind[frozenset[str]]):
    """A named BIT STRING, as the set of names whose bits are set (unnamed bits as 'bitN')."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self.index = {name: i for i, name in enumerate(self.names)}

    def decode(self, tlv: Tlv) -> frozenset[str]:
        raw = tlv.value
        if not raw:
            raise CodecError("BIT STRING without its unused-bits byte")
        unused = raw[0]
        if unused > 7 or (unused and len(raw) == 1):
            raise CodecError(f"BIT STRING with {unused} unused bits")
        bits = int.from_bytes(raw[1:], "big") >> unused if len(raw) > 1 else 0
        count = (len(raw) - 1) * 8 - unused
        return frozenset(self._name(i) for i in range(count) if bits >> (count - 1 - i) & 1)

    def _name(self, i: int) -> str:
        return self.names[i] if i < len(self.names) else f"bit{i}"

    def encode(self, value: frozenset[str]) -> bytes:
        positions = []
        for name in value:
            if name in self.index:
                positions.append(self.index[name])
            elif name.startswith("bit") and name[3:].isdigit():
                positions.append(int(name[3:]))
            else:
                raise CodecError(f"unknown bit name {name!r}")
        if not positions:
            return b"\x00"
        count = max(positions) + 1  # DER: no trailing zero bits
        nbytes = (count + 7) // 8
        unused = nbytes * 8 - count
        bits = 0
        for p in positions:
            bits |= 1 << (nbytes * 8 - 1 - p)
        return bytes([unused]) + bits.to_bytes(nbytes, "big")

    def to_json(self, value: frozenset[str]) -> list[str]:
        order = {name: i for i, name in enumerate(self.names)}
        return sorted(value, key=lambda n: (order.get(n, len(order) + int(n[3:]) if n[3:].isdigit() else 0)))


class Iccid(Kind[str]):
    def decode(self, tlv: Tlv) -> str:
        return decode_iccid(tlv.value)

    def encode(self, value: str) -> bytes:
        return encode_iccid(value)


class Version(Kind[str]):
    """VersionType: 3 octets major.minor.revision; shorter or longer values are shown as found."""

    def decode(self, tlv: Tlv) -> str:
        return ".".join(str(b) for b in tlv.value)

    def encode(self, value: str) -> bytes:
        try:
            return bytes(int(part) for part in value.split("."))
        except ValueError as exc:
            raise CodecError(f"version {value!r} is not dotted numbers") from exc


class SequenceOf(Kind[list[T]]):
    """A constructed field holding repeated items of one tag (items of other tags are skipped)."""

    def __init__(self, item_tag: int, item: Kind[T]) -> None:
        self.item_tag = item_tag
        self.item = item

    def decode(self, tlv: Tlv) -> list[T]:
        return [self.item.decode(child) for child in parse_all(tlv.value) if child.tag == self.item_tag]

    def encode(self, value: list[T]) -> bytes:
        return b"".join(encode_tlv(self.item_tag, self.item.encode(v)) for v in value)

    def to_json(self, value: list[T]) -> list[Any]:
        return [self.item.to_json(v) for v in value]
