"""Turning a rule id and the values of one occurrence into a Finding, with messages from the rule files."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .findings import Finding, Severity
from .rules.templates import render

if TYPE_CHECKING:  # the spec is only passed through: importing it would make a cycle (spec → schemacheck → emit)
    from .spec import Spec

__all__ = ["JOINERS", "emit", "join", "show"]

_MAX_SHOWN = 240
# How a message joins a list of names: the report has one language, its punctuation included.
JOINERS = {"zh": "、", "en": ", "}


def join(items: Any, lang: str) -> str:
    """Names (strings) as one list in ``lang``: ``甲、乙`` in Chinese, ``甲, 乙`` in English."""
    return JOINERS[lang].join(items)


def show(value: Any, lang: str = "zh") -> str:
    """A value as it may appear inside a message in ``lang``: exact, short, printable; a list is joined
    the way ``lang`` writes one."""
    if type(value) is str:  # the most common value: a name, a code, a table
        return _finish(value if value else '""')
    if isinstance(value, (list, tuple)):
        return _finish(join((show(v, lang) for v in value), lang))
    return _finish(_text(value))


def _show_both(value: list[Any] | tuple[Any, ...]) -> tuple[str, str]:
    """``(show(value, "zh"), show(value, "en"))`` for a list, showing each item once: only the joiners
    (of this list and of the lists inside it) differ between the languages."""
    zh: list[str] = []
    en: list[str] = []
    for item in value:
        if isinstance(item, (list, tuple)):
            a, b = _show_both(item)
        else:
            a = b = show(item)
        zh.append(a)
        en.append(b)
    return _finish(join(zh, "zh")), _finish(join(en, "en"))


def _text(value: Any) -> str:
    """A scalar as message text, before it is made printable and short."""
    if isinstance(value, Decimal):
        # Positional notation only where it is short: 1E+999999999 written out would be a gigabyte.
        exponent = value.as_tuple().exponent
        wide = isinstance(exponent, int) and not -_MAX_SHOWN < exponent < _MAX_SHOWN
        return str(value) if wide else format(value, "f")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value else '""'
    return str(value)


def _finish(text: str) -> str:
    """Text made printable (a lone surrogate as its escape) and at most ``_MAX_SHOWN`` characters."""
    if not text.isascii():  # ASCII text encodes as it is
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return text


def emit(
    spec: Spec,
    document: Any,
    rule_id: str,
    pointer: str,
    values: Mapping[str, Any] | None = None,
    *,
    severity: Severity | None = None,
    location: str | None = None,
    **extra: Any,
) -> Finding:
    """Build the finding of ``rule_id`` at ``pointer``; ``values`` fill the message placeholders."""
    rule = spec.rule(rule_id)
    given = values or {}
    shown: dict[str, str] = {}
    shown_en: dict[str, str] = {}
    for k, v in given.items():
        # Only a list reads differently in English; every other value is shown once for both messages.
        if isinstance(v, (list, tuple)):
            shown[k], shown_en[k] = _show_both(v)
        else:
            shown[k] = shown_en[k] = show(v)
    return Finding(
        rule=rule.id,
        severity=severity or rule.severity,
        pointer=pointer,
        location=location if location is not None else spec.location(document, pointer),
        message=render(rule.message, shown),
        message_en=render(rule.message_en, shown_en),
        **extra,
    )
