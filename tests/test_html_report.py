"""The seed's HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

One browser for the module. The report is loaded with every request intercepted: a self-contained page
makes none. When the browser cannot start these tests fail (install it with ``apt-get install
chromium``; ``.ci/run`` does), they are never skipped.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from budget_disclosure import pointer as jp
from budget_disclosure.api import validate
from budget_disclosure.cli import main
from budget_disclosure.findings import Finding, Report
from budget_disclosure.reporters import to_html
from tests.support import SEED, load_json

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RANK = {"error": 3, "warning": 2, "info": 1}

STATE = """doc => ({
  shown: [...doc.querySelectorAll('li.finding:not([hidden])')].map(li => li.dataset.ptr + ' ' + li.dataset.rule),
  marks: Object.fromEntries([...doc.querySelectorAll('[data-mark]')].map(c => [c.dataset.ptr, c.dataset.mark])),
})"""
# Choosing in a filter as the page's own change event does it, and reading the state back, in one round trip.
CHOOSE = (
    """(doc, [ctl, value]) => {
  const select = doc.querySelector(`[data-ctl=${ctl}]`);
  select.value = value;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  return ("""
    + STATE
    + """)(doc);
}"""
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the test extra installs it
        pytest.fail(f"playwright is not installed ({exc}); pip install '.[test]'")
    with sync_playwright() as pw:
        try:
            launched = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}"
            pytest.fail(f"Chromium did not start from {CHROMIUM} ({why}); apt-get install chromium")
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def seed() -> tuple[Report, Any]:
    return validate(SEED), load_json(SEED)


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed's report as the command writes it."""
    out = tmp_path_factory.mktemp("html") / "seed.html"
    result = CliRunner().invoke(main, ["validate", "--format", "html", "-o", str(out), str(SEED)])
    assert result.exit_code == 1, result.output
    return out.read_text(encoding="utf-8")


class Loaded:
    """A page with the report loaded, every request recorded and refused, every console error kept."""

    def __init__(self, browser: Any, html: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._refuse)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.set_content(html, wait_until="load")
        self.doc = self.page.locator("section.doc").first

    def _refuse(self, route: Any) -> None:
        route.abort()

    def state(self) -> dict[str, Any]:
        result: dict[str, Any] = self.doc.evaluate(STATE)
        return result

    def choose(self, ctl: str, value: str) -> None:
        """Through the select element, as a person does."""
        self.page.select_option(f"[data-ctl={ctl}]", value)

    def chosen(self, ctl: str, value: str) -> dict[str, Any]:
        """The state after choosing ``value`` (the change event the select fires, in one round trip)."""
        result: dict[str, Any] = self.doc.evaluate(CHOOSE, [ctl, value])
        return result


@pytest.fixture(scope="module")
def loaded(browser: Any, seed_html: str) -> Iterator[Loaded]:
    page = Loaded(browser, seed_html)
    yield page
    page.page.close()


def _cell_findings(report: Report, document: Any) -> list[Finding]:
    out = []
    for f in report.findings:
        try:
            value = jp.resolve(document, f.pointer)
        except (KeyError, IndexError, ValueError, TypeError):
            continue
        if not isinstance(value, (dict, list)):
            out.append(f)
    return out


def _expected(findings: list[Finding], cells: list[Finding]) -> dict[str, Any]:
    keep = {id(f) for f in findings}
    marks: dict[str, str] = {}
    for f in cells:
        if id(f) in keep and RANK[f.severity.value] > RANK.get(marks.get(f.pointer, ""), 0):
            marks[f.pointer] = f.severity.value
    return {"shown": [f"{f.pointer} {f.rule}" for f in findings], "marks": marks}


def test_loads_without_errors_or_requests(loaded: Loaded) -> None:
    assert loaded.errors == []
    assert loaded.requests == []
    assert loaded.page.title() == "部门预算公开校验报告"
    assert loaded.page.locator("table.grid").count() >= 10


def test_every_finding_with_a_cell_is_marked(loaded: Loaded, seed: tuple[Report, Any]) -> None:
    report, document = seed
    cells = _cell_findings(report, document)
    state = loaded.state()
    assert len(state["shown"]) == len(report.findings) == 93
    assert len(state["marks"]) == len({f.pointer for f in cells})
    assert state == _expected(list(report.findings), cells)
    assert loaded.page.locator("[data-mark]:visible").count() == len(state["marks"])
    on_cells = loaded.page.eval_on_selector_all("[data-mark]", "cs => cs.flatMap(c => c.dataset.f.split(' '))")
    assert len(on_cells) == len(set(on_cells)) == len(cells) == 92  # every finding but the coverage one


