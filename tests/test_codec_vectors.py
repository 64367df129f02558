"""The codec pinned with literal hex from public sources: real eUICC responses and the request
encodings other LPAs put on the wire.

Every vector names where it was copied from. Only the hex (a fact) is copied, never code.
Responses that a source stores with the status word appended ("...9000") are given here without
it: the status word is not part of the ES10 message.

Sources, by short name:
  PYSIM-GP    osmocom/pysim  tests/unittests/test_globalplatform.py  (class SCP03_Test)
  PYSIM-INFO2 osmocom/pysim  tests/pySim-shell_test/euicc/euicc_info2.ok  (a sysmoEUICC1; hex fields
              quoted inside pySim-shell's JSON output)
  LPAC-143    https://github.com/estkme-group/lpac/issues/143  (AT+CGLA trace of a modem's eUICC)
  LPAC-92     https://github.com/estkme-group/lpac/issues/92   (PC/SC trace of a 5ber eUICC)
  AOSP        LineageOS/android_frameworks_opt_telephony
              tests/telephonytests/src/com/android/internal/telephony/uicc/euicc/EuiccPortTest.java
              (AOSP's frameworks/opt/telephony EuiccPort tests)
  OHOS        openharmony/telephony_core_service  test/unittest/esim_gtest/esim_test.cpp
  EUICC-GO    damonto/euicc-go  driver/transmitter_apdu_test.go
              (TestTransmitterBuildsRecordedES10APDUs: "recorded" STORE DATA APDUs, channel 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from esimctl.apdu.command import Command, channel_cla
from esimctl.apdu.link import ApduLink
from esimctl.codec.bcd import decode_eid, decode_iccid, decode_plmn, encode_iccid
from esimctl.codec.tlv import Tlv, encode_tlv, parse_all, parse_one
from esimctl.es10 import messages as m
from esimctl.es10 import results
from esimctl.es10.enums import EuiccCategory, ProfileClass, ProfileState


def h(text: str) -> bytes:
    """Hex with any whitespace, as the sources print it."""
    return bytes.fromhex("".join(text.split()))


def children(raw: bytes) -> list[Tlv]:
    return parse_all(parse_one(raw).value)


# GSMA CI public-key identifiers that recur below (SubjectKeyIdentifier of the CI certificate).
GSMA_CI = h("81370F5125D0B1D408D4C3B232E6D25E795BEBFB")
GSMA_TEST_CI = h("F54172BDF98A95D65CBEB88A38A1C11D800A85C3")


# ---- GetEID (ES10c.GetEID, BF3E) ------------------------------------------------------------

# PYSIM-GP: SCP03_Test.get_eid_cmd_plain and get_eid_rsp_plain (a sysmoEUICC's EID).
PYSIM_GET_EID_APDU = h("80E2910006BF3E035C015A00")
PYSIM_GET_EID_RSP = h("bf3e125a1089882119900000000000000000000005")
# OHOS: HWTEST_F(EsimTest, ProcessObtainEidDone_001): fileData.resultData. The same EID is the
# serialNumber of the eUICC certificate in the AuthenticateServer response of OHOS_EUICC_INFO2.
OHOS_GET_EID_RSP = h("BF3E125A1089086030202200000024000070951319")


@pytest.mark.parametrize("raw,eid", [
    (PYSIM_GET_EID_RSP, "89882119900000000000000000000005"),
    (OHOS_GET_EID_RSP, "89086030202200000024000070951319"),
])
def test_get_eid_response(raw: bytes, eid: str) -> None:
    msg = m.GetEuiccDataResponse.decode(raw)
    assert decode_eid(msg.eid_value) == eid
    assert msg.extra == ()
    assert msg.encode() == raw


def test_get_eid_request_and_its_store_data_apdu() -> None:
    # AOSP testGetEid: verifyStoreData(channel, "BF3E035C015A").
    request = m.GetEuiccDataRequest(tag_list=b"\x5a")  # tagList: 5A, eidValue
    assert request.encode() == h("BF3E035C015A")
    # PYSIM-GP: the whole STORE DATA on the basic channel, single block (P1 91), Le 00.
    assert Command(0x80, 0xE2, 0x91, 0x00, request.encode(), le=0).encode() == PYSIM_GET_EID_APDU
    assert store_data_apdus(request.encode(), channel=0) == [PYSIM_GET_EID_APDU]


# ---- EUICCInfo1 (ES10b.GetEUICCInfo, BF20) --------------------------------------------------

# LPAC-143: "AT+CGLA=1,16,"81E2910003BF2000"" answered "+CGLA: 116,"BF2035...BEBFB9000"".
LPAC_143_EUICC_INFO1 = h("""
    BF2035 820302 0300
    A916 0414 81370F5125D0B1D408D4C3B232E6D25E795BEBFB
    AA16 0414 81370F5125D0B1D408D4C3B232E6D25E795BEBFB
