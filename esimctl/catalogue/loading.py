"""Finding and merging catalogue directories: the shipped one, then the user's, in order.

Each directory is a layer. Within a layer brand and plan ids must be unique (a duplicate is a
mistake); across layers a later brand or plan replaces an earlier one with the same id, which
is how a user corrects or extends the shipped data without editing it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from esimctl.catalogue.brand_file import BrandFile, IdAt, read_brand_file
from esimctl.catalogue.issues import CatalogueError, Issue, display_path
from esimctl.catalogue.model import Brand, Catalogue, Plan, SharingType
from esimctl.errors import UsageError
from esimctl.resources import catalogue_dir

ENV_VAR = "ESIMCTL_CATALOGUE"


def shipped_dir() -> Path:
    return catalogue_dir()


def user_dirs(option_dirs: Iterable[Path | str] = (),
              environ: Mapping[str, str] | None = None) -> list[Path]:
    """ESIMCTL_CATALOGUE entries (os.pathsep-separated) then --catalogue ones: the later wins."""
    env = (os.environ if environ is None else environ).get(ENV_VAR, "")
    dirs = [Path(entry) for entry in env.split(os.pathsep) if entry.strip()]
    dirs.extend(Path(entry) for entry in option_dirs)
    for directory in dirs:
        if not directory.is_dir():
            raise UsageError(f"catalogue directory {directory} does not exist or is not a directory",
                             hint=f"check --catalogue and ${ENV_VAR}")
    return dirs


def default_dirs(option_dirs: Iterable[Path | str] = (),
                 environ: Mapping[str, str] | None = None) -> list[Path]:
    return [shipped_dir(), *user_dirs(option_dirs, environ)]


def layer_files(directory: Path) -> list[Path]:
    """Brand files of a layer: <dir>/*.yaml and <dir>/<country>/*.yaml."""
    return sorted([*directory.glob("*.yaml"), *directory.glob("*/*.yaml")])


@dataclass(frozen=True)
class Stats:
    files: int
    brands: int
    plans: int
    facts: int
    unknowns: int


@dataclass(frozen=True)
class CheckReport:
    catalogue: Catalogue  # the valid part, merged
    issues: tuple[Issue, ...]
    stats: Stats

    @property
    def ok(self) -> bool:
        return not self.issues


def check_dirs(dirs: Sequence[Path], *, today: date | None = None) -> CheckReport:
    """Validate and merge the given layers, in order, without raising on bad data."""
    today = today or date.today()
    issues: list[Issue] = []
    brands: dict[str, Brand] = {}
    files: list[Path] = []
    for directory in dirs:
        read = [read_brand_file(path, today=today) for path in layer_files(directory)]
        files.extend(result.path for result in read)
        issues.extend(issue for result in read for issue in result.issues)
        issues.extend(_duplicate_ids(read))
        for result in read:
            if result.brand is not None:
                _overlay(brands, result.brand)
    catalogue = Catalogue(tuple(brands.values()), tuple(files))
    return CheckReport(catalogue, tuple(issues), count(catalogue))


def load_dirs(dirs: Sequence[Path], *, today: date | None = None) -> Catalogue:
    """The merged catalogue of the given layers; CatalogueError lists every issue found."""
    report = check_dirs(dirs, today=today)
    if report.issues:
        raise CatalogueError(report.issues)
    return report.catalogue


def load_catalogue(option_dirs: Iterable[Path | str] = (), *, today: date | None = None,
                   environ: Mapping[str, str] | None = None) -> Catalogue:
    """The shipped catalogue overlaid with $ESIMCTL_CATALOGUE and then --catalogue dirs."""
    return load_dirs(default_dirs(option_dirs, environ), today=today)


def _duplicate_ids(read: Sequence[BrandFile]) -> list[Issue]:
    issues: list[Issue] = []
    brand_ids = [(result.path, result.brand_id) for result in read if result.brand_id is not None]
    plan_ids = [(result.path, at) for result in read for at in result.plan_ids]
    for kind, ids in (("brand", brand_ids), ("plan", plan_ids)):
        first: dict[str, tuple[Path, IdAt]] = {}
        for path, at in ids:
            if at.id in first:
                other_path, other = first[at.id]
                issues.append(Issue(path, at.line, at.field,
                                    f"{kind} id {at.id!r} is already used at "
                                    f"{display_path(other_path)}:{other.line}"))
            else:
                first[at.id] = (path, at)
    return issues


def _overlay(brands: dict[str, Brand], brand: Brand) -> None:
    """Put a later layer's brand over the earlier ones: same brand id replaces the brand, and a
    plan id it defines is removed from whichever earlier brand had it."""
    brands.pop(brand.id, None)
    own = {plan.id for plan in brand.plans}
    for other_id, other in list(brands.items()):
        kept = tuple(plan for plan in other.plans if plan.id not in own)
        if len(kept) != len(other.plans):
            brands[other_id] = dataclasses.replace(other, plans=kept)
    brands[brand.id] = brand


def _plan_facts(plan: Plan) -> Iterable[bool]:
    """Known-ness of each plan fact that counts: a sharing type's details are not counted
    when the type is not offered (SCHEMA.md lets them be left out)."""
    for path, fact in plan.facts():
        if path.startswith("sharing."):
            kind = SharingType(path.split(".")[1])
            offered = plan.sharing.get(kind).offered
            if not path.endswith(".offered") and offered.known and offered.value is False:
                continue
        yield fact.known


def count(catalogue: Catalogue) -> Stats:
    known = [fact.known for brand in catalogue.brands for _, fact in brand.facts()]
    known += [flag for _, plan in catalogue.plans() for flag in _plan_facts(plan)]
    return Stats(files=len(catalogue.files), brands=len(catalogue.brands),
                 plans=sum(len(brand.plans) for brand in catalogue.brands),
                 facts=len(known), unknowns=known.count(False))
