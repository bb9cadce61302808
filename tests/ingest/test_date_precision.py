"""Dates keep the precision they were written with: store, JSON report, hand edits, archive."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from provenance.domain.partial_dates import PartialDate, partial_iso
from provenance.ingest.forms.wikitext import parse as parse_wikitext
from provenance.store.archives import cited_links
from provenance.store.database import Database
from tests.cli.helpers import run_cli

WIKITEXT = """'''Sample''' is a town.<ref>{{cite web |url=https://example.org/a |title=A page
 |date=2007 |access-date=November 2008}}</ref> It has a mill.<ref>{{cite news
 |url=https://example.org/b |title=B story |date=5 November 2008 |access-date=2018}}</ref>

== References ==
{{reflist}}
"""


@pytest.mark.parametrize(("value", "precision", "iso", "last"), [
    (date(2007, 1, 1), "year", "2007", date(2007, 12, 31)),
    (date(2008, 11, 1), "month", "2008-11", date(2008, 11, 30)),
    (date(2008, 11, 5), "day", "2008-11-05", date(2008, 11, 5)),
    (date(2018, 12, 1), "season", "2018", date(2019, 2, 28)),
])
def test_partial_dates(value: date, precision: str, iso: str, last: date) -> None:
    partial = PartialDate(value, precision)
    assert partial.iso() == iso == partial_iso(value, precision)
    assert partial.last_day() == last
    if precision != "season":
        assert PartialDate.parse_iso(iso) == partial


def test_parsed_precisions() -> None:
    doc = parse_wikitext(WIKITEXT)
    first, second = doc.references
    assert (first.fields.date, first.fields.extra["date_precision"]) == (date(2007, 1, 1), "year")
    assert first.fields.extra["access_date_precision"] == "month"
    assert "date_precision" not in second.fields.extra
    assert second.fields.extra["access_date_precision"] == "year"


def _refs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
          url: str) -> dict[str, dict[str, object]]:
    report = run_cli(capsys, monkeypatch, url, "report", "--format", "json").json()
    return {r["label"]: r for r in report["documents"][0]["references"]}


def test_store_report_and_hand_edits_keep_precision(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "sample.wiki"
    source.write_text(WIKITEXT, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run_cli(capsys, monkeypatch, url, "ingest", str(source)).code == 0
    refs = _refs(capsys, monkeypatch, url)
    assert (refs["1"]["date"], refs["1"]["access_date"]) == ("2007", "2008-11")
    assert (refs["2"]["date"], refs["2"]["access_date"]) == ("2008-11-05", "2018")

    edit = run_cli(capsys, monkeypatch, url, "ref", "1", "1", "--date", "May 2018")
    assert edit.code == 0, edit.err
    assert _refs(capsys, monkeypatch, url)["1"]["date"] == "2018-05"
    # re-ingesting the same file re-applies the hand edit with its precision
    source.write_text(WIKITEXT + "\nOne more sentence.\n", encoding="utf-8")
    assert run_cli(capsys, monkeypatch, url, "ingest", str(source)).code == 0
    assert _refs(capsys, monkeypatch, url)["1"]["date"] == "2018-05"

    # the archive lookup aims at the last day an access date of "2018" can mean
    db = Database.open(url)
    aims = {link.url: link.access_date for link in cited_links(db)}
    db.dispose()
    assert aims["https://example.org/b"] == date(2018, 12, 31)
    assert aims["https://example.org/a"] == date(2008, 11, 30)
