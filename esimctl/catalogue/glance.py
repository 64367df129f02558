"""Sharing mechanisms at a glance, for table columns: `pool≤10 gift disc watch teth`.

`?` marks what no source states; a mechanism known not to be offered is left out, and `-`
means none is offered.
"""

from __future__ import annotations

from collections.abc import Sequence

from esimctl.catalogue.matching import Confidence, Match
from esimctl.catalogue.model import Brand, DataPool, NumberShare, Plan, SharingType

# What the sharing tokens mean: the one legend for every table that shows them.
LEGEND = """\
pool≤N  one data allowance shared by up to N lines; (eSIM?) no source says whether eSIM lines may join
gift    send spare data to another line        disc  family discount: a price cut, not sharing
num     a second device on the phone's number (watch: a wearable, tablet: a tablet)
teth    tethering                              ?     no source states whether it is offered"""

_TOKENS = {
    SharingType.DATA_POOL: "pool",
    SharingType.DATA_GIFT: "gift",
    SharingType.FAMILY_DISCOUNT: "disc",
    SharingType.NUMBER_SHARE: "num",
    SharingType.TETHERING: "teth",
}
_WEARABLES = {"apple-watch", "android-wearable"}


def _pool_token(pool: DataPool) -> str:
    limit = f"≤{pool.max_lines.value}" if pool.max_lines.known else ""
    esim = {True: "", False: "(no eSIM)", None: "(eSIM?)"}[pool.esim_lines.value]
    return f"pool{limit}{esim}"


def _number_token(share: NumberShare) -> str:
    devices = set(share.devices.value or ())
    words = [word for word, present in (("watch", devices & _WEARABLES), ("tablet", "tablet" in devices))
             if present]
    return "+".join(words) or "num"


def _tokens(plan: Plan) -> dict[SharingType, str]:
    found: dict[SharingType, str] = {}
    for entry in plan.sharing.entries():
        if entry.offered.value is None:
            found[entry.type] = f"{_TOKENS[entry.type]}?"
        elif entry.offered.value:
            if isinstance(entry, DataPool):
                found[entry.type] = _pool_token(entry)
            elif isinstance(entry, NumberShare):
                found[entry.type] = _number_token(entry)
            else:
                found[entry.type] = _TOKENS[entry.type]
    return found


def plan_glance(plan: Plan) -> str:
    return " ".join(_tokens(plan).values()) or "-"


def _pool_rank(pool: DataPool) -> tuple[int, int]:
    esim = {True: 2, None: 1, False: 0}[pool.esim_lines.value]
    return esim, pool.max_lines.value or 0


def plans_glance(plans: Sequence[Plan]) -> str:
    """One summary for several plans (a brand): per mechanism, what the best plan offers."""
    merged: dict[SharingType, str] = {}
    for kind in SharingType:
        offering = [plan for plan in plans if plan.sharing.get(kind).offered.value is True]
        if kind is SharingType.DATA_POOL and offering:
            merged[kind] = _pool_token(max((plan.sharing.data_pool for plan in offering), key=_pool_rank))
        elif offering:
            merged[kind] = " ".join(dict.fromkeys(_tokens(plan)[kind] for plan in offering))
        elif any(plan.sharing.get(kind).offered.value is None for plan in plans):
            merged[kind] = f"{_TOKENS[kind]}?"
    return " ".join(merged.values()) or "-"


def brand_glance(brand: Brand) -> str:
    return plans_glance(brand.plans)


def operator_label(match: Match | None) -> str:
    """A short operator column: "IIJmio" when identified, "docomo network" or "docomo?" when only
    the network is known, "-" when nothing fits."""
    if match is None:
        return "-"
    if match.confidence is Confidence.EXACT:
        return str(match.brand.name)
    if match.network and match.possible:
        return f"{match.network} network"
    return f"{match.brand.name}?"


def sharing_label(match: Match | None) -> str:
    """A short sharing column: the brand's glance, hedged when the brand is not certain."""
    if match is None:
        return "-"
    glance = brand_glance(match.brand)
    if match.confidence is Confidence.EXACT:
        return glance
    return f"{glance} (if {match.brand.name})"
