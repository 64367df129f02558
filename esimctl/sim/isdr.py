"""The simulated ISD-R: ES10a/b/c functions with SGP.22's semantics, over the shared messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from esimctl.codec.bcd import encode_eid, encode_plmn
from esimctl.codec.tlv import CodecError, Tlv, read_tag
from esimctl.es10 import messages as m
from esimctl.es10 import results as r
from esimctl.es10.enums import ProfileClass, ProfileState
from esimctl.sim.model import CardState, PendingNotification, SimProfile

GSMA_ISDR_AID = bytes.fromhex("A0000005591010FFFFFFFF8900000100")


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
        self._handlers: dict[int, Callable[[bytes], Reply]] = {
            0xBF3E: self.get_euicc_data, 0xBF2D: self.get_profiles_info, 0xBF31: self.enable,
            0xBF32: self.disable, 0xBF33: self.delete, 0xBF34: self.memory_reset, 0xBF29: self.set_nickname,
            0xBF20: self.euicc_info1, 0xBF22: self.euicc_info2, 0xBF43: self.get_rat,
            0xBF3C: self.configured_addresses, 0xBF3F: self.set_default_dp, 0xBF28: self.list_notifications,
            0xBF30: self.remove_notification,
        }

    def handle(self, request: Tlv) -> Reply:
        handler = self._handlers.get(request.tag)
        if handler is None:
            raise IsdrError(0x6A88)
        try:
            return handler(request.encode())
        except CodecError:
            raise IsdrError(0x6A80) from None

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
            icon_type=p.icon_type if p.icon is not None else None, icon=p.icon, profile_class=p.profile_class,
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
    def get_euicc_data(self, raw: bytes) -> Reply:
        req = m.GetEuiccDataRequest.decode(raw)
        if req.tag_list is not None and 0x5A not in _tag_list(req.tag_list):
            return Reply(m.GetEuiccDataResponse().encode())
        return Reply(m.GetEuiccDataResponse(eid_value=encode_eid(self.state.eid)).encode())

    def get_profiles_info(self, raw: bytes) -> Reply:
        req = m.ProfileInfoListRequest.decode(raw)
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

    def enable(self, raw: bytes) -> Reply:
        req = m.EnableProfileRequest.decode(raw)
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

    def disable(self, raw: bytes) -> Reply:
        req = m.DisableProfileRequest.decode(raw)
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

    def delete(self, raw: bytes) -> Reply:
        req = m.DeleteProfileRequest.decode(raw)
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

    def memory_reset(self, raw: bytes) -> Reply:
        req = m.EuiccMemoryResetRequest.decode(raw)
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

    def set_nickname(self, raw: bytes) -> Reply:
        req = m.SetNicknameRequest.decode(raw)
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
    def euicc_info1(self, raw: bytes) -> Reply:
        info = self.state.info
        return Reply(m.EuiccInfo1(svn=info.svn, euicc_ci_pkid_list_for_verification=info.ci_pkids_verification,
                                  euicc_ci_pkid_list_for_signing=info.ci_pkids_signing).encode())

    def euicc_info2(self, raw: bytes) -> Reply:
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

    def get_rat(self, raw: bytes) -> Reply:
        rules = []
        for rule in self.state.rat:
            ops = [m.OperatorId(mcc_mnc=encode_plmn(mcc_mnc), gid1=g1, gid2=g2)
                   for mcc_mnc, g1, g2 in rule.allowed_operators]
            rules.append(m.ProfilePolicyAuthorisationRule(
                ppr_ids=rule.pprs, allowed_operators=ops,
                ppr_flags=frozenset({"consentRequired"}) if rule.consent_required else frozenset()))
        return Reply(m.GetRatResponse(rat=rules).encode())

    def configured_addresses(self, raw: bytes) -> Reply:
        return Reply(m.EuiccConfiguredAddressesResponse(default_dp_address=self.state.default_dp_address,
                                                        root_ds_address=self.state.root_ds_address).encode())

    def set_default_dp(self, raw: bytes) -> Reply:
        req = m.SetDefaultDpAddressRequest.decode(raw)
        self.state.default_dp_address = req.default_dp_address or None
        self.on_change()
        return Reply(m.SetDefaultDpAddressResponse(
            set_default_dp_address_result=r.SetDefaultDpAddressResult.ok).encode())

    def list_notifications(self, raw: bytes) -> Reply:
        req = m.ListNotificationRequest.decode(raw)
        wanted = req.profile_management_operation
        items = [m.NotificationMetadata(seq_number=n.seq_number, profile_management_operation=frozenset({n.operation}),
                                        notification_address=n.address, iccid=n.iccid)
                 for n in self.state.notifications if not wanted or n.operation in wanted]
        return Reply(m.ListNotificationResponse(notification_metadata_list=items).encode())

    def remove_notification(self, raw: bytes) -> Reply:
        req = m.NotificationSentRequest.decode(raw)
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

