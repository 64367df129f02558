"""`esimctl notification`: the notifications the eUICC keeps for its SM-DP+ servers."""

from __future__ import annotations

import click

from esimctl.cli.context import options
from esimctl.cli.output import table


@click.group()
def notification() -> None:
    """Pending notifications (delivering them to the SM-DP+ comes later)."""


@notification.command("list")
def list_notifications() -> None:
    """List pending notifications: sequence number, event, ICCID, SM-DP+ address."""
    opts = options()
    with opts.euicc() as euicc:
        items = euicc.list_notifications()
    rows = [[str(n.seq_number), ",".join(sorted(n.profile_management_operation or ())).replace("notification", ""),
             n.iccid or "", n.notification_address or ""] for n in items]
    text = table(["SEQ", "EVENT", "ICCID", "ADDRESS"], rows) if items else "no pending notifications"
    opts.output("notification list", {"notifications": [n.to_json() for n in items]}, text)
