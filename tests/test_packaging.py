"""A plain, non-editable install carries the demo card and the plan catalogue inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_install_finds_catalogue_and_demo_card(tmp_path: Path) -> None:
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    build_tmp = tmp_path / "build"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(ROOT)], check=True, env={**os.environ, "TMPDIR": str(build_tmp.parent)},
                   capture_output=True)
    wheel = next(wheels.glob("esimctl-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site), "ESIMCTL_HOME": str(tmp_path / "home")}
    env.pop("ESIMCTL_CATALOGUE", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "esimctl.cli.main", *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=120, check=False)

    where = subprocess.run([sys.executable, "-c", "import esimctl; print(esimctl.__file__)"], capture_output=True,
                           text=True, env=env, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(site))  # the installed copy, not the source tree
    assert (site / "esimctl" / "profiles" / "catalogue" / "jp" / "iijmio.yaml").is_file()
    check = run("plans", "check")
    assert check.returncode == 0 and "brands" in check.stdout and "ok" in check.stdout
    listing = run("--reader", "sim", "profile", "list")
    assert listing.returncode == 0 and "8981100123456789017" in listing.stdout and "docomo network" in listing.stdout