@pytest.mark.parametrize("ctl", ["sev", "table", "rule"])
def test_each_filter_shows_exactly_its_findings(loaded: Loaded, seed: tuple[Report, Any], ctl: str) -> None:
    report, document = seed
    cells = _cell_findings(report, document)
    values = loaded.page.eval_on_selector_all(f"[data-ctl={ctl}] option", "os => os.map(o => o.value).filter(v => v)")
    key = {
        "sev": lambda f: f.severity.value,
        "table": lambda f: jp.parse(f.pointer)[1] if f.pointer.startswith("/tables/") else jp.parse(f.pointer)[0],
        "rule": lambda f: f.rule,
    }[ctl]
    assert set(values) >= {key(f) for f in report.findings}
    try:
        for value in values:
            chosen = [f for f in report.findings if key(f) == value]
            assert loaded.chosen(ctl, value) == _expected(chosen, cells), f"{ctl}={value}"
            if ctl == "table":
                visible = loaded.page.eval_on_selector_all(
                    "section.tbl:not([hidden])", "ss => ss.map(s => s.dataset.table)"
                )
                assert visible == [value]
    finally:
        assert len(loaded.chosen(ctl, "")["shown"]) == len(report.findings)


def test_filters_combine_and_clear(loaded: Loaded, seed: tuple[Report, Any]) -> None:
    report, document = seed
    loaded.choose("sev", "warning")
    loaded.choose("table", "department_performance")
    chosen = [f for f in report.findings if f.severity.value == "warning" and "/department_performance/" in f.pointer]
    assert loaded.state() == _expected(chosen, _cell_findings(report, document))
    assert loaded.page.locator(".shown").inner_text() == f"显示 {len(chosen)} / 93 条"
    loaded.page.click(".clear")
    assert len(loaded.state()["shown"]) == 93


def _in_viewport(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= view["height"] and box["x"] >= 0


def test_clicking_a_finding_shows_its_cell_and_related_cells(loaded: Loaded, seed: tuple[Report, Any]) -> None:
    report, _ = seed
    page = loaded.page
    index = next(i for i, f in enumerate(report.findings) if f.rule == "indicators.cost-within-money")
    item = f"#d1-f{index}"
    cell = page.get_attribute(item, "data-cell")
    related = page.get_attribute(item, "data-rel")
    assert cell and related
    page.evaluate("window.scrollTo(0, 0)")
    assert not _in_viewport(page, f"#{cell}")
    page.click(item)
    assert _in_viewport(page, f"#{cell}")
    assert "sel" in (page.get_attribute(f"#{cell}", "class") or "")
    for rid in related.split():
        assert "rel" in (page.get_attribute(f"#{rid}", "class") or "").split()
    assert page.locator(".rel").count() == len(related.split())
    last = f"#d1-f{len(report.findings) - 1}"  # the last finding, far down the page
    page.click(last)
    assert _in_viewport(page, "#" + page.get_attribute(last, "data-cell"))
    assert page.locator(".rel").count() == 0


def test_a_marked_cell_explains_itself(loaded: Loaded, seed: tuple[Report, Any]) -> None:
    report, _ = seed
    page = loaded.page
    finding = next(f for f in report.findings if f.rule == "three_public.unit-names")
    cell = page.locator(f"[data-ptr='{finding.pointer}'][data-mark]")
    cell.scroll_into_view_if_needed()
    cell.hover()
    pop = page.locator(".pop")
    assert pop.is_visible()
    assert finding.message in pop.inner_text() and finding.rule in pop.inner_text()
    page.keyboard.press("Escape")
    cell.focus()
    assert pop.is_visible()
    page.keyboard.press("Escape")
    assert not pop.is_visible()


def test_english_and_hostile_text(browser: Any, seed: tuple[Report, Any]) -> None:
    document = seed[1]
    hostile = copy.deepcopy(document)
    attack = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
    hostile["tables"]["income"]["rows"][0]["name"] = attack
    hostile["metadata"]["unit_name"] = attack
    evil = "x'\"]<script>window.pwned=3</script>"
    hostile["tables"][evil] = {"rows": [{"name": attack}]}  # an unknown table, named by the attack
    loaded = Loaded(browser, to_html(validate(hostile), hostile, lang="en"))
    try:
        tile = loaded.page.locator(".tile").filter(has_text="window.pwned=3")
        tile.click()  # filters by that table and scrolls to it
        assert loaded.page.eval_on_selector_all("section.tbl:not([hidden])", "ss => ss.map(s => s.dataset.table)") == [
            evil
        ]
        assert loaded.errors == [] and loaded.requests == []
        assert loaded.page.evaluate("window.pwned") is None
        name = loaded.page.locator("td[data-ptr='/tables/income/rows/0/name']")
        assert name.inner_text() == attack
        assert loaded.page.locator("aside h2").inner_text() == "Findings"
    finally:
        loaded.page.close()


def test_the_screenshots_are_in_docs() -> None:
    """The README and docs/CLI.md show these (taken by tests/tools/report_screenshots.py)."""
    docs = Path(__file__).resolve().parents[1] / "docs"
    for name in ("report-seed-zh.png", "report-seed-en.png", "report-seed-cells.png"):
        data = (docs / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    readme = (docs.parent / "README.md").read_text(encoding="utf-8")
    assert "](docs/report-seed-zh.png)" in readme and "report-seed-cells.png" in (docs / "CLI.md").read_text("utf-8")
