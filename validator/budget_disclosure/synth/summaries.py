"""The two overview tables: 部门收支总表 and 财政拨款收支总表."""

from __future__ import annotations

from typing import Any

from .codes import FISCAL_GB
from .core import Chooser
from .plan import Plan, amount_of


def summary(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """部门收支总表: income by source, expenditure by nature (Hunan) or by function class (MoF)."""
    fmt = plan.fmt
    gb_app, gf_app, sc_app = plan.gb_app, plan.gf_app, plan.sc_app
    income: dict[str, Any]
    if plan.layout == "nature":
        income = {"fiscal_appropriation": fmt.show(gb_app + gf_app + sc_app)}
    else:
        income = {
            "general_budget_appropriation": fmt.show(gb_app),
            "government_fund_appropriation": fmt.show(gf_app),
            "state_capital_appropriation": fmt.show(sc_app),
        }
    income.update(
        {
            "service_income": fmt.show(plan.service),
            "other_income": None,
            "current_year_total": fmt.num(gb_app + gf_app + sc_app + plan.service),
            "prior_year_carryover": fmt.show(plan.carry),
            "grand_total": fmt.num(plan.total_all),
        }
    )
    expenditure: dict[str, Any]
    if plan.layout == "nature":
        expenditure = {
            "basic": fmt.show(plan.basic_all),
            "project": fmt.show(plan.project_all),
            "business_operation": None,
        }
    else:
        classes: dict[tuple[str, str], int] = {}
        for (code, _, _, lei), v in plan.leaves.items():
            classes[(code[:3], lei)] = classes.get((code[:3], lei), 0) + sum(sum(x) for x in v.values())
        expenditure = {
            "by_function": [{"code": c, "name": n, "amount": fmt.num(a)} for (c, n), a in sorted(classes.items())]
        }
    expenditure.update(
        {
            "current_year_total": fmt.num(plan.total_all),
            "surplus_distribution": None,
            "carry_forward": None,
            "grand_total": fmt.num(plan.total_all),
        }
    )
    return {**plan.head("部门收支总表"), "income": income, "expenditure": expenditure}


def fiscal_summary(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """财政拨款收支总表: fiscal money by fund, and its spending by function class (some classes blank)."""
    fmt = plan.fmt
    zero = {"general_budget": 0, "government_fund": 0, "state_capital": 0}
    classes: dict[tuple[str, str], dict[str, int]] = {}
    for (code, _, _, lei), v in plan.leaves.items():
        acc = classes.setdefault((code[:3], lei), dict(zero))
        acc["general_budget"] += amount_of(v, FISCAL_GB)
        acc["government_fund"] += amount_of(v, ("gf",))
        acc["state_capital"] += amount_of(v, ("sc",))
    for code, name in plan.fiscal_blank_classes:
        classes.setdefault((code, name), dict(zero))
    rows = [
        {
            "code": code,
            "name": name,
            "total": fmt.show(sum(by_fund.values())),
            **{k: fmt.show(x) for k, x in by_fund.items()},
        }
        for (code, name), by_fund in sorted(classes.items())
    ]
    gb_app, gf_app, sc_app, carry = plan.gb_app, plan.gf_app, plan.sc_app, plan.carry
    gb_spend = plan.gb_spend

    def fund_line(gb: int, gf: int, sc: int) -> dict[str, Any]:
        return {
            "total": fmt.num(gb + gf + sc),
            "general_budget": fmt.show(gb),
            "government_fund": fmt.show(gf),
            "state_capital": fmt.show(sc),
        }

    fiscal: dict[str, Any] = {
        **plan.head("财政拨款收支总表"),
        "income": {
            "current_year": fmt.num(gb_app + gf_app + sc_app),
            "general_budget": fmt.show(gb_app),
            "government_fund": fmt.show(gf_app),
            "state_capital": fmt.show(sc_app),
            "prior_year_carryover": fmt.show(carry),
            "grand_total": fmt.num(gb_spend + gf_app + sc_app),
        },
        "expenditure": {
            "current_year": fund_line(gb_spend, gf_app, sc_app),
            "rows": rows,
            "carry_forward": {"total": None, "general_budget": None, "government_fund": None, "state_capital": None},
            "grand_total": fund_line(gb_spend, gf_app, sc_app),
        },
    }
    if plan.fiscal_carry_line:
        fiscal["income"]["prior_year_carryover_general_budget"] = fmt.show(carry)
    return fiscal
