"""Safe YAML loading for spec files: no code execution, exact decimals, duplicate keys refused, line numbers kept."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError
from .specfiles import read_spec_file

__all__ = ["LineDict", "load_yaml"]

# libyaml's parser when present (about 8x faster for the rule files); construction stays in Python
# either way, so both loaders build the same values.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[str, Any]):
    """A mapping that remembers the line (1-based) it starts on in its YAML file, and the line of each key."""

    line: int = 0
    key_lines: dict[str, int] | None = None

    def line_of(self, key: str) -> int:
        """The line of ``key`` (of the mapping itself when the key is not there)."""
        return (self.key_lines or {}).get(key, self.line)


class _Loader(_Base):  # type: ignore[misc]
    pass


def _mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise SpecError(f"mapping key {key!r} is not a string", line=key_node.start_mark.line + 1)
        if key in out:
            raise SpecError(f"duplicate key {key!r}", line=key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _float(loader: Any, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SpecError(f"number {text!r} is not a finite decimal", line=node.start_mark.line + 1) from None
    if not value.is_finite():
        raise SpecError(f"number {text!r} is not finite", line=node.start_mark.line + 1)
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor("tag:yaml.org,2002:float", _float)


MAX_NODES = 500_000  # values in one file with every alias expanded; the largest spec file has about 10,000


def _check_expansion(value: Any) -> None:
    """Refuse a file whose aliases expand into more values than any spec file holds ("billion laughs"):
    every later walk over the rules would otherwise take exponential time."""
    budget = MAX_NODES
    stack = [value]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise SpecError(f"the file expands to more than {MAX_NODES:,} values (nested YAML aliases)")
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def load_yaml(path: Path, *, display: str | None = None) -> Any:
    """Load one YAML file safely (at most ``MAX_FILE_BYTES``); errors name the file and line."""
    name = display or str(path)
    try:
        text = read_spec_file(path, name).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    try:
        value = yaml.load(text, Loader=_Loader)
        _check_expansion(value)
        return value
    except SpecError as exc:
        raise SpecError(str(exc).split(": ", 1)[-1], file=name, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SpecError(f"YAML syntax: {exc.problem or exc}", file=name, line=line) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"YAML: {exc}", file=name) from None