""")
# LPAC-92 (5ber): "[RX] SW1: 90, SW2: 00, Data: BF 20 61 82 03 02 02 02 A9 2C ...", fetched with
# GET RESPONSE after "SW1: 61, SW2: 64" (100 bytes).
LPAC_92_EUICC_INFO1 = h("""
    BF2061 820302 0202
    A92C 0414 0B1359633D2AB469761CA9D82B2229350DB722D7 0414 81370F5125D0B1D408D4C3B232E6D25E795BEBFB
    AA2C 0414 0B1359633D2AB469761CA9D82B2229350DB722D7 0414 81370F5125D0B1D408D4C3B232E6D25E795BEBFB
""")
# OHOS: HWTEST_F(EsimTest, ProcessObtainEuiccInfo1Done_001): fileData.resultData.
OHOS_EUICC_INFO1 = h("""
    BF2061 820302 0202
    A92C 0414 F54172BDF98A95D65CBEB88A38A1C11D800A85C3 0414 C0BC70BA36929D43B467FF57570530E57AB8FCD8
    AA2C 0414 F54172BDF98A95D65CBEB88A38A1C11D800A85C3 0414 C0BC70BA36929D43B467FF57570530E57AB8FCD8
""")


@pytest.mark.parametrize("raw,svn,pkids", [
    (LPAC_143_EUICC_INFO1, "2.3.0", [GSMA_CI]),
    (LPAC_92_EUICC_INFO1, "2.2.2", [h("0B1359633D2AB469761CA9D82B2229350DB722D7"), GSMA_CI]),
    (OHOS_EUICC_INFO1, "2.2.2", [GSMA_TEST_CI, h("C0BC70BA36929D43B467FF57570530E57AB8FCD8")]),
], ids=["lpac-143", "lpac-92-5ber", "ohos"])
def test_euicc_info1(raw: bytes, svn: str, pkids: list[bytes]) -> None:
    info = m.EuiccInfo1.decode(raw)
    assert info.svn == svn
    assert info.euicc_ci_pkid_list_for_verification == pkids
    assert info.euicc_ci_pkid_list_for_signing == pkids
    assert info.extra == ()
    assert info.encode() == raw  # canonical DER: byte for byte


def test_lpac_92_get_response_flow_is_replayed() -> None:
    """LPAC-92's card answers GetEUICCInfo1 with 6164 and hands the 100 bytes over on GET RESPONSE."""
    card = ScriptedCard([(b"", 0x6164), (LPAC_92_EUICC_INFO1, 0x9000)])
    link = ApduLink(card)
    reply = link.store_data(1, m.GetEuiccInfo1Request().encode(), "GetEUICCInfo1")
    assert m.EuiccInfo1.decode(reply).svn == "2.2.2"
    # lpac sent 81E2910003BF2000 (no Le) then 81C0000064. We send Le 00 on the STORE DATA, and GET
    # RESPONSE in the interindustry class (ISO/IEC 7816-4), 01 for channel 1, not lpac's 81.
    assert card.sent == [h("81E2910003BF200000"), h("01C0000064")]


# ---- EUICCInfo2 (ES10b.GetEUICCInfo, BF22) --------------------------------------------------

