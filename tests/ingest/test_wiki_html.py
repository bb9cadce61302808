"""Wikipedia HTML: a real Parsoid page, and desktop/mobile markup as MediaWiki renders it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from provenance.ingest.forms.wiki_html import parse

ARTICLES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"


def _check_against_expected(doc, expected: dict) -> None:
    assert doc.format == expected["format"]
    assert doc.title == expected["title"]
    texts = [c.text for c in doc.claims]
    for want in expected["claims"]:
        found = [c for c in doc.claims if c.text.startswith(want["starts"])]
        assert found, f"no claim starts with {want['starts']!r}"
        assert found[0].section == want["section"]
        assert [x.label for x in found[0].citations] == want["citations"]
    for text in expected["not_claims"]:
        assert not any(text in claim for claim in texts)
    refs = {r.label: r for r in doc.references}
    assert sorted(refs) == sorted(r["label"] for r in expected["references"])
    for want in expected["references"]:
        ref = refs[want["label"]]
        assert ref.fields.title == want["title"]
        assert ref.fields.url == want["url"]
        assert list(ref.fields.authors) == want["authors"]
        assert list(ref.tags) == want["tags"]


def test_parsoid_page_william_clark() -> None:
    source = ARTICLES / "william_clark_inventor.parsoid.html"
    expected = json.loads(source.with_suffix(".expected.json").read_text(encoding="utf-8"))
    doc = parse(source.read_text(encoding="utf-8"))
    _check_against_expected(doc, expected)
    cited = [c for c in doc.claims if c.citations]
    assert len(cited) == 1  # one reference, cited once
    assert all(c.section in ("Lead", "Life") for c in doc.claims)


# Desktop markup as the legacy parser renders it (structure of en.wikipedia.org pages:
# sup.reference markers, reused note with "^ a b" back-links, an {{efn}} note group,
# {{citation needed}}, {{dead link}}, COinS, an archived citation and a cite error).
DESKTOP = """<!DOCTYPE html><html><head><title>Sample - Wikipedia</title></head><body>
<h1 id="firstHeading" class="firstHeading">Sample article</h1>
<div id="mw-content-text"><div class="mw-parser-output">
<div role="note" class="hatnote navigation-not-searchable">For other uses, see Sample (disambiguation).</div>
<table class="infobox vcard"><tbody><tr><th scope="row">Founded</th><td>1998<sup id="cite_ref-a_1-0" class="reference"><a href="#cite_note-a-1">[1]</a></sup></td></tr>
<tr><th scope="row">Website</th><td><a class="external text" href="https://example.org/">example.org</a></td></tr></tbody></table>
<p><b>Sample</b> is a community founded in 1998.<sup id="cite_ref-a_1-1" class="reference"><a href="#cite_note-a-1"><span class="cite-bracket">[</span>1<span class="cite-bracket">]</span></a></sup> It has many members.<sup class="noprint Inline-Template Template-Fact" style="white-space:nowrap;">[<i><a href="/wiki/Wikipedia:Citation_needed" title="Wikipedia:Citation needed"><span title="This claim needs references to reliable sources. (August 2015)">citation needed</span></a></i>]</sup> Its logo is a dinosaur.<sup id="cite_ref-2" class="reference"><a href="#cite_note-2">[a]</a></sup><sup id="cite_ref-b_3-0" class="reference"><a href="#cite_note-b-3">[2]</a></sup></p>
<div class="thumb tright"><div class="thumbinner"><div class="thumbcaption">The logo in 2010.</div></div></div>
<h2><span class="mw-headline" id="History">History</span><span class="mw-editsection">[<a href="/w/index.php?action=edit">edit</a>]</span></h2>
<p>The first release came in 2002.<sup id="cite_ref-a_1-2" class="reference"><a href="#cite_note-a-1">[1]</a></sup><sup id="cite_ref-c_4-0" class="reference"><a href="#cite_note-c-4">[3]</a></sup></p>
<ul><li>Version 1 was released in 2002.<sup id="cite_ref-b_3-1" class="reference"><a href="#cite_note-b-3">[2]</a></sup></li><li>Version 2</li></ul>
<h2><span class="mw-headline" id="See_also">See also</span></h2>
<ul><li><a href="/wiki/Other">Other article</a> is related.</li></ul>
<h2><span class="mw-headline" id="Notes">Notes</span></h2>
<div class="reflist reflist-lower-alpha"><ol class="references">
<li id="cite_note-2"><span class="mw-cite-backlink"><b><a href="#cite_ref-2">^</a></b></span> <span class="reference-text">The dinosaur dates from Netscape.</span></li></ol></div>
<h2><span class="mw-headline" id="References">References</span></h2>
<div class="reflist"><ol class="references">
<li id="cite_note-a-1"><span class="mw-cite-backlink">^ <a href="#cite_ref-a_1-0"><sup><i><b>a</b></i></sup></a> <a href="#cite_ref-a_1-1"><sup><i><b>b</b></i></sup></a> <a href="#cite_ref-a_1-2"><sup><i><b>c</b></i></sup></a></span> <span class="reference-text"><cite class="citation web cs1">Baker, Mitchell (8 May 2015). <a rel="nofollow" class="external text" href="https://blog.example.org/history/">"Our history"</a>. <i>Example Blog</i>. <a rel="nofollow" class="external text" href="https://web.archive.org/web/20150510000000/https://blog.example.org/history/">Archived</a> from the original on 10 May 2015<span class="reference-accessdate">. Retrieved <span class="nowrap">1 June 2015</span></span>.</cite><span title="ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&amp;rft.genre=unknown&amp;rft.jtitle=Example+Blog&amp;rft.atitle=Our+history&amp;rft.date=2015-05-08&amp;rft.aulast=Baker&amp;rft.aufirst=Mitchell&amp;rft_id=https%3A%2F%2Fblog.example.org%2Fhistory%2F&amp;rfr_id=info%3Asid%2Fen.wikipedia.org%3ASample" class="Z3988"></span></span></li>
<li id="cite_note-b-3"><span class="mw-cite-backlink">^ <a href="#cite_ref-b_3-0"><sup><i><b>a</b></i></sup></a> <a href="#cite_ref-b_3-1"><sup><i><b>b</b></i></sup></a></span> <span class="reference-text"><cite class="citation news cs1"><a rel="nofollow" class="external text" href="http://news.example.com/logo">"The logo"</a>. <i>Example News</i>. 3 March 2010.</cite><span class="Z3988" title="ctx_ver=Z39.88-2004&amp;rft.genre=article&amp;rft.jtitle=Example+News&amp;rft.atitle=The+logo&amp;rft.date=2010-03-03&amp;rft_id=http%3A%2F%2Fnews.example.com%2Flogo"></span><sup class="noprint Inline-Template"><span style="white-space: nowrap;">[<i><a href="/wiki/Wikipedia:Link_rot" title="Wikipedia:Link rot"><span title="&#160;Dead link since May 2019">permanent dead link</span></a></i>]</span></sup></span></li>
<li id="cite_note-c-4"><span class="mw-cite-backlink"><b><a href="#cite_ref-c_4-0">^</a></b></span> <span class="reference-text"><span class="error mw-ext-cite-error">Cite error: The named reference <code>c</code> was invoked but never defined.</span></span></li>
</ol></div>
<h2><span class="mw-headline" id="External_links">External links</span></h2>
<ul><li><a class="external text" href="https://example.org/">Official website</a>.</li></ul>
<div role="navigation" class="navbox"><p>Navbox text is not a claim.</p></div>
</div></div></body></html>"""


def test_desktop_markers_reuse_groups_and_tags() -> None:
    doc = parse(DESKTOP)
    assert doc.title == "Sample article"
    by_text = {c.text: c for c in doc.claims}
    assert [x.label for x in by_text["Sample is a community founded in 1998."].citations] == ["1"]
    assert by_text["It has many members."].tags == ("citation-needed",)
    assert by_text["It has many members."].citations == ()
    logo = by_text["Its logo is a dinosaur."]
    assert [(x.label, x.group) for x in logo.citations] == [("a", "lower-alpha"), ("2", "")]
    assert [x.label for x in by_text["The first release came in 2002."].citations] == ["1", "3"]
    assert [x.label for x in by_text["Version 1 was released in 2002."].citations] == ["2"]
    assert by_text["The first release came in 2002."].section == "History"
    texts = " ".join(by_text)
    for absent in ("Version 2", "For other uses", "The logo in 2010", "Navbox", "Other article",
                   "Official website", "edit"):
        assert absent not in texts
    assert ("Founded", "1998") in doc.facts
    refs = {(r.group, r.label): r for r in doc.references}
    assert set(refs) == {("lower-alpha", "a"), ("", "1"), ("", "2"), ("", "3")}
    first = refs[("", "1")].fields
    assert first.authors == ("Baker, Mitchell",)
    assert first.title == "Our history" and first.work == "Example Blog"
    assert first.date == date(2015, 5, 8) and first.access_date == date(2015, 6, 1)
    assert first.url == "https://blog.example.org/history/"
    assert first.archive_url == "https://web.archive.org/web/20150510000000/https://blog.example.org/history/"
    assert first.archive_date == date(2015, 5, 10)
    assert first.extra["type"] == "web"
    assert refs[("", "2")].tags == ("dead-link",)
    assert refs[("", "2")].fields.url == "http://news.example.com/logo"
    assert refs[("", "3")].tags == ("empty",)
    assert refs[("lower-alpha", "a")].raw == "The dinosaur dates from Netscape."


MOBILE = """<html><head><title>Sample - Wikipedia</title></head><body><div id="mw-content-text">
<div class="mw-parser-output"><section class="mf-section-0"><p>Lead sentence cites a note.<sup id="cite_ref-n_1-0" class="reference"><a href="#cite_note-n-1">[note 1]</a></sup></p></section>
<h2 class="section-heading"><span class="mw-headline" id="Background">Background</span></h2>
<section class="mf-section-1"><p>Background fact.<sup class="reference"><a href="#cite_note-4">[4]</a></sup></p></section>
<h2 class="section-heading"><span class="mw-headline" id="Notes">Notes</span></h2>
<section class="mf-section-2"><ol class="references"><li id="cite_note-n-1"><span class="reference-text">A note.</span></li></ol>
<ol class="references"><li id="cite_note-4"><span class="reference-text"><a class="external text" href="https://archive.ph/abc">Archived copy</a></span></li></ol></section>
</div></div></body></html>"""


def test_mobile_sections_and_note_groups() -> None:
    doc = parse(MOBILE)
    assert doc.title == "Sample"
    lead, background = doc.claims
    assert (lead.section, [(c.label, c.group) for c in lead.citations]) == (
        "Lead", [("note 1", "note")])
    assert (background.section, [c.label for c in background.citations]) == ("Background", ["4"])
    refs = {r.label: r for r in doc.references}
    assert refs["note 1"].group == "note"
    assert refs["4"].fields.archive_url == "https://archive.ph/abc"
    assert refs["4"].fields.url is None


def test_real_desktop_rendering_with_reused_reference() -> None:
    """enwiki "Nothing", lead as the legacy parser rendered it (action=parse, August 2019)."""
    articles = Path(__file__).resolve().parents[2] / "fixtures" / "articles"
    expected = json.loads(
        (articles / "nothing_lead.desktop.expected.json").read_text(encoding="utf-8"))
    doc = parse((articles / "nothing_lead.desktop.html").read_text(encoding="utf-8"))
    assert (doc.format, doc.title, doc.warnings) == (expected["format"], expected["title"], ())
    assert [(c.section, [x.label for x in c.citations]) for c in doc.claims] == [
        (c["section"], c["citations"]) for c in expected["claims"]]
    for claim, want in zip(doc.claims, expected["claims"], strict=True):
        assert claim.text.startswith(want["starts"])
    assert [(r.label, r.group, list(r.tags), r.fields.url, r.fields.title, r.fields.work,
             list(r.fields.authors)) for r in doc.references] == [
        (r["label"], r["group"], r["tags"], r["url"], r["title"], r["work"], r["authors"])
        for r in expected["references"]]
    joined = " ".join(c.text for c in doc.claims)
    assert not any(absent in joined for absent in expected["not_claims"])


def test_groups_and_labels_as_the_markers_show_them() -> None:
    """Labels "n 2", "iv" and "b" as shown; an item no marker cites gets its list position."""
    page = """<html><body><div class="mw-parser-output">
