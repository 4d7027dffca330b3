"""The report people read: by document, then by table, each finding at its place in Chinese (or English)."""

from __future__ import annotations

from collections.abc import Iterable

import click

from .. import pointer as jp
from ..batch import DocResult
from ..findings import Finding, Severity
from ..i18n import basis_text, error_text, location_text
from .base import Reporter, Summary

__all__ = ["TextReporter"]

_COLOUR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_MARK = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}
_WORDS = {
    "zh": {
        "pass": "通过",
        "fail": "未通过",
        "unreadable": "无法读取",
        "internal": "内部错误（请报告此问题）",
        "profile": "适用规范",
        "rounding-aware": "取整感知",
        "strict": "严格比较",
        "line": "（第 {} 行）",
        "rule": "规则",
        "basis": "依据：",
        "expected": "应为 {e}，实际 {a}，相差 {d}（取整容差 ±{v}）{u}",
        "cause": "可能的根源：{loc}（{n} 项勾稽因此不成立）",
        "skipped": "未能运行的规则 {n} 条：",
        "document": "文档",
        "file": "文件",
        "narrative": "预算说明",
        "metadata": "文档信息",
        "counts": "错误 {error}，警告 {warning}，提示 {info}",
        "summary": "共 {documents} 个文档：通过 {valid}，未通过 {invalid}，无法读取 {unreadable}；{counts}。",
        "summary_internal": "{internal} 个文档校验时发生内部错误（请报告此问题）。",
        "failing": "按 --fail-on {level}：{failing} 个文档未通过。",
        "fails_on": "（有{name}，按 --fail-on {level} 不通过）",
    },
    "en": {
        "pass": "valid",
        "fail": "invalid",
        "unreadable": "unreadable",
        "internal": "internal error (please report it)",
        "profile": "profile",
        "rounding-aware": "rounding-aware",
        "strict": "strict",
        "line": " (line {})",
        "rule": "rule",
        "basis": "basis: ",
        "expected": "expected {e}, actual {a}, difference {d} (rounding envelope ±{v}) {u}",
        "cause": "likely cause: {loc} ({n} identities fail because of it)",
        "skipped": "{n} rules could not run:",
        "document": "document",
        "file": "file",
        "narrative": "narrative",
        "metadata": "metadata",
        "counts": "{error} errors, {warning} warnings, {info} info",
        "summary": "{documents} documents: {valid} valid, {invalid} invalid, {unreadable} unreadable; {counts}.",
        "summary_internal": "{internal} documents met an internal error (please report it).",
        "failing": "With --fail-on {level}: {failing} documents fail.",
        "fails_on": " (fails --fail-on {level})",
    },
}


