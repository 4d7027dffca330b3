"""The two engines and the choice between them.

``interpreter`` (``rules/engine.py``) interprets the rule language per document: it is the reference
semantics. ``compiled`` (``rules/compiled/``) runs, for every rule it can, a screen compiled once per spec
that decides without building a pointer, a cell or a message that the rule finds nothing, and hands the
rule to the interpreter's kind otherwise. Both give byte-identical reports (``tests/test_engines.py``).
"""

from __future__ import annotations

import threading

from ..spec import Spec
from . import DEFAULT_ENGINE, ENGINE_NAMES, EngineName
from .compiled.engine import CompiledEngine
from .engine import Engine

__all__ = ["DEFAULT_ENGINE", "ENGINE_NAMES", "EngineName", "get_engine"]

_LOCK = threading.Lock()
_ENGINES: dict[tuple[int, str], Engine] = {}


def get_engine(spec: Spec, name: str = DEFAULT_ENGINE) -> Engine:
    """The engine ``name`` for ``spec``, built once per process (a broken spec raises ``SpecError`` here)."""
    if name not in ENGINE_NAMES:
        raise ValueError(f"unknown engine {name!r}: one of {', '.join(ENGINE_NAMES)}")
    with _LOCK:
        engine = _ENGINES.get((id(spec), name))
        if engine is None:
            engine = _ENGINES[(id(spec), name)] = CompiledEngine(spec) if name == CompiledEngine.name else Engine(spec)
        return engine
