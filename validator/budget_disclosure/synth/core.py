"""The builder's primitives: the ``Chooser`` every random choice goes through, printing an exact amount
in fen at a displayed unit and precision (``Fmt``), splitting an amount, and exact JSON output."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

T = TypeVar("T")

FEN_PER = {"元": 100, "万元": 1_000_000}


class Chooser:
    """Every random choice of the builder goes through one of these methods."""

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def bool(self, p: float = 0.5) -> bool:
        return self.integer(0, 99) < int(p * 100)

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.integer(0, len(seq) - 1)]

    def subset(self, seq: Sequence[T], lo: int, hi: int) -> list[T]:
        n = self.integer(lo, min(hi, len(seq)))
        pool = list(seq)
        out = []
        for _ in range(n):
            out.append(pool.pop(self.integer(0, len(pool) - 1)))
        return sorted(out, key=seq.index)


class SeededChooser(Chooser):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


@dataclass(frozen=True)
class Fmt:
    unit: str
    precision: int

    @property
    def step_fen(self) -> int:
        """The printed unit in fen (0.01 元) when it is at least a fen, else 1."""
        places: int = 10**self.precision
        return max(1, FEN_PER[self.unit] // places)

    def show(self, fen: int, precision: int | None = None) -> Decimal | None:
        """The printed value of an exact amount in fen; None (a blank cell) for zero."""
        if fen == 0:
            return None
        return self.num(fen, precision)

    def num(self, fen: int, precision: int | None = None) -> Decimal:
        p = self.precision if precision is None else precision
        value = Decimal(fen) / FEN_PER[self.unit]
        return value.quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)


def split(ch: Chooser, total: int, n: int, step: int) -> list[int]:
    """Split ``total`` fen into ``n`` positive parts that are multiples of ``step`` where possible."""
    if n <= 1:
        return [total]
    units = total // step
    if units < n:
        return [total] + [0] * (n - 1)
    cuts = sorted({ch.integer(1, units - 1) for _ in range(n - 1)})
    bounds = [0, *cuts, units]
    parts = [(bounds[i + 1] - bounds[i]) * step for i in range(len(bounds) - 1)]
    parts[-1] += total - units * step
    return parts + [0] * (n - len(parts))


def pct(num: int, den: int) -> Decimal:
    """``num`` as a percentage of ``den``, to two places, half up."""
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text with every ``Decimal`` written exactly as the number it is (``json.dumps`` cannot);
    with ``indent``, one member or item per line, for files people read."""
    parts: list[str] = []
    if indent is None:
        _write(value, parts)
    else:
        _write_indented(value, parts, " " * indent, "\n")
    return "".join(parts)


def _write_indented(value: Any, out: list[str], step: str, newline: str) -> None:
    """Like ``_write``, with a containing object's or list's members on lines of their own."""
    if isinstance(value, (dict, list)) and value:
        inner = newline + step
        items = value.items() if isinstance(value, dict) else enumerate(value)
        out.append("{" if isinstance(value, dict) else "[")
        for i, (key, item) in enumerate(items):
            out.append(("," if i else "") + inner)
            if isinstance(value, dict):
                out.append(json.dumps(key, ensure_ascii=False) + ": ")
            _write_indented(item, out, step, inner)
        out.append(newline + ("}" if isinstance(value, dict) else "]"))
    else:
        _write(value, out)


def _write(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            out.append(("," if i else "") + json.dumps(key, ensure_ascii=False) + ":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        out.append(format(value, "f"))
    else:
        out.append(json.dumps(value, ensure_ascii=False))
