"""A small JSON scanner that knows where things are: pointers ↔ line and column.

``json.loads`` is fast but forgets positions. This scanner runs only when a position is needed: to
say where a duplicate key, a NaN or an over-long number is, and to give findings a line number in
the text report. It walks the text iteratively (no recursion limit) and accepts the non-standard
literals NaN/Infinity so that it can point at them.

Every cost is linear in the text, whatever its shape: the path to the current value is a linked list
that grows by one node per value (an event's pointer is spelled out only when it is asked for, so a
document nested 100,000 deep does not build 100,000 pointers of 100,000 tokens), and
:func:`positions` finds any number of pointers in one walk, then turns offsets into lines with one
table of line starts and a binary search each.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from collections.abc import Collection, Iterator
from typing import Any

from .pointer import escape, parse

__all__ = ["Event", "LineIndex", "iter_events", "line_col", "positions"]

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERAL = re.compile(r"true|false|null|NaN|-?Infinity")


class _Path:
    """One step of a path: the parent's path and this token. Shared by every value below it."""

    __slots__ = ("mark", "parent", "token")

    def __init__(self, parent: _Path | None, token: str | int) -> None:
        self.parent = parent
        self.token = token
        self.mark: dict[object, Any] | None = None  # for a walk that follows wanted pointers

    def pointer(self) -> str:
        tokens: list[str] = []
        node: _Path | None = self
        while node is not None:
            tokens.append(escape(node.token))
            node = node.parent
        return "".join("/" + t for t in reversed(tokens))


class Event:
    """A value (kind object/array/string/number/literal) or a repeated key (kind duplicate-key).

    ``pointer`` is spelled out on first use: a walk over a deep document costs nothing per level.
    """

    __slots__ = ("_path", "_pointer", "kind", "offset", "token")

    def __init__(self, kind: str, path: _Path | str | None, offset: int, token: str = "") -> None:
        self.kind = kind
        self.offset = offset
        self.token = token
        self._path = path if isinstance(path, _Path) else None
        self._pointer = path if isinstance(path, str) else None

    @property
    def pointer(self) -> str:
        if self._pointer is None:
            self._pointer = self._path.pointer() if self._path is not None else ""
        return self._pointer

    def __repr__(self) -> str:
        return f"Event({self.kind!r}, {self.pointer[:80]!r}, {self.offset}, {self.token[:40]!r})"


class _Stop(Exception):
    pass


class LineIndex:
    """Line starts of a text, found in one pass; each lookup is a binary search."""

    def __init__(self, text: str) -> None:
        self.starts = array("q", [0])
        find = text.find
        at = find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = find("\n", at + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of one character offset (for many, build one :class:`LineIndex`)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _skip(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _key(text: str, pos: int) -> tuple[str, int]:
    m = _STRING.match(text, pos)
    if not m:
        raise _Stop
    key = json.loads(m.group())
    pos = _skip(text, m.end())
    if not text.startswith(":", pos):
        raise _Stop
    return key, _skip(text, pos + 1)


def iter_events(text: str) -> Iterator[Event]:
    """Every value with its pointer and offset, in text order; stops quietly at a syntax error."""
    try:
        yield from _events(text)
    except (_Stop, IndexError, ValueError):
        return


class _Frame:
    __slots__ = ("index", "is_object", "path", "seen")

    def __init__(self, is_object: bool, path: _Path | None, seen: set[str] | None) -> None:
        self.is_object = is_object
        self.path = path
        self.seen = seen
        self.index = 0


def _events(text: str) -> Iterator[Event]:
    n = len(text)
    pos = _skip(text, 1 if text.startswith("\ufeff") else 0)
    stack: list[_Frame] = []
    path: _Path | None = None
    while True:
        c = text[pos] if pos < n else ""
        done = True
        if c == "{":
            yield Event("object", path, pos)
            pos = _skip(text, pos + 1)
            if text.startswith("}", pos):
                pos += 1
            else:
                key, pos = _key(text, pos)
                stack.append(_Frame(True, path, {key}))
                path = _Path(path, key)
                done = False
        elif c == "[":
            yield Event("array", path, pos)
            pos = _skip(text, pos + 1)
            if text.startswith("]", pos):
                pos += 1
            else:
                stack.append(_Frame(False, path, None))
                path = _Path(path, 0)
                done = False
        elif c == '"':
            m = _STRING.match(text, pos)
            if not m:
                raise _Stop
            yield Event("string", path, pos, m.group())
            pos = m.end()
        else:
            m = _NUMBER.match(text, pos)
            lit = _LITERAL.match(text, pos)
            if lit and (not m or lit.end() > m.end()):
                yield Event("literal", path, pos, lit.group())
                pos = lit.end()
            elif m:
                yield Event("number", path, pos, m.group())
                pos = m.end()
            else:
                raise _Stop
        if not done:
            continue
        while True:
            pos = _skip(text, pos)
            if not stack:
                return
            frame = stack[-1]
            c = text[pos] if pos < n else ""
            if c == ",":
                pos = _skip(text, pos + 1)
                if frame.is_object:
                    keypos = pos
                    key, pos = _key(text, pos)
                    seen = frame.seen
                    assert seen is not None
                    path = _Path(frame.path, key)
                    if key in seen:
                        yield Event("duplicate-key", path, keypos, key)
                    seen.add(key)
                else:
                    frame.index += 1
                    path = _Path(frame.path, frame.index)
                break
            if c in "}]":
                pos += 1
                stack.pop()
                continue
            raise _Stop


def positions(text: str, pointers: Collection[str]) -> dict[str, tuple[int, int]]:
    """Line and column of each of ``pointers`` that designates a value in ``text`` (the first
    occurrence where a key repeats), found in one walk of the text, whatever the number of pointers.

    The wanted pointers form a tree of tokens; the walk follows it alongside the text (each open
    container's path carries its node of the tree), so a value off every wanted path costs one
    dictionary look-up and nothing else.
    """
    trie: dict[object, Any] = {}
    for ptr in pointers:
        try:
            tokens = parse(ptr)
        except ValueError:
            continue
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[_HERE] = ptr
    if not trie:
        return {}
    offsets: dict[str, int] = {}
    if _HERE in trie:  # the whole document: where its first value starts, no walk needed
        offsets[trie.pop(_HERE)] = len(text) - len(text.lstrip(" \t\r\n\ufeff"))
    remaining = len(set(pointers)) - len(offsets)
    for ev in iter_events(text) if trie else ():
        if remaining <= 0:
            break  # every wanted pointer is placed: the rest of the text (however deep) is not walked
        if ev.kind == "duplicate-key":
            continue
        path = ev._path
        found: dict[object, Any] | None
        if path is None:
            found = trie
        else:
            parent = trie if path.parent is None else path.parent.mark
            found = parent.get(str(path.token)) if parent is not None else None
            if found is not None and ev.kind in ("object", "array"):
                path.mark = found
        if found is None:
            continue
        wanted = found.get(_HERE)
        if wanted is not None and wanted not in offsets:
            offsets[wanted] = ev.offset
            remaining -= 1
    index = LineIndex(text)
    return {ptr: index.line_col(offset) for ptr, offset in offsets.items()}


_HERE = object()  # the key in a tree node that holds the pointer ending there (no token can equal it)
