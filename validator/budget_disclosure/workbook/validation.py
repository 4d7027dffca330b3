"""Drop-down lists of a workbook: 指标值类型, and the 一级/二级 indicators of the profile's framework."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..spec import Spec

__all__ = ["LISTS_SHEET", "VALUE_TYPES", "add_validations"]

LISTS_SHEET = "选项"
VALUE_TYPES = ("≥", "≤", "=", ">", "<", "定性")
_FILL_ROWS = 200  # rows below each header that take the list (the form may be extended further down)


def _lists(spec: Spec, document: Mapping[str, Any]) -> dict[str, list[str]]:
    out = {"指标值类型": list(VALUE_TYPES)}
    profile = document.get("profile")
    metadata = document.get("metadata")
    year = metadata.get("fiscal_year") if isinstance(metadata, Mapping) else None
    framework = spec.framework_for(profile, year) if isinstance(profile, str) and profile in spec.profiles else None
    if framework is not None:
        out["一级指标"] = list(framework.level1)
        out["二级指标"] = sorted({name for names in framework.level1.values() for name in names})
    return out


def add_validations(spec: Spec, wb: Workbook, document: Mapping[str, Any]) -> None:
    """A hidden sheet ``选项`` holds the lists; every column headed by one of them takes its list."""
    lists = _lists(spec, document)
    holder = wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for col, (title, values) in enumerate(lists.items(), 1):
        holder.cell(row=1, column=col, value=title)
        for i, v in enumerate(values, 2):
            holder.cell(row=i, column=col, value=v)
        letter = holder.cell(row=1, column=col).column_letter
        ranges[title] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    holder.sheet_state = "hidden"
    for ws in wb.worksheets:
        if ws is holder:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in ranges and cell.font.bold:
                    dv = DataValidation(type="list", formula1=ranges[cell.value], allow_blank=True)
                    dv.error = f"请从列表中选择{cell.value}"
                    dv.showErrorMessage = False  # a value outside the list is the rules' finding, not refused
                    ws.add_data_validation(dv)
                    letter = cell.column_letter
                    dv.add(f"{letter}{cell.row + 1}:{letter}{cell.row + _FILL_ROWS}")
