"""A small JSON scanner that knows where things are: pointers ↔ line and column.

``json.loads`` is fast but forgets positions. This scanner runs only when a position is needed: to
say where a duplicate key, a NaN or an over-long number is, and to give findings a line number in
the text report. It walks the text iteratively (no recursion limit) and accepts the non-standard
literals NaN/Infinity so that it can point at them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .pointer import join

__all__ = ["Event", "iter_events", "line_col", "positions"]

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERAL = re.compile(r"true|false|null|NaN|-?Infinity")


@dataclass(frozen=True, slots=True)
class Event:
    """A value (kind object/array/string/number/literal) or a repeated key (kind duplicate-key)."""

    kind: str
    pointer: str
    offset: int
    token: str = ""


class _Stop(Exception):
    pass


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
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


def _events(text: str) -> Iterator[Event]:
    n = len(text)
    pos = _skip(text, 1 if text.startswith("\ufeff") else 0)
    stack: list[list[object]] = []  # [kind, pointer, seen keys | index]
    ptr = ""
    while True:
        c = text[pos] if pos < n else ""
        done = True
        if c == "{":
            yield Event("object", ptr, pos)
            pos = _skip(text, pos + 1)
            if text.startswith("}", pos):
                pos += 1
            else:
                keypos = pos
                key, pos = _key(text, pos)
                stack.append(["o", ptr, {key}])
                ptr = join(ptr, key)
                done = False
                del keypos
        elif c == "[":
            yield Event("array", ptr, pos)
            pos = _skip(text, pos + 1)
            if text.startswith("]", pos):
                pos += 1
            else:
                stack.append(["a", ptr, 0])
                ptr = join(ptr, 0)
                done = False
        elif c == '"':
            m = _STRING.match(text, pos)
            if not m:
                raise _Stop
            yield Event("string", ptr, pos, m.group())
            pos = m.end()
        else:
            m = _NUMBER.match(text, pos)
            lit = _LITERAL.match(text, pos)
            if lit and (not m or lit.end() > m.end()):
                yield Event("literal", ptr, pos, lit.group())
                pos = lit.end()
            elif m:
                yield Event("number", ptr, pos, m.group())
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
                if frame[0] == "o":
                    keypos = pos
                    key, pos = _key(text, pos)
                    seen = frame[2]
                    assert isinstance(seen, set)
                    if key in seen:
                        yield Event("duplicate-key", join(str(frame[1]), key), keypos, key)
                    seen.add(key)
                    ptr = join(str(frame[1]), key)
                else:
                    index = int(str(frame[2])) + 1
                    frame[2] = index
                    ptr = join(str(frame[1]), index)
                break
            if c in "}]":
                pos += 1
                stack.pop()
                continue
            raise _Stop


def positions(text: str) -> dict[str, int]:
    """Offset of every value, by pointer (the first occurrence where a key repeats)."""
    out: dict[str, int] = {}
    for ev in iter_events(text):
        if ev.kind != "duplicate-key":
            out.setdefault(ev.pointer, ev.offset)
    return out
