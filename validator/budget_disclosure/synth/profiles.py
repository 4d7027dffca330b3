"""What a profile's form asks of a generated document, read from the spec: the tables (its schema's
required tables, in the order the builder makes them), its fiscal years, each table's printed title, the
indicator framework of a year and the columns its titles name. A profile that only reuses known tables
needs no code here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .core import Chooser

if TYPE_CHECKING:
    from ..codelists import Framework
    from ..spec import ProfileInfo

# The order the builder makes the tables in (the draws of each happen in this order; a table drawn
# late comes after the narrative). The document lists them in this order too.
BUILD_ORDER = (
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_budget_expenditure",
    "basic_expenditure",
    "three_public_expenses",
    "government_fund_expenditure",
    "state_capital_expenditure",
    "project_performance",
    "department_performance",
    "general_budget_project_expenditure",
)
# A profile whose years have no end: documents are drawn up to this year.
LAST_YEAR = 2025


def _spec_profiles() -> tuple[str, ...]:
    from ..spec import get_spec

    return tuple(sorted(get_spec().profiles))


# Every profile of the spec (schemas/profiles/); documents are drawn from them when Features.profile is None.
PROFILES = _spec_profiles()


@dataclass(frozen=True)
class ProfileForm:
    info: ProfileInfo

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables the profile requires, in build order."""
        return tuple(t for t in BUILD_ORDER if t in self.info.tables)

    @property
    def state_capital(self) -> bool:
        return "state_capital_expenditure" in self.info.tables

    @property
    def years(self) -> list[int]:
        """The fiscal years of the profile (open-ended ones up to LAST_YEAR)."""
        first, last = self.info.years.first, self.info.years.last
        return list(range(first, (last if last is not None else max(first, LAST_YEAR)) + 1))

    def draw_year(self, ch: Chooser) -> int:
        """A fiscal year of the profile; mostly one its code lists cover, when some year has them (so that
        the code-list rules run more often than they are skipped)."""
        years = self.years
        listed = [y for y in years if any(y in r for r, _ in self.info.code_lists)]
        return ch.choice(listed if listed and ch.bool(0.7) else years)

    def framework(self, year: int) -> Framework | None:
        from ..spec import get_spec

        return get_spec().framework_for(self.id, year)

    def title(self, table: str, year: int) -> str | None:
        """The table's title as the form prints it (its first pattern, without the optional unit name)."""
        patterns = self.info.titles.get(table)
        if not patterns:
            return None
        return patterns[0].replace("{unit}", "").replace("{year}", str(year))

    @property
    def operating_expenses_column(self) -> bool:
        """The form's 三公 table prints 机关运行经费 too (its title names it)."""
        return any("机关运行经费" in t for t in self.info.titles.get("three_public_expenses", ()))


@cache
def profile_form(profile: str) -> ProfileForm:
    from ..spec import get_spec

    spec = get_spec()
    info = spec.profiles.get(profile)
    if info is None:
        raise ValueError(f"unknown profile {profile!r}; the spec has {sorted(spec.profiles)}")
    unknown = [t for t in info.tables if t not in BUILD_ORDER]
    if unknown:
        raise ValueError(f"profile {profile!r} requires tables synth has no builder for: {unknown}")
    return ProfileForm(info)