# OHOS, an earlier revision of esim_test.cpp (HWTEST_F(EsimTest, ProcessAuthenticateServerDone_001),
# also RealProcsessAuthenticateServerDone_001): the euiccInfo2 [34] inside euiccSigned1 of an
# AuthenticateServerResponse (BF38 8205E5 A0 8205E1 30 82011C ...) from a test eUICC (EUM
# "RSP Test EUM", eUICC serial 89086030202200000024000070951319). Copied byte for byte.
OHOS_EUICC_INFO2 = h("""
    BF2281A6
    8103020301 8203020202 8303040200
    840D 810100 82040007AE2E 83022F37
    8505067F32F7C0
    8603090200 8703020300
    88020490
    A92C 0414 F54172BDF98A95D65CBEB88A38A1C11D800A85C3 0414 C0BC70BA36929D43B467FF57570530E57AB8FCD8
    AA2C 0414 F54172BDF98A95D65CBEB88A38A1C11D800A85C3 0414 C0BC70BA36929D43B467FF57570530E57AB8FCD8
    8B0100
    0403010000
    0C0D 45442D5A492D55502D30383234
""")


def test_euicc_info2_of_a_test_euicc() -> None:
    info = m.EuiccInfo2.decode(OHOS_EUICC_INFO2)
    assert info.profile_version == "2.3.1"
    assert info.svn == "2.2.2"
    assert info.euicc_firmware_ver == "4.2.0"
    assert info.ext_card_resource == m.ExtCardResource(
        installed_application=0, free_non_volatile_memory=0x07AE2E, free_volatile_memory=0x2F37)
    assert info.ext_card_resource.free_non_volatile_memory == 503_342
    assert info.ext_card_resource.free_volatile_memory == 12_087
    # 06 7F32F7C0: 6 unused bits, so 26 bits, the last two profile-b-p256 and suciCalculatorApi.
    assert info.uicc_capability == {
        "usimSupport", "isimSupport", "csimSupport", "akaMilenage", "akaCave", "akaTuak128", "akaTuak256",
        "gbaAuthenUsim", "gbaAuthenISim", "javacard",
        "multipleUsimSupport", "multipleIsimSupport", "multipleCsimSupport", "berTlvFileSupport",
        "catTp", "getIdentity", "profile-a-x25519", "profile-b-p256", "suciCalculatorApi",
    }
    assert info.ts102241_version == "9.2.0"
    assert info.globalplatform_version == "2.3.0"
    assert info.rsp_capability == {"additionalProfile", "testProfileSupport"}  # 0490: 4 unused bits
    assert info.euicc_ci_pkid_list_for_verification == [GSMA_TEST_CI, h("C0BC70BA36929D43B467FF57570530E57AB8FCD8")]
    assert info.euicc_ci_pkid_list_for_signing == info.euicc_ci_pkid_list_for_verification
    assert info.euicc_category is EuiccCategory.other
    assert info.pp_version == "1.0.0"
    assert info.sas_acreditation_number == "ED-ZI-UP-0824"
    assert info.forbidden_profile_policy_rules is None
    assert info.extra == ()


def test_euicc_info2_re_encodes_the_padded_integer_minimally() -> None:
    """The card pads freeNonVolatileMemory to 4 bytes (00 07AE2E); everything else is DER, so the
    re-encoding differs from the card's bytes only there (and in the two lengths around it)."""
    canonical = OHOS_EUICC_INFO2.replace(h("BF2281A6"), h("BF2281A5")).replace(
        h("840D 810100 82040007AE2E"), h("840C 810100 820307AE2E"))
    assert m.EuiccInfo2.decode(OHOS_EUICC_INFO2).encode() == canonical
    assert m.EuiccInfo2.decode(canonical) == m.EuiccInfo2.decode(OHOS_EUICC_INFO2)


