"""`esimctl profile`: list, enable, disable, switch, delete and rename profiles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from esimctl.cli.context import Options, options
from esimctl.cli.output import table
from esimctl.cli.views import PROFILE_HEADERS, profile_identifiers, profile_json, profile_row

if TYPE_CHECKING:
    from esimctl.euicc import Euicc

REFRESH_HELP = ("ask the card to send REFRESH (--refresh), or not (--no-refresh, the default: on a PC/SC "
                "reader nobody handles REFRESH, and some removable eUICCs refuse it)")
# Enough to name and show profiles: ICCID, AID, state, nickname, provider, name, class.
_SHORT_TAGS = (0x5A, 0x4F, 0x9F70, 0x90, 0x91, 0x92, 0x95)


def _target(text: str, opts: Options) -> Any:
    from esimctl.targets import parse_target

    target = parse_target(text)
    if target.warning:
        opts.warn(target.warning)
    return target


def _resolve(euicc: Euicc, target: Any) -> Any:
    """The ProfileInfo the target names (one GetProfilesInfo)."""
    from esimctl.targets import resolve

    return resolve(target, euicc.get_profiles_info(tags=_SHORT_TAGS))


def _shown(ident: str | bytes) -> str:
    """An ICCID as it is, an ISD-P AID in hex."""
    return ident.hex().upper() if isinstance(ident, bytes) else ident


def _identifier(euicc: Euicc, target: Any) -> str | bytes:
    """What the card takes: the ICCID or AID as given, or the ICCID a nickname resolves to."""
    if target.identifier is not None:
        return target.identifier
    return _resolve(euicc, target).iccid


@click.group()
def profile() -> None:
    """List, enable, disable, switch, delete and rename profiles. TARGET is an ICCID, an ISD-P AID
    (32 hex digits) or a unique nickname."""


def _catalogue_matches(opts: Options, profiles: list[Any], dirs: tuple[Path, ...]) -> list[Any] | None:
    """Each profile's catalogue match (brand, confidence), or None when the catalogue cannot be
    read: a broken user catalogue must not stop anyone from seeing their profiles."""
    from esimctl.catalogue import load_catalogue, match_in
    from esimctl.errors import EsimctlError

    try:
        catalogue = load_catalogue(dirs)
    except EsimctlError as err:  # invalid YAML, a missing directory, ...
        opts.warn(f"plan catalogue not used: {err.message}")
        return None
    return [match_in(catalogue, **profile_identifiers(p)) for p in profiles]


def _catalogue_option(function: Any) -> Any:
    return click.option("--catalogue", "catalogue_dirs", multiple=True, metavar="DIR",
                        type=click.Path(file_okay=False, path_type=Path),
                        help="extra plan catalogue directory, overriding the shipped one by id (repeatable; "
                             "also ESIMCTL_CATALOGUE)")(function)


@profile.command("list")
@click.option("--icons", is_flag=True, help="also fetch the icons (more APDUs)")
@_catalogue_option
def list_profiles(icons: bool, catalogue_dirs: tuple[Path, ...]) -> None:
    """Show the profiles on the card, with the operator and the household sharing its brand
    offers, from the plan catalogue."""
    from esimctl.catalogue import operator_label, sharing_label
    from esimctl.catalogue.glance import LEGEND
    from esimctl.catalogue.serialize import match_json
    from esimctl.es10.messages import LIST_TAGS, TAG_ICON, TAG_ICON_TYPE

    opts = options()
    with opts.euicc() as euicc:
        tags = (*LIST_TAGS, TAG_ICON_TYPE, TAG_ICON) if icons else LIST_TAGS
        profiles = euicc.get_profiles_info(tags=tags)
    matches = _catalogue_matches(opts, profiles, catalogue_dirs)
    headers = list(PROFILE_HEADERS)
    rows = [profile_row(p) for p in profiles]
    if matches is not None:
        headers += ["OPERATOR", "SHARING"]
        for row, match in zip(rows, matches, strict=True):
            row += [operator_label(match), sharing_label(match)]
    if icons:
        headers.append("ICON")
        for row, p in zip(rows, profiles, strict=True):
            kind = getattr(p.icon_type, "name", "")
            row.append(f"{kind} {len(p.icon)} bytes" if p.icon else "")
    text = table(headers, rows) if profiles else "no profiles on the card"
    if profiles and matches is not None:
        text += f"\n\nSHARING, for the brand matched:\n{LEGEND}\n`esimctl profile plans TARGET` explains one profile."
    items = [profile_json(p) for p in profiles]
    if matches is not None:
        for item, match in zip(items, matches, strict=True):
            item["catalogueMatch"] = match_json(match)
    opts.output("profile list", {"profiles": items}, text)


@profile.command("plans")
@click.argument("target")
@_catalogue_option
def plans_for_profile(target: str, catalogue_dirs: tuple[Path, ...]) -> None:
    """Explain one installed profile: its brand, how sure the match is, and the household
    sharing its brand's plans offer."""
    from esimctl.catalogue import load_catalogue, match_in
    from esimctl.catalogue.serialize import match_json
    from esimctl.cli.plans import render_match
    from esimctl.targets import describe, resolve

    opts = options()
    tgt = _target(target, opts)
    catalogue = load_catalogue(catalogue_dirs)  # before the card: a broken catalogue fails fast
    with opts.euicc() as euicc:
        chosen = resolve(tgt, euicc.get_profiles_info(tags=(*_SHORT_TAGS, 0xB7)))
    match = match_in(catalogue, **profile_identifiers(chosen))
    text = "\n".join([f"profile: {describe(chosen)}", *render_match(match)])
    opts.output("profile plans", {"profile": profile_json(chosen), "catalogueMatch": match_json(match)}, text)


