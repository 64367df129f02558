"""SGP.22 ES10a/b/c messages (v2.x tags), shared by the client and the simulator.

Attribute names are the ASN.1 names in snake_case; `to_json()` uses the ASN.1 names themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from esimctl.codec.asn1 import (
    BitString,
    Boolean,
    Enumerated,
    Iccid,
    Integer,
    OctetString,
    SequenceOf,
    Unsigned,
    Utf8,
    Version,
)
from esimctl.codec.message import Message, Nested, tlv
from esimctl.es10 import results
from esimctl.es10.enums import (
    MEMORY_RESET_OPTIONS,
    NOTIFICATION_EVENTS,
    PPR_IDS,
    RSP_CAPABILITY,
    TRE_PROPERTIES,
    UICC_CAPABILITY,
    EuiccCategory,
    IconType,
    ProfileClass,
    ProfileState,
)

OCTETS = OctetString()
UTF8 = Utf8()
ICCID = Iccid()
VERSION = Version()
INTEGER = Integer()
UNSIGNED = Unsigned()
PPR = BitString(PPR_IDS)
EVENTS = BitString(NOTIFICATION_EVENTS)
SKI_LIST = SequenceOf(0x04, OCTETS)  # SEQUENCE OF SubjectKeyIdentifier (OCTET STRING)

MAX_NICKNAME_BYTES = 64  # profileNickname UTF8String (SIZE(0..64))

# Tags that ProfileInfoListRequest's tagList may name.
TAG_ICCID, TAG_ISDP_AID, TAG_STATE, TAG_NICKNAME = 0x5A, 0x4F, 0x9F70, 0x90
TAG_SPN, TAG_NAME, TAG_ICON_TYPE, TAG_ICON, TAG_CLASS = 0x91, 0x92, 0x93, 0x94, 0x95
TAG_NOTIF_CONFIG, TAG_OWNER, TAG_DP_DATA, TAG_PPR = 0xB6, 0xB7, 0xB8, 0x99
ALL_PROFILE_TAGS = (TAG_ICCID, TAG_ISDP_AID, TAG_STATE, TAG_NICKNAME, TAG_SPN, TAG_NAME, TAG_ICON_TYPE,
                    TAG_ICON, TAG_CLASS, TAG_NOTIF_CONFIG, TAG_OWNER, TAG_DP_DATA, TAG_PPR)
# What `profile list` needs: everything but icons, notification addresses and SM-DP+ data.
LIST_TAGS = tuple(t for t in ALL_PROFILE_TAGS if t not in (TAG_ICON_TYPE, TAG_ICON, TAG_NOTIF_CONFIG, TAG_DP_DATA))


# ---- ES10c: profiles ----------------------------------------------------------------------

@dataclass(kw_only=True)
class OperatorId(Message):
    mcc_mnc: bytes | None = tlv(0x80, OCTETS, "mccMnc")
    gid1: bytes | None = tlv(0x81, OCTETS, "gid1")
    gid2: bytes | None = tlv(0x82, OCTETS, "gid2")


@dataclass(kw_only=True)
class NotificationConfigurationInformation(Message):
    profile_management_operation: frozenset[str] | None = tlv(0x80, EVENTS, "profileManagementOperation")
    notification_address: str | None = tlv(0x81, UTF8, "notificationAddress")


@dataclass(kw_only=True)
class ProfileInfo(Message):
    TAG = 0xE3
    iccid: str | None = tlv(TAG_ICCID, ICCID, "iccid")
    isdp_aid: bytes | None = tlv(TAG_ISDP_AID, OCTETS, "isdpAid")
    profile_state: ProfileState | int | None = tlv(TAG_STATE, Enumerated(ProfileState), "profileState")
    profile_nickname: str | None = tlv(TAG_NICKNAME, UTF8, "profileNickname")
    service_provider_name: str | None = tlv(TAG_SPN, UTF8, "serviceProviderName")
    profile_name: str | None = tlv(TAG_NAME, UTF8, "profileName")
    icon_type: IconType | int | None = tlv(TAG_ICON_TYPE, Enumerated(IconType), "iconType")
    icon: bytes | None = tlv(TAG_ICON, OCTETS, "icon")
    profile_class: ProfileClass | int | None = tlv(TAG_CLASS, Enumerated(ProfileClass), "profileClass")
    notification_configuration_info: list[NotificationConfigurationInformation] | None = tlv(
        TAG_NOTIF_CONFIG, SequenceOf(0x30, Nested(NotificationConfigurationInformation)),
        "notificationConfigurationInfo")
    profile_owner: OperatorId | None = tlv(TAG_OWNER, Nested(OperatorId), "profileOwner")
    dp_proprietary_data: bytes | None = tlv(TAG_DP_DATA, OCTETS, "dpProprietaryData")
    profile_policy_rules: frozenset[str] | None = tlv(TAG_PPR, PPR, "profilePolicyRules")


@dataclass(kw_only=True)
class SearchCriteria(Message):
    isdp_aid: bytes | None = tlv(TAG_ISDP_AID, OCTETS, "isdpAid")
    iccid: str | None = tlv(TAG_ICCID, ICCID, "iccid")
    profile_class: ProfileClass | int | None = tlv(TAG_CLASS, Enumerated(ProfileClass), "profileClass")


@dataclass(kw_only=True)
class ProfileInfoListRequest(Message):
    TAG = 0xBF2D
    search_criteria: SearchCriteria | None = tlv(0xA0, Nested(SearchCriteria), "searchCriteria")
    tag_list: bytes | None = tlv(0x5C, OCTETS, "tagList")


@dataclass(kw_only=True)
class ProfileInfoListResponse(Message):
    TAG = 0xBF2D
    profile_info_list_ok: list[ProfileInfo] | None = tlv(
        0xA0, SequenceOf(0xE3, Nested(ProfileInfo)), "profileInfoListOk")
    profile_info_list_error: results.ProfileInfoListError | int | None = tlv(
        0x81, Enumerated(results.ProfileInfoListError), "profileInfoListError")


@dataclass(kw_only=True)
class ProfileIdentifier(Message):
    """CHOICE { isdpAid, iccid }: exactly one is set."""

    isdp_aid: bytes | None = tlv(TAG_ISDP_AID, OCTETS, "isdpAid")
    iccid: str | None = tlv(TAG_ICCID, ICCID, "iccid")


@dataclass(kw_only=True)
class EnableProfileRequest(Message):
    TAG = 0xBF31
    profile_identifier: ProfileIdentifier | None = tlv(0xA0, Nested(ProfileIdentifier), "profileIdentifier")
    refresh_flag: bool | None = tlv(0x81, Boolean(), "refreshFlag")


@dataclass(kw_only=True)
class EnableProfileResponse(Message):
    TAG = 0xBF31
    enable_result: results.EnableResult | int | None = tlv(
        0x80, Enumerated(results.EnableResult), "enableResult")


@dataclass(kw_only=True)
class DisableProfileRequest(Message):
    TAG = 0xBF32
    profile_identifier: ProfileIdentifier | None = tlv(0xA0, Nested(ProfileIdentifier), "profileIdentifier")
    refresh_flag: bool | None = tlv(0x81, Boolean(), "refreshFlag")


@dataclass(kw_only=True)
class DisableProfileResponse(Message):
    TAG = 0xBF32
    disable_result: results.DisableResult | int | None = tlv(
        0x80, Enumerated(results.DisableResult), "disableResult")


@dataclass(kw_only=True)
class DeleteProfileRequest(Message):
    """[51] CHOICE { isdpAid, iccid }: the identifier sits directly inside BF33."""

    TAG = 0xBF33
    isdp_aid: bytes | None = tlv(TAG_ISDP_AID, OCTETS, "isdpAid")
    iccid: str | None = tlv(TAG_ICCID, ICCID, "iccid")


@dataclass(kw_only=True)
class DeleteProfileResponse(Message):
    TAG = 0xBF33
    delete_result: results.DeleteResult | int | None = tlv(
        0x80, Enumerated(results.DeleteResult), "deleteResult")


@dataclass(kw_only=True)
class EuiccMemoryResetRequest(Message):
    TAG = 0xBF34
    reset_options: frozenset[str] | None = tlv(0x82, BitString(MEMORY_RESET_OPTIONS), "resetOptions")


@dataclass(kw_only=True)
class EuiccMemoryResetResponse(Message):
    TAG = 0xBF34
    reset_result: results.MemoryResetResult | int | None = tlv(
        0x80, Enumerated(results.MemoryResetResult), "resetResult")


@dataclass(kw_only=True)
class SetNicknameRequest(Message):
    TAG = 0xBF29
    iccid: str | None = tlv(TAG_ICCID, ICCID, "iccid")
    profile_nickname: str | None = tlv(TAG_NICKNAME, UTF8, "profileNickname")


@dataclass(kw_only=True)
class SetNicknameResponse(Message):
    TAG = 0xBF29
    set_nickname_result: results.SetNicknameResult | int | None = tlv(
        0x80, Enumerated(results.SetNicknameResult), "setNicknameResult")


@dataclass(kw_only=True)
class GetEuiccDataRequest(Message):
    TAG = 0xBF3E
    tag_list: bytes | None = tlv(0x5C, OCTETS, "tagList")


@dataclass(kw_only=True)
class GetEuiccDataResponse(Message):
    TAG = 0xBF3E
    eid_value: bytes | None = tlv(0x5A, OCTETS, "eidValue")


# ---- ES10a: addresses ---------------------------------------------------------------------

@dataclass(kw_only=True)
class EuiccConfiguredAddressesRequest(Message):
    TAG = 0xBF3C


@dataclass(kw_only=True)
class EuiccConfiguredAddressesResponse(Message):
    TAG = 0xBF3C
    default_dp_address: str | None = tlv(0x80, UTF8, "defaultDpAddress")
    root_ds_address: str | None = tlv(0x81, UTF8, "rootDsAddress")


@dataclass(kw_only=True)
class SetDefaultDpAddressRequest(Message):
    TAG = 0xBF3F
    default_dp_address: str | None = tlv(0x80, UTF8, "defaultDpAddress")


@dataclass(kw_only=True)
class SetDefaultDpAddressResponse(Message):
    TAG = 0xBF3F
    set_default_dp_address_result: results.SetDefaultDpAddressResult | int | None = tlv(
        0x80, Enumerated(results.SetDefaultDpAddressResult), "setDefaultDpAddressResult")


# ---- ES10b: eUICC information, RAT, notifications -----------------------------------------

@dataclass(kw_only=True)
class GetEuiccInfo1Request(Message):
    TAG = 0xBF20


@dataclass(kw_only=True)
class EuiccInfo1(Message):
    TAG = 0xBF20
    svn: str | None = tlv(0x82, VERSION, "svn")
    euicc_ci_pkid_list_for_verification: list[bytes] | None = tlv(
        0xA9, SKI_LIST, "euiccCiPKIdListForVerification")
    euicc_ci_pkid_list_for_signing: list[bytes] | None = tlv(0xAA, SKI_LIST, "euiccCiPKIdListForSigning")


@dataclass(kw_only=True)
class ExtCardResource(Message):
    """ETSI TS 102 226 extended card resources, carried inside an OCTET STRING."""

    installed_application: int | None = tlv(0x81, UNSIGNED, "installedApplication")
    free_non_volatile_memory: int | None = tlv(0x82, UNSIGNED, "freeNonVolatileMemory")
    free_volatile_memory: int | None = tlv(0x83, UNSIGNED, "freeVolatileMemory")


@dataclass(kw_only=True)
class CertificationDataObject(Message):
    platform_label: str | None = tlv(0x80, UTF8, "platformLabel")
    discovery_base_url: str | None = tlv(0x81, UTF8, "discoveryBaseURL")


@dataclass(kw_only=True)
class GetEuiccInfo2Request(Message):
    TAG = 0xBF22


@dataclass(kw_only=True)
class EuiccInfo2(Message):
    TAG = 0xBF22
    profile_version: str | None = tlv(0x81, VERSION, "profileVersion")
    svn: str | None = tlv(0x82, VERSION, "svn")
    euicc_firmware_ver: str | None = tlv(0x83, VERSION, "euiccFirmwareVer")
    ext_card_resource: ExtCardResource | None = tlv(0x84, Nested(ExtCardResource), "extCardResource")
    uicc_capability: frozenset[str] | None = tlv(0x85, BitString(UICC_CAPABILITY), "uiccCapability")
    ts102241_version: str | None = tlv(0x86, VERSION, "ts102241Version")
    globalplatform_version: str | None = tlv(0x87, VERSION, "globalplatformVersion")
    rsp_capability: frozenset[str] | None = tlv(0x88, BitString(RSP_CAPABILITY), "rspCapability")
    euicc_ci_pkid_list_for_verification: list[bytes] | None = tlv(
        0xA9, SKI_LIST, "euiccCiPKIdListForVerification")
    euicc_ci_pkid_list_for_signing: list[bytes] | None = tlv(0xAA, SKI_LIST, "euiccCiPKIdListForSigning")
    euicc_category: EuiccCategory | int | None = tlv(0x8B, Enumerated(EuiccCategory), "euiccCategory")
    forbidden_profile_policy_rules: frozenset[str] | None = tlv(0x99, PPR, "forbiddenProfilePolicyRules")
    pp_version: str | None = tlv(0x04, VERSION, "ppVersion")
    sas_acreditation_number: str | None = tlv(0x0C, UTF8, "sasAcreditationNumber")
    certification_data_object: CertificationDataObject | None = tlv(
        0xAC, Nested(CertificationDataObject), "certificationDataObject")
    tre_properties: frozenset[str] | None = tlv(0x8D, BitString(TRE_PROPERTIES), "treProperties")
    tre_product_reference: str | None = tlv(0x8E, UTF8, "treProductReference")


@dataclass(kw_only=True)
class ProfilePolicyAuthorisationRule(Message):
    ppr_ids: frozenset[str] | None = tlv(0x80, PPR, "pprIds")
    allowed_operators: list[OperatorId] | None = tlv(0xA1, SequenceOf(0x30, Nested(OperatorId)),
                                                      "allowedOperators")
    ppr_flags: frozenset[str] | None = tlv(0x82, BitString(("consentRequired",)), "pprFlags")


@dataclass(kw_only=True)
class GetRatRequest(Message):
    TAG = 0xBF43


@dataclass(kw_only=True)
class GetRatResponse(Message):
    TAG = 0xBF43
    rat: list[ProfilePolicyAuthorisationRule] | None = tlv(
        0xA0, SequenceOf(0x30, Nested(ProfilePolicyAuthorisationRule)), "rat")


@dataclass(kw_only=True)
class NotificationMetadata(Message):
    TAG = 0xBF2F
    seq_number: int | None = tlv(0x80, INTEGER, "seqNumber")
    profile_management_operation: frozenset[str] | None = tlv(0x81, EVENTS, "profileManagementOperation")
    notification_address: str | None = tlv(0x0C, UTF8, "notificationAddress")
    iccid: str | None = tlv(TAG_ICCID, ICCID, "iccid")


@dataclass(kw_only=True)
class ListNotificationRequest(Message):
    TAG = 0xBF28
    profile_management_operation: frozenset[str] | None = tlv(0x81, EVENTS, "profileManagementOperation")


@dataclass(kw_only=True)
class ListNotificationResponse(Message):
    TAG = 0xBF28
    notification_metadata_list: list[NotificationMetadata] | None = tlv(
        0xA0, SequenceOf(0xBF2F, Nested(NotificationMetadata)), "notificationMetadataList")
    list_notifications_result_error: results.ListNotificationError | int | None = tlv(
        0x81, Enumerated(results.ListNotificationError), "listNotificationsResultError")


@dataclass(kw_only=True)
class NotificationSentRequest(Message):
    """ES10b.RemoveNotificationFromList."""

    TAG = 0xBF30
    seq_number: int | None = tlv(0x80, INTEGER, "seqNumber")


@dataclass(kw_only=True)
class NotificationSentResponse(Message):
    TAG = 0xBF30
    delete_notification_status: results.RemoveNotificationResult | int | None = tlv(
        0x80, Enumerated(results.RemoveNotificationResult), "deleteNotificationStatus")
