"""Matching an installed profile to a brand, on catalogues built in tmp_path for each test."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esimctl.catalogue import (
    Catalogue,
    Confidence,
    load_dirs,
    match_in,
    match_profile,
    normalise_iccid,
    normalise_mcc_mnc,
    normalise_spn,
    operator_label,
    sharing_label,
)
from esimctl.catalogue.serialize import match_json

TODAY = date(2026, 11, 24)


def _facts(values: Sequence[str]) -> str:
    return "[" + ", ".join(f'{{value: "{value}", src: top}}' for value in values) + "]"


def brand_file(brand_id: str, kind: str, networks: Sequence[str], *, mcc: Sequence[str] = (),
               gid1: Sequence[str] = (), iccid: Sequence[str] = (), spn: Sequence[str] = (),
               unknown_spn: bool = False) -> str:
    """A minimal valid brand file whose identifiers are what the test needs."""
    spn_facts = _facts(spn) if not unknown_spn else "[unknown]"
    return f"""\
schema: 1
brand:
  id: {brand_id}
  name: {{en: {brand_id.upper()}}}
  company: unknown
  kind: {kind}
  networks: {{value: [{", ".join(networks)}], src: top}}
  identifiers:
    mcc_mnc: {_facts(mcc)}
    gid1: {_facts(gid1)}
    iccid_prefixes: {_facts(iccid)}
    spn: {spn_facts}
sources:
  top: {{url: "https://{brand_id}.example/", kind: operator, checked: 2026-11-01}}
plans:
  - id: {brand_id}-plan
    name: {{en: Plan}}
    esim_voice: unknown
    esim_data: unknown
    open: unknown
    sharing:
      - {{type: data-pool, offered: unknown}}
      - {{type: data-gift, offered: unknown}}
      - {{type: family-discount, offered: unknown}}
      - {{type: number-share, offered: unknown}}
      - {{type: tethering, offered: unknown}}
