"""What a generated document is, stated by the builder itself: the printed format of every amount and the
identities the builder made hold, as data for tests that must not take their expectations from the
engine (issue 16).

The builder computes every total from its leaves and prints each figure once from its exact amount; it
therefore knows, without reading a rule file or running the engine:

- the **format** of every printed amount: its unit (元 or 万元) and the decimals it is printed with — the
  table's own format where the table declares one (``Features.mixed_units``), the column's precision where
  a column is printed at another precision, the document's otherwise; a narrative figure "as written"
  has the decimals it is written with;
- the **identities**: a total and its parts in one table, the same figure printed in two places (two
  tables, a table and the text), and the bounds between figures (the 三公 within the general budget). Each
  identity names the rule of ``rules/`` that checks it and that rule's severity, written here as data from
  the forms (DOMAIN.md), so that a rule file that drops a part, weakens an operator or lowers a severity
  disagrees with the oracle.

``complete`` names the cells of which *every* identity is listed: moving such a cell can break no
identity the oracle does not know. Today these are the cells of 部门收支总表 (``summary``) and of the 三公
table; the identities of other tables that do not touch them are not listed yet.

An identity is ``left op right`` over printed cells, written as the coefficient of each cell in
``left − right``; ``pointer`` is the cell a finding of it names (the first cell of the left side).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .core import Fmt
from .plan import Plan

__all__ = ["Format", "Identity", "Oracle", "Ratio", "describe"]


@dataclass(frozen=True)
class Format:
    """How one amount is printed: its unit and its number of decimals."""

    unit: str
    places: int


@dataclass(frozen=True)
class Identity:
    """``Σ coefficient·cell op 0`` over printed cells (``left − right``), checked by ``rule``."""

    rule: str
    severity: str  # "error" or "warning": the rule's severity, as the forms make the identity binding
    kind: str  # "sum" (a total and its parts), "equal" (one figure printed twice), "bound" (≤ / ≥)
    op: str  # "eq", "le" or "ge"
    pointer: str  # the cell a finding names
    terms: tuple[tuple[str, int], ...]  # (JSON pointer, coefficient in left − right)
    # Parts the form has that this document does not print (absent fields): giving one a value changes
    # the identity as a printed one would.
    unprinted: tuple[tuple[str, int], ...] = ()

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.terms)


@dataclass(frozen=True)
class Ratio:
    """A stated percentage: ``percent = Σ numerator ÷ Σ denominator × 100``, checked by ``rule``."""

    rule: str
    severity: str
    pointer: str  # the stated percentage (a finding names it)
    numerator: tuple[tuple[str, int], ...]  # (JSON pointer, weight)
    denominator: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Oracle:
    formats: Mapping[str, Format]  # every printed non-blank or blank amount cell → its printed format
    identities: tuple[Identity, ...]
    complete: frozenset[str] = field(default_factory=frozenset)
    ratios: tuple[Ratio, ...] = ()  # the change rates the text states

    def of(self, pointer: str) -> list[Identity]:
        """Every listed identity a cell takes part in."""
        return [i for i in self.identities if pointer in i.cells]


# ------------------------------------------------------------------------------------------ formats
NARRATIVE_NOT_AMOUNTS = ("percent", "share_percent")


def _walk(value: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{pointer}/{i}")
    else:
        yield pointer, value


def _formats(plan: Plan, document: dict[str, Any]) -> dict[str, Format]:
    """Every printed number of the tables (a blank too, in the tables whose every identity is listed) and
    every amount of the narrative, with its format."""
    out: dict[str, Format] = {}
    for tid, table in document.get("tables", {}).items():
        if not isinstance(table, dict):
            continue
        fmt: Fmt = plan.fmt_of(tid)
        columns = plan.basic.col_precision if tid == "basic_expenditure" and tid not in plan.table_fmt else {}
        for sub, value in _walk(table, ""):
            column = sub.rsplit("/", 1)[-1]
            if sub.startswith("/amounts/"):
                continue
            blank = value is None and tid in COMPLETE_TABLES and column not in _TEXT_FIELDS
            if isinstance(value, Decimal) or blank:
                out[f"/tables/{tid}{sub}"] = Format(fmt.unit, columns.get(column, fmt.precision))
    text = document.get("narrative", {})
    header = text.get("amounts", {})
    for sub, value in _walk(text, ""):
        if sub.startswith("/amounts/") or not isinstance(value, Decimal):
            continue
        if sub.rsplit("/", 1)[-1] in NARRATIVE_NOT_AMOUNTS:
            continue
        precision = header.get("precision", "as_written")
        places = max(0, -int(value.as_tuple().exponent)) if precision == "as_written" else int(precision)
        out[f"/narrative{sub}"] = Format(header.get("unit", plan.fmt.unit), places)
    return out


# The tables every identity of whose cells the oracle lists.
COMPLETE_TABLES = ("summary", "three_public_expenses")
_TEXT_FIELDS = frozenset({"code", "name", "title", "unit_name", "unit_code", "note", "statement"})


# ------------------------------------------------------------------------------------------ identities
ERROR, WARNING = "error", "warning"


def _sum(rule: str, total: str, parts: list[str], present: set[str], unprinted: Sequence[str] = ()) -> Identity:
    terms = ((total, 1), *((p, -1) for p in parts if p in present))
    return Identity(rule, ERROR, "sum", "eq", total, terms, tuple((p, -1) for p in unprinted if p not in present))


def _equal(rule: str, left: str, right: list[str], severity: str = ERROR, kind: str = "equal") -> Identity:
    return Identity(rule, severity, kind, "eq", left, ((left, 1), *((p, -1) for p in right)))


def _bound(rule: str, op: str, left: list[str], right: list[str], severity: str = ERROR) -> Identity:
    return Identity(rule, severity, "bound", op, left[0], (*((p, 1) for p in left), *((p, -1) for p in right)))


# 部门收支总表 (DOMAIN.md: the income lines of 本年收入 and the expenditure columns of 本年支出).
SUMMARY_INCOME_LINES = (
    "fiscal_appropriation",
    "general_budget_appropriation",
    "government_fund_appropriation",
    "state_capital_appropriation",
    "special_account_income",
    "service_income",
    "business_income",
    "superior_subsidy_income",
    "subordinate_remittance_income",
    "other_income",
)
SUMMARY_EXPENDITURE_COLUMNS = (
    "basic",
    "project",
    "business_operation",
    "subsidy_to_subordinates",
    "remittance_to_superior",
)
# The 三公 figures of one line, and the lines of the 三公 table that print them.
THREE_PUBLIC_COLUMNS = (
    "subtotal",
    "reception",
    "overseas_travel",
    "vehicles",
    "vehicle_purchase",
    "vehicle_operation",
    "operating_expenses",
)
NARRATIVE_THREE_PUBLIC = (
    ("total", "subtotal"),
    ("reception", "reception"),
    ("overseas_travel", "overseas_travel"),
    ("vehicles", "vehicles"),
    ("vehicle_purchase", "vehicle_purchase"),
    ("vehicle_operation", "vehicle_operation"),
)


def _summary(doc: dict[str, Any], present: set[str]) -> Iterator[Identity]:
    t = doc["tables"]
    if "summary" not in t or not isinstance(t["summary"], dict) or "income" not in t["summary"]:
        return
    s_in, s_out = "/tables/summary/income", "/tables/summary/expenditure"
    lines = [f"{s_in}/{k}" for k in SUMMARY_INCOME_LINES]
    yield _sum("summary.income-current-year", f"{s_in}/current_year_total", lines, present, lines)
    yield _sum(
        "summary.income-grand-total",
        f"{s_in}/grand_total",
        [f"{s_in}/current_year_total", f"{s_in}/prior_year_carryover"],
        present,
    )
    columns = [f"{s_out}/{k}" for k in SUMMARY_EXPENDITURE_COLUMNS]
    if any(c in present for c in columns):  # a form by nature (a form by function prints none of them)
        yield _sum("summary.expenditure-current-year", f"{s_out}/current_year_total", columns, present, columns)
    by_function = t["summary"]["expenditure"].get("by_function")
    if isinstance(by_function, list):
        parts = [f"{s_out}/by_function/{i}/amount" for i in range(len(by_function))]
        yield _sum("summary.expenditure-by-function", f"{s_out}/current_year_total", parts, present)
    yield _sum(
        "summary.expenditure-grand-total",
        f"{s_out}/grand_total",
        [f"{s_out}/current_year_total", f"{s_out}/surplus_distribution", f"{s_out}/carry_forward"],
        present,
    )
    yield _equal("summary.balance", f"{s_in}/grand_total", [f"{s_out}/grand_total"])
    # The same figures in the income and expenditure tables, the fiscal summary and the text.
    inc, exp = "/tables/income/total_row", "/tables/expenditure/total_row"
    if f"{inc}/total" in present:
        yield _equal("cross.income-total", f"{inc}/total", [f"{s_in}/grand_total"])
        for k in (*SUMMARY_INCOME_LINES, "prior_year_carryover"):
            if f"{inc}/{k}" in present and f"{s_in}/{k}" in present:
                yield _equal("cross.income-sources", f"{inc}/{k}", [f"{s_in}/{k}"])
    if f"{exp}/total" in present:
        yield _equal("cross.expenditure-total", f"{exp}/total", [f"{s_out}/current_year_total"])
        for k in SUMMARY_EXPENDITURE_COLUMNS:
            if f"{exp}/{k}" in present and f"{s_out}/{k}" in present:
                yield _equal("cross.expenditure-nature", f"{exp}/{k}", [f"{s_out}/{k}"])
    if f"{inc}/total" in present and f"{exp}/total" in present:
        right = [f"{exp}/total", f"{s_out}/surplus_distribution", f"{s_out}/carry_forward"]
        yield _equal("cross.income-covers-expenditure", f"{inc}/total", [p for p in right if p in present], kind="sum")
    fiscal = "/tables/fiscal_summary/income"
    if f"{fiscal}/current_year" in present:
        right = [f"{s_in}/{k}" for k in SUMMARY_INCOME_LINES[:4]]
        yield _equal("cross.fiscal-income", f"{fiscal}/current_year", [p for p in right if p in present], kind="sum")
    if f"{fiscal}/prior_year_carryover" in present:
        yield _bound(
            "cross.fiscal-carryover", "le", [f"{fiscal}/prior_year_carryover"], [f"{s_in}/prior_year_carryover"]
        )
    if "/narrative/income/total" in present:
        yield _equal("narrative.income-total", "/narrative/income/total", [f"{s_in}/grand_total"])
    if "/narrative/expenditure/total" in present:
        yield _equal("narrative.expenditure-total", "/narrative/expenditure/total", [f"{s_out}/grand_total"])


def _three_public(doc: dict[str, Any], present: set[str]) -> Iterator[Identity]:
    table = doc["tables"].get("three_public_expenses")
    if not isinstance(table, dict) or "total_row" not in table:
        return
    base = "/tables/three_public_expenses"
    lines = ["total_row", *(f"rows/{i}" for i in range(len(table.get("rows", []))))]
    lines += [k for k in ("prior_year", "change") if k in table]
    lines += [
        f"sources/{k}" for k in ("general_budget", "government_fund", "state_capital") if k in table.get("sources", {})
    ]
    for line in lines:
        p = f"{base}/{line}"
        parts = [f"{p}/reception", f"{p}/overseas_travel", f"{p}/vehicles"]
        if any(x in present for x in parts):
            yield _sum("three_public.composition", f"{p}/subtotal", parts, present)
        parts = [f"{p}/vehicle_purchase", f"{p}/vehicle_operation"]
        if any(x in present for x in parts):
            yield _sum("three_public.vehicles", f"{p}/vehicles", parts, present)
    total = f"{base}/total_row"
    groups = [
        ("three_public.total-row", [f"rows/{i}" for i in range(len(table.get("rows", [])))]),
        (
            "three_public.by-source",
            [f"sources/{k}" for k in ("general_budget", "government_fund", "state_capital")]
            if all(k in table.get("sources", {}) for k in ("general_budget", "government_fund", "state_capital"))
            else [],
        ),
        ("three_public.change", ["prior_year", "change"] if "prior_year" in table and "change" in table else []),
    ]
    for rule, rows in groups:
        if not rows:
            continue
        for column in THREE_PUBLIC_COLUMNS:
            parts = [f"{base}/{r}/{column}" for r in rows]
            if f"{total}/{column}" in present and any(x in present for x in parts):
                yield _sum(rule, f"{total}/{column}", parts, present)
    for said, printed in NARRATIVE_THREE_PUBLIC:
        if f"/narrative/three_public/{said}" in present and f"{total}/{printed}" in present:
            yield _equal("narrative.three-public", f"/narrative/three_public/{said}", [f"{total}/{printed}"])
    # Bounds: the 三公 figures cover the matching economic items of basic expenditure, and stay within the
    # general budget's expenditure; 机关运行经费 is the text's and within 公用经费.
    basic = doc["tables"].get("basic_expenditure")
    if isinstance(basic, dict):
        codes = {row.get("code"): i for i, row in enumerate(basic.get("rows", []))}
        for rule, items, column in (
            ("three_public.reception-covers-basic", ["30217"], "reception"),
            ("three_public.overseas-covers-basic", ["30212"], "overseas_travel"),
            ("three_public.vehicle-operation-covers-basic", ["30231"], "vehicle_operation"),
            ("three_public.vehicle-purchase-covers-basic", ["31013", "30913"], "vehicle_purchase"),
        ):
            left = [f"/tables/basic_expenditure/rows/{codes[c]}/total" for c in items if c in codes]
            if left and f"{total}/{column}" in present:
                yield _bound(rule, "le", left, [f"{total}/{column}"])
        if f"{total}/operating_expenses" in present and "/tables/basic_expenditure/total_row/public" in present:
            yield _bound(
                "three_public.operating-expenses-within-public",
                "le",
                [f"{total}/operating_expenses"],
                ["/tables/basic_expenditure/total_row/public"],
                WARNING,
            )
    if "/tables/general_budget_expenditure/total_row/total" in present:
        yield _bound(
            "three_public.within-general-budget",
            "le",
            [f"{total}/subtotal"],
            ["/tables/general_budget_expenditure/total_row/total"],
        )
    if f"{total}/operating_expenses" in present and "/narrative/operating_expenses" in present:
        yield _equal(
            "three_public.operating-expenses-narrative",
            f"{total}/operating_expenses",
            ["/narrative/operating_expenses"],
        )


# The changes against last year the text states beside a figure: (the object holding the figure, the
# figure, the change object) and the rule that checks the rate. The income, expenditure and 三公 totals
# have rules of their own for a rate computed from the change amount; every other rate, and a total's
# rate the text computes from last year's figure alone, is narrative.change-rate's.
CHANGE_SUBJECTS = (
    ("income", "total", "change", "narrative.income-change-rate"),
    ("expenditure", "total", "change", "narrative.expenditure-change-rate"),
    ("three_public", "total", "change", "narrative.three-public-change-rate"),
    ("expenditure/by_function/*", "amount", "change", ""),
    ("general_budget_expenditure", "total", "change", ""),
    ("general_budget_expenditure/by_function/*", "amount", "change", ""),
    ("general_budget_expenditure", "basic", "basic_change", ""),
    ("general_budget_expenditure", "project", "project_change", ""),
    ("general_budget_expenditure/project_by_function/*", "amount", "change", ""),
    ("government_fund_expenditure", "total", "change", ""),
    *(("three_public", k, f"item_changes/{k}", "") for k in ("reception", "overseas_travel", "vehicles")),
    *(("three_public", k, f"item_changes/{k}", "") for k in ("vehicle_purchase", "vehicle_operation")),
    ("", "operating_expenses", "operating_expenses_change", ""),
    ("", "meeting_expenses", "meeting_expenses_change", ""),
    ("", "training_expenses", "training_expenses_change", ""),
)


def _holders(text: Any, path: str, pointer: str) -> Iterator[tuple[str, Any]]:
    if not path:
        yield pointer, text
        return
    head, _, rest = path.partition("/")
    if head == "*":
        for i, item in enumerate(text if isinstance(text, list) else []):
            yield from _holders(item, rest, f"{pointer}/{i}")
    elif isinstance(text, dict) and head in text:
        yield from _holders(text[head], rest, f"{pointer}/{head}")


def _get(obj: Any, path: str) -> Any:
    for key in path.split("/"):
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _ratios(document: dict[str, Any]) -> Iterator[Ratio]:
    for path, current, change_path, own_rule in CHANGE_SUBJECTS:
        for holder_ptr, holder in _holders(document.get("narrative", {}), path, "/narrative"):
            change = _get(holder, change_path)
            if not isinstance(change, dict) or change.get("percent") is None or current not in holder:
                continue
            cur, at = f"{holder_ptr}/{current}", f"{holder_ptr}/{change_path}"
            num: tuple[tuple[str, int], ...]
            den: tuple[tuple[str, int], ...]
            if change.get("amount") is not None:  # the change ÷ (this year − the change)
                num, den = ((f"{at}/amount", 1),), ((cur, 1), (f"{at}/amount", -1))
                rule = own_rule or "narrative.change-rate"
            elif change.get("prior") is not None:  # (this year − last year) ÷ last year
                num, den = ((cur, 1), (f"{at}/prior", -1)), ((f"{at}/prior", 1),)
                rule = "narrative.change-rate"
            else:
                continue
            yield Ratio(rule, ERROR, f"{at}/percent", num, den)


def describe(plan: Plan, document: dict[str, Any]) -> Oracle:
    """The oracle of a document the builder made from ``plan``."""
    formats = _formats(plan, document)
    present = set(formats)
    identities = (*_summary(document, present), *_three_public(document, present))
    complete = frozenset(p for p in present if p.split("/")[2:3] and p.split("/")[2] in COMPLETE_TABLES)
    return Oracle(formats, identities, complete, tuple(_ratios(document)))
