"""SCHEMA.md (version 1) as data: allowed keys, enums and the type check for each fact value."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from esimctl.catalogue.model import SharingType

SCHEMA_VERSION = 1
UNKNOWN = "unknown"

ID_PATTERN = re.compile(r"[a-z0-9-]+")
URL_PATTERN = re.compile(r"https?://[^\s/]+\S*")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

BRAND_KINDS = ("mno", "sub-brand", "online-brand", "mvno", "travel")
NETWORKS = ("docomo", "au", "softbank", "rakuten")
SOURCE_KINDS = ("operator", "third-party", "regulator", "spec")
WHO = ("same-account", "family", "anyone")
DEVICES = ("apple-watch", "android-wearable", "tablet", "other")

FILE_KEYS = ("schema", "brand", "sources", "plans")
BRAND_KEYS = ("id", "name", "company", "kind", "networks", "identifiers")
NAME_KEYS = ("ja", "en")
IDENTIFIER_KEYS = ("mcc_mnc", "gid1", "iccid_prefixes", "spn")
SOURCE_KEYS = ("url", "kind", "title", "checked")
SOURCE_REQUIRED = ("url", "kind", "checked")
PLAN_KEYS = ("id", "name", "esim_voice", "esim_data", "open", "sharing")
PLAN_FACTS = ("esim_voice", "esim_data", "open")
# Required keys whose value is a fact: when missing, the fix is usually to write `unknown`.
TOP_FACTS = ("company", "networks", *PLAN_FACTS)
FACT_KEYS = ("value", "src", "note", "conflicts")
CONFLICT_KEYS = ("value", "src", "note")  # note: why that source differs (older, tax-exclusive, ...)
CONFLICT_REQUIRED = ("value", "src")


def describe(value: Any) -> str:
    """How a wrong value is quoted in a message: `'ten'`, `3`, `true`, `a mapping`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float | str):
        return repr(value)
    return f"a {type(value).__name__}"


@dataclass(frozen=True)
class ValueType:
    """A fact's value type: `check` returns the stored value, or raises ValueError(message)."""

    check: Callable[[Any], Any]


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {describe(value)}")


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= 1:
            return value
        raise ValueError(f"expected a positive integer, got {value}")
    raise ValueError(f"expected an integer, got {describe(value)}")


def _text(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"expected text, got the number {value} (quote it: \"{value}\")")
    raise ValueError(f"expected text, got {describe(value)}")


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value in choices:
            return value
        raise ValueError(f"expected one of {', '.join(choices)}; got {describe(value)}")
    return check


def _choices(choices: tuple[str, ...]) -> Callable[[Any], tuple[str, ...]]:
    one = _choice(choices)

    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise ValueError(f"expected a non-empty list of {', '.join(choices)}; got {describe(value)}")
        items = tuple(one(item) for item in value)
        if len(set(items)) != len(items):
            raise ValueError("lists a value twice")
        return items
    return check


def _matching(pattern: str, what: str) -> Callable[[Any], str]:
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        if isinstance(value, str) and compiled.fullmatch(value):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError(f"expected {what} as a quoted string, got the number {value}")
        raise ValueError(f"expected {what}, got {describe(value)}")
    return check


BOOLEAN = ValueType(_boolean)
COUNT = ValueType(_count)
TEXT = ValueType(_text)
NETWORK_LIST = ValueType(_choices(NETWORKS))
DEVICE_LIST = ValueType(_choices(DEVICES))
WHO_CHOICE = ValueType(_choice(WHO))
MCC_MNC = ValueType(_matching(r"\d{3}-\d{2,3}", '"MCC-MNC" (3 digits, "-", 2 or 3 digits)'))
GID1 = ValueType(_matching(r"(?:[0-9A-Fa-f]{2})+", "hex bytes such as \"FF01\""))
ICCID_PREFIX = ValueType(_matching(r"89\d{0,17}", "leading ICCID digits (they start with 89)"))
SPN = TEXT

IDENTIFIER_TYPES: dict[str, ValueType] = {
    "mcc_mnc": MCC_MNC, "gid1": GID1, "iccid_prefixes": ICCID_PREFIX, "spn": SPN,
}

# Per sharing type: every allowed key but `type`, with its value type; `offered` is required.
SHARING_FIELDS: dict[SharingType, dict[str, ValueType]] = {
    SharingType.DATA_POOL: {"offered": BOOLEAN, "feature": TEXT, "max_lines": COUNT,
                            "who": WHO_CHOICE, "esim_lines": BOOLEAN, "fee": TEXT},
    SharingType.DATA_GIFT: {"offered": BOOLEAN, "feature": TEXT, "who": WHO_CHOICE, "fee": TEXT},
    SharingType.FAMILY_DISCOUNT: {"offered": BOOLEAN, "feature": TEXT, "amount": TEXT,
                                  "max_lines": COUNT},
    SharingType.NUMBER_SHARE: {"offered": BOOLEAN, "feature": TEXT, "devices": DEVICE_LIST,
                               "fee": TEXT},
    SharingType.TETHERING: {"offered": BOOLEAN, "fee": TEXT, "cap": TEXT},
}
