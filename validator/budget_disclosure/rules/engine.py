"""Running the rules of a profile over a document.

Rules are compiled once per spec: every reference is parsed and checked against the schemas, so a
broken rule is refused at load with its file, line and id. Per document the engine decides, for each
rule, whether it applies (its ``when`` conditions), whether it can run (every table it reads is present
and schema-valid; otherwise it is *skipped* and says why), runs its kind, and stamps the findings. A
last pass groups arithmetic findings under the one cell that explains them all, where there is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from typing import Any

from ..amounts import ARITHMETIC
from ..cap import FindingCap
from ..emit import emit, join
from ..errors import SpecError
from ..findings import Finding, Severity, Skipped
from ..spec import Spec
from .bind import refs_in, table_node
from .conditions import compile_when
from .context import Compiled, Context, Evaluation, Violation
from .kinds import EXTERNAL_KINDS, KINDS
from .loadcheck import check_item_fields
from .model import RuleDef
from .refs import parse_ref

__all__ = ["Engine", "RunResult", "group_by_cause"]


@dataclass
class RunResult:
    findings: list[Finding]
    skipped: list[Skipped]
    applied: set[str]
    evaluations: list[Evaluation] = field(default_factory=list)


class Engine:
    """The interpreter: the reference semantics of the rule language (``rules/engines.py`` picks an engine)."""

    name = "interpreter"

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        spec.check_profile_data()
        self.compiled: dict[str, Compiled] = {}
        for rule in spec.rules.values():
            if rule.kind in EXTERNAL_KINDS:
                continue
            if rule.kind not in KINDS:
                raise SpecError(f"unknown rule kind {rule.kind!r}", file=rule.file, line=rule.line, rule=rule.id)
            self.compiled[rule.id] = self._compile(rule)
        self.required = self._check_requires()
        self._tables = {rid: c.needs - {"narrative"} for rid, c in self.compiled.items()}  # the tables it reads
        # The tables a rule's ``when`` reads: a condition on a table with schema findings cannot be decided.
        self._when_tables = {
            rid: frozenset(parse_ref(t).root for t in refs_in(list(c.rule.when))) - {"narrative", "document"}
            for rid, c in self.compiled.items()
        }
        self._by_profile = {
            pid: _after_requirements([c for c in self.compiled.values() if c.rule.group in p.rule_groups])
            for pid, p in spec.profiles.items()
        }

    def _check_requires(self) -> frozenset[str]:
        """Every rule a rule ``requires`` exists and runs in the engine, and no rule requires itself through
        others; returns the ids some rule requires."""
        required: set[str] = set()
        for compiled in self.compiled.values():
            rule = compiled.rule
            for rid in rule.requires:
                if rid not in self.compiled:
                    raise SpecError(f"requires unknown rule {rid!r}", file=rule.file, line=rule.line, rule=rule.id)
                required.add(rid)
        for compiled in self.compiled.values():
            seen, todo = set(), list(compiled.rule.requires)
            while todo:
                rid = todo.pop()
                if rid == compiled.rule.id:
                    rule = compiled.rule
                    raise SpecError(
                        "requires itself (a cycle of requires)", file=rule.file, line=rule.line, rule=rule.id
                    )
                if rid not in seen:
                    seen.add(rid)
                    todo.extend(self.compiled[rid].rule.requires)
        return frozenset(required)

    def _compile(self, rule: RuleDef) -> Compiled:
        tree = self.spec.labels
        try:
            check_item_fields(tree, rule.params, rule.id, rule.file, rule.line)
            prepared = KINDS[rule.kind].prepare(self.spec, rule.params)
            when = compile_when(tree, rule.when)
            needs: set[str] = set()
            for text in refs_in(rule.params):
                root = parse_ref(text).root
                if root == "narrative":
                    needs.add("narrative")
                elif root != "document":
                    needs.add(root)
            if "table" in rule.params:
                table_node(tree, rule.params["table"])
                needs.add(rule.params["table"])
        except re.error as exc:  # the loader compiles every pattern first; this is the safety net
            raise SpecError(
                f"invalid regular expression: {exc}", file=rule.file, line=rule.line, rule=rule.id
            ) from None
        except (ValueError, KeyError, TypeError) as exc:
            message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            line = getattr(exc, "line", None) or rule.line  # a condition knows its own line
            raise SpecError(message, file=rule.file, line=line, rule=rule.id) from None
        return Compiled(rule, prepared, frozenset(needs), when)

    def rules_for(self, profile: str) -> list[Compiled]:
        return self._by_profile[profile]

    def run(
        self,
        document: dict[str, Any],
        profile: str,
        *,
        strict: bool = False,
        broken_tables: Iterable[str] = (),
        select: Callable[[str], bool] | None = None,
        max_findings_per_rule: int | None = None,
    ) -> RunResult:
        """Run the profile's rules over one (read and bounded) document.

        All arithmetic of the kinds, the conditions and the grouping runs in ``amounts.ARITHMETIC``, the
        one decimal context sized for every number the reader accepts: sums are exact, never rounded to
        the default 28 digits. A rule reports at most ``max_findings_per_rule`` findings; the rest of its
        violations are counted in one ``input.too-many-findings`` finding, never dropped silently.
        """
        with localcontext(ARITHMETIC):
            return self._run(document, profile, strict, broken_tables, select, max_findings_per_rule)

    def _run(
        self,
        document: dict[str, Any],
        profile: str,
        strict: bool,
        broken_tables: Iterable[str],
        select: Callable[[str], bool] | None,
        cap: int | None = None,
    ) -> RunResult:
        ctx = Context(self.spec, document, self.spec.profiles[profile], strict)
        tables = document.get("tables")
        present = frozenset(k for k, v in tables.items() if v is not None) if isinstance(tables, dict) else frozenset()
        run = _Pass(ctx, set(broken_tables), cap, present, isinstance(document.get("narrative"), dict))
        for compiled in self.rules_for(profile):
            rule = compiled.rule
            shadow = select is not None and not select(rule.id)
            if shadow and rule.id not in self.required:
                continue
            if "*" in run.broken:
                if not shadow:
                    run.result.skipped.append(
                        Skipped(
                            rule.id,
                            "文档的金额格式（amounts）有误，无法计算",
                            "the document's amount format (amounts) is malformed",
                        )
                    )
                continue
            self._rule(run, compiled, shadow)
        self._complete_evaluations(ctx)
        run.result.findings = group_by_cause(run.result.findings, ctx.evaluations, ctx.location)
        run.result.evaluations = ctx.evaluations
        return run.result

    def _rule(self, run: _Pass, compiled: Compiled, shadow: bool) -> None:
        """One rule over the document: its condition, the tables it needs, then its kind (``_judge``)."""
        rule, ctx = compiled.rule, run.ctx
        when_broken = sorted(self._when_tables[rule.id] & run.broken) if run.broken else None
        if when_broken:
            if not shadow:
                run.result.skipped.append(
                    Skipped(
                        rule.id,
                        f"适用条件所读的表结构有误（见结构类发现）：{self._names(when_broken)}",
                        f"its condition reads table(s) with schema findings: {join(when_broken, 'en')}",
                    )
                )
            return
        ctx.unverifiable = []
        applies = compiled.when(ctx)
        if ctx.unverifiable:
            # A condition that reads what the document does not print (a 合计 row the table lacks)
            # cannot be decided: the rule is neither applied nor dropped silently.
            if not shadow:
                run.result.skipped.append(_not_verified(rule.id, ctx.unverifiable))
            return
        if not applies:
            return
        beyond = self._usable(run, compiled, shadow)
        if beyond is not None:
            self._judge(run, compiled, shadow, beyond)

    def _usable(self, run: _Pass, compiled: Compiled, shadow: bool) -> frozenset[str] | None:
        """Set ``ctx.excluded`` for the rule and return the tables beyond the document it names (None: the
        rule does not run, and is listed as skipped when it should say why)."""
        ctx = run.ctx
        tables = self._tables[compiled.rule.id]
        if not run.broken and tables <= run.present and (run.narrative or "narrative" not in compiled.needs):
            ctx.excluded = frozenset()  # the common case: everything the rule reads is there and sound
            return frozenset()
        # A table the profile does not require and the document does not have: rules on it do not
        # apply (nothing was left unchecked). Present, any known table is checked like the others.
        beyond = frozenset(
            t for t in compiled.needs if t != "narrative" and t not in ctx.profile.tables and t not in run.present
        )
        kind = KINDS[compiled.rule.kind]
        if beyond and (not kind.partial or beyond >= compiled.needs):
            return None
        if kind.partial:
            needs = compiled.needs - beyond
            unusable = (
                frozenset(
                    t
                    for t in needs
                    if t in run.broken
                    or (t != "narrative" and t not in run.present)
                    or (t == "narrative" and not run.narrative)
                )
                | beyond
            )
            if needs and unusable >= needs | beyond:
                if not shadow:
                    run.result.skipped.append(
                        self._blocked(ctx, compiled, run.broken)
                        or Skipped(compiled.rule.id, "所需的表都不可用", "none of the tables it reads is usable")
                    )
                return None
            ctx.excluded = unusable
            return beyond
        blocked = self._blocked(ctx, compiled, run.broken)
        if blocked is not None:
            if not shadow:
                run.result.skipped.append(blocked)
            return None
        ctx.excluded = frozenset()
        return beyond

    def _judge(self, run: _Pass, compiled: Compiled, shadow: bool, beyond: frozenset[str]) -> None:
        """Run the rule's kind and stamp what it finds (a shadow rule only condemns cells)."""
        rule, ctx, result = compiled.rule, run.ctx, run.result
        ctx.checks = 0
        ctx.unverifiable = []
        left_out = sorted(ctx.excluded - beyond)
        if left_out:
            # A partial kind checks the rest; the items of an unusable table are reported unchecked.
            ctx.not_verifiable(
                f"{self._names(left_out)}缺失或结构有误，其中的条目未检查",
                f"the items of {join(left_out, 'en')} (missing or with schema findings) were not checked",
            )
        judged = len(ctx.evaluations)
        condemned = run.condemned
        barred = set().union(*(condemned.get(r, ()) for r in rule.requires)) if rule.requires else set()
        cells = condemned.setdefault(rule.id, set()) if rule.id in self.required else None
        counter: FindingCap | None = None
        for v in self._violations(ctx, compiled, shadow):
            if v.pointer in barred:
                continue  # the cell is already illegal: this rule presupposes it legal
            if cells is not None and v.severity is not Severity.INFO:
                cells.add(v.pointer)
            if shadow:
                continue
            if counter is None:
                counter = FindingCap(run.cap)
            if counter.admit(rule.id, v.pointer):
                result.findings.append(self._stamp(rule, v, ctx.document))
        for o in counter.overflow() if counter is not None else ():
            # Past the cap a violation was counted, not stamped; the report says how many more there
            # are and where the first is.
            result.findings.append(
                emit(self.spec, ctx.document, "input.too-many-findings", o.first, o.values, severity=rule.severity)
            )
        if shadow:
            del ctx.evaluations[judged:]  # run only to know the cells it condemns; it reports nothing
            return
        if ctx.checks:
            result.applied.add(rule.id)
        if ctx.unverifiable:
            # Nothing is left unchecked silently: what the kind could not verify is reported.
            result.skipped.append(_not_verified(rule.id, ctx.unverifiable))

    def _violations(self, ctx: Context, compiled: Compiled, shadow: bool) -> Iterable[Violation]:
        """What one rule finds: its kind run over the document (the compiled engine first tries a screen).
        ``shadow``: the rule runs only for the cells it condemns, and its evaluations are dropped."""
        del shadow
        return KINDS[compiled.rule.kind].run(ctx, compiled)

    def _complete_evaluations(self, ctx: Context) -> None:
        """The interpreter records every identity as it goes; nothing is left to add before the grouping."""

    def _blocked(self, ctx: Context, compiled: Compiled, broken: set[str]) -> Skipped | None:
        missing = sorted(t for t in compiled.needs if t != "narrative" and ctx.table(t) is None)
        bad = sorted(t for t in compiled.needs if t in broken)
        if "narrative" in compiled.needs and not isinstance(ctx.document.get("narrative"), dict):
            return Skipped(compiled.rule.id, "文档没有预算说明关键数字（narrative）", "the document has no narrative")
        if not missing and not bad:
            return None

        if missing:
            return Skipped(
                compiled.rule.id,
                f"所需的表缺失：{self._names(missing)}",
                f"needs missing table(s): {join(missing, 'en')}",
            )
        return Skipped(
            compiled.rule.id,
            f"所需的表结构有误（见结构类发现）：{self._names(bad)}",
            f"needs table(s) with schema findings: {join(bad, 'en')}",
        )

    def _names(self, ids: list[str]) -> str:
        return join((self.spec.tables[t].title if t in self.spec.tables else "预算说明" for t in ids), "zh")

    def _stamp(self, rule: RuleDef, v: Violation, document: dict[str, Any]) -> Finding:
        return emit(
            self.spec,
            document,
            rule.id,
            v.pointer,
            v.values,
            severity=v.severity,
            location=v.location,
            related=v.related,
            expected=v.expected,
            actual=v.actual,
            difference=v.difference,
            envelope=v.envelope,
            unit=v.unit,
        )


