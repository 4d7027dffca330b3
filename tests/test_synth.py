"""The builder of generated documents (``budget_disclosure.synth``): every profile of the spec is generated
from its spec alone (its table set, years, titles, indicator framework and the columns its titles name);
each table's builder makes a table its own schema accepts; every profile's documents, in every variant, are
clean in default and strict mode; a seed always builds the same document."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from budget_disclosure import Severity, validate
from budget_disclosure.spec import Spec, get_spec
from budget_disclosure.synth import (
    PROFILES,
    TABLE_BUILDERS,
    UNITS,
    Features,
    SeededChooser,
    Size,
    build,
    build_seeded,
    inline_indicator_columns,
    make_plan,
    profile_tables,
    to_json,
    without_total_rows,
)
from budget_disclosure.synth.narrative import NARRATIVE_TABLE, metadata, narrative
from budget_disclosure.synth.profiles import BUILD_ORDER

from .support import EXAMPLES

SPEC = get_spec()
SEEDS = range(6)
# Tables a document may carry beyond its profile's set: the 一般公共预算项目支出表 beside a project table.
OPTIONAL = {"general_budget_project_expenditure"}
# Feature sets that between them reach every branch of every builder: both layouts, every unit, exact
# and rounded amounts, a government fund and a state capital table with data and declared empty, one
# and two units, a vehicle purchase, the optional forms, unit tables, a sized document.
VARIETY = [
    Features(layout="nature", unit=UNITS[0], government_fund=True, state_capital=True, two_units=True, forms=True),
    Features(layout="function", unit=UNITS[1], government_fund=False, state_capital=False, exact=False, forms=False),
    Features(layout="nature", unit=UNITS[2], carryover=True, purchase=True, exact=True, two_units=False),
    Features(layout="function", unit=UNITS[0], carryover=False, admin=True, unit_tables=True, project_details=True),
    Features(size=Size(12, 5, 8), project_table=True),
]


def _errors(spec: Spec, instance: Any, ref: str) -> list[str]:
    """What the spec's schema at ``ref`` (a URI, possibly with a pointer) says is wrong with ``instance``."""
    validator = Draft202012Validator({"$ref": ref}, registry=spec.schema_checker.registry)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def _with(profile: str, features: Features, **more: Any) -> Features:
    return Features(**{**features.__dict__, "profile": profile, **more})


def _above_info(document: Any, strict: bool = False) -> list[tuple[str, str, str]]:
    report = validate(document, strict_arithmetic=strict)
    return [(f.rule, f.pointer, f.message) for f in report.findings if f.severity is not Severity.INFO]


# ------------------------------------------------------------------------------------------ the registry
def test_every_profile_of_the_spec_is_generated() -> None:
    assert set(PROFILES) == set(SPEC.profiles)
    assert set(TABLE_BUILDERS) == set(BUILD_ORDER) == set(SPEC.tables)


def test_an_unknown_profile_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown profile 'no-such-profile'"):
        build_seeded(1, Features(profile="no-such-profile"))


@pytest.mark.parametrize("profile", PROFILES)
def test_a_profile_gets_its_whole_table_set_its_years_and_titles(profile: str) -> None:
    info = SPEC.profiles[profile]
    assert set(profile_tables(profile)) == set(info.tables)
    seen: set[str] = set()
    for seed in SEEDS:
        doc = build_seeded(seed, Features(profile=profile))
        tables = set(doc["tables"])
        assert doc["profile"] == profile
        assert set(info.tables) <= tables and tables - set(info.tables) <= OPTIONAL
        assert doc["metadata"]["fiscal_year"] in info.years
        year = str(doc["metadata"]["fiscal_year"])
        for tid, table in doc["tables"].items():
            patterns = info.titles.get(tid)
            if patterns and "title" in table:
                assert table["title"] == patterns[0].replace("{unit}", "").replace("{year}", year)
        # the narrative states only what the form's tables hold
        assert all(NARRATIVE_TABLE[k.removesuffix("_change")] in tables for k in doc["narrative"] if k != "amounts")
        seen |= tables
    assert set(info.tables) <= seen


def test_a_year_outside_every_code_list_and_a_given_year() -> None:
    years = {build_seeded(s, Features(profile="mof-143-2016"))["metadata"]["fiscal_year"] for s in range(40)}
    assert 2024 in years and len(years) > 2
    assert build_seeded(1, Features(profile="mof-143-2016", year=2018))["metadata"]["fiscal_year"] == 2018


def test_the_pre_2021_framework_puts_cost_under_output() -> None:
    for seed in SEEDS:
        doc = build_seeded(seed, Features(profile="hunan-pre-2021"))
        rows = [
            i for u in doc["tables"]["project_performance"]["units"] for p in u["projects"] for i in p["indicators"]
        ]
        assert {r["level1"] for r in rows} == {"产出指标", "效益指标", "满意度指标"}
        assert ("产出指标", "成本指标") in {(r["level1"], r["level2"]) for r in rows}


def test_a_three_public_title_naming_operating_expenses_prints_the_column() -> None:
    for seed in SEEDS:
        tables = build_seeded(seed, Features(profile="shanghai-district", forms=False))["tables"]
        assert "operating_expenses" in tables["three_public_expenses"]["total_row"]
        assert {"personnel", "public"} <= set(tables["general_budget_expenditure"]["total_row"])
        other = build_seeded(seed, Features(profile="mof-143-2016", forms=False))["tables"]
        assert "operating_expenses" not in other["three_public_expenses"]["total_row"]


