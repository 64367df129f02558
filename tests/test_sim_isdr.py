"""The simulated ISD-R's SGP.22 semantics, through the library's own ES10 client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from esimctl.es10 import messages as m
from esimctl.es10.enums import ProfileClass, ProfileState
from esimctl.es10.results import Es10Error
from esimctl.euicc import Euicc
from esimctl.session import Session
from esimctl.sim.card import SimulatedCard
from esimctl.sim.cardfile import load_card
from esimctl.transport.simulated import SimTransport

DOCOMO, AU, SOFTBANK, RAKUTEN, IIJ = ("8981100123456789017", "8981300123456789023", "8981200123456789032",
                                      "8981110123456789049", "8981030123456789053")
TEST, BOOTSTRAP = "89001000000000000010", "8982000000000000001"


def open_euicc(card: SimulatedCard) -> Iterator[Euicc]:
    card.attach()
    with Session(SimTransport(card, "sim")) as session:
        yield Euicc(session)


@pytest.fixture
def card(demo_card: Path, tmp_path: Path) -> SimulatedCard:
    return SimulatedCard.open(demo_card, tmp_path / "state.yaml")


@pytest.fixture
def euicc(card: SimulatedCard) -> Iterator[Euicc]:
    yield from open_euicc(card)


def states(euicc: Euicc) -> dict[str, str]:
    return {p.iccid: p.profile_state.name for p in euicc.get_profiles_info()}  # type: ignore[union-attr]


def result_of(excinfo: pytest.ExceptionInfo[Es10Error]) -> str:
    return excinfo.value.result_name


def test_eid_and_profiles(euicc: Euicc) -> None:
    assert euicc.get_eid() == "89049032000000000000000000012385"
    s = states(euicc)
    assert s[DOCOMO] == "enabled" and list(s.values()).count("enabled") == 1


def test_enabling_disables_the_enabled_one(euicc: Euicc) -> None:
    euicc.enable_profile(AU)
    s = states(euicc)
    assert s[AU] == "enabled" and s[DOCOMO] == "disabled"


def test_enable_by_isdp_aid(euicc: Euicc) -> None:
    euicc.enable_profile(bytes.fromhex("A0000005591010FFFFFFFF8900001200"))
    assert states(euicc)[SOFTBANK] == "enabled"


@pytest.mark.parametrize("call,expected", [
    (lambda e: e.enable_profile(DOCOMO), "profileNotInDisabledState"),
    (lambda e: e.enable_profile("8981000000000000000"), "iccidOrAidNotFound"),
    (lambda e: e.disable_profile(AU), "profileNotInEnabledState"),
    (lambda e: e.disable_profile("8981000000000000000"), "iccidOrAidNotFound"),
    (lambda e: e.delete_profile(DOCOMO), "profileNotInDisabledState"),
    (lambda e: e.delete_profile("8981000000000000000"), "iccidOrAidNotFound"),
    (lambda e: e.delete_profile(BOOTSTRAP), "disallowedByPolicy"),  # PPR2
    (lambda e: e.set_nickname("8981000000000000000", "x"), "iccidNotFound"),
])
def test_refusals_carry_named_result_codes(euicc: Euicc, call, expected: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Es10Error) as excinfo:
        call(euicc)
    assert result_of(excinfo) == expected
    assert excinfo.value.exit_code == 4


def test_ppr1_forbids_disabling_and_switching_away(card: SimulatedCard) -> None:
    card.state.profiles[0].pprs = frozenset({"ppr1"})
    for euicc in open_euicc(card):
        with pytest.raises(Es10Error) as excinfo:
            euicc.disable_profile(DOCOMO)
        assert result_of(excinfo) == "disallowedByPolicy"
        with pytest.raises(Es10Error) as excinfo:
            euicc.enable_profile(AU)
        assert result_of(excinfo) == "disallowedByPolicy"
        assert states(euicc)[DOCOMO] == "enabled"


def test_cat_busy_until_reset(card: SimulatedCard) -> None:
    card.state.cat_busy = True
    for euicc in open_euicc(card):
        with pytest.raises(Es10Error) as excinfo:
            euicc.enable_profile(AU)
        assert result_of(excinfo) == "catBusy"
        euicc.session.reset_card()
        euicc.enable_profile(AU)
        assert states(euicc)[AU] == "enabled"


def test_delete_disabled_profile(euicc: Euicc) -> None:
    euicc.delete_profile(RAKUTEN)
    assert RAKUTEN not in states(euicc)


def test_nickname_set_clear_and_limit(euicc: Euicc) -> None:
    euicc.set_nickname(SOFTBANK, "家族用")
    infos = {p.iccid: p for p in euicc.get_profiles_info()}
    assert infos[SOFTBANK].profile_nickname == "家族用"
    euicc.set_nickname(SOFTBANK, "")
    assert {p.iccid: p for p in euicc.get_profiles_info()}[SOFTBANK].profile_nickname is None
    from esimctl.apdu.link import StatusWordError

    with pytest.raises(StatusWordError) as excinfo:
        euicc.set_nickname(SOFTBANK, "x" * 65)
    assert excinfo.value.sw == 0x6A80


def test_search_criteria_and_tag_list(euicc: Euicc) -> None:
    tests = euicc.get_profiles_info(search=m.SearchCriteria(profile_class=ProfileClass.test))
    assert [p.iccid for p in tests] == [TEST]
    one = euicc.get_profiles_info(search=m.SearchCriteria(iccid=AU), tags=[0x5A, 0x9F70])
    assert len(one) == 1 and one[0].iccid == AU and one[0].profile_state == ProfileState.disabled
    assert one[0].profile_name is None and one[0].service_provider_name is None  # not asked for
    assert euicc.get_profiles_info(search=m.SearchCriteria(iccid="8981000000000000000")) == []


def test_icons_only_when_asked(euicc: Euicc) -> None:
    plain = {p.iccid: p for p in euicc.get_profiles_info()}
    assert plain[DOCOMO].icon is None
    full = {p.iccid: p for p in euicc.get_profiles_info(tags=None)}
    assert full[DOCOMO].icon is not None and full[DOCOMO].icon.startswith(b"\x89PNG")
    assert full[DOCOMO].icon_type is not None and full[DOCOMO].icon_type.name == "png"


def test_profile_classes_and_owner(euicc: Euicc) -> None:
    infos = {p.iccid: p for p in euicc.get_profiles_info()}
    assert infos[TEST].profile_class == ProfileClass.test
    assert infos[BOOTSTRAP].profile_class == ProfileClass.provisioning
    assert infos[DOCOMO].profile_class == ProfileClass.operational
    assert infos[DOCOMO].profile_owner is not None
    assert infos[DOCOMO].profile_owner.mcc_mnc == bytes.fromhex("44F001")
    assert infos[BOOTSTRAP].profile_policy_rules == {"ppr2"}


def test_memory_reset_options(card: SimulatedCard) -> None:
    for euicc in open_euicc(card):
        euicc.set_default_dp_address("smdp.example")
        with pytest.raises(Es10Error) as excinfo:  # the demo's test profile is pre-loaded
            euicc.memory_reset({"deleteFieldLoadedTestProfiles"})
        assert result_of(excinfo) == "nothingToDelete"
        assert TEST in states(euicc)
        euicc.memory_reset({"deletePreLoadedTestProfiles"})
        assert TEST not in states(euicc)
        euicc.memory_reset({"deleteOperationalProfiles", "resetDefaultSmdpAddress"})
        assert set(states(euicc)) == {BOOTSTRAP}  # the enabled profile goes too: PPRs do not apply
        assert euicc.get_configured_addresses().default_dp_address is None
        with pytest.raises(Es10Error) as excinfo:
            euicc.memory_reset({"deleteOperationalProfiles"})
        assert result_of(excinfo) == "nothingToDelete"


def test_notifications_follow_each_profile_configuration(euicc: Euicc) -> None:
    euicc.enable_profile(AU)  # docomo: disable; au: enable
    euicc.enable_profile(SOFTBANK)  # au: disable; SoftBank configures install/delete only
    euicc.delete_profile(AU)  # au: delete
    euicc.delete_profile(RAKUTEN)
    items = euicc.list_notifications()
    seen = [(n.seq_number, sorted(n.profile_management_operation or ())[0], n.iccid) for n in items]
    assert seen == [(0, "notificationDisable", DOCOMO), (1, "notificationEnable", AU),
                    (2, "notificationDisable", AU), (3, "notificationDelete", AU),
                    (4, "notificationDelete", RAKUTEN)]
    euicc.remove_notification(0)  # seqNumber 0 is valid
    assert [n.seq_number for n in euicc.list_notifications()] == [1, 2, 3, 4]
    with pytest.raises(Es10Error):
        euicc.remove_notification(0)


def test_configured_addresses_and_rat(euicc: Euicc) -> None:
    addresses = euicc.get_configured_addresses()
    assert addresses.default_dp_address is None and addresses.root_ds_address == "lpa.ds.gsma.com"
    euicc.set_default_dp_address("rsp.example.com")
    assert euicc.get_configured_addresses().default_dp_address == "rsp.example.com"
    rat = euicc.get_rat()
    assert rat[0].ppr_ids == {"ppr1", "ppr2"} and rat[0].ppr_flags == {"consentRequired"}
    info1 = euicc.get_euicc_info1()
    assert info1.svn == "2.3.0" and len(info1.euicc_ci_pkid_list_for_verification or []) == 2


def test_state_persists_and_reloads(card: SimulatedCard, tmp_path: Path, demo_card: Path) -> None:
    for euicc in open_euicc(card):
        euicc.enable_profile(AU)
        euicc.set_nickname(IIJ, "データ")
    again = SimulatedCard.open(demo_card, tmp_path / "state.yaml")
    assert again.state.enabled().iccid == AU  # type: ignore[union-attr]
    assert {p.iccid: p.nickname for p in again.state.profiles}[IIJ] == "データ"
    # A state file is a card file: it loads on its own.
    assert load_card(tmp_path / "state.yaml").eid == card.state.eid
    assert yaml.safe_load((tmp_path / "state.yaml").read_text())["profiles"][1]["state"] == "enabled"


def test_operational_class_is_left_out_on_the_wire_and_restored_by_the_client(card: SimulatedCard) -> None:
    # DER leaves out profileClass when it is the DEFAULT (operational); the client fills it back in.
    assert m.ProfileInfoListResponse.decode(card.isdr.get_profiles_info(
        m.ProfileInfoListRequest(tag_list=bytes([0x5A, 0x95]))).data).profile_info_list_ok[0].profile_class is None
    for euicc in open_euicc(card):
        infos = {p.iccid: p for p in euicc.get_profiles_info()}
        assert infos[DOCOMO].profile_class == ProfileClass.operational
        assert euicc.get_profiles_info(tags=[0x5A])[0].profile_class is None  # not asked for: unknown
