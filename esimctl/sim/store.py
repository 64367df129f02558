"""Where a simulated card's state lives between runs, written so a kill at any instant leaves
either the old state or the new one: temporary file, fsync, rename, fsync of the directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

from esimctl.errors import DataError, NoReaderError
from esimctl.sim.cardfile import dump_card
from esimctl.sim.model import CardState


def data_home() -> Path:
    """esimctl's per-user data directory: $ESIMCTL_HOME, else $XDG_DATA_HOME/esimctl."""
    if os.environ.get("ESIMCTL_HOME"):
        return Path(os.environ["ESIMCTL_HOME"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "esimctl"


def default_state_path(card_file: Path) -> Path:
    """One state file per card file, named after it and a hash of its absolute path."""
    resolved = card_file.resolve()
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:10]  # paths need not be UTF-8
    stem = os.fsencode(resolved.stem).decode("ascii", "replace").replace("\ufffd", "_")
    return data_home() / "sim" / f"{stem}-{digest}.state.yaml"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save_state(path: Path, state: CardState) -> None:
    header = "# esimctl simulated card state (a card file); `esimctl sim reset` discards it\n"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = header + yaml.dump(dump_card(state), Dumper=dumper, sort_keys=False, allow_unicode=True)
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise _unwritable(path, exc) from None


class StateFileError(DataError):
    code = "state-file"


def _unwritable(path: Path, exc: OSError) -> StateFileError:
    return StateFileError(f"cannot write the simulated card's state {path}: {exc.strerror or exc}",
                          hint="make the directory writable, or point ESIMCTL_HOME at one that is")


class CardInUseError(NoReaderError):
    code = "card-in-use"


@contextlib.contextmanager
def locked(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Holds an exclusive lock beside the state file: one process uses a simulated card at a time,
    as exclusive access to a reader does for a real one. Another holder is waited for, up to
    `timeout` seconds (0: not at all)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise _unwritable(path, exc) from None
    with handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CardInUseError(
                        f"the simulated card with state {path} is in use by another process",
                        hint="wait for it to finish, or stop the `esimctl sim serve` that holds it") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
