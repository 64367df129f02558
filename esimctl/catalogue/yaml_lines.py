"""YAML loading that remembers where every value came from.

Validation messages must name a line, so mappings and sequences are built as `LineDict` and
`LineList`, which record the 1-based line of each value. Scalars cannot carry attributes, so
their line is kept by the container that holds them. Two further departures from plain
`yaml.safe_load`, both so that mistakes surface as findings instead of silently passing:

- duplicate mapping keys are reported (PyYAML would keep the last one without a word);
- dates are not resolved: `checked: 2026-13-01` would otherwise crash inside PyYAML with a
  bare ValueError, so dates stay strings and the schema layer parses them strictly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import yaml

from esimctl.catalogue.issues import Issue

# The C parser composes nodes (with marks) much faster; construction stays in Python either way.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class LineDict(dict[Any, Any]):
    """A mapping that knows its own line and the line of each key and value."""

    line: int
    intro_line: int  # the line of the key that introduces it (`brand:`), else its own line
    key_lines: dict[Any, int]
    value_lines: dict[Any, int]

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = self.intro_line = line
        self.key_lines = {}
        self.value_lines = {}

    def line_of(self, key: Any) -> int:
        """The line of key's value, or of the mapping itself when the key is absent."""
        return self.value_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each item."""

    line: int
    intro_line: int
    item_lines: list[int]

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = self.intro_line = line
        self.item_lines = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class LineLoader(_Base):  # type: ignore[misc]
    """A safe loader building LineDict/LineList and collecting duplicate-key findings."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str, path: Path) -> None:
        super().__init__(stream)
        self.path = path
        self.issues: list[Issue] = []
        # Keys and indices leading to the node being built, so a duplicate key is reported
        # with its full field path (`sources.iij-share`), not just its own name.
        self.trail: list[str | int] = []

    def trail_to(self, key: object) -> str:
        return format_field([*self.trail, str(key)])

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # Explicit tags such as `!!int abc` make PyYAML's constructors raise bare ValueError or
        # KeyError; turn them into a marked YAML error so they are reported with their line.
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, TypeError, OverflowError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {node.tag} value: {error}", node.start_mark) from None


def format_field(parts: list[str | int]) -> str:
    """["plans", 0, "sharing", 1, "max_lines"] -> "plans[0].sharing[1].max_lines"."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
    data = LineDict(_line(node))
    loader.flatten_mapping(node)  # resolves `<<` merge keys
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            loader.issues.append(Issue(loader.path, _line(key_node), loader.trail_to("?"),
                                       "a mapping key must be a plain value"))
            continue
        if key in data:
            loader.issues.append(Issue(loader.path, _line(key_node), loader.trail_to(key),
                                       f"duplicate key (first at line {data.key_lines[key]})"))
            continue
        loader.trail.append(str(key))
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        finally:
            loader.trail.pop()
        data.key_lines[key] = _line(key_node)
        data.value_lines[key] = _line(value_node)
        value = data[key]
        if isinstance(value, LineDict | LineList):
            value.intro_line = min(value.intro_line, _line(key_node))
    return data


def _construct_sequence(loader: LineLoader, node: yaml.SequenceNode) -> LineList:
    data = LineList(_line(node))
    for index, item in enumerate(node.value):
        loader.trail.append(index)
        try:
            data.append(loader.construct_object(item, deep=True))
        finally:
            loader.trail.pop()
        data.item_lines.append(_line(item))
    return data


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load_yaml(text: str, path: Path) -> tuple[Any, list[Issue]]:
    """Parse one document; syntax errors become an Issue at the line YAML points to."""
    loader = LineLoader(text, path)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = error.problem or error.context or "not valid YAML"
        if error.context and error.problem:
            problem = f"{problem} ({error.context})"
        return None, [*loader.issues, Issue(path, line, "<yaml>", problem)]
    except yaml.YAMLError as error:
        return None, [*loader.issues, Issue(path, 0, "<yaml>", str(error))]
    except RecursionError:
        return None, [*loader.issues, Issue(path, 0, "<yaml>", "nested too deeply")]
    finally:
        loader.dispose()
    return data, loader.issues
