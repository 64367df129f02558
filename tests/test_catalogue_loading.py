"""Loading: the typed model, layering of user directories over the shipped ones, staleness."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from esimctl.catalogue import (
    ENV_VAR,
    Catalogue,
    Fact,
    SharingType,
    check_dirs,
    default_dirs,
    is_stale,
    load_catalogue,
    load_dirs,
    shipped_dir,
    stale_before,
    stale_sources,
    user_dirs,
)
from esimctl.errors import ExitCode, UsageError
from esimctl.resources import catalogue_dir

GOOD = Path(__file__).parent / "fixtures" / "catalogue" / "good"
TODAY = date(2026, 11, 24)


@pytest.fixture
def good() -> Catalogue:
    return load_dirs([GOOD], today=TODAY)


def test_the_model_holds_sourced_facts(good: Catalogue) -> None:
    kumo = good.brand("kumo")
    assert kumo is not None
    assert (kumo.kind, kumo.country, str(kumo.name), kumo.name.ja) == ("mno", "jp", "Kumo", "クモ")
    assert kumo.networks.value == ("docomo",)
    assert kumo.networks.source is not None and kumo.networks.source.url == "https://kumo.example/"
    assert kumo.networks.source.checked == date(2026, 10, 1)
    found = good.plan("kumo-max")
    assert found is not None
    brand, plan = found
    assert brand is kumo and plan.brand_id == "kumo"
    pool = plan.sharing.get(SharingType.DATA_POOL)
    assert pool is plan.sharing.data_pool
    assert (pool.max_lines.value, pool.who.value, pool.esim_lines.value) == (10, "family", True)
    amount = plan.sharing.family_discount.amount
    assert amount.value == "最大1,100円/月"
    assert [(c.value, c.source.id) for c in amount.conflicts] == [("最大550円/月", "kumo-old")]
    assert plan.sharing.number_share.devices.value == ("apple-watch", "android-wearable")


def test_unknown_is_a_fact_without_value_and_missing_optional_keys_are_unknown(good: Catalogue) -> None:
    hoshi = good.brand("hoshi")
    assert hoshi is not None
    assert hoshi.company == Fact() and not hoshi.company.known
    (_, giga) = good.plan("hoshi-giga")  # type: ignore[misc]
    assert not giga.sharing.data_pool.esim_lines.known
    assert giga.sharing.data_pool.esim_lines.note == "the FAQ does not say whether eSIM lines may join"
    assert giga.sharing.data_pool.fee == Fact()  # left out of the file


def test_false_is_known(good: Catalogue) -> None:
    (_, lite) = good.plan("kumo-lite-20")  # type: ignore[misc]
    offered = lite.sharing.data_pool.offered
    assert offered.known and offered.value is False


def test_model_objects_are_frozen(good: Catalogue) -> None:
    with pytest.raises(AttributeError):
        good.brands[0].id = "other"  # type: ignore[misc]


def test_stats_count_facts_and_unknowns() -> None:
    report = check_dirs([GOOD], today=TODAY)
    assert report.ok
    stats = report.stats
    assert (stats.files, stats.brands, stats.plans) == (4, 4, 5)
    assert 0 < stats.unknowns < stats.facts


def _copy_brand(name: str, to: Path, edit: tuple[str, str] | None = None) -> None:
    text = (GOOD / "jp" / f"{name}.yaml").read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(*edit)
    to.mkdir(parents=True, exist_ok=True)
    (to / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_a_later_layer_replaces_a_brand_by_id(tmp_path: Path) -> None:
    _copy_brand("yama", tmp_path / "user", ("ja: ヤマ, en: Yama", "ja: ヤマ, en: Yama (fixed)"))
    catalogue = load_dirs([GOOD, tmp_path / "user"], today=TODAY)
    assert [brand.id for brand in catalogue.brands].count("yama") == 1
    yama = catalogue.brand("yama")
    assert yama is not None and str(yama.name) == "Yama (fixed)"
    assert yama.path == tmp_path / "user" / "yama.yaml"


def test_a_later_layer_takes_a_plan_id_away_from_an_earlier_brand(tmp_path: Path) -> None:
    # A user brand file that defines hoshi-old (say, the plan moved to a new company).
    text = (GOOD / "jp" / "hoshi.yaml").read_text(encoding="utf-8").replace("id: hoshi\n", "id: hoshi2\n")
    text = text.replace("  - id: hoshi-giga", "  - id: hoshi2-giga")
    (tmp_path / "hoshi2.yaml").write_text(text, encoding="utf-8")
    catalogue = load_dirs([GOOD, tmp_path], today=TODAY)
    found = catalogue.plan("hoshi-old")
    assert found is not None and found[0].id == "hoshi2"
    hoshi = catalogue.brand("hoshi")
    assert hoshi is not None and [plan.id for plan in hoshi.plans] == ["hoshi-giga"]


def test_user_dirs_come_from_the_environment_then_the_option(tmp_path: Path) -> None:
    first, second, third = (tmp_path / name for name in ("a", "b", "c"))
    for directory in (first, second, third):
        directory.mkdir()
    environ = {ENV_VAR: os.pathsep.join([str(first), "", str(second)])}
    assert user_dirs([third], environ) == [first, second, third]
    assert default_dirs([], environ) == [shipped_dir(), first, second]
    assert shipped_dir() == catalogue_dir()


def test_the_environment_variable_layers_over_the_shipped_catalogue(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The shipped data is the colleagues' and changes; stand the good fixtures in for it.
    monkeypatch.setattr("esimctl.catalogue.loading.shipped_dir", lambda: GOOD)
    _copy_brand("kumo", tmp_path / "env", ("en: Kumo}", "en: Kumo from env}"))
    _copy_brand("kumo", tmp_path / "option", ("en: Kumo}", "en: Kumo from option}"))
    catalogue = load_catalogue([tmp_path / "option"], environ={ENV_VAR: str(tmp_path / "env")}, today=TODAY)
    kumo = catalogue.brand("kumo")
    assert kumo is not None and str(kumo.name) == "Kumo from option"
    assert catalogue.brand("yama") is not None
    assert len(catalogue.files) == 6


def test_a_missing_user_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        user_dirs([tmp_path / "nowhere"], {})
    assert caught.value.exit_code == ExitCode.USAGE
    assert "nowhere" in caught.value.message


def test_country_dirs_and_flat_dirs_are_both_read(tmp_path: Path) -> None:
    _copy_brand("kumo", tmp_path)
    _copy_brand("yama", tmp_path / "jp")
    catalogue = load_dirs([tmp_path], today=TODAY)
    assert {brand.id: brand.country for brand in catalogue.brands} == {"kumo": None, "yama": "jp"}


def test_stale_before_is_the_same_day_a_year_earlier() -> None:
    assert stale_before(date(2026, 11, 24)) == date(2025, 11, 24)
    assert stale_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_stale_sources_are_the_cited_ones_checked_over_twelve_months_ago(good: Catalogue) -> None:
    stale = stale_sources(good, TODAY)
    # hoshi-share (2025-06-30) backs facts; kumo-old (2024) only backs a conflict, so it is no warning.
    assert [(item.brand.id, item.source.id) for item in stale] == [("hoshi", "hoshi-share")]
    assert is_stale(stale[0].source, TODAY)
    assert stale_sources(good, date(2026, 6, 30)) == []
    later = stale_sources(good, date(2027, 11, 24))
    assert {item.source.id for item in later} >= {"kumo-top", "lite-top", "yama-top"}


def test_the_library_never_imports_click() -> None:
    code = ("import sys, esimctl.catalogue, esimctl.catalogue.serialize;"
            "bad = sorted(m for m in sys.modules if m == 'click' or m.startswith('click.') or"
            " (m.startswith('esimctl.') and m.split('.')[1] not in ('catalogue', 'errors', 'resources')));"
            "print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["kumo", "kumo-lite", "hoshi", "yama"])
def test_each_good_fixture_is_valid_alone(tmp_path: Path, name: str) -> None:
    shutil.copy(GOOD / "jp" / f"{name}.yaml", tmp_path)
    assert check_dirs([tmp_path], today=TODAY).ok
