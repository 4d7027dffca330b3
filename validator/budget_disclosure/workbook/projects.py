"""项目支出绩效目标表 as the forms print it: one grid of units, their projects and each project's
indicators::

    单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标 | 绩效指标 (一级指标 | 二级指标 | … | 备注)
    合计     |                  | 1311.67  |
    501009   | 长沙市企业服务中心 | 1311.67  |                                  ← a unit: no goal, no indicator
    501009   | …工作经费        | 184.00   | 为履行… | 成本指标 | 经济成本指标 | …  ← a project and its first indicator
             |                  |          |         | 成本指标 | 社会成本指标 | …  ← its next indicators

A row is a unit, a project or a further indicator by what it holds, so the writer takes this layout only
for a table it reads back exactly (every unit named, every project named and with a goal or an
indicator, no indicator wholly blank, no key the grid has no column for); any other table is written as
lines, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .layout import Node

__all__ = ["HEAD", "NAME_HEAD", "PROJECT_KEYS", "UNIT_KEYS", "fits", "indicator_node", "labels"]

NAME_HEAD = "单位（项目）名称"
UNIT_KEYS = ("unit_code", "unit_name", "amount")
PROJECT_KEYS = ("unit_code", "name", "amount", "goal")
#: The four leading columns: 单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标.
HEAD = ("单位编码", NAME_HEAD, "资金总额", "绩效目标")


def labels(node: Node) -> list[str]:
    """The titles of ``units › projects › indicators`` (单位 › 项目 › 绩效指标)."""
    out = []
    here: Node | None = node
    for key in ("units", "projects", "indicators"):
        sub = here.properties().get(key) if here is not None else None
        out.append(sub.title if sub is not None and sub.title else key)
        here = sub.items() if sub is not None else None
    return out


def indicator_node(node: Node) -> Node | None:
    """The indicator records of a 项目支出绩效目标表 (``units › projects › indicators``), else None."""
    units = node.properties().get("units")
    unit = units.items() if units is not None else None
    projects = unit.properties().get("projects") if unit is not None else None
    project = projects.items() if projects is not None else None
    indicators = project.properties().get("indicators") if project is not None else None
    if indicators is None or "goal" not in (project.properties() if project is not None else {}):
        return None
    return indicators.items()


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def fits(table: Mapping[str, Any], node: Node, columns: Sequence[str]) -> bool:
    """Whether the table reads back exactly from the grid with these indicator columns."""
    if indicator_node(node) is None or not isinstance(table.get("units"), list):
        return False
    total = table.get("total_row", {})
    if not isinstance(total, Mapping) or set(total) - {"amount"} or isinstance(total.get("amount"), Mapping | list):
        return False
    for unit in table["units"]:
        if not isinstance(unit, Mapping) or set(unit) - {*UNIT_KEYS, "projects"} or "projects" not in unit:
            return False
        if not (_text(unit.get("unit_name")) or _text(unit.get("unit_code"))) or not isinstance(unit["projects"], list):
            return False
        if unit.get("unit_code") == "合计":
            return False  # it would read back as the 合计 row
        if any(isinstance(unit.get(k), Mapping | list) for k in UNIT_KEYS):
            return False
        for project in unit["projects"]:
            if not _project_fits(project, columns):
                return False
    return True


def _project_fits(project: Any, columns: Sequence[str]) -> bool:
    if not isinstance(project, Mapping) or set(project) - {*PROJECT_KEYS, "indicators"}:
        return False
    if any(isinstance(project.get(k), Mapping | list) for k in PROJECT_KEYS) or not _text(project.get("name")):
        return False
    indicators = project.get("indicators", [])
    if "indicators" not in project or not isinstance(indicators, list):
        return False
    if not _text(project.get("goal")) and not indicators:
        return False  # it would read back as a unit
    for indicator in indicators:
        if not isinstance(indicator, Mapping) or set(indicator) - set(columns):
            return False
        if any(isinstance(v, Mapping | list) for v in indicator.values()):
            return False
        if len(indicator) == len(columns) and all(v is None for v in indicator.values()):
            return False  # a wholly blank row ends the grid
    return True
