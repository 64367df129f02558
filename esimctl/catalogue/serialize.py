"""JSON-ready dicts of catalogue objects, for `--json` output (stable keys, dates as ISO text)."""

from __future__ import annotations

from datetime import date
from typing import Any

from esimctl.catalogue.answer import Answer, Claim, Evidence
from esimctl.catalogue.glance import brand_glance, operator_label, plan_glance, sharing_label
from esimctl.catalogue.loading import Stats
from esimctl.catalogue.matching import Match
from esimctl.catalogue.model import Brand, Fact, Name, Plan, SharingEntry, Source, entry_facts
from esimctl.catalogue.staleness import StaleSource, fact_is_stale, is_stale


def _value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def source_json(source: Source, today: date) -> dict[str, Any]:
    return {"id": source.id, "url": source.url, "kind": source.kind, "title": source.title,
            "checked": source.checked.isoformat(), "stale": is_stale(source, today)}


def fact_json(fact: Fact[Any], today: date) -> dict[str, Any]:
    """{"value", "known", "source", "note", "conflicts", "stale"}; value null when unknown."""
    return {
        "value": _value(fact.value),
        "known": fact.known,
        "source": source_json(fact.source, today) if fact.source else None,
        "note": fact.note,
        "conflicts": [{"value": _value(conflict.value), "source": source_json(conflict.source, today),
                       "note": conflict.note} for conflict in fact.conflicts],
        "stale": fact_is_stale(fact, today),
    }


def name_json(name: Name) -> dict[str, str | None]:
    return {"ja": name.ja, "en": name.en}


def plan_json(plan: Plan, today: date) -> dict[str, Any]:
    return {
        "id": plan.id,
        "brand": plan.brand_id,
        "name": name_json(plan.name),
        "esim_voice": fact_json(plan.esim_voice, today),
        "esim_data": fact_json(plan.esim_data, today),
        "open": fact_json(plan.open, today),
        "glance": plan_glance(plan),
        "sharing": {
            str(entry.type): {key: fact_json(fact, today) for key, fact in _entry_facts(entry)}
            for entry in plan.sharing.entries()
        },
    }


def _entry_facts(entry: SharingEntry) -> list[tuple[str, Fact[Any]]]:
    return list(entry_facts(entry))


def brand_json(brand: Brand, today: date, *, plans: bool = True) -> dict[str, Any]:
    ids = brand.identifiers
    document: dict[str, Any] = {
        "id": brand.id,
        "name": name_json(brand.name),
        "country": brand.country,
        "kind": brand.kind,
        "company": fact_json(brand.company, today),
        "networks": fact_json(brand.networks, today),
        "identifiers": {key: [fact_json(fact, today) for fact in getattr(ids, key)]
                        for key in ("mcc_mnc", "gid1", "iccid_prefixes", "spn")},
        "glance": brand_glance(brand),
        "sources": [source_json(source, today) for source in brand.sources],
    }
    if plans:
        document["plans"] = [plan_json(plan, today) for plan in brand.plans]
    return document


def stale_json(stale: list[StaleSource] | tuple[StaleSource, ...], today: date) -> list[dict[str, Any]]:
    return [{"brand": item.brand.id, **source_json(item.source, today)} for item in stale]


def match_json(match: Match | None) -> dict[str, Any]:
    """The match for a profile's JSON: confidence exact | network | none."""
    if match is None:
        return {"confidence": "none", "brand": None, "brand_name": None, "network": None, "possible": [],
                "reasons": [], "operator": operator_label(None), "sharing": sharing_label(None), "plans": []}
    return {"confidence": str(match.confidence), "brand": match.brand.id, "brand_name": name_json(match.brand.name),
            "network": match.network, "possible": [brand.id for brand in match.possible],
            "reasons": list(match.reasons), "operator": operator_label(match), "sharing": sharing_label(match),
            "plans": [plan.id for plan in match.brand.plans]}


def _evidence_json(item: Evidence) -> dict[str, Any]:
    return {"field": item.field, "value": _value(item.value), "known": item.value is not None,
            "url": item.url, "title": item.title,
            "checked": item.checked.isoformat() if item.checked else None,
            "stale": item.stale, "note": item.note}


def _claim_json(claim: Claim) -> dict[str, Any]:
    return {"brand": claim.brand.id, "plan": claim.plan.id, "statement": claim.statement,
            "stale": claim.stale, "evidence": [_evidence_json(item) for item in claim.evidence]}


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "summary": answer.summary,
        "as_of": answer.as_of.isoformat(),
        "sections": [{"key": section.key, "heading": section.heading,
                      "claims": [_claim_json(claim) for claim in section.claims]}
                     for section in answer.sections],
        "stale_sources": stale_json(answer.stale, answer.as_of),
    }


def stats_json(stats: Stats) -> dict[str, int]:
    return {"files": stats.files, "brands": stats.brands, "plans": stats.plans, "facts": stats.facts,
            "unknowns": stats.unknowns}
