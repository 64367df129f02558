"""Which sources are too old to trust without a re-check: read more than 12 months ago."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from esimctl.catalogue.model import Brand, Catalogue, Fact, Source

STALE_AFTER_MONTHS = 12


def stale_before(today: date) -> date:
    """The oldest `checked` date that is still fresh: the same day 12 months earlier."""
    year = today.year - STALE_AFTER_MONTHS // 12
    day = min(today.day, calendar.monthrange(year, today.month)[1])  # 29 Feb -> 28 Feb
    return date(year, today.month, day)


def is_stale(source: Source | None, today: date) -> bool:
    return source is not None and source.checked < stale_before(today)


def fact_is_stale(fact: Fact[object], today: date) -> bool:
    """A fact is stale when the source its value rests on is; conflicts do not count."""
    return is_stale(fact.source, today)


@dataclass(frozen=True)
class StaleSource:
    brand: Brand
    source: Source


def cited_sources(brand: Brand) -> list[Source]:
    """Sources that some fact's value rests on. Conflicts are left out: they cite older pages
    on purpose, and an unused source states nothing."""
    facts = [fact for _, fact in brand.facts()]
    facts += [fact for plan in brand.plans for _, fact in plan.facts()]
    cited = {fact.source.id for fact in facts if fact.source is not None}
    return [source for source in brand.sources if source.id in cited]


def stale_sources(catalogue: Catalogue | Brand, today: date | None = None) -> list[StaleSource]:
    """Cited sources checked more than 12 months before today, in catalogue order."""
    today = today or date.today()
    brands = (catalogue,) if isinstance(catalogue, Brand) else catalogue.brands
    return [StaleSource(brand, source) for brand in brands for source in cited_sources(brand)
            if is_stale(source, today)]
