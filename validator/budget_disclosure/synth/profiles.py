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
# Profiles generated documents are drawn from when Features.profile is None.
PROFILES = ("hunan-changsha", "mof-143-2016", "central-2021")


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

    def draw_year(self, ch: Chooser) -> int:
        return 2024

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
