"""The compiled engine: the interpreter's loop, with each rule's screen tried before its kind.

Everything around a rule (its ``when``, the tables it needs, skips, ``requires``, the finding cap, the
stamping of findings) is the interpreter's own code. Only the step "run the kind" changes: a rule whose
screen says it finds nothing is counted as checked and costs no more; any other rule runs the
interpreter's kind.

Grouping by cause (``group_by_cause``) reads every identity a cell takes part in, holding or not. A
screened arithmetic rule records none; when a document has two failed identities or more, the screened
rules that read a table holding a cell of two failed identities are run again through the interpreter
for their evaluations (they find nothing, by their screen), so the grouping sees what it would have seen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ...spec import Spec
from ..context import Compiled, Context, Violation
from ..engine import Engine
from ..kinds import KINDS
from .screens import compile_screen

__all__ = ["CompiledEngine"]

_DEFERRED = "engine.deferred"


class CompiledEngine(Engine):
    name = "compiled"

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.screens = {}
        for rid, compiled in self.compiled.items():
            screen = compile_screen(spec, compiled)
            if screen is not None:
                self.screens[rid] = screen

    def _violations(self, ctx: Context, compiled: Compiled, shadow: bool) -> Iterable[Violation]:
        screen = self.screens.get(compiled.rule.id)
        # With nothing noted unverifiable yet, a table the rule leaves out (``ctx.excluded``) is one the
        # document does not have and the profile does not require: a screen finds nothing there either.
        if screen is not None and not ctx.unverifiable:
            checked = screen(ctx)
            if checked is not None:
                ctx.checks += checked
                if not shadow and KINDS[compiled.rule.kind].evaluates:
                    ctx.memo.setdefault(_DEFERRED, []).append(compiled)
                return ()
        return KINDS[compiled.rule.kind].run(ctx, compiled)

    def _complete_evaluations(self, ctx: Context) -> None:
        deferred: list[Compiled] = ctx.memo.get(_DEFERRED, [])
        if not deferred:
            return
        failed = [e for e in ctx.evaluations if e.failed]
        if len(failed) < 2:
            return
        shared = Counter(ptr for e in failed for ptr in {p for p, _ in e.coefficients})
        parts = {_part(ptr) for ptr, n in shared.items() if n >= 2}
        for compiled in deferred:
            if compiled.needs & parts:
                ctx.excluded = frozenset()
                for _ in KINDS[compiled.rule.kind].run(ctx, compiled):
                    pass  # none: the screen passed the rule (tests/test_engines.py holds screens to that)


def _part(pointer: str) -> str:
    """The table id of a cell's pointer, or ``narrative``."""
    tokens = pointer.split("/", 3)
    return tokens[2] if len(tokens) > 2 and tokens[1] == "tables" else tokens[1] if len(tokens) > 1 else ""
