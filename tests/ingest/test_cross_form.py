"""The same source in wikitext, legacy-parser HTML and Parsoid HTML gives one citation graph.

A real article: the Wikimedia Enterprise record of French Wikipedia's "Alexandros Ioannis
Ginnis" (revision 214373211) carries that revision's wikitext and its Parsoid HTML together
(fixtures/SOURCES.md). Also MediaWiki's own Cite parser tests, which give for one wikitext
the HTML the legacy parser and Parsoid render from it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from provenance.domain.documents import ParsedDocument
from provenance.ingest.forms import wiki_html, wikitext

ARTICLES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"
PAIRS = json.loads((ARTICLES / "cite_parser_test_pairs.json").read_text(encoding="utf-8"))


ENTERPRISE = json.loads(
    (ARTICLES / "ginnis_frwiki.enterprise.json").read_text(encoding="utf-8"))


def test_enterprise_record_holds_one_revision() -> None:
    """The wikitext is the revision the HTML was rendered from: its SHA-1 is in the HTML."""
    body = ENTERPRISE["article_body"]
    sha1 = hashlib.sha1(body["wikitext"].encode("utf-8")).hexdigest()
    assert f'property="mw:revisionSHA1" content="{sha1}"' in body["html"]
    assert "revision/214373211" in body["html"] and ENTERPRISE["version"]["identifier"] == 214373211


def test_real_article_wikitext_and_html_give_one_citation_graph() -> None:
    from_wikitext = wikitext.parse(ENTERPRISE["article_body"]["wikitext"])
    from_html = wiki_html.parse(ENTERPRISE["article_body"]["html"])
    assert from_wikitext.title == from_html.title == "Alexandros Ioannis Ginnis"
    # Claims -> references: same sentences in the same sections citing the same labels.
    assert [(c.section, [x.label for x in c.citations]) for c in from_wikitext.claims] == [
        (c.section, [x.label for x in c.citations]) for c in from_html.claims]
    cited = [(c.text, [x.label for x in c.citations]) for c in from_html.claims if c.citations]
    assert cited == [
        (("À 16 ans, il part aux États-Unis avec ses parents, puis intègre l'équipe américaine "
          "de ski alpin."), ["1"]),
        (cited[1][0], ["2", "3"]), (cited[2][0], ["1"]), (cited[3][0], ["4"])]
    # The sentences read the same; the one exception is {{lang-el}}, whose language name
    # ("grec moderne : ") only the wiki's own template expansion can add.
    texts = [(a.text, b.text) for a, b in zip(from_wikitext.claims, from_html.claims, strict=True)]
    differing = [(a, b) for a, b in texts if a != b]
    assert differing == [(differing[0][0], differing[0][0].replace("(en ", "(en grec moderne : "))]
    assert len(texts) == 14
    # References: the same labels, URLs and fields (the HTML's come from Parsoid's data-mw).
    def fields(doc: ParsedDocument) -> dict[str, tuple[object, ...]]:
        return {r.label: (r.fields.url, r.fields.title, r.fields.work, r.fields.date,
                          r.fields.access_date, r.fields.authors, r.fields.language)
                for r in doc.references}
    assert fields(from_wikitext) == fields(from_html)
    assert [r.fields.url for r in from_html.references] == [
        ("https://www.leparisien.fr/sports/mondiaux-de-ski-aj-ginnis-lincroyable-sensation-"
         "grecque-en-argent-sur-le-slalom-19-02-2023-7UJ6NOKGCJCINFZGD632MRDR2Q.php"),
        ("https://www.ledauphine.com/skichrono/2023/02/04/irreel-historique-coach-chamoniard-"
         "qui-est-aj-ginnis-le-grec-sur-le-podium-a-chamonix"),
        ("https://www.bluewin.ch/fr/sport/sport-d-hiver/la-sensation-grecque-aj-ginnis-ecrit-"
         "lhistoire-a-chamonix-1613748.html"),
        ("https://www.lapresse.ca/sports/sports-d-hiver/2023-02-19/mondiaux-de-ski-alpin/"
         "aj-ginnis-remporte-une-toute-premiere-medaille-pour-la-grece.php")]
    first = from_html.references[0].fields
    assert (first.authors, first.work, first.date, first.access_date, first.language) == (
        ("Romain Baheux",), "Le Parisien", date(2023, 2, 19), date(2023, 2, 19), "fr")
    assert from_html.references[3].fields.date == date(2023, 2, 19)  # {{lien web|en ligne le=}}


def graph(doc: ParsedDocument) -> tuple[list[tuple[str, tuple[str, ...]]], dict[str, str]]:
    """Claims with the labels they cite, and each reference's text."""
    claims = [(c.text, tuple(x.label for x in c.citations)) for c in doc.claims]
    return claims, {r.label: " ".join(r.raw.split()) for r in doc.references}


@pytest.mark.parametrize("pair", PAIRS["pairs"], ids=[p["name"] for p in PAIRS["pairs"]])
def test_wikitext_and_both_html_renderings_agree(pair: dict[str, str]) -> None:
    from_wikitext = graph(wikitext.parse(pair["wikitext"]))
    assert from_wikitext[0] and from_wikitext[1]
    assert graph(wiki_html.parse(pair["html_php"])) == from_wikitext
    assert graph(wiki_html.parse(pair["html_parsoid"])) == from_wikitext


def test_article_references_agree_on_urls_between_forms() -> None:
    """A real article's wikitext, re-rendered by this test in the desktop skin's markup."""
    source = (ARTICLES / "goryeo_ware.wikitext").read_text(encoding="utf-8")
    doc = wikitext.parse(source)
    # Paragraphs with sup.reference markers and an ol.references list, as the desktop skin
    # marks them up (a round trip through this test's own rendering, not MediaWiki's).
    rendered = "".join(
        f'<p>{c.text.rstrip(".")}.'
        + "".join(f'<sup class="reference"><a href="#cite_note-{x.label}">[{x.label}]</a></sup>'
                  for x in c.citations) + "</p>"
        for c in doc.claims)
    items = "".join(
        f'<li id="cite_note-{r.label}"><span class="reference-text">'
        f'<a class="external text" href="{r.fields.url}">{r.fields.title}</a></span></li>'
        for r in doc.references)
    html_doc = wiki_html.parse(f'<div class="mw-parser-output">{rendered}'
                               f'<ol class="references">{items}</ol></div>')
    assert [(c.text, [x.label for x in c.citations]) for c in html_doc.claims] == [
        (c.text, [x.label for x in c.citations]) for c in doc.claims]
    assert {r.label: r.fields.url for r in html_doc.references} == {
        r.label: r.fields.url for r in doc.references}
