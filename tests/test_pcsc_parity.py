"""The same scenario, command by command, on the in-process simulated card and on the same card
behind a real pcscd: every JSON document (and every error) must be identical but for the reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DOCOMO, AU, SOFTBANK, RAKUTEN = ("8981100123456789017", "8981300123456789023", "8981200123456789032",
                                 "8981110123456789049")

SCENARIO: list[tuple[str, ...]] = [
    ("chip", "info"),
    ("profile", "list"),
    ("profile", "switch", AU),
    ("profile", "list"),
    ("profile", "enable", SOFTBANK),
    ("profile", "disable", SOFTBANK),
    ("profile", "nickname", SOFTBANK, "家族のタブレット"),
    ("profile", "delete", "--yes", RAKUTEN),
    ("profile", "delete", "--yes", RAKUTEN),  # refused now: iccidOrAidNotFound
    ("profile", "disable", SOFTBANK),  # refused: profileNotInEnabledState
    ("chip", "default-dp", "rsp.example.com"),
    ("notification", "list"),
    ("chip", "reset", "--yes"),
    ("profile", "list"),
    ("chip", "info"),
]


def _run(esimctl: Callable[..., Any], reader: str) -> list[tuple[int, Any]]:
    results = []
    for args in SCENARIO:
        r = esimctl("--reader", reader, "--json", *args)
        doc = r.json() if r.code == 0 else r.error_json()
        doc.pop("reader", None)
        results.append((r.code, doc))
    return results


def test_pcsc_and_in_process_give_the_same_results(esimctl, pcsc_sim_reader: str) -> None:  # type: ignore[no-untyped-def]
    in_process = _run(esimctl, "sim")
    over_pcsc = _run(esimctl, pcsc_sim_reader)
    for args, (code_a, doc_a), (code_b, doc_b) in zip(SCENARIO, in_process, over_pcsc, strict=True):
        assert (code_a, doc_a) == (code_b, doc_b), f"esimctl {' '.join(args)} differs over PC/SC"
    codes = [code for code, _ in in_process]
    assert codes == [0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 0, 0, 0]
    final = {p["iccid"] for p in in_process[-2][1]["data"]["profiles"]}
    assert final == {"89001000000000000010", "8982000000000000001"}
