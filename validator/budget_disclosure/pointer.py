"""JSON Pointers (RFC 6901): the only way findings address a place in a document."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["escape", "is_index", "join", "parse", "resolve", "sort_key"]


def is_index(token: str) -> bool:
    """An array index token: ASCII digits only ("²" and "٣" are digits to str.isdigit, not indexes)."""
    return token.isascii() and token.isdigit()


def escape(token: str | int) -> str:
    """Escape one reference token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join(base: str, *tokens: str | int) -> str:
    """Append reference tokens to a pointer (the rule kinds call this for every cell they read)."""
    out = base
    for token in tokens:
        text = token if type(token) is str else str(token)
        if "~" in text or "/" in text:
            text = text.replace("~", "~0").replace("/", "~1")
        out = out + "/" + text
    return out


def from_path(tokens: Iterable[str | int]) -> str:
    """Build a pointer from a sequence of tokens (for example a jsonschema ``absolute_path``)."""
    return "".join("/" + escape(t) for t in tokens)


def parse(pointer: str) -> list[str]:
    """Split a pointer into unescaped tokens."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON Pointer: {pointer!r}")
    if "~" not in pointer:
        return pointer[1:].split("/")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


_MISSING = object()


def resolve(document: Any, pointer: str, default: Any = _MISSING) -> Any:
    """Return the value a pointer designates; ``default`` (or KeyError) when it does not resolve."""
    node = document
    for token in parse(pointer):
        if isinstance(node, dict):
            if token not in node:
                break
            node = node[token]
        elif isinstance(node, list):
            if not is_index(token) or int(token) >= len(node) or (token != "0" and token[0] == "0"):
                break
            node = node[int(token)]
        else:
            break
    else:
        return node
    if default is _MISSING:
        raise KeyError(pointer)
    return default


# Top-level members in the order document.json defines them: findings about the tables come before
# findings about the narrative, as in the printed document.
_TOP = {"$schema": 0, "spec_version": 1, "profile": 2, "metadata": 3, "amounts": 4, "tables": 5, "narrative": 6}


def sort_key(pointer: str, table_order: dict[str, int] | None = None) -> tuple[tuple[int, int, str], ...]:
    """Order pointers in document order: array indexes numerically, tables in spec order."""
    key: list[tuple[int, int, str]] = []
    tokens = parse(pointer)
    for i, token in enumerate(tokens):
        if is_index(token):
            key.append((0, int(token), ""))
        elif i == 0 and token in _TOP:
            key.append((0, _TOP[token], token))
        elif table_order is not None and i == 1 and tokens[0] == "tables" and token in table_order:
            key.append((0, table_order[token], token))
        else:
            key.append((1, 0, token))
    return tuple(key)
