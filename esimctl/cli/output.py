"""Text tables and the JSON document: how every command talks to its user."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

JSON_SCHEMA = "esimctl/1"


def width(text: str) -> int:
    """Display width: East Asian wide characters (Japanese nicknames) take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [width(h) for h in headers]
    for row in rows:
        widths = [max(w, width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def fields(pairs: Sequence[tuple[str, Any]]) -> str:
    """`label  value` lines, labels aligned; None values left out."""
    shown = [(k, v) for k, v in pairs if v is not None]
    pad = max((width(k) for k, _ in shown), default=0)
    return "\n".join(f"{k}{' ' * (pad - width(k))}  {v}" for k, v in shown)


def emit_json(command: str, data: Any, reader: str | None = None) -> None:
    doc = {"schema": JSON_SCHEMA, "command": command, "ok": True, "reader": reader, "data": data}
    click.echo(json.dumps(doc, ensure_ascii=False))


def emit_json_error(command: str, error: dict[str, Any]) -> None:
    doc = {"schema": JSON_SCHEMA, "command": command, "ok": False, "error": error}
    click.echo(json.dumps(doc, ensure_ascii=False), err=True)
