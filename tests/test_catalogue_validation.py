"""Validation of brand files: every mistake is reported as file:line: field: message."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esimctl.catalogue import CatalogueError, check_dirs, load_dirs
from esimctl.catalogue.brand_file import parse_brand_text, read_brand_file
from esimctl.errors import DataError, ExitCode

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"
BROKEN = FIXTURES / "broken"
GOOD = FIXTURES / "good"
TODAY = date(2026, 11, 24)


def _expectation(path: Path) -> tuple[int, str, str]:
    """Each broken fixture says what it expects: a `# expect: field | message` header, and
    `# <- here` on the line the error must point at."""
    lines = path.read_text(encoding="utf-8").splitlines()
    field, message = lines[0].removeprefix("# expect: ").split(" | ", 1)
    line = next(number for number, text in enumerate(lines, 1) if "# <- here" in text)
    return line, field, message


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.yaml")), ids=lambda path: path.stem)
def test_each_broken_fixture_reports_one_error_at_its_file_line_and_field(path: Path) -> None:
    line, field, message = _expectation(path)
    result = read_brand_file(path, today=TODAY)
    assert result.brand is None
    assert len(result.issues) == 1, [str(issue) for issue in result.issues]
    issue = result.issues[0]
    assert (issue.path, issue.line, issue.field) == (path, line, field)
    assert message in issue.message
    assert f"{path.name}:{line}: {field}: {issue.message}" in str(issue)


def test_the_broken_fixtures_cover_every_error_kind_of_the_brief() -> None:
    kinds = {path.stem for path in BROKEN.glob("*.yaml")}
    assert {"unknown-key", "wrong-type", "duplicate-source", "missing-source", "unknown-source",
            "future-date", "malformed-date", "bad-enum", "yaml-syntax", "missing-sharing-type",
            "repeated-sharing-type", "source-without-url"} <= kinds


def test_the_message_reads_like_the_schema_example() -> None:
    path = BROKEN / "wrong-type.yaml"
    issue = read_brand_file(path, today=TODAY).issues[0]
    assert str(issue).endswith(":26: plans[0].sharing[0].max_lines: expected an integer, got 'ten'")


def test_every_error_of_a_file_is_collected_not_just_the_first(tmp_path: Path) -> None:
    text = (GOOD / "jp" / "kumo.yaml").read_text(encoding="utf-8")
    text = text.replace("max_lines: {value: 10, src: kumo-share}", "max_lines: {value: ten, src: kumo-share}")
    text = text.replace("who: {value: family, src: kumo-share}", "who: {value: household, src: kumo-share}")
    text = text.replace("checked: 2024-05-01", "checked: 2999-05-01")
    text = text.replace("  kind: mno\n", "  kind: carrier\n  colour: blue\n")
    path = tmp_path / "kumo.yaml"
    path.write_text(text, encoding="utf-8")
    issues = read_brand_file(path, today=TODAY).issues
    fields = [issue.field for issue in issues]
    assert fields == ["brand.kind", "brand.colour", "sources.kumo-old.checked",
                      "plans[0].sharing[0].max_lines", "plans[0].sharing[0].who"]
    assert [issue.line for issue in issues] == sorted(issue.line for issue in issues)


def test_load_raises_a_data_error_carrying_every_issue(tmp_path: Path) -> None:
    for name in ("wrong-type", "bad-enum"):
        shutil.copy(BROKEN / f"{name}.yaml", tmp_path)
    with pytest.raises(CatalogueError) as caught:
        load_dirs([tmp_path], today=TODAY)
    error = caught.value
    assert isinstance(error, DataError)
    assert error.exit_code == ExitCode.DATA
    assert len(error.issues) == 2
    assert "2 errors in 2 files" in error.message
    assert "bad-enum.yaml:27: plans[0].sharing[0].who" in error.message
    assert [entry["field"] for entry in error.details()["errors"]] == [  # type: ignore[index]
        "plans[0].sharing[0].who", "plans[0].sharing[0].max_lines"]


def test_duplicate_brand_and_plan_ids_across_files_of_one_catalogue(tmp_path: Path) -> None:
    for country in ("jp", "kr"):
        (tmp_path / country).mkdir()
        shutil.copy(GOOD / "jp" / "yama.yaml", tmp_path / country / "yama.yaml")
    report = check_dirs([tmp_path], today=TODAY)
    messages = [str(issue) for issue in report.issues]
    assert len(messages) == 2
    assert messages[0] == (f"{tmp_path / 'kr' / 'yama.yaml'}:4: brand.id: brand id 'yama' is already used "
                           f"at {tmp_path / 'jp' / 'yama.yaml'}:4")
    assert messages[1] == (f"{tmp_path / 'kr' / 'yama.yaml'}:20: plans[0].id: plan id 'yama-unlimited' is "
                           f"already used at {tmp_path / 'jp' / 'yama.yaml'}:20")


def test_duplicate_plan_id_within_a_file(tmp_path: Path) -> None:
    text = (GOOD / "jp" / "hoshi.yaml").read_text(encoding="utf-8").replace("id: hoshi-old", "id: hoshi-giga")
    (tmp_path / "hoshi.yaml").write_text(text, encoding="utf-8")
    (issue,) = check_dirs([tmp_path], today=TODAY).issues
    assert issue.field == "plans[1].id"
    assert "plan id 'hoshi-giga' is already used at" in issue.message


@pytest.mark.parametrize(("text", "line", "field", "message"), [
    ("", 1, "<file>", "expected a mapping, got null"),
    ("- a\n- b\n", 1, "<file>", "expected a mapping, got a list"),
    ("a: !!int abc\n", 1, "<yaml>", "cannot read"),
    ("a: 1\n---\nb: 2\n", 2, "<yaml>", "expected a single document"),
    ("a: *nowhere\n", 1, "<yaml>", "undefined alias"),
    ("\tschema: 1\n", 1, "<yaml>", "cannot start any token"),
])
def test_yaml_that_is_not_a_brand_file_is_reported_not_raised(text: str, line: int, field: str,
                                                               message: str) -> None:
    issues = parse_brand_text(text, Path("x.yaml"), today=TODAY).issues
    assert (issues[0].line, issues[0].field) == (line, field)
    assert message in issues[0].message


def test_unreadable_bytes_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("schema: 1\nbrand: {name: {ja: \xe9}}\n".encode("latin-1"))
    (issue,) = read_brand_file(path, today=TODAY).issues
    assert issue.field == "<file>" and "not UTF-8" in issue.message


def test_a_missing_key_points_at_the_key_that_introduces_the_mapping() -> None:
    text = (GOOD / "jp" / "yama.yaml").read_text(encoding="utf-8").replace("    kind: operator\n", "")
    (issue,) = parse_brand_text(text, Path("yama.yaml"), today=TODAY).issues
    assert (issue.line, issue.field, issue.message) == (15, "sources.yama-top.kind", "missing")


def test_unknown_value_with_a_note_and_a_consulted_source_is_valid() -> None:
    brand = read_brand_file(GOOD / "jp" / "kumo.yaml", today=TODAY).brand
    assert brand is not None
    cap = brand.plans[0].sharing.tethering.cap
    assert not cap.known and cap.note == "the page does not state a cap"


def test_an_integer_where_text_is_expected_asks_for_quotes() -> None:
    text = (GOOD / "jp" / "yama.yaml").read_text(encoding="utf-8").replace('"30GB/月"', "30")
    (issue,) = parse_brand_text(text, Path("yama.yaml"), today=TODAY).issues
    assert issue.field == "plans[0].sharing[4].cap"
    assert issue.message == 'expected text, got the number 30 (quote it: "30")'


def test_an_unquoted_iccid_prefix_is_a_wrong_type() -> None:
    text = (GOOD / "jp" / "yama.yaml").read_text(encoding="utf-8").replace('"898130"', "898130")
    (issue,) = parse_brand_text(text, Path("yama.yaml"), today=TODAY).issues
    assert issue.field == "brand.identifiers.iccid_prefixes[0]"
    assert "as a quoted string" in issue.message


def test_conflicts_need_a_value_and_a_source() -> None:
    text = (GOOD / "jp" / "kumo.yaml").read_text(encoding="utf-8").replace(
        'conflicts: [{value: "最大550円/月", src: kumo-old}]', "conflicts: [{value: unknown}]")
    fields = [(issue.field, issue.message) for issue in parse_brand_text(text, Path("kumo.yaml"), today=TODAY).issues]
    assert ("plans[0].sharing[2].amount.conflicts[0].src", "missing") in fields
    assert ("plans[0].sharing[2].amount.conflicts[0]", "a conflict states a value; unknown is not one") in fields


# A hand-written brand file with every kind of value, mutated by hypothesis below.
_SEED = (GOOD / "jp" / "kumo.yaml").read_text(encoding="utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0, max_value=len(_SEED)), junk=st.text(max_size=12))
def test_no_edit_of_a_valid_file_makes_the_checker_raise(position: int, junk: str) -> None:
    text = _SEED[:position] + junk + _SEED[position:]
    result = parse_brand_text(text, Path("kumo.yaml"), today=TODAY)
    for issue in result.issues:
        assert issue.field and issue.message
        assert 0 <= issue.line <= text.count("\n") + 2
    assert (result.brand is None) == bool(result.issues)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    result = parse_brand_text(text, Path("x.yaml"), today=TODAY)
    assert result.brand is None
    assert result.issues
