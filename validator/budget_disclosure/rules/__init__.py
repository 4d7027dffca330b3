"""The rule language: loading (``model``, ``loadcheck``), the interpreter (``engine``, ``kinds``) and the
compiled engine (``compiled``); ``engines`` picks one. The names are here, light to import (the CLI's
options need them before anything is loaded)."""

from typing import Literal

EngineName = Literal["compiled", "interpreter"]
ENGINE_NAMES: tuple[EngineName, ...] = ("compiled", "interpreter")
DEFAULT_ENGINE: EngineName = "compiled"
