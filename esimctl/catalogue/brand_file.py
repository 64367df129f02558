"""Reading one brand file: check it against SCHEMA.md and build the typed Brand.

Every problem is collected (never stop at the first) so one `plans check` run shows all of a
file's mistakes. A file with any problem yields no Brand: half-valid data would be shown as if
it were sourced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from esimctl.catalogue import schema
from esimctl.catalogue.issues import Issue
from esimctl.catalogue.model import (
    ENTRY_CLASSES,
    Brand,
    Conflict,
    DataGift,
    DataPool,
    Fact,
    FamilyDiscount,
    Identifiers,
    Name,
    NumberShare,
    Plan,
    Sharing,
    SharingEntry,
    SharingType,
    Source,
    Tethering,
)
from esimctl.catalogue.yaml_lines import LineDict, LineList, load_yaml

_COUNTRY_DIR = re.compile(r"[a-z]{2}")


@dataclass(frozen=True)
class IdAt:
    """An id as written in a file, kept even when the file is invalid, for duplicate checks."""

    id: str
    line: int
    field: str


@dataclass(frozen=True)
class BrandFile:
    path: Path
    brand: Brand | None  # None when the file has issues
    issues: tuple[Issue, ...]
    brand_id: IdAt | None = None
    plan_ids: tuple[IdAt, ...] = ()


def read_brand_file(path: Path, *, today: date) -> BrandFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return BrandFile(path, None, (Issue(path, 0, "<file>", f"not UTF-8: {error.reason}"),))
    except OSError as error:
        return BrandFile(path, None, (Issue(path, 0, "<file>", error.strerror or str(error)),))
    return parse_brand_text(text, path, today=today)


def parse_brand_text(text: str, path: Path, *, today: date) -> BrandFile:
    data, issues = load_yaml(text, path)
    if data is None and issues:
        return BrandFile(path, None, tuple(issues))
    reader = _Reader(path, today, issues)
    brand = reader.read_file(data)
    found = tuple(sorted(reader.issues, key=lambda issue: issue.line))
    return BrandFile(path, None if found else brand, found, reader.brand_id, tuple(reader.plan_ids))


@dataclass
class _Reader:
    path: Path
    today: date
    issues: list[Issue]
    sources: dict[str, Source] = field(default_factory=dict)
    brand_id: IdAt | None = None
    plan_ids: list[IdAt] = field(default_factory=list)

    # -- reporting and shape checks -------------------------------------------------------------

    def error(self, line: int, where: str, message: str) -> None:
        self.issues.append(Issue(self.path, line, where, message))

    def mapping(self, value: Any, line: int, where: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.error(line, where, f"expected a mapping, got {schema.describe(value)}")
        return None

    def sequence(self, value: Any, line: int, where: str) -> LineList | None:
        if isinstance(value, LineList):
            return value
        self.error(line, where, f"expected a list, got {schema.describe(value)}")
        return None

    def keys(self, raw: LineDict, where: str, allowed: Sequence[str], required: Sequence[str]) -> None:
        """Report keys SCHEMA.md does not list, and required keys that are missing."""
        prefix = f"{where}." if where else ""
        for key in raw:
            if key not in allowed:
                self.error(raw.key_lines[key], f"{prefix}{key}",
                           f"unknown key (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in raw:
                hint = " (write unknown if no source states it)" if key in schema.TOP_FACTS else ""
                self.error(raw.intro_line, f"{prefix}{key}", f"missing{hint}")

    def text(self, raw: LineDict, key: str, where: str) -> str | None:
        if key not in raw:
            return None
        try:
            text: str = schema.TEXT.check(raw[key])
        except ValueError as error:
            self.error(raw.line_of(key), where, str(error))
            return None
        return text

    def ident(self, value: Any, line: int, where: str) -> str | None:
        if isinstance(value, str) and schema.ID_PATTERN.fullmatch(value):
            return value
        self.error(line, where, f"expected an id of a-z, 0-9 and '-', got {schema.describe(value)}")
        return None

    # -- facts ----------------------------------------------------------------------------------

    def fact(self, value: Any, line: int, where: str, kind: schema.ValueType) -> Fact[Any]:
        if value == schema.UNKNOWN:
            return Fact()
        raw = value if isinstance(value, LineDict) else None
        if raw is None:
            self.error(line, where, "expected a fact {value: …, src: …} or unknown, "
                                    f"got {schema.describe(value)}")
            return Fact()
        self.keys(raw, where, schema.FACT_KEYS, ("value",))
        note = self.text(raw, "note", f"{where}.note")
        if "value" not in raw:
            return Fact()
        conflicts = self.conflicts(raw, where, kind)
        if raw["value"] == schema.UNKNOWN:
            # `src` may name the page that was read and did not say.
            return Fact(None, self.source_ref(raw, where, required=False), note, conflicts)
        try:
            checked = kind.check(raw["value"])
        except ValueError as error:
            self.error(raw.line_of("value"), where, str(error))
            checked = None
        return Fact(checked, self.source_ref(raw, where, required=True), note, conflicts)

    def source_ref(self, raw: LineDict, where: str, *, required: bool) -> Source | None:
        if "src" not in raw:
            if required:
                self.error(raw.line, f"{where}.src",
                           "missing: a fact needs the id of one of `sources:` (or write unknown)")
            return None
        name = raw["src"]
        source = self.sources.get(name) if isinstance(name, str) else None
        if source is None:
            known = ", ".join(sorted(self.sources)) or "none"
            self.error(raw.line_of("src"), f"{where}.src",
                       f"{schema.describe(name)} names no entry of sources (known: {known})")
        return source

    def conflicts(self, raw: LineDict, where: str, kind: schema.ValueType) -> tuple[Conflict[Any], ...]:
        if "conflicts" not in raw:
            return ()
        items = self.sequence(raw["conflicts"], raw.line_of("conflicts"), f"{where}.conflicts")
        found: list[Conflict[Any]] = []
        for index, item in enumerate(items or ()):
            at = f"{where}.conflicts[{index}]"
            entry = self.mapping(item, items.line_of(index) if items else 0, at)
            if entry is None:
                continue
            self.keys(entry, at, schema.CONFLICT_KEYS, schema.CONFLICT_REQUIRED)
            source = self.source_ref(entry, at, required=True)
            if "value" not in entry:
                continue
            if entry["value"] == schema.UNKNOWN:
                self.error(entry.line_of("value"), at, "a conflict states a value; unknown is not one")
                continue
            try:
                value = kind.check(entry["value"])
            except ValueError as error:
                self.error(entry.line_of("value"), at, str(error))
                continue
            if source is not None:
                found.append(Conflict(value, source, self.text(entry, "note", f"{at}.note")))
        return tuple(found)

    def fact_list(self, raw: LineDict, key: str, where: str,
                  kind: schema.ValueType) -> tuple[Fact[Any], ...]:
        if key not in raw:
            return ()
        items = self.sequence(raw[key], raw.line_of(key), where)
        if items is None:
            return ()
        return tuple(self.fact(item, items.line_of(index), f"{where}[{index}]", kind)
                     for index, item in enumerate(items))

    # -- file sections --------------------------------------------------------------------------

    def read_file(self, data: Any) -> Brand | None:
        top = self.mapping(data, 1, "<file>")
        if top is None:
            return None
        self.keys(top, "", schema.FILE_KEYS, schema.FILE_KEYS)
        if "schema" in top and (isinstance(top["schema"], bool) or top["schema"] != schema.SCHEMA_VERSION):
            self.error(top.line_of("schema"), "schema",
                       f"expected {schema.SCHEMA_VERSION}, got {schema.describe(top['schema'])}")
        # Sources first: facts anywhere in the file refer to them.
        if "sources" in top:
            self.read_sources(top["sources"], top.line_of("sources"))
        brand_raw = self.mapping(top["brand"], top.line_of("brand"), "brand") if "brand" in top else None
        brand_id = self.read_brand_id(brand_raw)
        plans: tuple[Plan, ...] = ()
        if "plans" in top:
            plans = self.read_plans(top["plans"], top.line_of("plans"), brand_id or "")
        if brand_raw is None:
            return None
        brand = self.read_brand(brand_raw, brand_id or "", plans)
        return brand if brand_id is not None else None

    def read_sources(self, value: Any, line: int) -> None:
        raw = self.mapping(value, line, "sources")
        if raw is None:
            return
        for name, entry_value in raw.items():
            where = f"sources.{name}"
            source_id = self.ident(name, raw.key_lines[name], where)
            entry = self.mapping(entry_value, raw.line_of(name), where)
            if entry is None or source_id is None:
                continue
            self.keys(entry, where, schema.SOURCE_KEYS, schema.SOURCE_REQUIRED)
            url = entry.get("url")
            if "url" in entry and not (isinstance(url, str) and schema.URL_PATTERN.fullmatch(url)):
                self.error(entry.line_of("url"), f"{where}.url",
                           f"expected an http(s) URL, got {schema.describe(url)}")
            kind = entry.get("kind")
            if "kind" in entry and kind not in schema.SOURCE_KINDS:
                self.error(entry.line_of("kind"), f"{where}.kind",
                           f"expected one of {', '.join(schema.SOURCE_KINDS)}; got {schema.describe(kind)}")
            title = self.text(entry, "title", f"{where}.title")
            checked = self.read_date(entry, where) if "checked" in entry else None
            # Registered even when invalid, so facts citing it do not repeat the error; the file
            # is rejected anyway.
            self.sources[source_id] = Source(source_id, url if isinstance(url, str) else "",
                                             kind if isinstance(kind, str) else "", title,
                                             checked or date.min)

    def read_date(self, entry: LineDict, where: str) -> date | None:
        value, line, at = entry["checked"], entry.line_of("checked"), f"{where}.checked"
        if not (isinstance(value, str) and schema.DATE_PATTERN.fullmatch(value)):
            self.error(line, at, f"expected a date YYYY-MM-DD, got {schema.describe(value)}")
            return None
        try:
            checked = date.fromisoformat(value)
        except ValueError as error:
            self.error(line, at, f"{value!r} is not a date: {error}")
            return None
        if checked > self.today:
            self.error(line, at, f"{value} is in the future (today is {self.today.isoformat()})")
            return None
        return checked

    def read_brand_id(self, raw: LineDict | None) -> str | None:
        if raw is None or "id" not in raw:
            return None  # a missing id is reported by read_brand
        brand_id = self.ident(raw["id"], raw.line_of("id"), "brand.id")
        if brand_id is None:
            return None
        self.brand_id = IdAt(brand_id, raw.line_of("id"), "brand.id")
        if self.path.suffix == ".yaml" and self.path.stem != brand_id:
            self.error(raw.line_of("id"), "brand.id",
                       f"{brand_id!r} does not match the file name (expected {brand_id}.yaml)")
        return brand_id

    def read_name(self, raw: LineDict, where: str) -> Name:
        names = self.mapping(raw.get("name"), raw.line_of("name"), where) if "name" in raw else None
        if names is None:
            return Name(None, None)
        self.keys(names, where, schema.NAME_KEYS, ())
        if not any(key in names for key in schema.NAME_KEYS):
            self.error(names.line, where, "needs ja, en or both")
        return Name(self.text(names, "ja", f"{where}.ja"), self.text(names, "en", f"{where}.en"))

    def read_brand(self, raw: LineDict, brand_id: str, plans: tuple[Plan, ...]) -> Brand:
        self.keys(raw, "brand", schema.BRAND_KEYS, schema.BRAND_KEYS)
        kind = raw.get("kind")
        if "kind" in raw and kind not in schema.BRAND_KINDS:
            self.error(raw.line_of("kind"), "brand.kind",
                       f"expected one of {', '.join(schema.BRAND_KINDS)}; got {schema.describe(kind)}")
        return Brand(
            id=brand_id,
            name=self.read_name(raw, "brand.name"),
            company=self.optional_fact(raw, "company", "brand.company", schema.TEXT),
            kind=kind if isinstance(kind, str) else "",
            networks=self.optional_fact(raw, "networks", "brand.networks", schema.NETWORK_LIST),
            identifiers=self.read_identifiers(raw),
            sources=tuple(self.sources.values()),
            plans=plans,
            path=self.path,
            country=self.path.parent.name if _COUNTRY_DIR.fullmatch(self.path.parent.name) else None,
        )

    def optional_fact(self, raw: LineDict, key: str, where: str, kind: schema.ValueType) -> Fact[Any]:
        """A fact whose absence is reported elsewhere (or allowed): read it if present."""
        if key not in raw:
            return Fact()
        return self.fact(raw[key], raw.line_of(key), where, kind)

    def read_identifiers(self, raw: LineDict) -> Identifiers:
        if "identifiers" not in raw:
            return Identifiers()
        ids = self.mapping(raw["identifiers"], raw.line_of("identifiers"), "brand.identifiers")
        if ids is None:
            return Identifiers()
        self.keys(ids, "brand.identifiers", schema.IDENTIFIER_KEYS, ())
        return Identifiers(**{
            key: self.fact_list(ids, key, f"brand.identifiers.{key}", kind)
            for key, kind in schema.IDENTIFIER_TYPES.items()
        })

    def read_plans(self, value: Any, line: int, brand_id: str) -> tuple[Plan, ...]:
        items = self.sequence(value, line, "plans") or LineList(line)
        plans = []
        for index, item in enumerate(items):
            plan = self.read_plan(item, items.line_of(index), f"plans[{index}]", brand_id)
            if plan is not None:
                plans.append(plan)
        return tuple(plans)

    def read_plan(self, value: Any, line: int, where: str, brand_id: str) -> Plan | None:
        raw = self.mapping(value, line, where)
        if raw is None:
            return None
        self.keys(raw, where, schema.PLAN_KEYS, schema.PLAN_KEYS)
        plan_id = self.ident(raw["id"], raw.line_of("id"), f"{where}.id") if "id" in raw else None
        if plan_id is not None:
            self.plan_ids.append(IdAt(plan_id, raw.line_of("id"), f"{where}.id"))
        facts = {key: self.optional_fact(raw, key, f"{where}.{key}", schema.BOOLEAN)
                 for key in schema.PLAN_FACTS}
        sharing = self.read_sharing(raw, where)
        name = self.read_name(raw, f"{where}.name")
        if plan_id is None:
            return None
        return Plan(id=plan_id, brand_id=brand_id, name=name, sharing=sharing, **facts)

    def read_sharing(self, plan: LineDict, plan_where: str) -> Sharing:
        where = f"{plan_where}.sharing"
        entries: dict[SharingType, SharingEntry] = {}
        first_line: dict[SharingType, int] = {}
        items = self.sequence(plan["sharing"], plan.line_of("sharing"), where) if "sharing" in plan else None
        if items is None:  # missing or not a list: already reported
            return _placeholder_sharing()
        for index, item in enumerate(items):
            at = f"{where}[{index}]"
            raw = self.mapping(item, items.line_of(index), at)
            if raw is None:
                continue
            if "type" not in raw:
                self.error(raw.line, f"{at}.type", "missing")
                continue
            try:
                kind = SharingType(raw["type"])
            except ValueError:
                self.error(raw.line_of("type"), f"{at}.type",
                           f"expected one of {', '.join(SharingType)}; got {schema.describe(raw['type'])}")
                continue
            if kind in first_line:
                self.error(raw.line_of("type"), f"{at}.type",
                           f"{kind.value!r} repeated (first at line {first_line[kind]})")
                continue
            first_line[kind] = raw.line_of("type")
            fields = schema.SHARING_FIELDS[kind]
            self.keys(raw, at, ("type", *fields), ("type", "offered"))
            facts = {key: self.fact(raw[key], raw.line_of(key), f"{at}.{key}", value_type)
                     for key, value_type in fields.items() if key in raw}
            facts.setdefault("offered", Fact())
            entries[kind] = ENTRY_CLASSES[kind](**facts)
        missing = [kind.value for kind in SharingType if kind not in first_line]
        if missing:
            self.error(plan.key_lines.get("sharing", plan.line), where,
                       f"missing type {', '.join(missing)} (every plan lists all five: {', '.join(SharingType)})")
        return _placeholder_sharing(entries)


_Entry = TypeVar("_Entry", DataPool, DataGift, FamilyDiscount, NumberShare, Tethering)


def _placeholder_sharing(entries: Mapping[SharingType, SharingEntry] | None = None) -> Sharing:
    """The entries read, and `offered: unknown` for the rest (the file is rejected anyway)."""
    found = entries or {}

    def entry(kind: SharingType, cls: type[_Entry]) -> _Entry:
        read = found.get(kind)
        return read if isinstance(read, cls) else cls(offered=Fact())

    return Sharing(
        data_pool=entry(SharingType.DATA_POOL, DataPool),
        data_gift=entry(SharingType.DATA_GIFT, DataGift),
        family_discount=entry(SharingType.FAMILY_DISCOUNT, FamilyDiscount),
        number_share=entry(SharingType.NUMBER_SHARE, NumberShare),
        tethering=entry(SharingType.TETHERING, Tethering),
    )
