"""Every CLI command against the simulated card: output, JSON, exit codes, and error paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DOCOMO, AU, SOFTBANK, RAKUTEN = ("8981100123456789017", "8981300123456789023", "8981200123456789032",
                                 "8981110123456789049")
BOOTSTRAP = "8982000000000000001"
SIM = ("--reader", "sim")


def states(esimctl) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "--json", "profile", "list")
    assert r.code == 0, r.err
    return {p["iccid"]: p["profileState"] for p in r.json()["data"]["profiles"]}


def test_profile_list_table(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "list")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split()[:3] == ["ICCID", "STATE", "NICKNAME"]
    docomo = next(line for line in lines if line.startswith(DOCOMO))
    assert "enabled" in docomo and "NTT DOCOMO" in docomo and "operational" in docomo
    assert "ICON" not in lines[0]


def test_profile_list_json_schema(esimctl) -> None:  # type: ignore[no-untyped-def]
    doc = esimctl(*SIM, "--json", "profile", "list").json()
    assert doc["schema"] == "esimctl/1" and doc["ok"] is True and doc["command"] == "profile list"
    assert doc["reader"] == "sim"
    first = doc["data"]["profiles"][0]
    assert first["iccid"] == DOCOMO and first["profileState"] == "enabled"
    assert first["profileClass"] == "operational" and first["profileOwner"]["mccMnc"] == "440-10"
    assert "icon" not in first


def test_profile_list_icons(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "list", "--icons")
    assert "ICON" in r.out.splitlines()[0] and "png" in r.out
    assert "icon" in esimctl(*SIM, "--json", "profile", "list", "--icons").json()["data"]["profiles"][0]


def test_switch_then_list_and_state_persists(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "switch", AU)
    assert r.code == 0, r.err
    assert "switched to" in r.out and "card reset" in r.out
    assert "disabled" in r.out and "->" in r.out
    s = states(esimctl)
    assert s[AU] == "enabled" and s[DOCOMO] == "disabled"
    again = esimctl(*SIM, "profile", "switch", AU)
    assert again.code == 0 and "already" in again.out


def test_switch_by_nickname_json(esimctl) -> None:  # type: ignore[no-untyped-def]
    doc = esimctl(*SIM, "--json", "profile", "switch", "RAKUTEN").json()  # nicknames match case-insensitively
    assert doc["data"]["target"] == RAKUTEN and doc["data"]["cardReset"] is True
    after = {p["iccid"]: p["profileState"] for p in doc["data"]["after"]}
    assert after[RAKUTEN] == "enabled"


def test_enable_disable(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "enable", SOFTBANK)
    assert r.code == 0 and "enabled" in r.out
    assert states(esimctl)[SOFTBANK] == "enabled"
    assert esimctl(*SIM, "profile", "disable", SOFTBANK).code == 0
    assert "enabled" not in states(esimctl).values()


def test_enable_by_aid(esimctl) -> None:  # type: ignore[no-untyped-def]
    assert esimctl(*SIM, "profile", "enable", "A0000005591010FFFFFFFF8900001200").code == 0
    assert states(esimctl)[SOFTBANK] == "enabled"


def test_delete_asks_first(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "delete", RAKUTEN, input="n\n")
    assert r.code == 1 and "Delete profile" in r.err and "aborted" in r.err
    assert RAKUTEN in states(esimctl)
    r = esimctl(*SIM, "profile", "delete", RAKUTEN, input="y\n")
    assert r.code == 0 and "deleted" in r.out
    assert RAKUTEN not in states(esimctl)


def test_delete_with_yes_and_no_stdin(esimctl) -> None:  # type: ignore[no-untyped-def]
    assert esimctl(*SIM, "profile", "delete", "au travel").code == 1  # EOF on the question: nothing deleted
    assert AU in states(esimctl)
    assert esimctl(*SIM, "profile", "delete", "--yes", "au travel").code == 0
    assert AU not in states(esimctl)


def test_nickname_set_and_clear(esimctl) -> None:  # type: ignore[no-untyped-def]
    assert esimctl(*SIM, "profile", "nickname", SOFTBANK, "家族のタブレット").code == 0
    r = esimctl(*SIM, "profile", "list")
    assert "家族のタブレット" in r.out
    assert esimctl(*SIM, "profile", "nickname", "家族のタブレット").code == 0  # by nickname, cleared
    assert "家族のタブレット" not in esimctl(*SIM, "profile", "list").out


@pytest.mark.parametrize("args,code,message", [
    (("profile", "enable", "12345"), 2, "not an ICCID"),
    (("profile", "enable", "nosuch"), 2, "no profile matches 'nosuch'. Profiles on the card: 8981100123456789017"),
    (("profile", "delete", "--yes", DOCOMO), 4, "profileNotInDisabledState"),
    (("profile", "delete", "--yes", BOOTSTRAP), 4, "disallowedByPolicy"),
    (("profile", "disable", AU), 4, "profileNotInEnabledState"),
    (("profile", "enable", DOCOMO), 4, "profileNotInDisabledState"),
    (("profile", "nickname", SOFTBANK, "x" * 65), 2, "at most 64 bytes"),
    (("profile", "enable", "8981000000000000000"), 4, "iccidOrAidNotFound"),
    (("--mss", "3", "profile", "list"), 2, "--mss"),
    (("--isdr-aid", "zz", "profile", "list"), 2, "not hex"),
    (("--isdr-aid", "A000000559", "profile", "list"), 5, "no application A000000559"),
    (("profile", "frobnicate"), 2, "No such command"),
])
def test_error_paths(esimctl, args: tuple[str, ...], code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, *args)
    assert r.code == code, (r.out, r.err)
    assert message in r.err
    assert "Traceback" not in r.err


def test_luhn_mismatch_is_a_warning(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "enable", "8981000000000000001")
    assert "fails the Luhn check" in r.err
    assert r.code == 4  # then the card, not esimctl, says it is unknown


def test_json_error_document(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "--json", "profile", "delete", "--yes", DOCOMO)
    assert r.code == 4 and r.out == ""
    err = r.error_json()
    assert err["ok"] is False and err["error"]["code"] == "card-refused" and err["command"] == "profile delete"
    assert err["error"]["result"] == "profileNotInDisabledState" and err["error"]["resultCode"] == 2
    assert err["error"]["exitCode"] == 4 and err["error"]["function"] == "DeleteProfile"
    usage = esimctl(*SIM, "--json", "profile", "enable", "123")
    assert usage.code == 2 and usage.error_json()["error"]["code"] == "usage"


def test_chip_info(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "chip", "info")
    assert r.code == 0
    for text in ("89049032000000000000000000012385", "SGP.22 v2.3.0", "402112 bytes", "basicEuicc",
                 "81370F5125D0B1D408D4C3B232E6D25E795BEBFB", "lpa.ds.gsma.com", "RAT rule 1", "DEMO-SAS-0001"):
        assert text in r.out
    doc = esimctl(*SIM, "--json", "chip", "info").json()["data"]
    assert doc["eid"] == "89049032000000000000000000012385"
    assert doc["euiccInfo2"]["extCardResource"]["freeNonVolatileMemory"] == 402112
    assert doc["rat"][0]["allowedOperators"][0]["mccMnc"] == "EEE-EE"


def test_default_dp(esimctl) -> None:  # type: ignore[no-untyped-def]
    assert "(none)" in esimctl(*SIM, "chip", "default-dp").out
    assert esimctl(*SIM, "chip", "default-dp", "rsp.example.com").code == 0
    assert "rsp.example.com" in esimctl(*SIM, "chip", "default-dp").out
    assert esimctl(*SIM, "chip", "default-dp", "--clear").code == 0
    assert "(none)" in esimctl(*SIM, "chip", "default-dp").out
    assert esimctl(*SIM, "chip", "default-dp", "bad host").code == 2


def test_chip_reset_asks_and_deletes(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "chip", "reset", input="n\n")
    assert r.code == 1 and DOCOMO in r.err  # the question lists what would go
    assert len(states(esimctl)) == 7
    r = esimctl(*SIM, "chip", "reset", "--yes")
    assert r.code == 0
    assert set(states(esimctl)) == {"89001000000000000010", BOOTSTRAP}  # pre-loaded test, provisioning stay
    r = esimctl(*SIM, "chip", "reset", "--yes", "--operational")
    assert r.code == 4 and "nothingToDelete" in r.err


def test_chip_reset_options(esimctl, demo_card: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    refused = esimctl(*SIM, "chip", "reset", "--yes", "--preloaded-test")
    assert refused.code == 2 and "need an SGP.22 v3 eUICC; this card reports SVN 2.3.0" in refused.err
    data = yaml.safe_load(demo_card.read_text())
    data["euicc_info"]["svn"] = "3.1.0"
    card = tmp_path / "v3.yaml"
    card.write_text(yaml.safe_dump(data, allow_unicode=True))
    reader = ("--reader", f"sim:{card}")
    doc = esimctl(*reader, "--json", "chip", "reset", "--yes", "--preloaded-test", "--provisioning").json()
    assert doc["data"]["resetOptions"] == ["deletePreLoadedTestProfiles", "deleteProvisioningProfiles"]
    r = esimctl(*reader, "--json", "profile", "list")
    s = {p["iccid"] for p in r.json()["data"]["profiles"]}
    assert "89001000000000000010" not in s and BOOTSTRAP not in s and DOCOMO in s


def test_notification_list(esimctl) -> None:  # type: ignore[no-untyped-def]
    assert "no pending notifications" in esimctl(*SIM, "notification", "list").out
    esimctl(*SIM, "profile", "switch", AU)
    r = esimctl(*SIM, "notification", "list")
    assert "Disable" in r.out and "smdp.docomo.example" in r.out and "smdp.au.example" in r.out


def test_sim_reset_restores_demo(esimctl) -> None:  # type: ignore[no-untyped-def]
    esimctl(*SIM, "profile", "switch", AU)
    r = esimctl("sim", "reset")
    assert r.code == 0 and "discarded" in r.out
    assert states(esimctl)[DOCOMO] == "enabled"
    assert "already" in esimctl("sim", "reset").out


def test_custom_card_file(esimctl, demo_card: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(demo_card.read_text())
    data["profiles"] = data["profiles"][:2]
    card = tmp_path / "two.yaml"
    card.write_text(yaml.safe_dump(data))
    r = esimctl("--reader", f"sim:{card}", "--json", "profile", "list")
    assert [p["iccid"] for p in r.json()["data"]["profiles"]] == [DOCOMO, AU]
    assert r.json()["reader"] == f"sim:{card}"


@pytest.mark.parametrize("content,where", [
    ("eid: '123'\n", "eid"),
    ("eid: '89049032000000000000000000012385'\nprofiles: [{iccid: '8981', isdp_aid: 'A0'}]\n", "profiles[0].iccid"),
    ("eid: '89049032000000000000000000012385'\nbogus: 1\n", "bogus"),
    ("eid: [unclosed\n", ":2"),
    ("- a\n- b\n", "(top level): expected a mapping"),
    ("eid: '89049032000000000000000000012385'\neuicc_info: {ci_pkids_verification: [zz]}\n",
     "euicc_info.ci_pkids_verification[0]: 'zz' is not hex"),
    ("eid: '89049032000000000000000000012385'\nprofiles: [{iccid: '8981100123456789017', isdp_aid: 'A0'}]\n",
     "profiles[0].isdp_aid: expected 5 to 16 bytes"),
    ("eid: '89049032000000000000000000012385'\neuicc_info: {rsp_capability: [{a: 1}]}\n",
     "euicc_info.rsp_capability: expected names"),
    ("eid: '89049032000000000000000000012385'\neuicc_info: {svn: a.b}\n", "euicc_info.svn: 'a.b' is not a version"),
    ("eid: '89049032000000000000000000012385'\neuicc_info: {free_nvm: -1}\n", "euicc_info.free_nvm: -1 is negative"),
    ("eid: '89049032000000000000000000012385'\nactive_iccid: abc\n", "active_iccid: ICCID 'abc'"),
    ("eid: '89049032000000000000000000012385'\nprofiles: [{iccid: '8981100123456789017', isdp_aid: "
     "'A0000005591010FFFFFFFF8900001000', provider: '" + "x" * 33 + "'}]\n", "profiles[0].provider: longer than 32"),
    ("eid: '89049032000000000000000000012385'\nnotifications: [{seq_number: 0, operation: enable, address: a, "
     "iccid: xyz}]\n", "notifications[0].iccid"),
])
def test_broken_card_file(esimctl, tmp_path: Path, content: str, where: str) -> None:  # type: ignore[no-untyped-def]
    card = tmp_path / "bad.yaml"
    card.write_text(content)
    r = esimctl("--reader", f"sim:{card}", "profile", "list")
    assert r.code == 6 and str(card) in r.err and where in r.err
    assert "Traceback" not in r.err


def test_missing_card_file(esimctl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = esimctl("--reader", f"sim:{tmp_path / 'none.yaml'}", "profile", "list")
    assert r.code == 6 and "does not exist" in r.err


def test_trace_prints_every_apdu(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "-v", "chip", "default-dp")
    sent = [line for line in r.err.splitlines() if line.startswith("-> ")]
    assert sent[0] == "-> 0070000001" and sent[-1] == "-> 01708001"
    assert len(sent) == 4


def test_reader_env_variable(esimctl, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ESIMCTL_READER", "sim")
    assert esimctl("--json", "profile", "list").json()["reader"] == "sim"


def test_help_never_touches_a_reader(esimctl, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ESIMCTL_READER", "no such reader anywhere")
    for args in (["--help"], ["profile", "--help"], ["profile", "switch", "--help"], ["chip", "reset", "--help"]):
        r = esimctl(*args)
        assert r.code == 0 and "Usage:" in r.out


def _run(*args: str, env_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESIMCTL_HOME": str(env_home)}
    return subprocess.run([sys.executable, "-m", "esimctl.cli.main", *args], capture_output=True, text=True,
                          env=env, timeout=60, stdin=subprocess.DEVNULL)


def test_real_process_exit_codes_without_traceback(tmp_path: Path) -> None:
    ok = _run("--reader", "sim", "profile", "list", env_home=tmp_path)
    assert ok.returncode == 0 and DOCOMO in ok.stdout
    bad = _run("--reader", "sim", "profile", "delete", "--yes", DOCOMO, env_home=tmp_path)
    assert bad.returncode == 4 and "Traceback" not in bad.stderr
    asks = _run("--reader", "sim", "profile", "delete", RAKUTEN, env_home=tmp_path)
    assert asks.returncode == 1 and "Traceback" not in asks.stderr


def test_corrupt_state_file_is_reported(esimctl, esimctl_home: Path) -> None:  # type: ignore[no-untyped-def]
    esimctl(*SIM, "profile", "switch", AU)
    state = next((esimctl_home / "sim").glob("*.state.yaml"))
    state.write_text("eid: [\n")
    r = esimctl(*SIM, "profile", "list")
    assert r.code == 6 and str(state) in r.err and "esimctl sim reset" in r.err
    assert esimctl("sim", "reset").code == 0
    assert esimctl(*SIM, "profile", "list").code == 0


def test_switch_retries_once_after_cat_busy(esimctl, demo_card: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(demo_card.read_text())
    data["cat_busy"] = True
    card = tmp_path / "busy.yaml"
    card.write_text(yaml.safe_dump(data, allow_unicode=True))
    reader = ("--reader", f"sim:{card}")
    assert esimctl(*reader, "profile", "enable", AU).code == 4  # plain enable: the card's answer stands
    r = esimctl(*reader, "profile", "switch", AU)
    assert r.code == 0 and "catBusy" in r.err and "switched to" in r.out
    assert {p["iccid"]: p["profileState"] for p in
            esimctl(*reader, "--json", "profile", "list").json()["data"]["profiles"]}[AU] == "enabled"


def test_profile_list_shows_operator_and_sharing(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "list")
    header = r.out.splitlines()[0]
    assert "OPERATOR" in header and "SHARING" in header
    rows = {line.split()[0]: line for line in r.out.splitlines()[1:] if line[:2].isdigit()}
    assert "docomo network" in rows[DOCOMO] and "au network" in rows[AU]
    assert "softbank network" in rows[SOFTBANK] and "Rakuten Mobile" in rows[RAKUTEN]
    assert "IIJmio" in rows["8981030123456789053"] and "pool≤10" in rows["8981030123456789053"]
    for iccid in (DOCOMO, AU, SOFTBANK, RAKUTEN, "8981030123456789053"):
        assert "disc" in rows[iccid] or "pool" in rows[iccid]  # every operator's sharing column is filled
    doc = esimctl(*SIM, "--json", "profile", "list").json()
    matches = {p["iccid"]: p["catalogueMatch"] for p in doc["data"]["profiles"]}
    assert matches[DOCOMO]["confidence"] == "network" and matches[DOCOMO]["brand"] == "docomo"
    assert "ahamo" in matches[DOCOMO]["possible"]
    assert matches["89001000000000000010"]["confidence"] == "none"


def test_profile_plans_explains_one_profile(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "plans", "iij data")
    assert r.code == 0
    assert "operator: IIJmio" in r.out and "iijmio-gigaplan" in r.out and "440-03" in r.out
    doc = esimctl(*SIM, "--json", "profile", "plans", DOCOMO).json()["data"]
    assert doc["catalogueMatch"]["network"] == "docomo" and doc["profile"]["iccid"] == DOCOMO
    none = esimctl(*SIM, "profile", "plans", "89001000000000000010")
    assert none.code == 0 and "not in the plan catalogue" in none.out


def test_broken_user_catalogue(esimctl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "cat"
    bad.mkdir()
    (bad / "x.yaml").write_text("schema: 1\nbrand: [\n")
    r = esimctl(*SIM, "profile", "list", "--catalogue", str(bad))
    assert r.code == 0 and "plan catalogue not used" in r.err and "OPERATOR" not in r.out
    r = esimctl(*SIM, "profile", "plans", DOCOMO, "--catalogue", str(bad))
    assert r.code == 6 and "x.yaml" in r.err


def test_unwritable_data_directory(esimctl, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ESIMCTL_HOME", "/dev/null/esimctl")
    r = esimctl(*SIM, "profile", "list")
    assert r.code == 6 and "cannot write the simulated card's state" in r.err and "ESIMCTL_HOME" in r.err


def test_falls_back_to_sim_only_without_pcsc(esimctl, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from esimctl.errors import NoReaderError, PcscUnavailableError
    from esimctl.transport import pcsc

    def unavailable(selector: str | None = None, **_: object) -> None:
        raise PcscUnavailableError("the PC/SC service (pcscd) is not running")

    monkeypatch.setattr(pcsc.PcscTransport, "open", unavailable)
    r = esimctl("profile", "list")
    assert r.code == 0 and "using the built-in simulated card" in r.err and DOCOMO in r.out

    def no_card(selector: str | None = None, **_: object) -> None:
        raise NoReaderError("no card in reader 'ACS ACR39U 00 00'")

    monkeypatch.setattr(pcsc.PcscTransport, "open", no_card)
    r = esimctl("profile", "delete", "--yes", SOFTBANK)
    assert r.code == 3 and "no card in reader" in r.err and "simulated" not in r.err
    assert SOFTBANK in states(esimctl)  # nothing happened to the simulated card either


def test_library_never_falls_back_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    import esimctl as lib
    from esimctl.errors import PcscUnavailableError
    from esimctl.transport import pcsc

    def unavailable(selector: str | None = None, **_: object) -> None:
        raise PcscUnavailableError("no smart-card reader found")

    monkeypatch.setattr(pcsc.PcscTransport, "open", unavailable)
    with pytest.raises(PcscUnavailableError), lib.open_euicc():
        pass


def test_switch_makes_an_enabled_but_not_live_profile_live(esimctl, esimctl_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert esimctl(*SIM, "profile", "enable", AU).code == 0
    state = next((esimctl_home / "sim").glob("*.state.yaml"))
    assert yaml.safe_load(state.read_text())["active_iccid"] == DOCOMO  # enabled, not yet live
    r = esimctl(*SIM, "profile", "switch", AU)
    assert r.code == 0 and "already the enabled profile; card reset: it is live" in r.out
    assert yaml.safe_load(state.read_text())["active_iccid"] == AU


@pytest.mark.parametrize("target,message", [
    ("²" * 18, "no profile matches"),  # not digits to esimctl: a nickname nobody has
    ("８９８１３００１２３４５６７８９０２３", "no profile matches"),  # full-width digits are not an ICCID
    ("09012345678", "a nickname made only of digits cannot be a TARGET"),
])
def test_odd_targets(esimctl, target: str, message: str) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "profile", "enable", target)
    assert r.code == 2 and message in r.err + (r.out or "")


def test_padded_iccid_and_spaced_nickname(esimctl) -> None:  # type: ignore[no-untyped-def]
    assert esimctl(*SIM, "profile", "enable", "8981200123456789032F").code == 0
    assert esimctl(*SIM, "profile", "nickname", RAKUTEN, "  spaced  ").code == 0
    assert esimctl(*SIM, "profile", "switch", "  spaced  ").code == 0
    assert states(esimctl)[RAKUTEN] == "enabled"


def test_arguments_that_are_not_utf8(esimctl) -> None:  # type: ignore[no-untyped-def]
    bad = b"caf\xff".decode("utf-8", "surrogateescape")
    r = esimctl(*SIM, "profile", "nickname", SOFTBANK, bad)
    assert r.code == 2 and "not valid UTF-8" in r.err
    r = esimctl(*SIM, "chip", "default-dp", f"smdp{bad}.example")
    assert r.code == 2 and "not a host name" in r.err
    r = esimctl("--reader", f"sim:/tmp/{bad}.yaml", "profile", "list")
    assert r.code == 6 and "does not exist" in r.err


def test_missing_catalogue_directory_does_not_hide_profiles(esimctl, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ESIMCTL_CATALOGUE", "/nonexistent-catalogue")
    r = esimctl(*SIM, "profile", "list")
    assert r.code == 0 and DOCOMO in r.out and "plan catalogue not used" in r.err


def test_sim_reset_unknown_card_file(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl("sim", "reset", "--card", "/nonexistent.yaml")
    assert r.code == 2 and "does not exist" in r.err


def test_per_command_json_flag_reports_errors_as_json(esimctl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.yaml").write_text("schema: 1\nbrand: [\n")
    r = esimctl("plans", "check", str(tmp_path), "--json")
    assert r.code == 6 and r.out == ""
    assert r.error_json()["error"]["errors"][0]["line"] == 3


def test_declined_question_as_json(esimctl) -> None:  # type: ignore[no-untyped-def]
    r = esimctl(*SIM, "--json", "profile", "delete", RAKUTEN, input="n\n")
    assert r.code == 1 and r.error_json()["error"]["code"] == "aborted"
