"""Mutations that make a given rule fire, derived from the rule's own kind and parameters.

``mutate(rule, document, data)`` returns the mutated document and a predicate that a finding of the
rule must satisfy (it is at the place that was changed, or names it among the cells involved). A rule
of an existing kind is covered without new code here: the mutation reads its references, columns,
filters and legal values from the compiled rule. Arithmetic kinds move one cell of one of the rule's
identities, as evaluated on the document, by more than the identity's rounding envelope.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from budget_disclosure import pointer as jp
from budget_disclosure.amounts import FACTOR, cell_at, fmt_for
from budget_disclosure.findings import Finding
from budget_disclosure.rules.context import Evaluation
from budget_disclosure.rules.engine import RunResult
from budget_disclosure.rules.engines import get_engine
from budget_disclosure.spec import get_spec

from .support import leaf_pointers

Check = Callable[[Finding], bool]
ARITHMETIC = {"sum", "compare", "row_sum", "column_sum", "group_sum", "rollup", "rows_match"}
CJK_WORDS = st.text(alphabet="甲乙丙丁戊己庚辛壬癸天地玄黄宇宙洪荒日月盈昃", min_size=2, max_size=6)
# Text a reader accepts: no control characters other than tab and line breaks (input.control-character).
TEXT = st.characters(
    exclude_categories=("Cs",), exclude_characters=[*map(chr, range(9)), "\x0b", "\x0c", *map(chr, range(14, 32))]
)


@dataclass
class Mutation:
    document: Any
    check: Check
    options: dict[str, Any] | None = None
    raw: bytes | str | None = None  # for input rules: the bytes (or a workbook's path) to validate instead


def run_engine(document: Any, strict: bool = False) -> RunResult:
    spec = get_spec()
    return get_engine(spec, "interpreter").run(document, document["profile"], strict=strict)


def set_at(document: Any, pointer: str, value: Any) -> Any:
    doc = copy.deepcopy(document)
    tokens = jp.parse(pointer)
    node = doc
    for t in tokens[:-1]:
        node = node[int(t)] if isinstance(node, list) else node[t]
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


def remove_at(document: Any, pointer: str) -> Any:
    doc = copy.deepcopy(document)
    tokens = jp.parse(pointer)
    node = doc
    for t in tokens[:-1]:
        node = node[int(t)] if isinstance(node, list) else node[t]
    if isinstance(node, list):
        del node[int(tokens[-1])]
    else:
        del node[tokens[-1]]
    return doc


def at_or_involves(pointer: str) -> Check:
    return lambda f: (
        f.pointer == pointer or pointer in f.related or f.cause == pointer or f.pointer.startswith(pointer + "/")
    )


def under(pointer: str) -> Check:
    return lambda f: f.pointer == pointer or f.pointer.startswith(pointer + "/") or pointer.startswith(f.pointer + "/")


# ------------------------------------------------------------------------------------------ arithmetic
def step_of(document: Any, pointer: str) -> tuple[Decimal, Decimal]:
    """(one unit in the last displayed place, in the cell's unit; the cell's unit in 元). Counts: (1, 1)."""
    from budget_disclosure.labels import node_at

    node = node_at(get_spec().labels, jp.parse(pointer))
    if node is None or not node.amount:
        return Decimal(1), Decimal(1)
    raw = jp.resolve(document, pointer)
    cell = cell_at(document, pointer, raw)
    unit, precision = fmt_for(document, pointer)
    if cell is not None and cell.precision is not None:
        places = cell.precision
    elif isinstance(precision, int):
        places = precision
    else:
        places = 0
    return Decimal(1).scaleb(-places), FACTOR[unit or "元"]


def _is_amount_cell(pointer: str) -> bool:
    from budget_disclosure.labels import node_at

    node = node_at(get_spec().labels, jp.parse(pointer))
    return node is not None and node.amount


def move(document: Any, pointer: str, delta: Decimal) -> Any:
    raw = jp.resolve(document, pointer)
    base = Decimal(0) if raw in (None, "-") else Decimal(raw)
    value = base + delta
    if isinstance(raw, int) and not isinstance(raw, bool) and delta == delta.to_integral():
        return set_at(document, pointer, int(value))
    return set_at(document, pointer, value)


def breaks(evaluation: Evaluation, shift: Decimal) -> bool:
    """Whether shifting the left-minus-right difference by ``shift`` (元) takes the identity beyond its envelope."""
    diff = evaluation.difference + shift
    if evaluation.op == "eq":
        return abs(diff) > evaluation.envelope
    if evaluation.op == "le":
        return diff > evaluation.envelope
    if evaluation.op == "lt":
        return diff >= evaluation.envelope if evaluation.envelope else diff >= 0
    if evaluation.op == "ge":
        return -diff > evaluation.envelope
    return -diff >= evaluation.envelope if evaluation.envelope else diff <= 0


def moves_beyond(document: Any, evaluation: Evaluation, pointer: str, coefficient: Decimal, data: Any) -> Any:
    """Move one cell of an identity far enough that the identity must fail (towards failure for ≤ / ≥).

    Counts (vehicles, equipment) cannot go below zero — the schema refuses that — so a count is moved down
    at most to zero, and a cell that cannot break its identity that way is not chosen.
    """
    step, factor = step_of(document, pointer)
    envelope = evaluation.envelope
    if _is_amount_cell(pointer) and not any(
        c.half for c, _ in [*evaluation.left, *evaluation.right] if c.pointer == pointer
    ):
        # A blank (or a written zero) is exact; once it prints a figure, that figure brings its own half
        # unit, and the identity is no longer a one-to-one comparison: every rounded term counts.
        full = sum((abs(w) * c.half for c, w in [*evaluation.left, *evaluation.right]), Decimal(0))
        envelope = full + abs(coefficient) * step * factor / 2
    need = (envelope + abs(evaluation.difference)) / abs(coefficient) / factor
    units = int(need / step) + data.draw(st.integers(1, 50), label="extra units")
    if evaluation.op in ("le", "lt"):
        sign = 1 if coefficient > 0 else -1
    elif evaluation.op in ("ge", "gt"):
        sign = -1 if coefficient > 0 else 1
    else:
        sign = data.draw(st.sampled_from([1, -1]), label="direction")
    raw = jp.resolve(document, pointer)
    if evaluation.op == "eq" and isinstance(raw, int) and not isinstance(raw, bool) and raw - units * step < 0:
        sign = 1  # a count cannot go below zero; an equality breaks upwards as well
    delta = sign * units * step
    if isinstance(raw, int) and not isinstance(raw, bool) and raw + delta < 0:
        delta = Decimal(-raw)
        assume(delta != 0 and breaks(evaluation, coefficient * delta * factor))
    return move(document, pointer, delta)


def arithmetic(rule_id: str, document: Any, data: Any) -> Mutation:
    evaluations = [e for e in run_engine(document).evaluations if e.rule == rule_id]
    assume(evaluations)
    evaluation = data.draw(st.sampled_from(evaluations), label="identity")
    cells = [(p, c) for p, c in evaluation.coefficients if c and not _is_table_pointer(p)]
    assume(cells)
    pointer, coefficient = data.draw(st.sampled_from(cells), label="cell")
    moved = moves_beyond(document, evaluation, pointer, coefficient, data)
    anchor = evaluation.pointer
    severity = get_spec().rules[rule_id].severity
    return Mutation(
        moved, lambda f: f.severity is severity and (f.pointer in (pointer, anchor) or pointer in f.related)
    )


def _is_table_pointer(pointer: str) -> bool:
    tokens = jp.parse(pointer)
    return len(tokens) == 2 and tokens[0] == "tables"  # the exact zero of an empty table: nothing to move


# ------------------------------------------------------------------------------------------ items
def _items(document: Any, refs: Any, where: Any = None) -> list[tuple[str, Any]]:
    out = []
    for bound in refs:
        for ptr, item in bound.ref.resolve(document):
            if isinstance(item, dict) and (where is None or where(item)):
                out.append((ptr, item))
    return out


def _field_pointer(ptr: str, field: str) -> str:
    return jp.join(ptr, *field.split("."))


def _pick(data: Any, candidates: list[Any], label: str) -> Any:
    assume(candidates)
    return data.draw(st.sampled_from(candidates), label=label)


COMPARATORS = ["≥", "≤", "=", ">", "<", ">=", "<=", "＝", "＞", "＜"]


def allowed_values(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    ptr, _ = _pick(data, _items(document, prepared.items.refs, prepared.items.where), "item")
    allowed = set(prepared.values)
    for bound in prepared.values_from:
        allowed |= {str(v).strip() for _, v in bound.ref.resolve(document) if isinstance(v, str)}
    aliases = prepared.aliases
    field = prepared.items.field
    item = jp.resolve(document, ptr)
    if prepared.items.part is not None:
        return _part_value(document, data, ptr, item, field, prepared.items.part, allowed, aliases)

    def admitted(s: str) -> bool:
        # An illegal value the rule's filter still admits (where the filter admits only legal comparators,
        # as for a quantity's direction, a comparator the rule does not allow).
        return (
            s not in allowed
            and aliases.get(s, s) not in allowed
            and ("." in field or bool(prepared.items.where({**item, field: s})))
        )

    # A rule that presupposes another's legal values (requires) is broken by a value legal for that one.
    legal = {
        v
        for rid in get_spec().rules[rule_id].requires
        for v in getattr(get_engine(get_spec()).compiled[rid].prepared, "values", ())
    }
    wrong = sorted(v for v in legal if admitted(v))
    if wrong:
        value = data.draw(st.sampled_from(wrong), label="value")
    else:
        # The admissible comparators listed first, and words only where the rule's filter admits a word
        # (one that admits only comparators never passes one), so that no branch is drawn in vain.
        signs = [c for c in COMPARATORS if admitted(c)]
        words = CJK_WORDS.filter(admitted)
        if not signs:
            value = data.draw(words, label="value")
        elif admitted("甲乙丙"):
            value = data.draw(st.one_of(st.sampled_from(signs), words), label="value")
        else:
            value = data.draw(st.sampled_from(signs), label="value")
    here = _field_pointer(ptr, field)
    return Mutation(set_at(document, here, value), lambda f: f.pointer == here)


def _part_value(
    document: Any, data: Any, ptr: str, item: Any, field: str, part: str, allowed: set[str], aliases: Any
) -> Mutation:
    """A rule on a part of the value as read (its comparator, its unit): the same number, written with an
    illegal comparator or unit."""
    from budget_disclosure.rules.values import reading_of

    reading = reading_of(item.get(field))
    assume(reading is not None)
    assert reading is not None
    number = format(reading.number, "f")
    if part == "comparator":
        wrong = [c for c in ("≥", "≤", "=", ">", "<") if c not in allowed and aliases.get(c, c) not in allowed]
        value = data.draw(st.sampled_from(wrong), label="comparator") + number + reading.unit
    else:
        unit = data.draw(st.sampled_from([u for u in ("次", "个", "元", "天", "人") if u not in allowed]), label="unit")
        value = (reading.comparator or "") + number + unit
    here = _field_pointer(ptr, field)
    return Mutation(set_at(document, here, value), lambda f: f.pointer == here)


def pattern(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    ptr, _ = _pick(data, _items(document, prepared.items.refs, prepared.items.where), "item")
    if prepared.must_not_match is not None:
        value = data.draw(
            st.from_regex(prepared.must_not_match.pattern, fullmatch=False).filter(
                # Control characters other than tab and line breaks are input.control-character, not text.
                lambda s: s.strip() != "" and not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", s)
            ),
            label="value",
        )
    elif prepared.items.field == "code":  # a code of the right shape that the pattern does not admit
        length = len(str(jp.resolve(document, _field_pointer(ptr, "code"))))
        value = data.draw(
            st.from_regex(rf"\A[0-9]{{{length}}}\Z").filter(lambda s: not prepared.must_match.search(s)), label="code"
        )
    else:
        value = data.draw(CJK_WORDS.filter(lambda s: not prepared.must_match.search(s)), label="value")
    here = _field_pointer(ptr, prepared.items.field)
    return Mutation(set_at(document, here, value), lambda f: f.pointer == here)


def present(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    ptr, _ = _pick(data, _items(document, prepared.refs, prepared.where), "item")
    here = _field_pointer(ptr, prepared.field)
    blanked = set_at(document, here, None)
    from budget_disclosure import validate

    if any(f.rule.startswith("schema.") and f.pointer == here for f in validate(blanked).findings):
        # A field whose schema admits no null (a unit code) is blank by being left out.
        return Mutation(remove_at(document, here), lambda f: f.pointer == ptr)
    return Mutation(blanked, lambda f: f.pointer == here)


def numeric_value(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    ptr, _ = _pick(data, _items(document, prepared.items.refs, prepared.items.where), "item")
    if prepared.money:  # a number in a unit of money the rule's table does not know
        unit = data.draw(st.sampled_from(["千万元", "万美元", "万日元", "百元"]), label="unit")
        assume(unit not in prepared.money_units)
        here = _field_pointer(ptr, prepared.items.field)
        document = set_at(document, _field_pointer(ptr, prepared.unit_field), unit)
        return Mutation(set_at(document, here, "12"), lambda f: f.pointer == here)
    item = jp.resolve(document, ptr)
    field = prepared.items.field
    # Values the rule's filter still admits (a form without the value-type column checks a value written with
    # a comparator, or a quantity's number).
    value = data.draw(
        st.one_of(
            st.sampled_from(["全年", "周期", "2024年", "2025年", "提高", "年内", "", "≤两百万元", "≥全年", "≤2024年"]),
            CJK_WORDS,
        ).filter(lambda v: prepared.items.where({**item, field: v or None})),
        label="value",
    )
    here = _field_pointer(ptr, prepared.items.field)
    return Mutation(set_at(document, here, value or None), lambda f: f.pointer == here)


def bounds(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    candidates = []
    for bound in prepared.scope:
        for sptr, scope in bound.ref.resolve(document):
            items = [(sptr, scope)] if prepared.items is None else list(_walk(scope, sptr, prepared.items))
            candidates += [
                (sptr, scope, iptr, item) for iptr, item in items if isinstance(item, dict) and prepared.where(item)
            ]
    sptr, scope, iptr, item = _pick(data, candidates, "item")
    here = jp.join(iptr, prepared.field)
    from budget_disclosure.rules.values import reading_of

    # The unit written in the value (50万元, 95%) stays: on a form without a unit column it is the unit.
    written = reading_of(item.get(prepared.field))
    suffix = written.unit if written is not None else ""
    extra = data.draw(st.integers(2, 10_000), label="excess")
    if prepared.max is not None:
        if isinstance(prepared.max, dict):
            amount_ptr = _field_pointer(sptr, prepared.max["field"])
            amount = jp.resolve(document, amount_ptr, None)
            base = Decimal(0) if amount in (None, "-") else Decimal(amount)
            unit = fmt_for(document, amount_ptr)[0]
            row_unit = item.get(prepared.unit_field) if prepared.unit_field else unit
            money = prepared.money_units
            if suffix in money:  # the value writes its unit of money (a form without a unit column)
                limit = base * FACTOR[unit] / money[suffix]
            else:
                limit = base * FACTOR[unit] / money.get(row_unit or unit, FACTOR[unit])
        else:
            limit = Decimal(prepared.max)
        value = limit + extra
    else:
        value = Decimal(prepared.min) - extra
    text = format(value.normalize(), "f") + suffix
    return Mutation(set_at(document, here, text), lambda f: f.pointer == here)


def _walk(node: Any, ptr: str, steps: Any) -> Any:
    from budget_disclosure.rules.refs import walk

    return walk(node, ptr, steps)


def indicator_levels(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    ptr, item = _pick(data, _items(document, prepared.items.refs, prepared.items.where), "item")
    framework = get_spec().framework_for(document["profile"], document["metadata"]["fiscal_year"])
    assume(framework is not None)
    if prepared.check == "level1":
        field, legal = "level1", set(framework.level1)
    else:
        assume(item.get("level1") in framework.level1)
        field, legal = "level2", set(framework.level1[item["level1"]])
    # The alphabet of CJK_WORDS forms no legal level, so the filter never rejects. A blank 二级指标 is a
    # defect only on a row that names a 三级指标: a row blank but for its 一级指标 is a placeholder the rule
    # leaves alone (its where clause); a blank 一级指标 is another rule's. Blank is drawn only where it is one.
    words = CJK_WORDS.filter(lambda s: s not in legal)
    blank_ok = field == "level2" and item.get("level3") not in (None, "")
    value = data.draw(st.one_of(st.none(), words) if blank_ok else words, label="value")
    here = jp.join(ptr, field)
    return Mutation(set_at(document, here, value), lambda f: f.pointer == here)


def coverage(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    framework = get_spec().framework_for(document["profile"], document["metadata"]["fiscal_year"])
    assume(framework is not None)
    # A department printed as its units' tables has no indicators of its own at the top: its units do.
    scopes = [
        (p, s)
        for b in prepared.scope
        for p, s in b.ref.resolve(document)
        if isinstance(s, dict) and isinstance(s.get("indicators"), list)
    ]
    sptr, _scope = _pick(data, scopes, "scope")
    level1 = data.draw(st.sampled_from(framework.required), label="level1")
    doc = copy.deepcopy(document)
    target = jp.resolve(doc, sptr)
    target["indicators"] = [r for r in target["indicators"] if r.get("level1") != level1]
    return Mutation(doc, lambda f: f.pointer == sptr)


def year_in_text(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    if prepared.span:  # a period that begins after the fiscal year
        field = prepared.items.field
        ptr, _ = _pick(data, [(p, i) for p, i in _items(document, prepared.items.refs) if _has_path(i, field)], "item")
        fiscal_year = document["metadata"]["fiscal_year"]
        first = data.draw(st.integers(fiscal_year + 1, 2090), label="first year")
        here = _field_pointer(ptr, field)
        value: Any = first if field.endswith("_year") else f"{first}-{first + 2}年"
        return Mutation(set_at(document, here, value), lambda f: f.pointer == here)
    ptr, item = _pick(
        data,
        [(p, i) for p, i in _items(document, prepared.items.refs) if isinstance(i.get(prepared.items.field), str)],
        "item",
    )
    fiscal_year = document["metadata"]["fiscal_year"]
    year = data.draw(st.integers(2000, 2099).filter(lambda y: y != fiscal_year), label="year")
    here = _field_pointer(ptr, prepared.items.field)
    return Mutation(set_at(document, here, f"{year}年" + item[prepared.items.field]), lambda f: f.pointer == here)


def table_title(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    """A title the form does not print: the profile's own title with words added at its end."""
    titles = get_spec().profiles[document["profile"]].titles
    tables = [
        (b.table, p, t)
        for b in prepared.items
        for p, t in b.ref.resolve(document)
        if isinstance(t, dict) and isinstance(t.get("title"), str) and b.table in titles
    ]
    _, ptr, table = _pick(data, tables, "table")
    here = jp.join(ptr, "title")
    return Mutation(
        set_at(document, here, table["title"] + data.draw(CJK_WORDS, label="words")), lambda f: f.pointer == here
    )


