"""The static HTML report: escaped, self-contained, links that work, filters; in Chromium."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from bench.report_model import PAYLOAD, big_report
from provenance.report.html_filters import safe_url
from provenance.report.render_html import render_html
from tests.cli.helpers import run_cli
from tests.conftest import SEED_WEB, SEED_WIKI


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "java\nscript:x", "data:text/html,<script>alert(1)</script>", "vbscript:x", "//evil.example/",
    "/relative", "", None, 42,
])
def test_unsafe_urls_are_never_links(url: Any) -> None:
    assert safe_url(url) is None


def test_http_urls_are_links() -> None:
    assert safe_url("https://example.org/a?b=<c>") == "https://example.org/a?b=<c>"
    assert safe_url(" HTTP://example.org/") == "HTTP://example.org/"


def test_every_text_is_escaped_and_no_script_url_is_live() -> None:
    html = render_html(big_report(12, hostile=True))
    assert html.count("<script") == 1  # our own filter script, nothing from the data
    assert "<img" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("#", "https://", "http://")) for h in hrefs), hrefs
    assert "javascript:window.__pwned=3" in html  # shown as text


def test_control_and_bidi_characters_are_dropped() -> None:
    report = big_report(2)
    report["documents"][0]["title"] = "evil\u202etxt.exe\x1b[31m"
    html = render_html(report)
    assert "eviltxt.exe[31m" in html and "\u202e" not in html and "\x1b" not in html


def test_the_page_needs_no_network_and_allows_only_its_own_script() -> None:
    html = render_html(big_report(3))
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert found
    policy = unescape(found.group(1))
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy
    assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://', ""))
    assert "<link" not in html


def _seed_report(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                 db_url: str, path: Path) -> Path:
    assert run_cli(capsys, monkeypatch, db_url, "ingest", str(SEED_WIKI), str(SEED_WEB)).code == 0
    out = path / "report.html"
    run = run_cli(capsys, monkeypatch, db_url, "report", "--format", "html", "-o", str(out))
    assert run.code == 0, run.err
    return out


@pytest.fixture
def seed_report(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                tmp_path: Path) -> Path:
    return _seed_report(capsys, monkeypatch, f"sqlite:///{tmp_path / 'p.db'}", tmp_path)


def test_markers_link_to_their_references(page: Any, seed_report: Path) -> None:
    page.goto(seed_report.as_uri())
    claim = page.locator("#d1-c23")
    assert "cites-empty" in claim.inner_text()
    claim.locator("a.marker", has_text="[13]").click()
    assert page.evaluate("location.hash") == "#d1-r13"
    target = page.locator("#d1-r13")
    assert "empty" in target.locator(".head").inner_text()
    box, viewport = target.bounding_box(), page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"]
    # and back: the reference lists the claims citing it
    target.locator(".cited-by a", has_text="claim 23").click()
    assert page.evaluate("location.hash") == "#d1-c23"


def test_summary_bar_counts(page: Any, seed_report: Path) -> None:
    page.goto(seed_report.as_uri())
    # the style and the script are allowed by their hashes in the page's CSP
    assert page.locator("#d1 .bar").evaluate("e => getComputedStyle(e).display") == "flex"
    assert page.locator("[data-controls]").is_visible()
    bar = page.locator("#d1 .bar").inner_text()
    for text in ("26 claims", "12 cited", "14 uncited", "13 references", "1 empty", "12 no-url"):
        assert text in bar, bar


def _visible(page: Any, selector: str) -> list[Any]:
    return [el for el in page.locator(selector).all() if el.is_visible()]


def test_filter_and_sort_in_the_page(page: Any, seed_report: Path) -> None:
    page.goto(seed_report.as_uri())
    total = page.locator("[data-item]").count()
    page.select_option("[data-filter=flags]", "empty")
    shown = _visible(page, "[data-item]")
    assert shown and len(shown) < total
    assert all("empty" in el.get_attribute("data-flags").split() for el in shown)
    assert page.locator("[data-shown]").inner_text() == f"{len(shown)} of {total} shown"
    page.select_option("[data-filter=flags]", "")
    assert len(_visible(page, "[data-item]")) == total
    page.select_option("[data-sort]", "severity")
    sev = [int(s) for s in page.locator("#d1 .claims > li").evaluate_all(
        "els => els.map(e => e.dataset.sev)")]
    assert sev == sorted(sev, reverse=True) and sev[0] >= 6
    page.select_option("[data-sort]", "order")
    order = page.locator("#d1 .claims > li").evaluate_all("els => els.map(e => +e.dataset.order)")
    assert order == sorted(order)


def test_without_script_everything_is_visible(browser: Any, seed_report: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(seed_report.as_uri())
    assert not page.locator("[data-controls]").is_visible()
    items = page.locator("[data-item]")
    assert items.count() == 26 + 13 + 23
    assert all(el.is_visible() for el in items.all())
    context.close()


def test_hostile_text_stays_inert_in_chromium(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(render_html(big_report(10, hostile=True)), encoding="utf-8")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    assert PAYLOAD.split(">")[0] + ">" in page.locator("h2").first.inner_text()
    hrefs = page.locator("a[href]").evaluate_all("els => els.map(a => a.protocol)")
    assert set(hrefs) <= {"https:", "http:", "file:"}  # file: = in-page #anchors
    page.locator("code.not-a-link").first.click()
    assert page.evaluate("window.__pwned") is None and not errors


def test_a_400_reference_article_opens_whole(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(render_html(big_report(400)), encoding="utf-8")
    page.goto(path.as_uri())
    assert page.locator(".refs > li").count() == 400
    assert page.locator(".claims > li").count() == 600
    page.select_option("[data-filter=flags]", "dead-link")
    assert page.locator("[data-shown]").inner_text().endswith("of 1000 shown")


def test_support_verdicts_drift_and_the_verdict_filter(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "support.html"
    path.write_text(render_html(big_report(30)), encoding="utf-8")
    page.goto(path.as_uri())
    bar = page.locator("#d1 .bar").text_content()
    assert "verdicts" in bar and "contradicted" in bar
    page.select_option("[data-filter=verdicts]", "contradicted")
    shown = _visible(page, "[data-item]")
    assert shown and all("contradicted" in el.get_attribute("data-verdicts").split()
                         for el in shown)
    ref = page.locator("#d1-r25")
    assert "content-drift" in ref.text_content() and "Old text 25" in ref.text_content()
    evidence = page.locator(".refs blockquote.evidence").first.text_content()
    assert evidence.startswith("The leaders met in Beijing")
