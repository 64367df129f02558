"""Where the shipped data (demo cards, plan catalogue) is, installed or in a source checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def profiles_dir() -> Path:
    """The profiles/ tree: copied into the package by a wheel build, beside it in a checkout."""
    packaged = _PACKAGE / "profiles"
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / "profiles"


def demo_card_path() -> Path:
    return profiles_dir() / "cards" / "demo.yaml"


def catalogue_dir() -> Path:
    return profiles_dir() / "catalogue"
