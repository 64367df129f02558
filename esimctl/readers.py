"""Turns a reader choice (`--reader`, ESIMCTL_READER) into an open transport, and opens a
ready-to-use eUICC on it: the library's entry point.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from esimctl.apdu.link import MSS_DEFAULT, TraceFn
from esimctl.errors import PcscUnavailableError
from esimctl.euicc import Euicc
from esimctl.session import Session
from esimctl.transport.base import Transport

ENV_READER = "ESIMCTL_READER"


def reader_choice(reader: str | None) -> str | None:
    return reader if reader else os.environ.get(ENV_READER) or None


def open_transport(reader: str | None, *, fallback_to_sim: bool = False, notice: TraceFn | None = None) -> Transport:
    """`sim` or `sim:CARDFILE`: a simulated card in this process. An index or a name substring:
    that PC/SC reader. Nothing: the only PC/SC reader with a card; with `fallback_to_sim`, the
    built-in simulated card when there is no PC/SC here at all (never when a reader merely has no
    card or is busy), announced through `notice` so nobody mistakes it for hardware."""
    choice = reader_choice(reader)
    if choice is not None and (choice == "sim" or choice.startswith("sim:")):
        from esimctl.transport.simulated import SimTransport

        card_file = choice[4:] or None
        return SimTransport.open(Path(card_file) if card_file else None)
    from esimctl.transport import pcsc

    if choice is not None:
        return pcsc.PcscTransport.open(choice)
    try:
        return pcsc.PcscTransport.open(None)
    except PcscUnavailableError as exc:
        from esimctl.transport.simulated import SimTransport

        if not fallback_to_sim:
            raise
        if notice:
            notice(f"note: {exc.message}; using the built-in simulated card (--reader sim)")
        return SimTransport.open(None)


@contextlib.contextmanager
def open_euicc(reader: str | None = None, *, isdr_aid: bytes | None = None, mss: int = MSS_DEFAULT,
               trace: TraceFn | None = None, fallback_to_sim: bool = False,
               notice: TraceFn | None = None) -> Iterator[Euicc]:
    """Opens a session with the ISD-R of the chosen card; closes channel and reader on exit.
    With no reader named, the only PC/SC reader with a card: the library falls back to the
    simulated card only when asked (`fallback_to_sim`, as the CLI does; see open_transport)."""
    transport = open_transport(reader, fallback_to_sim=fallback_to_sim, notice=notice)
    try:
        with Session(transport, isdr_aid=isdr_aid, mss=mss, trace=trace) as session:
            yield Euicc(session)
    finally:
        transport.close()
