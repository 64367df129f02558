"""`esimctl sim`: the simulated eUICC: restore it, or serve it to pcscd through vpcd."""

from __future__ import annotations

from pathlib import Path

import click

from esimctl.cli.context import options
from esimctl.errors import UsageError


@click.group()
def sim() -> None:
    """The simulated eUICC (used with --reader sim[:CARDFILE])."""


@sim.command("reset")
@click.option("--card", type=click.Path(dir_okay=False, path_type=Path),
              help="the card file whose saved state to discard (default: the built-in demo card)")
def reset(card: Path | None) -> None:
    """Discard a simulated card's saved state: it starts again as its card file describes."""
    from esimctl.resources import demo_card_path
    from esimctl.sim.store import default_state_path, locked

    opts = options()
    path = card or demo_card_path()
    if not path.is_file():
        raise UsageError(f"card file {path} does not exist")
    state = default_state_path(path)
    with locked(state):
        existed = state.exists()
        state.unlink(missing_ok=True)
    text = (f"restored {path.name}: discarded its state {state}" if existed
            else f"{path.name} is already as its card file describes (no saved state)")
    opts.output("sim reset", {"cardFile": str(path), "stateFile": str(state), "discarded": existed}, text)


@sim.command("serve")
@click.option("--card", type=click.Path(dir_okay=False, path_type=Path),
              help="card file (default: the built-in demo card); its state persists as with --reader sim")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path),
              help="state file (default: one per card file in the user's data directory)")
@click.option("--host", default="127.0.0.1", show_default=True, help="where vpcd listens")
@click.option("--port", type=click.IntRange(1, 65535), default=35963, show_default=True,
              help="vpcd's port: 35963 for its first reader, 35964 for the second")
@click.option("--t0", is_flag=True, help="behave as a T=0-only card (61xx and 6Cxx responses)")
def serve(card: Path | None, state: Path | None, host: str, port: int, t0: bool) -> None:
    """Serve a simulated eUICC to pcscd through vsmartcard's vpcd driver until stopped
    (stopping it is a card removal)."""
    from esimctl.resources import demo_card_path
    from esimctl.sim.card import SimulatedCard
    from esimctl.sim.store import default_state_path, locked
    from esimctl.sim.vpcd import serve_process

    path = card or demo_card_path()
    state_file = state or default_state_path(path)
    # The card's state is this process's for as long as it serves: `--reader sim` on the same
    # card waits, and a second server fails at once instead of serving a diverging copy.
    with locked(state_file, timeout=0):
        simulated = SimulatedCard.open(path, state_file, t0=t0)
        serve_process(simulated, host, port)
