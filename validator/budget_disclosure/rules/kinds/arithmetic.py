"""Arithmetic kinds: identities between amounts, rounding-aware by default."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ... import pointer as jp
from ...amounts import Cell
from ...findings import Severity
from ...names import name_key
from ..bind import BoundRef, bind_ref, check_column, check_path, table_node
from ..context import Compiled, Context, Evaluation, Violation
from ..interval import display_unit, envelope, to_unit, verdict
from ..refs import Step, parse_path, walk

ONE = Decimal(1)
ZERO = Decimal(0)
OP_SIGN = {"eq": "=", "le": "≤", "ge": "≥", "lt": "<", "gt": ">"}


# ---------------------------------------------------------------------------------------- shared
Terms = list[tuple[Cell, Decimal]]


def _of(cells: list[Cell]) -> Terms:
    return [(c, ONE) for c in cells]


def _sum(terms: Terms) -> tuple[Decimal, Decimal]:
    value = half = ZERO
    for cell, weight in terms:
        if weight is ONE:
            value += cell.value
            half += cell.half
        else:
            value += weight * cell.value
            half += weight.copy_abs() * cell.half
    return value, half


def identity(
    ctx: Context, compiled: Compiled, left: Terms, op: str, right: Terms, values: Mapping[str, Any] | None = None
) -> Iterator[Violation]:
    """Evaluate ``left op right``; yield a violation when the intervals cannot meet (or info within them)."""
    ctx.checks += 1
    lv, _ = _sum(left)
    rv, _ = _sum(right)
    diff = lv - rv
    width = ZERO if ctx.strict else envelope(left, right, op)
    ok, info = verdict(diff, width, op)
    anchor = (left or right)[0][0].pointer if not ok else ""
    ctx.evaluations.append(Evaluation(compiled.rule.id, anchor, op, left, right, diff, width, not ok and not info))
    if ok:
        return
    yield _violation(ctx, left, right, op, lv, rv, diff, width, info, values)


def _violation(
    ctx: Context,
    left: Terms,
    right: Terms,
    op: str,
    lv: Decimal,
    rv: Decimal,
    diff: Decimal,
    envelope: Decimal,
    info: bool,
    values: Mapping[str, Any] | None,
) -> Violation:
    all_cells = [c for c, _ in left] + [c for c, _ in right]
    anchor = all_cells[0]
    unit = display_unit(all_cells)
    places = max((c.precision for c in all_cells if c.precision is not None), default=2)
    related = tuple(dict.fromkeys(c.pointer for c in all_cells if c.pointer != anchor.pointer))
    expected, actual = _shown(to_unit(rv, unit), places), _shown(to_unit(lv, unit), places)
    difference, shown_envelope = _shown(to_unit(diff, unit), places), to_unit(envelope, unit).normalize()
    shown_unit = unit or ""
    env = _fmt(shown_envelope)
    verdict_zh = (
        f"在取整容差 ±{env}{shown_unit} 以内，可能只是取整误差"
        if info
        else "严格模式下要求完全相等"
        if ctx.strict
        else "同一精度的数字一一对应，取整不能解释这一差异"
        if not envelope
        else f"超出取整容差 ±{env}{shown_unit}"
    )
    verdict_en = (
        f"within the rounding envelope of ±{env} {shown_unit}; possibly rounding only"
        if info
        else "strict mode requires exact agreement"
        if ctx.strict
        else "one figure against one other at the same precision: rounding cannot explain it"
        if not envelope
        else f"beyond the rounding envelope of ±{env} {shown_unit}"
    )
    return Violation(
        anchor.pointer,
        {
            "expected": _fixed(expected, places),
            "actual": _fixed(actual, places),
            "difference": _fixed(difference, places),
            "envelope": env,
            "unit": shown_unit,
            "op": OP_SIGN[op],
            "verdict": verdict_zh,
            "verdict_en": verdict_en,
            **(values or {}),
        },
        related=related,
        expected=expected,
        actual=actual,
        difference=difference,
        envelope=shown_envelope,
        unit=unit,
        severity=Severity.INFO if info else None,
    )


def _weight(raw: Any) -> Decimal:
    weight = Decimal(raw)
    return ONE if weight == 1 else weight


def _shown(value: Decimal, places: int) -> Decimal:
    """The value with the displayed precision of its cells, when that loses nothing (2314.68, 10.00)."""
    q = value.quantize(Decimal(1).scaleb(-places))
    return q if q == value else value


def _fixed(value: Decimal, places: int) -> str:
    """An amount shown as printed: with the displayed precision of the cells it came from."""
    return format(
        value.quantize(Decimal(1).scaleb(-places)) if value == value.quantize(Decimal(1).scaleb(-places)) else value,
        "f",
    )


def _fmt(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class TermRef:
    bound: BoundRef
    weight: Decimal
    # Stand-ins where the reference designates no cell (a narrative that gives a figure only by its parts).
    otherwise: tuple[BoundRef, ...] = ()


def bind_terms(spec: Any, items: list[Any]) -> tuple[TermRef, ...]:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(TermRef(bind_ref(spec.labels, item), ONE))
        else:
            weight = Decimal(item.get("weight", 1))
            otherwise = tuple(bind_ref(spec.labels, ref) for ref in item.get("otherwise", ()))
            out.append(TermRef(bind_ref(spec.labels, item["ref"]), ONE if weight == 1 else weight, otherwise))
    return tuple(out)


def side(ctx: Context, terms: tuple[TermRef, ...]) -> tuple[Terms, bool]:
    """The weighted cells of the terms, and whether any term resolved at all."""
    out: Terms = []
    for term in terms:
        weight = term.weight
        cells = ctx.cells(term.bound)
        if not cells and term.otherwise:
            # The figure itself is not given: its parts stand in for it (each absent one adds nothing).
            cells = [cell for bound in term.otherwise for cell in ctx.cells(bound)]
        out.extend((cell, weight) for cell in cells)
    return out, bool(out)


def incomplete(ctx: Context, before: int) -> bool:
    """True when a term resolved since ``before`` (a count of ``ctx.absent_totals``) was a 合计 row the table
    does not print: the sum it belongs to is unknown, and the rule is already reported not verifiable."""
    return ctx.absent_totals > before


def _ambiguous(ctx: Context, terms: tuple[TermRef, ...]) -> bool:
    """True (and the rule reported not verifiable) when a term selects by a key that occurs twice."""
    keys = [k for term in terms for k in ctx.ambiguous(term.bound)]
    if keys:
        ctx.duplicated(keys)
    return bool(keys)


def label(ctx: Context, pointer: str) -> str:
    return ctx.location(pointer)


# ---------------------------------------------------------------------------------------- sum, compare
def prepare_sum(spec: Any, params: Mapping[str, Any]) -> Any:
    return bind_terms(spec, [params["total"]]), bind_terms(spec, params["parts"])


def kind_sum(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A total equals the weighted sum of its parts: ``total = Σ weight·part`` (wildcards add every match)."""
    total_terms, part_terms = compiled.prepared
    if _ambiguous(ctx, total_terms + part_terms):
        return
    before = ctx.absent_totals
    left, has_left = side(ctx, total_terms)
    right, has_right = side(ctx, part_terms)
    if not has_left or not has_right or incomplete(ctx, before):
        return
    yield from identity(ctx, compiled, left, "eq", right)


