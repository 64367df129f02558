"""`esimctl plans`: which Japanese eSIM plans let a household share, from the sourced catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from esimctl.catalogue import (
    Answer,
    Brand,
    Catalogue,
    CatalogueError,
    Confidence,
    Fact,
    Issue,
    Match,
    Plan,
    SharingType,
    Source,
    Stats,
    build_answer,
    check_dirs,
    default_dirs,
    is_stale,
    load_dirs,
    plan_glance,
    stale_before,
    stale_sources,
)
from esimctl.catalogue.glance import LEGEND
from esimctl.catalogue.loading import ENV_VAR
from esimctl.catalogue.model import entry_facts
from esimctl.catalogue.serialize import (
    answer_json,
    brand_json,
    plan_json,
    stale_json,
    stats_json,
)
from esimctl.cli.output import emit_json, table, width
from esimctl.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])




def today() -> date:
    """The date staleness and future `checked` dates are judged against (tests replace it)."""
    return date.today()


class CatalogueCheckFailed(CatalogueError):
    """`plans check` found errors: they are already printed, so the message only counts them."""

    def __init__(self, issues: Sequence[Issue], stats: Stats) -> None:
        super().__init__(issues)
        self.stats = stats
        self.message = f"the plan catalogue has {_count(len(issues), 'error')}"
        self.hint = None

    def details(self) -> dict[str, object]:
        return {**super().details(), "summary": stats_json(self.stats)}


# -- shared plumbing --------------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _json_wanted(own_flag: bool) -> bool:
    """Our own --json, or the root group's (`esimctl --json plans …`). Our own flag is passed up
    to the root's Options, so that an error in this command is reported as JSON too."""
    root = click.get_current_context().find_root()
    if own_flag:
        if hasattr(root.obj, "json"):
            root.obj.json = True
        return True
    return bool(getattr(root.obj, "json", False) or root.params.get("as_json") or root.params.get("json"))


def _warn(text: str) -> None:
    """Through the root's Options when there is one, so JSON output lists it under `warnings`."""
    obj = click.get_current_context().find_root().obj
    if hasattr(obj, "warn"):
        obj.warn(text)
    else:
        click.echo(f"warning: {text}", err=True)


def _emit(command: str, data: dict[str, Any]) -> None:
    warnings = getattr(click.get_current_context().find_root().obj, "warnings", None)
    if warnings:
        data = {**data, "warnings": list(warnings)}
    emit_json(command, data)


def json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="one JSON document on stdout")(function)


def catalogue_option(function: F) -> F:
    return click.option(
        "--catalogue", "catalogue_dirs", multiple=True, metavar="DIR",
        type=click.Path(path_type=Path),
        help=f"also read brand files from DIR, over the shipped ones (repeatable; after ${ENV_VAR})",
    )(function)


def _load(catalogue_dirs: Iterable[Path]) -> Catalogue:
    return load_dirs(default_dirs(catalogue_dirs), today=today())


def _stale_warning(brands: Sequence[Brand]) -> None:
    stale = [item for brand in brands for item in stale_sources(brand, today())]
    if stale:
        names = ", ".join(dict.fromkeys(item.brand.id for item in stale))
        _warn(f"{_count(len(stale), 'source')} behind these facts {'was' if len(stale) == 1 else 'were'} "
              "checked more than 12 months "
              f"ago (before {stale_before(today()).isoformat()}): {names}; prices and rules may have "
              "changed")


def _yes_no(fact: Fact[Any]) -> str:
    return {True: "yes", False: "no", None: "?"}[fact.value]


def _plan_is_stale(plan: Plan) -> bool:
    return any(is_stale(fact.source, today()) for _, fact in plan.facts())


@click.group("plans")
def plans() -> None:
    """Which Japanese eSIM plans let a household share data, each fact with its source."""


# -- plans list -------------------------------------------------------------------------------------


@plans.command("list")
@click.option("--brand", "brand_ids", multiple=True, metavar="BRAND", help="only this brand (repeatable)")
@click.option("--share", "share", type=click.Choice([kind.value for kind in SharingType]),
              help="only plans that offer this kind of sharing")
