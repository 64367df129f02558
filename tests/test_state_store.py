"""State files are written atomically: a crash or a kill at any instant leaves the old state or
the new one, never a broken file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from esimctl.sim.cardfile import load_card
from esimctl.sim.store import save_state, write_atomically

WRITER = """
import sys
from pathlib import Path
from esimctl.sim.cardfile import load_card
from esimctl.sim.store import save_state
state = load_card(Path(sys.argv[1]))
target = Path(sys.argv[2])
names = ["a" * 60, "b" * 60]
print("ready", flush=True)
i = 0
while True:
    state.profiles[0].nickname = names[i % 2]
    save_state(target, state)
    i += 1
"""


def test_failed_rename_keeps_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "state.yaml"
    write_atomically(target, "old\n")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["state.yaml"]


def test_kill_minus_nine_never_leaves_a_broken_state(tmp_path: Path, demo_card: Path) -> None:
    target = tmp_path / "state.yaml"
    save_state(target, load_card(demo_card))
    for delay in (0.05, 0.11, 0.17, 0.23, 0.31, 0.37):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(demo_card), str(target)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        state = load_card(target)  # raises if the file is broken
        assert state.profiles[0].nickname in ("docomo main", "a" * 60, "b" * 60)
