"""Reporters: one class per output format, in one registry. Each writes to the stream it is given, one
document at a time, so a batch of any size streams out without being held in memory."""

from __future__ import annotations

from .base import Reporter, RunInfo, Summary
from .html import HtmlReporter, to_html
from .json_report import JsonReporter
from .junit import JunitReporter
from .sarif import SarifReporter
from .text import TextReporter

__all__ = ["REPORTERS", "Reporter", "RunInfo", "Summary", "to_html"]

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
    "html": HtmlReporter,
}
