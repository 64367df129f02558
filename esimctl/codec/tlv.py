"""BER-TLV (ISO/IEC 8825-1) as SGP.22 uses it: multi-byte tags, definite lengths up to 4 bytes.

Tags are kept as ints of their encoded bytes (0xBF2D, 0x5A, 0x9F70), the way SGP.22 writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from esimctl.errors import TransportError


class CodecError(TransportError):
    """Bytes that are not valid BER-TLV (a card's malformed reply is a transport-level fault)."""

    code = "malformed-data"


@dataclass(frozen=True, slots=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        return bool(tag_bytes(self.tag)[0] & 0x20)

    def children(self) -> list[Tlv]:
        if not self.constructed:
            raise CodecError(f"tag {self.tag:X} is primitive and has no children")
        return parse_all(self.value)

    def encode(self) -> bytes:
        return encode_tlv(self.tag, self.value)


def tag_bytes(tag: int) -> bytes:
    if tag < 0:
        raise CodecError(f"negative tag {tag}")
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    if len(body) > 4:
        raise CodecError(f"length {length} too large")
    return bytes([0x80 | len(body)]) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    return tag_bytes(tag) + encode_length(len(value)) + value


def read_tag(buf: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(buf):
        raise CodecError(f"truncated tag at offset {pos}")
    first = buf[pos]
    tag = first
    pos += 1
    if first & 0x1F == 0x1F:  # the tag number continues in following bytes, b8 set on all but the last
        while True:
            if pos >= len(buf):
                raise CodecError(f"truncated multi-byte tag at offset {pos}")
            byte = buf[pos]
            tag = (tag << 8) | byte
            pos += 1
            if not byte & 0x80:
                break
            if tag > 0xFFFFFFFF:
                raise CodecError(f"tag longer than 4 bytes at offset {pos}")
    return tag, pos


def read_length(buf: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(buf):
        raise CodecError(f"truncated length at offset {pos}")
    first = buf[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0:
        raise CodecError(f"indefinite length at offset {pos - 1} is not allowed")
    if count > 4:
        raise CodecError(f"length of {count} bytes at offset {pos - 1} is too long")
    if pos + count > len(buf):
        raise CodecError(f"truncated long-form length at offset {pos - 1}")
    return int.from_bytes(buf[pos : pos + count], "big"), pos + count


def read_tlv(buf: bytes, pos: int = 0) -> tuple[Tlv, int]:
    tag, pos = read_tag(buf, pos)
    length, pos = read_length(buf, pos)
    end = pos + length
    if end > len(buf):
        raise CodecError(f"tag {tag:X} says {length} bytes but only {len(buf) - pos} follow")
    return Tlv(tag, bytes(buf[pos:end])), end


def parse_all(buf: bytes) -> list[Tlv]:
    """Every TLV in `buf`, which must hold nothing else."""
    items = []
    pos = 0
    while pos < len(buf):
        item, pos = read_tlv(buf, pos)
        items.append(item)
    return items


def parse_one(buf: bytes) -> Tlv:
    """Exactly one TLV filling `buf`."""
    item, end = read_tlv(buf, 0)
    if end != len(buf):
        raise CodecError(f"{len(buf) - end} unexpected bytes after tag {item.tag:X}")
    return item
