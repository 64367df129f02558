"""`esimctl plans …`, run through click's CliRunner on the group (and once through the root CLI).

The shipped catalogue is replaced by the good fixtures, so these tests do not move when the
data does; the shipped data has its own test file.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from esimctl.catalogue import CatalogueError, load_dirs, match_in
from esimctl.cli.plans import plans, render_match
from esimctl.errors import EsimctlError, ExitCode, UsageError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _fixed_world(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("esimctl.catalogue.loading.shipped_dir", lambda: GOOD)
    monkeypatch.setattr("esimctl.cli.plans.today", lambda: TODAY)
    monkeypatch.delenv("ESIMCTL_CATALOGUE", raising=False)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    error: EsimctlError | None

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str, group: click.Group = plans) -> Run:
    """Invoke like the root CLI does: an EsimctlError becomes its exit code, never a traceback."""
    result = CliRunner().invoke(group, list(args))
    error = result.exception if isinstance(result.exception, EsimctlError) else None
    if result.exception is not None and error is None and not isinstance(result.exception, SystemExit):
        raise result.exception
    code = int(error.exit_code) if error else result.exit_code
    return Run(code, result.stdout, result.stderr, error)


# -- list -------------------------------------------------------------------------------------------


def test_list_shows_one_row_per_plan_with_sharing_at_a_glance() -> None:
    result = run("list")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["BRAND", "PLAN", "NAME", "ESIM", "V/D", "OPEN", "SHARING"]
    rows = {line.split()[1]: line for line in lines[1:6]}
    assert set(rows) == {"hoshi-giga", "hoshi-old", "kumo-lite-20", "kumo-max", "yama-unlimited"}
    assert rows["kumo-max"].split() == ["kumo", "kumo-max", "Kumo", "MAX", "yes/no", "yes",
                                        "pool≤10", "disc", "watch", "teth"]
    assert rows["hoshi-giga"].split()[-3:] == ["pool≤5(eSIM?)", "gift", "teth?"]
    assert "disc  family discount: a price cut, not sharing" in result.stdout


def test_list_marks_plans_that_rest_on_stale_sources() -> None:
    result = run("list")
    assert "hoshi-giga *" in result.stdout
    assert "kumo-max *" not in result.stdout
    assert "*: rests on a source checked before 2025-11-24" in result.stdout
    assert "warning: 1 source behind these facts was checked more than 12 months ago" in result.stderr
    assert ": hoshi;" in result.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (["--brand", "hoshi"], ["hoshi-giga", "hoshi-old"]),
    (["--brand", "hoshi", "--brand", "yama"], ["hoshi-giga", "hoshi-old", "yama-unlimited"]),
    (["--share", "data-pool"], ["hoshi-giga", "hoshi-old", "kumo-max"]),
    (["--share", "number-share"], ["kumo-max", "yama-unlimited"]),
    (["--share", "data-pool", "--open"], ["hoshi-giga", "kumo-max"]),
    (["--esim"], ["hoshi-giga", "hoshi-old", "kumo-lite-20", "kumo-max", "yama-unlimited"]),
    (["--share", "data-gift", "--esim", "--open"], ["hoshi-giga"]),
])
def test_list_filters(args: list[str], expected: list[str]) -> None:
    result = run("list", *args, "--json")
    assert result.code == 0
    assert sorted(plan["id"] for plan in result.json()["data"]["plans"]) == expected


def test_list_json_names_the_stale_sources() -> None:
    stale = run("list", "--json", "--brand", "hoshi").json()["data"]["stale_sources"]
    assert stale == [{"brand": "hoshi", "id": "hoshi-share", "url": "https://hoshi.example/share",
                      "kind": "operator", "title": "データシェア", "checked": "2025-06-30", "stale": True}]


def test_list_says_when_nothing_matches() -> None:
    result = run("list", "--brand", "kumo-lite", "--share", "data-pool")
    assert (result.code, result.stdout) == (0, "no plan matches\n")


def test_list_with_an_unknown_brand_is_a_usage_error() -> None:
    result = run("list", "--brand", "nosuch")
    assert result.code == ExitCode.USAGE
    assert isinstance(result.error, UsageError)
    assert result.error.message == "no brand 'nosuch' in the catalogue"
    assert result.error.hint is not None and "kumo" in result.error.hint


def test_list_json_is_one_document_with_sourced_facts() -> None:
    document = run("list", "--json", "--brand", "kumo").json()
    assert (document["schema"], document["command"], document["ok"]) == ("esimctl/1", "plans list", True)
    (plan,) = document["data"]["plans"]
    assert document["data"]["stale_sources"] == []
    assert plan["glance"] == "pool≤10 disc watch teth"
    pool = plan["sharing"]["data-pool"]
    assert pool["max_lines"]["value"] == 10
    assert pool["max_lines"]["source"]["url"] == "https://kumo.example/share"
    assert pool["max_lines"]["source"]["checked"] == "2026-10-01"
    assert plan["sharing"]["tethering"]["cap"] == {
        "value": None, "known": False, "source": None, "note": "the page does not state a cap",
        "conflicts": [], "stale": False}


def test_json_from_the_root_group_is_honoured() -> None:
    @click.group()
    @click.option("--json", "as_json", is_flag=True)
    def root(as_json: bool) -> None:
        """Stands in for the esimctl root group."""

    root.add_command(plans)
    result = run("--json", "plans", "answer", group=root)
    assert result.code == 0
    assert result.json()["command"] == "plans answer"


# -- show -------------------------------------------------------------------------------------------


def test_show_a_brand_lists_every_fact_with_its_source_and_the_unknowns() -> None:
    result = run("show", "kumo")
    assert result.code == 0
    out = result.stdout
    assert out.startswith("Kumo / クモ  (brand kumo, mno, jp)")
    assert "company" in out and "株式会社クモ通信  — https://kumo.example/company (checked 2026-10-01)" in out
    assert "max_lines   10  — https://kumo.example/share (checked 2026-10-01)" in out
    assert "older source says: 最大550円/月  — https://kumo.example/old (checked 2024-05-01 STALE)" in out
    assert "cap      unknown (the page does not state a cap)" in out
    assert "unknown: family-discount.feature, family-discount.max_lines, number-share.feature," in out
    # what is not offered shows no details to be unknown about
    assert "data-gift\n    offered  no  — https://kumo.example/share (checked 2026-10-01)\n  family-discount" in out
    assert "  kumo-old: 旧料金 [operator]  https://kumo.example/old (checked 2024-05-01 STALE)" in out


def test_show_a_plan_and_its_stale_sources() -> None:
    result = run("show", "hoshi-giga")
    assert result.code == 0
    assert "plan hoshi-giga: Giga / ギガ" in result.stdout
    assert "plan hoshi-old" not in result.stdout
    assert "https://hoshi.example/share (checked 2025-06-30 STALE)" in result.stdout
    assert "esim_lines  unknown (the FAQ does not say whether eSIM lines may join)" in result.stdout
    assert "warning:" in result.stderr


def test_show_json() -> None:
    document = run("show", "hoshi-old", "--json").json()
    data = document["data"]
    assert (data["id"], [plan["id"] for plan in data["plans"]]) == ("hoshi", ["hoshi-old"])
    assert data["identifiers"]["gid1"][0]["value"] == "4B4D"
    assert [source["id"] for source in data["stale_sources"]] == ["hoshi-share"]


def test_show_an_unknown_id_suggests_close_ones() -> None:
    result = run("show", "kum")
    assert result.code == ExitCode.USAGE
    assert result.error is not None
    assert result.error.message == "no brand or plan 'kum' in the catalogue"
    assert result.error.hint == "did you mean: kumo-lite, kumo, kumo-lite-20, kumo-max"


# -- answer -----------------------------------------------------------------------------------------


def test_answer_text_is_plain_and_sourced() -> None:
    result = run("answer")
    assert result.code == 0
    out = result.stdout
    assert out.startswith("Q: Can a household share mobile data across devices on eSIM in Japan?\nA: Yes: ")
    assert "Only a family discount: a price cut, not sharing:" in out
    assert "Share a phone number with a watch or tablet, not data:" in out
    assert "      offered, esim_lines, max_lines, who, fee: https://kumo.example/share (checked 2026-10-01)" in out
    assert "Pool data, but eSIM lines may not join:\n  - HOSHI mobile Old plan (closed to new sign-ups)" in out
    assert "      unknown: fee\n" in out
    assert "(checked 2025-06-30, STALE)" in out
    assert "No source says whether they pool data:\n  none in the catalogue" in out


def test_answer_json() -> None:
    data = run("answer", "--json").json()["data"]
    assert data["as_of"] == "2026-11-24"
    sections = {section["key"]: section for section in data["sections"]}
    (claim,) = sections["pool-esim"]["claims"]
    assert claim["plan"] == "kumo-max"
    assert all(item["url"] for item in claim["evidence"] if item["known"])


# -- check ------------------------------------------------------------------------------------------


def test_check_passes_on_a_clean_catalogue_with_a_summary() -> None:
    result = run("check")
    assert result.code == 0
    assert result.stdout == ("4 files, 4 brands, 5 plans, 106 facts (29 unknown): ok; "
                             "1 source checked more than 12 months ago\n")


def test_check_prints_every_error_and_exits_with_the_data_code(tmp_path: Path) -> None:
    for name in ("wrong-type", "yaml-syntax", "future-date"):
        shutil.copy(BROKEN / f"{name}.yaml", tmp_path)
    shutil.copy(GOOD / "jp" / "yama.yaml", tmp_path)
    result = run("check", str(tmp_path))
    assert result.code == ExitCode.DATA == 6
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{tmp_path / 'future-date.yaml'}:16: sources.top.checked: "
                        "2999-01-01 is in the future (today is 2026-11-24)")
    assert lines[1] == (f"{tmp_path / 'wrong-type.yaml'}:26: plans[0].sharing[0].max_lines: "
                        "expected an integer, got 'ten'")
    assert lines[2].startswith(f"{tmp_path / 'yaml-syntax.yaml'}:23: <yaml>: did not find expected ',' or '}}'")
    assert lines[3] == "4 files, 1 brand, 1 plan, 21 facts (4 unknown): 3 errors"
    assert isinstance(result.error, CatalogueError)
    assert result.error.message == "the plan catalogue has 3 errors"
    assert "Traceback" not in result.stdout + result.stderr


def test_check_json_leaves_the_errors_to_the_error_document(tmp_path: Path) -> None:
    shutil.copy(BROKEN / "bad-enum.yaml", tmp_path)
    result = run("check", "--json", str(tmp_path))
    assert result.code == ExitCode.DATA
    assert result.stdout == ""
    assert result.error is not None
    details = result.error.details()
    assert details["errors"] == [{"file": str(tmp_path / "bad-enum.yaml"), "line": 27,
                                  "field": "plans[0].sharing[0].who",
                                  "message": "expected one of same-account, family, anyone; got 'household'"}]
    assert details["summary"] == {"files": 1, "brands": 0, "plans": 0, "facts": 0, "unknowns": 0}


def test_check_json_when_clean() -> None:
    data = run("check", "--json").json()["data"]
    assert data["ok"] is True and data["errors"] == []
    assert data["summary"]["brands"] == 4


def test_check_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nowhere"))
    assert result.code == ExitCode.USAGE
    assert result.error is not None and "is not a directory" in result.error.message


def test_a_user_directory_overrides_and_a_bad_one_is_reported(tmp_path: Path) -> None:
    text = (GOOD / "jp" / "yama.yaml").read_text(encoding="utf-8").replace("en: Unlimited}", "en: Unlimited 2}")
    (tmp_path / "yama.yaml").write_text(text, encoding="utf-8")
    result = run("list", "--catalogue", str(tmp_path), "--brand", "yama")
    assert "Unlimited 2" in result.stdout
    missing = run("list", "--catalogue", str(tmp_path / "nowhere"))
    assert missing.code == ExitCode.USAGE
    assert missing.error is not None and "nowhere" in missing.error.message


def test_commands_refuse_a_broken_catalogue_with_file_and_line(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(BROKEN / "yaml-syntax.yaml", tmp_path)
    monkeypatch.setenv("ESIMCTL_CATALOGUE", str(tmp_path))
    for command in (["list"], ["show", "kumo"], ["answer"]):
        result = run(*command)
        assert result.code == ExitCode.DATA
        assert result.error is not None
        assert "yaml-syntax.yaml:23: <yaml>: did not find expected" in result.error.message


# -- through the root command -----------------------------------------------------------------------


def test_through_the_root_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        from esimctl.cli.main import run as esimctl
    except Exception as error:  # the root CLI is a colleague's, still being written
        pytest.skip(f"esimctl.cli.main does not import yet: {error}")
    shutil.copy(BROKEN / "wrong-type.yaml", tmp_path)
    assert esimctl(["plans", "check", str(tmp_path)]) == ExitCode.DATA
    out, err = capsys.readouterr()
    assert "wrong-type.yaml:26: plans[0].sharing[0].max_lines: expected an integer, got 'ten'" in out
    assert "error: the plan catalogue has 1 error" in err
    assert esimctl(["--json", "plans", "list", "--brand", "yama"]) == 0
    out, _ = capsys.readouterr()
    assert [plan["id"] for plan in json.loads(out)["data"]["plans"]] == ["yama-unlimited"]


def test_render_match_explains_one_profile() -> None:
    catalogue = load_dirs([GOOD], today=TODAY)
    lines = render_match(match_in(catalogue, mcc_mnc="440-10", iccid="8981100999000000001"))
    assert lines[0] == "operator: HOSHI mobile / ほしモバイル (brand hoshi; identified)"
    assert "  why: ICCID prefix 8981100999 is listed for HOSHI mobile" in lines
    assert any(line.split()[:2] == ["hoshi-giga", "*"] for line in lines)
    assert lines[-1] == "every fact and its source: esimctl plans show hoshi"
    network = render_match(match_in(catalogue, mcc_mnc="44010"))
    assert network[0] == "operator: Kumo / クモ (brand kumo; network only: the brand cannot be told for certain)"
    assert "  could also be: kumo-lite, hoshi" in network
    assert render_match(None) == [
        "operator: not in the plan catalogue (no MCC-MNC, GID1, ICCID prefix or SPN fits)"]
