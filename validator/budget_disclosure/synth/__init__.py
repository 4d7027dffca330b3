"""Synthetic disclosures that are internally consistent by construction, at any size, for every profile.

Exact amounts are drawn in fen (0.01 元) for the leaves of the function classification and for every
other source of money; everything else — subtotals, totals, the tables derived from each other, the
narrative — is computed upward from them, and only then printed: each printed amount is its exact value
rounded half-up to its displayed precision, in 万元 or 元, so rounding differences appear as they do in
real documents. Nothing is generated and then filtered.

Every random choice goes through a ``Chooser``: the property tests drive the builder from Hypothesis
(shrinking included), the kill matrix and the benchmark from a seed (``build_seeded``). ``Size`` scales a
document up to a large disclosure, drawing function and economic codes from the spec's code lists.

The modules: ``profiles`` reads what a profile's form asks (its tables, years, titles, indicator
framework, the columns its titles name) from the spec; ``plan`` draws the plan (every structural choice
and exact amount) first; one builder per table (``summaries``, ``classification``, ``economic``,
``performance``, ``forms``) and for the narrative and the metadata (``narrative``) prints it; ``forms``
adds the optional columns and forms drawn last and rewrites a document without indicator columns or
合计 rows; ``registry`` maps table ids to builders and builds the document; ``oracle`` states what the builder
knows of a document (every amount's format, the identities it made hold and the rules that check them) for
tests that must not take their expectations from the engine. ``Features.mixed_units`` prints tables in
the other unit than the document's (元 among 万元 tables and the reverse). A profile that reuses known
tables needs no code; a new table is a builder function, an entry in ``registry.TABLE_BUILDERS`` and its
place in ``profiles.BUILD_ORDER``.
"""

from __future__ import annotations

from .core import Chooser, SeededChooser, to_json
from .forms import inline_indicator_columns, without_total_rows
from .oracle import Format, Identity, Oracle, Ratio
from .plan import PROFILES, UNITS, Features, Plan, Size, make_plan
from .registry import TABLE_BUILDERS, build, build_seeded, build_seeded_with_oracle, build_with_oracle, profile_tables

__all__ = [
    "PROFILES",
    "TABLE_BUILDERS",
    "UNITS",
    "Chooser",
    "Features",
    "Format",
    "Identity",
    "Oracle",
    "Plan",
    "Ratio",
    "SeededChooser",
    "Size",
    "build",
    "build_seeded",
    "build_seeded_with_oracle",
    "build_with_oracle",
    "inline_indicator_columns",
    "make_plan",
    "profile_tables",
    "to_json",
    "without_total_rows",
]
