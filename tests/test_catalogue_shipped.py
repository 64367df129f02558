"""The shipped catalogue (profiles/catalogue): it validates, and it recognises the demo card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from esimctl.catalogue import Catalogue, Confidence, build_answer, check_dirs, load_dirs, match_in, shipped_dir
from esimctl.cli.plans import plans
from esimctl.resources import demo_card_path

# Each demo profile's operator, by the MCC-MNC that the demo card gives as its owner.
DEMO_OWNERS = {
    "440-10": "docomo",
    "440-51": "au",
    "440-20": "softbank",
    "440-11": "rakuten-mobile",
    "440-03": "iijmio",  # IIJ's own network code, listed for IIJmio only
}


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_dirs([shipped_dir()])


def _demo_profiles() -> list[dict[str, Any]]:
    card = yaml.safe_load(Path(demo_card_path()).read_text(encoding="utf-8"))
    return [profile for profile in card["profiles"] if "owner" in profile]


def test_the_shipped_catalogue_passes_check(monkeypatch: pytest.MonkeyPatch) -> None:
    report = check_dirs([shipped_dir()])
    assert report.ok, "\n".join(map(str, report.issues))
    assert report.stats.brands >= 5
    monkeypatch.delenv("ESIMCTL_CATALOGUE", raising=False)
    result = CliRunner().invoke(plans, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].split(": ")[1].startswith("ok")


@pytest.mark.parametrize("profile", _demo_profiles(), ids=lambda profile: profile["name"])
def test_demo_profiles_are_recognised_by_network(shipped: Catalogue, profile: dict[str, Any]) -> None:
    code = profile["owner"]["mcc_mnc"]
    match = match_in(shipped, mcc_mnc=code)
    if code not in DEMO_OWNERS:
        assert match is None  # the GSMA test network is no operator of the catalogue
        return
    assert match is not None
    assert match.brand.id == DEMO_OWNERS[code]
    # the MCC-MNC alone never singles out a brand
    assert match.confidence is Confidence.NETWORK


def test_demo_profiles_with_their_iccid_never_claim_more_than_the_data_says(shipped: Catalogue) -> None:
    for profile in _demo_profiles():
        match = match_in(shipped, mcc_mnc=profile["owner"]["mcc_mnc"], iccid=profile["iccid"],
                         spn=profile.get("provider"))
        code = profile["owner"]["mcc_mnc"]
        if code in DEMO_OWNERS:
            assert match is not None and match.brand.id == DEMO_OWNERS[code], profile["name"]
            if match.confidence is Confidence.EXACT:
                assert not match.possible


def test_a_network_match_lists_the_operators_own_brands(shipped: Catalogue) -> None:
    docomo = match_in(shipped, mcc_mnc="44010")
    assert docomo is not None and docomo.network == "docomo"
    possible = {brand.id for brand in docomo.possible}
    brands_on_docomo = {brand.id for brand in shipped.brands
                        if brand.id != "docomo" and "docomo" in (brand.networks.value or ())}
    assert brands_on_docomo <= possible


def test_every_known_claim_of_the_answer_cites_a_page(shipped: Catalogue) -> None:
    answer = build_answer(shipped)
    for section in answer.sections:
        for claim in section.claims:
            for item in claim.evidence:
                if item.value is not None:
                    assert item.url and item.url.startswith(("http://", "https://")), claim.statement
                    assert item.checked is not None
