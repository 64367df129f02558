"""The simulated ISD-R: ES10a/b/c functions with SGP.22's semantics, over the shared messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from esimctl.aids import GSMA_ISDR_AID
from esimctl.codec.bcd import encode_eid, encode_plmn
from esimctl.codec.message import Message
from esimctl.codec.tlv import CodecError, Tlv, read_tag
from esimctl.es10 import messages as m
from esimctl.es10 import results as r
from esimctl.es10.enums import ProfileClass, ProfileState
from esimctl.sim.model import CardState, PendingNotification, SimProfile


class IsdrError(Exception):
    """A request the ISD-R cannot parse or does not know: answered with a status word."""

    def __init__(self, sw: int) -> None:
        super().__init__(f"{sw:04X}")
        self.sw = sw


@dataclass
class Reply:
    data: bytes
    proactive: bool = False  # a REFRESH is pending (enable/disable with refreshFlag set)


class Isdr:
    def __init__(self, state: CardState, on_change: Callable[[], None], aid: bytes = GSMA_ISDR_AID) -> None:
        self.state = state
        self.on_change = on_change
        self.aid = aid
        # Each function: the request message that carries it, and its handler.
        self._functions: dict[int, tuple[type[Message], Callable[[Any], Reply]]] = {
            cls.TAG: (cls, handler) for cls, handler in (  # type: ignore[misc]
                (m.GetEuiccDataRequest, self.get_euicc_data), (m.ProfileInfoListRequest, self.get_profiles_info),
                (m.EnableProfileRequest, self.enable), (m.DisableProfileRequest, self.disable),
                (m.DeleteProfileRequest, self.delete), (m.EuiccMemoryResetRequest, self.memory_reset),
                (m.SetNicknameRequest, self.set_nickname), (m.GetEuiccInfo1Request, self.euicc_info1),
                (m.GetEuiccInfo2Request, self.euicc_info2), (m.GetRatRequest, self.get_rat),
                (m.EuiccConfiguredAddressesRequest, self.configured_addresses),
                (m.SetDefaultDpAddressRequest, self.set_default_dp),
                (m.ListNotificationRequest, self.list_notifications),
                (m.NotificationSentRequest, self.remove_notification),
            )
        }

    def handle(self, request: Tlv) -> Reply:
        function = self._functions.get(request.tag)
        if function is None:
            raise IsdrError(0x6A88)
        cls, handler = function
        try:
            decoded = cls.from_children(request.children())
        except CodecError:
            raise IsdrError(0x6A80) from None  # the request does not parse: the host's fault
        # Encoding the reply is this card's own business: a failure there is a bug, not a 6A80.
        return handler(decoded)

    # --- helpers ---------------------------------------------------------------------------
    def _find(self, ident: m.ProfileIdentifier | m.DeleteProfileRequest | None) -> SimProfile | None:
        if ident is None:
            return None
        for p in self.state.profiles:
            if (ident.iccid is not None and p.iccid == ident.iccid) or (
                ident.isdp_aid is not None and p.isdp_aid == ident.isdp_aid
            ):
                return p
        return None

    def _notify(self, profile: SimProfile, event: str) -> None:
        """Records a notification if the profile's configuration asks for this event."""
        for config in profile.notification_config:
            if event in config.events:
                self.state.notifications.append(
                    PendingNotification(self.state.next_seq_number, event, config.address, profile.iccid))
                self.state.next_seq_number += 1

    @staticmethod
    def _profile_info(p: SimProfile, tags: bytes | None) -> m.ProfileInfo:
        owner = None
        if p.owner_mcc_mnc:
            owner = m.OperatorId(mcc_mnc=encode_plmn(p.owner_mcc_mnc), gid1=p.owner_gid1, gid2=p.owner_gid2)
        info = m.ProfileInfo(
            iccid=p.iccid, isdp_aid=p.isdp_aid, profile_state=p.state, profile_nickname=p.nickname,
            service_provider_name=p.provider, profile_name=p.name,
            icon_type=p.icon_type if p.icon is not None else None, icon=p.icon,
            # DER omits a DEFAULT value, and profileClass is DEFAULT operational.
            profile_class=None if p.profile_class == ProfileClass.operational else p.profile_class,
            notification_configuration_info=[
                m.NotificationConfigurationInformation(profile_management_operation=c.events,
                                                       notification_address=c.address)
                for c in p.notification_config] or None,
            profile_owner=owner,
            profile_policy_rules=p.pprs or None,
        )
        if tags is None:
            return info
        wanted = _tag_list(tags)
        for spec in info._fields():
            if spec.tag not in wanted:
                setattr(info, spec.attr, None)
        return info

    # --- ES10c -----------------------------------------------------------------------------
    def get_euicc_data(self, req: m.GetEuiccDataRequest) -> Reply:
        if req.tag_list is not None and 0x5A not in _tag_list(req.tag_list):
            return Reply(m.GetEuiccDataResponse().encode())
        return Reply(m.GetEuiccDataResponse(eid_value=encode_eid(self.state.eid)).encode())

    def get_profiles_info(self, req: m.ProfileInfoListRequest) -> Reply:
        profiles = self.state.profiles
        crit = req.search_criteria
        if crit is not None:
            if crit.extra or sum(x is not None for x in (crit.iccid, crit.isdp_aid, crit.profile_class)) != 1:
                return Reply(m.ProfileInfoListResponse(
                    profile_info_list_error=r.ProfileInfoListError.incorrectInputValues).encode())
            if crit.profile_class is not None:
                profiles = [p for p in profiles if p.profile_class == crit.profile_class]
            else:
                found = self._find(m.ProfileIdentifier(iccid=crit.iccid, isdp_aid=crit.isdp_aid))
                profiles = [found] if found else []
        infos = [self._profile_info(p, req.tag_list) for p in profiles]
        return Reply(m.ProfileInfoListResponse(profile_info_list_ok=infos).encode())

    def _switch_check(self, target: SimProfile | None) -> r.EnableResult:
        if target is None:
            return r.EnableResult.iccidOrAidNotFound
        if target.state == ProfileState.enabled:
            return r.EnableResult.profileNotInDisabledState
        current = self.state.enabled()
        if current is not None and "ppr1" in current.pprs:
            return r.EnableResult.disallowedByPolicy  # enabling this one would disable a PPR1 profile
        if self.state.cat_busy:
            return r.EnableResult.catBusy
        return r.EnableResult.ok

    def enable(self, req: m.EnableProfileRequest) -> Reply:
        target = self._find(req.profile_identifier)
        result = self._switch_check(target)
        if result != r.EnableResult.ok or target is None:
            return Reply(m.EnableProfileResponse(enable_result=result).encode())
        current = self.state.enabled()
        if current is not None:
            current.state = ProfileState.disabled
            self._notify(current, "notificationDisable")
        target.state = ProfileState.enabled
        self._notify(target, "notificationEnable")
        self.on_change()
        return Reply(m.EnableProfileResponse(enable_result=r.EnableResult.ok).encode(),
                     proactive=bool(req.refresh_flag))

    def disable(self, req: m.DisableProfileRequest) -> Reply:
        target = self._find(req.profile_identifier)
        if target is None:
            result = r.DisableResult.iccidOrAidNotFound
        elif target.state != ProfileState.enabled:
            result = r.DisableResult.profileNotInEnabledState
        elif "ppr1" in target.pprs:
            result = r.DisableResult.disallowedByPolicy
        elif self.state.cat_busy:
            result = r.DisableResult.catBusy
        else:
            target.state = ProfileState.disabled
            self._notify(target, "notificationDisable")
            self.on_change()
            return Reply(m.DisableProfileResponse(disable_result=r.DisableResult.ok).encode(),
                         proactive=bool(req.refresh_flag))
        return Reply(m.DisableProfileResponse(disable_result=result).encode())

    def delete(self, req: m.DeleteProfileRequest) -> Reply:
        target = self._find(req)
        if target is None:
            result = r.DeleteResult.iccidOrAidNotFound
        elif target.state == ProfileState.enabled:
            result = r.DeleteResult.profileNotInDisabledState
        elif "ppr2" in target.pprs:
            result = r.DeleteResult.disallowedByPolicy
        else:
            self._notify(target, "notificationDelete")
            self.state.profiles.remove(target)
            self.on_change()
            result = r.DeleteResult.ok
        return Reply(m.DeleteProfileResponse(delete_result=result).encode())

    def memory_reset(self, req: m.EuiccMemoryResetRequest) -> Reply:
        options = req.reset_options or frozenset()

        def doomed(p: SimProfile) -> bool:
            if p.profile_class == ProfileClass.operational:
                return "deleteOperationalProfiles" in options
            if p.profile_class == ProfileClass.provisioning:
                return "deleteProvisioningProfiles" in options
            return ("deletePreLoadedTestProfiles" if p.preloaded else "deleteFieldLoadedTestProfiles") in options

        victims = [p for p in self.state.profiles if doomed(p)]
        reset_dp = "resetDefaultSmdpAddress" in options and self.state.default_dp_address is not None
        if not victims and not reset_dp:
            return Reply(m.EuiccMemoryResetResponse(reset_result=r.MemoryResetResult.nothingToDelete).encode())
        if self.state.cat_busy:
            return Reply(m.EuiccMemoryResetResponse(reset_result=r.MemoryResetResult.catBusy).encode())
        # A memory reset ignores PPRs and profile state: it is the user's last resort.
        self.state.profiles = [p for p in self.state.profiles if p not in victims]
        if reset_dp:
            self.state.default_dp_address = None
        self.on_change()
        return Reply(m.EuiccMemoryResetResponse(reset_result=r.MemoryResetResult.ok).encode())

    def set_nickname(self, req: m.SetNicknameRequest) -> Reply:
        nickname = req.profile_nickname or ""
        if len(nickname.encode()) > m.MAX_NICKNAME_BYTES:
            raise IsdrError(0x6A80)  # violates the ASN.1 size constraint: not a parseable request
        target = self._find(m.ProfileIdentifier(iccid=req.iccid)) if req.iccid else None
        if target is None:
            return Reply(m.SetNicknameResponse(set_nickname_result=r.SetNicknameResult.iccidNotFound).encode())
        target.nickname = nickname or None
        self.on_change()
        return Reply(m.SetNicknameResponse(set_nickname_result=r.SetNicknameResult.ok).encode())

    # --- ES10b / ES10a ---------------------------------------------------------------------
    def euicc_info1(self, req: m.GetEuiccInfo1Request) -> Reply:
        info = self.state.info
        return Reply(m.EuiccInfo1(svn=info.svn, euicc_ci_pkid_list_for_verification=info.ci_pkids_verification,
                                  euicc_ci_pkid_list_for_signing=info.ci_pkids_signing).encode())

    def euicc_info2(self, req: m.GetEuiccInfo2Request) -> Reply:
        i = self.state.info
        return Reply(m.EuiccInfo2(
            profile_version=i.profile_version, svn=i.svn, euicc_firmware_ver=i.firmware,
            ext_card_resource=m.ExtCardResource(installed_application=i.installed_applications,
                                                free_non_volatile_memory=i.free_nvm,
                                                free_volatile_memory=i.free_vm),
            uicc_capability=i.uicc_capability, ts102241_version=i.ts102241_version,
            globalplatform_version=i.globalplatform_version, rsp_capability=i.rsp_capability,
            euicc_ci_pkid_list_for_verification=i.ci_pkids_verification,
            euicc_ci_pkid_list_for_signing=i.ci_pkids_signing, euicc_category=i.category,
            forbidden_profile_policy_rules=i.forbidden_pprs, pp_version=i.pp_version,
            sas_acreditation_number=i.sas_accreditation,
            certification_data_object=m.CertificationDataObject(
                platform_label=i.platform_label, discovery_base_url=i.discovery_base_url)
            if i.platform_label or i.discovery_base_url else None,
        ).encode())

    def get_rat(self, req: m.GetRatRequest) -> Reply:
        rules = []
        for rule in self.state.rat:
            ops = [m.OperatorId(mcc_mnc=encode_plmn(mcc_mnc), gid1=g1, gid2=g2)
                   for mcc_mnc, g1, g2 in rule.allowed_operators]
            rules.append(m.ProfilePolicyAuthorisationRule(
                ppr_ids=rule.pprs, allowed_operators=ops,
                ppr_flags=frozenset({"consentRequired"}) if rule.consent_required else frozenset()))
        return Reply(m.GetRatResponse(rat=rules).encode())

    def configured_addresses(self, req: m.EuiccConfiguredAddressesRequest) -> Reply:
        return Reply(m.EuiccConfiguredAddressesResponse(default_dp_address=self.state.default_dp_address,
                                                        root_ds_address=self.state.root_ds_address).encode())

    def set_default_dp(self, req: m.SetDefaultDpAddressRequest) -> Reply:
        self.state.default_dp_address = req.default_dp_address or None
        self.on_change()
        return Reply(m.SetDefaultDpAddressResponse(
            set_default_dp_address_result=r.SetDefaultDpAddressResult.ok).encode())

    def list_notifications(self, req: m.ListNotificationRequest) -> Reply:
        wanted = req.profile_management_operation
        items = [m.NotificationMetadata(seq_number=n.seq_number, profile_management_operation=frozenset({n.operation}),
                                        notification_address=n.address, iccid=n.iccid)
                 for n in self.state.notifications if not wanted or n.operation in wanted]
        return Reply(m.ListNotificationResponse(notification_metadata_list=items).encode())

    def remove_notification(self, req: m.NotificationSentRequest) -> Reply:
        before = len(self.state.notifications)
        self.state.notifications = [n for n in self.state.notifications if n.seq_number != req.seq_number]
        if len(self.state.notifications) == before:
            result = r.RemoveNotificationResult.nothingToDelete
        else:
            self.on_change()
            result = r.RemoveNotificationResult.ok
        return Reply(m.NotificationSentResponse(delete_notification_status=result).encode())


def _tag_list(raw: bytes) -> set[int]:
    """The tags named in a tagList: concatenated tag fields, multi-byte tags included."""
    tags, pos = set(), 0
    while pos < len(raw):
        tag, pos = read_tag(raw, pos)
        tags.add(tag)
    return tags

