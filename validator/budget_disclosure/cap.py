"""The per-rule cap on findings, shared by the reader's problems (api.py) and the rules (engine.py).

A rule lists at most ``cap`` findings; past the cap a violation is counted, not located or rendered, so a
systematic defect in 100,000 rows costs a count. The report then says, in one ``input.too-many-findings``
finding at the first violation left out, how many were shown and how many more there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Overflow:
    """What one rule left out: the first pointer left out, how many were shown and how many more."""

    rule: str
    first: str
    shown: int
    more: int

    @property
    def values(self) -> dict[str, object]:
        return {"rule": self.rule, "shown": self.shown, "more": self.more}


@dataclass
class FindingCap:
    """Counts findings per rule; ``admit`` says whether one more may be listed (``cap`` None: no cap)."""

    cap: int | None
    _shown: dict[str, int] = field(default_factory=dict)
    _more: dict[str, tuple[str, int]] = field(default_factory=dict)

    def admit(self, rule: str, pointer: str) -> bool:
        shown = self._shown.get(rule, 0)
        if self.cap is None or shown < self.cap:
            self._shown[rule] = shown + 1
            return True
        first, more = self._more.get(rule, (pointer, 0))
        self._more[rule] = (first, more + 1)
        return False

    def overflow(self) -> list[Overflow]:
        """The rules that left findings out, in the order they first did."""
        return [Overflow(rule, first, self._shown[rule], more) for rule, (first, more) in self._more.items()]
