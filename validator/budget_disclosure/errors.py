"""Exceptions for the two failure channels that are not findings: bad usage/input I/O and a bad spec."""

from __future__ import annotations

__all__ = ["BudgetDisclosureError", "InputError", "SpecError"]


class BudgetDisclosureError(Exception):
    """Base class of the package's exceptions."""


class InputError(BudgetDisclosureError):
    """The input could not be read at all (missing file, unreadable file, unsupported source type).

    Problems *inside* a readable document are findings, not exceptions.
    """


class SpecError(BudgetDisclosureError):
    """The spec files (schemas, rules, code lists) are broken: names the file, the rule and what is wrong."""

    def __init__(
        self, message: str, *, file: str | None = None, line: int | None = None, rule: str | None = None
    ) -> None:
        self.file = file
        self.line = line
        self.rule = rule
        where = []
        if file:
            where.append(file if line is None else f"{file}:{line}")
        if rule:
            where.append(f"rule {rule}")
        super().__init__(f"{': '.join(where)}: {message}" if where else message)
