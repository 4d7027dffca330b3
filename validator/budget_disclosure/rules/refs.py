"""Cell references in rule files: ``TABLE:PATH``, parsed once at load, resolved per document.

``TABLE`` is a table id, ``narrative`` or ``document``. ``PATH`` is dot-separated field names; an array
step selects rows by key (``rows[code=215]``, ``units[*].projects[name=…]``) or takes every row
(``rows[*]``). Rules never address an array index: printed row order is not meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import pointer as jp

__all__ = ["Ref", "Step", "parse_path", "parse_ref"]

_STEP = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\*|([a-z_][a-z0-9_]*)=([^\]]+))\])?$")


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    all: bool = False
    key: str | None = None
    value: str | None = None
    token: str = ""  # the name as a JSON Pointer token, escaped once

    def __post_init__(self) -> None:
        object.__setattr__(self, "token", jp.escape(self.name))

    @property
    def selects(self) -> bool:
        return self.all or self.key is not None

    def __str__(self) -> str:
        if self.all:
            return f"{self.name}[*]"
        if self.key is not None:
            return f"{self.name}[{self.key}={self.value}]"
        return self.name


def parse_path(text: str) -> tuple[Step, ...]:
    steps = []
    for part in text.split("."):
        m = _STEP.match(part)
        if not m:
            raise ValueError(f"bad path step {part!r} in {text!r}")
        name, sel, key, value = m.groups()
        steps.append(Step(name, all=sel == "*", key=key, value=value))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class Ref:
    """A parsed reference. ``table`` is None for narrative/document roots."""

    root: str
    steps: tuple[Step, ...]
    text: str

    @property
    def table(self) -> str | None:
        return None if self.root in ("narrative", "document") else self.root

    @property
    def base(self) -> str:
        if self.root == "document":
            return ""
        if self.root == "narrative":
            return "/narrative"
        return "/tables/" + jp.escape(self.root)

    @property
    def multiple(self) -> bool:
        return any(s.all for s in self.steps)

    def container(self, document: dict[str, Any]) -> Any:
        if self.root == "document":
            return document
        if self.root == "narrative":
            return document.get("narrative")
        tables = document.get("tables")
        return tables.get(self.root) if isinstance(tables, dict) else None

    def resolve(self, document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        """(pointer, value) of every cell the reference designates and the document has."""
        node = self.container(document)
        if node is None:
            return iter(())
        return walk(node, self.base, self.steps)


def walk(node: Any, ptr: str, steps: tuple[Step, ...]) -> Iterator[tuple[str, Any]]:
    """(pointer, value) of everything the steps reach from ``node`` (whose pointer is ``ptr``)."""
    out: list[tuple[str, Any]] = []
    _walk(node, ptr, steps, 0, out)
    return iter(out)


def _walk(node: Any, ptr: str, steps: tuple[Step, ...], i: int, out: list[tuple[str, Any]]) -> None:
    while i < len(steps):
        step = steps[i]
        if type(node) is not dict or step.name not in node:
            return
        node = node[step.name]
        ptr = f"{ptr}/{step.token}"
        i += 1
        if step.all or step.key is not None:
            if type(node) is not list:
                return
            key, value = step.key, step.value
            for n, item in enumerate(node):
                if key is not None and (type(item) is not dict or str(item.get(key)) != value):
                    continue
                _walk(item, f"{ptr}/{n}", steps, i, out)
            return
    out.append((ptr, node))


def parse_ref(text: str) -> Ref:
    root, sep, path = text.partition(":")
    if not sep or not root:
        raise ValueError(f"reference {text!r} must be TABLE:PATH")
    return Ref(root, parse_path(path) if path else (), text)
