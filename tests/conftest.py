from __future__ import annotations

import pytest

from budget_disclosure.spec import Spec, get_spec


@pytest.fixture(scope="session")
def spec() -> Spec:
    return get_spec()
