"""Profiles as jurisdiction × year range: years, code lists and frameworks by year, table titles, former
names, and one finding for a document whose year the profile does not cover."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import get_spec, validate
from budget_disclosure.errors import SpecError
from budget_disclosure.rules.kinds.structure import title_matches
from budget_disclosure.spec import Spec, YearRange

from .support import CLEAN, ROOT, SEED, load_json, spec_copy

SPEC = get_spec()
PROFILES = sorted(SPEC.profiles)
# Year-dependent rules: they list themselves as skipped for a year outside the profile's.
YEAR_RULES = {
    "classification.function-known",
    "classification.former-name",
    "indicators.level1",
    "structure.table-title",
    "structure.title-year",
}


def _years(pid: str) -> list[int]:
    years = SPEC.profiles[pid].years
    last = years.last if years.last is not None else years.first + 3
    return sorted({years.first, (years.first + last) // 2, last})


def _document_for(pid: str, year: int) -> dict[str, Any]:
    """The clean example recast as a document of profile ``pid`` and fiscal ``year``: the profile's tables
    (an absent one added as a declared empty table) and the titles its form prints."""
    doc = copy.deepcopy(load_json(CLEAN))
    profile = SPEC.profiles[pid]
    doc["profile"] = pid
    doc["metadata"]["fiscal_year"] = year
    for tid in list(doc["tables"]):
        if tid not in profile.tables:
            del doc["tables"][tid]
    for tid in profile.tables:
        doc["tables"].setdefault(tid, {"empty": True, "statement": "本部门无相关收支情况"})
    for tid, table in doc["tables"].items():
        table["title"] = profile.titles[tid][0].replace("{unit}", "").replace("{year}", str(year))
    return doc


def _rules(report: Any) -> list[str]:
    return sorted(f.rule for f in report.findings)


# ------------------------------------------------------------------------------------------ loading
def test_at_least_six_profiles_each_with_years_sources_and_titles() -> None:
    assert len(PROFILES) >= 6
    for pid, profile in SPEC.profiles.items():
        assert isinstance(profile.years, YearRange), pid
        sources = profile.meta["sources"]
        assert sources and all(s["title"] and s["publisher"] and s["year"] for s in sources), pid
        assert any(s["year"] in profile.years for s in sources), f"{pid}: no source of a covered year"
        assert set(profile.tables) <= set(profile.titles), f"{pid}: a required table has no title"
        fy = json.loads((ROOT / f"schemas/profiles/{pid}.json").read_text(encoding="utf-8"))
        bounds = fy["properties"]["metadata"]["properties"]["fiscal_year"]
        assert bounds["minimum"] == profile.years.first
        assert bounds.get("maximum") == profile.years.last


def test_the_seed_profile_has_a_year_free_id() -> None:
    assert "hunan-changsha" in SPEC.profiles
    assert load_json(SEED)["profile"] == "hunan-changsha"
    assert not any(pid[-4:].isdigit() and pid.startswith("hunan-changsha") for pid in SPEC.profiles)


def _break(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    root = spec_copy(tmp_path)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_schema_years_must_agree_with_x_profile(tmp_path: Path) -> None:
    root = _break(tmp_path, "schemas/profiles/hunan-changsha.json", '"maximum": 2024', '"maximum": 2025')
    with pytest.raises(SpecError, match=r"disagree with x-profile\.years"):
        Spec(root)


def test_a_profile_without_sources_is_refused(tmp_path: Path) -> None:
    path = "schemas/profiles/central-2021.json"
    raw = json.loads((ROOT / path).read_text(encoding="utf-8"))
    root = spec_copy(tmp_path)
    del raw["x-profile"]["sources"]
    (root / path).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SpecError, match="xProfile"):
        Spec(root)


def test_a_code_list_outside_the_profiles_years_is_refused(tmp_path: Path) -> None:
    root = _break(
        tmp_path,
        "rules/profiles.yaml",
        "{years: {from: 2022, to: 2024}, framework: post-2021}",
        "{years: {from: 2021, to: 2024}, framework: post-2021}",
    )
    with pytest.raises(SpecError, match="outside the profile's years"):
        Spec(root)


def test_overlapping_ranges_are_refused(tmp_path: Path) -> None:
    root = _break(
        tmp_path,
        "rules/profiles.yaml",
        "      - {years: {from: 2022, to: 2024}, framework: post-2021}",
        "      - {years: {from: 2022, to: 2024}, framework: post-2021}\n"
        "      - {years: {from: 2024, to: 2024}, framework: pre-2021}",
    )
    with pytest.raises(SpecError, match="ranges overlap"):
        Spec(root)


def test_a_code_list_named_beyond_its_own_years_is_refused(tmp_path: Path) -> None:
    root = _break(
        tmp_path, "rules/codelists/function-2024.yaml", "years: {from: 2024, to: 2024}", "years: {from: 2025}"
    )
    spec = Spec(root)
    with pytest.raises(SpecError, match="the list is valid for 2025 onwards"):
        spec.check_profile_data()


# ------------------------------------------------------------------------------------------ by year
@pytest.mark.parametrize(
    ("pid", "year", "framework", "function_list"),
    [
        ("hunan-changsha", 2024, "post-2021", "function-2024"),
        ("hunan-changsha", 2022, "post-2021", None),
        ("hunan-changsha", 2021, None, None),
        ("hunan-changsha", 2025, None, None),
        ("hunan-pre-2021", 2020, "pre-2021", None),
        ("hunan-pre-2021", 2022, None, None),
        ("central-2021", 2030, "post-2021", None),
        ("central-2021", 2024, "post-2021", "function-2024"),
        ("mof-143-2016", 2024, None, "function-2024"),
        ("guizhou-county", 2025, "post-2021", None),
        ("three-public-standalone", 2015, None, None),
        ("three-public-standalone", 2024, None, None),
        ("anhui-three-public", 2020, None, None),
        ("hunan-performance-standalone", 2021, "pre-2021-local", None),
        ("hunan-performance-standalone", 2023, "pre-2021-local", None),
        ("hunan-performance-standalone", 2024, None, None),
        ("hunan-changsha", None, None, None),
        ("hunan-changsha", True, None, None),
        ("hunan-changsha", "2024", None, None),
    ],
)
def test_framework_and_code_list_by_year(pid: str, year: Any, framework: str | None, function_list: str | None) -> None:
    found = SPEC.framework_for(pid, year)
    assert (found.id if found else None) == framework
    codes = SPEC.codelist_for(pid, "function", year)
    assert (codes.id if codes else None) == function_list


def test_year_ranges() -> None:
    closed, open_ = YearRange(2022, 2024), YearRange(2021, None)
    assert 2022 in closed and 2024 in closed and 2025 not in closed and True not in closed
    assert 2100 in open_ and closed.within(open_) and not open_.within(closed)
    assert closed.text == "2022—2024年" and open_.text == "2021年起" and YearRange(2025, 2025).text == "2025年"


# ------------------------------------------------------------------------------------------ documents
@pytest.mark.parametrize("pid", PROFILES)
def test_every_profile_schema_validates_a_document_of_each_covered_year(pid: str) -> None:
    checker = SPEC.schema_checker
    for year in _years(pid):
        doc = _document_for(pid, year)
        assert [f.rule for f in checker.check(doc, None)] == [], (pid, year)
    years = SPEC.profiles[pid].years
    outside = [years.first - 1] + ([years.last + 1] if years.last is not None else [])
    for year in outside:
        found = [f.rule for f in checker.check(_document_for(pid, year), None)]
        assert found == ["schema.profile-year"], (pid, year)


@pytest.mark.parametrize("pid", PROFILES)
def test_titles_of_each_profile_pass_in_each_covered_year(pid: str) -> None:
    for year in _years(pid):
        report = validate(_document_for(pid, year))
        assert "structure.table-title" not in _rules(report), (pid, year)
        assert "structure.table-title" in report.applied, (pid, year)


@pytest.mark.parametrize("year", [2019, 2021, 2025])
def test_a_year_outside_the_profile_is_one_finding(year: int) -> None:
    base = load_json(CLEAN)
    doc = copy.deepcopy(base)
    doc["metadata"]["fiscal_year"] = year
    for table in doc["tables"].values():  # a consistent document of that year: its titles say it too
        table["title"] = table["title"].replace("2024年", f"{year}年")
    before = {(f.rule, f.pointer) for f in validate(base).findings}
    report = validate(doc)
    added = sorted({(f.rule, f.pointer) for f in report.findings} - before)
    assert added == [("schema.profile-year", "/metadata/fiscal_year")]
    finding = next(f for f in report.findings if f.rule == "schema.profile-year")
    assert "2022—2024年" in finding.message and "2022–2024" in finding.message_en
    assert {s.rule for s in report.skipped} >= YEAR_RULES


def test_a_year_outside_the_profile_with_stale_titles_is_still_one_finding() -> None:
    doc = load_json(CLEAN)
    doc["metadata"]["fiscal_year"] = 2025  # the titles still say 2024
    added = {f.rule for f in validate(doc).findings} - {f.rule for f in validate(load_json(CLEAN)).findings}
    assert added == {"schema.profile-year"}


# ------------------------------------------------------------------------------------------ titles
@pytest.mark.parametrize(
    ("pattern", "title", "ok"),
    [
        ("{year}年部门收支总体情况表", "2024年部门收支总体情况表", True),
        ("{year}年部门收支总体情况表", "2024年 部门收支\n总体情况表", True),
        ("{year}年部门收支总体情况表", "2023年部门收支总体情况表", False),
        ("{year}年部门收支总体情况表", "2024年部门收支总表", False),
        ("{year}年部门收支总体情况表", "长沙市企业服务中心2024年部门收支总体情况表", False),
        ("{unit}{year}年部门收支总表", "德江县机关事务中心2024年部门收支总表", True),
        ("{unit}{year}年部门收支总表", "2024年部门收支总表", True),
        (
            "{unit}{year}年一般公共预算基本支出明细表(按经济分类)",
            "某单位2024年一般公共预算基本支出明细表（按经济分类）",
            True,
        ),
        ("{year}年一般公共预算“三公”经费支出情况表", '2024年一般公共预算"三公"经费支出情况表', True),
        ("{year}年一般公共预算“三公”经费支出情况表", "2024年一般公共预算‘三公’经费支出情况表", True),
        ("{year}年一般公共预算“三公”经费支出情况表", "2024年一般公共预算三公经费支出情况表", False),
        ("{year}年{unit}部门“三公”经费情况统计表", "2024年桂林市司法局部门“三公”经费情况统计表", True),
        ("{year}年{unit}部门“三公”经费情况统计表", "2024年部门“三公”经费情况统计表", True),
        ("{year}年{unit}部门“三公”经费情况统计表", "2015年桂林市司法局部门“三公”经费情况统计表", False),
        ("{year}年{unit}部门“三公”经费情况统计表", "桂林市司法局2024年部门“三公”经费情况统计表", False),
        ("绩效目标申报表(基础设施建设类)({year}年度)", "绩效目标申报表（基础设施建设类）（2024年度）", True),
        ("{year}年项目支出绩效目标申报表", "2023年项目支出绩效目标申报表", False),
    ],
)
def test_title_matching(pattern: str, title: str, ok: bool) -> None:
    assert title_matches(pattern, title, 2024) is ok


@pytest.mark.parametrize("path", [SEED, *sorted((ROOT / "examples" / "clean").glob("*.json"))], ids=lambda p: p.name)
def test_real_and_clean_titles_follow_their_profile(path: Path) -> None:
    report = validate(load_json(path))
    assert "structure.table-title" not in _rules(report)
    assert "structure.table-title" in report.applied


def test_a_wrong_title_is_one_warning_at_the_title() -> None:
    doc = load_json(CLEAN)
    doc["tables"]["income"]["title"] = "2024年部门收入预算总表"
    findings = [f for f in validate(doc).findings if f.rule == "structure.table-title"]
    assert [(f.pointer, f.severity.value) for f in findings] == [("/tables/income/title", "warning")]
    assert "2024年部门收入总体情况表" in findings[0].message


# ------------------------------------------------------------------------------------------ former names
def test_former_names_carry_their_last_year() -> None:
    entries = SPEC.codelists["function-2024"].entries
    assert [(f.name, f.last) for f in entries["210"].former_names] == [("医疗卫生与计划生育支出", 2018)]
    old = entries["215"].former_names[0]
    assert old.name == "资源勘探信息等支出" and old.last is None and old.outdated_in(2024)
    assert not entries["210"].former_names[0].outdated_in(2018) and entries["210"].former_names[0].outdated_in(2019)
    assert not old.outdated_in(None)


@pytest.mark.parametrize(
    ("base_path", "code", "former"), [(CLEAN, "210", "医疗卫生与计划生育支出"), (SEED, "215", "资源勘探信息等支出")]
)
def test_a_former_name_in_a_table_is_one_finding(base_path: Path, code: str, former: str) -> None:
    base = load_json(base_path)
    doc = copy.deepcopy(base)
    rows = doc["tables"]["expenditure"]["rows"]
    index = next(i for i, r in enumerate(rows) if r["code"] == code)
    rows[index]["name"] = former
    before = {(f.rule, f.pointer) for f in validate(base).findings}
    added = sorted({(f.rule, f.pointer) for f in validate(doc).findings} - before)
    assert added == [("classification.former-name", f"/tables/expenditure/rows/{index}/name")]


def test_the_seed_reports_its_old_class_name_once_per_place() -> None:
    report = validate(load_json(SEED))
    rules = _rules(report)
    assert "classification.former-name" not in rules  # its tables use the current name
    assert "classification.former-name" in report.applied
    old = [f for f in report.findings if "资源勘探信息等支出" in f.message]
    assert old and {f.rule for f in old} == {"narrative.function-names"}
    assert len({f.pointer for f in old}) == len(old)
