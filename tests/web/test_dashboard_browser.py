"""The dashboard in a real browser (Playwright driving Debian's chromium, headless)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import XSS_BODY, XSS_TITLE

pytestmark = pytest.mark.browser


def test_article_list_loads_and_filters(page, server: str, screenshots: Path) -> None:
    page.goto(server + "/")
    rows = page.locator("table.articles tbody tr")
    assert rows.count() == 8
    page.screenshot(path=str(screenshots / "list.png"), full_page=True)
    page.select_option("select[name=source]", "Daily Planet")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**source=Daily+Planet**")
    assert page.locator("table.articles tbody tr").count() == 3
    assert "3 articles" in page.locator("p.count").inner_text()
    page.fill("input[name=q]", "civilians")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=civilians**")
    assert page.locator("table.articles tbody tr").count() == 1
    assert page.locator(".snippet mark").first.inner_text().lower() == "civilians"
    page.screenshot(path=str(screenshots / "list-filtered.png"), full_page=True)
    assert page.js_errors == []


def test_open_article_shows_highlights_and_legend(page, server: str, screenshots: Path) -> None:
    page.goto(server + "/")
    page.click("a.title:has-text('Assad flees to Moscow')")
    page.wait_for_url("**/articles/a1")
    assert page.locator("h1").inner_text() == "Assad flees to Moscow"
    antagonist = page.locator("#text .hl-role-antagonist")
    assert antagonist.count() >= 1 and "Assad" in antagonist.first.inner_text()
    assert page.locator("#text .hl-role-protagonist").first.inner_text() == "Putin"
    assert page.locator("#text .hl-technique").first.inner_text() == "brutal dictator"
    assert page.locator("#text .hl-evidence").count() >= 1
    assert page.locator("ul.key li").count() == 7
    # highlighting does not change the text
    assert page.locator("#text").inner_text() == page.evaluate("fetch('/api/articles/a1').then(r => r.json())"
                                                                ".then(j => j.article.text)")
    page.screenshot(path=str(screenshots / "article.png"), full_page=True)
    assert page.js_errors == []


def test_corpus_views_render_charts(page, server: str, screenshots: Path) -> None:
    page.goto(server + "/corpus")
    assert page.locator("svg.chart").count() >= 2 + 3
    assert page.locator("table.matrix svg.rolebar").count() >= 3
    assert page.locator("table.clusters tbody tr").count() == 1
    page.screenshot(path=str(screenshots / "corpus.png"), full_page=True)
    page.click("nav.buckets a:has-text('day')")
    page.wait_for_url("**bucket=day")
    assert "2024-12-19" in page.locator("svg.chart").first.inner_html()
    assert page.js_errors == []


def test_hostile_title_and_body_render_as_text(page, server: str, screenshots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/")
    assert page.locator("a.title", has_text="<script>").count() == 1  # the title is shown as text
    page.goto(server + "/articles/xss1")
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert XSS_BODY in page.locator("#text").inner_text()
    assert page.locator("#text script, #text img, #text b, h1 script, h1 img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.title() != "pwned"
    page.goto(server + "/?q=mayor")
    assert page.evaluate("window.__xss") is None
    assert page.locator(".snippet img, .snippet script").count() == 0
    page.screenshot(path=str(screenshots / "xss.png"), full_page=True)
    assert dialogs == [] and page.js_errors == []
