"""What a rule kind sees while it runs: the document, the spec, the profile and the policy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import pointer as jp
from ..amounts import Cell, Formats
from ..emit import join
from ..findings import Severity
from ..spec import ProfileInfo, Spec
from .model import RuleDef
from .refs import Step, walk

if TYPE_CHECKING:  # pragma: no cover
    from .bind import BoundRef

__all__ = ["TOTAL_ROW", "Compiled", "Context", "Evaluation", "Violation"]

# The field that holds a table's printed 合计 row. A form may print none: the key is then absent.
TOTAL_ROW = "total_row"


@dataclass(frozen=True)
class Compiled:
    """A rule ready to run: its definition, its kind's prepared parameters and the tables it reads."""

    rule: RuleDef
    prepared: Any
    needs: frozenset[str]
    when: Any


@dataclass(frozen=True)
class Violation:
    """What a kind reports; the engine stamps rule id, severity, messages and location on it."""

    pointer: str
    values: Mapping[str, Any] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    envelope: Decimal | None = None
    unit: str | None = None
    severity: Severity | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One arithmetic identity as evaluated: its weighted cells on both sides, the difference, the envelope."""

    rule: str
    pointer: str
    op: str
    left: list[tuple[Cell, Decimal]]
    right: list[tuple[Cell, Decimal]]
    difference: Decimal  # left − right, in 元
    envelope: Decimal
    failed: bool

    @property
    def coefficients(self) -> tuple[tuple[str, Decimal], ...]:
        """Each cell's pointer with its coefficient in ``left − right`` (left +, right −)."""
        return tuple((c.pointer, w) for c, w in self.left) + tuple((c.pointer, -w) for c, w in self.right)


