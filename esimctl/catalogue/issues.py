"""Validation findings (`file:line: field: message`) and the error that carries them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from esimctl.errors import DataError


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it: short and clickable."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a catalogue file; line is 1-based, 0 when no line applies."""

    path: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": display_path(self.path), "line": self.line, "field": self.field,
                "message": self.message}


class CatalogueError(DataError):
    """The catalogue does not follow SCHEMA.md; carries every issue found, not just the first."""

    code = "catalogue"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        files = {issue.path for issue in self.issues}
        count = len(self.issues)
        head = (f"plan catalogue: {count} error{'s' if count != 1 else ''} "
                f"in {len(files)} file{'s' if len(files) != 1 else ''}")
        super().__init__("\n".join([head, *(f"  {issue}" for issue in self.issues)]),
                         hint="run `esimctl plans check` for the full report")

    def details(self) -> dict[str, object]:
        return {"errors": [issue.as_dict() for issue in self.issues]}
