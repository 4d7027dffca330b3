"""The visual report: one self-contained HTML file (inline style and script, no network) showing each
document's tables as published, its findings marked on their cells, and filters by severity, table and rule.

``to_html(report, document)`` renders one document; ``HtmlReporter`` streams a batch, one section per
document. The same input gives the same bytes: nothing depends on the time, the machine or a random id.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ..batch import DocResult
from ..errors import InputError
from ..findings import Report
from ..reader import read
from ..spec import Spec, get_spec
from .base import Reporter, Summary
from .html_assets import WORDS, asset
from .html_render import Page, esc

__all__ = ["HtmlReporter", "to_html"]


def page_head(lang: str) -> str:
    words = WORDS[lang]
    return (
        f'<!DOCTYPE html>\n<html lang="{words["html_lang"]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        '<link rel="icon" href="data:,">\n'
        f"<title>{esc(words['page_title'])}</title>\n<style>{asset('report.css')}</style>\n</head>\n<body>\n"
    )


def page_tail(lang: str, spec: Spec, engine_version: str) -> str:
    foot = esc(WORDS[lang]["generated"].format(v=engine_version, s=spec.version))
    return f'<p class="foot">{foot}</p>\n<script>{asset("report.js")}</script>\n</body>\n</html>\n'


def to_html(
    report: Report | None,
    document: Any,
    *,
    lang: str = "zh",
    source: str | None = None,
    spec: Spec | None = None,
    error: str | None = None,
) -> str:
    """The HTML report of one document: ``report`` from :func:`budget_disclosure.api.validate` and the
    parsed ``document`` (``None`` when it could not be read: the findings are listed without tables)."""
    if lang not in WORDS:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(WORDS)}")
    spec = spec or get_spec()
    name = source or (report.source if report is not None and report.source else "") or "-"
    page = Page(spec, report, document if isinstance(document, dict) else None, lang, "d1-", name, error)
    return page_head(lang) + page.render() + page_tail(lang, spec, __version__)


class HtmlReporter(Reporter):
    """A batch as one page: a section per document, in input order, then the run's summary."""

    def begin(self) -> None:
        self._n = 0
        self.stream.write(page_head(self.info.lang))

    def document(self, result: DocResult) -> None:
        self._n += 1
        page = Page(
            self.info.spec,
            result.report,
            self._document(result),
            self.info.lang,
            f"d{self._n}-",
            result.source,
            result.error,
            result.internal,
        )
        self.stream.write(page.render())

    def _document(self, result: DocResult) -> dict[str, Any] | None:
        """The document again, to draw its tables (the batch keeps only reports): read with the run's
        limits, so what could not be validated is not drawn either."""
        job = result.job
        source = job.path if job.path is not None else job.data
        if result.report is None or job.oversize or source is None:
            return None
        if any(f.rule.startswith("input.") for f in result.report.findings):
            return None
        try:
            if isinstance(source, str) and source.lower().endswith((".xlsx", ".xlsm")):
                from ..workbook import read_intake  # a workbook: the document it holds, as validated

                return read_intake(source).document
            read_back = read(source, name=job.source, limits=self.info.options.limits)
        except InputError:  # gone or changed since it was validated: the findings are still listed
            return None
        return read_back.document if not read_back.problems and isinstance(read_back.document, dict) else None

    def end(self, summary: Summary) -> None:
        if summary.documents != 1:
            text = WORDS[self.info.lang]["run_summary"].format(**summary.to_dict())
            self.stream.write(f'<p class="runsum">{esc(text)}</p>\n')
        self.stream.write(page_tail(self.info.lang, self.info.spec, self.info.engine_version or __version__))
