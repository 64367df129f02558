#!/usr/bin/env python3
"""Per-APDU round trip through pyscard -> pcscd -> vpcd -> esimctl's card server.

    tools/pcsc-up && python3 tools/bench_pcsc.py [-n 1000] [--card demo] [--json]

`bench()` is the function to call from elsewhere (tools/bench): it puts a card into a free virtual
reader (a subprocess, as `esimctl sim serve` would run), times `n` transmits and removes the card.
--card scripted (default) answers an echo command at once, so the figure is the PC/SC path alone;
--card demo is the simulated eUICC answering SELECT ISD-R, the card's own work included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from esimctl.errors import EsimctlError
from esimctl.resources import demo_card_path
from esimctl.sim.vpcd import pcsc_state_dir
from esimctl.testing import CardProcess, scripted_card_argv
from esimctl.transport.pcsc import PcscTransport, list_readers

ECHO = bytes.fromhex("0001000003112233")
SELECT_ISDR = bytes.fromhex("00A4040010A0000005591010FFFFFFFF890000010000")


@dataclass(frozen=True)
class BenchResult:
    reader: str
    card: str
    protocol: int
    apdus: int
    mean_ms: float
    median_ms: float
    p99_ms: float
    min_ms: float
    max_ms: float
    card_present_after_s: float  # from starting the card server to pcscd showing the card

    def line(self) -> str:
        return (f"{self.apdus} APDUs via {self.reader!r} (T={self.protocol}, {self.card} card): "
                f"mean {self.mean_ms:.3f} ms, median {self.median_ms:.3f}, p99 {self.p99_ms:.3f}, "
                f"min {self.min_ms:.3f}, max {self.max_ms:.3f}; card present after "
                f"{self.card_present_after_s:.2f} s")


def _free_reader() -> tuple[str, int]:
    """The first virtual reader from tools/pcsc-up's map that pcscd lists without a card."""
    state = pcsc_state_dir()
    mapping = state / "readers" if state is not None else None
    if mapping is None or not mapping.is_file():
        raise SystemExit("no virtual readers: run tools/pcsc-up first")
    empty = {r.name for r in list_readers() if not r.card_present}
    for line in mapping.read_text().splitlines():
        port, _, name = line.partition("\t")
        if name in empty:
            return name, int(port)
    raise SystemExit("every virtual reader has a card; tools/pcsc-up --readers N adds more")


def bench(n: int = 1000, *, card: str = "scripted", t0: bool = False) -> BenchResult:
    """Time `n` round trips of one command through a real pcscd to a card served over vpcd."""
    name, port = _free_reader()
    with tempfile.TemporaryDirectory(prefix="esimctl-bench-") as tmp:
        if card == "scripted":
            argv, apdu = scripted_card_argv(port), ECHO
        elif card == "demo":
            argv = [sys.executable, "-m", "esimctl.sim.vpcd", "--card", str(demo_card_path()),
                    "--state", f"{tmp}/state.yaml", "--port", str(port), *(["--t0"] if t0 else [])]
            apdu = SELECT_ISDR
        else:
            raise ValueError(f"unknown card {card!r}: scripted or demo")
        server = CardProcess(argv, name, Path(tmp) / "serve.log")
        started = time.perf_counter()
        server.start()
        present_after = time.perf_counter() - started
        try:
            with PcscTransport.open(name) as transport:
                for _ in range(20):  # warm-up: first-use costs in pcscd and the server
                    transport.transmit(apdu)
                times = []
                for _ in range(n):
                    begin = time.perf_counter_ns()
                    transport.transmit(apdu)
                    times.append((time.perf_counter_ns() - begin) / 1e6)
                protocol = transport.protocol
        finally:
            server.stop()
    times.sort()
    return BenchResult(
        reader=name, card=card, protocol=protocol, apdus=n, mean_ms=statistics.fmean(times),
        median_ms=statistics.median(times), p99_ms=times[min(n - 1, int(n * 0.99))],
        min_ms=times[0], max_ms=times[-1], card_present_after_s=present_after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1000, help="APDUs to time (default 1000)")
    parser.add_argument("--card", choices=("scripted", "demo"), default="scripted")
    parser.add_argument("--t0", action="store_true", help="demo card in T=0 mode")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    try:
        result = bench(args.n, card=args.card, t0=args.t0)
    except EsimctlError as exc:
        print(f"bench_pcsc: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""), file=sys.stderr)
        return int(exc.exit_code)
    print(json.dumps(asdict(result)) if args.json else result.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