class TextReporter(Reporter):
    def _w(self, key: str) -> str:
        return _WORDS[self.info.lang][key]

    def _out(self, text: str = "", **style: object) -> None:
        if style and self.info.color:
            text = click.style(text, **style)  # type: ignore[arg-type]
        self.stream.write(text + "\n")

    def document(self, result: DocResult) -> None:
        report = result.report
        if report is None:
            self._out(result.source, bold=True)
            error = error_text(result.error, self.info.lang)
            colon = "：" if self.info.lang == "zh" else ": "
            self._out(f"  {self._w('internal' if result.internal else 'unreadable')}{colon}{error}", fg="red")
            self._out()
            return
        counts = report.counts()
        verdict = self._w("pass") if report.valid else self._w("fail")
        level = self.info.fail_on
        # Valid (no error) and yet failing the run's threshold (--fail-on warning or info): say both.
        fails = report.valid and any(f.severity.rank >= level.rank for f in report.findings)
        if fails:
            verdict += self._w("fails_on").format(level=level.value, name=level.zh)
        self._out(f"{result.source}  {verdict}", bold=True, fg="green" if report.valid and not fails else "red")
        self._out(
            f"  {self._w('profile')} {report.profile or '—'} · {self._w(report.policy)} · "
            + self._w("counts").format(**counts)
        )
        spec = self.info.spec
        by_cause: dict[str, list[Finding]] = {}
        for f in report.findings:
            if f.cause:
                by_cause.setdefault(f.cause, []).append(f)
        rest = [f for f in report.findings if not f.cause]
        for cause, group in by_cause.items():
            self._out()
            loc = group[0].cause_location or spec.location(None, cause)
            line = result.positions.get(cause)
            where = location_text(loc, self.info.lang) + (self._w("line").format(line[0]) if line else "")
            self._out("  " + self._w("cause").format(loc=where, n=len(group)), bold=True)
            for f in group:
                self._finding(f, result, indent="    ", keep_table=True)
        for title, group in self._by_table(rest):
            self._out()
            self._out(f"  {title}", bold=True)
            for f in group:
                self._finding(f, result, indent="    ", keep_table=False)
        if report.skipped:
            self._out()
            self._out("  " + self._w("skipped").format(n=len(report.skipped)), dim=True)
            for s in report.skipped:
                self._out(f"    {s.rule}: {s.reason if self.info.lang == 'zh' else s.reason_en}", dim=True)
        self._out()

    def _by_table(self, findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
        spec = self.info.spec
        groups: dict[str, list[Finding]] = {}
        for f in findings:
            tokens = jp.parse(f.pointer)
            if len(tokens) >= 2 and tokens[0] == "tables" and tokens[1] in spec.tables:
                key = spec.tables[tokens[1]].title
            elif tokens and tokens[0] in ("narrative", "metadata"):
                key = self._w(tokens[0])
            elif f.pointer == "/tables" and f.location:
                key = f.location.split(" › ")[0]
            else:
                key = self._w("document") if tokens else self._w("file")
            groups.setdefault(key, []).append(f)
        return list(groups.items())

    def _finding(self, f: Finding, result: DocResult, *, indent: str, keep_table: bool) -> None:
        rule = self.info.spec.rules.get(f.rule)
        location = f.location
        if not keep_table and " › " in location and location.split(" › ")[0] in self._table_titles():
            location = location.split(" › ", 1)[1]
        line = result.positions.get(f.pointer) or ((f.line, f.column or 1) if f.line else None)
        where = location_text(location, self.info.lang) + (self._w("line").format(line[0]) if line else "")
        if f.cell:
            where += f"［{f.cell}］" if self.info.lang == "zh" else f" [{f.cell}]"
        label = f.severity.zh if self.info.lang == "zh" else f.severity.value
        self._out(f"{indent}{_MARK[f.severity]} {label}  {where}", fg=_COLOUR[f.severity])
        self._out(f"{indent}    {f.message if self.info.lang == 'zh' else f.message_en}")
        if f.expected is not None and f.actual is not None:
            self._out(
                f"{indent}    "
                + self._w("expected").format(e=f.expected, a=f.actual, d=f.difference, v=f.envelope, u=f.unit or ""),
                dim=True,
            )
        basis = f" · {self._w('basis')}{basis_text(rule, self.info.lang)}" if rule is not None and rule.basis else ""
        self._out(f"{indent}    {self._w('rule')} {f.rule}{basis}", dim=True)

    def _table_titles(self) -> set[str]:
        return {t.title for t in self.info.spec.tables.values()}

    def end(self, summary: Summary) -> None:
        counts = self._w("counts").format(**summary.counts)
        self._out(
            self._w("summary").format(
                counts=counts, **{k: v for k, v in summary.to_dict().items() if k not in summary.counts}
            ),
            bold=True,
        )
        if self.info.fail_on is not Severity.ERROR:  # the threshold decides the exit code, not validity
            self._out(self._w("failing").format(level=self.info.fail_on.value, failing=summary.failing), bold=True)
        if summary.internal:
            self._out(self._w("summary_internal").format(internal=summary.internal), bold=True, fg="red")
