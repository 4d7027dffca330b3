"""The compiled engine gives byte-identical reports to the interpreter, the reference (issue 15).

What is proved. For every source below, ``validate(source, engine="interpreter")`` and
``validate(source, engine="compiled")`` give the same ``to_json()`` and list the same rules as applied,
in rounding-aware and in exact arithmetic (each engine gets a fresh copy of the source):

1. every example (with its sidecar's options) and every case of examples/cases (patched document and
   options);
2. seeded documents of ``budget_disclosure.synth`` for every profile (mixed units, sizes, inline
   indicator columns), each consistent and again with generic nasty edits (blanks, zeros, dashes, text in
   amount cells, negative amounts, duplicated and removed rows, missing 合计 rows, empty tables, missing
   fields, whitespace, other units, wrong shapes: ``engines_support.NASTY_EDITS``);
3. for every rule, Hypothesis documents (tests/strategies.py) with a defect of that rule injected by the
   kill matrix's mutator (``tests/mutations.py::mutate``), sometimes with nasty edits on top; and
   Hypothesis documents with nasty edits alone, which shrink to a small failing document.

Each generating test asserts the number of documents it validated; a CI run
(``HYPOTHESIS_PROFILE=ci``) validates at least 1,000 generated documents, a default run far fewer.
A failure names the source and the first differing finding, skip, header field or applied rule.

Screens are held on both sides: over the fixed corpus (1 and 2), every rule that has a screen must have
its screen say clean at least once, and the interpreter must report a finding or a skip for it at least
once. Self-tests show that a lying screen and a screen never exercised are caught. Last, the engine is
chosen the same way everywhere: the command line (``--engine``), the library, a batch over worker
processes and the HTTP service.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption

from budget_disclosure import validate
from budget_disclosure.cli import main
from budget_disclosure.rules import ENGINE_NAMES
from budget_disclosure.rules.engines import get_engine
from budget_disclosure.spec import get_spec
from budget_disclosure.synth import Features, SeededChooser, Size, build_seeded

from .engines_support import Observation, fresh, nasty, observe, unexercised
from .mutations import Mutation, mutate
from .strategies import PROFILES, DrawChooser, documents
from .support import CLEAN, EXAMPLES, SEED, all_cases, all_examples, load_case, load_sidecar
from .test_properties import FULL_FORMS, applicable_features

SPEC = get_spec()
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
CI = PROFILE == "ci"
RULES = sorted(SPEC.rules)
PER_RULE = 3 if CI else 1  # Hypothesis documents per rule with that rule's defect injected
SEEDED_PER_PROFILE = 16 if CI else 2  # seeded documents per profile, each validated clean and broken
NASTY_EXAMPLES = settings().max_examples  # the profile's examples: Hypothesis documents with nasty edits


def planned_documents() -> int:
    """The generated documents this profile validates: seeded (clean and broken), per rule, nasty."""
    return 2 * SEEDED_PER_PROFILE * len(PROFILES) + PER_RULE * len(RULES) + NASTY_EXAMPLES


def same(seen: Observation, label: str) -> None:
    """Fail with the source and the first difference only (not the observation's sets of rules)."""
    if seen.difference is not None:
        pytest.fail(f"{label}: the engines' reports differ\n{seen.difference}", pytrace=False)


# ------------------------------------------------------------------------------------------ the fixed corpus
def example_observation(path: Path) -> Observation:
    options, _ = load_sidecar(path)
    return observe(lambda: path, **options)


def case_observation(path: Path) -> Observation:
    case = load_case(path)
    return observe(fresh(case.document), **case.options)


def seeded_features(profile: str, k: int) -> Features:
    """The k-th seeded feature set of a profile: every third in mixed units, every fourth sized, every
    fifth without indicator columns."""
    size = Size(leaves=1 + 7 * k % 23, projects=1 + k % 5, indicators=1 + k % 8) if k % 4 == 3 else None
    return Features(profile=profile, mixed_units=k % 3 == 1, size=size, inline_indicators=k % 5 == 4)


def seeded_observations(profile: str, k: int) -> tuple[Observation, Observation, str]:
    """(the seeded document, the same broken by nasty edits, the edits' names)."""
    seed = PROFILES.index(profile) * 1000 + k
    doc = build_seeded(seed, seeded_features(profile, k))
    broken, edits = nasty(doc, SeededChooser(seed), 1 + k % 3)
    return observe(fresh(doc)), observe(fresh(broken)), ", ".join(edits)


def corpus() -> Iterator[tuple[str, Observation]]:
    """Every source of the fixed corpus, labelled, with what it showed."""
    for path in all_examples():
        yield str(path.relative_to(EXAMPLES)), example_observation(path)
    for path in all_cases():
        yield str(path.relative_to(EXAMPLES)), case_observation(path)
    for profile in PROFILES:
        for k in range(SEEDED_PER_PROFILE):
            clean, broken, edits = seeded_observations(profile, k)
            yield f"seeded {profile} #{k} {seeded_features(profile, k)}", clean
            yield f"seeded {profile} #{k} with {edits}", broken


def test_the_fixed_corpus_agrees_and_exercises_every_screen() -> None:
    """One test, so that the corpus is validated once even when the suite runs on several workers: first
    the differences, then the screens' coverage (rules without a screen are not asked)."""
    labels, seen, differing = [], [], []
    for label, observation in corpus():
        labels.append(label)
        seen.append(observation)
        if observation.difference is not None:
            differing.append(f"{label}: {observation.difference}")
    assert not differing, f"{len(differing)} sources differ; the first is\n{differing[0]}\nall: " + "; ".join(
        d.split(":", 1)[0] for d in differing
    )
    assert sum(label.startswith("seeded ") for label in labels) == 2 * SEEDED_PER_PROFILE * len(PROFILES)
    screened = set(get_engine(get_spec(), "compiled").screens)  # type: ignore[attr-defined]
    failing = {why: rules for why, rules in unexercised(screened, seen).items() if rules}
    assert not failing, "screens not exercised both ways over the corpus:\n" + json.dumps(
        failing, ensure_ascii=False, indent=1
    )


# ------------------------------------------------------------------------------------------ Hypothesis documents
SMALL_SIZES = st.none() | st.builds(
    Size, leaves=st.integers(1, 12), projects=st.integers(1, 4), indicators=st.integers(1, 6)
)
EDIT_COUNTS = st.sampled_from([0, 0, 1, 2])  # nasty edits on top of an injected defect


def feature_sets(rule_id: str) -> list[tuple[Features, int]]:
    """Feature sets (and a seed) under which generated documents exercise the rule (the kill matrix's)."""
    if SPEC.rules[rule_id].kind in ("schema", "input"):
        return [(Features(profile=p), seed) for seed, p in enumerate(FULL_FORMS)]
    return applicable_features().get(rule_id) or [(Features(profile=p), 0) for p in PROFILES]


def injected(rule_id: str, data: Any) -> Mutation:
    """A generated document with a defect of the rule. As in the kill matrix, when the drawn document gives
    the rule nothing to break, the document built from the seed on which the rule was found to apply is
    broken instead (and when that fails too, Hypothesis draws another example)."""
    chosen, seed = data.draw(st.sampled_from(feature_sets(rule_id)), label="features")
    varied = replace(chosen, mixed_units=data.draw(st.booleans(), label="mixed units"))
    if chosen.size is None:
        varied = replace(varied, size=data.draw(SMALL_SIZES, label="size"))
    try:
        return mutate(rule_id, data.draw(documents(features=varied), label="document"), data)
    except UnsatisfiedAssumption:
        return mutate(rule_id, build_seeded(seed, chosen), data)


def source_of(mutation: Mutation, data: Any) -> tuple[Callable[[], Any], str]:
    """The mutated source (bytes or a workbook as they are; a document maybe with nasty edits too)."""
    if mutation.raw is not None:
        raw = mutation.raw
        return (lambda: raw), "raw source"
    edits = data.draw(EDIT_COUNTS, label="nasty edits")
    doc, names = nasty(mutation.document, DrawChooser(data.draw), edits)
    return fresh(doc), f"nasty edits {names}"


@pytest.mark.parametrize("rule_id", RULES)
def test_injected_defects_of_every_rule(rule_id: str) -> None:
    ran: list[str] = []

    @settings(max_examples=PER_RULE)
    @given(data=st.data())
    def agree(data: Any) -> None:
        mutation = injected(rule_id, data)
        source, label = source_of(mutation, data)
        same(observe(source, **(mutation.options or {})), f"{rule_id} defect, {label}")
        ran.append(label)

    agree()
    assert len(ran) >= PER_RULE, f"ran {len(ran)} documents, planned {PER_RULE}"


def nasty_document(data: Any) -> tuple[Any, list[str]]:
    """A Hypothesis document (any profile, maybe mixed units, maybe sized) with 1-3 nasty edits."""
    features = Features(
        profile=data.draw(st.sampled_from(PROFILES), label="profile"),
        mixed_units=data.draw(st.booleans(), label="mixed units"),
        size=data.draw(SMALL_SIZES, label="size"),
    )
    doc = data.draw(documents(features=features), label="document")
    return nasty(doc, DrawChooser(data.draw), data.draw(st.integers(1, 3), label="edits"))


def test_nasty_edits_on_hypothesis_documents() -> None:
    ran: list[str] = []

    @given(data=st.data())
    def agree(data: Any) -> None:
        broken, names = nasty_document(data)
        same(observe(fresh(broken)), f"nasty edits {names}")
        ran.append(", ".join(names))

    agree()
    assert len(ran) >= NASTY_EXAMPLES, f"ran {len(ran)} documents, planned {NASTY_EXAMPLES}"


def test_a_ci_run_validates_at_least_1000_generated_documents() -> None:
    """Every generating test asserts the number of documents it validated; together they make the plan."""
    assert planned_documents() >= (1000 if CI else 250)


# ------------------------------------------------------------------------------------------ screens
# The engine is looked up at test time (get_spec()), never through SPEC: a test of the command line clears
# the spec cache, after which validate() uses a new Spec and its own engine.
def _rules_found_on_the_seed() -> list[str]:
    return sorted({f.rule for f in validate(SEED, engine="interpreter").findings if "." in f.rule})


def test_screens_that_hide_findings_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Screens that say clean where the interpreter finds something (not every one is asked: a rule on a
    table with schema findings runs the interpreter's kind)."""
    found = _rules_found_on_the_seed()
    monkeypatch.setattr(get_engine(get_spec(), "compiled"), "screens", {rule: lambda ctx: 1 for rule in found})
    seen = observe(lambda: SEED)
    assert seen.difference is not None and len(seen.difference) < 4000
    assert any(rule in seen.difference for rule in found), seen.difference


def test_a_screen_that_drops_an_applied_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    report = validate(CLEAN, engine="interpreter")
    rule = sorted(report.applied - {f.rule for f in report.findings})[0]
    monkeypatch.setattr(get_engine(get_spec(), "compiled"), "screens", {rule: lambda ctx: 0})
    seen = observe(lambda: CLEAN)
    assert seen.difference is not None and "applied" in seen.difference and rule in seen.difference


def test_a_screen_never_clean_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _rules_found_on_the_seed()
    monkeypatch.setattr(get_engine(get_spec(), "compiled"), "screens", {rule: lambda ctx: None for rule in found})
    failing = unexercised(set(found), [observe(lambda: SEED)])
    assert failing == {"never clean": found, "never reported by the interpreter (no finding, no skip)": []}


# ------------------------------------------------------------------------------------------ choosing the engine
def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_command_line_engines_print_the_same_json() -> None:
    results = [_cli("validate", "--format", "json", "--engine", name, str(SEED)) for name in ENGINE_NAMES]
    assert len({r.exit_code for r in results}) == 1 and results[0].exit_code in (0, 1)
    assert results[0].output == results[1].output


def test_an_unknown_engine_is_a_usage_error() -> None:
    result = _cli("validate", "--engine", "nope", str(SEED))
    assert result.exit_code == 2 and "nope" in result.output


def test_the_library_names_the_engines_when_refusing_one() -> None:
    with pytest.raises(ValueError, match="nope") as refused:
        validate(SEED, engine="nope")
    assert all(name in str(refused.value) for name in ENGINE_NAMES)


def test_a_batch_over_two_workers_with_the_interpreter_equals_the_default() -> None:
    paths = [str(EXAMPLES / "clean"), str(SEED), str(EXAMPLES / "input")]
    reference = _cli("validate", "--format", "json", "--jobs", "2", "--engine", "interpreter", *paths)
    default = _cli("validate", "--format", "json", "--jobs", "2", *paths)
    assert reference.exit_code == default.exit_code and reference.output == default.output


def test_the_service_engine_parameter() -> None:
    from .test_service import start_server, stop_server

    server = start_server()
    try:
        body = SEED.read_bytes()
        answers = [server.post(f"/v1/validate?engine={name}", body) for name in ENGINE_NAMES]
        wrong, _, _ = server.post("/v1/validate?engine=nope", body)
    finally:
        stop_server(server)
    assert [a[0] for a in answers] == [200, 200] and answers[0][2] == answers[1][2]
    assert answers[0][2] == (validate(body, engine="interpreter").to_json() + "\n").encode("utf-8")
    assert wrong == 400
