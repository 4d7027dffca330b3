"""Running the rules of a profile over a document.

Rules are compiled once per spec (references parsed and checked against the schemas). Per document
the engine decides, for each rule, whether it applies (its ``when`` conditions), whether it can run
(every table it reads is present and schema-valid; otherwise it is *skipped* and says why), runs its
kind, and stamps the findings.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from ..emit import emit
from ..errors import SpecError
from ..findings import Finding, Skipped
from ..spec import Spec
from .context import Compiled, Context, Violation
from .kinds import KINDS, PREPARE
from .model import RuleDef

__all__ = ["Engine", "get_engine"]

# Kinds whose findings come from elsewhere (the reader, the schema layer); they are catalogue entries.
EXTERNAL_KINDS = frozenset({"input", "schema"})


class Engine:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.compiled: dict[str, Compiled] = {}
        for rule in spec.rules.values():
            if rule.kind in EXTERNAL_KINDS:
                continue
            if rule.kind not in KINDS:
                raise SpecError(f"unknown rule kind {rule.kind!r}", file=rule.file, line=rule.line, rule=rule.id)
            self.compiled[rule.id] = self._compile(rule)

    def _compile(self, rule: RuleDef) -> Compiled:
        prepare = PREPARE.get(rule.kind)
        try:
            prepared = prepare(self.spec, rule.params) if prepare else rule.params
        except (ValueError, KeyError) as exc:
            raise SpecError(str(exc), file=rule.file, line=rule.line, rule=rule.id) from None
        return Compiled(rule, prepared, frozenset(), ())

    def rules_for(self, profile: str) -> list[Compiled]:
        groups = self.spec.profiles[profile].rule_groups
        return [c for c in self.compiled.values() if c.rule.group in groups]

    def run(self, document: dict[str, Any], profile: str, *, strict: bool = False,
            broken_tables: Iterable[str] = (), select: Any = None) -> tuple[list[Finding], list[Skipped]]:
        ctx = Context(self.spec, document, self.spec.profiles[profile], strict)
        broken = set(broken_tables)
        findings: list[Finding] = []
        skipped: list[Skipped] = []
        for compiled in self.rules_for(profile):
            rule = compiled.rule
            if select is not None and not select(rule.id):
                continue
            missing = sorted(t for t in compiled.needs if ctx.table(t) is None)
            bad = sorted(t for t in compiled.needs if t in broken)
            if missing or bad:
                names = "、".join(self.spec.tables[t].title for t in missing + bad if t in self.spec.tables)
                skipped.append(Skipped(rule.id,
                                       f"所需的表{'缺失' if missing else '结构有误'}：{names}",
                                       f"needs table(s) that are {'missing' if missing else 'malformed'}: {', '.join(missing + bad)}"))
                continue
            for v in KINDS[rule.kind].run(ctx, compiled):
                findings.append(self._stamp(rule, v, document))
        return findings, skipped

    def _stamp(self, rule: RuleDef, v: Violation, document: dict[str, Any]) -> Finding:
        return emit(self.spec, document, rule.id, v.pointer, v.values, severity=v.severity, location=v.location,
                    related=v.related, expected=v.expected, actual=v.actual, difference=v.difference,
                    envelope=v.envelope, unit=v.unit)


_LOCK = threading.Lock()
_ENGINES: dict[int, Engine] = {}


def get_engine(spec: Spec) -> Engine:
    with _LOCK:
        engine = _ENGINES.get(id(spec))
        if engine is None:
            engine = _ENGINES[id(spec)] = Engine(spec)
        return engine
