"""The forms some disclosures print, drawn after the narrative so that every earlier choice stays put: the
optional columns of 一般公共预算支出表 and of the 三公 table, the aggregate 三公 table, the 一般公共预算项目
支出表; and two rewritings of a finished document: the performance tables without their value-type, unit
and scoring columns (``inline_indicator_columns``) and every table without its 合计 row
(``without_total_rows``)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from .codes import FISCAL_GB
from .core import Chooser
from .economic import three_public_line
from .plan import Plan


def optional_forms(plan: Plan, ch: Chooser, tables: dict[str, Any]) -> None:
    """一般公共预算支出表 with 基本支出 split into 人员经费 and 公用经费; a 三公 table with 机关运行经费, with
    last year's column and the change, with columns by budget source, or as the aggregate of a 部门 or
    区本级 without unit rows (each drawn, or as the profile's form prints it)."""
    split_basic = plan.form.operating_expenses_column or ch.bool(0.6)
    if split_basic and "general_budget_expenditure" in tables:
        _personnel_columns(plan.for_table("general_budget_expenditure"), tables["general_budget_expenditure"])
    if "three_public_expenses" in tables:
        _three_public_forms(plan.for_table("three_public_expenses"), ch, tables["three_public_expenses"])


def _personnel_columns(plan: Plan, gb: dict[str, Any]) -> None:
    """Personnel money spread over the function leaves with basic money (whole steps), never above a leaf's."""
    fmt, step, personnel = plan.fmt, plan.step, plan.basic.personnel
    basic = {leaf[0]: v["gb"][0] // step for leaf, v in plan.leaves.items() if "gb" in v and v["gb"][0]}
    whole, units = sum(basic.values()), personnel // step
    share = {code: b * units // whole for code, b in basic.items()}
    for code in basic:
        extra = min(basic[code] - share[code], units - sum(share.values()))
        share[code] += extra
    for row in gb["rows"]:
        b = sum(v * step for code, v in basic.items() if code.startswith(row["code"]))
        p = sum(v * step for code, v in share.items() if code.startswith(row["code"]))
        row["personnel"], row["public"] = fmt.show(p), fmt.show(b - p)
    gb_basic = sum(basic.values()) * step
    gb["total_row"]["personnel"] = fmt.show(personnel)
    gb["total_row"]["public"] = fmt.show(gb_basic - personnel)


def _three_public_forms(plan: Plan, ch: Chooser, three: dict[str, Any]) -> None:
    fmt, tp_total = plan.fmt, plan.three_public.total
    operating = plan.basic.public if plan.admin else 0
    if plan.form.operating_expenses_column or ch.bool(0.5):
        # 机关运行经费 beside the 三公 items (all of it in the first unit's row)
        three["total_row"]["operating_expenses"] = fmt.show(operating)
        three["rows"][0]["operating_expenses"] = fmt.show(operating)
    if ch.bool(0.5):  # last year's budget on whole steps, and the change as printed this year minus last year
        sf, nil = fmt.step_fen, fmt.num(0)
        prior = {k: ch.integer(0, (2 * x + 100_000) // sf) * sf for k, x in tp_total.items()}
        three["prior_year"] = three_public_line(fmt, prior)
        three["change"] = {k: (v or nil) - (three["prior_year"].get(k) or nil) for k, v in three["total_row"].items()}
    if ch.bool(0.5):  # 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算: all of it general budget
        zero = {k: fmt.num(0) for k in three["total_row"]}
        three["sources"] = {
            "general_budget": dict(three["total_row"]),
            "government_fund": zero,
            "state_capital": dict(zero),
        }
    if ch.bool(0.4):  # the aggregate form: no unit rows
        del three["rows"]
        three["aggregate"] = True


def general_budget_project_expenditure(plan: Plan, ch: Chooser) -> dict[str, Any] | None:
    """一般公共预算项目支出表: the general-budget projects, adding up to the general budget's project column
    (declared empty without general-budget project money)."""
    fmt, total = plan.fmt, plan.gb_project
    projects = [(p.name, p.fen) for p in plan.projects if p.source in FISCAL_GB]
    head = {"title": f"{plan.year}年一般公共预算项目支出表", "unit_name": plan.unit_name}
    if not total:
        return {"empty": True, "statement": "本部门无一般公共预算项目支出"}
    if not projects:
        return None
    return {
        **head,
        "rows": [{"name": name, "amount": fmt.num(fen)} for name, fen in projects],
        "total_row": {"amount": fmt.num(total)},
    }


# ------------------------------------------------------------------------------------------ rewritings
_NO_UNIT = (None, "-", "—", "/", "无")
_COMPARATOR = {"≥": "≥", "≤": "≤", "=": "=", ">": ">", "<": "<", ">=": "≥", "<=": "≤", "＝": "=", "＞": ">", "＜": "<"}
_PERFORMANCE = ("project_performance", "department_performance")


def _indicator_rows(tid: str, table: dict[str, Any]) -> list[dict[str, Any]]:
    if tid == "department_performance":
        rows: list[dict[str, Any]] = table.get("indicators", [])
        return rows
    projects = [project for unit in table.get("units", []) for project in unit.get("projects", [])]
    return [row for project in projects for row in project.get("indicators", [])]


def inline_indicator_columns(
    document: dict[str, Any], *, scoring: bool = True, tables: Sequence[str] = _PERFORMANCE
) -> dict[str, Any]:
    """The same document as printed by a form without the 指标值类型 and unit columns (and, with ``scoring``,
    without 评（扣）分标准) in the performance ``tables``: every indicator's comparator and unit move into its
    value ("≥" "85" "%" → "≥85%"; a comparator-typed text keeps its comparator, "≤全年"); a qualitative value
    stays as it is. Returns a new document; the given one is not changed."""
    from ..rules.values import reading_of, text_of

    out = copy.deepcopy(document)
    for tid in tables:
        table = out.get("tables", {}).get(tid)
        if not isinstance(table, dict):
            continue
        for row in _indicator_rows(tid, table):
            kind, unit = row.pop("value_type", None), row.pop("unit", None)
            if scoring:
                row.pop("scoring", None)
            text = text_of(row.get("value"))
            if text is None:
                continue
            reading = reading_of(text)
            written = reading is not None and reading.comparator is not None
            comparator = "" if written else _COMPARATOR.get(text_of(kind) or "", "")
            suffix = "" if reading is None or reading.unit or text_of(unit) in _NO_UNIT else text_of(unit)
            row["value"] = f"{comparator}{text}{suffix}"
    return out


def without_total_rows(document: dict[str, Any], tables: Sequence[str] | None = None) -> dict[str, Any]:
    """The same document as printed without 合计 rows (in ``tables``, or in every table that has one)."""
    out = copy.deepcopy(document)
    for tid, table in out.get("tables", {}).items():
        if isinstance(table, dict) and (tables is None or tid in tables):
            table.pop("total_row", None)
    return out