@click.option("--esim", is_flag=True, help="only plans sold as eSIM (voice or data)")
@click.option("--open", "open_only", is_flag=True, help="only plans open to new sign-ups")
@catalogue_option
@json_option
def list_plans(brand_ids: tuple[str, ...], share: str | None, esim: bool, open_only: bool,
               catalogue_dirs: tuple[Path, ...], as_json: bool) -> None:
    """One row per plan: eSIM (voice/data), open to sign-ups, and sharing at a glance."""
    catalogue = _load(catalogue_dirs)
    unknown = [brand_id for brand_id in brand_ids if catalogue.brand(brand_id) is None]
    if unknown:
        raise UsageError(f"no brand {', '.join(map(repr, unknown))} in the catalogue",
                         hint=f"brands: {', '.join(brand.id for brand in catalogue.brands)}")
    rows = [(brand, plan) for brand, plan in catalogue.plans()
            if (not brand_ids or brand.id in brand_ids)
            and (share is None or plan.sharing.get(share).offered.value is True)
            and (not esim or plan.esim_voice.value is True or plan.esim_data.value is True)
            and (not open_only or plan.open.value is True)]
    _stale_warning(list(dict.fromkeys(brand for brand, _ in rows)))
    if _json_wanted(as_json):
        brands = list(dict.fromkeys(brand for brand, _ in rows))
        stale = [item for brand in brands for item in stale_sources(brand, today())]
        _emit("plans list", {"plans": [plan_json(plan, today()) for _, plan in rows],
                             "stale_sources": stale_json(stale, today())})
        return
    if not rows:
        click.echo("no plan matches")
        return
    stale_mark = False
    cells = []
    for brand, plan in rows:
        stale = _plan_is_stale(plan)
        stale_mark |= stale
        cells.append([brand.id, plan.id + (" *" if stale else ""), str(plan.name),
                      f"{_yes_no(plan.esim_voice)}/{_yes_no(plan.esim_data)}", _yes_no(plan.open),
                      plan_glance(plan)])
    click.echo(table(["BRAND", "PLAN", "NAME", "ESIM V/D", "OPEN", "SHARING"], cells))
    click.echo()
    click.echo(LEGEND)
    if stale_mark:
        click.echo(f"*: rests on a source checked before {stale_before(today()).isoformat()}; "
                   "see `esimctl plans show PLAN`")


# -- plans show -------------------------------------------------------------------------------------


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def _source_text(source: Source) -> str:
    stale = " STALE" if is_stale(source, today()) else ""
    return f"{source.url} (checked {source.checked.isoformat()}{stale})"


def _fact_rows(label: str, fact: Fact[Any]) -> list[tuple[str, str, str]]:
    """(field, value, where it comes from) rows for one fact and its conflicts."""
    if not fact.known:
        because = f" ({fact.note})" if fact.note else ""
        consulted = f"read: {_source_text(fact.source)}" if fact.source else ""
        return [(label, f"unknown{because}", consulted)]
    note = f" ({fact.note})" if fact.note else ""
    rows = [(label, _value_text(fact.value) + note, _source_text(fact.source) if fact.source else "")]
    for conflict in fact.conflicts:
        why = f" ({conflict.note})" if conflict.note else ""
        rows.append(("", f"older source says: {_value_text(conflict.value)}{why}",
                     _source_text(conflict.source)))
    return rows


def _aligned(rows: Sequence[tuple[str, str, str]], indent: str) -> list[str]:
    pad = max((width(label) for label, _, _ in rows), default=0)
    lines = []
    for label, value, where in rows:
        line = f"{indent}{label}{' ' * (pad - width(label))}  {value}"
        lines.append(f"{line}  — {where}" if where else line)
    return lines


def _names(brand_or_plan: Brand | Plan) -> str:
    name = brand_or_plan.name
    both = [text for text in (name.en, name.ja) if text]
    return " / ".join(dict.fromkeys(both)) or brand_or_plan.id


