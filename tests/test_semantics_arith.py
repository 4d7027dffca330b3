"""Semantics of the arithmetic rules that real documents bring (issue 11: no false error, no silent miss).

Each test is named for the principle it proves:

1. one figure printed twice is compared exactly; the envelope counts only the terms that carry rounding;
6. amounts are ≥ 0 unless the schema declares the column signed;
7. a change percentage needs a positive base; a stated change agrees with last year's figure; a written
   zero in the narrative is exactly zero;
8. a cell already condemned by a legality rule draws no finding from the rules that presuppose it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import assume, given, note
from hypothesis import strategies as st

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.amounts import FACTOR, Cell
from budget_disclosure.rules.interval import envelope, verdict
from budget_disclosure.spec import get_spec

from .mutations import move, run_engine, step_of
from .strategies import Features, documents

SPEC = get_spec()

# ------------------------------------------------------------------------------------------ 1 · rounding
FORMATS = st.sampled_from([("万元", 2), ("万元", 4), ("元", 2), ("元", 0)])
FEN = st.integers(0, 10**11)  # a true amount in fen (0.01 元), up to a billion 元


def printed(ptr: str, fen: int, unit: str, places: int) -> Cell:
    """A true amount rounded once (half up) to its printed precision; zero prints as a blank."""
    if fen == 0:
        return Cell(ptr, Decimal(0), Decimal(0), unit, None, None)
    shown = (Decimal(fen) / 100 / FACTOR[unit]).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Cell(ptr, shown * FACTOR[unit], Decimal(5).scaleb(-(places + 1)) * FACTOR[unit], unit, shown, places)


def holds(left: list[Cell], op: str, right: list[Cell]) -> tuple[bool, bool]:
    lt = [(c, Decimal(1)) for c in left]
    rt = [(c, Decimal(1)) for c in right]
    diff = sum((c.value for c in left), Decimal(0)) - sum((c.value for c in right), Decimal(0))
    return verdict(diff, envelope(lt, rt, op), op)


@given(parts=st.lists(FEN, min_size=1, max_size=6), fmt=FORMATS)
def test_figures_rounded_once_never_fail_their_sum(parts: list[int], fmt: tuple[str, int]) -> None:
    unit, places = fmt
    total = printed("/t", sum(parts), unit, places)
    cells = [printed(f"/p{i}", fen, unit, places) for i, fen in enumerate(parts)]
    ok, info = holds([total], "eq", cells)
    assert ok or info
    if sum(1 for c in cells if c.half) <= 1:  # one non-blank part at the total's precision: exact
        assert ok


@given(fen=FEN.filter(bool), steps=st.integers(-3, 3).filter(bool), blanks=st.integers(0, 4), fmt=FORMATS)
def test_one_figure_printed_twice_is_compared_exactly(fen: int, steps: int, blanks: int, fmt: tuple[str, int]) -> None:
    """A copy that differs by a single step of its precision is an error, however many blank parts
    stand beside it; the same difference against a sum of two rounded parts would be information."""
    unit, places = fmt
    original = printed("/a", fen, unit, places)
    step = 2 * original.half
    copy = original._replace(pointer="/b", value=original.value + steps * step)
    assume(copy.value > 0)
    zeros = [Cell(f"/z{i}", Decimal(0), Decimal(0), unit, None, None) for i in range(blanks)]
    ok, info = holds([copy], "eq", [original, *zeros])
    assert not ok and not info


@given(x=FEN, y=FEN, fmt=FORMATS)
def test_rounding_never_reverses_an_order(x: int, y: int, fmt: tuple[str, int]) -> None:
    unit, places = fmt
    small, large = printed("/s", min(x, y), unit, places), printed("/l", max(x, y), unit, places)
    assert holds([small], "le", [large])[0] or small.value == large.value
    assert holds([large], "ge", [small]) != (False, False)


@given(data=st.data())
def test_a_blank_part_adds_no_rounding_width(data: Any) -> None:
    """In a generated document, every identity's envelope is the sum of the half-widths of its non-blank
    terms, or zero where it compares one figure with one other on the same grid."""
    doc = data.draw(documents(), label="document")
    for e in run_engine(doc).evaluations:
        rounded = [(c, w) for c, w in [*e.left, *e.right] if c.half]
        width = sum((abs(w) * c.half for c, w in rounded), Decimal(0))
        assert e.envelope in (width, Decimal(0)), e
        if not e.envelope and width:
            assert len(rounded) == 2 and e.op in ("eq", "le", "ge"), e


@given(data=st.data())
def test_moving_a_figure_printed_twice_by_one_step_fires(data: Any) -> None:
    """Where a generated document compares a cell one to one with another printing (envelope zero), moving
    that cell by one step of its precision breaks the identity at the rule's own severity."""
    doc = data.draw(documents(), label="document")
    pairs = [
        (e, p)
        for e in run_engine(doc).evaluations
        if e.op == "eq" and not e.envelope and any(c.half for c, _ in [*e.left, *e.right])
        for p, c in e.coefficients
        if c and p.startswith("/tables/") and jp.resolve(doc, p) not in (None, "-")
    ]
    assume(pairs)
    evaluation, pointer = data.draw(st.sampled_from(pairs), label="pair")
    step, _ = step_of(doc, pointer)
    delta = data.draw(st.sampled_from([step, -step]), label="delta")
    assume(jp.resolve(doc, pointer) + delta > 0)
    report = validate(move(doc, pointer, delta))
    severity = SPEC.rules[evaluation.rule].severity
    note(f"{evaluation.rule}: moved {pointer} by {delta}")
    assert any(
        f.rule == evaluation.rule and f.severity is severity and (f.pointer == pointer or pointer in f.related)
        for f in report.findings
    )


def test_documents_rounded_once_pass_in_every_profile_shape() -> None:
    """A fixed spread of generated documents (seeded, so the same every run) has nothing above info."""
    from budget_disclosure.synth import build_seeded

    for seed in range(12):
        report = validate(build_seeded(seed, Features()))
        assert not [f for f in report.findings if f.severity is not Severity.INFO], seed
