"""Which builder makes which table, and the build itself: the plan, each table of the profile's form, the
narrative, then the forms drawn last, the profile's titles and the metadata."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import classification, economic, forms, narrative, performance, summaries
from .core import Chooser, SeededChooser
from .oracle import Oracle, describe
from .plan import Features, Plan, draw_table_units, make_plan
from .profiles import ProfileForm, profile_form

DEFAULT = Features()  # every structural choice drawn
Builder = Callable[[Plan, Chooser], "dict[str, Any] | None"]

# One builder per table id. A builder reads the plan and returns its table; the tables are built in the
# order of profiles.BUILD_ORDER (the few builders that draw choices of their own come late in it).
TABLE_BUILDERS: dict[str, Builder] = {
    "summary": summaries.summary,
    "income": classification.income,
    "expenditure": classification.expenditure,
    "fiscal_summary": summaries.fiscal_summary,
    "general_budget_expenditure": classification.general_budget_expenditure,
    "basic_expenditure": economic.basic_expenditure,
    "three_public_expenses": economic.three_public_expenses,
    "government_fund_expenditure": classification.government_fund_expenditure,
    "state_capital_expenditure": classification.state_capital_expenditure,
    "project_performance": performance.project_performance,
    "department_performance": performance.department_performance,
    "general_budget_project_expenditure": forms.general_budget_project_expenditure,
}
# Tables built after the narrative (their draws come last, so earlier choices stay put).
LATE_TABLES = ("general_budget_project_expenditure",)


def profile_tables(profile: str) -> tuple[str, ...]:
    """The tables a profile requires (its schema in schemas/profiles/), in build order."""
    return profile_form(profile).tables


def _flag(ch: Chooser, given: bool | None, p: float) -> bool:
    return ch.bool(p) if given is None else given


def build(ch: Chooser, f: Features = DEFAULT) -> dict[str, Any]:
    """A document consistent by construction, of the profile ``f.profile`` (drawn when None)."""
    return _build(ch, f)[1]


def build_with_oracle(ch: Chooser, f: Features = DEFAULT) -> tuple[dict[str, Any], Oracle]:
    """The document ``build`` makes from the same choices, and what the builder knows of it (``oracle``):
    the format of every amount and the identities it made hold, with the rules that check them."""
    plan, document = _build(ch, f)
    return document, describe(plan, document)


def _build(ch: Chooser, f: Features) -> tuple[Plan, dict[str, Any]]:
    plan = make_plan(ch, f)
    if f.mixed_units:
        plan = draw_table_units(ch, plan, (*plan.tables, *(t for t in LATE_TABLES if t not in plan.tables)))
    tables: dict[str, Any] = {}
    for tid in plan.tables:
        if tid not in LATE_TABLES:
            tables[tid] = TABLE_BUILDERS[tid](plan.for_table(tid), ch)
    text = narrative.narrative(plan, ch)
    if _flag(ch, f.forms, 0.3) or plan.form.operating_expenses_column:
        forms.optional_forms(plan, ch, tables)
    if "project_performance" in tables or "department_performance" in tables:
        performance.performance_forms(plan, ch, tables)
    if _late_table_wanted(plan, ch, tables, "general_budget_project_expenditure"):
        table = forms.general_budget_project_expenditure(plan.for_table("general_budget_project_expenditure"), ch)
        if table is not None:
            tables["general_budget_project_expenditure"] = table
    document = {
        "profile": plan.profile,
        "metadata": narrative.metadata(plan, ch),
        "amounts": {"unit": plan.fmt.unit, "precision": plan.fmt.precision},
        "tables": _with_units(plan, _titled(plan.form, plan.year, tables)),
        "narrative": text,
    }
    return plan, forms.inline_indicator_columns(document) if f.inline_indicators else document


def _late_table_wanted(plan: Plan, ch: Chooser, tables: dict[str, Any], tid: str) -> bool:
    """A late table the profile requires, or one a form with a project table may print beside it (drawn, or
    as Features.project_table says)."""
    if tid in plan.tables:
        return True
    return "project_performance" in tables and _flag(ch, plan.features.project_table, 0.5)


def _with_units(plan: Plan, tables: dict[str, Any]) -> dict[str, Any]:
    """Each table printed in another format than the document's declares its own unit and precision."""
    for tid, fmt in plan.table_fmt.items():
        table = tables.get(tid)
        if isinstance(table, dict) and not table.get("empty"):
            table["amounts"] = {"unit": fmt.unit, "precision": fmt.precision, **table.get("amounts", {})}
    return tables


def _titled(form: ProfileForm, year: int, tables: dict[str, Any]) -> dict[str, Any]:
    """Each table titled as its profile's form prints it (rules/profiles.yaml ``titles``, without the
    optional unit name), for the document's fiscal year."""
    for tid, table in tables.items():
        title = form.title(tid, year)
        if title and isinstance(table, dict):
            table["title"] = title
    return tables


def build_seeded(seed: int, features: Features = DEFAULT) -> dict[str, Any]:
    """The document a seed builds, the same on every machine and Python version."""
    return build(SeededChooser(seed), features)


def build_seeded_with_oracle(seed: int, features: Features = DEFAULT) -> tuple[dict[str, Any], Oracle]:
    """``build_seeded``'s document and its oracle."""
    return build_with_oracle(SeededChooser(seed), features)
