"""Card files: YAML that describes a simulated eUICC. A state file is a card file too.

Loading validates every field and reports `file: field: problem`, so a broken file never turns
into a traceback or a half-built card.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml

from esimctl.codec.bcd import encode_eid, encode_iccid, encode_plmn
from esimctl.codec.tlv import CodecError
from esimctl.errors import DataError
from esimctl.es10.enums import (
    PPR_IDS,
    RSP_CAPABILITY,
    UICC_CAPABILITY,
    EuiccCategory,
    ProfileClass,
    ProfileState,
)
from esimctl.sim.model import (
    CardState,
    EuiccInfo,
    NotificationConfig,
    PendingNotification,
    RatRule,
    SimProfile,
)

EVENT_NAMES = {"install": "notificationInstall", "enable": "notificationEnable",
               "disable": "notificationDisable", "delete": "notificationDelete"}
EVENT_SHORT = {v: k for k, v in EVENT_NAMES.items()}


_HINT = "fix the card file; for a saved state file, `esimctl sim reset` restores the card"


class CardFileError(DataError):
    code = "card-file"

    def __init__(self, message: str, *, hint: str | None = _HINT) -> None:
        super().__init__(message, hint=hint)


class _Fields:
    """Reads one mapping of a card file, naming the file and field in every error."""

    def __init__(self, source: str, path: str, data: Any, allowed: set[str]) -> None:
        self.source, self.path = source, path
        if not isinstance(data, dict):
            self.fail(path or "(top level)", f"expected a mapping, got {type(data).__name__}")
        unknown = sorted(set(map(str, data)) - allowed)
        if unknown:
            self.fail(f"{path}.{unknown[0]}" if path else unknown[0],
                      f"unknown key (allowed: {', '.join(sorted(allowed))})")
        self.data: dict[str, Any] = data

    def fail(self, field: str, problem: str) -> None:
        raise CardFileError(f"{self.source}: {field}: {problem}")

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None, required: bool = False) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail(self.where(key), "missing")
            return default
        value = self.data[key]
        if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # YAML reads unquoted digits as numbers
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(self.where(key), f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
        return value

    def hex(self, key: str, required: bool = False, sizes: range | None = None) -> bytes | None:
        text = self.get(key, str, required=required)
        return None if text is None else self._unhex(self.where(key), text, sizes)

    def hex_list(self, key: str) -> list[bytes]:
        items = self.get(key, list, default=[])
        return [self._unhex(f"{self.where(key)}[{i}]", item, None) for i, item in enumerate(items)]

    def _unhex(self, where: str, text: object, sizes: range | None) -> bytes:
        try:
            raw = bytes.fromhex(text) if isinstance(text, str) else None
        except ValueError:
            raw = None
        if raw is None:
            self.fail(where, f"{text!r} is not hex")
            raise AssertionError  # fail() raised
        if sizes is not None and len(raw) not in sizes:
            self.fail(where, f"expected {sizes.start} to {sizes.stop - 1} bytes, got {len(raw)}")
        return raw

    def text(self, key: str, max_bytes: int) -> str | None:
        value = self.get(key, str)
        if value is not None and len(value.encode("utf-8", "surrogatepass")) > max_bytes:
            self.fail(self.where(key), f"longer than {max_bytes} bytes (SGP.22 limit)")
        return value

    def count(self, key: str) -> int:
        value = self.get(key, int, 0)
        if value < 0:
            self.fail(self.where(key), f"{value} is negative")
        return value

    def version(self, key: str, default: str | None) -> str | None:
        value = self.get(key, str, default)
        parts = value.split(".") if value is not None else []
        if value is not None and not (len(parts) == 3 and all(x.isdigit() and int(x) < 256 for x in parts)):
            self.fail(self.where(key), f"{value!r} is not a version like 2.3.1 (three numbers 0-255)")
        return value

    def iccid(self, key: str, required: bool = False) -> str | None:
        value = self.get(key, str, required=required)
        if value is not None:
            self.check(key, encode_iccid, value)
            value = value.upper().rstrip("F")
        return value

    def names(self, key: str, allowed: tuple[str, ...] | dict[str, str]) -> frozenset[str]:
        values = self.get(key, list, default=[])
        out = set()
        for v in values:
            if not isinstance(v, str):
                self.fail(self.where(key), f"expected names, got {v!r}")
            name = allowed.get(v, v) if isinstance(allowed, dict) else v
            valid = allowed.values() if isinstance(allowed, dict) else allowed
            if name not in valid:
                self.fail(self.where(key), f"{v!r} is not one of {', '.join(allowed)}")
            out.add(name)
        return frozenset(out)

    def enum(self, key: str, enum: Any, default: Any) -> Any:
        text = self.get(key, str)
        if text is None:
            return default
        try:
            return enum[text]
        except KeyError:
            self.fail(self.where(key), f"{text!r} is not one of {', '.join(e.name for e in enum)}")
        return default

    def sub(self, key: str, allowed: set[str], index: int | None = None, data: Any = None) -> _Fields:
        path = self.where(key) + (f"[{index}]" if index is not None else "")
        return _Fields(self.source, path, self.data.get(key) if data is None else data, allowed)

    def check(self, key: str, fn: Any, value: Any) -> None:
        try:
            fn(value)
        except CodecError as exc:
            self.fail(self.where(key), exc.message)


_PROFILE_KEYS = {"iccid", "isdp_aid", "state", "nickname", "provider", "name", "class", "owner", "pprs",
                 "icon", "notifications", "preloaded"}
_INFO_KEYS = {"profile_version", "svn", "firmware", "installed_applications", "free_nvm", "free_vm",
              "uicc_capability", "rsp_capability", "ts102241_version", "globalplatform_version",
              "ci_pkids_verification", "ci_pkids_signing", "category", "forbidden_pprs", "pp_version",
              "sas_accreditation", "platform_label", "discovery_base_url"}
_TOP_KEYS = {"eid", "euicc_info", "default_dp_address", "root_ds_address", "rat", "profiles",
             "notifications", "next_seq_number", "active_iccid", "description", "cat_busy"}


def _profile(top: _Fields, i: int, data: Any) -> SimProfile:
    f = top.sub("profiles", _PROFILE_KEYS, i, data)
    iccid = f.iccid("iccid", required=True) or ""
    owner = f.sub("owner", {"mcc_mnc", "gid1", "gid2"}, data=f.data["owner"]) if f.data.get("owner") else None
    mcc_mnc = owner.get("mcc_mnc", str, required=True) if owner else None
    if owner:
        owner.check("mcc_mnc", encode_plmn, mcc_mnc)
    icon_type, icon = None, None
    if f.data.get("icon"):
        icon_f = f.sub("icon", {"type", "base64"}, data=f.data["icon"])
        icon_type = {"jpg": 0, "png": 1}.get(icon_f.get("type", str, required=True))
        if icon_type is None:
            icon_f.fail(icon_f.where("type"), "expected jpg or png")
        try:
            icon = base64.b64decode(icon_f.get("base64", str, required=True), validate=True)
        except ValueError:
            icon_f.fail(icon_f.where("base64"), "not valid base64")
    configs = []
    for j, item in enumerate(f.get("notifications", list, default=[])):
        n = f.sub("notifications", {"events", "address"}, j, item)
        configs.append(NotificationConfig(n.names("events", EVENT_NAMES), n.get("address", str, required=True)))
    return SimProfile(
        iccid=iccid,
        isdp_aid=f.hex("isdp_aid", required=True, sizes=range(5, 17)) or b"",  # an AID has 5 to 16 bytes
        state=f.enum("state", ProfileState, ProfileState.disabled),
        nickname=f.text("nickname", 64),
        provider=f.text("provider", 32),
        name=f.text("name", 64),
        profile_class=f.enum("class", ProfileClass, ProfileClass.operational),
        owner_mcc_mnc=mcc_mnc,
        owner_gid1=owner.hex("gid1") if owner else None,
        owner_gid2=owner.hex("gid2") if owner else None,
        pprs=f.names("pprs", PPR_IDS),
        icon_type=icon_type,
        icon=icon,
        notification_config=configs,
        preloaded=f.get("preloaded", bool, default=False),
    )


def _info(top: _Fields) -> EuiccInfo:
    f = top.sub("euicc_info", _INFO_KEYS, data=top.data.get("euicc_info") or {})
    category = f.enum("category", EuiccCategory, None)
    return EuiccInfo(
        profile_version=f.version("profile_version", "2.3.1") or "",
        svn=f.version("svn", "2.3.0") or "",
        firmware=f.version("firmware", "1.0.0") or "",
        installed_applications=f.count("installed_applications"),
        free_nvm=f.count("free_nvm"),
        free_vm=f.count("free_vm"),
        uicc_capability=f.names("uicc_capability", UICC_CAPABILITY),
        rsp_capability=f.names("rsp_capability", RSP_CAPABILITY),
        ts102241_version=f.version("ts102241_version", None),
        globalplatform_version=f.version("globalplatform_version", None),
        ci_pkids_verification=f.hex_list("ci_pkids_verification"),
        ci_pkids_signing=f.hex_list("ci_pkids_signing"),
        category=int(category) if category is not None else None,
        forbidden_pprs=f.names("forbidden_pprs", PPR_IDS),
        pp_version=f.version("pp_version", "1.0.0") or "",
        sas_accreditation=f.get("sas_accreditation", str, ""),
        platform_label=f.get("platform_label", str),
        discovery_base_url=f.get("discovery_base_url", str),
    )


def parse_card(data: Any, source: str) -> CardState:
    top = _Fields(source, "", data, _TOP_KEYS)
    eid = top.get("eid", str, required=True)
    top.check("eid", encode_eid, eid)
    profiles = [_profile(top, i, p) for i, p in enumerate(top.get("profiles", list, default=[]))]
    seen: dict[str, str] = {}
    for i, p in enumerate(profiles):
        for key, value in (("iccid", p.iccid), ("isdp_aid", p.isdp_aid.hex())):
            if (key, value) in seen:
                top.fail(f"profiles[{i}].{key}", f"{value} repeats {seen[(key, value)]}")  # type: ignore[index]
            seen[(key, value)] = f"profiles[{i}]"  # type: ignore[index]
    if sum(p.state == ProfileState.enabled for p in profiles) > 1:
        top.fail("profiles", "more than one profile is enabled")
    rat = []
    for i, item in enumerate(top.get("rat", list, default=[])):
        r = top.sub("rat", {"pprs", "allowed_operators", "consent_required"}, i, item)
        ops = []
        for j, op in enumerate(r.get("allowed_operators", list, default=[])):
            o = r.sub("allowed_operators", {"mcc_mnc", "gid1", "gid2"}, j, op)
            mcc_mnc = o.get("mcc_mnc", str, required=True)
            o.check("mcc_mnc", encode_plmn, mcc_mnc)
            ops.append((mcc_mnc, o.hex("gid1"), o.hex("gid2")))
        rat.append(RatRule(r.names("pprs", PPR_IDS), ops, r.get("consent_required", bool, False)))
    notifications = []
    for i, item in enumerate(top.get("notifications", list, default=[])):
        n = top.sub("notifications", {"seq_number", "operation", "address", "iccid"}, i, item)
        op = n.get("operation", str, required=True)
        if op not in EVENT_NAMES:
            n.fail(n.where("operation"), f"{op!r} is not one of {', '.join(EVENT_NAMES)}")
        notifications.append(PendingNotification(n.count("seq_number"), EVENT_NAMES[op],
                                                 n.get("address", str, required=True),
                                                 n.iccid("iccid", required=True) or ""))
    enabled = next((p.iccid for p in profiles if p.state == ProfileState.enabled), None)
    # The live profile may be one deleted since the last reset, so it need not be in `profiles`.
    active = top.iccid("active_iccid") if "active_iccid" in top.data else enabled
    return CardState(
        eid=eid,
        info=_info(top),
        profiles=profiles,
        default_dp_address=top.get("default_dp_address", str),
        root_ds_address=top.get("root_ds_address", str, "lpa.ds.gsma.com"),
        rat=rat,
        notifications=notifications,
        next_seq_number=top.get("next_seq_number", int, max((n.seq_number + 1 for n in notifications), default=0)),
        active_iccid=active,
        cat_busy=top.get("cat_busy", bool, False),
    )


def load_card(path: Path) -> CardState:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CardFileError(f"card file {path} does not exist",
                            hint="name an existing card file, e.g. sim:profiles/cards/demo.yaml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CardFileError(f"cannot read card file {path}: {exc}") from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise CardFileError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return parse_card(data, str(path))


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, [], {})}


def dump_card(state: CardState) -> dict[str, Any]:
    """The state as card-file data: what load_card reads back to an equal state."""
    info = state.info
    return _drop_none({
        "eid": state.eid,
        "euicc_info": _drop_none({
            "profile_version": info.profile_version, "svn": info.svn, "firmware": info.firmware,
            "installed_applications": info.installed_applications, "free_nvm": info.free_nvm,
            "free_vm": info.free_vm, "uicc_capability": sorted(info.uicc_capability),
            "rsp_capability": sorted(info.rsp_capability), "ts102241_version": info.ts102241_version,
            "globalplatform_version": info.globalplatform_version,
            "ci_pkids_verification": [x.hex().upper() for x in info.ci_pkids_verification],
            "ci_pkids_signing": [x.hex().upper() for x in info.ci_pkids_signing],
            "category": EuiccCategory(info.category).name if info.category is not None else None,
            "forbidden_pprs": sorted(info.forbidden_pprs), "pp_version": info.pp_version,
            "sas_accreditation": info.sas_accreditation, "platform_label": info.platform_label,
            "discovery_base_url": info.discovery_base_url,
        }),
        "default_dp_address": state.default_dp_address,
        "root_ds_address": state.root_ds_address,
        "active_iccid": state.active_iccid,
        "next_seq_number": state.next_seq_number,
        "cat_busy": state.cat_busy or None,
        "rat": [_drop_none({
            "pprs": sorted(r.pprs),
            "allowed_operators": [_drop_none({"mcc_mnc": m, "gid1": g1.hex().upper() if g1 else None,
                                              "gid2": g2.hex().upper() if g2 else None})
                                  for m, g1, g2 in r.allowed_operators],
            "consent_required": r.consent_required or None,
        }) for r in state.rat],
        "profiles": [_drop_none({
            "iccid": p.iccid, "isdp_aid": p.isdp_aid.hex().upper(), "state": p.state.name,
            "nickname": p.nickname, "provider": p.provider, "name": p.name, "class": p.profile_class.name,
            "owner": _drop_none({"mcc_mnc": p.owner_mcc_mnc,
                                 "gid1": p.owner_gid1.hex().upper() if p.owner_gid1 else None,
                                 "gid2": p.owner_gid2.hex().upper() if p.owner_gid2 else None}),
            "pprs": sorted(p.pprs),
            "icon": {"type": "png" if p.icon_type == 1 else "jpg",
                     "base64": base64.b64encode(p.icon).decode()} if p.icon is not None else None,
            "notifications": [{"events": sorted(EVENT_SHORT[e] for e in c.events), "address": c.address}
                              for c in p.notification_config],
            "preloaded": p.preloaded or None,
        }) for p in state.profiles],
        "notifications": [{"seq_number": n.seq_number, "operation": EVENT_SHORT[n.operation],
                           "address": n.address, "iccid": n.iccid} for n in state.notifications],
    })
