"""The fixed vocabulary of rule kinds: one small function each, in one explicit registry.

A kind reads its rule's prepared parameters and the document and yields ``Violation``s; the engine
stamps the rule id, severity, messages and location. Adding a kind means adding a function and its
``prepare`` step here, its parameter schema in schemas/rules.schema.json, and a section in
docs/RULE_LANGUAGE.md; tests fail until all three agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..context import Compiled, Context, Violation
from . import arithmetic as a
from . import change as ch
from . import codes as c
from . import items as i
from . import pairs as pr
from . import structure as s

__all__ = ["EXTERNAL_KINDS", "KINDS", "Kind"]


@dataclass(frozen=True)
class Kind:
    name: str
    prepare: Callable[[Any, Any], Any]
    run: Callable[[Context, Compiled], Iterator[Violation]]
    # Item-wise kinds check every item they can reach: a missing or malformed table removes its items,
    # it does not stop the rule. Other kinds need every table they name.
    partial: bool = False
    # The kind records each identity it evaluates (``Context.evaluations``), which the grouping by cause reads.
    evaluates: bool = False

    @property
    def doc(self) -> str:
        return (self.run.__doc__ or "").strip()


# Kinds whose findings come from elsewhere (the reader, the schema layer): catalogue entries only.
EXTERNAL_KINDS = frozenset({"input", "schema"})

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("amount_precision", s.prepare_amount_precision, s.kind_amount_precision),
        Kind("amount_sign", s.prepare_amount_sign, s.kind_amount_sign),
        Kind("empty_statement", s.prepare_empty_statement, s.kind_empty_statement),
        Kind("text_scan", s.prepare_text_scan, s.kind_text_scan, partial=True),
        Kind("table_title", s.prepare_table_title, s.kind_table_title, partial=True),
        Kind("sum", a.prepare_sum, a.kind_sum, evaluates=True),
        Kind("compare", a.prepare_compare, a.kind_compare, evaluates=True),
        Kind("row_sum", a.prepare_row_sum, a.kind_row_sum, evaluates=True),
        Kind("column_sum", a.prepare_column_sum, a.kind_column_sum, evaluates=True),
        Kind("group_sum", a.prepare_group_sum, a.kind_group_sum, evaluates=True),
        Kind("rollup", a.prepare_rollup, a.kind_rollup, evaluates=True),
        Kind("rows_match", a.prepare_rows_match, a.kind_rows_match, evaluates=True),
        Kind("all_zero", a.prepare_all_zero, a.kind_all_zero, partial=True),
        Kind("percentage", a.prepare_percentage, a.kind_percentage),
        Kind("percentage_base", a.prepare_percentage, a.kind_percentage_base),
        Kind("change", ch.prepare_change, ch.kind_change, evaluates=True),
        Kind("code_hierarchy", c.prepare_code_hierarchy, c.kind_code_hierarchy, partial=True),
        Kind("code_list", c.prepare_code_list, c.kind_code_list, partial=True),
        Kind("codes_match", c.prepare_codes_match, c.kind_codes_match),
        Kind("fields_match", pr.prepare_fields_match, pr.kind_fields_match, partial=True),
        Kind("allowed_values", i.prepare_allowed_values, i.kind_allowed_values, partial=True),
        Kind("pattern", i.prepare_pattern, i.kind_pattern, partial=True),
        Kind("present", i.prepare_present, i.kind_present, partial=True),
        Kind("numeric_value", i.prepare_numeric_value, i.kind_numeric_value, partial=True),
        Kind("bounds", i.prepare_bounds, i.kind_bounds, partial=True),
        Kind("indicator_levels", i.prepare_indicator_levels, i.kind_indicator_levels, partial=True),
        Kind("coverage", i.prepare_coverage, i.kind_coverage, partial=True),
        Kind("year_in_text", i.prepare_year_in_text, i.kind_year_in_text, partial=True),
    )
}