def test_euicc_info2_fields_of_a_sysmo_euicc() -> None:
    """PYSIM-INFO2 quotes these EUICCInfo2 values as hex: extCardResource (84), uiccCapability (85),
    rspCapability (88), and forbiddenProfilePolicyRules (99, shown as unknown_ber_tlv_ie_99)."""
    info = m.EuiccInfo2.from_children([
        Tlv(0x83, h("230623")),  # "euicc_firmware_ver": "35.6.35"
        Tlv(0x84, h("810108820400045bf883022419")),
        Tlv(0x85, h("067f36f3c0")),
        Tlv(0x86, h("0f0100")),  # "ts102241_version": "15.1.0"
        Tlv(0x88, h("0398")),
        Tlv(0x99, h("0640")),
    ])
    assert info.euicc_firmware_ver == "35.6.35"
    assert info.ts102241_version == "15.1.0"
    assert info.ext_card_resource == m.ExtCardResource(
        installed_application=8, free_non_volatile_memory=285_688, free_volatile_memory=9_241)
    # 6 unused bits again, but a different set, up to suciCalculatorApi.
    assert info.uicc_capability == {
        "usimSupport", "isimSupport", "csimSupport", "akaMilenage", "akaCave", "akaTuak128", "akaTuak256",
        "gbaAuthenUsim", "gbaAuthenISim", "eapClient", "javacard",
        "multipleUsimSupport", "multipleIsimSupport", "multipleCsimSupport", "berTlvFileSupport",
        "getIdentity", "profile-a-x25519", "profile-b-p256", "suciCalculatorApi",
    }
    # 3 unused bits: 5 bits, of which 0, 3 and 4.
    assert info.rsp_capability == {"additionalProfile", "testProfileSupport", "deviceInfoExtensibilitySupport"}
    assert info.forbidden_profile_policy_rules == {"ppr1"}
    # All three BIT STRINGs are DER (no trailing zero bits): they re-encode as the card sent them.
    reencoded = {t.tag: t.value for t in parse_all(info.encode_value())}
    assert reencoded[0x85] == h("067f36f3c0")
    assert reencoded[0x88] == h("0398")
    assert reencoded[0x99] == h("0640")
    # The 4-byte 0x00045BF8 comes back minimal, like OHOS's.
    assert reencoded[0x84] == h("810108 820304 5bf8 83022419")


# ---- ProfileInfoList (ES10c.GetProfilesInfo, BF2D) ------------------------------------------

# AOSP testGetAllProfiles / testEuiccPortProfile (the response, without its trailing 9000).
AOSP_PROFILES = h("BF2D14 A012 E310 5A0A89670000000000452301 9F700101")
# AOSP testFSuffix: "iccID is 987600000000005432FF".
AOSP_PROFILES_F_SUFFIX = h("BF2D14 A012 E310 5A0A896700000000004523FF 9F700101")
# AOSP testGetProfile: long-form lengths (81 84, 81 81), fields not in ASN.1 order, and Android's
# proprietary BF76 (carrier privilege rules) inside the ProfileInfo.
AOSP_PROFILE_LONG = h("""
    BF2D8184 A08181 E37F
    5A0A89670000000000452301
    90046E69636B
    9103746D6F
    92027031
    B70F800312F34581030102038203040506
    9F700101
    950101
    990206C0
    BF7645E243E135C114ABCD92CBB156B280FA4E1429A6ECEEB6E5C1BFE4
    CA1D636F6D2E676F6F676C652E616E64726F69642E617070732E6D79617070
    E30ADB080000000000000001
""")
# OHOS: HWTEST_F(EsimTest, ProcessRequestAllProfilesDone_001): fileData.resultData.
OHOS_PROFILES = h("BF2D25 A023 E321 5A0A98680010203040506080 9F700101 9105736D617274 950102 B705800364F007")


def test_profile_list_single_enabled_profile() -> None:
    response = m.ProfileInfoListResponse.decode(AOSP_PROFILES)
    [profile] = response.profile_info_list_ok
    assert profile.iccid == "98760000000000543210"
    assert profile.profile_state is ProfileState.enabled
    assert response.encode() == AOSP_PROFILES


def test_profile_list_iccid_of_18_digits_padded_with_ff() -> None:
    response = m.ProfileInfoListResponse.decode(AOSP_PROFILES_F_SUFFIX)
    assert response.profile_info_list_ok[0].iccid == "987600000000005432"
    assert encode_iccid("987600000000005432") == h("896700000000004523FF")
    assert response.encode() == AOSP_PROFILES_F_SUFFIX