@dataclass
class _Pass:
    """One document's run: the context, what the schema layer found broken, and what the rules so far
    have reported and condemned."""

    ctx: Context
    broken: set[str]
    cap: int | None
    present: frozenset[str]  # the tables the document has (a key with a non-null value)
    narrative: bool  # the document has a narrative object
    result: RunResult = field(default_factory=lambda: RunResult([], [], set()))
    condemned: dict[str, set[str]] = field(default_factory=dict)  # rule id → cells it found illegal


def _not_verified(rule: str, reasons: list[tuple[str, str]]) -> Skipped:
    """The rule in the report's ``skipped``, with every reason it could not verify something."""
    return Skipped(rule, "；".join(zh for zh, _ in reasons), "; ".join(en for _, en in reasons))


def _after_requirements(rules: list[Compiled]) -> list[Compiled]:
    """The rules in their file order, each moved after the rules it ``requires`` (a stable topological order)."""
    ids = {c.rule.id for c in rules}
    done: set[str] = set()
    out: list[Compiled] = []
    pending = list(rules)
    while pending:
        rest = []
        for c in pending:
            if all(r in done or r not in ids for r in c.rule.requires):
                out.append(c)
                done.add(c.rule.id)
            else:
                rest.append(c)
        pending = rest
    return out