def _switch_state(euicc: Euicc, ident: str | bytes, enable: bool, refresh: bool) -> None:
    if enable:
        euicc.enable_profile(ident, refresh=refresh)
    else:
        euicc.disable_profile(ident, refresh=refresh)


def _enable_or_disable(target_text: str, enable: bool, refresh: bool) -> None:
    opts = options()
    target = _target(target_text, opts)
    verb = "enable" if enable else "disable"
    with opts.euicc() as euicc:
        ident = _identifier(euicc, target)
        _switch_state(euicc, ident, enable, refresh)
        can_reset = euicc.session.transport.can_reset
    shown = _shown(ident)
    text = f"{verb}d {shown}"
    if enable:
        text += ("\nnote: the change is live after a card reset; `esimctl profile switch` does that for you"
                 if can_reset else "")
    opts.output(f"profile {verb}", {"target": shown, "state": f"{verb}d", "refreshFlag": refresh}, text)


@profile.command("enable")
@click.argument("target")
@click.option("--refresh/--no-refresh", default=False, help=REFRESH_HELP)
def enable(target: str, refresh: bool) -> None:
    """Enable TARGET (the card disables the enabled profile)."""
    _enable_or_disable(target, True, refresh)


@profile.command("disable")
@click.argument("target")
@click.option("--refresh/--no-refresh", default=False, help=REFRESH_HELP)
def disable(target: str, refresh: bool) -> None:
    """Disable TARGET."""
    _enable_or_disable(target, False, refresh)


