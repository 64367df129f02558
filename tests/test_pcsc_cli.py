"""The CLI through a real pcscd: the simulated eUICC served to a vpcd reader, chosen with --reader.

The same scenarios as tests/test_cli.py runs in-process, here over PC/SC in T=1 and T=0, plus what
only a real reader can do: card removal mid-command, no card, no pcscd, two commands at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from esimctl.testing import CardProcess, wait_reader_state
from esimctl.testing.plugin import CardSpec, SimReader, VpcdReader, sim_serve_argv

DOCOMO, AU, SOFTBANK, RAKUTEN = ("8981100123456789017", "8981300123456789023", "8981200123456789032",
                                 "8981110123456789049")
ROOT = str(Path(__file__).resolve().parents[1])

Cli = Callable[..., Any]


def _states(esimctl: Cli, reader: str) -> dict[str, str]:
    r = esimctl("--reader", reader, "--json", "profile", "list")
    assert r.code == 0, r.err
    return {p["iccid"]: p["profileState"] for p in r.json()["data"]["profiles"]}


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """esimctl in a process of its own, as a user runs it."""
    full_env = {**os.environ, "PYTHONPATH": ROOT, **(env or {})}
    return subprocess.run([sys.executable, "-m", "esimctl.cli.main", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, stdin=subprocess.DEVNULL, check=False)


def test_reader_list_shows_the_card(esimctl: Cli, pcsc_sim_reader: SimReader) -> None:
    from esimctl.sim.atr import ATR_T1

    doc = esimctl("--json", "reader", "list").json()["data"]
    entry = next(r for r in doc["readers"] if r["name"] == pcsc_sim_reader)
    assert entry["cardPresent"] is True and entry["atr"] == ATR_T1.hex().upper()
    assert doc["pcscProblem"] is None


@pytest.mark.parametrize("t0", [False, True], ids=["T=1", "T=0"])
def test_profile_commands_over_pcsc(esimctl: Cli, vpcd_reader: VpcdReader, tmp_path: Path, t0: bool) -> None:
    from esimctl.resources import demo_card_path

    state = tmp_path / "state.yaml"
    server = CardProcess(sim_serve_argv(CardSpec(demo_card_path(), t0), state, vpcd_reader.port),
                         vpcd_reader.name, tmp_path / "serve.log")
    server.start()
    try:
        reader = vpcd_reader.name
        listed = esimctl("--reader", reader, "--json", "profile", "list").json()
        assert listed["reader"] == reader
        assert listed["data"]["profiles"][0]["iccid"] == DOCOMO
        r = esimctl("--reader", reader, "profile", "switch", AU)  # enable, then SCardReconnect(reset)
        assert r.code == 0, r.err
        assert "switched to" in r.out and "card reset" in r.out
        assert _states(esimctl, reader)[AU] == "enabled"
        assert esimctl("--reader", reader, "profile", "enable", SOFTBANK).code == 0
        assert esimctl("--reader", reader, "profile", "disable", SOFTBANK).code == 0
        assert esimctl("--reader", reader, "profile", "nickname", SOFTBANK, "家族のタブレット").code == 0
        assert "家族のタブレット" in esimctl("--reader", reader, "profile", "list").out
        assert esimctl("--reader", reader, "profile", "delete", "--yes", RAKUTEN).code == 0
        assert esimctl("--reader", reader, "chip", "info").code == 0
        assert "Disable" in esimctl("--reader", reader, "notification", "list").out
        refused = esimctl("--reader", reader, "profile", "disable", DOCOMO)
        assert refused.code == 4 and "profileNotInEnabledState" in refused.err
        # Every change went through the card server into its state file.
        saved = yaml.safe_load(state.read_text())
        assert RAKUTEN not in [p["iccid"] for p in saved["profiles"]]
        assert "家族のタブレット" in state.read_text()
    finally:
        server.stop()


def test_default_reader_is_the_only_one_with_a_card(esimctl: Cli, pcsc_sim_reader: SimReader) -> None:
    from esimctl.transport.pcsc import list_readers

    if [r.name for r in list_readers() if r.card_present] != [pcsc_sim_reader]:
        pytest.skip("another reader has a card too")
    assert esimctl("--json", "profile", "list").json()["reader"] == pcsc_sim_reader


# A simulated card whose server dies on its Nth APDU without answering: pulled out mid-command.
DYING = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from esimctl.sim.card import SimulatedCard
    from esimctl.sim.vpcd import serve_process

    card_file, state_file, port, die_at = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

    class Dying(SimulatedCard):
        seen = 0

        def process(self, apdu):
            Dying.seen += 1
            if Dying.seen == die_at:
                os._exit(0)
            return super().process(apdu)

    serve_process(Dying.open(card_file, state_file), "127.0.0.1", port)
""")


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_card_removed_mid_command(vpcd_reader: VpcdReader, tmp_path: Path, as_json: bool) -> None:
    from esimctl.resources import demo_card_path

    argv = [sys.executable, "-c", DYING, str(demo_card_path()), str(tmp_path / "state.yaml"),
            str(vpcd_reader.port), "3"]
    server = CardProcess(argv, vpcd_reader.name, tmp_path / "serve.log")
    server.start()
    try:
        done = _cli("--reader", vpcd_reader.name, *(["--json"] if as_json else []), "profile", "list")
    finally:
        server.stop()
    assert done.returncode == 5, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    message = f"card removed from reader {vpcd_reader.name!r}"
    if as_json:
        error = json.loads(done.stderr.strip().splitlines()[-1])["error"]
        assert error["code"] == "transport" and error["exitCode"] == 5
        assert error["message"].startswith(message)
    else:
        assert f"esimctl: error: {message}" in done.stderr
        assert "hint: put the card back" in done.stderr


def test_no_card_in_the_chosen_reader(vpcd_reader: VpcdReader) -> None:
    done = _cli("--reader", vpcd_reader.name, "profile", "list")
    assert done.returncode == 3
    assert f"esimctl: error: no card in reader {vpcd_reader.name!r}" in done.stderr
    assert "hint: this is a virtual reader: start a simulated card in it with `esimctl sim serve" in done.stderr
    assert "Traceback" not in done.stderr


def test_pcscd_not_running(pcsc_service: object) -> None:
    done = _cli("--reader", "Virtual PCD", "profile", "list",
                env={"PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"})
    assert done.returncode == 3
    assert "esimctl: error: the PC/SC service (pcscd) is not running" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_reader_name(pcsc_service: object) -> None:
    done = _cli("--reader", "no such reader here", "profile", "list")
    assert done.returncode == 3
    assert "esimctl: error: no reader matches 'no such reader here' (readers: 0: " in done.stderr


def test_two_commands_at_once_take_turns(pcsc_sim_reader: SimReader) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "esimctl.cli.main", "--reader", pcsc_sim_reader,
                               "profile", "nickname", SOFTBANK, f"name {i}"],
                              env={**os.environ, "PYTHONPATH": ROOT}, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    # The last writer wins, with every nickname whole: nothing interleaved on the card.
    state = yaml.safe_load(pcsc_sim_reader.state_file.read_text())
    nickname = next(p for p in state["profiles"] if p["iccid"] == SOFTBANK).get("nickname")
    assert nickname in {f"name {i}" for i in range(4)}
    assert wait_reader_state(pcsc_sim_reader, present=True, timeout=0)