def test_profile_list_with_long_lengths_and_a_proprietary_tag() -> None:
    response = m.ProfileInfoListResponse.decode(AOSP_PROFILE_LONG)
    [profile] = response.profile_info_list_ok
    assert profile.iccid == "98760000000000543210"
    assert profile.profile_nickname == "nick"
    assert profile.service_provider_name == "tmo"
    assert profile.profile_name == "p1"
    assert profile.profile_state is ProfileState.enabled
    assert profile.profile_class is ProfileClass.provisioning
    assert profile.profile_owner == m.OperatorId(mcc_mnc=h("12F345"), gid1=h("010203"), gid2=h("040506"))
    assert decode_plmn(profile.profile_owner.mcc_mnc) == "213-54"  # AOSP asserts MCC 213, MNC 54
    # PprIds BIT STRING {pprUpdateControl(0), ppr1(1), ppr2(2)}: 06C0 sets bits 0 and 1.
    assert profile.profile_policy_rules == {"pprUpdateControl", "ppr1"}
    [bf76] = profile.extra
    assert bf76.tag == 0xBF76 and len(bf76.value) == 0x45
    assert profile.to_json()["unknownTags"] == {"BF76": bf76.value.hex().upper()}

    # The card's field order is not the ASN.1 order, so DER re-encoding reorders the ProfileInfo's
    # fields; the set of TLVs, every length and the unknown tag's bytes stay as they were.
    reencoded = response.encode()
    assert len(reencoded) == len(AOSP_PROFILE_LONG) and reencoded[:8] == AOSP_PROFILE_LONG[:8]
    card_fields = parse_all(parse_one(children(AOSP_PROFILE_LONG)[0].value).value)
    our_fields = parse_all(parse_one(children(reencoded)[0].value).value)
    assert sorted(our_fields, key=lambda t: t.tag) == sorted(card_fields, key=lambda t: t.tag)
    assert [t.tag for t in our_fields] == [0x5A, 0x9F70, 0x90, 0x91, 0x92, 0x95, 0xB7, 0x99, 0xBF76]
    assert m.ProfileInfoListResponse.decode(reencoded) == response


def test_profile_list_with_profile_owner() -> None:
    response = m.ProfileInfoListResponse.decode(OHOS_PROFILES)
    [profile] = response.profile_info_list_ok
    assert profile.iccid == "89860001020304050608"
    assert profile.profile_state is ProfileState.enabled
    assert profile.service_provider_name == "smart"
    assert profile.profile_class is ProfileClass.operational
    assert profile.profile_owner.mcc_mnc == h("64F007")
    # TS 24.008 order (MCC2 MCC1, MNC3 MCC3, MNC2 MNC1): 07 is MNC digits 7 then 0.
    assert decode_plmn(profile.profile_owner.mcc_mnc) == "460-70"
    assert response.encode() == OHOS_PROFILES  # fields in ASN.1 order: byte for byte


# AOSP testGetAllProfiles: verifyStoreData(channel, "BF2D0D5C0B5A909192B79F709599BF76").
AOSP_LIST_TAGS = h("5A909192B79F709599BF76")


@pytest.mark.parametrize("request_,raw", [
    (m.ProfileInfoListRequest(tag_list=AOSP_LIST_TAGS), h("BF2D0D5C0B5A909192B79F709599BF76")),
    # AOSP testGetProfile: search by ICCID, same tag list.
    (m.ProfileInfoListRequest(search_criteria=m.SearchCriteria(iccid="98760000000000543210"),
                              tag_list=AOSP_LIST_TAGS),
     h("BF2D1BA00C5A0A896700000000004523015C0B5A909192B79F709599BF76")),
], ids=["all", "by-iccid"])
def test_profile_list_requests(request_: m.ProfileInfoListRequest, raw: bytes) -> None:
    assert request_.encode() == raw
    assert m.ProfileInfoListRequest.decode(raw) == request_


# ---- Profile management requests and their results (ES10c) ----------------------------------

AOSP_ICCID = "98760000000000543210"
PROFILE_ID = m.ProfileIdentifier(iccid=AOSP_ICCID)


