"""Every URL a reference carries shows with its own link state in every report (issue 10):
a real Wikipedia reference with three URLs (en "Josephine Baker", reference 50: JSTOR over
http, the same over https, and a DOI), its other URLs given states as the checker records
them, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import select

from provenance.report.render_html import render_html
from provenance.report.render_markdown import render_markdown
from provenance.report.render_table import render_table
from provenance.services.ingest import ingest_one
from provenance.services.report import build_report
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.models import Link, LinkCheck
from provenance.store.urls import normalize_url, url_hash
from tests.report.test_report_queries import BOUND_PER_DOCUMENT, DECISIONS, counting

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "wikipedia" / \
    "en_josephine_baker.parsoid.html.gz"
PRIMARY = "http://www.jstor.org/stable/j.ctt1ps31v4"
DOI = "https://doi.org/10.2307%2Fj.ctt1ps31v4.7"
HTTPS = "https://www.jstor.org/stable/j.ctt1ps31v4"
SNAPSHOT = "https://web.archive.org/web/20190101000000/" + DOI
START = datetime(2026, 11, 1, 2, 15, tzinfo=UTC)


def _ingest(db: Database, tmp_path: Path) -> int:
    page = tmp_path / "en_josephine_baker.html"
    page.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    outcome = ingest_one(db, Settings(), str(page), fmt="wikipedia-html")
    assert outcome.error is None and outcome.result is not None
    return outcome.result.document_id


def _set(db: Database, url: str, state: str, status: int, *, archive: str | None = None,
         outcome: str = "ok") -> None:
    """The link of ``url`` as the checker leaves it: three checks of history, a state."""
    with db.session() as s:
        link = s.exec(select(Link).where(
            Link.url_hash == url_hash(normalize_url(url) or ""))).one()
        link.state, link.last_http_status, link.last_outcome = state, status, outcome
        link.checks, link.checked_at = 3, START + timedelta(days=2)
        link.failures = 3 if state == "dead" else 0
        if archive:
            link.archive_state, link.archive_url = "rescued", archive
            link.archive_timestamp = datetime(2019, 1, 1, tzinfo=UTC)
        s.add(link)
        s.add_all(LinkCheck(link_id=link.id or 0, checked_at=START + timedelta(days=d),
                            outcome=outcome, http_status=status, state_before="alive",
                            state_after=state) for d in range(3))


def _reference(report: Any, label: str) -> dict[str, Any]:
    return next(r for r in report["documents"][0]["references"] if r["label"] == label)


def test_every_report_shows_each_other_url_with_its_state(db: Database, tmp_path: Path) -> None:
    doc = _ingest(db, tmp_path)
    _set(db, DOI, "dead", 404, archive=SNAPSHOT, outcome="not-found")
    _set(db, HTTPS, "alive", 200)
    with counting(db) as statements:
        report = build_report(db, str(doc))
    assert len(statements) <= 1 + BOUND_PER_DOCUMENT + DECISIONS, statements

    ref = _reference(report, "50")
    assert ref["url"] == PRIMARY and ref["link"]["state"] == "unchecked"
    others = {o["url"]: o for o in ref["other_urls"]}
    assert set(others) == {DOI, HTTPS}
    dead, alive = others[DOI], others[HTTPS]
    assert (dead["link"]["state"], dead["link"]["http_status"]) == ("dead", 404)
    assert dead["archive"] == {"state": "rescued", "url": SNAPSHOT,
                               "timestamp": "2019-01-01T00:00:00Z"}
    assert [c["state_after"] for c in dead["link"]["history"]] == ["dead"] * 3
    assert (alive["link"]["state"], alive["archive"]["state"]) == ("alive", "unknown")
    # a reference with one URL carries no other
    assert all(r["other_urls"] == [] for r in report["documents"][0]["references"]
               if "urls" not in r["extra"])

    as_json = json.loads(json.dumps(report))
    assert _reference(as_json, "50")["other_urls"][0].keys() == {"url", "link", "archive"}

    table = render_table(report, width=400)
    assert f"+ {DOI} (dead 404, archive rescued)" in table
    assert f"+ {HTTPS} (alive 200)" in table

    markdown = render_markdown(report)
    refs = markdown[markdown.index("## References"):]
    row = next(line for line in refs.splitlines() if line.startswith("| 50 |"))
    assert "<br>+ <https://doi.org/10.2307%2Fj.ctt1ps31v4.7> (dead 404, archive rescued)" in row
    assert "<br>+ <https://www.jstor.org/stable/j.ctt1ps31v4> (alive 200)" in row

    html = render_html(report)
    item = html[html.index('<span class="label">[50]</span>'):]
    item = item[:item.index('<li class="ref')]
    assert f'also <a href="{DOI}"' in item and "s-dead\">dead</span> · not-found · HTTP 404" \
        in item
    assert f'<a href="{SNAPSHOT}"' in item and 'a-rescued">rescued</span>' in item
    assert f'also <a href="{HTTPS}"' in item and 's-alive">alive</span>' in item
