"""Tables of the general budget's basic money by economic classification: 一般公共预算基本支出表 and
一般公共预算“三公”经费支出表."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .codes import CLASS_NAMES
from .core import Chooser, Fmt
from .plan import Plan


def basic_expenditure(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """一般公共预算基本支出表: 类 rows with their 款 items; 301 and 303 are 人员经费, the rest 公用经费."""
    fmt, basic = plan.fmt, plan.basic
    col_precision = basic.col_precision
    classes: dict[str, int] = {}
    for code, amt in basic.items.items():
        if amt:
            classes[code[:3]] = classes.get(code[:3], 0) + amt

    def row(code: str, name: str, amount: int) -> dict[str, Any]:
        pers = code[:3] in ("301", "303")
        return {
            "code": code,
            "name": name,
            "total": fmt.num(amount),
            "personnel": fmt.num(amount, col_precision.get("personnel")) if pers else None,
            "public": None if pers else fmt.num(amount, col_precision.get("public")),
        }

    rows = []
    for cls in sorted(classes):
        rows.append(row(cls, CLASS_NAMES[cls], classes[cls]))
        rows.extend(
            row(code, basic.names[code], basic.items[code])
            for code in sorted(c for c in basic.items if c.startswith(cls) and basic.items[c])
        )
    total = {
        "total": fmt.num(plan.gb_basic),
        "personnel": fmt.show(basic.personnel, col_precision.get("personnel")),
        "public": fmt.show(basic.public, col_precision.get("public")),
    }
    table = plan.table("一般公共预算基本支出表", {"rows": rows}, total)
    if col_precision:
        table["amounts"] = {"columns": col_precision}
    return table


def three_public_line(fmt: Fmt, v: Mapping[str, int]) -> dict[str, Any]:
    """One line of 三公 figures printed from exact amounts: the subtotal and the vehicles computed, then shown."""
    vehicles = v["vehicle_purchase"] + v["vehicle_operation"]
    return {
        "subtotal": fmt.show(v["reception"] + v["overseas_travel"] + vehicles),
        "reception": fmt.show(v["reception"]),
        "overseas_travel": fmt.show(v["overseas_travel"]),
        "vehicles": fmt.show(vehicles),
        "vehicle_purchase": fmt.show(v["vehicle_purchase"]),
        "vehicle_operation": fmt.show(v["vehicle_operation"]),
    }


def three_public_expenses(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """一般公共预算“三公”经费支出表: one row per unit (the second unit's share split off)."""
    fmt, three = plan.fmt, plan.three_public

    def line(v: Mapping[str, int]) -> dict[str, Any]:
        return three_public_line(fmt, v)

    total = three.total
    if three.share is not None:
        share = three.share
        rows = [
            {"name": plan.unit_name, **line({k: total[k] - share[k] for k in total})},
            {"name": plan.sub_name, **line(share)},
        ]
    else:
        rows = [{"name": plan.unit_name, **line(total)}]
    return plan.table("一般公共预算“三公”经费支出表", {"rows": rows}, line(total))