@dataclass
class Context:
    spec: Spec
    document: dict[str, Any]
    profile: ProfileInfo
    strict: bool
    checks: int = 0
    evaluations: list[Evaluation] = field(default_factory=list)
    excluded: frozenset[str] = frozenset()
    # Why parts of the current rule could not be verified (a duplicated key, no code list …): the
    # engine lists the rule under the report's ``skipped`` with these reasons.
    unverifiable: list[tuple[str, str]] = field(default_factory=list)
    # How many times a reference or path has reached for a 合计 row the table does not print: a kind that
    # sums several terms compares nothing when one of them is such a row (never a partial total).
    absent_totals: int = 0
    # Per-document caches: formats by table and column, references resolved once for every rule that
    # names them, cells built once. A context serves one document.
    formats: Formats = field(init=False)
    _resolved: dict[str, list[tuple[str, Any]]] = field(init=False, default_factory=dict)
    _cells: dict[str, Cell | None] = field(init=False, default_factory=dict)
    # What the compiled engine's screens share within one document (a column's unit factor, a table's
    # rows by code …), keyed by the screen family that computes it.
    memo: dict[Any, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.formats = Formats(self.document)

    def resolve(self, bound: BoundRef) -> list[tuple[str, Any]]:
        """(pointer, value) of everything a reference designates, resolved once per document.

        A reference into the 合计 row of a table that prints none designates nothing, and the current
        rule is reported not verifiable for it (``no_total_row``): never a total made up from the rows.
        """
        key = bound.ref.text
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = list(bound.ref.resolve(self.document))
        steps = bound.ref.steps
        if not found and steps and steps[0].name == TOTAL_ROW and bound.table is not None and self.usable(bound):
            self.no_total_row(bound.table, steps)
        return found

    def table_rows(self, table: str, steps: tuple[Step, ...]) -> list[tuple[str, Any]]:
        """(pointer, value) of what a path reaches within one table (``rows[*]``, ``total_row``); a path into
        the 合计 row of a table that prints none reaches nothing and is reported (``no_total_row``)."""
        obj = self.table(table)
        if not isinstance(obj, dict):
            return []
        found = list(walk(obj, jp.join("/tables", table), steps))
        if not found and steps and steps[0].name == TOTAL_ROW:
            self.no_total_row(table, steps)
        return found

    def no_total_row(self, table: str, steps: tuple[Step, ...]) -> None:
        """The rule reads the 合计 row of ``table``; when the table is present with data and prints no 合计 row
        (the key ``total_row`` is absent: the form has none), what the rule checks on it is not verifiable.
        A table declared empty has no rows at all (its figures are one exact zero); a malformed table is the
        schema's finding. Neither is reported here."""
        obj = self.table(table)
        if not isinstance(obj, dict) or obj.get("empty") is True or steps[0].name in obj:
            return
        self.absent_totals += 1
        title = self.spec.tables[table].title if table in self.spec.tables else table
        self.not_verifiable(
            f"{title}未印合计行，涉及合计行的核对无法验证",
            f"{table} prints no 合计 (total) row, so what the rule checks on that row cannot be verified",
        )

    def objects(self, refs: tuple[BoundRef, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(pointer, object) of every JSON object the references designate in tables the rule may read.

        The reader turns every mapping of a document into a ``dict``, so other values here are cells of
        the wrong type, which the schema findings report.
        """
        for bound in refs:
            if not self.usable(bound):
                continue
            for ptr, value in self.resolve(bound):
                if isinstance(value, dict):
                    yield ptr, value

    def usable(self, bound: BoundRef) -> bool:
        """False for a reference into a table the current rule must leave out (missing or malformed)."""
        return bound.table is None or bound.table not in self.excluded

    def not_verifiable(self, reason: str, reason_en: str) -> None:
        """Kinds call this for an identity or item they cannot verify; the report lists the rule as skipped."""
        if (reason, reason_en) not in self.unverifiable:
            self.unverifiable.append((reason, reason_en))

    def duplicated(self, keys: Iterable[str]) -> None:
        """Rows matched by a key that occurs more than once: the comparison is not made (neither the first
        row alone nor a doubled sum could be trusted) and the rule is reported as not verifiable for them."""
        shown = sorted(set(keys))
        self.not_verifiable(
            f"{join(shown, 'zh')} 出现不止一次，按其核对的关系无法验证（重复本身由唯一性规则报告）",
            f"{join(shown, 'en')} occurs more than once, so the relations matched on it cannot be verified "
            "(the duplicate itself is reported by the uniqueness rule)",
        )

    def ambiguous(self, bound: BoundRef) -> list[str]:
        """The key values of a reference that selects rows by key (``rows[code=30217]``) and finds more
        than one: a duplicated key, whose rows cannot be told apart."""
        steps = bound.ref.steps
        if not any(s.key is not None for s in steps) or any(s.all for s in steps):
            return []
        if len(self.resolve(bound)) < 2:
            return []
        return [str(s.value) for s in steps if s.key is not None]

    def checked(self, n: int = 1) -> None:
        """Kinds call this for every identity or item they actually examine."""
        self.checks += n

    @property
    def fiscal_year(self) -> int | None:
        """The document's fiscal year, or None when it is missing or not an integer."""
        year = self.metadata.get("fiscal_year")
        return year if isinstance(year, int) and not isinstance(year, bool) else None

    @property
    def year_in_profile(self) -> bool:
        """The fiscal year is one the profile covers (else schema.profile-year is the one finding)."""
        return self.fiscal_year in self.profile.years

    def year_data_missing(self, what: str, what_en: str) -> None:
        """Record that data the profile gives by year (a code list, a framework, table titles) is not
        available for this document, and why."""
        year = self.fiscal_year
        if year is None:
            self.not_verifiable(f"预算年度缺失或无效，无法确定{what}", f"no valid fiscal year to select the {what_en}")
        elif not self.year_in_profile:
            self.not_verifiable(
                f"预算年度 {year} 不在适用规范的年度（{self.profile.years.text}）内，无{what}",
                f"fiscal year {year} is outside the profile's years ({self.profile.years.text_en}): no {what_en}",
            )
        else:
            self.not_verifiable(f"适用规范没有指定 {year} 年的{what}", f"the profile names no {what_en} for {year}")

    @property
    def metadata(self) -> dict[str, Any]:
        """The document's metadata, or an empty mapping when it is missing or not an object."""
        found = self.document.get("metadata")
        return found if isinstance(found, dict) else {}

    def table(self, tid: str) -> Any:
        tables = self.document.get("tables")
        return tables.get(tid) if isinstance(tables, dict) else None

    def is_empty(self, tid: str) -> bool:
        table = self.table(tid)
        return isinstance(table, dict) and table.get("empty") is True

    def cells(self, bound: BoundRef) -> list[Cell]:
        """The numeric cells a reference designates.

        Amounts get their unit and rounding interval; counts and other plain numbers are exact. A blank
        table cell is zero; a narrative figure the text does not state (null) is absent, and one it states
        as zero is exactly zero. A reference into
        a table declared empty is one exact zero: the table states that there is nothing of the kind.
        """
        out: list[Cell] = []
        found = False
        if not self.usable(bound):
            return out
        for ptr, raw in self.resolve(bound):
            found = True
            cell = self.cell(ptr, raw, amount=bound.amount)
            if cell is not None:
                out.append(cell)
        table = bound.table
        if not found and table is not None and self.is_empty(table):
            out.append(self.empty_zero(table, amount=bound.amount))
        return out

    def empty_zero(self, table: str, *, amount: bool = True) -> Cell:
        """The one exact zero a table declared empty states for every figure it could hold."""
        amounts = self.document.get("amounts")
        unit = amounts.get("unit", "") if isinstance(amounts, dict) else ""
        return Cell(jp.join("/tables", table), Decimal(0), Decimal(0), unit if amount else "", None, None)

    def cell(self, ptr: str, raw: Any, *, amount: bool = True) -> Cell | None:
        """One numeric cell, or None when the value is absent, not stated or not a number."""
        if amount:
            if ptr in self._cells:
                return self._cells[ptr]
            cell = None if raw is None and ptr.startswith("/narrative") else self.formats.cell(ptr, raw)
            if cell is not None and cell.half and not cell.value and ptr.startswith("/narrative"):
                cell = cell._replace(half=Decimal(0))  # the text says "0万元": none at all, not a rounding
            self._cells[ptr] = cell
            return cell
        if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
            return Cell(ptr, Decimal(raw), Decimal(0), "", Decimal(raw), None)
        return None

    def location(self, pointer: str) -> str:
        return self.spec.location(self.document, pointer)
