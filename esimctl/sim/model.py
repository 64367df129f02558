"""The simulated card's state: what a card file describes and what the state file persists."""

from __future__ import annotations

from dataclasses import dataclass, field

from esimctl.es10.enums import ProfileClass, ProfileState


@dataclass
class NotificationConfig:
    events: frozenset[str]  # NotificationEvent names: notificationEnable, ...
    address: str


@dataclass
class SimProfile:
    iccid: str
    isdp_aid: bytes
    state: ProfileState = ProfileState.disabled
    nickname: str | None = None
    provider: str | None = None  # serviceProviderName
    name: str | None = None  # profileName
    profile_class: ProfileClass = ProfileClass.operational
    owner_mcc_mnc: str | None = None  # "440-10"
    owner_gid1: bytes | None = None
    owner_gid2: bytes | None = None
    pprs: frozenset[str] = frozenset()  # ppr1, ppr2, pprUpdateControl
    icon_type: int | None = None  # 0 jpg, 1 png
    icon: bytes | None = None
    notification_config: list[NotificationConfig] = field(default_factory=list)
    preloaded: bool = False  # test profiles: pre-loaded vs field-loaded, for memory reset


@dataclass
class PendingNotification:
    seq_number: int
    operation: str  # a NotificationEvent name
    address: str
    iccid: str


@dataclass
class RatRule:
    pprs: frozenset[str]
    allowed_operators: list[tuple[str, bytes | None, bytes | None]]  # (mcc-mnc, gid1, gid2)
    consent_required: bool = False


@dataclass
class EuiccInfo:
    profile_version: str = "2.3.1"
    svn: str = "2.3.0"
    firmware: str = "1.0.0"
    installed_applications: int = 0
    free_nvm: int = 0
    free_vm: int = 0
    uicc_capability: frozenset[str] = frozenset()
    rsp_capability: frozenset[str] = frozenset()
    ts102241_version: str | None = None
    globalplatform_version: str | None = None
    ci_pkids_verification: list[bytes] = field(default_factory=list)
    ci_pkids_signing: list[bytes] = field(default_factory=list)
    category: int | None = None
    forbidden_pprs: frozenset[str] = frozenset()
    pp_version: str = "1.0.0"
    sas_accreditation: str = ""
    platform_label: str | None = None
    discovery_base_url: str | None = None


@dataclass
class CardState:
    eid: str
    info: EuiccInfo
    profiles: list[SimProfile]
    default_dp_address: str | None = None
    root_ds_address: str = "lpa.ds.gsma.com"
    rat: list[RatRule] = field(default_factory=list)
    notifications: list[PendingNotification] = field(default_factory=list)
    next_seq_number: int = 0
    # The profile whose USIM the terminal sees: it follows the ISD-R's enabled profile only at
    # the next reset or power-on, as on a real card whose REFRESH nobody handles.
    active_iccid: str | None = None
    # The card's toolkit is busy: enable, disable and memory reset answer catBusy until a reset.
    cat_busy: bool = False

    def enabled(self) -> SimProfile | None:
        return next((p for p in self.profiles if p.state == ProfileState.enabled), None)
