"""The ``convert`` and ``template`` commands: files in, files out, a clear message instead of a traceback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from ..errors import InputError

__all__ = ["convert_file", "dumps", "write_template"]

_OK, _FINDINGS, _USAGE = 0, 1, 2


def dumps(value: Any, indent: str = "  ", level: int = 0) -> str:
    """JSON text with exact decimals (``9.00`` stays ``9.00``), two-space indented, keys in order."""
    import json

    pad, inner = indent * level, indent * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(v, indent, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps(v, indent, level + 1) for v in value) + "\n" + pad + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def _fail(message: str) -> int:
    click.echo(f"budget-disclosure: {message}", err=True)
    return _USAGE


def convert_file(source: str, output: str, cells: str | None) -> int:
    from . import is_workbook, read_intake, save_document

    src_book, out_book = is_workbook(source), is_workbook(output)
    if src_book == out_book:
        return _fail("convert goes from .json to .xlsx or from .xlsx to .json; give one of each")
    if out_book and not output.lower().endswith(".xlsx"):
        return _fail("a workbook is written as .xlsx")
    try:
        if out_book:
            return _to_workbook(source, output, save_document)
        intake = read_intake(source)
    except InputError as exc:
        return _fail(str(exc))
    try:
        Path(output).write_text(dumps(intake.document) + "\n", encoding="utf-8")
        if cells:
            Path(cells).write_text(dumps(intake.cells) + "\n", encoding="utf-8")
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    for p in intake.problems:
        click.echo(f"{p.cell}: {p.message}", err=True)
    return _FINDINGS if intake.problems else _OK


def _to_workbook(source: str, output: str, save: Any) -> int:
    from ..reader import read

    result = read(Path(source))
    if result.problems:
        first = result.problems[0]
        where = f" at line {first.line}" if first.line else ""
        return _fail(f"{source}: cannot be read as one JSON document ({first.rule}{where})")
    if not isinstance(result.document, dict):
        return _fail(f"{source}: not a disclosure (the top level is not an object)")
    try:
        save(result.document, output)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    return _OK


def write_template(profile: str, year: int | None, output: str) -> int:
    from . import save_template

    try:
        save_template(profile, output, year)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"wrote the {profile} form to {output}")
    return _OK
