"""Helpers of tests/test_engines.py: run both engines on one source, say where their reports first differ,
watch the compiled engine's screens, and break documents in the generic ways real disclosures are broken.

Everything here is engine-neutral: nothing knows a rule, a kind or a screen by name.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budget_disclosure import validate
from budget_disclosure.findings import Report
from budget_disclosure.rules.context import Context
from budget_disclosure.rules.engines import get_engine
from budget_disclosure.spec import get_spec
from budget_disclosure.synth import Chooser

MODES = (False, True)  # strict_arithmetic: rounding-aware, then exact
_SHOWN = 1200  # characters of one differing entry shown in a failure message


# ------------------------------------------------------------------------------------------ comparing
def first_difference(reference: Report, compiled: Report) -> str | None:
    """Where the compiled engine's report first departs from the interpreter's, or None when the two are
    byte-identical (``to_json``) and list the same rules as applied. The message names one entry (a
    finding, a skip, a header field or an applied rule), never the two whole reports."""
    left, right = reference.to_json(), compiled.to_json()
    if left != right:
        return _first_entry(json.loads(left), json.loads(right)) or "the JSON texts differ (same parsed content)"
    if reference.applied != compiled.applied:
        only_left = sorted(reference.applied - compiled.applied)
        only_right = sorted(compiled.applied - reference.applied)
        return f"applied rules differ: only the interpreter {only_left[:5]}, only compiled {only_right[:5]}"
    return None


def _first_entry(left: dict[str, Any], right: dict[str, Any]) -> str | None:
    """The first differing finding or skip; failing those, the first differing header field (a header
    field such as ``valid`` or ``counts`` only follows from the entries)."""
    keys = [*left, *(k for k in right if k not in left)]
    for key in sorted(keys, key=lambda k: not isinstance(left.get(k), list)):
        a, b = left.get(key), right.get(key)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            return _first_list_entry(key, a, b)
        return f"{key}: interpreter {_short(a)} | compiled {_short(b)}"
    return None


def _first_list_entry(key: str, left: list[Any], right: list[Any]) -> str:
    """The first position where two lists of entries part, and what each report has there (marked when
    the other report lacks it altogether)."""
    i = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), min(len(left), len(right)))
    lines = [f"{key}: first difference at entry {i} ({len(left)} entries from the interpreter, {len(right)} compiled)"]
    for who, mine, other in (("interpreter", left, right), ("compiled", right, left)):
        if i < len(mine):
            missing = " (absent from the other report)" if mine[i] not in other else ""
            lines.append(f"  {who}{missing}: {_short(mine[i])}")
    return "\n".join(lines)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + f"… ({len(text)} characters)"


# ------------------------------------------------------------------------------------------ observing
@dataclass
class Observation:
    """What one source showed, in both arithmetic modes: the first difference between the engines (None
    when there is none), the rules whose screen said clean, and the rules the interpreter reported a
    finding or a skip for."""

    difference: str | None = None
    clean: set[str] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)


@contextmanager
def watching_screens(clean: set[str]) -> Iterator[None]:
    """While inside, every screen of the compiled engine adds its rule to ``clean`` when it answers with
    a number; the screens themselves are restored on the way out."""
    engine: Any = get_engine(get_spec(), "compiled")
    screens = engine.screens
    engine.screens = {rid: _watched(rid, screen, clean) for rid, screen in screens.items()}
    try:
        yield
    finally:
        engine.screens = screens


def _watched(rid: str, screen: Callable[[Context], int | None], clean: set[str]) -> Callable[[Context], int | None]:
    def watched(ctx: Context) -> int | None:
        checked = screen(ctx)
        if checked is not None:
            clean.add(rid)
        return checked

    return watched


def observe(source: Callable[[], Any], **options: Any) -> Observation:
    """Validate ``source()`` (called afresh for each run, so an engine that mutates its input cannot
    affect the other) with both engines in both arithmetic modes."""
    seen = Observation()
    for strict in MODES:
        reference = validate(source(), engine="interpreter", strict_arithmetic=strict, **options)
        with watching_screens(seen.clean):
            compiled = validate(source(), engine="compiled", strict_arithmetic=strict, **options)
        seen.reported |= {f.rule for f in reference.findings} | {s.rule for s in reference.skipped}
        difference = first_difference(reference, compiled)
        if difference is not None and seen.difference is None:
            seen.difference = f"{'exact' if strict else 'rounding-aware'} arithmetic: {difference}"
    return seen


def fresh(document: Any) -> Callable[[], Any]:
    """A source that hands out a deep copy of ``document`` each time."""
    return lambda: copy.deepcopy(document)


def unexercised(screened: set[str], seen: list[Observation]) -> dict[str, list[str]]:
    """The screened rules whose screen never said clean, and those the interpreter never reported."""
    clean = set().union(*(o.clean for o in seen))
    reported = set().union(*(o.reported for o in seen))
    return {
        "never clean": sorted(screened - clean),
        "never reported by the interpreter (no finding, no skip)": sorted(screened - reported),
    }


# ------------------------------------------------------------------------------------------ nasty edits
# Generic damage of the kinds real disclosures show, anywhere in the tables and the narrative: each edit
# changes the document in place, choosing through a ``Chooser`` (Hypothesis draws or a seed), and does
# nothing when the document has no place of its kind.
Place = tuple[Any, Any, Any]  # (parent container, key or index, value)


def places(document: Any) -> list[Place]:
    """Every (parent, key, value) under /tables and /narrative, in document order."""
    out: list[Place] = []
    stack: list[Any] = [document.get(k) for k in ("narrative", "tables") if isinstance(document, dict)]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            out.append((node, key, value))
            stack.append(value)
    return out


def _is_amount(value: Any) -> bool:
    return isinstance(value, (Decimal, int)) and not isinstance(value, bool)


def _pick(ch: Chooser, found: list[Any]) -> Any:
    return ch.choice(found) if found else None


def blank_amount(doc: Any, ch: Chooser) -> None:
    """An amount becomes a blank, a zero, a dash or an empty string."""
    place = _pick(ch, [p for p in places(doc) if _is_amount(p[2])])
    if place:
        place[0][place[1]] = ch.choice([None, 0, Decimal("0.00"), "-", "", "—"])


def text_in_amount(doc: Any, ch: Chooser) -> None:
    """An amount is written as text, a bool, a container or an absurd number."""
    place = _pick(ch, [p for p in places(doc) if _is_amount(p[2])])
    if place:
        value = ch.choice(["12万元", "abc", "1,234.00", " 12 ", str(place[2]), True, [], {}, Decimal("1e30")])
        place[0][place[1]] = value


def negative_amount(doc: Any, ch: Chooser) -> None:
    place = _pick(ch, [p for p in places(doc) if _is_amount(p[2])])
    if place:
        place[0][place[1]] = -place[2] if place[2] else Decimal(-1)


def nudge_amount(doc: Any, ch: Chooser) -> None:
    """An amount moves by a little: within rounding, one displayed unit, or far."""
    place = _pick(ch, [p for p in places(doc) if _is_amount(p[2])])
    if place:
        place[0][place[1]] = place[2] + ch.choice([Decimal("0.01"), Decimal("0.004"), Decimal(1), Decimal(-100)])


def duplicate_row(doc: Any, ch: Chooser) -> None:
    """A row (or indicator, project, unit) is printed twice."""
    place = _pick(ch, [p for p in places(doc) if isinstance(p[0], list) and isinstance(p[2], dict)])
    if place:
        place[0].insert(place[1] + ch.integer(0, 1), copy.deepcopy(place[2]))


def remove_row(doc: Any, ch: Chooser) -> None:
    place = _pick(ch, [p for p in places(doc) if isinstance(p[0], list)])
    if place:
        del place[0][place[1]]


def remove_total_row(doc: Any, ch: Chooser) -> None:
    """A table loses its 合计 row, or prints it without figures."""
    place = _pick(ch, [p for p in places(doc) if p[1] == "total_row"])
    if place:
        if ch.bool():
            del place[0]["total_row"]
        else:
            place[0]["total_row"] = ch.choice([{}, None])


def empty_table(doc: Any, ch: Chooser) -> None:
    """A table declares itself empty (with or without leftovers), or keeps its header but no rows."""
    tables = doc.get("tables") if isinstance(doc, dict) else None
    if not isinstance(tables, dict) or not tables:
        return
    tid = ch.choice(sorted(tables))
    table = tables[tid]
    forms: list[Any] = [{"empty": True}, {"empty": True, "statement": "本部门无相关收支情况"}]
    if isinstance(table, dict):
        forms += [{**table, "empty": True}, {k: v for k, v in table.items() if k not in ("rows", "indicators")}]
        if "rows" in table:
            forms.append({**table, "rows": []})
    tables[tid] = copy.deepcopy(ch.choice(forms))


def drop_key(doc: Any, ch: Chooser) -> None:
    """A field goes missing."""
    place = _pick(ch, [p for p in places(doc) if isinstance(p[0], dict)])
    if place:
        del place[0][place[1]]


def whitespace(doc: Any, ch: Chooser) -> None:
    """A text (a name, a code, a value) gains blanks around it, or becomes blank."""
    place = _pick(ch, [p for p in places(doc) if isinstance(p[2], str)])
    if place:
        pad = ch.choice([" ", "　", "\t", "\n", " 　 "])
        text = place[2]
        place[0][place[1]] = ch.choice([pad + text, text + pad, text[:1] + pad + text[1:], pad, ""])


def other_unit(doc: Any, ch: Chooser) -> None:
    """A table (or the document) states the other unit or another precision: mixed units in an identity."""
    found = [p for p in places(doc) if p[1] == "amounts" and isinstance(p[2], dict)]
    holder = _pick(ch, found)
    target = holder[2] if holder else doc.get("amounts") if isinstance(doc, dict) else None
    if isinstance(target, dict):
        target["unit"] = ch.choice(["元", "万元", "千元"])
        if ch.bool(0.3):
            target["precision"] = ch.choice([0, 2, 4, "as_written"])


def wrong_shape(doc: Any, ch: Chooser) -> None:
    """A container or a value of the wrong type where a row, a table or a text belongs."""
    place = _pick(ch, places(doc))
    if place:
        place[0][place[1]] = ch.choice([[], {}, None, "x", 0, False, [place[2]]])


NASTY_EDITS: tuple[Callable[[Any, Chooser], None], ...] = (
    blank_amount,
    text_in_amount,
    negative_amount,
    nudge_amount,
    duplicate_row,
    remove_row,
    remove_total_row,
    empty_table,
    drop_key,
    whitespace,
    other_unit,
    wrong_shape,
)


def nasty(document: Any, ch: Chooser, edits: int) -> tuple[Any, list[str]]:
    """A copy of ``document`` with ``edits`` generic edits, and their names (for the failure message)."""
    doc = copy.deepcopy(document)
    names = []
    for _ in range(edits):
        edit = ch.choice(NASTY_EDITS)
        edit(doc, ch)
        names.append(edit.__name__)
    return doc, names