def render_brand(brand: Brand) -> list[str]:
    """The brand's own facts: who runs it, on which network, how to recognise its profiles."""
    lines = [f"{_names(brand)}  (brand {brand.id}, {brand.kind}"
             f"{', ' + brand.country if brand.country else ''})"]
    rows = [*_fact_rows("company", brand.company), *_fact_rows("networks", brand.networks)]
    for key in ("mcc_mnc", "gid1", "iccid_prefixes", "spn"):
        facts = getattr(brand.identifiers, key)
        if not facts:
            rows.append((key, "none listed", ""))
        for fact in facts:
            rows.extend(_fact_rows(key, fact))
    lines.extend(_aligned(rows, "  "))
    return lines


def render_plan(plan: Plan) -> list[str]:
    """Every fact of a plan with its source, and each unknown listed as unknown."""
    lines = [f"plan {plan.id}: {_names(plan)}"]
    rows = [row for key in ("esim_voice", "esim_data", "open") for row in _fact_rows(key, getattr(plan, key))]
    lines.extend(_aligned(rows, "  "))
    for entry in plan.sharing.entries():
        lines.append(f"  {entry.type}")
        facts = list(entry_facts(entry))
        if entry.offered.value is False:
            facts = facts[:1]  # SCHEMA.md lets the details of what is not offered be left out
        lines.extend(_aligned([row for key, fact in facts for row in _fact_rows(key, fact)], "    "))
    unknown = [f"{entry.type}.{key}" for entry in plan.sharing.entries() if entry.offered.value is not False
               for key, fact in entry_facts(entry) if not fact.known]
    unknown = [key for key in ("esim_voice", "esim_data", "open") if not getattr(plan, key).known] + unknown
    lines.append(f"  unknown: {', '.join(unknown) if unknown else 'nothing'}")
    return lines


@plans.command("show")
@click.argument("ident", metavar="ID")
@catalogue_option
@json_option
def show(ident: str, catalogue_dirs: tuple[Path, ...], as_json: bool) -> None:
    """Every fact of a plan (or of a brand and all its plans) with source URL and date checked."""
    catalogue = _load(catalogue_dirs)
    brand = catalogue.brand(ident)
    found = catalogue.plan(ident)
    if brand is None and found is None:
        ids = [brand.id for brand in catalogue.brands] + [plan.id for _, plan in catalogue.plans()]
        close = [known for known in ids if ident.lower() in known]
        raise UsageError(f"no brand or plan {ident!r} in the catalogue",
                         hint=f"did you mean: {', '.join(close)}" if close
                         else "`esimctl plans list` shows every plan id")
    if brand is not None:
        shown_plans = brand.plans
    else:
        assert found is not None
        brand, plan = found
        shown_plans = (plan,)
    _stale_warning([brand])
    if _json_wanted(as_json):
        data = brand_json(brand, today(), plans=False)
        data["plans"] = [plan_json(plan, today()) for plan in shown_plans]
        data["stale_sources"] = stale_json(stale_sources(brand, today()), today())
        _emit("plans show", data)
        return
    lines = render_brand(brand)
    for plan in shown_plans:
        lines += ["", *render_plan(plan)]
    lines += ["", "sources"]
    lines += [f"  {source.id}: {source.title or '(no title)'} [{source.kind}]  {_source_text(source)}"
              for source in brand.sources]
    click.echo("\n".join(lines))


def render_match(match: Match | None) -> list[str]:
    """What the catalogue says about one installed profile (for `esimctl profile plans`):
    which brand, how sure, why, and the brand's plans at a glance."""
    if match is None:
        return ["operator: not in the plan catalogue (no MCC-MNC, GID1, ICCID prefix or SPN fits)"]
    how = ("identified" if match.confidence is Confidence.EXACT
           else "network only: the brand cannot be told for certain")
    lines = [f"operator: {_names(match.brand)} (brand {match.brand.id}; {how})"]
    lines += [f"  why: {reason}" for reason in match.reasons]
    if match.possible:
        lines.append(f"  could also be: {', '.join(brand.id for brand in match.possible)}")
    if match.brand.plans:
        lines += ["", f"plans of {match.brand.id}:"]
        rows = [[plan.id + (" *" if _plan_is_stale(plan) else ""), str(plan.name),
                 f"eSIM {_yes_no(plan.esim_voice)}/{_yes_no(plan.esim_data)}",
                 f"open {_yes_no(plan.open)}", plan_glance(plan)] for plan in match.brand.plans]
        lines += ["  " + line for line in table(["PLAN", "NAME", "ESIM V/D", "OPEN", "SHARING"], rows)
                  .splitlines()[1:]]
    lines += ["", f"every fact and its source: esimctl plans show {match.brand.id}"]
    return lines