def test_a_stand_alone_three_public_document_states_only_three_public() -> None:
    for seed in SEEDS:
        doc = build_seeded(seed, Features(profile="three-public-standalone"))
        assert list(doc["tables"]) == ["three_public_expenses"]
        assert set(doc["narrative"]) <= {"amounts", "three_public", "vehicles"}


# ------------------------------------------------------------------------------------------ builders
@pytest.mark.parametrize("table", BUILD_ORDER)
def test_each_builder_returns_a_table_its_own_schema_accepts(spec: Spec, table: str) -> None:
    profiles = [p for p in PROFILES if table in profile_tables(p)]
    assert profiles, f"no profile of synth.PROFILES requires {table}"
    for seed in SEEDS:
        for features in VARIETY:
            ch = SeededChooser(seed)
            plan = make_plan(ch, _with(profiles[seed % len(profiles)], features))
            built = TABLE_BUILDERS[table](plan, ch)
            assert built is not None
            assert _errors(spec, built, spec.tables[table].uri) == [], (table, seed, features)


def test_narrative_and_metadata_builders_satisfy_their_schemas(spec: Spec) -> None:
    for seed in SEEDS[:3]:
        for features in VARIETY:
            for profile in PROFILES:
                ch = SeededChooser(seed)
                plan = make_plan(ch, _with(profile, features))
                assert _errors(spec, narrative(plan, ch), spec.base_uri + "narrative.json") == []
                assert _errors(spec, metadata(plan, ch), spec.document_uri + "#/properties/metadata") == []


def test_both_empty_and_filled_fund_tables_are_built() -> None:
    for table, flag in (
        ("government_fund_expenditure", "government_fund"),
        ("state_capital_expenditure", "state_capital"),
    ):
        for profile in (p for p in PROFILES if table in profile_tables(p)):
            filled = build_seeded(3, Features(profile=profile, **{flag: True}))["tables"][table]
            empty = build_seeded(3, Features(profile=profile, **{flag: False}))["tables"][table]
            assert filled["rows"] and "empty" not in filled
            assert empty["empty"] is True and "rows" not in empty


# ------------------------------------------------------------------------------------------ clean documents
VARIANTS = {
    "drawn": Features(),
    "forms": Features(forms=True, project_table=True, project_details=True),
    "units": Features(unit_tables=True, two_units=True, department_whole=False),
    "yuan": Features(unit=("元", 0), forms=True),
    "wan": Features(unit=("万元", 2), forms=False),
    "inline": Features(inline_indicators=True),
}


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_and_variant_is_clean_in_default_and_strict_mode(profile: str) -> None:
    for seed in range(3):
        for name, features in VARIANTS.items():
            doc = build_seeded(seed, _with(profile, features))
            assert not _above_info(doc), (seed, name, _above_info(doc))
            no_total = [t for t, v in doc["tables"].items() if "total_row" in v and not v.get("aggregate")]
            assert not _above_info(without_total_rows(doc, no_total)), (seed, name, "no 合计 rows")
            exact = build_seeded(seed, _with(profile, features, exact=True))
            assert not _above_info(exact, strict=True), (seed, name, _above_info(exact, strict=True))


def test_the_variants_have_their_shape() -> None:
    aggregate = inline = units = False
    for seed in range(12):
        doc = build_seeded(seed, Features(profile="hunan-changsha", forms=True, unit_tables=True, two_units=True))
        aggregate |= bool(doc["tables"]["three_public_expenses"].get("aggregate"))
        units |= len(doc["tables"]["department_performance"].get("units", [])) == 2
        moved = inline_indicator_columns(doc)
        rows = moved["tables"]["project_performance"]["units"][0]["projects"][0]["indicators"]
        inline |= all("value_type" not in r and "unit" not in r for r in rows)
        assert (
            build_seeded(
                seed,
                Features(
                    profile="hunan-changsha", forms=True, unit_tables=True, two_units=True, inline_indicators=True
                ),
            )
            == moved
        )
    assert aggregate and inline and units


# ------------------------------------------------------------------------------------------ determinism
def test_a_seed_builds_the_same_document_every_time() -> None:
    for seed in SEEDS[:3]:
        for features in VARIETY:
            first = to_json(build_seeded(seed, features))
            assert to_json(build_seeded(seed, features)) == first
            assert to_json(build(SeededChooser(seed), features)) == first
    assert len({to_json(build_seeded(seed)) for seed in SEEDS}) == len(SEEDS)


def test_every_profile_has_its_generated_example_and_it_is_what_synth_builds() -> None:
    """examples/generated/<profile>.json is `python -m budget_disclosure.synth --profile <profile>`: one per
    profile, rebuilt rather than edited (its sidecar holds its exact findings, run by test_examples)."""
    folder = EXAMPLES / "generated"
    assert sorted(p.stem for p in folder.glob("*.json")) == sorted(PROFILES)
    for profile in PROFILES:
        built = to_json(build_seeded(0, Features(profile=profile)), indent=2) + "\n"
        assert (folder / f"{profile}.json").read_text(encoding="utf-8") == built, profile
