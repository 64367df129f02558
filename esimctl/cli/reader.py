"""`esimctl reader`: the PC/SC readers, and the built-in simulated card beside them."""

from __future__ import annotations

import click

from esimctl.cli.context import options
from esimctl.cli.output import table
from esimctl.errors import NoReaderError


@click.group()
def reader() -> None:
    """PC/SC readers."""


@reader.command("list")
def list_readers() -> None:
    """List PC/SC readers, whether a card is present, and its ATR (the built-in `sim` too)."""
    from esimctl.sim.atr import ATR_T1
    from esimctl.transport import pcsc

    opts = options()
    problem = None
    try:
        readers = pcsc.list_readers()
    except NoReaderError as err:
        readers, problem = [], err.message
        opts.note(f"note: {err.message}" + (f" ({err.hint})" if err.hint else ""))
    rows = [[str(i), r.name, "yes" if r.card_present else "no", r.atr.hex().upper() if r.atr else ""]
            for i, r in enumerate(readers)]
    rows.append(["sim", "built-in simulated eUICC (--reader sim)", "yes", ATR_T1.hex().upper()])
    data = {
        "readers": [{"index": i, "name": r.name, "cardPresent": r.card_present,
                     "atr": r.atr.hex().upper() if r.atr else None} for i, r in enumerate(readers)],
        "pcscProblem": problem,
        "simulated": {"name": "sim", "atr": ATR_T1.hex().upper()},
    }
    opts.output("reader list", data, table(["INDEX", "READER", "CARD", "ATR"], rows))