def prepare_compare(spec: Any, params: Mapping[str, Any]) -> Any:
    return bind_terms(spec, params["left"]), params["op"], bind_terms(spec, params["right"])


def kind_compare(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Two sums of cells, possibly from different tables, stand in a relation: =, ≤, ≥, <, >.

    An empty side is zero. A side whose references all resolve to nothing makes the rule not applicable.
    """
    left_terms, op, right_terms = compiled.prepared
    if _ambiguous(ctx, left_terms + right_terms):
        return
    before = ctx.absent_totals
    left, has_left = side(ctx, left_terms)
    right, has_right = side(ctx, right_terms)
    if (left_terms and not has_left) or (right_terms and not has_right) or not (has_left or has_right):
        return
    if incomplete(ctx, before):
        return  # a term is a 合计 row the table does not print: the sum is unknown, never partial
    yield from identity(ctx, compiled, left, op, right)


# ---------------------------------------------------------------------------------------- within tables
@dataclass(frozen=True)
class RowSum:
    table: str
    rows: tuple[tuple[Step, ...], ...]
    total: str
    parts: tuple[tuple[str, Decimal], ...]
    op: str


def prepare_row_sum(spec: Any, params: Mapping[str, Any]) -> RowSum:
    node = table_node(spec.labels, params["table"])
    rows = []
    for path in params["rows"]:
        row_node = check_path(node, path, f"{params['table']}:{path}")
        _check_field(row_node, params["total"], path)
        for part in params["parts"]:
            _check_field(row_node, part if isinstance(part, str) else part["column"], path)
        rows.append(parse_path(path))
    parts = tuple(
        (p, ONE) if isinstance(p, str) else (p["column"], _weight(p.get("weight", 1))) for p in params["parts"]
    )
    return RowSum(params["table"], tuple(rows), params["total"], parts, params.get("op", "eq"))


def _check_field(node: Any, column: str, where: str) -> None:
    """A column of the row, or a dotted path to an amount nested in it (``by_source.general_budget``)."""
    if "." in column:
        check_path(node, column, f"{where}: {column}")
    else:
        check_column(node, column, where)


def _field_cell(ctx: Context, ptr: str, row: Mapping[str, Any], column: str) -> Cell | None:
    """The cell of a row's column or nested field; None when the row does not print it."""
    node: Any = row
    for part in column.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
        ptr = f"{ptr}/{jp.escape(part)}"
    return ctx.cell(ptr, node)


def table_rows(ctx: Context, table: str, steps: tuple[Step, ...]) -> Iterator[tuple[str, Any]]:
    yield from ctx.table_rows(table, steps)


def kind_row_sum(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """In every listed row of a table, a total column equals the weighted sum of other columns."""
    p: RowSum = compiled.prepared
    for steps in p.rows:
        for ptr, row in table_rows(ctx, p.table, steps):
            if not isinstance(row, dict):
                continue
            total = _field_cell(ctx, ptr, row, p.total)
            if total is None:
                continue
            right: Terms = []
            for column, weight in p.parts:
                cell = _field_cell(ctx, ptr, row, column)
                if cell is not None:
                    right.append((cell, weight))
            if not right:
                continue  # the row prints none of the parts (the form has no such columns): nothing to add up
            yield from identity(ctx, compiled, _of([total]), p.op, right)


@dataclass(frozen=True)
class ColumnSum:
    table: str
    rows: tuple[tuple[Step, ...], ...]
    total_row: tuple[Step, ...]
    columns: tuple[str, ...]


def prepare_column_sum(spec: Any, params: Mapping[str, Any]) -> ColumnSum:
    node = table_node(spec.labels, params["table"])
    paths = params["rows"] if isinstance(params["rows"], list) else [params["rows"]]
    total_node = check_path(node, params["total_row"], params["total_row"])
    for path in paths:
        row_node = check_path(node, path, path)
        for col in params["columns"]:
            check_column(row_node, col, path)
            check_column(total_node, col, params["total_row"])
    return ColumnSum(
        params["table"], tuple(parse_path(x) for x in paths), parse_path(params["total_row"]), tuple(params["columns"])
    )


def kind_column_sum(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """In every listed column, a total row equals the sum of the listed rows (no hierarchy)."""
    p: ColumnSum = compiled.prepared
    totals = list(table_rows(ctx, p.table, p.total_row))
    if not totals or not isinstance(totals[0][1], dict):
        return
    tptr, trow = totals[0]
    rows = [(ptr, row) for steps in p.rows for ptr, row in table_rows(ctx, p.table, steps) if isinstance(row, dict)]
    for column in p.columns:
        yield from _roll(ctx, compiled, tptr, trow, rows, column)


@dataclass(frozen=True)
class GroupSum:
    scope: BoundRef
    total: str
    items: tuple[Step, ...]
    field: str


def prepare_group_sum(spec: Any, params: Mapping[str, Any]) -> GroupSum:
    scope = bind_ref(spec.labels, params["scope"])
    scope_node = scope.node
    check_column(scope_node, params["total"], params["scope"])
    item_node = check_path(scope_node, params["items"], params["items"])
    check_column(item_node, params["field"], params["items"])
    return GroupSum(scope, params["total"], parse_path(params["items"]), params["field"])


def kind_group_sum(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """For every scope object (a unit, a project group): its total field equals the sum of its items' field."""
    p: GroupSum = compiled.prepared
    for ptr, obj in ctx.resolve(p.scope):
        if not isinstance(obj, dict) or p.items[0].name not in obj:
            continue  # the form prints no such items at all (an absent list, not an empty one)
        if p.total not in obj:
            # The form prints no subtotal for this object (a one-project table names only its unit): nothing
            # to compare the items with, and no total is ever computed in its place.
            title = p.scope.node.props[p.total].title if p.total in p.scope.node.props else None
            shown = title or p.total
            ctx.not_verifiable(
                f"表样未印「{shown}」，其与所含各项之和的核对无法验证",
                f"the form prints no {p.total} ({shown}), so its sum over the items cannot be verified",
            )
            continue
        total = ctx.cell(f"{ptr}/{p.total}", obj[p.total])
        cells = [
            ctx.cell(f"{iptr}/{p.field}", item[p.field])
            for iptr, item in walk(obj, ptr, p.items)
            if isinstance(item, dict) and p.field in item
        ]
        parts = [c for c in cells if c is not None]
        if total is None:
            continue
        yield from identity(ctx, compiled, _of([total]), "eq", _of(parts))


# ---------------------------------------------------------------------------------------- roll-ups
@dataclass(frozen=True)
class Rollup:
    table: str
    rows: tuple[Step, ...]
    total_row: tuple[Step, ...] | None
    columns: tuple[str, ...]
    levels: tuple[int, ...]


LEVELS = {"function": (3, 5, 7), "economic": (3, 5)}


def prepare_rollup(spec: Any, params: Mapping[str, Any]) -> Rollup:
    node = table_node(spec.labels, params["table"])
    row_node = check_path(node, params["rows"], params["rows"])
    check_column(row_node, "code", params["rows"])
    amount_columns = [name for name, child in row_node.props.items() if child.amount]
    columns = params.get("columns") or amount_columns
    for col in columns:
        check_column(row_node, col, params["rows"])
    total = params.get("total_row")
    if total:
        total_node = check_path(node, total, total)
        columns = [c for c in columns if c in total_node.props] if not params.get("columns") else columns
    return Rollup(
        params["table"],
        parse_path(params["rows"]),
        parse_path(total) if total else None,
        tuple(columns),
        LEVELS[params["classification"]],
    )


def parent_of(code: str, present: Mapping[str, Any], levels: tuple[int, ...]) -> str | None:
    """The nearest ancestor of a code that the table prints (款 for a 项, else 类)."""
    for length in reversed(levels):
        if length < len(code) and code[:length] in present:
            return code[:length]
    return None


def kind_rollup(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Classification roll-up, derived from the codes: 项 → 款 → 类 → 合计, for every amount column.

    A row's parent is its nearest printed ancestor (so a table that omits 款 rows still rolls up);
    the 合计 row equals the sum of the rows that have no printed ancestor.
    """
    p: Rollup = compiled.prepared
    rows = [
        (ptr, row)
        for ptr, row in table_rows(ctx, p.table, p.rows)
        if isinstance(row, dict) and isinstance(row.get("code"), str)
    ]
    index: dict[str, tuple[str, Any]] = {}
    repeated: set[str] = set()
    for ptr, row in rows:
        if row["code"] in index:
            repeated.add(row["code"])
        index.setdefault(row["code"], (ptr, row))
    children: dict[str, list[tuple[str, Any]]] = {}
    roots: list[tuple[str, Any]] = []
    for ptr, row in rows:
        parent = parent_of(row["code"], index, p.levels)
        if parent is None:
            roots.append((ptr, row))
        else:
            children.setdefault(parent, []).append((ptr, row))
    totals = list(table_rows(ctx, p.table, p.total_row)) if p.total_row else []
    # A repeated code cannot be rolled up: neither its first row alone nor the sum of its rows is
    # known to be what the table means. Its identities are reported as not verifiable.
    blocked = {
        code for code, kids in children.items() if code in repeated or any(r["code"] in repeated for _, r in kids)
    }
    roots_blocked = any(r["code"] in repeated for _, r in roots)
    if blocked or (roots_blocked and totals):
        ctx.duplicated(repeated)
    for column in p.columns:
        for code, kids in children.items():
            if code in blocked:
                continue
            pptr, prow = index[code]
            yield from _roll(ctx, compiled, pptr, prow, kids, column)
        if totals and isinstance(totals[0][1], dict) and not roots_blocked:
            yield from _roll(ctx, compiled, totals[0][0], totals[0][1], roots, column)


def _roll(
    ctx: Context, compiled: Compiled, pptr: str, prow: Mapping[str, Any], kids: list[tuple[str, Any]], column: str
) -> Iterator[Violation]:
    """In one column, a total row (``prow``) equals the sum of its part rows (``kids``, all objects)."""
    if column not in prow:
        return
    total = ctx.cell(f"{pptr}/{column}", prow[column])
    cells = [ctx.cell(f"{k}/{column}", row[column]) for k, row in kids if column in row]
    parts = [c for c in cells if c is not None]
    if total is None or not parts:
        return
    yield from identity(ctx, compiled, _of([total]), "eq", _of(parts))


# ---------------------------------------------------------------------------------------- across tables
@dataclass(frozen=True)
class RowsMatch:
    left: BoundRef
    right: BoundRef
    key: str | None
    columns: tuple[tuple[str, str], ...]
    op: str
    missing: str
    level: tuple[int, ...]
    amounts: frozenset[str]  # left columns that are amount cells (unit and precision apply)
    names: bool = False  # keys are names: compared with the one name normaliser
    suffixes: tuple[str, ...] = ()  # suffixes the name comparison ignores
    # Each column pair's printed title (the right table's column), for messages: {column}, {column_en}.
    titles: Mapping[str, str] = field(default_factory=dict)


def prepare_rows_match(spec: Any, params: Mapping[str, Any]) -> RowsMatch:
    left, right = bind_ref(spec.labels, params["left"]), bind_ref(spec.labels, params["right"])
    lnode, rnode = left.node, right.node
    key = params.get("key")
    if key:
        check_column(lnode, key, params["left"])
        check_column(rnode, key, params["right"])
    amounts = set()
    titles = {}
    for lc, rc in params["columns"]:
        if check_column(lnode, lc, params["left"]).amount or left.amount:
            amounts.add(lc)
        titles[lc] = check_column(rnode, rc, params["right"]).title or rc
    return RowsMatch(
        left,
        right,
        key,
        tuple((a, b) for a, b in params["columns"]),
        params["op"],
        params.get("missing", "zero"),
        tuple(params.get("level", ())),
        frozenset(amounts),
        bool(params.get("names", False)),
        tuple(params.get("ignore_suffixes", ())),
        titles,
    )


def kind_rows_match(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Rows of one table agree with the rows of another that have the same key (a code), column by column.

    Without a key, the two references each name one object (a total row, a group of line items) and
    their columns are compared pairwise. A key absent on the right counts as zero or skips the row.
    """
    p: RowsMatch = compiled.prepared
    lefts = [(ptr, row) for ptr, row in ctx.resolve(p.left) if isinstance(row, dict)]
    rights = [(ptr, row) for ptr, row in ctx.resolve(p.right) if isinstance(row, dict)]
    if p.key is None:
        yield from _objects_match(ctx, compiled, p, lefts, rights)
        return
    column = p.key

    def key_of(row: Mapping[str, Any]) -> str | None:
        """The row's key: its text, or with ``names`` its name as the one normaliser reads it."""
        raw = row.get(column)
        if p.names:
            return name_key(raw, p.suffixes)
        return None if raw is None else str(raw)

    # Rows are matched by key; a key that occurs twice on either side makes its comparison not
    # verifiable (the uniqueness rules report the duplicate once) — never the first row alone.
    index: dict[str | None, list[tuple[str, Any]]] = {}
    for ptr, row in rights:
        index.setdefault(key_of(row), []).append((ptr, row))
    counts: dict[str | None, int] = {}
    for _, row in lefts:
        counts[key_of(row)] = counts.get(key_of(row), 0) + 1
    pairs: list[tuple[tuple[str, Any], tuple[str, Any] | None]] = []
    duplicated: list[str] = []
    for ptr, row in lefts:
        key = key_of(row)
        if key is None or (p.level and len(key) not in p.level):
            continue
        matches = index.get(key, [])
        if counts[key] > 1 or len(matches) > 1:
            duplicated.append(str(row.get(p.key)))
            continue
        match = matches[0] if matches else None
        if match is None and p.missing == "skip":
            continue
        pairs.append(((ptr, row), match))
    if duplicated:
        ctx.duplicated(duplicated)
    for (lptr, lrow), match in pairs:
        for lc, rc in p.columns:
            if lc not in lrow:
                continue
            lcell = ctx.cell(f"{lptr}/{lc}", lrow[lc], amount=lc in p.amounts)
            if lcell is None:
                continue
            if match is None:
                right: Terms = []
            else:
                rptr, rrow = match
                if rc not in rrow:
                    continue
                rcell = ctx.cell(f"{rptr}/{rc}", rrow[rc], amount=True)
                if rcell is None:
                    continue
                right = _of([rcell])
            yield from identity(ctx, compiled, _of([lcell]), p.op, right, _column_values(p, lc))


def _objects_match(
    ctx: Context, compiled: Compiled, p: RowsMatch, lefts: list[tuple[str, Any]], rights: list[tuple[str, Any]]
) -> Iterator[Violation]:
    """Without a key: the two objects' columns pairwise. A table declared empty states zero for every
    figure it could hold, so its side is that zero (a non-zero figure stated elsewhere is a finding)."""
    sides: list[tuple[tuple[str, Any] | None, Cell | None]] = []
    for objs, bound in ((lefts, p.left), (rights, p.right)):
        if objs:
            sides.append((objs[0], None))
        elif bound.table is not None and ctx.is_empty(bound.table):
            sides.append((None, ctx.empty_zero(bound.table)))
        else:
            return
    (lobj, lzero), (robj, rzero) = sides
    if lzero is not None and rzero is not None:
        return
    for lc, rc in p.columns:
        lcell = lzero if lobj is None else _column_cell(ctx, lobj, lc, amount=lc in p.amounts)
        rcell = rzero if robj is None else _column_cell(ctx, robj, rc, amount=True)
        if lcell is None or rcell is None:
            continue
        yield from identity(ctx, compiled, _of([lcell]), p.op, _of([rcell]), _column_values(p, lc))


def _column_values(p: RowsMatch, column: str) -> Mapping[str, Any]:
    return {"column": p.titles.get(column, column), "column_en": column}


def _column_cell(ctx: Context, obj: tuple[str, Any], column: str, *, amount: bool) -> Cell | None:
    ptr, row = obj
    return ctx.cell(f"{ptr}/{column}", row[column], amount=amount) if column in row else None


def _is_amount(ctx: Context, ptr: str, column: str) -> bool:
    from ...labels import node_at

    node = node_at(ctx.spec.labels, [*jp.parse(ptr), column])
    return bool(node and node.amount)


# ---------------------------------------------------------------------------------------- zero, percentages
def prepare_all_zero(spec: Any, params: Mapping[str, Any]) -> tuple[BoundRef, ...]:
    return tuple(bind_ref(spec.labels, r) for r in params["items"])


def kind_all_zero(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Every referenced amount is zero, blank or absent (for example where a table is declared empty)."""
    for bound in compiled.prepared:
        for cell in ctx.cells(bound):
            ctx.checked()
            if cell.value != 0:
                unit = cell.unit or ""
                shown = to_unit(cell.value, cell.unit)
                yield Violation(
                    cell.pointer,
                    {"actual": _fixed(shown, cell.precision or 0), "unit": unit},
                    actual=shown,
                    expected=ZERO,
                    difference=shown,
                    envelope=ZERO,
                    unit=cell.unit,
                )


@dataclass(frozen=True)
class Percentage:
    scope: BoundRef | None
    numerator: tuple[str, ...]
    denominator: tuple[tuple[str, Decimal], ...]
    percent: str


def prepare_percentage(spec: Any, params: Mapping[str, Any]) -> Percentage:
    scope = bind_ref(spec.labels, params["scope"]) if "scope" in params else None
    node = scope.node if scope else None

    def check(text: str) -> str:
        if ":" in text:
            bind_ref(spec.labels, text)
        elif node is not None:
            check_path(node, text, text)
        else:
            raise ValueError(f"{text}: a field name needs a scope")
        return text

    den = tuple(
        (check(d), ONE) if isinstance(d, str) else (check(d["ref"]), Decimal(d.get("weight", 1)))
        for d in params["denominator"]
    )
    return Percentage(scope, tuple(check(n) for n in params["numerator"]), den, check(params["percent"]))


def _value_at(ctx: Context, scope: tuple[str, Any] | None, text: str) -> list[Cell]:
    if ":" in text:
        return ctx.cells(bind_ref(ctx.spec.labels, text))
    assert scope is not None
    ptr, obj = scope
    out = []
    for p, raw in walk(obj, ptr, parse_path(text)):
        cell = ctx.cell(p, raw, amount=_is_amount(ctx, *p.rsplit("/", 1)))
        if cell is not None:
            out.append(cell)
    return out


@dataclass(frozen=True)
class Stated:
    """One stated percentage with the amounts it is computed from, as intervals."""

    pointer: str
    percent: Decimal
    places: int  # the percentage's written decimals
    num: list[Cell]
    den: Terms
    n: Decimal
    nh: Decimal
    d: Decimal
    dh: Decimal


def _stated(ctx: Context, p: Percentage) -> Iterator[Stated]:
    scopes: list[tuple[str, Any] | None] = list(ctx.resolve(p.scope)) if p.scope else [None]
    for scope in scopes:
        before = ctx.absent_totals
        pct_cells = _percent_cells(ctx, scope, p.percent)
        num = [c for n in p.numerator for c in _value_at(ctx, scope, n)]
        den: Terms = []
        for text, weight in p.denominator:
            den.extend((c, weight) for c in _value_at(ctx, scope, text))
        if not pct_cells or not num or not den or incomplete(ctx, before):
            continue
        pct_ptr, pct, places = pct_cells
        n, nh = sum((c.value for c in num), ZERO), sum((c.half for c in num), ZERO)
        d, dh = _sum(den)
        if ctx.strict:
            nh = dh = ZERO
        yield Stated(pct_ptr, pct, places, num, den, n, nh, d, dh)


def _half(s: Stated) -> Decimal:
    """Half a unit in the percentage's last written place."""
    return Decimal(5).scaleb(-(s.places + 1))


def _possible(s: Stated) -> tuple[Decimal | None, Decimal | None]:
    """The percentages the intervals allow over the positive bases they contain (None: unbounded)."""
    if s.d - s.dh > 0:
        corners = [(s.n + a) / (s.d + b) * 100 for a in (-s.nh, s.nh) for b in (-s.dh, s.dh)]
        return min(corners), max(corners)
    # The base may be as small as we like: the percentage is unbounded on the numerator's side.
    top = s.d + s.dh
    if s.n - s.nh > 0:
        return (s.n - s.nh) / top * 100, None
    if s.n + s.nh < 0:
        return None, (s.n + s.nh) / top * 100
    return None, None


def _agrees(s: Stated) -> bool:
    lo, hi = _possible(s)
    half = _half(s)
    return (lo is None or s.percent + half >= lo) and (hi is None or s.percent - half <= hi)


def kind_percentage(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A stated percentage agrees with the amounts it is computed from: percent = Σnumerator / Σdenominator × 100.

    Both the amounts and the percentage are taken as intervals of their printed precision. A base that is
    zero or negative as printed is left to ``percentage_base``; a positive base that rounding could
    shrink to nothing leaves the percentage unbounded on one side.
    """
    p: Percentage = compiled.prepared
    for s in _stated(ctx, p):
        if s.d <= 0:
            continue
        ctx.checked()
        found = rate_violation(ctx, s)
        if found is not None:
            yield found


def rate_violation(ctx: Context, s: Stated) -> Violation | None:
    """The finding of a stated percentage on a positive base that its amounts cannot give, or None."""
    exact = s.n / s.d * 100
    if ctx.strict:  # 四舍五入
        if exact.quantize(Decimal(1).scaleb(-s.places), rounding=ROUND_HALF_UP) == s.percent:
            return None
    elif _agrees(s):
        return None
    computed = exact.quantize(Decimal("0.01"))
    return Violation(
        s.pointer,
        {
            "actual": format(s.percent, "f"),
            "expected": format(computed, "f"),
            "numerator": _fixed(to_unit(s.n, s.num[0].unit), 2),
            "denominator": _fixed(to_unit(s.d, s.num[0].unit), 2),
            "unit": s.num[0].unit or "",
        },
        related=tuple(c.pointer for c in s.num) + tuple(c.pointer for c, _ in s.den),
        expected=computed,
        actual=s.percent,
        difference=s.percent - computed,
        envelope=_half(s),
        unit="%",
    )


def kind_percentage_base(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A percentage is stated only against a positive base: where the base (Σdenominator) is zero or
    negative as printed, a stated percentage is undefined (the "增长100%" from nothing). Rounding is
    honoured: a base printed as zero that rounding could make positive does not fire when the stated
    percentage fits such a base; no change stated as 0% against a zero base is no change."""
    p: Percentage = compiled.prepared
    for s in _stated(ctx, p):
        ctx.checked()
        found = base_violation(s)
        if found is not None:
            yield found


def base_violation(s: Stated) -> Violation | None:
    """The finding of a percentage stated against a base that is zero or negative as printed, or None."""
    if s.d > 0 or (s.n == 0 and s.percent == 0):
        return None
    if s.d + s.dh > 0 and _agrees(s):
        return None
    unit = s.num[0].unit
    base = to_unit(s.d, unit)
    return Violation(
        s.pointer,
        {
            "actual": format(s.percent, "f"),
            "base": _fixed(base, 2),
            "numerator": _fixed(to_unit(s.n, unit), 2),
            "unit": unit or "",
        },
        related=tuple(c.pointer for c in s.num) + tuple(c.pointer for c, _ in s.den),
        actual=s.percent,
        unit="%",
    )


def _percent_cells(ctx: Context, scope: tuple[str, Any] | None, text: str) -> tuple[str, Decimal, int] | None:
    if ":" in text:
        pairs = list(ctx.resolve(bind_ref(ctx.spec.labels, text)))
    else:
        assert scope is not None
        pairs = list(walk(scope[1], scope[0], parse_path(text)))
    for ptr, raw in pairs:
        if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
            value = Decimal(raw)
            exp = value.as_tuple().exponent
            return ptr, value, max(0, -exp) if isinstance(exp, int) else 0
    return None