@pytest.mark.parametrize("request_,raw", [
    # AOSP testSwitchToProfile (refresh true).
    (m.EnableProfileRequest(profile_identifier=PROFILE_ID, refresh_flag=True),
     h("BF3111A00C5A0A896700000000004523018101FF")),
    # AOSP testDisableProfile.
    (m.DisableProfileRequest(profile_identifier=PROFILE_ID, refresh_flag=True),
     h("BF3211A00C5A0A896700000000004523018101FF")),
    # AOSP testDeleteProfile: the ICCID directly inside BF33.
    (m.DeleteProfileRequest(iccid=AOSP_ICCID), h("BF330C5A0A89670000000000452301")),
    # AOSP testSetNickname.
    (m.SetNicknameRequest(iccid=AOSP_ICCID, profile_nickname="new nickname"),
     h("BF291A5A0A89670000000000452301900C6E6577206E69636B6E616D65")),
    # AOSP testResetMemory: RESET_OPTION_DELETE_FIELD_LOADED_TEST_PROFILES.
    (m.EuiccMemoryResetRequest(reset_options=frozenset({"deleteFieldLoadedTestProfiles"})),
     h("BF340482020640")),
    # AOSP testSetDefaultSmdpAddress.
    (m.SetDefaultDpAddressRequest(default_dp_address="smdp.gsma.com"),
     h("BF3F0F800D736D64702E67736D612E636F6D")),
    # AOSP: verifyStoreData(channel, "BF3C00" / "BF2000" / "BF2200" / "BF4300").
    (m.EuiccConfiguredAddressesRequest(), h("BF3C00")),
    (m.GetEuiccInfo1Request(), h("BF2000")),
    (m.GetEuiccInfo2Request(), h("BF2200")),
    (m.GetRatRequest(), h("BF4300")),
], ids=["enable", "disable", "delete", "nickname", "memory-reset", "set-default-dp", "addresses", "info1",
        "info2", "rat"])
def test_requests_match_aosp_byte_for_byte(request_: m.Message, raw: bytes) -> None:
    assert request_.encode() == raw
    assert type(request_).decode(raw) == request_


@pytest.mark.parametrize("cls,raw,result", [
    # AOSP testSwitchToProfile / _Error, testDisableProfile / _Error, testDeleteProfile / _Error,
    # testSetNickname, testResetMemory, testSetDefaultSmdpAddress (each "...9000" without the SW).
    (m.EnableProfileResponse, h("BF3103800100"), results.EnableResult.ok),
    (m.EnableProfileResponse, h("BF3103800103"), results.EnableResult.disallowedByPolicy),
    (m.DisableProfileResponse, h("BF3203800100"), results.DisableResult.ok),
    (m.DisableProfileResponse, h("BF3203800103"), results.DisableResult.disallowedByPolicy),
    (m.DeleteProfileResponse, h("BF3303800100"), results.DeleteResult.ok),
    (m.DeleteProfileResponse, h("BF3303800103"), results.DeleteResult.disallowedByPolicy),
    (m.SetNicknameResponse, h("BF2903800100"), results.SetNicknameResult.ok),
    (m.EuiccMemoryResetResponse, h("BF3403800100"), results.MemoryResetResult.ok),
    (m.SetDefaultDpAddressResponse, h("BF3F03800100"), results.SetDefaultDpAddressResult.ok),
])
def test_result_codes(cls: type[m.Message], raw: bytes, result: int) -> None:
    msg = cls.decode(raw)
    [spec] = msg._fields()
    assert getattr(msg, spec.attr) is result
    assert msg.encode() == raw


def test_configured_addresses_response() -> None:
    # AOSP testGetDefaultSmdpAddress / testGetSmdsAddress; the same bytes in OHOS
    # HWTEST_F(EsimTest, ProcessObtainSmdsAddressDone_001).
    raw = h("BF3C14 8008534D44502E434F4D 8108736D64732E636F6D")
    msg = m.EuiccConfiguredAddressesResponse.decode(raw)
    assert msg.default_dp_address == "SMDP.COM"
    assert msg.root_ds_address == "smds.com"
    assert msg.encode() == raw


# ---- STORE DATA APDUs as other LPAs send them ------------------------------------------------

EUICC_GO_ICCID = "00000000000000000000"
EUICC_GO_ID = m.ProfileIdentifier(iccid=EUICC_GO_ICCID)


