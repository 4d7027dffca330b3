"""The JSON report: spec and engine versions, the policy, each document with its findings, a summary.

The shape is defined by schemas/report.schema.json. Output is streamed document by document and is
byte-identical for the same input.
"""

from __future__ import annotations

import json
from typing import Any

from ..batch import DocResult
from ..i18n import error_text
from .base import Reporter, Summary

__all__ = ["JsonReporter", "document_dict", "header"]


def header(reporter: Reporter) -> dict[str, Any]:
    info = reporter.info
    opts = info.options
    return {
        "spec": {"version": info.spec.version, "sha256": info.spec.digest},
        "engine": {"name": "budget-disclosure", "version": info.engine_version},
        "policy": {
            "arithmetic": info.policy,
            "fail_on": info.fail_on.value,
            "profile": opts.profile,
            "select": list(opts.select),
            "ignore": list(opts.ignore),
        },
    }


def document_dict(result: DocResult) -> dict[str, Any]:
    if result.report is None:
        data: dict[str, Any] = {"source": result.source, "valid": False, "error": result.error}
        if result.error is not None and (zh := error_text(result.error, "zh")) != result.error:
            data["error_zh"] = zh  # both languages as data, like message/message_en
        if result.internal:
            data["internal"] = True
        return {**data, "findings": [], "skipped": []}
    data = result.report.to_dict()
    data.pop("policy", None)
    # Where the finding's cell is in the submitted text (as the text and SARIF reports give it).
    for finding in data["findings"]:
        if "line" not in finding and (at := result.positions.get(finding["pointer"])) is not None:
            finding["line"], finding["column"] = at
    data["source"] = result.source
    return {"source": data.pop("source"), **data}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


class JsonReporter(Reporter):
    def begin(self) -> None:
        head = _dumps(header(self))
        self.stream.write(head[:-2] + ',\n  "documents": [')
        self._first = True

    def document(self, result: DocResult) -> None:
        text = _dumps(document_dict(result)).replace("\n", "\n    ")
        self.stream.write(("\n    " if self._first else ",\n    ") + text)
        self._first = False

    def end(self, summary: Summary) -> None:
        closing = "\n  ]" if not self._first else "]"
        self.stream.write(closing + ',\n  "summary": ' + _dumps(summary.to_dict()).replace("\n", "\n  ") + "\n}\n")
