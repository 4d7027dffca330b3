"""The engine's version (the spec has its own, in schemas/VERSION)."""

__version__ = "0.1.0"