"""


def build(tmp_path: Path, *files: tuple[str, str]) -> Catalogue:
    for brand_id, text in files:
        (tmp_path / f"{brand_id}.yaml").write_text(text, encoding="utf-8")
    return load_dirs([tmp_path], today=TODAY)


@pytest.fixture
def japan(tmp_path: Path) -> Catalogue:
    """An operator with an online brand on its SIMs, an MVNO with its own identifiers, a second
    MVNO with none, and an operator on another network."""
    return build(
        tmp_path,
        ("nw", brand_file("nw", "mno", ["docomo"], mcc=["440-10"], iccid=["8981100"], spn=["NW"])),
        ("nw-online", brand_file("nw-online", "online-brand", ["docomo"], mcc=["440-10"])),
        ("virt", brand_file("virt", "mvno", ["docomo", "au"], mcc=["440-10", "440-51"], gid1=["4B4D"],
                            iccid=["8981100999"], spn=["Virt Mobile"])),
        ("plain", brand_file("plain", "mvno", ["docomo"])),
        ("other", brand_file("other", "mno", ["au"], mcc=["440-50", "440-51"], iccid=["8981300"])),
    )


def ids(match_possible: Sequence[object]) -> list[str]:
    return [brand.id for brand in match_possible]  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", ["440-10", "44010", " 440 10 "])
def test_mcc_mnc_alone_names_the_network_owner_and_lists_the_rest(japan: Catalogue, code: str) -> None:
    match = match_in(japan, mcc_mnc=code)
    assert match is not None
    assert (match.brand.id, match.confidence, match.network) == ("nw", Confidence.NETWORK, "docomo")
    # brands that list 440-10, and brands whose networks include docomo without listing it
    assert ids(match.possible) == ["nw-online", "plain", "virt"]
    assert any("docomo network also carries" in reason for reason in match.reasons)


def test_an_mvno_is_singled_out_by_spn_case_and_width_insensitively(japan: Catalogue) -> None:
    for spn in ("Virt Mobile", "virt mobile", "ＶＩＲＴ　ｍｏｂｉｌｅ", " VIRT  MOBILE "):
        match = match_in(japan, mcc_mnc="440-10", spn=spn)
        assert match is not None, spn
        assert (match.brand.id, match.confidence, match.possible) == ("virt", Confidence.EXACT, ())


def test_an_mvno_is_singled_out_by_gid1_even_padded_with_ff(japan: Catalogue) -> None:
    match = match_in(japan, gid1="4b4dffffffffffff")
    assert match is not None
    assert (match.brand.id, match.confidence) == ("virt", Confidence.EXACT)
    assert match.reasons == ("GID1 4B4D is listed for VIRT",)


def test_the_longest_iccid_prefix_wins(japan: Catalogue) -> None:
    match = match_in(japan, mcc_mnc="44010", iccid="8981100999000000001F")
    assert match is not None
    assert (match.brand.id, match.confidence) == ("virt", Confidence.EXACT)
    assert "ICCID prefix 8981100999 is listed for VIRT" in match.reasons


def test_an_operator_prefix_does_not_rule_out_its_own_brands(japan: Catalogue) -> None:
    match = match_in(japan, mcc_mnc="440-10", iccid="8981100123456789017")
    assert match is not None
    assert (match.brand.id, match.confidence, ids(match.possible)) == ("nw", Confidence.NETWORK, ["nw-online"])


def test_an_operator_is_exact_once_its_brands_list_identifiers_that_do_not_fit(tmp_path: Path) -> None:
    catalogue = build(
        tmp_path,
        ("nw", brand_file("nw", "mno", ["docomo"], mcc=["440-10"], iccid=["8981100"], gid1=["00FF"])),
        ("nw-online", brand_file("nw-online", "online-brand", ["docomo"], mcc=["440-10"], gid1=["01FF"])),
    )
    match = match_in(catalogue, mcc_mnc="440-10", gid1="00FFFFFF", iccid="8981100123")
    assert match is not None
    assert (match.brand.id, match.confidence, match.possible) == ("nw", Confidence.EXACT, ())


def test_an_identifier_listed_for_two_brands_gives_both(tmp_path: Path) -> None:
    catalogue = build(
        tmp_path,
        ("nw", brand_file("nw", "mno", ["docomo"], mcc=["440-10"], gid1=["01FFFF"])),
        ("nw-sub", brand_file("nw-sub", "sub-brand", ["docomo"], mcc=["440-10"], gid1=["01FFFF"])),
    )
    match = match_in(catalogue, mcc_mnc="440-10", gid1="01FFFFFFFF")
    assert match is not None
    assert (match.brand.id, match.confidence, ids(match.possible)) == ("nw", Confidence.NETWORK, ["nw-sub"])
    assert "the identifiers fit 2 brands; cannot tell which" in match.reasons


def test_gid1_outweighs_a_contradicting_spn(japan: Catalogue) -> None:
    match = match_in(japan, gid1="4B4D", spn="NW")
    assert match is not None
    assert match.brand.id == "virt"
    assert any("contradict; ignored" in reason for reason in match.reasons)


def test_a_network_the_brand_does_not_list_is_said_but_does_not_hide_it(japan: Catalogue) -> None:
    match = match_in(japan, mcc_mnc="440-50", spn="Virt Mobile")
    assert match is not None
    assert match.brand.id == "virt"
    assert "MCC-MNC 440-50 is not listed for VIRT" in match.reasons


@pytest.mark.parametrize("profile", [
    {"mcc_mnc": "001-01"},  # the GSMA test network
    {"mcc_mnc": None, "iccid": "89001000000000000010"},
    {"spn": "Somebody Else", "gid1": "AB"},
    {},
])
def test_an_unknown_profile_matches_nothing(japan: Catalogue, profile: dict[str, str | None]) -> None:
    assert match_in(japan, **profile) is None


def test_a_malformed_mcc_mnc_is_ignored_with_a_reason(japan: Catalogue) -> None:
    match = match_in(japan, mcc_mnc="44O-10", spn="virt mobile")
    assert match is not None
    assert match.brand.id == "virt"
    assert "MCC-MNC '44O-10' is malformed; ignored" in match.reasons
    assert match_in(japan, mcc_mnc="not a code") is None


def test_unknown_identifier_facts_match_nothing(tmp_path: Path) -> None:
    catalogue = build(tmp_path, ("vague", brand_file("vague", "mvno", ["au"], unknown_spn=True)))
    assert match_in(catalogue, spn="unknown") is None


def test_mcc_mnc_listed_only_by_an_mvno_names_it_at_network_confidence(tmp_path: Path) -> None:
    catalogue = build(tmp_path, ("full", brand_file("full", "mvno", ["docomo"], mcc=["440-03"])))
    match = match_in(catalogue, mcc_mnc="44003")
    assert match is not None
    assert (match.brand.id, match.confidence, match.network) == ("full", Confidence.NETWORK, None)


def test_match_profile_takes_the_catalogue_as_a_keyword(japan: Catalogue) -> None:
    match = match_profile("44051", None, None, None, None, catalogue=japan)
    assert match is not None
    assert (match.brand.id, match.network, ids(match.possible)) == ("other", "au", ["virt"])


@given(st.from_regex(r"\d{3}", fullmatch=True), st.from_regex(r"\d{2,3}", fullmatch=True))
def test_both_mcc_mnc_spellings_normalise_alike(mcc: str, mnc: str) -> None:
    assert normalise_mcc_mnc(f"{mcc}-{mnc}") == normalise_mcc_mnc(f"{mcc}{mnc}") == f"{mcc}-{mnc}"


_ASCII_WORD = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)


@given(_ASCII_WORD)
def test_spn_ignores_case_and_full_width_forms(spn: str) -> None:
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in spn)  # U+FF01..FF5E mirror ASCII
    assert unicodedata.normalize("NFKC", full_width) == spn
    assert normalise_spn(full_width) == normalise_spn(spn.upper()) == normalise_spn(spn.lower())


@given(st.from_regex(r"89\d{16,17}", fullmatch=True))
def test_iccid_padding_is_ignored(iccid: str) -> None:
    assert normalise_iccid(iccid + "F") == normalise_iccid(iccid) == iccid


def test_labels_for_the_profile_list_columns(japan: Catalogue) -> None:
    exact = match_in(japan, spn="Virt Mobile")
    network = match_in(japan, mcc_mnc="440-10")
    assert (operator_label(exact), operator_label(network), operator_label(None)) == ("VIRT", "docomo network", "-")
    assert sharing_label(exact) == "pool? gift? disc? num? teth?"
    assert sharing_label(network) == "pool? gift? disc? num? teth? (if NW)"
    assert sharing_label(None) == "-"


def test_match_json(japan: Catalogue) -> None:
    document = match_json(match_in(japan, mcc_mnc="440-10"))
    assert (document["confidence"], document["brand"], document["network"]) == ("network", "nw", "docomo")
    assert document["possible"] == ["nw-online", "plain", "virt"]
    assert document["operator"] == "docomo network" and document["plans"] == ["nw-plan"]
    assert match_json(None)["confidence"] == "none"
