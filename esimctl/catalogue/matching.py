"""Which brand an installed profile belongs to, and how sure we can be.

An MCC-MNC names a network, not a brand: 440-10 is the docomo network, which also carries
docomo's own online brands and many MVNOs. Only GID1, the SPN or an ICCID prefix listed for one
brand can single it out; otherwise the match names the network's owner and lists the rest as
possible. A brand's identifiers come from the catalogue and are used only when sourced.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from esimctl.catalogue.loading import load_catalogue
from esimctl.catalogue.model import Brand, Catalogue, Fact

# When several brands fit equally, name the most general one: the network owner first.
_KIND_ORDER = ("mno", "sub-brand", "online-brand", "mvno", "travel")
# Brands that usually sell their owner's SIMs, so their profiles look like the owner's.
_OWNER_BRANDS = ("sub-brand", "online-brand")


class Confidence(StrEnum):
    EXACT = "exact"  # GID1, SPN or ICCID prefix singles out one brand
    NETWORK = "network"  # only the network is known: `brand` is its owner, `possible` the others


@dataclass(frozen=True)
class Match:
    brand: Brand
    confidence: Confidence
    reasons: tuple[str, ...]
    possible: tuple[Brand, ...] = ()  # other brands the profile may belong to
    network: str | None = None  # docomo | au | softbank | rakuten, when the MCC-MNC says


def normalise_mcc_mnc(text: str) -> str | None:
    """"440-10", "44010", "440 10" -> "440-10"; None when it is not an MCC-MNC."""
    found = re.fullmatch(r"(\d{3})[-\s]?(\d{2,3})", text.strip())
    return f"{found[1]}-{found[2]}" if found else None


def normalise_gid1(text: str) -> str | None:
    hexdigits = re.sub(r"\s", "", text).upper()
    return hexdigits if re.fullmatch(r"[0-9A-F]+", hexdigits) else None


def normalise_iccid(text: str) -> str | None:
    """Digits only; the trailing F that pads a 19-digit ICCID to whole bytes is dropped."""
    digits = re.sub(r"\s", "", text).rstrip("Ff")
    return digits if digits.isdigit() else None


def normalise_spn(text: str) -> str | None:
    """Case- and width-insensitive: "ＩＩＪｍｉｏ", "iijmio" and "IIJmio" are the same SPN."""
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return folded or None


def _values(facts: Sequence[Fact[str]]) -> list[str]:
    return [fact.value for fact in facts if fact.value is not None]


def _names(brands: Sequence[Brand]) -> str:
    return ", ".join(str(brand.name) or brand.id for brand in brands)


def _general_first(brands: Sequence[Brand]) -> list[Brand]:
    def rank(brand: Brand) -> tuple[int, str]:
        kind = _KIND_ORDER.index(brand.kind) if brand.kind in _KIND_ORDER else len(_KIND_ORDER)
        return kind, brand.id
    return sorted(brands, key=rank)


def _gid1_matches(catalogue: Catalogue, gid1: str) -> list[Brand]:
    # EF_GID1 is often longer than the operator's value and padded with FF.
    def fits(listed: str) -> bool:
        listed = listed.upper()
        return gid1.startswith(listed) and set(gid1[len(listed):]) <= {"F"}
    return [brand for brand in catalogue.brands if any(map(fits, _values(brand.identifiers.gid1)))]


def _iccid_matches(catalogue: Catalogue, iccid: str) -> tuple[list[Brand], str]:
    """Brands with the longest listed prefix of the ICCID (several if they list the same one)."""
    best, brands = "", []
    for brand in catalogue.brands:
        fitting = [prefix for prefix in _values(brand.identifiers.iccid_prefixes)
                   if iccid.startswith(prefix)]
        longest = max(fitting, key=len, default="")
        if longest and len(longest) > len(best):
            best, brands = longest, [brand]
        elif longest and len(longest) == len(best):
            brands.append(brand)
    return brands, best


def _spn_matches(catalogue: Catalogue, spn: str) -> list[Brand]:
    return [brand for brand in catalogue.brands
            if spn in {normalise_spn(listed) for listed in _values(brand.identifiers.spn)}]


def _network_of(owner: Brand | None) -> str | None:
    networks = owner.networks.value if owner is not None else None
    return networks[0] if networks and len(networks) == 1 else None


def _on_network(brand: Brand, code: str | None, network: str | None) -> bool:
    return (code in _values(brand.identifiers.mcc_mnc)
            or (network is not None and network in (brand.networks.value or ())))


def _indistinct(brand: Brand) -> bool:
    """True when the catalogue lists nothing but an MCC-MNC that would tell this brand apart."""
    ids = brand.identifiers
    return not (_values(ids.gid1) or _values(ids.spn) or _values(ids.iccid_prefixes))


class _Matcher:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.reasons: list[str] = []

    def narrow(self, candidates: list[Brand] | None, found: list[Brand], what: str) -> list[Brand] | None:
        if not found:
            return candidates
        narrowed = found if candidates is None else [brand for brand in candidates if brand in found]
        if narrowed:
            self.reasons.append(f"{what} is listed for {_names(found)}")
            return narrowed
        self.reasons.append(f"{what} is listed for {_names(found)}, which the other identifiers "
                            "contradict; ignored")
        return candidates

    def by_network(self, candidates: list[Brand], code: str) -> list[Brand]:
        """Drop candidates that list MCC-MNCs and not this one, unless that drops them all."""
        consistent = [brand for brand in candidates
                      if not _values(brand.identifiers.mcc_mnc) or code in _values(brand.identifiers.mcc_mnc)]
        if not consistent:
            self.reasons.append(f"MCC-MNC {code} is not listed for {_names(candidates)}")
            return candidates
        return consistent

    def owner(self, code: str | None) -> Brand | None:
        if code is None:
            return None
        return next((brand for brand in _general_first(self.catalogue.brands)
                     if brand.kind == "mno" and code in _values(brand.identifiers.mcc_mnc)), None)


def match_in(catalogue: Catalogue, mcc_mnc: str | None = None, gid1: str | None = None,
             gid2: str | None = None, iccid: str | None = None, spn: str | None = None) -> Match | None:
    """Match a profile against one catalogue; see match_profile."""
    del gid2  # SCHEMA.md (version 1) lists no GID2 identifiers; accepted for a stable signature
    matcher = _Matcher(catalogue)
    reasons = matcher.reasons
    code = normalise_mcc_mnc(mcc_mnc) if mcc_mnc else None
    if mcc_mnc and code is None:
        reasons.append(f"MCC-MNC {mcc_mnc!r} is malformed; ignored")

    candidates: list[Brand] | None = None
    signals: list[tuple[str | None, Callable[[str], str | None], str]] = [
        (gid1, normalise_gid1, "GID1"), (iccid, normalise_iccid, "ICCID"), (spn, normalise_spn, "SPN")]
    for raw, normalise, label in signals:
        value = normalise(raw) if raw else None
        if value is None:
            continue
        if label == "GID1":
            candidates = matcher.narrow(candidates, _gid1_matches(catalogue, value), f"GID1 {value}")
        elif label == "ICCID":
            found, prefix = _iccid_matches(catalogue, value)
            candidates = matcher.narrow(candidates, found, f"ICCID prefix {prefix}")
        else:
            candidates = matcher.narrow(candidates, _spn_matches(catalogue, value), f"SPN {raw!r}")

    owner = matcher.owner(code)
    network = _network_of(owner)
    if code is not None and network is not None:
        reasons.append(f"MCC-MNC {code} is the {network} network")

    if candidates is not None:
        if code is not None:
            candidates = matcher.by_network(candidates, code)
        if len(candidates) == 1:
            brand = candidates[0]
            siblings = _look_alikes(catalogue, brand, code)
            if not siblings:
                return Match(brand, Confidence.EXACT, tuple(reasons), (), network or _network_of(brand))
            reasons.append(f"no identifier in the catalogue tells {_names(siblings)} apart from "
                           f"{brand.name}, so the profile may be theirs")
            return Match(brand, Confidence.NETWORK, tuple(reasons), tuple(siblings),
                         network or _network_of(brand))
        chosen = owner if owner in candidates else _general_first(candidates)[0]
        others = tuple(brand for brand in candidates if brand is not chosen)
        reasons.append(f"the identifiers fit {len(candidates)} brands; cannot tell which")
        return Match(chosen, Confidence.NETWORK, tuple(reasons), others, network)

    if code is None:
        return None
    listing = [brand for brand in catalogue.brands if code in _values(brand.identifiers.mcc_mnc)]
    if not listing:
        return None
    chosen = owner or _general_first(listing)[0]
    if owner is None:
        reasons.append(f"no network operator in the catalogue lists MCC-MNC {code}; "
                       f"{len(listing)} brand(s) do")
    possible = tuple(brand for brand in _general_first(catalogue.brands)
                     if brand is not chosen and _on_network(brand, code, network))
    if possible:
        reasons.append(f"only the MCC-MNC is known, and the {network or code} network also carries "
                       f"{_names(possible)}")
    return Match(chosen, Confidence.NETWORK, tuple(reasons), possible, network)


def _look_alikes(catalogue: Catalogue, brand: Brand, code: str | None) -> list[Brand]:
    """A network owner's own brands that list no identifier of their own: a profile that
    matched the owner by SPN or ICCID may be theirs."""
    if brand.kind != "mno":
        return []
    network = _network_of(brand)
    return [other for other in _general_first(catalogue.brands)
            if other is not brand and other.kind in _OWNER_BRANDS and _indistinct(other)
            and _on_network(other, code, network)]


@functools.cache
def _default_catalogue() -> Catalogue:
    return load_catalogue()


def match_profile(mcc_mnc: str | None, gid1: str | None, gid2: str | None, iccid: str | None,
                  spn: str | None, *, catalogue: Catalogue | None = None) -> Match | None:
    """The brand of an installed profile, or None when nothing in the catalogue fits.

    mcc_mnc: "440-10" or "44010"; gid1: hex; iccid: decoded digits (trailing F allowed); spn:
    compared case- and width-insensitively. Without `catalogue`, the shipped catalogue plus
    $ESIMCTL_CATALOGUE is loaded once per process (CatalogueError if it is invalid).
    """
    return match_in(catalogue or _default_catalogue(), mcc_mnc, gid1, gid2, iccid, spn)
