"""What every screen is and the little it shares.

A *screen* is compiled once per spec for one rule, from the rule's prepared parameters (what the
interpreter's ``prepare`` built: bound references, columns, code lists). Per document it answers one
question: does the interpreter's kind, run on this document, report nothing at all? It returns

- the number of identities or items the kind would count as checked (``Context.checked``; only whether
  it is zero matters: a rule that checked something is listed as applied), when the kind would yield no
  violation, not even information, and would note nothing unverifiable; or
- ``None`` (``UNSURE``) in every other case: the engine then runs the interpreter's kind for the rule,
  which builds the findings exactly as the reference does.

``None`` is always a correct answer; a number is a promise, held by ``tests/test_engines.py`` on every
example, case and generated document. A screen reads the document directly: no pointer, no ``Cell``,
no location and no message is built for a rule that finds nothing. Amounts are compared exactly as
printed (an exact identity is one the interpreter finds holding; any difference, even one rounding
explains, is information the interpreter reports, so the screen hands it over).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ...amounts import FACTOR
from ...spec import Spec
from ..context import Compiled, Context
from ..refs import Step

__all__ = ["HOLDS", "UNSURE", "Screen", "ScreenFactory", "amount", "factor", "guarded", "reach", "table"]

Screen = Callable[[Context], "int | None"]
# Builds a rule's screen once per spec, or returns None when the rule's parameters take a form the
# family does not compile (the interpreter then runs the rule on every document).
ScreenFactory = Callable[[Spec, Compiled], "Screen | None"]

UNSURE = None

# Whether an identity holds on the exact difference ``left − right`` under each operator: what
# ``interval.verdict`` calls holding. The interpreter then reports nothing; any other difference, one
# within rounding included, is at least information, so a screen meeting it is unsure.
HOLDS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "le": operator.le,
    "ge": operator.ge,
    "lt": operator.lt,
    "gt": operator.gt,
}
_ZERO = Decimal(0)


def table(ctx: Context, tid: str) -> dict[str, Any] | None:
    """The table object, or None when it is missing or not an object."""
    tables = ctx.document.get("tables")
    found = tables.get(tid) if type(tables) is dict else None
    return found if type(found) is dict else None


def factor(ctx: Context, tid: str, column: str) -> Decimal | None:
    """The factor to 元 of the amounts in ``column`` of table ``tid``, or None when the interpreter would
    read no amount there (unknown unit, or a precision it cannot use). Looked up once per document."""
    key = ("base.factor", tid, column)
    memo = ctx.memo
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    unit, precision = ctx.formats.at(f"/tables/{tid}/{column}")
    found = FACTOR[unit] if unit in FACTOR and (precision == "as_written" or type(precision) is int) else None
    memo[key] = found
    return found


def amount(raw: Any) -> Decimal | None:
    """An amount cell's printed value: a blank (null) or a dash is zero; None for anything that is not an
    amount (the interpreter skips such a cell or reports it, so a screen meeting one is unsure)."""
    kind = type(raw)
    if kind is Decimal:
        return raw  # type: ignore[no-any-return]
    if raw is None or raw == "-":
        return _ZERO
    if kind is int:
        return Decimal(raw)
    return None


def guarded(screen: Screen) -> Screen:
    """The screen, answering "unsure" instead of raising: a document no screen foresaw is the interpreter's
    to report, never a traceback."""

    def answer(ctx: Context) -> int | None:
        try:
            return screen(ctx)
        except Exception:
            return UNSURE

    return answer


def reach(node: Any, steps: tuple[Step, ...]) -> list[Any]:
    """The values the steps reach from ``node``, in the order ``refs.walk`` finds them, without pointers."""
    out: list[Any] = []
    _reach(node, steps, 0, out)
    return out


def _reach(node: Any, steps: tuple[Step, ...], i: int, out: list[Any]) -> None:
    while i < len(steps):
        step = steps[i]
        if type(node) is not dict or step.name not in node:
            return
        node = node[step.name]
        i += 1
        if step.all or step.key is not None:
            if type(node) is not list:
                return
            key, value = step.key, step.value
            for item in node:
                if key is not None and (type(item) is not dict or str(item.get(key)) != value):
                    continue
                _reach(item, steps, i, out)
            return
    out.append(node)
