"""Performance indicator rows: a project's (drawn with the plan), the department's (drawn by the
department table's builder), and the rows a department table repeats from a project. Rows are drawn in the
post-2021 framework (成本指标 a first level of its own) and then placed in the framework the profile uses
in the document's year: a framework whose cost indicators are a second level (成本指标 under 产出指标,
the pre-2021 one) gets them there."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .codes import BENEFIT, QUALITY, QUANTITY, SATISFACTION, SCORING, TIMELY
from .core import Chooser, Fmt

if TYPE_CHECKING:
    from ..codelists import Framework

COST = "成本指标"


def _indicator(
    level1: str, level2: str, level3: str, value: str, vtype: str, unit: str, content: str = "按年度计划执行"
) -> dict[str, Any]:
    return {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "value": value,
        "value_content": content,
        "scoring": SCORING,
        "unit": unit,
        "value_type": vtype,
        "remark": None,
    }


def _blank_social_cost() -> dict[str, Any]:
    """The 社会成本指标 row a form prints with nothing in it."""
    row = dict.fromkeys(("level1", "level2", "level3", "value", "value_content", "scoring", "unit", "value_type"))
    return {**row, "level1": COST, "level2": "社会成本指标", "remark": None}


def project_indicators(
    ch: Chooser, fen: int, indicators: int = 0, framework: Framework | None = None
) -> list[dict[str, Any]]:
    """A project's indicator rows; ``indicators`` is a minimum count (a large project)."""
    wan = Decimal(fen) / 1_000_000
    cost = (wan * Decimal(ch.integer(50, 100)) / 100).quantize(Decimal("0.01"), rounding="ROUND_FLOOR")
    rows = [_indicator(COST, "经济成本指标", "项目总成本", format(cost, "f"), "≤", "万元")]
    if ch.bool(0.5):
        rows.append(_blank_social_cost())
    qname, qunit = ch.choice(QUANTITY)
    rows.append(_indicator("产出指标", "数量指标", qname, str(ch.integer(1, 50)), ch.choice(["≥", "="]), qunit))
    if ch.bool(0.7):
        lname, lunit = ch.choice(QUALITY)
        rows.append(_indicator("产出指标", "质量指标", lname, str(ch.integer(80, 100)), "≥", lunit))
    if ch.bool(0.7):
        tname, tunit = ch.choice(TIMELY)
        rows.append(_indicator("产出指标", "时效指标", tname, str(ch.integer(1, 12)), "≤", tunit))
    level2, bname, word = ch.choice(BENEFIT)
    rows.append(_indicator("效益指标", level2, bname, word, "定性", ch.choice(["-", None]) or "-"))
    satisfaction, score = ch.choice(SATISFACTION), str(ch.integer(80, 99))
    rows.append(_indicator("满意度指标", "服务对象满意度指标", satisfaction, score, ch.choice(["≥", ">"]), "%"))
    for number in range(1, indicators - len(rows) + 1):  # a large project: more output indicators
        qname, qunit = QUANTITY[number % len(QUANTITY)]
        rows.insert(
            -2, _indicator("产出指标", "数量指标", f"{qname}（第{number}项任务）", str(ch.integer(1, 50)), "≥", qunit)
        )
    return in_framework(rows, framework)


def in_framework(rows: list[dict[str, Any]], framework: Framework | None) -> list[dict[str, Any]]:
    """The rows placed in ``framework``: where cost is a second level under another first level, each cost
    row moves there (its own second level becomes 成本指标) and a blank cost row is left out."""
    if framework is None or COST in framework.level1:
        return rows
    parent = next((name for name, level2 in framework.level1.items() if COST in level2), None)
    if parent is None:
        return [r for r in rows if r["level1"] != COST]
    return [
        {**r, "level1": parent, "level2": COST} if r["level1"] == COST else r
        for r in rows
        if r["level1"] != COST or r["level3"] is not None
    ]


def department_indicators(
    ch: Chooser, basic: int, project: int, fmt: Fmt, framework: Framework | None = None
) -> list[dict[str, Any]]:
    def row(level1: str, level2: str, level3: str, vtype: str, value: str, unit: str) -> dict[str, Any]:
        return {
            "level1": level1,
            "level2": level2,
            "level3": level3,
            "value_type": vtype,
            "value": value,
            "unit": unit,
            "explanation": "年度目标",
            "scoring": SCORING,
            "remark": "10",
        }

    # The cost targets are the budget's own basic and project expenditure, as the table prints them
    # (indicators.department-cost-basic/-project hold them to by_nature).
    rows = [row(COST, "经济成本指标", "基本支出", "≤", format(fmt.num(basic), "f"), fmt.unit)]
    if project:
        rows.append(row(COST, "经济成本指标", "项目支出", "≤", format(fmt.num(project), "f"), fmt.unit))
    rows.append(row("产出指标", "数量指标", "完成重点任务数", "≥", str(ch.integer(1, 20)), "项"))
    rows.append(row("产出指标", "质量指标", "任务完成合格率", "≥", str(ch.integer(85, 100)), "%"))
    rows.append(row("效益指标", "社会效益指标", "公共服务能力", "定性", ch.choice(["提升", "增强"]), "-"))
    rows.append(row("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", str(ch.integer(80, 99)), "%"))
    return in_framework(rows, framework)


def shared_indicators(ch: Chooser, project_rows: Sequence[Sequence[dict[str, Any]]] | None) -> list[dict[str, Any]]:
    """Sometimes the department table repeats a project's output indicator, stated alike (as
    indicators.department-matches-project requires), with the department table's columns.
    ``project_rows``: each project's indicator rows, None when the document has no project table."""
    if project_rows is None or not ch.bool(0.6):
        return []
    outputs = [i for rows in project_rows for i in rows if i["level1"] == "产出指标" and i["level3"]]
    if not outputs:
        return []
    names = [i["level3"] for i in outputs]
    unique = [i for i in outputs if names.count(i["level3"]) == 1]
    if not unique:
        return []
    shared = dict(unique[ch.integer(0, len(unique) - 1)])
    content = shared.pop("value_content", None)
    return [{**shared, "explanation": content or "年度目标"}]
