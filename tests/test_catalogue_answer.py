"""The household-sharing answer: a pool is sharing, a discount, a gift or a watch is not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from esimctl.catalogue import Answer, build_answer, load_dirs, plan_glance, plans_glance
from esimctl.catalogue.serialize import answer_json

GOOD = Path(__file__).parent / "fixtures" / "catalogue" / "good"
TODAY = date(2026, 11, 24)


@pytest.fixture
def answer() -> Answer:
    return build_answer(load_dirs([GOOD], today=TODAY), TODAY)


def _plans(answer: Answer, key: str) -> list[str]:
    return [claim.plan.id for claim in answer.section(key).claims]


def test_plans_are_sorted_into_what_they_really_offer(answer: Answer) -> None:
    assert _plans(answer, "pool-esim") == ["kumo-max"]
    assert _plans(answer, "pool-esim-unknown") == ["hoshi-giga"]
    assert _plans(answer, "pool-no-esim") == ["hoshi-old"]
    assert _plans(answer, "discount-only") == ["kumo-lite-20", "yama-unlimited"]
    assert _plans(answer, "number-share") == ["kumo-max", "yama-unlimited"]
    assert _plans(answer, "data-gift") == ["hoshi-giga"]
    assert _plans(answer, "pool-unknown") == []


def test_a_discount_is_called_a_discount_not_sharing(answer: Answer) -> None:
    (lite, yama) = answer.section("discount-only").claims
    assert "is a discount on each line's bill, not sharing; it does not pool data" in lite.statement
    assert "家族割 of 1,100円/月" in yama.statement
    assert "a discount, not sharing" in answer.summary


def test_the_summary_says_yes_only_for_a_pool_that_esim_lines_may_join(answer: Answer) -> None:
    assert answer.summary.startswith("Yes: 1 plan(s) open to sign-ups pool one data allowance")
    assert "(Kumo)" in answer.summary
    assert "1 more plan(s) pool data, but no source says whether eSIM lines may join (HOSHI mobile)" \
        in answer.summary


def test_every_claim_carries_source_url_and_checked_date(answer: Answer) -> None:
    (claim,) = answer.section("pool-esim").claims
    assert "up to 10 lines (family members' lines); eSIM lines may join; fee: 無料" in claim.statement
    by_field = {item.field: item for item in claim.evidence}
    esim = by_field["sharing.data-pool.esim_lines"]
    assert (esim.value, esim.url, esim.checked) == (True, "https://kumo.example/share", date(2026, 10, 1))
    for section in answer.sections:
        for claim in section.claims:
            for item in claim.evidence:
                assert (item.url is None) == (item.checked is None)
                if item.value is not None:  # a known fact always has its page and date
                    assert item.url and item.checked


def test_unknowns_are_said_and_stale_sources_flagged(answer: Answer) -> None:
    (claim,) = answer.section("pool-esim-unknown").claims
    assert "no source says whether eSIM lines may join" in claim.statement
    assert claim.stale  # hoshi-share was checked 2025-06-30
    assert [item.source.id for item in answer.stale] == ["hoshi-share"]


def test_a_closed_plan_says_so_and_comes_last() -> None:
    catalogue = load_dirs([GOOD], today=TODAY)
    answer = build_answer(catalogue, TODAY)
    (old,) = answer.section("pool-no-esim").claims
    assert "Old plan (closed to new sign-ups)" in old.statement


def test_without_any_pool_the_answer_says_no(tmp_path: Path) -> None:
    (tmp_path / "yama.yaml").write_text((GOOD / "jp" / "yama.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    answer = build_answer(load_dirs([tmp_path], today=TODAY), TODAY)
    assert answer.summary.startswith("No plan open to sign-ups in the catalogue is sourced as pooling data")


def test_the_json_form_keeps_every_section_and_source(answer: Answer) -> None:
    document = answer_json(answer)
    assert [section["key"] for section in document["sections"]] == [
        "pool-esim", "pool-esim-unknown", "pool-no-esim", "discount-only", "number-share", "data-gift",
        "pool-unknown"]
    evidence = document["sections"][0]["claims"][0]["evidence"]
    assert {"field": "sharing.data-pool.max_lines", "value": 10, "known": True,
            "url": "https://kumo.example/share", "title": "シェアパック | クモ", "checked": "2026-10-01",
            "stale": False, "note": None} in evidence
    assert document["stale_sources"][0]["id"] == "hoshi-share"


def test_glances_show_mechanisms_and_unknowns() -> None:
    catalogue = load_dirs([GOOD], today=TODAY)
    glances = {plan.id: plan_glance(plan) for _, plan in catalogue.plans()}
    assert glances == {
        "hoshi-giga": "pool≤5(eSIM?) gift teth?",
        "hoshi-old": "pool(no eSIM) teth",
        "kumo-lite-20": "gift? disc teth",
        "kumo-max": "pool≤10 disc watch teth",
        "yama-unlimited": "disc watch+tablet teth",
    }
    hoshi = catalogue.brand("hoshi")
    assert hoshi is not None
    assert plans_glance(hoshi.plans) == "pool≤5(eSIM?) gift teth"
    assert plans_glance(()) == "-"
