"""TARGET arguments: an ICCID, an ISD-P AID or a nickname, checked before any card is touched
and resolved against the card's profile list when they are a nickname.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from esimctl.codec.bcd import luhn_ok
from esimctl.errors import UsageError
from esimctl.es10.messages import ProfileInfo

_HEX_AID = re.compile(r"[0-9A-Fa-f]{32}")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() would take '²' and full-width digits
_ICCID = re.compile(r"([0-9]{18,20})[Ff]*")  # F padding as in EF.ICCID, up to 20 characters


class TargetNotFoundError(UsageError):
    code = "target-not-found"


@dataclass(frozen=True)
class Target:
    text: str
    iccid: str | None = None
    isdp_aid: bytes | None = None
    nickname: str | None = None
    warning: str | None = None  # e.g. a Luhn mismatch: test cards break it, so not an error

    @property
    def identifier(self) -> str | bytes | None:
        """What the card takes directly (ICCID or AID); None for a nickname."""
        return self.iccid if self.iccid is not None else self.isdp_aid

    def matches(self, p: ProfileInfo) -> bool:
        if self.iccid is not None:
            return p.iccid == self.iccid
        if self.isdp_aid is not None:
            return p.isdp_aid == self.isdp_aid
        return p.profile_nickname == self.nickname


def parse_target(text: str) -> Target:
    value = text.strip()
    if not value:
        raise UsageError("TARGET is empty: give an ICCID, an ISD-P AID or a profile nickname")
    iccid = _ICCID.fullmatch(value)
    if iccid and len(value) <= 20:
        digits = iccid.group(1)
        warning = None if luhn_ok(digits) else f"ICCID {digits} fails the Luhn check (test cards often do)"
        return Target(text, iccid=digits, warning=warning)
    if _DIGITS.fullmatch(value.rstrip("Ff")):
        raise UsageError(f"{text!r} is not an ICCID: an ICCID has 18 to 20 digits (a trailing F is allowed), "
                         f"this has {len(value.rstrip('Ff'))}",
                         hint="a nickname made only of digits cannot be a TARGET; use the ICCID")
    if _HEX_AID.fullmatch(value):
        return Target(text, isdp_aid=bytes.fromhex(value))
    return Target(text, nickname=text)


def describe(p: ProfileInfo) -> str:
    extra = ", ".join(x for x in (p.profile_nickname, p.service_provider_name, p.profile_name) if x)
    return f"{p.iccid} ({extra})" if extra else str(p.iccid)


def resolve(target: Target, profiles: list[ProfileInfo]) -> ProfileInfo:
    """The one profile `target` names; a clear error listing candidates otherwise."""
    found = [p for p in profiles if target.matches(p)]
    if not found and target.nickname is not None:
        folded = target.nickname.strip().casefold()
        found = [p for p in profiles if (p.profile_nickname or "").strip().casefold() == folded]
    if len(found) == 1:
        return found[0]
    if found:
        listing = "; ".join(describe(p) for p in found)
        raise UsageError(f"nickname {target.text!r} is ambiguous: {listing}", hint="use the ICCID instead")
    listing = "; ".join(describe(p) for p in profiles) or "the card holds no profiles"
    raise TargetNotFoundError(f"no profile matches {target.text!r}. Profiles on the card: {listing}")