# -- plans answer -----------------------------------------------------------------------------------


def render_answer(answer: Answer) -> list[str]:
    lines = [f"Q: {answer.question}", f"A: {answer.summary}",
             f"   (from the catalogue as of {answer.as_of.isoformat()}; each claim cites its page)"]
    for section in answer.sections:
        lines += ["", f"{section.heading}:"]
        if not section.claims:
            lines.append("  none in the catalogue")
        for claim in section.claims:
            lines.append(f"  - {claim.statement}")
            cited: dict[tuple[str, str], list[str]] = {}
            for item in claim.evidence:
                if item.url and item.checked and item.value is not None:
                    when = f"checked {item.checked.isoformat()}{', STALE' if item.stale else ''}"
                    cited.setdefault((item.url, when), []).append(item.field.rsplit(".", 1)[-1])
            for (url, when), keys in cited.items():
                lines.append(f"      {', '.join(keys)}: {url} ({when})")
            unknown = [item.field.rsplit(".", 1)[-1] + (f" (read {item.url}, which does not say)" if item.url else "")
                       for item in claim.evidence if item.value is None]
            if unknown:
                lines.append(f"      unknown: {', '.join(unknown)}")
    return lines


@plans.command("answer")
@catalogue_option
@json_option
def answer(catalogue_dirs: tuple[Path, ...], as_json: bool) -> None:
    """Can a household share data on eSIM in Japan? The plain answer, every claim sourced."""
    catalogue = _load(catalogue_dirs)
    result = build_answer(catalogue, today())
    _stale_warning(catalogue.brands)
    if _json_wanted(as_json):
        _emit("plans answer", answer_json(result))
        return
    click.echo("\n".join(render_answer(result)))


# -- plans check ------------------------------------------------------------------------------------


def _summary(stats: Stats, errors: int, stale: int) -> str:
    counts = (f"{_count(stats.files, 'file')}, {_count(stats.brands, 'brand')}, "
              f"{_count(stats.plans, 'plan')}, {_count(stats.facts, 'fact')} "
              f"({stats.unknowns} unknown)")
    state = f"{_count(errors, 'error')}" if errors else "ok"
    old = f"; {_count(stale, 'source')} checked more than 12 months ago" if stale else ""
    return f"{counts}: {state}{old}"


@plans.command("check")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
@catalogue_option
@json_option
def check(dirs: tuple[Path, ...], catalogue_dirs: tuple[Path, ...], as_json: bool) -> None:
    """Validate brand files against SCHEMA.md (default: the shipped catalogue plus user dirs).

    Prints every error as file:line: field: message and exits 6 if there is any.
    """
    for directory in dirs:
        if not directory.is_dir():
            raise UsageError(f"{directory} is not a directory")
    layers = list(dirs) + list(catalogue_dirs) if dirs else default_dirs(catalogue_dirs)
    report = check_dirs(layers, today=today())
    stale = stale_sources(report.catalogue, today())
    if report.issues:
        if not _json_wanted(as_json):
            for issue in report.issues:
                click.echo(str(issue))
            click.echo(_summary(report.stats, len(report.issues), len(stale)))
        raise CatalogueCheckFailed(report.issues, report.stats)
    if _json_wanted(as_json):
        _emit("plans check", {"ok": True, "summary": stats_json(report.stats), "errors": [],
                              "stale_sources": stale_json(stale, today())})
        return
    click.echo(_summary(report.stats, 0, len(stale)))


__all__ = ["plans", "render_answer", "render_brand", "render_match", "render_plan"]
