"""The HTML report without a browser: its structure, escaping, determinism, languages, and the documents
it must draw (an empty table, no findings, a narrative finding, input that could not be read)."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from budget_disclosure import pointer as jp
from budget_disclosure.api import validate
from budget_disclosure.cli import main
from budget_disclosure.findings import Report
from budget_disclosure.reporters import to_html
from budget_disclosure.reporters.html_render import esc
from tests.support import CLEAN, SEED, load_json

SCALARS = (str, int, bool, type(None))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def with_attr(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if name in a]


def page(report: Report | None, document: Any, lang: str = "zh") -> tuple[str, Elements]:
    text = to_html(report, document, lang=lang)
    return text, Elements(text)


def is_scalar_at(document: Any, pointer: str) -> bool:
    try:
        value = jp.resolve(document, pointer)
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    return not isinstance(value, (dict, list))


@pytest.fixture(scope="module")
def seed() -> tuple[Report, Any]:
    return validate(SEED), load_json(SEED)


def test_one_self_contained_file(seed: tuple[Report, Any]) -> None:
    text, found = page(*seed)
    assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n")
    tags = [t for t, _ in found.tags]
    assert tags.count("script") == 1 and tags.count("style") == 1 and tags.count("section") >= 11
    assert not [a for t, a in found.tags if "src" in a or (t == "link" and a.get("href") != "data:,")]
    assert not [a for _, a in found.tags if any(v.startswith(("http:", "https:", "//")) for v in a.values())]
    style = text[text.index("<style>") : text.index("</style>")]
    assert "@import" not in style and "url(" not in style and "fetch(" not in found.scripts[0]


def test_every_finding_is_listed_and_every_cell_finding_marked(seed: tuple[Report, Any]) -> None:
    report, document = seed
    _, found = page(report, document)
    listed = [a for _, a in found.tags if "finding" in a.get("class", "").split()]
    assert [a["data-rule"] for a in listed] == [f.rule for f in report.findings]
    marked = {a["data-ptr"]: a for a in found.with_attr("data-mark")}
    expected = {f.pointer for f in report.findings if is_scalar_at(document, f.pointer)}
    assert set(marked) == expected
    assert len(expected) >= 80  # the seed: every finding but the department's coverage is on a cell
    for ptr, attrs in marked.items():
        worst = max((f.severity for f in report.findings if f.pointer == ptr), key=lambda s: s.rank)
        assert attrs["data-mark"] == worst.value
        ids = attrs["data-f"].split()
        assert [listed[int(i.rsplit("f", 1)[1])]["data-ptr"] for i in ids] == [ptr] * len(ids)
    coverage = next(a for a in listed if a["data-rule"] == "indicators.coverage")
    section = next(a for t, a in found.tags if t == "section" and a.get("data-table") == "department_performance")
    assert "data-cell" not in coverage and coverage["data-section"] == section["id"]


def test_every_value_of_the_document_has_one_cell(seed: tuple[Report, Any]) -> None:
    _, found = page(*seed)
    cells = [a["data-ptr"] for t, a in found.tags if "data-ptr" in a and "id" in a and t != "li"]
    from tests.support import leaf_pointers

    leaves = [p for p in leaf_pointers(seed[1]) if is_scalar_at(seed[1], p)]
    assert set(leaves) <= set(cells)


def test_related_cells_are_named_on_the_finding(seed: tuple[Report, Any]) -> None:
    report, document = seed
    _, found = page(report, document)
    ids = {a["data-ptr"]: a["id"] for t, a in found.tags if "data-ptr" in a and "id" in a and t != "li"}
    item = next(a for _, a in found.tags if a.get("data-rule") == "indicators.cost-within-money")
    related = next(f for f in report.findings if f.rule == "indicators.cost-within-money").related
    assert item["data-rel"].split() == [ids[p] for p in related]
    assert item["data-cell"] == ids[item["data-ptr"]]


def test_the_empty_table_shows_its_statement_and_note(seed: tuple[Report, Any]) -> None:
    text, _ = page(*seed)
    section = text[text.index('data-table="government_fund_expenditure"><h2>') :]
    section = section[: section.index("</section>")]
    assert "空表" in section and "（本表未印空表说明）" in section and "此表如无数字则表示单位无该项支出" in section
    assert "以上部门预算报表中，空表表示本部门无相关收支情况" in section  # the document's statement, as a reminder
    document = seed[1]
    stated = copy.deepcopy(document)
    stated["tables"]["government_fund_expenditure"]["statement"] = "本部门无政府性基金预算收支情况"
    text, found = page(validate(stated), stated)
    statement = next(a for a in found.with_attr("data-ptr") if a["data-ptr"].endswith("expenditure/statement"))
    assert statement["data-ptr"] == "/tables/government_fund_expenditure/statement"
    assert "本部门无政府性基金预算收支情况" in text


def test_a_document_without_findings() -> None:
    report = validate(CLEAN, ignore=sorted({f.rule for f in validate(CLEAN).findings}))
    assert report.findings == ()
    text, found = page(report, load_json(CLEAN))
    assert not found.with_attr("data-mark") and "未发现问题" in text and "verdict ok" in text
    assert '<th scope="row" colspan="2">合计</th>' in text


def test_a_finding_at_a_narrative_figure(seed: tuple[Report, Any]) -> None:
    _, found = page(*seed)
    cell = next(a for a in found.with_attr("data-ptr") if a["data-ptr"] == "/narrative/expenditure/by_function/0/name")
    assert cell["data-mark"] == "warning"
    item = next(a for _, a in found.tags if a.get("id") == cell["data-f"])
    assert item["data-table"] == "narrative" and item["data-cell"] == cell["id"]


def test_input_that_could_not_be_read() -> None:
    report = validate(b'{"profile": "hunan-changsha", ')
    text, found = page(report, None, lang="en")
    listed = [a for _, a in found.tags if a.get("data-rule", "").startswith("input.")]
    assert listed and all("data-cell" not in a for a in listed)
    assert "could not be read" in text and not found.with_attr("data-mark")


def test_hostile_text_is_escaped(seed: tuple[Report, Any]) -> None:
    document = seed[1]
    hostile = copy.deepcopy(document)
    attack = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">"\'&'
    hostile["metadata"]["unit_name"] = attack
    hostile["tables"]["income"]["rows"][0]["name"] = attack
    hostile["tables"]["income"]["title"] = attack
    hostile["tables"]["income"]["rows"][0][attack] = attack  # an unknown column, named by the attack
    text, found = page(validate(hostile), hostile)
    assert len(found.scripts) == 1 and "pwned" not in found.scripts[0]
    assert not [a for _, a in found.tags if "onerror" in a or "src" in a]
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in text
    unknown = jp.join("/tables/income/rows/0", attack)
    assert unknown in {a["data-ptr"] for a in found.with_attr("data-mark")}  # schema.unknown-field, marked


def test_the_same_input_gives_the_same_bytes(seed: tuple[Report, Any]) -> None:
    assert to_html(*seed) == to_html(validate(SEED), load_json(SEED))
    assert to_html(*seed, lang="en") == to_html(*seed, lang="en")


def test_both_languages(seed: tuple[Report, Any]) -> None:
    report, document = seed
    zh, en = to_html(report, document), to_html(report, document, lang="en")
    assert '<html lang="zh-CN">' in zh and "问题清单" in zh and esc(report.findings[0].message) in zh
    assert '<html lang="en">' in en and "Findings" in en and esc(report.findings[0].message_en) in en
    assert "问题清单" not in en and "按严重程度" not in en
    from budget_disclosure.reporters.html_assets import WORDS

    assert WORDS["zh"].keys() == WORDS["en"].keys()
    with pytest.raises(ValueError, match="unknown language"):
        to_html(report, document, lang="fr")


def test_the_command_writes_one_page_for_a_batch(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    broken = tmp_path / "broken.json"
    broken.write_text('{"profile": ', encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["validate", "--format", "html", "-o", str(out), str(SEED), str(broken), str(missing)]
    )
    assert result.exit_code == 2, result.output
    text = out.read_text(encoding="utf-8")
    found = Elements(text)
    sections = [a for t, a in found.tags if t == "section" and "doc" in a.get("class", "").split()]
    assert [a["id"] for a in sections] == ["d1-doc", "d2-doc", "d3-doc"]
    assert "no such file or folder" in text and "input.not-json" in text and "共 3 个文档" in text
    again = tmp_path / "again.html"
    CliRunner().invoke(main, ["validate", "--format", "html", "-o", str(again), str(SEED), str(broken), str(missing)])
    assert again.read_bytes() == out.read_bytes()
    single = CliRunner().invoke(main, ["validate", "--format", "html", "--lang", "en", str(SEED)])
    assert single.exit_code == 1 and single.output.count('<section class="doc"') == 1
    assert json.dumps("Findings")[1:-1] in single.output
