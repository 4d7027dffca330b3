"""SARIF 2.1.0 for code-scanning views: one run, every catalogue rule in the driver, one result per finding."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..batch import DocResult
from ..findings import Finding
from ..i18n import basis_text, error_text, location_text
from .base import Reporter, Summary

__all__ = ["SarifReporter"]

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class SarifReporter(Reporter):
    def begin(self) -> None:
        spec = self.info.spec
        self._index = {rid: i for i, rid in enumerate(sorted(spec.rules))}
        rules = []
        for rid in sorted(spec.rules):
            rule = spec.rules[rid]
            rules.append(
                {
                    "id": rid,
                    "name": rid.replace(".", "/"),
                    "shortDescription": {"text": rule.title if self.info.lang == "zh" else rule.title_en},
                    "fullDescription": {
                        "text": (rule.description or rule.title)
                        if self.info.lang == "zh"
                        else (rule.description_en or rule.title_en)
                    },
                    "help": {"text": basis_text(rule, self.info.lang)},
                    "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
                    "properties": {"group": rule.group, "kind": rule.kind, "severity": rule.severity.value},
                }
            )
        driver = {
            "name": "budget-disclosure",
            "version": self.info.engine_version,
            "semanticVersion": self.info.engine_version,
            "informationUri": "https://budget-disclosure.org/",
            "rules": rules,
            "properties": {"specVersion": spec.version, "specSha256": spec.digest, "policy": self.info.policy},
        }
        head = {"$schema": SARIF_SCHEMA, "version": "2.1.0"}
        self.stream.write(
            json.dumps(head, ensure_ascii=False)[:-1]
            + ', "runs": [{"tool": {"driver": '
            + json.dumps(driver, ensure_ascii=False)
            + '}, "results": ['
        )
        self._first = True
        self._notes: list[dict[str, Any]] = []

    def _uri(self, result: DocResult) -> str:
        job = result.job
        name = job.file or job.path or ("stdin" if job.source == "<stdin>" else job.source)
        return quote(name.replace("\\", "/"), safe="/:._-~")

    def _result(self, f: Finding, result: DocResult) -> dict[str, Any]:
        physical: dict[str, Any] = {"artifactLocation": {"uri": self._uri(result)}}
        line = result.positions.get(f.pointer) or ((f.line, f.column or 1) if f.line else None)
        if line is None and result.job.first_line > 1:
            line = (result.job.first_line, 1)
        if line:
            physical["region"] = {"startLine": line[0], "startColumn": max(1, line[1])}
        props: dict[str, Any] = {"pointer": f.pointer, "location": f.location, "source": result.source}
        if f.expected is not None:
            props.update(
                {
                    "expected": str(f.expected),
                    "actual": str(f.actual),
                    "difference": str(f.difference),
                    "envelope": str(f.envelope),
                    "unit": f.unit,
                }
            )
        if f.cell:
            props["cell"] = f.cell
        if f.related:
            props["related"] = list(f.related)
        if f.cause:
            props["cause"] = f.cause
        return {
            "ruleId": f.rule,
            "ruleIndex": self._index[f.rule],
            "level": _LEVEL[f.severity.value],
            "message": {"text": f.message if self.info.lang == "zh" else f.message_en},
            "locations": [
                {
                    "physicalLocation": physical,
                    "logicalLocations": [
                        {
                            "fullyQualifiedName": f.pointer or "/",
                            "name": location_text(f.location, self.info.lang),
                            "kind": "member",
                        }
                    ],
                }
            ],
            "properties": props,
        }

    def document(self, result: DocResult) -> None:
        if result.report is None:
            note: dict[str, Any] = {
                "level": "error",
                "message": {"text": error_text(result.error, self.info.lang)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": self._uri(result)}}}],
            }
            if result.internal:
                note["properties"] = {"internal": True}
            self._notes.append(note)
            return
        for f in result.report.findings:
            self.stream.write(("" if self._first else ", ") + json.dumps(self._result(f, result), ensure_ascii=False))
            self._first = False

    def end(self, summary: Summary) -> None:
        invocation = {
            "executionSuccessful": not self._notes,
            "toolExecutionNotifications": self._notes,
            "properties": {"summary": summary.to_dict()},
        }
        self.stream.write('], "invocations": [' + json.dumps(invocation, ensure_ascii=False) + "]}]}\n")
