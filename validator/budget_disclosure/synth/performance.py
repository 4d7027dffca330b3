"""The performance tables: 项目支出绩效目标表 and 部门整体支出绩效目标表 (and, drawn after the narrative, the
forms some print: a department table per unit, projects with their period, sources and cost items)."""

from __future__ import annotations

from typing import Any

from .core import FEN_PER, Chooser, split
from .indicators import department_indicators, shared_indicators
from .plan import Plan


def project_performance(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """项目支出绩效目标表: one unit and its projects, each with its indicator rows."""
    fmt = plan.fmt
    projects = [
        {
            "unit_code": "900001",
            "name": p.name,
            "amount": fmt.num(p.fen),
            "goal": f"完成{p.name}年度任务。",
            "indicators": p.indicators,
        }
        for p in plan.projects
    ]
    unit = {"unit_code": "900001", "unit_name": plan.unit_name, "amount": fmt.num(plan.project_all)}
    return {
        **plan.head("项目支出绩效目标表"),
        "total_row": {"amount": fmt.num(plan.project_all)},
        "units": [{**unit, "projects": projects}],
    }


def department_performance(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """部门整体支出绩效目标表: the unit's money by source and nature, and its indicators (sometimes one
    repeated from a project)."""
    fmt = plan.fmt
    project_rows = [p.indicators for p in plan.projects] if "project_performance" in plan.tables else None
    framework = plan.form.framework(plan.year)
    own = department_indicators(ch, plan.basic_all, plan.project_all, fmt, framework)
    return {
        **plan.head("部门整体支出绩效目标表"),
        "unit_code": "900001",
        "unit_name": plan.unit_name,
        "amount": fmt.num(plan.total_all),
        "by_source": {
            "general_budget": fmt.show(plan.gb_spend),
            "government_fund": fmt.show(plan.gf_app),
            "special_account": None,
            "other": fmt.show(plan.service),
        },
        "by_nature": {"basic": fmt.show(plan.basic_all), "project": fmt.show(plan.project_all)},
        "goal": "保障单位正常运转，完成年度重点任务。",
        "indicators": own + shared_indicators(ch, project_rows),
    }


# ------------------------------------------------------------------------------------------ drawn late
def performance_forms(plan: Plan, ch: Chooser, tables: dict[str, Any]) -> None:
    """Projects that print their period, their money over it, their sources and their cost items; the
    department table as one table per unit (with or without one for the whole). Drawn after the
    narrative, so every earlier choice stays put."""
    f = plan.features
    details = ch.bool(0.5) if f.project_details is None else f.project_details
    if details and "project_performance" in tables:
        for project in (p for u in tables["project_performance"]["units"] for p in u["projects"]):
            _project_details(plan.for_table("project_performance"), ch, project)
    if "department_performance" not in tables:
        return
    if not (ch.bool(0.5) if f.unit_tables is None else f.unit_tables):
        return
    whole = tables["department_performance"]
    units = _unit_tables(plan.for_table("department_performance"), ch)
    if not (ch.bool(0.5) if f.department_whole is None else f.department_whole):
        for key in ("amount", "by_source", "by_nature", "goal", "indicators"):
            whole.pop(key, None)
    whole["units"] = units


def _project_details(plan: Plan, ch: Chooser, project: dict[str, Any]) -> None:
    """A project's period, its money over the period, its sources and its cost items."""
    fmt, step, year = plan.fmt, plan.step, plan.year
    amount = round(project["amount"] * FEN_PER[fmt.unit])  # the printed amount, exactly
    first, years = year - ch.integer(0, 2), ch.integer(0, 3)
    project["period_amount"] = fmt.num(amount * ch.integer(1, 3))
    last = max(first + years, year)  # a project funded this year runs this year
    project["period"] = {"text": f"{first}-{last}年" if last > first else "1年", "start_year": first}
    project["period"]["end_year"] = last
    superior = (amount * ch.integer(0, 100) // 100 // step) * step
    carry = ((amount - superior) * ch.integer(0, 30) // 100 // step) * step
    project["by_source"] = {
        "fiscal": fmt.show(amount - carry),
        "fiscal_superior": fmt.show(superior),
        "carryover": fmt.show(carry),
    }
    parts = split(ch, amount, ch.integer(1, 3), step)
    project["cost_items"] = [
        {"name": f"成本项{n}", "amount": fmt.num(part), "basis": "按标准测算"}
        for n, part in enumerate(parts, start=1)
        if part
    ]


def _unit_tables(plan: Plan, ch: Chooser) -> list[dict[str, Any]]:
    """The department table of each unit: the subordinate unit gets a share of the basic expenditure,
    from the general budget; the rest (and every other source) is the main unit's."""
    fmt, step = plan.fmt, plan.step
    basic, project, general = plan.basic_all, plan.project_all, plan.gb_spend
    share = (min(basic, general) * ch.integer(1, 40) // 100 // step) * step if plan.two_units else 0
    framework = plan.form.framework(plan.year)

    def table(code: str, name: str, gb: int, basic_u: int, rest: bool) -> dict[str, Any]:
        gf, other = (plan.gf_app, plan.service) if rest else (0, 0)
        project_u = project if rest else 0
        return {
            "unit_code": code,
            "unit_name": name,
            "amount": fmt.num(basic_u + project_u),
            "by_source": {
                "general_budget": fmt.show(gb),
                "government_fund": fmt.show(gf),
                "special_account": None,
                "other": fmt.show(other),
            },
            "by_nature": {"basic": fmt.show(basic_u), "project": fmt.show(project_u)},
            "goal": f"保障{name}正常运转，完成年度重点任务。",
            "indicators": department_indicators(ch, basic_u, project_u, fmt, framework),
        }

    units = [table("900001", plan.unit_name, general - share, basic - share, True)]
    if plan.two_units:
        units.append(table("900002", plan.sub_name, share, share, False))
    return units
