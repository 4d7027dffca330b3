"""Take the screenshots of the seed's HTML report that docs/ and the README show.

    PYTHONPATH=validator python tests/tools/report_screenshots.py

Writes docs/report-seed-zh.png and docs/report-seed-en.png (the first screen in each language) and
docs/report-seed-cells.png (a finding selected: its cell, its related cell and the explanation on the
cell). Uses Debian's Chromium (/usr/bin/chromium) through Playwright, like tests/test_html_report.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from budget_disclosure import validate
from budget_disclosure.reader import read
from budget_disclosure.reporters import to_html

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "hunan-changsha" / "changsha-enterprise-service-center-2024.json"
DOCS = ROOT / "docs"
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


def _cells(page: Page, rule: str) -> None:
    """Select the first finding of ``rule`` and hover its cell, as a reviewer would."""
    item = page.locator(f"li.finding[data-rule='{rule}']").first
    item.click()
    cell = page.locator("#" + (item.get_attribute("data-cell") or ""))
    page.evaluate("id => document.getElementById(id).scrollIntoView({block: 'center'})", cell.get_attribute("id"))
    page.mouse.wheel(0, 120)
    cell.hover()
    page.wait_for_timeout(100)


def main() -> int:
    report = validate(SEED)
    document = read(SEED).document
    source = str(SEED.relative_to(ROOT))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for lang in ("zh", "en"):
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_content(to_html(report, document, lang=lang, source=source))
            page.screenshot(path=str(DOCS / f"report-seed-{lang}.png"))
            if lang == "zh":
                _cells(page, "indicators.cost-within-money")
                page.screenshot(path=str(DOCS / "report-seed-cells.png"))
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
