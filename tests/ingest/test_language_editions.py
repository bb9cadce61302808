"""Wikitext of other language editions, and reference fields that must not be made up."""

from __future__ import annotations

from datetime import date

import pytest

from provenance.ingest.forms.wikitext import parse
from provenance.ingest.references.parse import parse_reference
from tests.ingest.self_truth import FIXTURES, read_fixture


@pytest.mark.parametrize("name", ["de_albert_einstein", "fr_josephine_baker", "pt_portugal"])
def test_every_reference_of_a_real_article_is_cited_once_read(name: str) -> None:
    """Markers in info boxes, tables, quotation boxes and captions are citations of claims."""
    doc = parse(read_fixture(FIXTURES / "wikipedia" / f"{name}.wikitext.gz"))
    cited = {c.label for claim in doc.claims for c in claim.citations}
    unused = [r.label for r in doc.references if r.label not in cited]
    # one French note ("cf. … op. cit.") stands in a reference group no text cites
    assert len(unused) <= 1, unused


def test_german_templates() -> None:
    doc = parse(read_fixture(FIXTURES / "wikipedia" / "de_albert_einstein.wikitext.gz"))
    web = [r for r in doc.references if r.fields.extra.get("template") == "internetquelle"]
    books = [r for r in doc.references if r.fields.extra.get("template") == "literatur"]
    assert len(web) >= 10 and len(books) >= 5
    assert all(r.fields.title and r.fields.url for r in web)
    assert all(r.fields.access_date for r in web if "abruf" in r.raw.lower())
    assert all(r.fields.title for r in books)


def test_spanish_cite_templates() -> None:
    doc = parse((FIXTURES / "wikitext" / "es_dexmetilfenidato.wikitext").read_text("utf-8"))
    refs = {r.fields.title: r for r in doc.references}
    mono = refs["Dexmethylphenidate Hydrochloride Monograph for Professionals"]
    assert mono.fields.access_date == date(2019, 4, 15)  # "15 de abril de 2019"
    assert mono.fields.work == "Drugs.com"
    assert mono.fields.publisher == "American Society of Health-System Pharmacists"
    assert mono.fields.archive_url and mono.fields.archive_date == date(2020, 11, 7)
    journal = refs["Dexmethylphenidate extended release: a review of its use in the treatment "
                   "of attention-deficit hyperactivity disorder"]
    assert journal.fields.date == date(2009, 12, 1)
    assert journal.fields.extra["date_precision"] == "month"  # "diciembre de 2009"
    cited = {c.label for claim in doc.claims for c in claim.citations}
    assert {r.label for r in doc.references} <= cited


def test_entity_escaped_wikitext_and_protocol_relative_urls() -> None:
    doc = parse("'''X''' is a town.&lt;ref&gt;{{cite web |url=//example.org/a |title=A}}"
                "&lt;/ref&gt; It has a mill.&lt;ref&gt;[//example.org/b B page]&lt;/ref&gt;\n")
    assert [(c.text, [x.label for x in c.citations]) for c in doc.claims] == [
        ("X is a town.", ["1"]), ("It has a mill.", ["2"])]
    assert [r.fields.url for r in doc.references] == ["https://example.org/a",
                                                      "https://example.org/b"]
    assert any("entity-escaped" in w for w in doc.warnings)


@pytest.mark.parametrize("raw", [
    "Ryan, Chris (ed.). The Encyclopedia of Ancient Maps. Oxford University Press.",
    "Ryan, Chris (ed.) (2005). The Encyclopedia of Ancient Maps. Oxford University Press.",
])
def test_an_editor_is_not_a_title(raw: str) -> None:
    fields = parse_reference(raw)
    assert fields.title == "The Encyclopedia of Ancient Maps"
    assert fields.extra["editors"] == "Ryan, Chris"
    assert fields.authors == ()


def test_table_rows_and_infobox_facts_that_cite_are_claims() -> None:
    doc = parse("{{Infobox town\n| name = X\n| population = 1,000<ref>Census 2020.</ref>\n}}\n"
                "'''X''' is a town.\n\n{| class=wikitable\n|-\n! Year !! Event\n|-\n"
                "| 1990 || Mill built<ref>Mill history.</ref>\n|}\n")
    cited = {x.label: c.text for c in doc.claims for x in c.citations}
    assert cited["1"].startswith("population: 1,000")
    assert cited["2"] == "1990 | Mill built"
    assert ("population", "1,000") in doc.facts


def test_german_wikitext_is_split_as_german() -> None:
    """"am 14. März 1879" does not end a sentence in German."""
    doc = parse(read_fixture(FIXTURES / "wikipedia" / "de_albert_einstein.wikitext.gz"))
    born = [c.text for c in doc.claims if "14. März 1879" in c.text]
    assert born and all(not t.endswith("14.") for t in born)
    assert not any(c.text in ("März 1879.", "Mai 1905.") for c in doc.claims)


def test_a_themes_author_link_text_is_not_the_author() -> None:
    from provenance.ingest.forms.web_html import parse as parse_html

    page = ("<html><head><title>Fast parsing</title>"
            '<meta name="author" content="View all posts by Daniel Lemire"></head><body>'
            "<article><h1>Fast parsing</h1><p>Parsing can be fast when it reads each byte once "
            "and never goes back over what it has read.</p></article></body></html>")
    assert parse_html(page).authors == ("Daniel Lemire",)