def _has_path(item: Any, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(item, dict) or part not in item:
            return False
        item = item[part]
    return True


def all_zero(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    cells = [p for bound in prepared for p, v in bound.ref.resolve(document)]
    here = _pick(data, cells, "cell")
    step, _ = step_of(document, here)
    return Mutation(
        move(document, here, step * data.draw(st.integers(1, 1000), label="units")), lambda f: f.pointer == here
    )


def percentage(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    """Set the stated percentage outside every ratio the printed amounts allow (their intervals included)."""
    from budget_disclosure.rules.refs import parse_path, walk

    # A percentage of a base that rounds to zero is no percentage at all: the rule must apply here.
    assume(rule_id in run_engine(document).applied)
    scopes = list(prepared.scope.ref.resolve(document)) if prepared.scope else [("", document)]
    candidates = []
    for sptr, scope in scopes:

        def cells(text: str, sptr: str = sptr, scope: Any = scope) -> list[Any]:
            if ":" in text:  # an absolute reference rather than a field of the scope
                from budget_disclosure.rules.bind import bind_ref

                pairs = bind_ref(get_spec().labels, text).ref.resolve(document)
            else:
                pairs = walk(scope, sptr, parse_path(text))
            return [c for p, v in pairs if (c := cell_at(document, p, v)) is not None]

        pct = [(p, v) for p, v in walk(scope, sptr, parse_path(prepared.percent)) if isinstance(v, (int, Decimal))]
        num = [c for n in prepared.numerator for c in cells(n)]
        den = [(c, w) for d, w in prepared.denominator for c in cells(d)]
        if not pct or not num or not den:
            continue
        n, nh = sum(c.value for c in num), sum(c.half for c in num)
        d, dh = sum(w * c.value for c, w in den), sum(abs(w) * c.half for c, w in den)
        if d - dh <= 0:
            continue
        corners = [(n + a) / (d + b) * 100 for a in (-nh, nh) for b in (-dh, dh)]
        candidates.append((pct[0][0], min(corners), max(corners)))
    here, lo, hi = _pick(data, candidates, "percent")
    margin = Decimal(data.draw(st.integers(2, 5000), label="hundredths")) / 100
    # Below the range only while the share stays ≥ 0: a negative share is structure.amount-sign's finding,
    # which the share rule presupposes (requires) and so leaves alone.
    above = data.draw(st.booleans(), label="above") or lo - margin < 0
    target = hi + margin if above else lo - margin
    return Mutation(set_at(document, here, target.quantize(Decimal("0.01"))), lambda f: f.pointer == here)


def amount_precision(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    from budget_disclosure.rules.kinds.structure import amount_cells

    cells = [
        (p, v)
        for p, v in sorted(amount_cells(get_spec().labels, document))
        if isinstance(v, Decimal) and isinstance(fmt_for(document, p)[1], int)
    ]
    here, value = _pick(data, cells, "amount")
    places = fmt_for(document, here)[1]
    assert isinstance(places, int)
    digit = data.draw(st.integers(1, 9), label="digit")
    return Mutation(set_at(document, here, value + Decimal(digit).scaleb(-(places + 1))), lambda f: f.pointer == here)


def amount_sign(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    """Negate a non-zero amount or percentage the schemas do not declare signed."""
    from budget_disclosure.rules.kinds.structure import _amounts

    cells = sorted(
        (p, v)
        for trie in prepared
        for p, v in _amounts(document, trie)
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v > 0
    )
    here, value = _pick(data, cells, "figure")
    return Mutation(set_at(document, here, -value), lambda f: f.pointer == here)


def empty_statement(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    empties = [t for t, v in document["tables"].items() if isinstance(v, dict) and v.get("empty")]
    table = _pick(data, empties, "table")
    doc = copy.deepcopy(document)
    if prepared == "names":  # the statement names another table of the spec, by any of its titles
        spec = get_spec()
        other = data.draw(st.sampled_from(sorted(set(spec.tables) - {table})), label="other")
        title = data.draw(
            st.sampled_from(sorted({spec.tables[other].title, *spec.tables[other].titles})), label="title"
        )
        doc["tables"][table]["statement"] = f"本部门无{title}所列收支，故本表为空表。"
        here = f"/tables/{table}/statement"
        return Mutation(doc, lambda f: f.pointer == here)
    doc["tables"][table].update({"statement": None, "note": None})
    doc["metadata"].pop("empty_table_statement", None)
    here = f"/tables/{table}"
    return Mutation(doc, lambda f: f.pointer == here)


# Free-text fields where any words are legal, so a placeholder in them breaks no schema.
FREE_TEXT = ("goal", "scoring", "explanation", "value_content", "note", "statement", "empty_table_statement")


def text_scan(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    leaves = [
        p
        for bound in prepared.within
        for ptr, node in bound.ref.resolve(document)
        for p in leaf_pointers(node, ptr)
        if jp.parse(p) and jp.parse(p)[-1] in FREE_TEXT
    ]
    here = _pick(data, leaves, "field")
    residue = data.draw(st.sampled_from(["XX", "XXX", "ＸＸ", "××", "某某", "此处填写", "请填写"]), label="residue")
    text = f"完成{residue}年度任务。"
    assume(prepared.must_not_match.search(text))
    return Mutation(set_at(document, here, text), lambda f: f.pointer == here)


def fields_match(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    rights: dict[Any, list[Any]] = {}
    for _ptr, row in prepared.right.ref.resolve(document):
        if isinstance(row, dict) and prepared.where(row):
            rights.setdefault(row.get(prepared.key), []).append(row)
    pairs = [
        (ptr, row, rights[row.get(prepared.key)][0])
        for ptr, row in prepared.left.ref.resolve(document)
        if isinstance(row, dict) and prepared.where(row) and len(rights.get(row.get(prepared.key), [])) == 1
    ]
    ptr, row, other = _pick(data, pairs, "pair")
    # A row of a form without the 指标值类型 or unit column has its comparator and unit in the value: that
    # is where it differs (adding the column to one row only makes the two rows' forms differ).
    field = data.draw(st.sampled_from([f for f in prepared.fields if f in row]), label="field")
    if field == prepared.unit_field:
        value: Any = data.draw(CJK_WORDS.filter(lambda s: s != other.get(field)), label="unit")
    elif field == "value_type":
        value = data.draw(st.sampled_from([c for c in ("≥", "≤", "=") if c != other.get(field)]), label="type")
    else:
        value = data.draw(st.integers(1, 10**6).map(str).filter(lambda s: s != other.get(field)), label="value")
    here = jp.join(ptr, field)
    return Mutation(set_at(document, here, value), lambda f: f.pointer == here)


# ------------------------------------------------------------------------------------------ codes
def code_hierarchy(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    lists = [(b, [(p, r) for p, r in b.ref.resolve(document) if isinstance(r, dict)]) for b in prepared.items]
    lists = [(b, rows) for b, rows in lists if len(rows) >= 2]
    _bound, rows = _pick(data, lists, "table")
    array_ptr = rows[0][0].rsplit("/", 1)[0]
    doc = copy.deepcopy(document)
    array = jp.resolve(doc, array_ptr)
    if prepared.check == "parent":
        parents = [
            i
            for i, r in enumerate(array)
            if any(
                o["code"] != r["code"] and o["code"].startswith(r["code"]) and len(o["code"]) == len(r["code"]) + 2
                for o in array
            )
        ]
        index = _pick(data, parents, "parent row")
        code = array[index]["code"]
        del array[index]
        children = [f"{array_ptr}/{i}/code" for i, r in enumerate(array) if r["code"][: len(code)] == code]
        return Mutation(doc, lambda f: f.pointer in children)
    if prepared.check == "children":
        codelist = get_spec().codelist_for(
            document["profile"], prepared.classification, document["metadata"]["fiscal_year"]
        )
        assume(codelist is not None)
        subdivided = {c[:n] for c in codelist.entries for n in prepared.levels if n < len(c)}
        parents = [
            i
            for i, r in enumerate(array)
            if len(r["code"]) < prepared.depth
            and r["code"] in subdivided
            and any(isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v != 0 for v in r.values())
        ]
        index = _pick(data, parents, "parent row")
        code = array[index]["code"]
        nxt = prepared.levels[prepared.levels.index(len(code)) + 1]
        array[:] = [r for r in array if not (r["code"].startswith(code) and len(r["code"]) >= nxt)]
        here = f"{array_ptr}/{index}/code"
        return Mutation(doc, lambda f: f.pointer == here)
    if prepared.check == "names":
        # Names are held to each other only for codes the code list lacks (listed codes are held to the
        # list): move a code printed in several tables to an unlisted code, then rename a later print.
        listed = get_spec().codelist_for(
            document["profile"], prepared.classification, document["metadata"]["fiscal_year"]
        )
        entries = listed.entries if listed is not None else {}
        seen: dict[str, str | None] = {}
        later: list[tuple[str, str]] = []
        for b in prepared.items:
            for p, r in b.ref.resolve(doc):
                if isinstance(r, dict) and isinstance(r.get("code"), str):
                    if r["code"] in seen and seen[r["code"]] != b.table:
                        later.append((p, r["code"]))
                    seen.setdefault(r["code"], b.table)
        here, code = _pick(data, later, "row printed in an earlier table too")
        free = [code[:-2] + f"{n:02d}" for n in range(60, 99) if code[:-2] + f"{n:02d}" not in entries]
        assume(len(code) > 3 and free)
        for b in prepared.items:
            for _p, r in b.ref.resolve(doc):
                if isinstance(r, dict) and r.get("code") == code:
                    r["code"] = free[0]
        row = jp.resolve(doc, here)
        row["name"] = "另称" + row["name"]
        return Mutation(doc, lambda f: f.pointer == f"{here}/name")
    if prepared.check == "unique":
        index = data.draw(st.integers(0, len(array) - 1), label="row")
        array.insert(index + 1, copy.deepcopy(array[index]))
        here = f"{array_ptr}/{index + 1}/code"
        return Mutation(doc, lambda f: f.pointer == here)
    pairs = [i for i in range(len(array) - 1) if array[i]["code"] < array[i + 1]["code"]]
    index = _pick(data, pairs, "adjacent rows")
    array[index], array[index + 1] = array[index + 1], array[index]
    here = f"{array_ptr}/{index + 1}/code"
    return Mutation(doc, lambda f: f.pointer == here)


def code_list(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    spec = get_spec()
    codelist = spec.codelist_for(document["profile"], prepared.classification, document["metadata"]["fiscal_year"])
    assume(codelist is not None)
    rows = [(p, r) for b in prepared.items for p, r in b.ref.resolve(document) if isinstance(r, dict)]
    if prepared.check == "current_name":
        former = [(c, n) for c, e in codelist.entries.items() for n in (f.name for f in e.former_names)]
        assume(former)
        ptr, _ = _pick(data, rows, "row")
        _, name = data.draw(st.sampled_from(former), label="former name")
        here = jp.join(ptr, prepared.field)
        return Mutation(set_at(document, here, name), lambda f: f.pointer == here)
    if prepared.check == "former_name":
        # A class row renamed to a class that has a former name, written with that former name.
        year = document["metadata"]["fiscal_year"]
        old = [
            (c, f.name)
            for c, e in codelist.entries.items()
            for f in e.former_names
            if len(c) == 3 and f.outdated_in(year)
        ]
        assume(old)
        ptr, _ = _pick(data, [(p, r) for p, r in rows if isinstance(r.get("code"), str) and len(r["code"]) == 3], "row")
        code, name = data.draw(st.sampled_from(old), label="former name")
        here = jp.join(ptr, prepared.field)
        return Mutation(set_at(set_at(document, jp.join(ptr, "code"), code), here, name), lambda f: f.pointer == here)
    if prepared.check == "known":
        ptr, row = _pick(data, [(p, r) for p, r in rows if isinstance(r.get("code"), str)], "row")
        digits = len(row["code"])
        unknown = data.draw(
            st.from_regex(rf"\A[0-9]{{{digits}}}\Z").filter(lambda c: c not in codelist.entries), label="code"
        )
        here = jp.join(ptr, "code")
        return Mutation(set_at(document, here, unknown), lambda f: f.pointer == here)
    if prepared.check == "name":
        verified = prepared.evidence != "unverified"
        candidates = [
            (p, r)
            for p, r in rows
            if r.get("code") in codelist.entries and (codelist.entries[r["code"]].evidence in ("V", "S")) == verified
        ]
        ptr, row = _pick(data, candidates, "row")
        name = data.draw(CJK_WORDS, label="name")
        here = jp.join(ptr, prepared.field)
        return Mutation(set_at(document, here, name), lambda f: f.pointer == here)
    # fund: a code of another budget in the table
    ptr, row = _pick(data, [(p, r) for p, r in rows if isinstance(r.get("code"), str)], "row")
    foreign = [
        c
        for c, e in codelist.entries.items()
        if e.funds and not e.funds & prepared.funds and len(c) == len(row["code"])
    ]
    code = data.draw(st.sampled_from(sorted(foreign)), label="foreign code")
    here = jp.join(ptr, "code")
    return Mutation(set_at(document, here, code), lambda f: f.pointer == here)


def codes_match(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    right = {r.get("code") for _, r in prepared.right.ref.resolve(document) if isinstance(r, dict)}
    rows = [(p, r) for p, r in prepared.left.ref.resolve(document) if isinstance(r, dict)]
    ptr, row = _pick(data, rows, "row")
    code = data.draw(
        st.from_regex(rf"\A{row['code'][:3]}[0-9]{{{len(row['code']) - 3}}}\Z").filter(lambda c: c not in right),
        label="code",
    )
    here = jp.join(ptr, "code")
    return Mutation(set_at(document, here, code), lambda f: f.pointer == here)


def percentage_base(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    """Make the base zero: move the numerator cell that the denominator subtracts (the change, in current −
    change) until the base prints as zero, and state a rate of 100% ("增长100%")."""
    from budget_disclosure.rules.refs import parse_path, walk

    scopes = list(prepared.scope.ref.resolve(document)) if prepared.scope else [("", document)]
    candidates = []
    for sptr, scope in scopes:
        pct = [p for p, v in walk(scope, sptr, parse_path(prepared.percent)) if isinstance(v, (int, Decimal))]
        shared = [(d, w) for d, w in prepared.denominator if d in prepared.numerator and w]
        if not pct or not shared:
            continue
        den = [
            (c, w)
            for d, w in prepared.denominator
            for p, v in walk(scope, sptr, parse_path(d))
            if (c := cell_at(document, p, v)) is not None
        ]
        (field, weight), base = shared[0], sum((w * c.value for c, w in den), Decimal(0))
        cells = [(p, v) for p, v in walk(scope, sptr, parse_path(field)) if isinstance(v, (int, Decimal))]
        half = sum((abs(w) * c.half for c, w in den), Decimal(0))
        # A base within a few rounding widths of zero leaves a 100% rate to rounding: no definite violation.
        if cells and den and abs(base) > 4 * half:
            candidates.append((pct[0], cells[0], base, weight))
    assume(candidates)
    here, (ptr, value), base, weight = data.draw(st.sampled_from(candidates), label="percent")
    unit, _ = fmt_for(document, ptr)
    moved = set_at(document, ptr, Decimal(value) - base / weight / FACTOR[unit or "元"])
    return Mutation(set_at(moved, here, Decimal("100.00")), lambda f: f.pointer == here)


def change(rule_id: str, document: Any, data: Any, prepared: Any) -> Mutation:
    """State a change against last year that breaks the rule's check, beside a current figure of one of its
    subjects: a change that is not current − prior, a rate of 50% where nothing changed, a rate from a zero
    base, 增加 before a fall, a year compared with three years back."""
    from budget_disclosure.rules.refs import walk

    candidates = []
    for subject in prepared.subjects:
        if prepared.check == "prior" and subject.from_prior_only:
            continue
        for sptr, scope in subject.scope.ref.resolve(document):
            for _ptr, value in walk(scope, sptr, subject.current):
                if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value >= 100:
                    candidates.append((sptr, [s.name for s in subject.change], Decimal(value)))
    assume(candidates)
    sptr, path, current = data.draw(st.sampled_from(candidates), label="subject")
    stated: dict[str, Any] = {
        "prior": {"prior": current, "amount": Decimal("7.00")},
        "rate": {"prior": current, "percent": Decimal("50.0")},
        "base": {"prior": Decimal(0), "percent": Decimal("100.0")},
        "direction": {"amount": Decimal("-5.00"), "direction": "增加"},
        "base_year": {"base_year": document["metadata"]["fiscal_year"] - 3},
    }[prepared.check]
    doc = copy.deepcopy(document)
    node = doc
    for token in jp.parse(sptr):
        node = node[int(token)] if isinstance(node, list) else node[token]
    for name in path[:-1]:
        node = node.setdefault(name, {})
    node[path[-1]] = stated
    here = jp.join(sptr, *path)
    return Mutation(doc, under(here))


KIND_MUTATIONS: dict[str, Callable[..., Mutation]] = {
    "allowed_values": allowed_values,
    "pattern": pattern,
    "present": present,
    "numeric_value": numeric_value,
    "bounds": bounds,
    "indicator_levels": indicator_levels,
    "coverage": coverage,
    "year_in_text": year_in_text,
    "table_title": table_title,
    "all_zero": all_zero,
    "percentage": percentage,
    "percentage_base": percentage_base,
    "change": change,
    "amount_precision": amount_precision,
    "amount_sign": amount_sign,
    "empty_statement": empty_statement,
    "text_scan": text_scan,
    "fields_match": fields_match,
    "code_hierarchy": code_hierarchy,
    "code_list": code_list,
    "codes_match": codes_match,
}


# ------------------------------------------------------------------------------------------ schema and input rules
def schema_or_input(rule_id: str, document: Any, data: Any) -> Mutation:
    spec = get_spec()
    profile = spec.profiles[document["profile"]]
    doc = copy.deepcopy(document)
    tables = doc["tables"]
    if rule_id == "schema.table-missing":
        table = data.draw(st.sampled_from(profile.tables), label="table")
        del tables[table]
        return Mutation(doc, lambda f: f.pointer == "/tables" and spec.tables[table].title in f.message)
    if rule_id == "schema.table-unknown":
        name = data.draw(st.from_regex(r"\A[a-z]{3,12}\Z").filter(lambda n: n not in spec.tables), label="id")
        tables[name] = {"empty": True}
        return Mutation(doc, lambda f: f.pointer == f"/tables/{name}")
    with_rows = [t for t, v in tables.items() if isinstance(v, dict) and "rows" in v]
    if rule_id == "schema.table-empty-with-content":
        table = data.draw(st.sampled_from(with_rows), label="table")
        tables[table]["empty"] = True
        return Mutation(doc, under(f"/tables/{table}"))
    if rule_id == "schema.table-without-rows":
        table = data.draw(st.sampled_from(with_rows), label="table")
        tables[table]["rows"] = []
        return Mutation(doc, lambda f: f.pointer == f"/tables/{table}/rows")
    if rule_id == "schema.profile-year":
        year = data.draw(st.integers(1990, 2100).filter(lambda y: y not in profile.years), label="year")
        doc["metadata"]["fiscal_year"] = year
        return Mutation(doc, lambda f: f.pointer == "/metadata/fiscal_year")
    if rule_id == "schema.profile-unknown":
        doc["profile"] = data.draw(
            st.from_regex(r"\A[a-z]{4,10}-20[0-9]{2}\Z").filter(lambda p: p not in spec.profiles)
        )
        return Mutation(doc, lambda f: f.pointer == "/profile")
    amounts = [p for p in _amount_pointers(doc)]
    if rule_id == "schema.amount-type":
        here = data.draw(st.sampled_from(amounts), label="amount")
        value = data.draw(
            st.one_of(
                st.text(TEXT, min_size=1, max_size=8).filter(lambda s: s != "-"),
                st.booleans(),
                st.lists(st.integers(-(10**15), 10**15), max_size=2),
            ),
            label="value",
        )
        return Mutation(set_at(doc, here, value), lambda f: f.pointer == here)
    if rule_id == "schema.code-shape":
        rows = [
            f"/tables/{t}/rows/{i}/code"
            for t in with_rows
            for i in range(len(tables[t]["rows"]))
            if "code" in tables[t]["rows"][i]
        ]
        here = data.draw(st.sampled_from(rows), label="code")
        code = data.draw(st.from_regex(r"\A([0-9]{1,2}|[0-9]{4}|[0-9]{6}|[0-9]{8,9}|[0-9]{3}[A-Z])\Z"), label="value")
        return Mutation(set_at(doc, here, code), lambda f: f.pointer == here)
    if rule_id == "schema.required":
        places = ["/metadata/unit_name", "/metadata/fiscal_year", "/amounts", "/tables/summary/income/grand_total"]
        here = data.draw(st.sampled_from([p for p in places if jp.resolve(doc, p, None) is not None]), label="field")
        parent = here.rsplit("/", 1)[0]
        return Mutation(remove_at(doc, here), lambda f: f.pointer == parent)
    if rule_id == "schema.unknown-field":
        name = data.draw(st.from_regex(r"\Ax_[a-z]{1,8}\Z"), label="name")
        places = ["/metadata", "/tables/summary/income", "/narrative"]
        parent = data.draw(st.sampled_from([p for p in places if jp.resolve(doc, p, None) is not None]), label="where")
        jp.resolve(doc, parent)[name] = 1
        return Mutation(doc, lambda f: f.pointer == f"{parent}/{name}")
    if rule_id == "schema.type":
        places = ["/metadata/fiscal_year", "/metadata/unit_name", "/tables/summary/title"]
        here = data.draw(st.sampled_from([p for p in places if jp.resolve(doc, p, None) is not None]))
        value = data.draw(
            st.one_of(
                # integers a reader accepts: a 31-digit one is an input problem, not a type error
                st.lists(st.integers(-(10**15), 10**15), max_size=2),
                st.dictionaries(st.text(TEXT, max_size=2), st.integers(-(10**15), 10**15), max_size=1),
            ),
            label="value",
        )
        return Mutation(set_at(doc, here, value), lambda f: f.pointer == here)
    if rule_id == "schema.value":
        here, value = data.draw(
            st.sampled_from(
                [
                    ("/metadata/kind", "部门预算"),
                    ("/amounts/unit", "千元"),
                    ("/metadata/unit_name", ""),
                    ("/amounts/precision", 9),
                ]
            ),
            label="field",
        )
        return Mutation(set_at(doc, here, value), lambda f: f.pointer == here)
    if rule_id == "schema.invalid":
        value = data.draw(
            st.one_of(st.text(TEXT, min_size=1, max_size=6).filter(lambda s: s != "as_written"), st.integers(7, 100)),
            label="precision",
        )
        return Mutation(
            set_at(doc, "/narrative/amounts/precision", value), lambda f: f.pointer == "/narrative/amounts/precision"
        )
    return _input(rule_id, doc, data)


def _amount_pointers(doc: Any) -> list[str]:
    from budget_disclosure.rules.kinds.structure import amount_cells

    return sorted(p for p, _ in amount_cells(get_spec().labels, doc))


def dumps_exact(value: Any) -> str:
    """JSON text with Decimals written exactly."""
    if isinstance(value, dict):
        return (
            "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + dumps_exact(v) for k, v in value.items()) + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(dumps_exact(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def _input(rule_id: str, doc: Any, data: Any) -> Mutation:
    text = dumps_exact(doc)
    year = f'"fiscal_year": {doc["metadata"]["fiscal_year"]}'
    everywhere: Check = lambda f: True  # noqa: E731
    if rule_id == "input.not-json":
        cut = data.draw(st.integers(1, len(text) - 1), label="cut")
        return Mutation(doc, everywhere, raw=text[:cut].encode())
    if rule_id == "input.duplicate-key":
        return Mutation(
            doc,
            lambda f: f.pointer == "/metadata/kind",
            raw=text.replace('"metadata": {', '"metadata": {"kind": "unit_budget", ', 1).encode(),
        )
    if rule_id == "input.non-finite-number":
        token = data.draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]), label="token")
        return Mutation(
            doc,
            lambda f: f.pointer == "/metadata/fiscal_year",
            raw=text.replace(year, f'"fiscal_year": {token}', 1).encode(),
        )
    if rule_id == "input.number-too-long":
        digits = data.draw(st.integers(31, 400), label="digits")
        return Mutation(
            doc,
            lambda f: f.pointer == "/metadata/fiscal_year",
            raw=text.replace(year, '"fiscal_year": ' + "9" * digits, 1).encode(),
        )
    if rule_id == "input.number-out-of-range":
        token = data.draw(st.sampled_from(["1e30", "1E+999999", "-1E+99999999999999999999", "1E-999999999"]))
        return Mutation(
            doc,
            lambda f: f.pointer == "/metadata/fiscal_year",
            raw=text.replace(year, f'"fiscal_year": {token}', 1).encode(),
        )
    if rule_id == "input.control-character":
        char = data.draw(st.sampled_from(["\\u0000", "\\u001f", "\\b", "\\f"]), label="escape")
        return Mutation(
            doc,
            lambda f: f.pointer == "/metadata/kind",
            raw=text.replace('"kind": "', f'"kind": "{char}', 1).encode(),
        )
    if rule_id == "input.cyclic":
        cyclic = copy.deepcopy(doc)
        cyclic["metadata"]["self"] = cyclic
        return Mutation(cyclic, lambda f: f.pointer == "/metadata/self")
    if rule_id == "input.too-many-values":
        from budget_disclosure import Limits

        return Mutation(doc, everywhere, options={"limits": Limits(max_values=data.draw(st.integers(1, 50)))})
    if rule_id in ("input.too-many-findings", "input.too-many-schema-findings"):
        # Every basic-expenditure row made wrong the same way, and a cap below their number: the rule's
        # findings beyond the cap (or the schema errors beyond it) are counted in the one finding.
        from budget_disclosure import Limits

        assume("basic_expenditure" in doc["tables"])  # a stand-alone 三公 document has none
        rows = doc["tables"]["basic_expenditure"]["rows"]
        broken = copy.deepcopy(doc)
        for row in broken["tables"]["basic_expenditure"]["rows"]:
            if rule_id == "input.too-many-findings":
                row["total"] = (row.get("total") or Decimal(0)) + Decimal(100)
            else:
                row["total"] = "二〇二四年"
        cap = data.draw(st.integers(1, max(1, len(rows) - 1)), label="cap")
        assume(len(rows) > cap)
        return Mutation(
            broken,
            lambda f: f.pointer.startswith("/tables/basic_expenditure/"),
            options={"limits": Limits(max_findings_per_rule=cap)},
        )
    if rule_id == "input.encoding":
        return Mutation(doc, everywhere, raw=text.encode("gb18030"))
    if rule_id == "input.not-object":
        return Mutation(doc, everywhere, raw=("[" + text + "]").encode())
    if rule_id == "input.too-deep":
        depth = data.draw(st.integers(2000, 20000), label="depth")
        return Mutation(
            doc,
            everywhere,
            raw=text.replace('"units": [', '"units": ' + "[" * depth + "]" * (depth - 1) + "[", 1).encode(),
        )
    if rule_id == "input.too-large":
        from budget_disclosure import Limits

        limit = data.draw(st.integers(1, len(text) - 1), label="limit")
        return Mutation(doc, everywhere, options={"limits": Limits(max_bytes=limit)}, raw=text.encode())
    if rule_id == "input.inexact-number":
        value = data.draw(
            st.floats(min_value=1, max_value=1e6).filter(lambda x: len(repr(x).replace(".", "").lstrip("0")) > 16),
            label="float",
        )
        total = "/tables/summary/income/grand_total"  # or, in a stand-alone 三公 document, its total
        here = total if jp.resolve(doc, total, None) is not None else "/tables/three_public_expenses/total_row/subtotal"
        return Mutation(set_at(doc, here, value), lambda f: f.pointer == here)
    if rule_id in ("input.workbook-formula", "input.workbook-layout"):
        return _workbook_mutation(rule_id, doc, data)
    if rule_id == "input.invalid-value":
        return Mutation(set_at(doc, "/metadata/unit_name", object()), lambda f: f.pointer == "/metadata/unit_name")
    raise AssertionError(f"no mutation for {rule_id}")


def _workbook_mutation(rule_id: str, doc: Any, data: Any) -> Mutation:
    """The document as a workbook, with a formula that has no cached value in an amount cell of 一般公共
    预算支出表, or a sheet that no table matches."""
    import tempfile

    import openpyxl

    from budget_disclosure.workbook import save_document

    path = Path(tempfile.mkdtemp(prefix="bd-kill-")) / "doc.xlsx"
    save_document(doc, path)
    wb = openpyxl.load_workbook(path)
    if rule_id == "input.workbook-formula":
        ws = wb["一般公共预算支出表"]
        row = data.draw(st.integers(5, max(5, ws.max_row - 2)), label="row")
        ws.cell(row=row, column=5, value="=1+1")
        where = f"一般公共预算支出表!E{row}"
    else:
        name = data.draw(st.sampled_from(["草稿", "Sheet1", "备注"]), label="sheet")
        wb.create_sheet(name)["A1"] = "随手记的数"
        where = f"{name}!A1"
    wb.save(path)
    return Mutation(doc, lambda f: f.cell == where, raw=str(path))


def mutate(rule_id: str, document: Any, data: Any) -> Mutation:
    spec = get_spec()
    rule = spec.rules[rule_id]
    if rule.kind in ("schema", "input"):
        return schema_or_input(rule_id, document, data)
    if rule.kind in ARITHMETIC:
        return arithmetic(rule_id, document, data)
    prepared = get_engine(spec).compiled[rule_id].prepared
    return KIND_MUTATIONS[rule.kind](rule_id, document, data, prepared)


__all__ = ["ARITHMETIC", "Mutation", "dumps_exact", "move", "mutate", "re", "run_engine", "set_at", "step_of"]
