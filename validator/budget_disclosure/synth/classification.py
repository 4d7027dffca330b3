"""Tables by function classification (类/款/项 rows): 部门收入总表, 部门支出总表, 一般公共预算支出表,
政府性基金预算支出表, 国有资本经营预算支出表."""

from __future__ import annotations

from typing import Any

from .codes import FISCAL_GB
from .core import Chooser
from .plan import SOURCES, LeafMoney, Plan

NATURE_INCOME = [
    "total",
    "fiscal_appropriation",
    "fiscal_appropriation_funding",
    "service_income",
    "prior_year_carryover",
]
FUNCTION_INCOME = [
    "total",
    "general_budget_appropriation",
    "government_fund_appropriation",
    "state_capital_appropriation",
    "service_income",
    "prior_year_carryover",
]


def _income_by_nature(v: LeafMoney) -> dict[str, int]:
    """The Hunan layout: 财政拨款 (with 财政拨款资金) rather than one column per fund."""
    gb = sum(v.get("gb", [0, 0]))
    fiscal = gb + sum(v.get("gf", [0, 0])) + sum(v.get("sc", [0, 0]))
    return {
        "total": sum(sum(x) for x in v.values()),
        "fiscal_appropriation": fiscal,
        "fiscal_appropriation_funding": gb,
        "service_income": sum(v.get("service", [0, 0])),
        "prior_year_carryover": sum(v.get("carry", [0, 0])),
    }


def _income_by_fund(v: LeafMoney) -> dict[str, int]:
    return {
        "total": sum(sum(x) for x in v.values()),
        "general_budget_appropriation": sum(v.get("gb", [0, 0])),
        "government_fund_appropriation": sum(v.get("gf", [0, 0])),
        "state_capital_appropriation": sum(v.get("sc", [0, 0])),
        "service_income": sum(v.get("service", [0, 0])),
        "prior_year_carryover": sum(v.get("carry", [0, 0])),
    }


def income(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """部门收入总表: every source of money by function class."""
    nature = plan.layout == "nature"
    rows, t = plan.tree(SOURCES, _income_by_nature if nature else _income_by_fund)
    printed, total = plan.printed(rows, t, NATURE_INCOME if nature else FUNCTION_INCOME)
    return plan.table("部门收入总表", {"rows": printed}, total)


def expenditure(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """部门支出总表: every source's spending by function class, basic and project."""
    rows, total = plan.by_nature_table(SOURCES)
    return plan.table("部门支出总表", {"rows": rows}, total)


def general_budget_expenditure(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """一般公共预算支出表: the general budget's spending, this year's money and the carry-over."""
    rows, total = plan.by_nature_table(FISCAL_GB)
    return plan.table("一般公共预算支出表", {"rows": rows}, total)


def government_fund_expenditure(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """政府性基金预算支出表, or the table declared empty (with or without a statement)."""
    if not plan.has_gf:
        return {"empty": True, "statement": plan.gf_statement, **plan.head("政府性基金预算支出表")}
    rows, total = plan.by_nature_table(("gf",))
    return plan.table("政府性基金预算支出表", {"rows": rows}, total)


def state_capital_expenditure(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """国有资本经营预算支出表, or the table declared empty."""
    if not plan.has_sc:
        return {"empty": True, "statement": "本部门无国有资本经营预算收支"}
    rows, total = plan.by_nature_table(("sc",))
    return plan.table("国有资本经营预算支出表", {"rows": rows}, total)
