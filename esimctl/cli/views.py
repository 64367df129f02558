"""How card data is shown: JSON with SGP.22 names (and decoded MCC-MNC), and text rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from esimctl.codec.bcd import decode_plmn
from esimctl.es10.enums import PPR_MEANING

if TYPE_CHECKING:
    from esimctl.es10 import messages as m


def _name(value: Any) -> str:
    return getattr(value, "name", str(value)) if value is not None else ""


def operator_json(owner: m.OperatorId) -> dict[str, Any]:
    data = owner.to_json()
    if owner.mcc_mnc is not None:
        data["mccMnc"] = decode_plmn(owner.mcc_mnc)
    return data


def profile_json(p: m.ProfileInfo) -> dict[str, Any]:
    data = p.to_json()
    if p.profile_owner is not None:
        data["profileOwner"] = operator_json(p.profile_owner)
    return data


def profile_identifiers(p: m.ProfileInfo) -> dict[str, str | None]:
    """What the plan catalogue matches a profile by."""
    owner = p.profile_owner
    return {
        "mcc_mnc": decode_plmn(owner.mcc_mnc) if owner and owner.mcc_mnc else None,
        "gid1": owner.gid1.hex().upper() if owner and owner.gid1 else None,
        "gid2": owner.gid2.hex().upper() if owner and owner.gid2 else None,
        "iccid": p.iccid,
        "spn": p.service_provider_name,
    }


def profile_row(p: m.ProfileInfo) -> list[str]:
    return [p.iccid or "", _name(p.profile_state), p.profile_nickname or "", p.service_provider_name or "",
            p.profile_name or "", _name(p.profile_class)]


PROFILE_HEADERS = ["ICCID", "STATE", "NICKNAME", "PROVIDER", "NAME", "CLASS"]


def ppr_text(pprs: frozenset[str] | None) -> str:
    if not pprs:
        return "none"
    return "; ".join(f"{p} ({PPR_MEANING.get(p, '?')})" for p in sorted(pprs))


def bits_text(bits: frozenset[str] | None) -> str | None:
    return ", ".join(sorted(bits)) if bits else ("none" if bits is not None else None)