@profile.command("switch")
@click.argument("target")
@click.option("--refresh/--no-refresh", default=False, help=REFRESH_HELP)
def switch(target: str, refresh: bool) -> None:
    """Enable TARGET, reset the card so it is live, and show before -> after.
    A catBusy answer is retried once after a card reset."""
    from esimctl.es10.results import EnableResult, Es10Error
    from esimctl.targets import describe, resolve

    opts = options()
    tgt = _target(target, opts)
    with opts.euicc() as euicc:
        before = euicc.get_profiles_info(tags=_SHORT_TAGS)
        chosen = resolve(tgt, before)
        if chosen.profile_state is not None and chosen.profile_state.name == "enabled":
            # Enabled already, perhaps by `profile enable` without a reset since: reset so it is
            # live, and succeed, so that scripts can switch idempotently.
            reset = euicc.session.transport.can_reset
            if reset:
                euicc.session.reset_card()
            opts.output("profile switch", {"target": chosen.iccid, "cardReset": reset, "changed": False,
                                           "before": [profile_json(p) for p in before],
                                           "after": [profile_json(p) for p in before]},
                        f"{describe(chosen)} is already the enabled profile"
                        + ("; card reset: it is live" if reset else ""))
            return
        ident = chosen.iccid or chosen.isdp_aid
        session = euicc.session
        try:
            euicc.enable_profile(ident, refresh=refresh)
        except Es10Error as err:
            if err.result != EnableResult.catBusy or not session.transport.can_reset:
                raise
            opts.warn("the card answered catBusy; resetting it and trying once more")
            session.reset_card()
            euicc.enable_profile(ident, refresh=refresh)
        reset = session.transport.can_reset
        if reset:
            session.reset_card()
        after = euicc.get_profiles_info(tags=_SHORT_TAGS)
    state_before = {p.iccid: p.profile_state for p in before}
    changes = []
    for p in after:
        old = state_before.get(p.iccid)
        if old != p.profile_state:
            changes.append([p.iccid or "", p.profile_nickname or "", getattr(old, "name", "?"),
                            "->", getattr(p.profile_state, "name", "?")])
    lines = [f"switched to {describe(chosen)}", table(["ICCID", "NICKNAME", "BEFORE", "", "AFTER"], changes)]
    lines.append("card reset: the new profile is live" if reset else
                 "note: this reader cannot reset the card; the new profile is live after the next reset")
    data = {
        "target": chosen.iccid,
        "cardReset": reset,
        "changed": True,
        "before": [profile_json(p) for p in before],
        "after": [profile_json(p) for p in after],
    }
    opts.output("profile switch", data, "\n".join(lines))


@profile.command("delete")
@click.argument("target")
@click.option("--yes", "-y", is_flag=True, help="do not ask for confirmation")
def delete(target: str, yes: bool) -> None:
    """Delete TARGET (it must be disabled). Asks first unless --yes."""
    from esimctl.targets import describe

    opts = options()
    tgt = _target(target, opts)
    with opts.euicc() as euicc:
        if yes:
            ident = _identifier(euicc, tgt)
            shown = _shown(ident)
        else:
            chosen = _resolve(euicc, tgt)
            ident = chosen.iccid or chosen.isdp_aid
            shown = describe(chosen)
            click.confirm(f"Delete profile {shown}? This cannot be undone.", abort=True, err=True)
        euicc.delete_profile(ident)
    opts.output("profile delete", {"target": _shown(ident),
                                   "deleted": True}, f"deleted {shown}")


@profile.command("nickname")
@click.argument("target")
@click.argument("name", required=False, default="")
def nickname(target: str, name: str) -> None:
    """Set TARGET's nickname to NAME (at most 64 bytes of UTF-8); without NAME, clear it."""
    from esimctl.es10.messages import MAX_NICKNAME_BYTES

    opts = options()
    try:
        encoded = name.encode()
    except UnicodeEncodeError:  # bytes that were not UTF-8 on the command line
        raise click.BadParameter("NAME is not valid UTF-8 text", param_hint="NAME") from None
    if len(encoded) > MAX_NICKNAME_BYTES:
        raise click.BadParameter(f"a nickname holds at most {MAX_NICKNAME_BYTES} bytes of UTF-8; "
                                 f"this one has {len(encoded)}", param_hint="NAME")
    tgt = _target(target, opts)
    with opts.euicc() as euicc:
        # SetNickname takes only an ICCID: an AID or a nickname is resolved first.
        iccid = tgt.iccid if tgt.iccid is not None else _resolve(euicc, tgt).iccid
        euicc.set_nickname(iccid, name)
    text = f"{iccid}: nickname set to {name!r}" if name else f"{iccid}: nickname cleared"
    opts.output("profile nickname", {"iccid": iccid, "profileNickname": name}, text)
