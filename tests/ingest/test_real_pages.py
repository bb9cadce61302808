"""Real Wikipedia pages read right, checked against the pages' own markup (no hand labels)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from provenance.domain.documents import ParsedDocument, ParsedReference
from provenance.services.ingest import parse_text
from tests.ingest.self_truth import (
    FIXTURES,
    check_page,
    read_fixture,
    wikipedia_html_fixtures,
)

PAGES = wikipedia_html_fixtures()


@cache
def _parsed(name: str) -> ParsedDocument:
    return parse_text(read_fixture(FIXTURES / "wikipedia" / name), name)


@pytest.mark.parametrize("page", PAGES, ids=[p.name.split(".")[0] for p in PAGES])
def test_every_marker_label_holds_its_own_list_item(page: Path) -> None:
    score = check_page(page, lambda html: _parsed(page.name))
    assert score.labels_right == score.labels_total  # 100% of labels
    assert score.stored == score.items  # printed/stored count = list items on the page
    assert score.held_share >= 0.98, f"{score.held}/{score.cited_total} cited labels held"
    assert score.unused == score.uncited_items  # `unused` = no marker on the page points to it


def test_featured_article_notes_group_is_its_own_group() -> None:
    """New Zealand: notes [n 1]…[n 11] beside references 1…368, each under its own label."""
    doc = _parsed("en_new_zealand.desktop.html.gz")
    refs = {r.label: r for r in doc.references}
    notes = [label for label in refs if label.startswith("n ")]
    assert len(notes) == 11 and len(refs) == 379
    assert refs["n 1"].group == "n" and refs["1"].group == ""
    assert refs["n 1"].raw != refs["1"].raw
    cited = {c.label for claim in doc.claims for c in claim.citations}
    assert set(notes) <= cited
    # a note that cites references is a claim carrying those citations
    note_claims = [c for c in doc.claims if c.section == "Footnotes" and c.citations]
    assert any(x.label == "137" for c in note_claims for x in c.citations)


def test_list_article_citations_in_a_table_are_row_claims() -> None:
    """List of films featuring time loops: every reference is cited by a table row's claim."""
    doc = _parsed("en_films_time_loops.desktop.html.gz")
    cited = {c.label for claim in doc.claims for c in claim.citations}
    assert {r.label for r in doc.references} <= cited  # none is unused
    row = next(c for c in doc.claims if c.text.startswith("Groundhog Day"))
    assert " | " in row.text and row.citations


def test_parsoid_page_keeps_every_url_of_a_reference() -> None:
    doc = _parsed("en_angela_merkel.parsoid.html.gz")
    many = [r for r in doc.references if len(r.fields.extra.get("urls", "").split()) > 1]
    assert many
    for ref in many:
        urls = ref.fields.extra["urls"].split()
        assert ref.fields.url in urls
        assert all(u.startswith(("http://", "https://")) for u in urls)


def test_german_page_reads_internetquelle_and_literatur() -> None:
    doc = _parsed("de_albert_einstein.parsoid.html.gz")
    templates = {r.fields.extra.get("template") for r in doc.references}
    assert {"internetquelle", "literatur"} <= templates
    web = [r for r in doc.references if r.fields.extra.get("template") == "internetquelle"]
    assert all(r.fields.title for r in web)
    assert any(r.fields.access_date for r in web)


