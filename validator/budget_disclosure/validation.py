"""Validating one document read from JSON (or given as a dict): the reader, the schema layer, the rules.

``api.validate`` adds the one other kind of source, an Excel workbook, which ``workbook`` reads into a
document and validates here: this module imports neither, so the layers form no cycle."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import pointer as jp
from ._version import __version__
from .cap import FindingCap
from .emit import emit
from .findings import Finding, Report, Skipped
from .reader import Limits, Problem, read
from .rules import DEFAULT_ENGINE
from .spec import Spec, get_spec

__all__ = ["Selector", "validate_source"]


class Selector:
    """Which rules to report: ``select`` and ``ignore`` name rule ids or groups (the part before the dot).

    They choose among the *checks*. Findings of the groups in ``PRECONDITIONS`` (the document could not be
    read, or does not have the form of a disclosure) are always reported: a document that cannot be read
    or is schema-broken is never reported as passing, whatever the selection.
    """

    PRECONDITIONS = ("input", "schema")

    def __init__(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> None:
        self.select = tuple(select or ())
        self.ignore = tuple(ignore or ())

    @staticmethod
    def _hit(rule_id: str, names: tuple[str, ...]) -> bool:
        group = rule_id.split(".", 1)[0]
        return any(n in (rule_id, group) for n in names)

    def __call__(self, rule_id: str) -> bool:
        if rule_id.split(".", 1)[0] in self.PRECONDITIONS:
            return True
        if self.select and not self._hit(rule_id, self.select):
            return False
        return not self._hit(rule_id, self.ignore)

    @property
    def active(self) -> bool:
        return bool(self.select or self.ignore)

    def problems(self, spec: Spec) -> list[str]:
        """What is wrong with the names (unknown, or a precondition group that cannot be filtered); in English."""
        known = set(spec.rules) | set(spec.groups)
        out = []
        unknown = [n for n in (*self.select, *self.ignore) if n not in known]
        if unknown:
            out.append(f"unknown rule or group: {', '.join(unknown)}")
        fixed = [n for n in (*self.select, *self.ignore) if n in known and n.split(".", 1)[0] in self.PRECONDITIONS]
        if fixed:
            out.append(
                f"{', '.join(fixed)}: input and schema findings are always reported and cannot be selected or ignored"
            )
        return out


def validate_source(
    source: Any,
    *,
    profile: str | None = None,
    strict_arithmetic: bool = False,
    name: str | None = None,
    limits: Limits | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    spec: Spec | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate one disclosure that is not a workbook: ``api.validate`` without its workbook branch (its
    docstring says what each option means). A path is read as JSON whatever its name."""
    spec = spec or get_spec()
    selector = Selector(select, ignore)
    from .rules.engines import get_engine

    rules_engine = get_engine(spec, engine)  # an unknown name is a ValueError before anything is read
    wrong = selector.problems(spec)
    if wrong:
        raise ValueError("; ".join(wrong))
    policy = "strict" if strict_arithmetic else "rounding-aware"
    result = read(source, name=name, limits=limits)
    label = name or result.name
    cap = (limits or Limits()).max_findings_per_rule
    if result.problems:
        findings = _input_findings(spec, result.problems, cap)
        return _report(spec, findings, [], label, None, policy, selector, result.text, frozenset())
    document = result.document
    findings = spec.schema_checker.check(document, profile, max_findings=cap)
    pid = profile if profile is not None else document.get("profile")
    skipped: list[Skipped] = []
    applied: frozenset[str] = frozenset()
    if isinstance(pid, str) and pid in spec.profiles:
        broken = _broken_parts(findings, document)
        run = rules_engine.run(
            document,
            pid,
            strict=strict_arithmetic,
            broken_tables=broken,
            select=selector if selector.active else None,
            max_findings_per_rule=cap,
        )
        findings.extend(run.findings)
        skipped = run.skipped
        applied = frozenset(run.applied)
    return _report(
        spec,
        findings,
        skipped,
        label,
        pid if isinstance(pid, str) and pid in spec.profiles else None,
        policy,
        selector,
        result.text,
        applied,
    )


def _input_findings(spec: Spec, problems: Iterable[Problem], cap: int) -> list[Finding]:
    """The reader's problems as findings: at most ``cap`` of one rule, the rest counted in one finding at
    the first one left out (100,000 bad keys cost a count, not 100,000 located messages)."""
    findings: list[Finding] = []
    counter = FindingCap(cap)
    for p in problems:
        if counter.admit(p.rule, p.pointer):
            location = _input_location(spec, p.pointer, p.line, p.column)
            findings.append(
                emit(spec, None, p.rule, p.pointer, p.values, location=location, line=p.line, column=p.column)
            )
    for o in counter.overflow():
        location = _input_location(spec, o.first, None, None)
        findings.append(emit(spec, None, "input.too-many-findings", o.first, o.values, location=location))
    return findings


def _input_location(spec: Spec, pointer: str, line: int | None, column: int | None) -> str:
    # Line and column are the finding's own fields (every report prints them in its language), not words
    # in the location.
    del line, column
    return spec.location(None, pointer) if pointer else "文件"


def _broken_parts(findings: list[Finding], document: dict[str, Any]) -> set[str]:
    """Tables (and the pseudo-parts narrative and ``*`` for the whole document) a schema finding touches."""
    broken: set[str] = set()
    for f in findings:
        tokens = jp.parse(f.pointer)
        if len(tokens) >= 2 and tokens[0] == "tables":
            broken.add(tokens[1])
        elif tokens[:1] == ["narrative"]:
            broken.add("narrative")
        elif tokens[:1] == ["amounts"] or not isinstance(document.get("amounts"), dict):
            broken.add("*")
    return broken


def _report(
    spec: Spec,
    findings: list[Finding],
    skipped: list[Skipped],
    source: str | None,
    profile: str | None,
    policy: str,
    selector: Callable[[str], bool],
    text: str | None,
    applied: frozenset[str],
) -> Report:
    kept = [f for f in findings if selector(f.rule)]
    order = spec.table_order
    kept.sort(key=lambda f: (jp.sort_key(f.pointer, order), f.rule, f.message))
    skipped.sort(key=lambda s: s.rule)
    return Report(
        tuple(kept),
        source=source,
        profile=profile,
        policy=policy,
        skipped=tuple(skipped),
        spec_version=spec.version,
        engine_version=__version__,
        text=text,
        applied=applied,
    )
