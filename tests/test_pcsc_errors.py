"""What PcscTransport says when something is missing: pyscard, pcscd, a reader, a card, the right
reader. Each failure has its own message naming the reader and what to do. Reader choice and ATR
parsing are tested directly; the rest through real pcscd instances where that can be arranged.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from esimctl.errors import EsimctlError, ExitCode, NoReaderError, TransportError, UsageError
from esimctl.sim.atr import ATR_T0 as SIM_ATR_T0
from esimctl.sim.atr import ATR_T1 as SIM_ATR_T0_T1
from esimctl.testing import ATR_T0, ATR_T0_T1, ATR_T1
from esimctl.transport import pcsc
from esimctl.transport.pcsc import PcscTransport, ReaderInfo, atr_protocols

ROOT = str(Path(__file__).resolve().parents[1])

# Prints what list_readers() and PcscTransport.open() make of the PC/SC service this process sees.
PROBE = textwrap.dedent("""
    import json
    from esimctl.errors import EsimctlError
    from esimctl.transport.pcsc import PcscTransport, list_readers
    result = {}
    for what, call in (("list", list_readers), ("open", PcscTransport.open)):
        try:
            result[what] = repr(call())
        except EsimctlError as exc:
            result[what] = {"class": type(exc).__name__, "message": exc.message, "hint": exc.hint,
                            "exit_code": int(exc.exit_code)}
    print(json.dumps(result))
