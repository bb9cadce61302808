"""The review app end to end: `provenance serve` on 127.0.0.1, driven in headless Chromium.

A reviewer signs in, finds reference 13 of seed 000 flagged empty, repairs it with a URL,
checks the link now, records a verdict, attaches a citation to an uncited claim, and sees all
of it in the static report written by `provenance report --format html`. Cross-site writes
and writes without the token are refused; hostile text stays inert in the app and the file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from provenance.report.render_json import render_json
from provenance.report.render_markdown import render_markdown
from provenance.report.render_table import render_table
from provenance.services import review as service
from provenance.settings import load_settings
from provenance.store.database import Database
from tests.conftest import ROOT, SEED_WEB, SEED_WIKI
from tests.web.servers import review_app, static_site

TOKEN = "t0ken-for-the-browser-tests"
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
# (in code spans, which the Markdown parser keeps as text)
HOSTILE_MD = f"""# Hostile `{PAYLOAD}` notes

A claim that carries `{PAYLOAD}` markup and cites a source.[^1]

[^1]: A source, <https://example.org/hostile>
"""
SCREENSHOTS = ROOT / "docs" / "screenshots"
SOURCE_PAGE = ("<html><head><title>Kim visits Beijing</title></head><body><p>Kim Jong-un "
               "visited Beijing on 7-10 January 2019.</p></body></html>")


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "provenance", "--db", db_url, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def _seed(db_url: str, tmp_path: Path) -> str:
    """The two seed documents and a hostile Markdown document, the latter with a reference
    title holding markup."""
    hostile = tmp_path / "hostile.md"
    hostile.write_text(HOSTILE_MD, encoding="utf-8")
    from provenance.services.ingest import ingest_many

    db = Database.open(db_url)
    outcomes = ingest_many(db, load_settings({}, db_url=db_url),
                           [str(SEED_WIKI), str(SEED_WEB), str(hostile)], workers=1)
    assert [o.error for o in outcomes] == [None, None, None]
    service.fix_reference(db, "3", "1", {"title": PAYLOAD}, reviewer="mallory")
    db.dispose()
    return db_url


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> str:
    """On SQLite and PostgreSQL."""
    return _seed(db_url, tmp_path)


@pytest.fixture
def seeded_sqlite(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "provenance.db"
    shutil.copy(sqlite_template, path)
    return _seed(f"sqlite:///{path}", tmp_path)


@pytest.fixture
def app(seeded: str) -> Iterator[str]:
    with review_app(seeded, token=TOKEN) as base:
        yield base


@pytest.fixture
def app_sqlite(seeded_sqlite: str) -> Iterator[str]:
    with review_app(seeded_sqlite, token=TOKEN) as base:
        yield base


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=token]", TOKEN)
    page.click("form.login button")
    assert "Signed in" in page.locator(".notice").inner_text(timeout=5000), page.content()


def _notice(page: Any) -> str:
    text: str = page.locator(".notice, .error").first.inner_text()
    return text


def _shot(page: Any, name: str, tmp_path: Path) -> None:
    """Screenshots for the README, kept when PROVENANCE_UPDATE_SCREENSHOTS=1."""
    path = tmp_path / name
    page.screenshot(path=str(path))
    if os.environ.get("PROVENANCE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / name)


def test_a_reviewer_repairs_reviews_and_cites(page: Any, app: str, seeded: str,
                                              tmp_path: Path) -> None:
    _sign_in(page, app)
    page.click("text=Kim–Xi meetings")
    # reference 13 is flagged empty, and the filter finds it
    page.select_option("[data-filter=flags]", "empty")
    ref = page.locator("#d1-r13")
    assert ref.is_visible() and "empty" in ref.locator(".head").text_content()
    assert not page.locator("#d1-r1").is_visible()
    page.select_option("[data-filter=flags]", "")

    with static_site({"/kim-2019": SOURCE_PAGE}) as site:
        # repair it with a URL (the forms are on the reference's own page)
        ref.locator("a.act").click()
        page.locator("form.fix input[name=url]").fill(f"{site}/kim-2019")
        page.locator("form.fix input[name=title]").fill("Kim visits Beijing")
        page.locator("form.fix button").click()
        assert _notice(page) == "Reference updated."
        assert page.evaluate("location.hash") == "#d1-r13"
        ref = page.locator("#d1-r13")
        assert "empty" not in ref.get_attribute("data-flags").split()
        # and check its link now
        ref.locator("a.act").click()
        page.locator("form.check button").click()
        assert _notice(page) == "Link checked."
        assert page.locator("#d1-r13 .link .state").text_content() == "alive"

    # record a verdict on claim 23 resting on [13]
    page.locator("#d1-c23 a.act").click()
    assert "Kim visits Beijing" in page.locator(".refs").text_content()  # what it cites
    page.locator("form.review select[name=label]").select_option("13")
    page.locator("form.review select[name=verdict]").select_option("supports")
    page.locator("form.review input[name=note]").fill("the page gives 7-10 January 2019")
    page.locator("form.review button").click()
    assert _notice(page) == "Verdict recorded."
    assert "review supports [13]" in page.locator("#d1-c23 .reviews").text_content()

    # attach a citation to an uncited claim (6: the third meeting)
    claim = page.locator("#d1-c6")
    assert "uncited" in claim.get_attribute("data-flags")
    claim.locator("a.act").click()
    page.locator("form.cite input[name=url]").fill("https://example.org/third-meeting")
    page.locator("form.cite input[name=title]").fill("The third meeting")
    page.locator("form.cite button").click()
    assert _notice(page) == "Citation attached."
    assert page.locator("#d1-c6 a.marker").text_content() == "[added-1]"

    # accept the flag of an uncited lead sentence
    page.locator("#d1-c1 a.act").click()
    page.locator("form.accept input[name=note]").fill("summary of the sections below")
    page.locator("form.accept button").click()
    assert _notice(page) == "Flag accepted."
    assert "accepted uncited" in page.locator("#d1-c1 .accepted").text_content()

    page.goto(app + "/documents/1")
    page.select_option("[data-sort]", "severity")
    _shot(page, "app.png", tmp_path)
    page.goto(app + "/documents/1/references/13")
    page.locator("#d1-r13 details.history summary").click()
    _shot(page, "app-reference.png", tmp_path)

    # the API answers what `report --format json` prints
    db = Database.open(seeded)
    api = httpx.get(app + "/api/documents/1").json()
    assert api == json.loads(render_json(service.report(db, "1")))
    doc = api["documents"][0]
    ref13 = next(r for r in doc["references"] if r["label"] == "13")
    assert ref13["url"].endswith("/kim-2019") and ref13["link"]["state"] == "alive"
    assert {e["by"] for e in ref13["history"]} == {"ada"}
    claims = {c["id"]: c for c in doc["claims"]}
    assert claims[23]["reviews"][0] | {"at": None} == {
        "label": "13", "verdict": "supports", "note": "the page gives 7-10 January 2019",
        "by": "ada", "at": None}
    assert claims[6]["citations"] == ["added-1"] and claims[1]["flags"] == []

    # all three in the static report written by the CLI
    out = tmp_path / "report.html"
    assert cli(seeded, "report", "--format", "html", "-o", str(out)).returncode == 0
    page.goto(out.as_uri() + "#d1-r13")
    ref = page.locator("#d1-r13")
    assert ref.locator("a", has_text="Kim visits Beijing").get_attribute("href").endswith(
        "/kim-2019")
    assert "alive" in ref.locator(".link").text_content()
    assert "supports for claim 23" in ref.locator(".reviews").text_content()
    assert "review supports [13]" in page.locator("#d1-c23 .reviews").text_content()
    page.locator("#d1-c6 a.marker", has_text="[added-1]").click()
    assert "third-meeting" in page.locator(page.evaluate("location.hash")).text_content()
    page.goto(out.as_uri())
    page.select_option("[data-sort]", "severity")
    _shot(page, "report.png", tmp_path)
    model = service.report(db, "1")
    db.dispose()
    for text in (render_markdown(model), render_table(model)):
        assert "added-1" in text and "supports" in text and "accepted" in text


def _reviews(base: str) -> list[Any]:
    doc = httpx.get(base + "/api/documents/1").json()["documents"][0]
    return [r for c in doc["claims"] for r in c["reviews"]]


def test_cross_site_and_tokenless_writes_are_refused(browser: Any, page: Any,
                                                     app_sqlite: str) -> None:
    app = app_sqlite
    _sign_in(page, app)
    attack = (f'<form id="f" method="post" action="{app}/documents/1/claims/23/review">'
              '<input name="label" value="13"><input name="verdict" value="supports">'
              '<input name="csrf" value="guess"></form><script>f.submit()</script>')
    with static_site({"/attack": attack}) as evil:
        with page.expect_response(f"{app}/documents/1/claims/23/review") as answer:
            page.goto(evil + "/attack")
        assert answer.value.status == 403
        assert "cross-site request refused" in page.locator("body").inner_text()
    assert _reviews(app) == []

    # a browser without the write token: the form is there, the write is refused
    context = browser.new_context()
    other = context.new_page()
    other.goto(app + "/documents/1/claims/23")
    with other.expect_response(f"{app}/documents/1/claims/23/review") as answer:
        other.locator("form.review button").click()
    assert answer.value.status == 403
    assert "write token" in other.locator("body").inner_text()
    context.close()
    # and a script: no CSRF cookie, no token
    assert httpx.post(app + "/documents/1/claims/23/review",
                      data={"label": "13", "verdict": "supports"}).status_code == 403
    assert _reviews(app) == []


def test_hostile_text_is_inert_in_the_app_and_the_file(page: Any, app_sqlite: str,
                                                       seeded_sqlite: str,
                                                       tmp_path: Path) -> None:
    app, seeded = app_sqlite, seeded_sqlite
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app + "/")
    page.click("text=Hostile")
    assert "<script>window.__pwned=1</script>" in page.locator("h1").text_content()
    assert "onerror" in page.locator("#d3-r1 .head").text_content()
    assert page.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None
    out = tmp_path / "report.html"
    assert cli(seeded, "report", "--format", "html", "-o", str(out)).returncode == 0
    page.goto(out.as_uri() + "#d3")
    assert "<script>window.__pwned=1</script>" in page.locator("#d3 h2").text_content()
    assert page.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None and not errors


def test_bad_writes_show_the_error_and_change_nothing(app_sqlite: str) -> None:
    import re

    with httpx.Client(base_url=app_sqlite,
                      headers={"authorization": f"Bearer {TOKEN}"}) as client:
        page = client.get("/documents/1/claims/23").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        form = {"csrf": csrf.group(1)}
        cases = [
            ("/documents/1/references/fix", {"label": "13", "date": "someday"},
             "date &#39;someday&#39; is not a date"),
            ("/documents/1/references/fix", {"label": "13", "url": "javascript:alert(1)"},
             "is not an absolute http(s) URL"),
            ("/documents/1/claims/23/accept", {"flag": "uncited"},
             "claim 23 is not flagged &#39;uncited&#39;"),
            ("/documents/1/claims/23/review", {"label": "13", "verdict": "maybe"},
             "unknown verdict &#39;maybe&#39;"),
            ("/documents/1/claims/6/cite", {"title": "no url"}, "cite needs --url"),
        ]
        for path, fields, message in cases:
            answer = client.post(path, data={**form, **fields})
            assert answer.status_code == 400 and message in answer.text, (path, answer.text)
        # a write with the token and the form's token goes through
        done = client.post("/documents/1/claims/23/review",
                           data={**form, "label": "13", "verdict": "partly"})
        assert done.status_code == 303 and done.headers["location"].endswith("#d1-c23")
    assert [r["verdict"] for r in _reviews(app_sqlite)] == ["partly"]


def test_other_urls_show_with_their_states_in_the_app_and_the_file(
        page: Any, db_url: str, tmp_path: Path) -> None:
    """A real Wikipedia reference with three URLs (en "Josephine Baker" [50]): its other
    URLs, one dead with a rescuing snapshot, one alive, each with its state in the review
    app (document and reference pages) and the static report; on SQLite and PostgreSQL."""
    from tests.report.test_other_urls import DOI, HTTPS, SNAPSHOT, _ingest, _set

    db = Database.open(db_url)
    doc = _ingest(db, tmp_path)
    _set(db, DOI, "dead", 404, archive=SNAPSHOT, outcome="not-found")
    _set(db, HTTPS, "alive", 200)
    db.dispose()

    def check_item(item: Any) -> None:
        others = item.locator("ul.other-urls li")
        assert others.count() == 2
        dead = others.filter(has_text="doi.org")
        assert dead.locator(".state.s-dead").text_content() == "dead"
        assert "HTTP 404" in dead.text_content()
        assert dead.locator(".state.a-rescued").text_content() == "rescued"
        assert dead.locator("a", has_text="snapshot").get_attribute("href") == SNAPSHOT
        assert dead.locator("a").first.get_attribute("href") == DOI
        alive = others.filter(has_text="www.jstor.org")
        assert alive.locator(".state.s-alive").text_content() == "alive"
        assert alive.locator("a").first.get_attribute("href") == HTTPS

    with review_app(db_url, token=TOKEN) as app:
        report = httpx.get(f"{app}/api/documents/{doc}", timeout=30).json()
        refs = report["documents"][0]["references"]
        order = next(i for i, r in enumerate(refs, 1) if r["label"] == "50")
        page.goto(f"{app}/documents/{doc}")
        check_item(page.locator(f"#d{doc}-r{order}"))
        page.locator(f"#d{doc}-r{order} a.act").click()
        check_item(page.locator(f"#d{doc}-r{order}"))
    out = tmp_path / "report.html"
    assert cli(db_url, "report", str(doc), "--format", "html", "-o", str(out)).returncode == 0
    page.goto(out.as_uri())
    check_item(page.locator(f"#d{doc}-r{order}"))
