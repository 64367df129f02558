"""Shared fixtures: every test gets its own esimctl data directory, so simulated-card state never
leaks between tests or into the developer's own."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from esimctl.resources import demo_card_path


@pytest.fixture(autouse=True)
def esimctl_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("esimctl-home")
    monkeypatch.setenv("ESIMCTL_HOME", str(home))
    monkeypatch.delenv("ESIMCTL_READER", raising=False)
    monkeypatch.delenv("ESIMCTL_CATALOGUE", raising=False)
    return home


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def error_json(self) -> Any:
        return json.loads(self.err.strip().splitlines()[-1])


@pytest.fixture
def esimctl(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Runs the esimctl CLI in-process, as `esimctl ARGS`, with `input` on stdin."""
    from esimctl.cli.main import run

    def invoke(*args: str, input: str = "") -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(input))
        code = run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def demo_card() -> Path:
    return demo_card_path()
