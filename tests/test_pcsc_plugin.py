"""The pytest plugin (esimctl.testing.plugin): its fixtures in use, and how it behaves without PC/SC."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from esimctl.resources import demo_card_path
from esimctl.sim.atr import ATR_T0, ATR_T1
from esimctl.sim.card import SimulatedCard
from esimctl.testing import in_ci, wait_reader_state
from esimctl.testing.plugin import SimReader, VpcdReader
from esimctl.transport.pcsc import PcscTransport, list_readers

ROOT = Path(__file__).resolve().parents[1]
SELECT_ISDR = bytes.fromhex("00A4040010A0000005591010FFFFFFFF890000010000")


def test_sim_card_defaults_to_the_demo_card(sim_card: SimulatedCard, tmp_path: Path) -> None:
    assert sim_card.atr == ATR_T1
    assert sim_card.process(SELECT_ISDR)[-2:] == b"\x90\x00"  # powered on already
    assert sim_card.state_file.parent == tmp_path


@pytest.mark.sim_card(t0=True)
def test_sim_card_marker_t0(sim_card: SimulatedCard) -> None:
    assert sim_card.atr == ATR_T0
    assert sim_card.process(SELECT_ISDR)[-2] == 0x61


@pytest.mark.parametrize("sim_card", [str(demo_card_path()), {"card": demo_card_path(), "t0": True}],
                         indirect=True, ids=["path", "dict-t0"])
def test_sim_card_indirect(sim_card: SimulatedCard) -> None:
    assert sim_card.process(SELECT_ISDR)[-2] in (0x90, 0x61)


def test_pcsc_sim_reader(pcsc_sim_reader: SimReader) -> None:
    readers = {r.name: r for r in list_readers()}
    assert readers[pcsc_sim_reader].card_present
    assert readers[pcsc_sim_reader].atr == ATR_T1
    assert pcsc_sim_reader.name == str(pcsc_sim_reader)
    with PcscTransport.open(pcsc_sim_reader) as transport:
        assert transport.transmit(SELECT_ISDR)[1] == 0x9000
    pcsc_sim_reader.remove()
    assert not {r.name: r for r in list_readers()}[pcsc_sim_reader].card_present
    pcsc_sim_reader.insert()  # same state file: the card comes back as it was
    with PcscTransport.open(pcsc_sim_reader) as transport:
        assert transport.transmit(SELECT_ISDR)[1] == 0x9000


def test_pcsc_sim_reader_state_stays_in_tmp(pcsc_sim_reader: SimReader, tmp_path: Path) -> None:
    from esimctl.readers import open_euicc

    before = demo_card_path().read_bytes()
    with open_euicc(pcsc_sim_reader) as euicc:
        profile = next(p for p in euicc.get_profiles_info() if p.profile_nickname)
        euicc.set_nickname(profile.iccid, "renamed in a test")
    assert pcsc_sim_reader.state_file.parent == tmp_path
    assert "renamed in a test" in pcsc_sim_reader.state_file.read_text()
    assert demo_card_path().read_bytes() == before


USES_READER = textwrap.dedent("""
    def test_needs_a_reader(pcsc_sim_reader):
        pass
""")


def _run_pytest(tmp_path: Path, source: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(source)
    full_env = {k: v for k, v in os.environ.items() if k != "CI"}
    full_env.update(env)
    full_env["PYTHONPATH"] = str(ROOT)
    argv = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "esimctl", "-p", "no:cacheprovider",
            "--rootdir", str(tmp_path), str(tmp_path / "test_inner.py")]
    return subprocess.run(argv,
                          cwd=tmp_path, env=full_env, capture_output=True, text=True, timeout=120, check=False)


# No pcscd for the inner session (its client looks elsewhere), and a pcsc-up that fails at once.
NO_PCSC = {"PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm", "ESIMCTL_PCSC_UP": "/bin/false"}


def test_without_pcsc_a_reader_test_skips_outside_ci(tmp_path: Path) -> None:
    done = _run_pytest(tmp_path, USES_READER, NO_PCSC)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "pcscd is not running and /bin/false --no-install failed (exit 1)" in done.stdout


def test_without_pcsc_a_reader_test_fails_on_ci(tmp_path: Path) -> None:
    done = _run_pytest(tmp_path, USES_READER, {**NO_PCSC, "CI": "true"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout
    assert "CI=true: PC/SC tests must run here, not be skipped" in done.stdout


def test_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in (("true", True), ("1", True), ("yes", True), ("", False), ("false", False),
                            ("0", False)):
        monkeypatch.setenv("CI", value)
        assert in_ci() is expected
    monkeypatch.delenv("CI")
    assert in_ci() is False


def test_readers_are_left_empty(vpcd_reader: VpcdReader) -> None:
    # Runs after the tests above in file order; each pcsc_sim_reader waited for this on teardown.
    assert wait_reader_state(vpcd_reader.name, present=False, timeout=0)