<p>First claim.<sup class="reference"><a href="#cite_note-n2">[n 2]</a></sup>
Second claim.<sup class="reference"><a href="#cite_note-r4">[iv]</a></sup>
Third claim.<sup class="reference"><a href="#cite_note-a2">[b]</a></sup></p>
<h2><span class="mw-headline">Notes</span></h2>
<div class="reflist"><ol class="references">
<li id="cite_note-n1"><span class="reference-text">Note one.</span></li>
<li id="cite_note-n2"><span class="reference-text">Note two.</span></li></ol></div>
<div class="reflist reflist-lower-alpha"><ol class="references">
<li id="cite_note-a1"><span class="reference-text">Alpha one.</span></li>
<li id="cite_note-a2"><span class="reference-text">Alpha two.</span></li></ol></div>
<div class="reflist"><ol class="references" style="list-style-type: lower-roman">
<li id="cite_note-r1"><span class="reference-text">Roman one.</span></li>
<li id="cite_note-r2"><span class="reference-text">Roman two.</span></li>
<li id="cite_note-r3"><span class="reference-text">Roman three.</span></li>
<li id="cite_note-r4"><span class="reference-text">Roman four.</span></li></ol></div>
</div></body></html>"""
    doc = parse(page)
    refs = {r.label: (r.group, r.raw) for r in doc.references}
    assert refs["n 2"] == ("n", "Note two.")
    assert refs["iv"] == ("lower-roman", "Roman four.")
    assert refs["b"] == ("lower-alpha", "Alpha two.")
    assert refs["a"] == ("lower-alpha", "Alpha one.")  # uncited: its list position
    assert refs["ii"] == ("lower-roman", "Roman two.")
    assert refs["n 1"] == ("n", "Note one.")  # the list's group, as its other items show it
    assert [[c.label for c in claim.citations] for claim in doc.claims] == [["n 2"], ["iv"], ["b"]]


def test_markers_in_a_heading_and_in_left_out_boxes_still_cite() -> None:
    """A marker in a heading, in a box left out of the text (a navbox, a sidebar in a
    paragraph): the heading, list item or paragraph it stands in is a claim citing it."""
    page = """<html><body><div id="mw-content-text"><div class="mw-parser-output">
