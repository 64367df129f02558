"""Declarative BER-TLV messages: a dataclass whose fields name their tag and Kind.

One schema serves the client (encode requests, decode responses) and the simulator (the reverse).
Unknown tags are kept in `extra` and re-encoded, never fatal: real cards add proprietary ones.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Self

from esimctl.codec.asn1 import Kind
from esimctl.codec.tlv import CodecError, Tlv, encode_tlv, parse_all, parse_one


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    attr: str
    tag: int
    kind: Kind[Any]
    asn1: str


def tlv(tag: int, kind: Kind[Any], asn1: str, default: Any = None) -> Any:
    """Declares a message field: its tag, its encoding and its SGP.22 ASN.1 name."""
    return dataclasses.field(default=default, metadata={"tlv": (tag, kind, asn1)})


@dataclasses.dataclass(kw_only=True)
class Message:
    """Base of all messages. Subclasses are dataclasses; TAG is set for top-level messages."""

    TAG: ClassVar[int | None] = None
    _specs: ClassVar[tuple[FieldSpec, ...]] = ()
    _by_tag: ClassVar[dict[int, FieldSpec]] = {}

    extra: tuple[Tlv, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Specs are collected lazily in _fields(): the dataclass decorator has not run yet here.
        cls._specs = ()

    @classmethod
    def _fields(cls) -> tuple[FieldSpec, ...]:
        if not cls._specs:
            specs = []
            for f in dataclasses.fields(cls):  # type: ignore[arg-type]
                meta = f.metadata.get("tlv")
                if meta:
                    specs.append(FieldSpec(f.name, *meta))
            cls._specs = tuple(specs)
            cls._by_tag = {s.tag: s for s in specs}
        return cls._specs

    # decoding
    @classmethod
    def from_children(cls, children: list[Tlv]) -> Self:
        cls._fields()
        values: dict[str, Any] = {}
        extra = []
        for child in children:
            spec = cls._by_tag.get(child.tag)
            if spec is None or spec.attr in values:
                extra.append(child)
                continue
            try:
                values[spec.attr] = spec.kind.decode(child)
            except CodecError as exc:
                raise CodecError(f"{cls.__name__}.{spec.asn1} (tag {child.tag:X}): {exc.message}") from exc
        return cls(**values, extra=tuple(extra))

    @classmethod
    def from_value(cls, value: bytes) -> Self:
        return cls.from_children(parse_all(value))

    @classmethod
    def decode(cls, data: bytes) -> Self:
        """Decodes a whole top-level message, checking its tag."""
        item = parse_one(data)
        if cls.TAG is not None and item.tag != cls.TAG:
            raise CodecError(f"expected {cls.__name__} (tag {cls.TAG:X}), got tag {item.tag:X}")
        return cls.from_value(item.value)

    # encoding
    def encode_value(self) -> bytes:
        parts = []
        for spec in self._fields():
            value = getattr(self, spec.attr)
            if value is not None:
                parts.append(encode_tlv(spec.tag, spec.kind.encode(value)))
        parts.extend(t.encode() for t in self.extra)
        return b"".join(parts)

    def encode(self) -> bytes:
        if self.TAG is None:
            raise CodecError(f"{type(self).__name__} has no tag of its own")
        return encode_tlv(self.TAG, self.encode_value())

    def to_json(self) -> dict[str, Any]:
        """The fields present, under their SGP.22 ASN.1 names; unknown tags as hex."""
        out: dict[str, Any] = {}
        for spec in self._fields():
            value = getattr(self, spec.attr)
            if value is not None:
                out[spec.asn1] = spec.kind.to_json(value)
        if self.extra:
            out["unknownTags"] = {f"{t.tag:X}": t.value.hex().upper() for t in self.extra}
        return out


class Nested(Kind[Any]):
    """A constructed field whose children form a Message."""

    def __init__(self, cls: type[Message]) -> None:
        self.cls = cls

    def decode(self, tlv: Tlv) -> Message:
        return self.cls.from_value(tlv.value)

    def encode(self, value: Message) -> bytes:
        return value.encode_value()

    def to_json(self, value: Message) -> dict[str, Any]:
        return value.to_json()