# EUICC-GO: each case's `apdu`, on logical channel 1 (CLA 81), single block (P1 91), no Le.
@pytest.mark.parametrize("request_,apdu", [
    (m.EuiccConfiguredAddressesRequest(), "81E2910003BF3C00"),
    (m.SetDefaultDpAddressRequest(default_dp_address="example.com"),
     "81E2910010BF3F0D800B6578616D706C652E636F6D"),
    (m.GetEuiccDataRequest(tag_list=b"\x5a"), "81E2910006BF3E035C015A"),
    (m.GetEuiccInfo1Request(), "81E2910003BF2000"),
    (m.GetEuiccInfo2Request(), "81E2910003BF2200"),
    (m.ListNotificationRequest(), "81E2910003BF2800"),
    (m.ProfileInfoListRequest(), "81E2910003BF2D00"),
    (m.SetNicknameRequest(iccid=EUICC_GO_ICCID, profile_nickname="euicc-go-test"),
     "81E291001EBF291B5A0A00000000000000000000900D65756963632D676F2D74657374"),
    (m.EnableProfileRequest(profile_identifier=EUICC_GO_ID, refresh_flag=False),
     "81E2910014BF3111A00C5A0A00000000000000000000810100"),
    (m.DisableProfileRequest(profile_identifier=EUICC_GO_ID, refresh_flag=False),
     "81E2910014BF3211A00C5A0A00000000000000000000810100"),
    (m.DeleteProfileRequest(iccid=EUICC_GO_ICCID), "81E291000FBF330C5A0A00000000000000000000"),
    (m.NotificationSentRequest(seq_number=1 << 30), "81E2910009BF3006800440000000"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_store_data_apdus_match_euicc_go(request_: m.Message, apdu: str) -> None:
    payload = request_.encode()
    assert Command(channel_cla(0x80, 1), 0xE2, 0x91, 0x00, payload).encode() == h(apdu)
    # What ApduLink sends: the same, with Le 00 (case 4, as PYSIM-GP's GetEID APDU has it).
    assert store_data_apdus(payload, channel=1) == [h(apdu) + b"\x00"]
    assert type(request_).decode(payload) == request_


@pytest.mark.parametrize("cls,card_form,der_form,bits", [
    # EUICC-GO ListNotificationInstall / Enable / Disable / Delete: NotificationEvent sent as a
    # 4-bit string (04 80 ...), which is BER; DER drops the trailing zero bits (X.690 11.2.2).
    (m.ListNotificationRequest, "BF280481020480", "BF280481020780", {"notificationInstall"}),
    (m.ListNotificationRequest, "BF280481020440", "BF280481020640", {"notificationEnable"}),
    (m.ListNotificationRequest, "BF280481020420", "BF280481020520", {"notificationDisable"}),
    (m.ListNotificationRequest, "BF280481020410", "BF280481020410", {"notificationDelete"}),
    # EUICC-GO EuiccMemoryReset: resetOptions as 3 bits (05 C0 with 5 unused).
    (m.EuiccMemoryResetRequest, "BF3404820205C0", "BF3404820206C0",
     {"deleteOperationalProfiles", "deleteFieldLoadedTestProfiles"}),
])
def test_named_bit_strings_from_euicc_go(cls: type[m.Message], card_form: str, der_form: str,
                                         bits: set[str]) -> None:
    msg = cls.decode(h(card_form))
    spec = next(s for s in msg._fields() if getattr(msg, s.attr) is not None)
    assert getattr(msg, spec.attr) == bits
    assert msg.encode() == h(der_form)
    assert cls.decode(h(der_form)) == msg


def test_tlv_layer_on_every_vector() -> None:
    """Each top-level vector is exactly one TLV and re-serialises unchanged at the TLV level,
    long-form lengths included."""
    vectors = [PYSIM_GET_EID_RSP, OHOS_GET_EID_RSP, LPAC_143_EUICC_INFO1, LPAC_92_EUICC_INFO1,
               OHOS_EUICC_INFO1, OHOS_EUICC_INFO2, AOSP_PROFILES, AOSP_PROFILES_F_SUFFIX, AOSP_PROFILE_LONG,
               OHOS_PROFILES]
    for raw in vectors:
        item = parse_one(raw)
        assert encode_tlv(item.tag, item.value) == raw
        assert b"".join(child.encode() for child in item.children()) == item.value
    assert decode_iccid(h("896700000000004523FF")) == "987600000000005432"


# ---- helpers ----------------------------------------------------------------------------------

@dataclass
class ScriptedCard:
    """A transport that answers with the given (data, sw) pairs in turn and records what it got."""

    replies: list[tuple[bytes, int]]
    sent: list[bytes] = field(default_factory=list)
    name: str = "scripted"
    can_reset: bool = False

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(apdu)
        return self.replies.pop(0) if self.replies else (b"", 0x9000)

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


def store_data_apdus(payload: bytes, *, channel: int) -> list[bytes]:
    card = ScriptedCard([])
    ApduLink(card).store_data(channel, payload, "test")
    return card.sent
