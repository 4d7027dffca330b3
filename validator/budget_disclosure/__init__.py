"""budget-disclosure: the open specification and validator for Chinese department budget disclosures.

    >>> from budget_disclosure import validate
    >>> report = validate("examples/hunan-changsha/changsha-enterprise-service-center-2024.json")
    >>> report.valid, len(report.findings)

Heavy modules load on first use, so importing the package (and starting the CLI) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .api import validate
    from .errors import BudgetDisclosureError, InputError, SpecError
    from .findings import Finding, Report, Severity, Skipped
    from .reader import Limits
    from .spec import Spec, get_spec

__all__ = [
    "BudgetDisclosureError",
    "Finding",
    "InputError",
    "Limits",
    "Report",
    "Severity",
    "Skipped",
    "Spec",
    "SpecError",
    "__version__",
    "get_spec",
    "validate",
]

_LAZY = {
    "validate": "api",
    "Finding": "findings",
    "Report": "findings",
    "Severity": "findings",
    "Skipped": "findings",
    "BudgetDisclosureError": "errors",
    "InputError": "errors",
    "SpecError": "errors",
    "Limits": "reader",
    "Spec": "spec",
    "get_spec": "spec",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'budget_disclosure' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
