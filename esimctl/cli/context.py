"""What every command shares: the global options, and opening the card with them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from esimctl.cli.output import emit_json

if TYPE_CHECKING:  # the ES10 layer loads only when a command talks to a card: --help stays fast
    from esimctl.euicc import Euicc


@dataclass
class Options:
    reader: str | None = None
    isdr_aid: bytes | None = None
    mss: int = 120
    json: bool = False
    trace: bool = False
    reader_name: str | None = None  # the transport actually opened
    warnings: list[str] = field(default_factory=list)

    def warn(self, text: str) -> None:
        """Goes to stderr at once, and into the JSON document's `warnings`."""
        self.warnings.append(text)
        click.echo(f"warning: {text}", err=True)

    def note(self, text: str) -> None:
        click.echo(text, err=True)

    def trace_fn(self) -> Callable[[str], None] | None:
        if not self.trace:
            return None
        return lambda line: click.echo(line, err=True)

    @contextlib.contextmanager
    def euicc(self) -> Iterator[Euicc]:
        from esimctl.readers import open_euicc

        with open_euicc(self.reader, isdr_aid=self.isdr_aid, mss=self.mss, trace=self.trace_fn(),
                        fallback_to_sim=True, notice=self.note) as euicc:
            self.reader_name = euicc.session.transport.name
            yield euicc

    def output(self, command: str, data: Any, text: str | None) -> None:
        if self.json:
            if self.warnings:
                data = {**data, "warnings": self.warnings} if isinstance(data, dict) else data
            emit_json(command, data, self.reader_name)
        elif text:
            click.echo(text)


def options() -> Options:
    return click.get_current_context().find_root().obj
