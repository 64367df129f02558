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


@dataclass(frozen=True)
class _Signal:
    """One identifier read from the profile, and how the catalogue's listings are compared to it."""

    label: str  # "GID1", "ICCID prefix", "SPN"
    value: str  # normalised
    listed: Callable[[Brand], list[str]]  # a brand's listed values, normalised the same way
    by_prefix: bool  # a listing is a prefix of the profile's value; the longest one wins
    shown: str | None = None  # how reasons quote it; default: the listing that matched

    def fits(self, listed: str) -> bool:
        return self.value.startswith(listed) if self.by_prefix else self.value == listed

    def matches(self, catalogue: Catalogue) -> tuple[list[Brand], str]:
        """The brands this value points to, and the listing that matched."""
        best, brands = "", []
        for brand in catalogue.brands:
            fitting = [listed for listed in self.listed(brand) if listed and self.fits(listed)]
            longest = max(fitting, key=len, default="")
            if longest and len(longest) > len(best):
                best, brands = longest, [brand]
            elif longest and len(longest) == len(best):
                brands.append(brand)
        return brands, best

    def rules_out(self, brand: Brand) -> bool:
        """True when the brand lists values of this kind and none fits."""
        listed = self.listed(brand)
        return bool(listed) and not any(map(self.fits, listed))


def _signals(gid1: str | None, iccid: str | None, spn: str | None) -> list[_Signal]:
    found = []
    if gid1 and (value := normalise_gid1(gid1)):
        # As in Android's carrier list, a listed GID1 is a prefix of the card's EF_GID1, which is
        # usually longer and padded with FF.
        found.append(_Signal("GID1", value, lambda b: [v.upper() for v in _values(b.identifiers.gid1)], True))
    if iccid and (value := normalise_iccid(iccid)):
        found.append(_Signal("ICCID prefix", value, lambda b: _values(b.identifiers.iccid_prefixes), True))
    if spn and (value := normalise_spn(spn)):
        found.append(_Signal("SPN", value,
                             lambda b: [n for n in map(normalise_spn, _values(b.identifiers.spn)) if n], False,
                             repr(spn)))
    return found


def _network_of(owner: Brand | None) -> str | None:
    networks = owner.networks.value if owner is not None else None
    return networks[0] if networks and len(networks) == 1 else None


def _on_network(brand: Brand, code: str | None, network: str | None) -> bool:
    return (code in _values(brand.identifiers.mcc_mnc)
            or (network is not None and network in (brand.networks.value or ())))


def _owner(catalogue: Catalogue, code: str | None) -> Brand | None:
    """The network operator (kind mno) that lists this MCC-MNC."""
    if code is None:
        return None
    return next((brand for brand in _general_first(catalogue.brands)
                 if brand.kind == "mno" and code in _values(brand.identifiers.mcc_mnc)), None)


def _look_alikes(catalogue: Catalogue, brand: Brand, code: str | None,
                 signals: Sequence[_Signal]) -> list[Brand]:
    """A network operator's own brands (sub-brands, online brands) that nothing read from the
    profile rules out. They usually hand out the operator's SIMs, so an ICCID prefix or SPN
    listed for the operator does not tell them apart unless they list their own."""
    if brand.kind != "mno":
        return []
    network = _network_of(brand)
    return [other for other in _general_first(catalogue.brands)
            if other is not brand and other.kind in _OWNER_BRANDS and _on_network(other, code, network)
            and not any(signal.rules_out(other) for signal in signals)]


def _narrow(candidates: list[Brand] | None, found: list[Brand], what: str,
            reasons: list[str]) -> list[Brand] | None:
    if not found:
        return candidates
    narrowed = found if candidates is None else [brand for brand in candidates if brand in found]
    if narrowed:
        reasons.append(f"{what} is listed for {_names(found)}")
        return narrowed
    reasons.append(f"{what} is listed for {_names(found)}, which the other identifiers contradict; ignored")
    return candidates


def _by_network(candidates: list[Brand], code: str, reasons: list[str]) -> list[Brand]:
    """Drop candidates that list MCC-MNCs but not this one, unless that would drop them all."""
    consistent = [brand for brand in candidates
                  if not _values(brand.identifiers.mcc_mnc) or code in _values(brand.identifiers.mcc_mnc)]
    if not consistent:
        reasons.append(f"MCC-MNC {code} is not listed for {_names(candidates)}")
        return candidates
    return consistent


def match_in(catalogue: Catalogue, mcc_mnc: str | None = None, gid1: str | None = None,
             gid2: str | None = None, iccid: str | None = None, spn: str | None = None) -> Match | None:
    """Match a profile against one catalogue; see match_profile."""
    del gid2  # SCHEMA.md (version 1) lists no GID2 identifiers; accepted for a stable signature
    reasons: list[str] = []
    code = normalise_mcc_mnc(mcc_mnc) if mcc_mnc else None
    if mcc_mnc and code is None:
        reasons.append(f"MCC-MNC {mcc_mnc!r} is malformed; ignored")
    owner = _owner(catalogue, code)
    network = _network_of(owner)

    # GID1 is the operator's own marker, so it is weighed first, then ICCID prefix, then SPN.
    signals = _signals(gid1, iccid, spn)
    candidates: list[Brand] | None = None
    for signal in signals:
        found, listed = signal.matches(catalogue)
        candidates = _narrow(candidates, found, f"{signal.label} {signal.shown or listed}", reasons)
    if code is not None and network is not None:
        reasons.append(f"MCC-MNC {code} is the {network} network")

    if candidates is not None:
        if code is not None:
            candidates = _by_network(candidates, code, reasons)
        chosen = owner if owner in candidates else _general_first(candidates)[0]
        others = [brand for brand in _general_first(candidates) if brand is not chosen]
        if others:
            reasons.append(f"the identifiers fit {len(candidates)} brands; cannot tell which")
        alike = [brand for brand in _look_alikes(catalogue, chosen, code, signals) if brand not in others]
        if alike:
            reasons.append(f"nothing read from the profile tells {_names(alike)} apart from "
                           f"{chosen.name}, whose SIMs they may use")
        confidence = Confidence.NETWORK if others or alike else Confidence.EXACT
        return Match(chosen, confidence, tuple(reasons), tuple(others + alike), network or _network_of(chosen))

    if code is None:
        return None
    listing = [brand for brand in catalogue.brands if code in _values(brand.identifiers.mcc_mnc)]
    if not listing:
        return None
    chosen = owner or _general_first(listing)[0]
    if owner is None:
        reasons.append(f"MCC-MNC {code} is listed for {_names(listing)} and for no network operator")
    possible = tuple(brand for brand in _general_first(catalogue.brands)
                     if brand is not chosen and _on_network(brand, code, network))
    if possible:
        reasons.append(f"only the MCC-MNC is known, and the {network or code} network also carries "
                       f"{_names(possible)}")
    return Match(chosen, Confidence.NETWORK, tuple(reasons), possible, network)


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
