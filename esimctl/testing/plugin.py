"""pytest fixtures for testing code against simulated eUICCs; pytest loads this module by itself
once esimctl is installed (entry point pytest11: esimctl).

sim_card         an in-process SimulatedCard, powered on; no PC/SC needed
pcsc_sim_reader  the same card inside a real PC/SC reader (pcscd + vpcd), served by a subprocess;
                 the value is the reader's name (a str, with .port, .state_file, .server...)
vpcd_reader      a free virtual reader (name, port) with no card, reserved for this test
pcsc_service     session-wide: pcscd with virtual readers, started by tools/pcsc-up when needed

Pick the card with a marker, or with indirect parametrisation (a path, or a dict with "card" and
"t0"); relative paths are taken from the test module's directory. Default: the demo card.

    @pytest.mark.sim_card("cards/mine.yaml", t0=True)
    def test_x(pcsc_sim_reader): ...

    @pytest.mark.parametrize("sim_card", ["a.yaml", "b.yaml"], indirect=True)
    def test_y(sim_card): ...

Without pcscd, pyscard or the vpcd driver, PC/SC tests are skipped with the reason, except on CI
(CI=true), where they fail: a CI run must not pass by testing less.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from esimctl.testing import CardProcess, in_ci

if TYPE_CHECKING:
    from esimctl.sim.card import SimulatedCard

# Debian's vsmartcard-vpcd config (/etc/reader.conf.d/vpcd), for a system pcscd not from pcsc-up.
_STOCK_VPCD_READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sim_card(card_file=None, *, t0=False): the card file for the sim_card and pcsc_sim_reader "
        "fixtures (relative to the test module), and whether the card runs T=0",
    )


def _unavailable(reason: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"{reason} (CI=true: PC/SC tests must run here, not be skipped)", pytrace=False)
    pytest.skip(reason)


# --- which card --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSpec:
    card_file: Path
    t0: bool = False


def _card_spec(request: pytest.FixtureRequest) -> CardSpec:
    from esimctl.resources import demo_card_path

    card: Any = None
    t0 = False
    param = getattr(request, "param", None)
    marker = request.node.get_closest_marker("sim_card")
    if param is not None:
        if isinstance(param, dict):
            card, t0 = param.get("card"), bool(param.get("t0", False))
        else:
            card = param
    elif marker is not None:
        card = marker.args[0] if marker.args else marker.kwargs.get("card_file")
        t0 = bool(marker.kwargs.get("t0", False))
    if card is None:
        return CardSpec(demo_card_path(), t0)
    path = Path(card)
    if not path.is_absolute():
        beside_test = Path(request.node.path).parent / path
        path = beside_test if beside_test.exists() else path.resolve()
    if not path.is_file():
        pytest.fail(f"sim_card: card file {path} does not exist", pytrace=False)
    return CardSpec(path, t0)


@pytest.fixture
def sim_card(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimulatedCard]:
    """An in-process simulated eUICC, powered on, its state in tmp_path (the card file is untouched)."""
    from esimctl.sim.card import SimulatedCard

    spec = _card_spec(request)
    card = SimulatedCard.open(spec.card_file, tmp_path / "sim_card.state.yaml", t0=spec.t0)
    card.power_on()
    yield card
    card.power_off()


# --- PC/SC ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PcscService:
    readers: dict[int, str]  # vpcd port -> reader name, in port order
    started_here: bool  # this session ran tools/pcsc-up


def _pcsc_up_script() -> Path | None:
    env = os.environ.get("ESIMCTL_PCSC_UP")
    if env:
        return Path(env)
    import esimctl

    script = Path(esimctl.__file__).resolve().parents[1] / "tools" / "pcsc-up"
    return script if script.is_file() else None


def _vpcd_readers() -> dict[int, str]:
    """The virtual readers pcscd lists now, by port."""
    from esimctl.sim.vpcd import pcsc_state_dir
    from esimctl.transport.pcsc import list_readers

    listed = {info.name for info in list_readers()}
    mapping = dict(_STOCK_VPCD_READERS)
    state = pcsc_state_dir()
    if state is not None and (state / "readers").is_file():
        mapping = {}
        for line in (state / "readers").read_text().splitlines():
            port, _, name = line.partition("\t")
            if port.isdecimal() and name:
                mapping[int(port)] = name
    return {port: name for port, name in sorted(mapping.items()) if name in listed}


@pytest.fixture(scope="session")
def pcsc_service() -> PcscService:
    """pcscd with virtual readers. Started with tools/pcsc-up when missing (installing packages only
    on CI), and left running for later sessions: tools/pcsc-down stops it."""
    from esimctl.errors import EsimctlError

    try:
        import smartcard.scard  # noqa: F401
    except ImportError as exc:
        _unavailable(f"pyscard is not installed ({exc}); pip install 'esimctl[pcsc]' or run tools/pcsc-up")
    try:
        readers = _vpcd_readers()
    except EsimctlError:
        readers = {}
    if readers:
        return PcscService(readers, started_here=False)
    script = _pcsc_up_script()
    if script is None:
        _unavailable("pcscd with vpcd readers is not running, and tools/pcsc-up (from an esimctl source "
                     "checkout; or set ESIMCTL_PCSC_UP) is not here to start it")
    argv = [str(script)] + ([] if in_ci() else ["--no-install"])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        _unavailable(f"pcscd is not running and {' '.join(argv)} failed (exit {done.returncode})"
                     + (f":\n{output}" if output else ""))
    try:
        readers = _vpcd_readers()
    except EsimctlError as exc:
        _unavailable(f"pcscd started by {script} is unreachable: {exc.message}")
    if not readers:
        _unavailable(f"{script} ran, but pcscd lists no vpcd reader")
    return PcscService(readers, started_here=True)


@dataclass(frozen=True)
class VpcdReader:
    name: str
    port: int


@contextlib.contextmanager
def _reserve(port: int) -> Iterator[bool]:
    """An advisory lock per vpcd port, so pytest sessions running side by side take different
    readers: vpcd serves one card per port, and a second connection would only queue."""
    from esimctl.sim.vpcd import pcsc_state_dir

    state = pcsc_state_dir()
    directory = state / "serve" if state is not None and state.is_dir() else Path(tempfile.gettempdir())
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{port}.lock", "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@pytest.fixture
def vpcd_reader(pcsc_service: PcscService) -> Iterator[VpcdReader]:
    """A virtual reader with no card in it, reserved for this test; start a card server on .port."""
    from esimctl.testing import wait_reader_state

    busy = []
    for port, name in pcsc_service.readers.items():
        with _reserve(port) as mine:
            if not mine:
                busy.append(f"{name} (reserved by another test session)")
                continue
            if wait_reader_state(name, present=True, timeout=0):
                busy.append(f"{name} (has a card: a `sim serve` left running?)")
                continue
            yield VpcdReader(name, port)
            return
    _unavailable(f"no free virtual reader: {'; '.join(busy)}; tools/pcsc-up --readers N gives more")


class SimReader(str):
    """The name of the reader holding the simulated card, plus what a test may want to poke at."""

    port: int
    card_file: Path
    state_file: Path
    server: CardProcess

    def __new__(cls, name: str, *, port: int, card_file: Path, state_file: Path,
                server: CardProcess) -> SimReader:
        self = super().__new__(cls, name)
        self.port, self.card_file, self.state_file, self.server = port, card_file, state_file, server
        return self

    @property
    def name(self) -> str:
        return str(self)

    def remove(self) -> None:
        """Pull the card out abruptly (SIGKILL its server) and wait until the reader is empty."""
        self.server.kill()

    def insert(self) -> None:
        """Put the card back (a new server on the same state) and wait until the reader shows it."""
        self.server.start()


def sim_serve_argv(spec: CardSpec, state_file: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "esimctl.sim.vpcd", "--card", str(spec.card_file),
            "--state", str(state_file), "--port", str(port), *(["--t0"] if spec.t0 else [])]


@pytest.fixture
def pcsc_sim_reader(request: pytest.FixtureRequest, vpcd_reader: VpcdReader,
                    tmp_path: Path) -> Iterator[SimReader]:
    """A simulated eUICC in a real PC/SC reader. The value is the reader name; the card's state is
    in tmp_path. On teardown the card is removed and the reader seen empty."""
    spec = _card_spec(request)
    state_file = tmp_path / "pcsc_sim_reader.state.yaml"  # new: the card starts as its file says
    server = CardProcess(sim_serve_argv(spec, state_file, vpcd_reader.port), vpcd_reader.name,
                         tmp_path / "sim-serve.log")
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield SimReader(vpcd_reader.name, port=vpcd_reader.port, card_file=spec.card_file,
                        state_file=state_file, server=server)
    finally:
        server.stop()