<h2><span class="mw-headline">Early history<sup class="reference"><a href="#cite_note-1">[1]</a></sup></span></h2>
<p>Plain text.<span class="noexcerpt">Said once.<sup class="reference"><a href="#cite_note-2">[2]</a></sup></span></p>
<div class="navbox"><ul><li>Region<sup class="reference"><a href="#cite_note-3">[3]</a></sup></li></ul></div>
<div class="reflist"><ol class="references">
<li id="cite_note-1"><span class="reference-text">One.</span></li>
<li id="cite_note-2"><span class="reference-text">Two.</span></li>
<li id="cite_note-3"><span class="reference-text">Three.</span></li></ol></div>
</div></div></body></html>"""
    doc = parse(page)
    cited = {c.label: claim.text for claim in doc.claims for c in claim.citations}
    assert cited == {"1": "Early history", "2": "Plain text.", "3": "Region"}


def test_lower_greek_list_and_parsoid_css_counter_labels() -> None:
    """A lower-greek notes list: "β" as shown, the uncited item (alpha) by its position; older
    Parsoid's "[lower-greek 2]" is what CSS shows, "β"."""
    desktop = """<html><body><div class="mw-parser-output">
<p>Claim.<sup class="reference"><a href="#cite_note-g2">[β]</a></sup></p>
<div class="reflist reflist-lower-greek"><ol class="references">
<li id="cite_note-g1"><span class="reference-text">Greek one.</span></li>
<li id="cite_note-g2"><span class="reference-text">Greek two.</span></li></ol></div>
</div></body></html>"""
    refs = {r.label: r.raw for r in parse(desktop).references}
    assert refs == {"\u03b1": "Greek one.", "β": "Greek two."}
    parsoid = """<html><body class="mw-parser-output">
<p>Claim.<sup class="mw-ref"><a href="./X#cite_note-2" style="counter-reset: mw-Ref 2;"
 data-mw-group="lower-greek"><span class="mw-reflink-text">[lower-greek 2]</span></a></sup></p>
<ol class="mw-references references" data-mw-group="lower-greek">
<li id="cite_note-1"><span class="mw-reference-text">One.</span></li>
<li id="cite_note-2"><span class="mw-reference-text">Two.</span></li></ol>
</body></html>"""
    doc = parse(parsoid)
    assert {r.label: r.raw for r in doc.references} == {"\u03b1": "One.", "β": "Two."}
    assert [c.label for claim in doc.claims for c in claim.citations] == ["β"]


