"""The typed, immutable view of the catalogue that the rest of esimctl reads.

A `Fact` is a value plus the source that states it; `value is None` means no source states it
(the YAML `unknown`), never "false" or "zero".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    kind: str  # operator | third-party | regulator | spec
    title: str | None
    checked: date


@dataclass(frozen=True)
class Conflict(Generic[T]):
    """What an older source states where it disagrees with the fact's (newest) source."""

    value: T
    source: Source
    note: str | None = None


@dataclass(frozen=True)
class Fact(Generic[T]):
    value: T | None = None
    source: Source | None = None
    note: str | None = None
    conflicts: tuple[Conflict[T], ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not None

    def sources(self) -> tuple[Source, ...]:
        """Every source this fact rests on: its own, then those of its conflicts."""
        own = (self.source,) if self.source is not None else ()
        return own + tuple(conflict.source for conflict in self.conflicts)


@dataclass(frozen=True)
class Name:
    ja: str | None
    en: str | None

    def __str__(self) -> str:
        return self.en or self.ja or ""


class SharingType(StrEnum):
    DATA_POOL = "data-pool"
    DATA_GIFT = "data-gift"
    FAMILY_DISCOUNT = "family-discount"
    NUMBER_SHARE = "number-share"
    TETHERING = "tethering"

    @property
    def attribute(self) -> str:
        return self.value.replace("-", "_")


def _facts_of(entry: object) -> Iterator[tuple[str, Fact[Any]]]:
    for item in fields(entry):  # type: ignore[arg-type]
        value = getattr(entry, item.name)
        if isinstance(value, Fact):
            yield item.name, value


@dataclass(frozen=True)
class DataPool:
    """Lines drawing on one data allowance: the only mechanism that is really "sharing data"."""

    type = SharingType.DATA_POOL
    offered: Fact[bool]
    feature: Fact[str] = Fact()
    max_lines: Fact[int] = Fact()
    who: Fact[str] = Fact()  # same-account | family | anyone
    esim_lines: Fact[bool] = Fact()
    fee: Fact[str] = Fact()


@dataclass(frozen=True)
class DataGift:
    """Sending spare data to another line, once."""

    type = SharingType.DATA_GIFT
    offered: Fact[bool]
    feature: Fact[str] = Fact()
    who: Fact[str] = Fact()
    fee: Fact[str] = Fact()


@dataclass(frozen=True)
class FamilyDiscount:
    """A price cut for a household: not sharing."""

    type = SharingType.FAMILY_DISCOUNT
    offered: Fact[bool]
    feature: Fact[str] = Fact()
    amount: Fact[str] = Fact()
    max_lines: Fact[int] = Fact()


@dataclass(frozen=True)
class NumberShare:
    """A wearable or second device using the phone's number."""

    type = SharingType.NUMBER_SHARE
    offered: Fact[bool]
    feature: Fact[str] = Fact()
    devices: Fact[tuple[str, ...]] = Fact()  # apple-watch | android-wearable | tablet | other
    fee: Fact[str] = Fact()


@dataclass(frozen=True)
class Tethering:
    type = SharingType.TETHERING
    offered: Fact[bool]
    fee: Fact[str] = Fact()
    cap: Fact[str] = Fact()


SharingEntry = DataPool | DataGift | FamilyDiscount | NumberShare | Tethering

ENTRY_CLASSES: dict[SharingType, type[SharingEntry]] = {
    SharingType.DATA_POOL: DataPool,
    SharingType.DATA_GIFT: DataGift,
    SharingType.FAMILY_DISCOUNT: FamilyDiscount,
    SharingType.NUMBER_SHARE: NumberShare,
    SharingType.TETHERING: Tethering,
}


def entry_facts(entry: SharingEntry) -> Iterator[tuple[str, Fact[Any]]]:
    """(key, fact) for each fact of a sharing entry, `offered` first, in schema order."""
    return _facts_of(entry)


@dataclass(frozen=True)
class Sharing:
    data_pool: DataPool
    data_gift: DataGift
    family_discount: FamilyDiscount
    number_share: NumberShare
    tethering: Tethering

    def entries(self) -> tuple[SharingEntry, ...]:
        return (self.data_pool, self.data_gift, self.family_discount, self.number_share,
                self.tethering)

    def get(self, kind: SharingType | str) -> SharingEntry:
        entry: SharingEntry = getattr(self, SharingType(kind).attribute)
        return entry


@dataclass(frozen=True)
class Plan:
    id: str
    brand_id: str
    name: Name
    esim_voice: Fact[bool]
    esim_data: Fact[bool]
    open: Fact[bool]
    sharing: Sharing

    def facts(self) -> Iterator[tuple[str, Fact[Any]]]:
        """(field path, fact) for every fact of the plan, as SCHEMA.md names them."""
        yield from _facts_of(self)
        for entry in self.sharing.entries():
            for key, fact in entry_facts(entry):
                yield f"sharing.{entry.type}.{key}", fact


@dataclass(frozen=True)
class Identifiers:
    """What lets a tool recognise an installed profile; each a list of facts."""

    mcc_mnc: tuple[Fact[str], ...] = ()
    gid1: tuple[Fact[str], ...] = ()
    iccid_prefixes: tuple[Fact[str], ...] = ()
    spn: tuple[Fact[str], ...] = ()


@dataclass(frozen=True)
class Brand:
    id: str
    name: Name
    company: Fact[str]
    kind: str  # mno | sub-brand | online-brand | mvno | travel
    networks: Fact[tuple[str, ...]]
    identifiers: Identifiers = field(repr=False)
    sources: tuple[Source, ...] = field(repr=False)
    plans: tuple[Plan, ...] = field(repr=False)
    path: Path = field(repr=False)
    country: str | None = None

    def source(self, source_id: str) -> Source | None:
        return next((source for source in self.sources if source.id == source_id), None)

    def facts(self) -> Iterator[tuple[str, Fact[Any]]]:
        """(field path, fact) for the brand's own facts (not its plans')."""
        yield "company", self.company
        yield "networks", self.networks
        for item in fields(self.identifiers):
            for index, fact in enumerate(getattr(self.identifiers, item.name)):
                yield f"identifiers.{item.name}[{index}]", fact


@dataclass(frozen=True)
class Catalogue:
    brands: tuple[Brand, ...]
    files: tuple[Path, ...] = ()

    def brand(self, brand_id: str) -> Brand | None:
        return next((brand for brand in self.brands if brand.id == brand_id), None)

    def plan(self, plan_id: str) -> tuple[Brand, Plan] | None:
        return next(((brand, plan) for brand, plan in self.plans() if plan.id == plan_id), None)

    def plans(self) -> Iterator[tuple[Brand, Plan]]:
        for brand in self.brands:
            for plan in brand.plans:
                yield brand, plan
