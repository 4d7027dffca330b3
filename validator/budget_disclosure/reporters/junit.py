"""JUnit XML for CI systems: a test suite per document, a test case per rule that ran or fired there.

A rule fails its test case when it has findings at or above ``--fail-on``; findings below it are written
as system-out. Rules that could not run are skipped test cases; an unreadable document is an error.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..batch import DocResult
from ..findings import Finding
from ..i18n import error_text, location_text
from .base import Reporter, Summary

__all__ = ["JunitReporter"]


class JunitReporter(Reporter):
    def begin(self) -> None:
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="budget-disclosure">\n')

    def _text(self, f: Finding) -> str:
        message = f.message if self.info.lang == "zh" else f.message_en
        zh = self.info.lang == "zh"
        extra = ""
        if f.expected is not None:
            extra = (
                f"（应为 {f.expected}，实际 {f.actual}，相差 {f.difference}{f.unit or ''}）"
                if zh
                else f" (expected {f.expected}, actual {f.actual}, difference {f.difference} {f.unit or ''})"
            )
        severity = f.severity.zh if zh else f.severity.value
        location = location_text(f.location, self.info.lang)
        return f"[{severity}] {location} ({f.pointer}): {message}{extra}"

    def document(self, result: DocResult) -> None:
        name = quoteattr(result.source)
        report = result.report
        if report is None:
            kind = "internal" if result.internal else "input"
            self.stream.write(
                f'  <testsuite name={name} tests="1" failures="0" errors="1" skipped="0">\n'
                f'    <testcase classname={name} name="{kind}">\n'
                f'      <error message={quoteattr(error_text(result.error, self.info.lang))} type="{kind}"/>\n'
                "    </testcase>\n  </testsuite>\n"
            )
            return
        by_rule: dict[str, list[Finding]] = {}
        for f in report.findings:
            by_rule.setdefault(f.rule, []).append(f)
        rules = sorted(set(by_rule) | set(report.applied))
        skipped = {s.rule: s for s in report.skipped}
        failing = {r for r, fs in by_rule.items() if any(f.severity.rank >= self.info.fail_on.rank for f in fs)}
        total = len(rules) + len(skipped)
        self.stream.write(
            f'  <testsuite name={name} tests="{total}" failures="{len(failing)}" errors="0" skipped="{len(skipped)}">\n'
        )
        for rule in rules:
            findings = by_rule.get(rule, [])
            self.stream.write(f"    <testcase classname={name} name={quoteattr(rule)}")
            if not findings:
                self.stream.write("/>\n")
                continue
            self.stream.write(">\n")
            body = escape("\n".join(self._text(f) for f in findings))
            if rule in failing:
                first = findings[0].message if self.info.lang == "zh" else findings[0].message_en
                self.stream.write(
                    f"      <failure message={quoteattr(first)} type={quoteattr(findings[0].severity.value)}>"
                    f"{body}</failure>\n"
                )
            else:
                self.stream.write(f"      <system-out>{body}</system-out>\n")
            self.stream.write("    </testcase>\n")
        for rule, s in sorted(skipped.items()):
            reason = s.reason if self.info.lang == "zh" else s.reason_en
            self.stream.write(
                f"    <testcase classname={name} name={quoteattr(rule)}>"
                f"<skipped message={quoteattr(reason)}/></testcase>\n"
            )
        self.stream.write("  </testsuite>\n")

    def end(self, summary: Summary) -> None:
        self.stream.write("</testsuites>\n")
