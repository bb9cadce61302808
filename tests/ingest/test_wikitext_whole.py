"""Long wikitext is read whole, one piece at a time (provenance/ingest/wikitext/pieces.py).

These check that reading a page piece by piece loses and changes nothing; how fast it is
goes to bench/ingest_pages_bench.py (no timing in tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import mwparserfromhell
import pytest
from mwparserfromhell.nodes import Node, Text

from provenance.domain.documents import ParsedDocument
from provenance.ingest.forms.wikitext import parse
from provenance.ingest.wikitext.pieces import split_pieces
from tests.ingest.self_truth import FIXTURES, read_fixture

REAL = [FIXTURES / "wikipedia" / f"{name}.wikitext.gz"
        for name in ("de_albert_einstein", "fr_josephine_baker", "pt_portugal")] + [
    FIXTURES / "wikitext" / "es_dexmetilfenidato.wikitext",
    FIXTURES / "articles" / "goryeo_ware.wikitext"]


def _top_level(nodes: Iterable[Node]) -> list[tuple[str, str]]:
    """(kind, source) of each top-level node, runs of text joined."""
    out: list[tuple[str, str]] = []
    for node in nodes:
        kind = type(node).__name__
        if out and kind == "Text" == out[-1][0]:
            out[-1] = (kind, out[-1][1] + str(node))
        else:
            out.append((kind, str(node)))
    return out


@pytest.mark.parametrize("path", REAL, ids=[p.name.split(".")[0] for p in REAL])
def test_pieces_parse_as_the_whole_page(path: Path) -> None:
    text = read_fixture(path)
    pieces = split_pieces(text)
    assert "".join(pieces) == text and len(pieces) > 1
    one_go = mwparserfromhell.parse(text).nodes
    assert _top_level(n for p in pieces for n in mwparserfromhell.parse(p).nodes) == \
        _top_level(one_go)


@pytest.mark.parametrize(("text", "pieces"), [
    ("a\n== H ==\nb\n=== I ===\nc", 3),
    ("{{box|\n== H ==\n}}\n== I ==\nx", 2),  # a heading inside a template's parameter
    ("a<ref>b\n== H ==\n</ref>", 1),
    ("a<!-- b\n== H ==\n-->", 1),
    ("a<!-- never closed\n== H ==\nb", 1),
    ("<div>\n== H ==\n</div>", 1),
    ("{|\n| a\n== H ==\n|}", 1),
    ("[[File:a.jpg|b\n== H ==\nc]]", 1),
    ("<nowiki>{{</nowiki>\n== H ==\nb", 2),  # braces in unparsed text open nothing
    ("<math>{{x</math>\n== H ==\nb", 2),
    ("{{never closed\n== H ==\nb", 2),  # an opener never closed is text
    ("{{a|b|}}\n== H ==\nb", 2),  # "|}}" closes the template, not a table
    ("{{t|<PRE>}}</PRE>\n== H ==\ny}}\n== N ==\n", 2),  # tag names in any case
])
def test_a_heading_is_a_cut_only_where_nothing_is_open(text: str, pieces: int) -> None:
    cut = split_pieces(text)
    assert "".join(cut) == text
    assert len(cut) == pieces
    assert _top_level(n for p in cut for n in mwparserfromhell.parse(p).nodes) == \
        _top_level(mwparserfromhell.parse(text).nodes)


@cache
def _copies(count: int) -> ParsedDocument:
    page = read_fixture(FIXTURES / "wikipedia" / "de_albert_einstein.wikitext.gz")
    return parse("".join(f"\n\n== Kopie {n} ==\n\n{page}" for n in range(1, count + 1)))


def test_long_real_page_is_read_whole() -> None:
    """A real page (179 references, one list-defined in <references>…</references>) eight
    times over, 1.2 MB: every copy's claims, every unnamed <ref> of every copy, every named
    one once, the list-defined reference, and the last section's claims."""
    one, many = _copies(1), _copies(8)
    assert len(one.claims) == 701 and len(one.references) == 179  # the page itself
    assert [c.text for c in many.claims] == [c.text for c in one.claims] * 8
    assert [len(c.citations) for c in many.claims] == [len(c.citations) for c in one.claims] * 8
    named = [r for r in one.references if r.fields.extra.get("name")]
    assert len(many.references) == len(named) + 8 * (len(one.references) - len(named))
    labels = [r.label for r in many.references]
    assert labels == [str(n) for n in range(1, len(many.references) + 1)]
    cited = {c.label for claim in many.claims for c in claim.citations}
    assert cited == set(labels)  # every stored reference is cited, every citation stored
    listed = {r.fields.extra.get("name"): r for r in many.references}["Burkhardt2018"]
    assert "Verzeichnis eponymischer Pflanzennamen" in listed.raw
    last = [c for c in many.claims if c.section == one.claims[-1].section]
    assert last[-1].text == one.claims[-1].text
    assert sum(1 for c in many.claims if c.section == "Kopie 8") == \
        sum(1 for c in one.claims if c.section == "Kopie 1") > 0


def test_list_defined_references_at_the_end_of_a_long_page() -> None:
    """3,000 references defined in {{Reflist|refs=…}} after 1 MB of text, plus a
    <references> block: each is stored with its fields, under the number of its first use."""
    count = 3_000
    body = "\n\n".join(
        f"== Part {n} ==\nThe station recorded {n} millimetres of rain in the spring of that "
        f"year, more than the long-term average.<ref name=\"r{n}\" /> The river rose by a "
        f"metre within two days and flooded the lower town.<ref name=\"r{n}\" />"
        f"<ref group=\"note\" name=\"n{n}\" />"
        for n in range(count))
    refs = "".join(f"<ref name=\"r{n}\">{{{{cite web|url=https://rain.example/{n}|"
                   f"title=Rain report {n}|date=2020-05-{n % 28 + 1:02d}}}}}</ref>\n"
                   for n in range(count))
    notes = "".join(f"<ref name=\"n{n}\">Note {n} on the gauge.</ref>\n" for n in range(count))
    text = (f"{body}\n\n== References ==\n{{{{Reflist|refs=\n{refs}}}}}\n"
            f"<references group=\"note\">\n{notes}</references>\n")
    assert len(text.encode("utf-8")) > 1_000_000
    doc = parse(text)
    refs_by_label = {(r.group, r.label): r for r in doc.references}
    assert len(refs_by_label) == 2 * count
    for n in (0, 1, count // 2, count - 1):
        ref = refs_by_label[("", str(n + 1))]
        assert ref.fields.url == f"https://rain.example/{n}"
        assert ref.fields.title == f"Rain report {n}"
        assert refs_by_label[("note", f"note {n + 1}")].raw == f"Note {n} on the gauge."
    last = [c for c in doc.claims if c.section == f"Part {count - 1}"]
    assert [[x.label for x in c.citations] for c in last] == [
        [str(count)], [str(count), f"note {count}"]]
    assert not doc.warnings
    assert re.search(r"flooded the lower town", last[-1].text)


def test_text_nodes_of_pieces_keep_the_page_text() -> None:
    text = "Lead text.\n== A ==\nOne.\n== B ==\nTwo."
    nodes = [n for p in split_pieces(text) for n in mwparserfromhell.parse(p).nodes]
    assert "".join(str(n) for n in nodes) == text
    assert any(isinstance(n, Text) for n in nodes)
