"""The library entry point: ``validate(source) -> Report``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from .findings import Report
from .reader import Limits
from .rules import DEFAULT_ENGINE
from .spec import Spec
from .validation import Selector, validate_source

__all__ = ["Selector", "validate"]


def validate(
    source: Any,
    *,
    profile: str | None = None,
    strict_arithmetic: bool = False,
    name: str | None = None,
    limits: Limits | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    spec: Spec | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate one disclosure and return its report.

    ``source`` is a parsed document (a dict), a path, bytes, a binary file object or JSON text; a path
    ending in ``.xlsx`` is read as an Excel workbook (``budget_disclosure.workbook``), and each finding
    then names its ``cell``.
    ``profile`` overrides the profile the document names. ``strict_arithmetic`` compares amounts
    exactly instead of within their rounding envelopes. ``select``/``ignore`` filter rule ids or
    groups (a ``ValueError`` names an unknown one; input and schema findings are always reported).
    ``engine`` is ``"compiled"`` (the default) or ``"interpreter"``, the reference semantics; both give the
    same report byte for byte (``rules/engines.py``).
    Problems in the document are findings; a missing or unreadable file raises ``InputError``; a broken
    spec raises ``SpecError``.
    """
    if isinstance(source, (str, PurePath)) and str(source).lower().endswith((".xlsx", ".xlsm", ".xls")):
        from .workbook import validate_workbook  # an Excel workbook: read into the document, cells kept

        options = {"profile": profile, "strict_arithmetic": strict_arithmetic, "limits": limits, "engine": engine}
        return validate_workbook(str(source), spec=spec, name=name, select=select, ignore=ignore, **options)
    return validate_source(
        source,
        profile=profile,
        strict_arithmetic=strict_arithmetic,
        name=name,
        limits=limits,
        select=select,
        ignore=ignore,
        spec=spec,
        engine=engine,
    )
