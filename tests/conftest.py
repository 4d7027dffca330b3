from __future__ import annotations

import os

import pytest
from hypothesis import settings

from budget_disclosure.spec import Spec, get_spec

# Two Hypothesis profiles: a quick one for development (the default) and a thorough one for CI
# (HYPOTHESIS_PROFILE=ci, set by .ci/run). A failure prints the falsifying example and a blob that
# reproduces it (@reproduce_failure). No health check is suppressed: a generator that rejects most of its
# examples (filter_too_much), builds documents too slowly (too_slow) or overruns Hypothesis's buffer
# (data_too_large) is a generator to fix, not a check to silence (docs/TESTING.md, "Generators").
_COMMON = {"deadline": None, "print_blob": True}
settings.register_profile("dev", max_examples=10, **_COMMON)
settings.register_profile("ci", max_examples=200, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Examples per rule in the kill matrix (one property per rule id).
KILL_EXAMPLES = {"dev": 3, "ci": 20}.get(os.environ.get("HYPOTHESIS_PROFILE", "dev"), 3)


@pytest.fixture(scope="session")
def spec() -> Spec:
    return get_spec()
