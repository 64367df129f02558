"""The ES10 functions as typed calls: requests encoded, replies decoded, result codes raised."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from esimctl.codec.bcd import decode_eid
from esimctl.codec.message import Message
from esimctl.codec.tlv import CodecError, tag_bytes
from esimctl.es10 import messages as m
from esimctl.es10.enums import ProfileClass
from esimctl.es10.results import Es10Error
from esimctl.session import Session

M = TypeVar("M", bound=Message)


def profile_identifier(target: str | bytes) -> m.ProfileIdentifier:
    """An ICCID (str of digits) or an ISD-P AID (bytes)."""
    if isinstance(target, bytes):
        return m.ProfileIdentifier(isdp_aid=target)
    return m.ProfileIdentifier(iccid=target)


class Euicc:
    """ES10a/b/c over one open Session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _call(self, request: Message, reply: type[M], what: str) -> M:
        data = self.session.store_data(request.encode(), what)
        if not data:
            raise CodecError(f"{what}: the card answered success with no data",
                             hint="some cards and modems do this; report it with the -v trace")
        return reply.decode(data)

    @staticmethod
    def _check(function: str, result: int | None) -> None:
        if result is None:
            raise CodecError(f"{function}: the reply carries no result code")
        if result != 0:
            raise Es10Error(function, result)

    # ES10c
    def get_eid(self) -> str:
        reply = self._call(m.GetEuiccDataRequest(tag_list=bytes([0x5A])), m.GetEuiccDataResponse, "GetEID")
        if reply.eid_value is None:
            raise CodecError("GetEID: the reply carries no EID")
        return decode_eid(reply.eid_value)

    def get_profiles_info(self, *, tags: Iterable[int] | None = m.LIST_TAGS,
                          search: m.SearchCriteria | None = None) -> list[m.ProfileInfo]:
        """ProfileInfo for every profile (or those matching `search`); `tags` limits the fields
        the card sends (None: all of them, icons included)."""
        tags = tuple(tags) if tags is not None else None
        tag_list = b"".join(tag_bytes(t) for t in tags) if tags is not None else None
        reply = self._call(m.ProfileInfoListRequest(search_criteria=search, tag_list=tag_list),
                           m.ProfileInfoListResponse, "GetProfilesInfo")
        if reply.profile_info_list_error is not None:
            raise Es10Error("GetProfilesInfo", reply.profile_info_list_error)
        profiles = reply.profile_info_list_ok or []
        if tags is None or m.TAG_CLASS in tags:
            # profileClass is DEFAULT operational: a DER encoder leaves it out for those.
            for p in profiles:
                if p.profile_class is None:
                    p.profile_class = ProfileClass.operational
        return profiles

    def enable_profile(self, target: str | bytes, *, refresh: bool = False) -> None:
        reply = self._call(m.EnableProfileRequest(profile_identifier=profile_identifier(target), refresh_flag=refresh),
                           m.EnableProfileResponse, "EnableProfile")
        self._check("EnableProfile", reply.enable_result)

    def disable_profile(self, target: str | bytes, *, refresh: bool = False) -> None:
        reply = self._call(m.DisableProfileRequest(profile_identifier=profile_identifier(target), refresh_flag=refresh),
                           m.DisableProfileResponse, "DisableProfile")
        self._check("DisableProfile", reply.disable_result)

    def delete_profile(self, target: str | bytes) -> None:
        ident = profile_identifier(target)
        reply = self._call(m.DeleteProfileRequest(iccid=ident.iccid, isdp_aid=ident.isdp_aid),
                           m.DeleteProfileResponse, "DeleteProfile")
        self._check("DeleteProfile", reply.delete_result)

    def set_nickname(self, iccid: str, nickname: str) -> None:
        reply = self._call(m.SetNicknameRequest(iccid=iccid, profile_nickname=nickname),
                           m.SetNicknameResponse, "SetNickname")
        self._check("SetNickname", reply.set_nickname_result)

    def memory_reset(self, options: Iterable[str]) -> None:
        reply = self._call(m.EuiccMemoryResetRequest(reset_options=frozenset(options)),
                           m.EuiccMemoryResetResponse, "eUICCMemoryReset")
        self._check("eUICCMemoryReset", reply.reset_result)

    # ES10b
    def get_euicc_info1(self) -> m.EuiccInfo1:
        return self._call(m.GetEuiccInfo1Request(), m.EuiccInfo1, "GetEUICCInfo1")

    def get_euicc_info2(self) -> m.EuiccInfo2:
        return self._call(m.GetEuiccInfo2Request(), m.EuiccInfo2, "GetEUICCInfo2")

    def get_rat(self) -> list[m.ProfilePolicyAuthorisationRule]:
        return self._call(m.GetRatRequest(), m.GetRatResponse, "GetRAT").rat or []

    def list_notifications(self) -> list[m.NotificationMetadata]:
        reply = self._call(m.ListNotificationRequest(), m.ListNotificationResponse, "ListNotification")
        if reply.list_notifications_result_error is not None:
            raise Es10Error("ListNotification", reply.list_notifications_result_error)
        return reply.notification_metadata_list or []

    def remove_notification(self, seq_number: int) -> None:
        reply = self._call(m.NotificationSentRequest(seq_number=seq_number), m.NotificationSentResponse,
                           "RemoveNotificationFromList")
        self._check("RemoveNotificationFromList", reply.delete_notification_status)

    # ES10a
    def get_configured_addresses(self) -> m.EuiccConfiguredAddressesResponse:
        return self._call(m.EuiccConfiguredAddressesRequest(), m.EuiccConfiguredAddressesResponse,
                          "GetEuiccConfiguredAddresses")

    def set_default_dp_address(self, address: str) -> None:
        reply = self._call(m.SetDefaultDpAddressRequest(default_dp_address=address),
                           m.SetDefaultDpAddressResponse, "SetDefaultDpAddress")
        self._check("SetDefaultDpAddress", reply.set_default_dp_address_result)


