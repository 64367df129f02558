"""The plain, sourced answer to "can a household share on eSIM in Japan?".

Sharing words are slippery: a family discount is a price cut, a data gift is a one-off
transfer, a watch on the phone's number shares a number, not data. Only a data pool that eSIM
lines may join answers "yes", and the answer says which of these each plan offers, each claim
with the page that states it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from esimctl.catalogue.model import Brand, Catalogue, Fact, Plan
from esimctl.catalogue.staleness import StaleSource, fact_is_stale, stale_sources

QUESTION = "Can a household share mobile data across devices on eSIM in Japan?"

_WHO = {"same-account": "lines on one contract", "family": "family members' lines",
        "anyone": "any subscriber's lines"}
_DEVICES = {"apple-watch": "Apple Watch", "android-wearable": "Android wearable",
            "tablet": "tablet", "other": "other device"}


@dataclass(frozen=True)
class Evidence:
    """One fact behind a claim; `value` None means no source states it."""

    field: str  # as SCHEMA.md names it, e.g. "sharing.data-pool.esim_lines"
    value: Any
    url: str | None
    title: str | None
    checked: date | None
    stale: bool
    note: str | None = None


@dataclass(frozen=True)
class Claim:
    brand: Brand
    plan: Plan
    statement: str
    evidence: tuple[Evidence, ...]

    @property
    def stale(self) -> bool:
        return any(item.stale for item in self.evidence)


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Answer:
    question: str
    summary: str
    sections: tuple[Section, ...]
    as_of: date
    stale: tuple[StaleSource, ...]

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def _evidence(field: str, fact: Fact[Any], today: date) -> Evidence:
    source = fact.source
    return Evidence(field, fact.value, source.url if source else None, source.title if source else None,
                    source.checked if source else None, fact_is_stale(fact, today), fact.note)


def _label(brand: Brand, plan: Plan) -> str:
    closed = " (closed to new sign-ups)" if plan.open.value is False else ""
    brand_name, plan_name = str(brand.name), str(plan.name) or plan.id
    # "docomo MAX" already names its brand; "ahamo ahamo" would not read well.
    label = plan_name if plan_name.casefold().startswith(brand_name.casefold()) else f"{brand_name} {plan_name}"
    return f"{label}{closed}"


def _show(fact: Fact[Any], unknown: str) -> str:
    return unknown if fact.value is None else str(fact.value)


def _pool_claim(brand: Brand, plan: Plan, today: date) -> Claim:
    pool = plan.sharing.data_pool
    feature = f"{pool.feature.value} " if pool.feature.known else ""
    lines = (f"up to {pool.max_lines.value} lines" if pool.max_lines.known
             else "a number of lines no source states")
    who = f" ({_WHO[pool.who.value]})" if pool.who.value in _WHO else ""
    esim = {True: "eSIM lines may join", False: "eSIM lines may not join",
            None: "no source says whether eSIM lines may join"}[pool.esim_lines.value]
    fee = f"; fee: {pool.fee.value}" if pool.fee.known else ""
    statement = f"{_label(brand, plan)}: {feature}pools one data allowance across {lines}{who}; {esim}{fee}."
    fields: list[tuple[str, Fact[Any]]] = [
        ("offered", pool.offered), ("esim_lines", pool.esim_lines), ("max_lines", pool.max_lines),
        ("who", pool.who), ("fee", pool.fee)]
    evidence = [_evidence(f"sharing.data-pool.{key}", fact, today) for key, fact in fields]
    evidence += [_evidence(key, getattr(plan, key), today) for key in ("esim_voice", "esim_data", "open")]
    return Claim(brand, plan, statement, tuple(evidence))


def _discount_claim(brand: Brand, plan: Plan, today: date) -> Claim:
    discount = plan.sharing.family_discount
    feature = discount.feature.value or "a family discount"
    amount = f" of {discount.amount.value}" if discount.amount.known else ""
    pool = ("it does not pool data" if plan.sharing.data_pool.offered.value is False
            else "no source says whether it pools data")
    statement = (f"{_label(brand, plan)}: {feature}{amount} is a discount on each line's bill, "
                 f"not sharing; {pool}.")
    evidence = [_evidence(f"sharing.family-discount.{key}", fact, today)
                for key, fact in (("offered", discount.offered), ("amount", discount.amount),
                                  ("max_lines", discount.max_lines))]
    evidence.append(_evidence("sharing.data-pool.offered", plan.sharing.data_pool.offered, today))
    return Claim(brand, plan, statement, tuple(evidence))


def _number_claim(brand: Brand, plan: Plan, today: date) -> Claim:
    share = plan.sharing.number_share
    feature = share.feature.value or "number sharing"
    devices = (", ".join(_DEVICES.get(device, device) for device in share.devices.value)
               if share.devices.value else "devices no source names")
    fee = f"; fee: {share.fee.value}" if share.fee.known else ""
    statement = (f"{_label(brand, plan)}: {feature} lets a second device use the phone's number "
                 f"({devices}); one line, not a data pool{fee}.")
    evidence = tuple(_evidence(f"sharing.number-share.{key}", fact, today)
                     for key, fact in (("offered", share.offered), ("devices", share.devices),
                                       ("fee", share.fee)))
    return Claim(brand, plan, statement, evidence)


def _gift_claim(brand: Brand, plan: Plan, today: date) -> Claim:
    gift = plan.sharing.data_gift
    feature = gift.feature.value or "data gift"
    who = f" to {_WHO[gift.who.value]}" if gift.who.value in _WHO else ""
    statement = (f"{_label(brand, plan)}: {feature} sends spare data{who} "
                 "(a one-off transfer, not a shared pool).")
    evidence = tuple(_evidence(f"sharing.data-gift.{key}", fact, today)
                     for key, fact in (("offered", gift.offered), ("who", gift.who), ("fee", gift.fee)))
    return Claim(brand, plan, statement, evidence)


def _unknown_pool_claim(brand: Brand, plan: Plan, today: date) -> Claim:
    offered = plan.sharing.data_pool.offered
    why = f" ({offered.note})" if offered.note else ""
    statement = f"{_label(brand, plan)}: no source says whether it pools data{why}."
    return Claim(brand, plan, statement, (_evidence("sharing.data-pool.offered", offered, today),))


def _ordered(plans: Iterable[tuple[Brand, Plan]]) -> list[tuple[Brand, Plan]]:
    # Plans open to sign-ups first: a closed plan is no option for a household choosing today.
    return sorted(plans, key=lambda pair: pair[1].open.value is False)


def build_answer(catalogue: Catalogue, today: date | None = None) -> Answer:
    today = today or date.today()
    plans = _ordered(catalogue.plans())

    def where(test: Any) -> list[tuple[Brand, Plan]]:
        return [(brand, plan) for brand, plan in plans if test(plan)]

    def pooled(esim: bool | None) -> Any:
        return lambda plan: (plan.sharing.data_pool.offered.value is True
                             and plan.sharing.data_pool.esim_lines.value is esim)

    sections = (
        Section("pool-esim", "Pool data across lines, and eSIM lines may join",
                tuple(_pool_claim(b, p, today) for b, p in where(pooled(True)))),
        Section("pool-esim-unknown", "Pool data, but no source says whether eSIM lines may join",
                tuple(_pool_claim(b, p, today) for b, p in where(pooled(None)))),
        Section("pool-no-esim", "Pool data, but eSIM lines may not join",
                tuple(_pool_claim(b, p, today) for b, p in where(pooled(False)))),
        Section("discount-only", "Only a family discount: a price cut, not sharing",
                tuple(_discount_claim(b, p, today) for b, p in where(
                    lambda plan: plan.sharing.family_discount.offered.value is True
                    and plan.sharing.data_pool.offered.value is not True))),
        Section("number-share", "Share a phone number with a watch or tablet, not data",
                tuple(_number_claim(b, p, today) for b, p in where(
                    lambda plan: plan.sharing.number_share.offered.value is True))),
        Section("data-gift", "Gift spare data to another line: a transfer, not a pool",
                tuple(_gift_claim(b, p, today) for b, p in where(
                    lambda plan: plan.sharing.data_gift.offered.value is True))),
        Section("pool-unknown", "No source says whether they pool data",
                tuple(_unknown_pool_claim(b, p, today) for b, p in where(
                    lambda plan: not plan.sharing.data_pool.offered.known))),
    )
    return Answer(QUESTION, _summary(sections), sections, today, tuple(stale_sources(catalogue, today)))


def _brands(claims: Iterable[Claim]) -> str:
    names = list(dict.fromkeys(str(claim.brand.name) for claim in claims))
    return ", ".join(names)


def _open(claims: Iterable[Claim]) -> list[Claim]:
    return [claim for claim in claims if claim.plan.open.value is not False]


def _summary(sections: tuple[Section, ...]) -> str:
    by_key = {section.key: _open(section.claims) for section in sections}
    yes, maybe = by_key["pool-esim"], by_key["pool-esim-unknown"]
    parts = []
    if yes:
        parts.append(f"Yes: {len(yes)} plan(s) open to sign-ups pool one data allowance across lines "
                     f"and their sources say eSIM lines may join ({_brands(yes)}).")
    else:
        parts.append("No plan open to sign-ups in the catalogue is sourced as pooling data with "
                     "eSIM lines allowed.")
    if maybe:
        parts.append(f"{len(maybe)} more plan(s) pool data, but no source says whether eSIM lines may join "
                     f"({_brands(maybe)}).")
    if by_key["discount-only"]:
        parts.append(f"{len(by_key['discount-only'])} plan(s) only cut the price for a family "
                     f"({_brands(by_key['discount-only'])}): a discount, not sharing.")
    return " ".join(parts)
