"""Excel workbooks in and out: a disclosure as a fillable workbook, and a workbook back as the
canonical JSON with the cell of every value (see ``layout.py`` for the layout)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..findings import Finding, Report
from ..spec import Spec, get_spec
from .read import Intake, Problem, read_sheets
from .template import blank_document
from .write import write_document
from .xlsx import WorkbookError, read_workbook

__all__ = [
    "SUFFIXES",
    "Intake",
    "Problem",
    "WorkbookError",
    "is_workbook",
    "read_intake",
    "save_document",
    "save_template",
    "validate_workbook",
]

SUFFIXES = (".xlsx", ".xlsm", ".xls")


def is_workbook(path: str | Path) -> bool:
    return str(path).lower().endswith(SUFFIXES)


def read_intake(path: str | Path, spec: Spec | None = None) -> Intake:
    """The document a workbook holds, the cell of each value, and what could not be read."""
    spec = spec or get_spec()
    try:
        sheets = read_workbook(str(path))
    except FileNotFoundError:
        raise WorkbookError(f"{path}: no such file") from None
    except OSError as exc:
        raise WorkbookError(f"{path}: cannot read ({exc.strerror or exc})") from None
    intake = read_sheets(spec, sheets)
    if not intake.document:
        raise WorkbookError(f"{path}: the workbook holds no sheet of a disclosure (no 文档信息 sheet, no table)")
    return intake


def save_document(document: dict[str, Any], path: str | Path, spec: Spec | None = None) -> None:
    write_document(spec or get_spec(), document).save(str(path))


def save_template(profile: str, path: str | Path, year: int | None = None, spec: Spec | None = None) -> None:
    spec = spec or get_spec()
    document = blank_document(spec, profile, year)
    write_document(spec, document, template=True).save(str(path))


def validate_workbook(path: str | Path, *, spec: Spec | None = None, **options: Any) -> Report:
    """Validate a workbook: the workbook's own problems (``input.workbook-*``) and the findings of its
    document, each with the cell it points at."""
    from ..validation import validate_source as validate

    spec = spec or get_spec()
    intake = read_intake(path, spec)
    report = validate(intake.document, spec=spec, name=options.pop("name", None) or str(path), **options)
    own = _problem_findings(spec, intake.problems)
    findings = [*own, *(with_cell(f, intake) for f in report.findings)]
    return replace(report, findings=tuple(findings))


def with_cell(finding: Finding, intake: Intake) -> Finding:
    return replace(finding, cell=intake.cell_of(finding.pointer))


def _problem_findings(spec: Spec, problems: Iterable[Problem]) -> list[Finding]:
    from ..emit import emit

    out = []
    for p in problems:
        rule = "input.workbook-formula" if p.kind == "formula" else "input.workbook-layout"
        values = {"cell": p.cell, "detail": p.message, "detail_en": p.message_en}
        out.append(replace(emit(spec, None, rule, "", values, location=p.cell), cell=p.cell))
    return out