def test_every_url_a_reference_carries_is_a_checked_link(tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from provenance.store.database import Database
    from provenance.store.documents import save_document
    from provenance.store.models import Link

    doc = _parsed("en_angela_merkel.parsoid.html.gz")
    primary = {r.fields.url for r in doc.references if r.fields.url}
    carried = {u for r in doc.references for u in r.fields.extra.get("urls", "").split()
               if u != r.fields.archive_url}
    assert carried - primary  # a reference's second link (a PDF, a DOI, a translation)
    db = Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with db.session() as session:
        save_document(session, doc, origin="/merkel", content_hash="x")
    with db.session() as session:
        links = session.execute(select(func.count()).select_from(Link)).scalar_one()
    db.dispose()
    assert links > len(primary)


def test_printed_counts_are_the_stored_counts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli.helpers import run_cli

    page = tmp_path / "new_zealand.html"
    page.write_text(read_fixture(FIXTURES / "wikipedia" / "en_new_zealand.desktop.html.gz"),
                    encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    run = run_cli(capsys, monkeypatch, url, "ingest", str(page))
    assert run.code == 0, run.err
    report = run_cli(capsys, monkeypatch, url, "report", "--format", "json").json()
    stored = report["documents"][0]["summary"]
    assert f"{stored['claims']} claims, {stored['references']} references" in run.out + run.err
    assert stored["references"] == 379
    unused = stored.get("reference:unused", 0)
    assert unused <= 1  # the page's own markup: every list item but one navbox-cited is cited


def _cited(doc: ParsedDocument) -> set[str]:
    return {c.label for claim in doc.claims for c in claim.citations}


def test_article_text_not_the_coordinates_indicator() -> None:
    """Vector 2022: the coordinates indicator has a ``mw-parser-output`` of its own first."""
    doc = _parsed("en_microsoft.desktop.html.gz")
    assert any(c.text.startswith("Microsoft Corporation is an American multinational")
               for c in doc.claims)
    assert {r.label for r in doc.references} <= _cited(doc)


def test_parsoid_2018_markers_and_css_counter_labels() -> None:
    """Parsoid before 2019: ``sup.mw-ref`` markers; "[lower-alpha 1]" is shown as "[a]"."""
    doc = _parsed("en_dog_2018.parsoid.html.gz")
    refs = {r.label: r for r in doc.references}
    assert refs["a"].group == "lower-alpha" and refs["a"].raw.startswith("The addition of")
    assert "lower-alpha 1" not in refs and "a" in _cited(doc)
    assert {r.label for r in doc.references} <= _cited(doc)


def test_sub_references_under_their_own_labels() -> None:
    """Cite sub-references: "1.1" is an item of the list inside item 1, with its own text."""
    doc = _parsed("testwiki_cite_details.parsoid.html.gz")
    refs = {r.label: r for r in doc.references}
    assert refs["1"].raw == "main plus details (body)" and refs["1.1"].raw == "p. 123"
    assert refs["group 1.2"].group == "group"
    assert {"1.1", "2.1", "group 1.1", "group2 3.1"} <= _cited(doc)


def test_note_id_with_a_hash_sign_is_its_own_reference() -> None:
    """``href="./United_States#cite_note-Current_Results_#_of_native…"``: the fragment starts at
    the first "#", so the marker cites that item (no "237′" left unused)."""
    doc = _parsed("en_united_states_2019.parsoid.html.gz")
    labels = {r.label for r in doc.references}
    assert not any(label.endswith("′") for label in labels)
    assert labels <= _cited(doc)


def test_marker_in_a_navbox_or_second_caption_is_held() -> None:
    """pt "Portugal": [n. 1] stands only in a navbox; US 2019: [586] in a table's 2nd caption."""
    assert "n. 1" in _cited(_parsed("pt_portugal.parsoid.html.gz"))
    doc = _parsed("en_united_states_2019.parsoid.html.gz")
    caption = next(c for c in doc.claims if any(x.label == "586" for x in c.citations))
    assert caption.text.startswith("Source: Fed Survey of Consumer Finances")


def _ref(name: str, label: str) -> ParsedReference:
    return next(r for r in _parsed(name).references if r.label == label)


def test_reference_fields_leave_out_the_citation_css() -> None:
    """The first citation of a desktop page carries the CS1 TemplateStyles <style>."""
    fields = _ref("en_tsne.desktop.html.gz", "1").fields
    assert fields.publisher is None and fields.extra["pages"] == "2579-2605"
    assert not any(".mw-parser-output" in str(v) for v in vars(fields).values())


def test_coins_values_are_text() -> None:
    """"&ndash;&#32;" and an inter-language link's HTML written into template parameters."""
    assert _ref("en_microsoft.desktop.html.gz", "5").fields.title == (
        "U.S. Securities and Exchange Commission \u2013 Linkedin")
    assert _ref("zh_cat.mobile.html.gz", "17").fields.publisher == "National Museum of Georgia"


def test_chinese_and_arabic_citation_marks() -> None:
    """zh CS1: "[access date]", 原始内容存档于 (archived on), a language in full-width
    brackets; ar {{Webarchive}}: "نسخة محفوظة 09 أبريل 2018 على موقع واي باك مشين"."""
    zh = _ref("zh_cat.mobile.html.gz", "3").fields
    assert (zh.language, zh.access_date, zh.archive_date) == (
        "en", date(2020, 1, 11), date(2021, 3, 13))
    ar = _ref("ar_mathematics.parsoid.html.gz", "4").fields
    assert ar.title == "Anthropology" and ar.archive_date == date(2018, 4, 9)
    book = _ref("ar_mathematics.parsoid.html.gz", "6").fields  # COinS "rft.au=A; B", errors
    assert book.authors == ("Shasha, Dennis Elliot", "Lazere, Cathy A.")
    assert (book.publisher, book.extra["pages"]) == ("Springer", "228")