def group_by_cause(
    findings: list[Finding], evaluations: list[Evaluation], locate: Callable[[str], str]
) -> list[Finding]:
    """Mark arithmetic errors with the single cell that, corrected, would make all of them hold.

    A cell is a cause when it takes part in at least two failed identities, one correction δ of it
    (δ = −difference / coefficient) fixes every identity it takes part in, failed or not, and no other
    cell explains more of the failures. One shifted or mistyped cell then shows as one cause with its
    derived findings under it, not as a scatter of unrelated errors.
    """
    failed = [e for e in evaluations if e.failed]
    if len(failed) < 2:
        return findings
    # Each identity's coefficients by cell, summed once: the search below is then linear in the number
    # of terms, however many identities a cell (a column total, say) takes part in.
    weights: list[dict[str, Decimal]] = []
    by_cell: dict[str, list[int]] = {}
    for index, e in enumerate(evaluations):
        mine: dict[str, Decimal] = {}
        for ptr, c in e.coefficients:
            mine[ptr] = mine.get(ptr, _ZERO) + c
        weights.append(mine)
        for ptr in mine:
            by_cell.setdefault(ptr, []).append(index)
    candidates: list[tuple[int, str, set[tuple[str, str]]]] = []
    for ptr, indexes in by_cell.items():
        bad = [i for i in indexes if evaluations[i].failed]
        if len(bad) < 2:
            continue
        coef = weights[bad[0]][ptr]
        if not coef:
            continue
        delta = -evaluations[bad[0]].difference / coef
        if all(_holds(evaluations[i], weights[i][ptr], delta) for i in indexes):
            candidates.append((len(bad), ptr, {(evaluations[i].rule, evaluations[i].pointer) for i in bad}))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    cause: dict[tuple[str, str], str] = {}
    for _, ptr, keys in candidates:
        for key in keys:
            cause.setdefault(key, ptr)
    if not cause:
        return findings
    return [
        replace(f, cause=cause[(f.rule, f.pointer)], cause_location=locate(cause[(f.rule, f.pointer)]))
        if f.severity is Severity.ERROR and (f.rule, f.pointer) in cause
        else f
        for f in findings
    ]


_ZERO = Decimal(0)


def _holds(e: Evaluation, coefficient: Decimal, delta: Decimal) -> bool:
    diff = e.difference + coefficient * delta
    if e.op == "eq":
        return diff.copy_abs() <= e.envelope
    if e.op in ("le", "lt"):
        return diff <= e.envelope
    return -diff <= e.envelope