""")


def _probe(env: dict[str, str] | None = None, prefix: list[str] | None = None,
           code: str = PROBE) -> dict[str, Any]:
    full_env = {**os.environ, "PYTHONPATH": ROOT, **(env or {})}
    done = subprocess.run([*(prefix or []), sys.executable, "-c", code], env=full_env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- ATR ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("atr", "protocols"), [
    (ATR_T0, {0}),
    (ATR_T1, {1}),
    (ATR_T0_T1, {0, 1}),
    (SIM_ATR_T0, {0}),  # TD2 names T=15 (global bytes), not a protocol
    (SIM_ATR_T0_T1, {0, 1}),
    (bytes.fromhex("3B8F8001804F0CA000000306030001000000006A"), {0, 1}),  # a contactless reader's
    (bytes.fromhex("3B80"), set()),  # TD1 promised but missing
    (b"\x3b", set()),
])
def test_atr_protocols(atr: bytes, protocols: set[int]) -> None:
    assert atr_protocols(atr) == protocols


# --- choosing a reader ----------------------------------------------------------------------------

A = ReaderInfo("Alcor Micro AU9540 00 00", True, ATR_T1)
Y = ReaderInfo("Yubico YubiKey OTP+FIDO+CCID 01 00", True, ATR_T1)
V0 = ReaderInfo("Virtual PCD 00 00", False, None)
V1 = ReaderInfo("Virtual PCD 00 01", True, ATR_T0)


def test_choose_without_a_selector() -> None:
    assert pcsc._choose([V0], None) is V0  # the only reader, card or not (open() then says "no card")
    assert pcsc._choose([V0, V1], None) is V1  # the only one with a card
    with pytest.raises(UsageError) as several:
        pcsc._choose([A, V0, Y], None)
    assert several.value.message == ("2 readers have a card (0: Alcor Micro AU9540 00 00; "
                                     "2: Yubico YubiKey OTP+FIDO+CCID 01 00)")
    assert "--reader" in (several.value.hint or "")
    with pytest.raises(NoReaderError, match=r"^no card in any of the 2 readers \(0: Virtual PCD 00 00 "
                       r"\(no card\); 1: Virtual PCD 00 00 \(no card\)\)$"):
        pcsc._choose([V0, ReaderInfo("Virtual PCD 00 00", False, None)], None)


def test_no_reader_at_all() -> None:
    with pytest.raises(NoReaderError) as caught:
        pcsc._choose([], "anything")
    assert caught.value.message == "no smart-card reader found"
    assert caught.value.exit_code == ExitCode.NO_READER


def test_choose_by_index_and_name() -> None:
    readers = [A, V0, V1, Y]
    assert pcsc._choose(readers, "2") is V1
    assert pcsc._choose(readers, "yubikey") is Y  # any unique part, any case
    assert pcsc._choose(readers, "virtual pcd 00 01") is V1
    with pytest.raises(NoReaderError, match=r"^there is no reader 4 \(readers: 0: Alcor"):
        pcsc._choose(readers, "4")
    with pytest.raises(NoReaderError, match=r"^no reader matches 'omnikey' \(readers: "):
        pcsc._choose(readers, "omnikey")
    with pytest.raises(UsageError) as ambiguous:
        pcsc._choose(readers, "virtual")
    assert ambiguous.value.message == ("'virtual' matches 2 readers (1: Virtual PCD 00 00 (no card); "
                                       "2: Virtual PCD 00 01)")


def test_exact_name_beats_a_longer_one() -> None:
    short = ReaderInfo("Virtual PCD 00 00", True, ATR_T1)
    longer = ReaderInfo("Virtual PCD 00 00 (2)", True, ATR_T1)
    assert pcsc._choose([longer, short], "Virtual PCD 00 00") is short


# --- PC/SC failures mid-operation -----------------------------------------------------------------


@pytest.mark.parametrize(("code", "message"), [
    (0x80100069, "card removed from reader 'R 00 00'"),
    (0x80100016, "card removed from reader 'R 00 00'"),
    (0x8010000C, "card removed from reader 'R 00 00'"),
    (0x80100067, "card removed from reader 'R 00 00' (another card is there now)"),
    (0x80100068, "the card in reader 'R 00 00' was reset by another application"),
    (0x80100017, "reader 'R 00 00' was disconnected"),
    (0x8010001D, "the PC/SC service (pcscd) stopped while using reader 'R 00 00'"),
    (0x80100013, "the PC/SC service (pcscd) stopped while using reader 'R 00 00'"),
    (-0x7FEFFFF5, "reader 'R 00 00': SCardTransmit failed: Sharing violation (0x8010000B)"),  # signed
])
def test_transmit_failures(code: int, message: str) -> None:
    transport = PcscTransport.__new__(PcscTransport)
    transport.name = "R 00 00"
    transport._scard = SimpleNamespace(SCardGetErrorMessage=lambda hr: "Sharing violation.")
    error = transport._failure("SCardTransmit", code)
    assert isinstance(error, TransportError)
    assert error.exit_code == ExitCode.TRANSPORT
    assert error.message == message


class FakeScard:
    """Just enough of smartcard.scard for a PC/SC service that answers with fixed codes."""

    SCARD_SCOPE_USER = 0
    SCARD_STATE_UNAWARE = 0

    def __init__(self, establish: int = 0, list_readers: int = 0, names: list[str] | None = None) -> None:
        self.establish, self.list_result, self.names = establish, list_readers, names or []

    def SCardEstablishContext(self, scope: int) -> tuple[int, int]:
        return self.establish, 1

    def SCardListReaders(self, context: int, groups: list[str]) -> tuple[int, list[str]]:
        return self.list_result, self.names

    def SCardReleaseContext(self, context: int) -> int:
        return 0

    def SCardGetErrorMessage(self, code: int) -> str:
        return "Some failure."


def test_no_readers_available_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc, "_pyscard", lambda: FakeScard(list_readers=0x8010002E))
    assert pcsc.list_readers() == []
    with pytest.raises(NoReaderError, match=r"^no smart-card reader found$"):
        PcscTransport.open()


def test_no_service_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc, "_pyscard", lambda: FakeScard(establish=0x8010001D))
    with pytest.raises(NoReaderError, match=r"^the PC/SC service \(pcscd\) is not running$"):
        pcsc.list_readers()


def test_unexpected_service_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc, "_pyscard", lambda: FakeScard(establish=0x80100001))
    with pytest.raises(NoReaderError, match=r"^cannot reach the PC/SC service: Some failure \(0x80100001\)$"):
        PcscTransport.open("x")


def test_unknown_protocol_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="T=2"):
        PcscTransport.open(None, protocol=2)


# --- the real thing ---------------------------------------------------------------------------------


def test_pcscd_not_running() -> None:
    # pcsc-lite's client looks for the daemon's socket where PCSCLITE_CSOCK_NAME says.
    result = _probe({"PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"})
    for what in ("list", "open"):
        assert result[what]["class"] == "PcscUnavailableError"
        assert result[what]["message"] == "the PC/SC service (pcscd) is not running"
        assert "tools/pcsc-up" in result[what]["hint"]
        assert result[what]["exit_code"] == ExitCode.NO_READER


def test_pyscard_not_installed() -> None:
    code = "import sys; sys.modules['smartcard'] = None\n" + PROBE
    result = _probe(code=code)
    for what in ("list", "open"):
        assert result[what]["class"] == "PcscUnavailableError"
        assert result[what]["message"].startswith("PC/SC support is not available: pyscard cannot be imported")
        assert "pip install 'esimctl[pcsc]'" in result[what]["hint"]


def test_importing_esimctl_does_not_need_pyscard() -> None:
    code = textwrap.dedent("""
        import sys
        sys.modules["smartcard"] = None  # any import of it fails
        import esimctl, esimctl.transport.pcsc, esimctl.sim.vpcd, esimctl.testing, esimctl.testing.plugin
        print('{"ok": true}')
    """)
    assert _probe(code=code) == {"ok": True}


def test_pcscd_without_readers(tmp_path: Path) -> None:
    """A private pcscd with no reader config, in a mount namespace of its own (so /run/pcscd there is
    a fresh tmpfs), leaves the machine's pcscd alone."""
    if shutil.which("unshare") is None or not (shutil.which("pcscd") or Path("/usr/sbin/pcscd").exists()):
        pytest.skip("needs unshare(1) and pcscd")
    (tmp_path / "conf").mkdir()
    script = textwrap.dedent(f"""
        set -e
        mkdir -p /run/pcscd
        mount -t tmpfs tmpfs /run/pcscd
        PATH=$PATH:/usr/sbin pcscd --foreground -c {tmp_path}/conf >{tmp_path}/pcscd.log 2>&1 &
        pid=$!
        for i in $(seq 100); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.05; done
        set +e
        "$@"
        rc=$?
        kill $pid; wait $pid
        exit $rc
    """)
    check = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True, check=False)
    if check.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here: {check.stderr.decode().strip()}")
    result = _probe(prefix=["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"])
    if result["list"] != "[]":
        pytest.skip(f"the private pcscd found a real reader: {result['list']}")
    assert result["open"]["class"] == "PcscUnavailableError"
    assert result["open"]["message"] == "no smart-card reader found"
    assert "tools/pcsc-up" in result["open"]["hint"]
    assert result["open"]["exit_code"] == ExitCode.NO_READER


def test_every_error_is_an_esimctl_error() -> None:
    # The CLI turns EsimctlError into a message and an exit code; anything else is a traceback.
    assert issubclass(NoReaderError, EsimctlError)
    assert issubclass(TransportError, EsimctlError)