def test_list_items_of_a_list_without_the_references_class() -> None:
    """Every ``ol > li#cite_note-…`` is a reference, whatever class its list has."""
    page = """<html><body><div class="mw-parser-output">
<p>Claim.<sup class="reference"><a href="#cite_note-2">[2]</a></sup></p>
<div class="reflist"><ol><li id="cite_note-1"><span class="reference-text">One.</span></li>
<li id="cite_note-2"><span class="reference-text">Two.</span></li></ol></div>
</div></body></html>"""
    assert {r.label: r.raw for r in parse(page).references} == {"1": "One.", "2": "Two."}


def test_two_lists_of_one_group_each_numbered_from_one() -> None:
    """Per-section reference lists restart at 1: the first "[1]" keeps "1", the other
    note shown "[1]" is stored and cited as "1′", each with its own text."""
    page = """<html><body><div class="mw-parser-output">
<h2><span class="mw-headline">A</span></h2>
<p>First section claim.<sup class="reference"><a href="#cite_note-1">[1]</a></sup></p>
<div class="reflist"><ol class="references">
<li id="cite_note-1"><span class="reference-text">Source A.</span></li></ol></div>
<h2><span class="mw-headline">B</span></h2>
<p>Second section claim.<sup class="reference"><a href="#cite_note-2">[1]</a></sup>
Again the second.<sup class="reference"><a href="#cite_note-2">[1]</a></sup></p>
<div class="reflist"><ol class="references">
<li id="cite_note-2"><span class="reference-text">Source B.</span></li></ol></div>
</div></body></html>"""
    doc = parse(page)
    assert {r.label: r.raw for r in doc.references} == {"1": "Source A.", "1′": "Source B."}
    assert [[c.label for c in claim.citations] for claim in doc.claims] == [
        ["1"], ["1′"], ["1′"]]
