"""Web-article HTML: a real Ars Technica page (body vs boilerplate, metadata, inline links)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from provenance.ingest.forms.web_html import link_label, parse

ARTICLES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"


def test_ars_article_metadata_body_and_links() -> None:
    source = ARTICLES / "ars_minecraft_exploit.html"
    expected = json.loads((ARTICLES / "ars_minecraft_exploit.expected.json").read_text("utf-8"))
    doc = parse(source.read_text(encoding="utf-8"))
    assert doc.format == expected["format"]
    assert doc.title == expected["title"]
    assert list(doc.authors) == expected["authors"]
    assert doc.published == date.fromisoformat(expected["published"])
    for want in expected["claims"]:
        found = [c for c in doc.claims if c.text.startswith(want["starts"])]
        assert found, want["starts"]
        assert [x.label for x in found[0].citations] == [link_label(u) for u in want["citations"]]
    texts = [c.text for c in doc.claims]
    assert len(texts) == len(set(texts))  # block quotes are not read twice
    joined = " ".join(texts)
    for absent in expected["not_claims"]:
        assert absent not in joined
    refs = {r.fields.url: r for r in doc.references}
    assert sorted(refs) == sorted(r["url"] for r in expected["references"])
    for want in expected["references"]:
        ref = refs[want["url"]]
        assert ref.fields.title == want["title"]
        assert ref.label == link_label(want["url"])
    quoted = next(c for c in doc.claims if "Ammar Askar wrote" in c.text)
    assert quoted.attributions == ()  # a person quoted in reporting, not a source in words


FOOTNOTES = """<html><head><title>Rain report | Example</title>
<meta property="og:title" content="Rain report">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2021-03-04T10:00:00Z">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rain report",
"author": {"@type": "Person", "name": "Jane Roe"}, "datePublished": "2021-03-04"}</script>
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Rain report</h1>
<p>Rain fell for nine days in March, the longest spell on record.<sup><a href="#fn1" id="r1">1</a></sup>
The weather service <a href="https://weather.example.gov/report">published its figures</a> on Monday.</p>
<p>Farmers said the harvest would be late this year, and prices rose by a tenth in a week.<sup><a href="#fn2">2</a></sup></p>
<p>Officials expect drier weather in April, though they gave no figures for the coming weeks.</p>
<section class="footnotes"><ol>
<li id="fn1">Smith, John (2020). "Rainfall records". <i>Weather Journal</i>. <a href="#r1">↩</a></li>
<li id="fn2"></li></ol></section></article>
<footer>Copyright 2021 Example Media. All rights reserved.</footer></body></html>"""


def test_footnotes_links_and_metadata() -> None:
    doc = parse(FOOTNOTES)
    assert doc.title == "Rain report"
    assert doc.authors == ("Jane Roe",)
    assert doc.published == date(2021, 3, 4)
    by_text = {c.text: c for c in doc.claims}
    first = by_text["Rain fell for nine days in March, the longest spell on record."]
    assert [x.label for x in first.citations] == ["1"]
    second = by_text["The weather service published its figures on Monday."]
    assert [x.label for x in second.citations] == [link_label("https://weather.example.gov/report")]
    assert [x.label for x in by_text[
        "Farmers said the harvest would be late this year, and prices rose by a tenth in a week."
    ].citations] == ["2"]
    assert not any("Copyright" in t or "Home" in t for t in by_text)
    refs = {r.label: r for r in doc.references}
    assert refs["1"].fields.title == "Rainfall records"
    assert refs["1"].fields.authors == ("Smith, John",)
    assert refs["2"].tags == ("empty",)
    link = refs[link_label("https://weather.example.gov/report")]
    assert link.fields.title == "published its figures"
    assert link.fields.url == "https://weather.example.gov/report"


def _spaces(text: str) -> str:
    return " ".join(text.split())  # no-break spaces as the page has them, read as spaces


def test_le_monde_article_with_opengraph_and_microdata() -> None:
    """A real Le Monde page (readability test page lemonde-1): og:title, itemprop author/date."""
    source = ARTICLES / "lemonde_renseignement.html"
    expected = json.loads((ARTICLES / "lemonde_renseignement.expected.json").read_text("utf-8"))
    doc = parse(source.read_text(encoding="utf-8"))
    assert (doc.format, doc.title, list(doc.authors)) == (
        expected["format"], expected["title"], expected["authors"])
    assert doc.published == date.fromisoformat(expected["published"])
    assert len(doc.claims) == expected["claim_count"]
    sections = list(dict.fromkeys(_spaces(c.section) for c in doc.claims))
    assert sections == expected["sections"]
    for want in expected["claims"]:
        found = [c for c in doc.claims if _spaces(c.text).startswith(want["starts"])]
        assert found, want["starts"]
        assert _spaces(found[0].section) == want["section"]
        assert [x.label for x in found[0].citations] == [link_label(u) for u in want["citations"]]
    joined = " ".join(c.text for c in doc.claims)
    for absent in expected["not_claims"]:
        assert absent not in joined
    assert [(r.fields.url, r.fields.title, r.label) for r in doc.references] == [
        (r["url"], r["title"], link_label(r["url"])) for r in expected["references"]]


def test_a_large_page_is_read_as_its_small_self() -> None:
    """One reading at every size: the Ars article with 1.5 MB of inline script and JSON (as
    large news pages carry) gives the same claims, references and metadata as the article."""
    page = (ARTICLES / "ars_minecraft_exploit.html").read_text(encoding="utf-8")
    blob = "<script>window.__STATE__ = " + json.dumps(
        [{"id": n, "teaser": f"Story {n} of the day, read more"} for n in range(30_000)]) + \
        ";</script>"
    large = page.replace("</head>", blob + "</head>", 1)
    assert len(large.encode("utf-8")) > 1_500_000
    small_doc, large_doc = parse(page), parse(large)
    assert large_doc.claims == small_doc.claims
    assert large_doc.references == small_doc.references
    assert (large_doc.title, large_doc.authors, large_doc.published) == \
        (small_doc.title, small_doc.authors, small_doc.published)


def test_many_footnotes_each_find_their_note() -> None:
    """2,000 footnotes (one index of the page's ids, not a search of the page per marker)."""
    count = 2_000
    body = "".join(f"<p>Claim number {n} about the harvest rests on a report.<sup>"
                   f"<a href='#fn{n}' id='r{n}'>{n}</a></sup> More text follows here.</p>"
                   for n in range(1, count + 1))
    notes = "".join(f"<li id='fn{n}'>Report {n}, Farm Office, 2020. <a href='#r{n}'>↩</a></li>"
                    for n in range(1, count + 1))
    doc = parse(f"<html><body><article><h1>Harvest</h1>{body}"
                f"<section class='footnotes'><ol>{notes}</ol></section></article></body></html>")
    refs = {r.label: r.raw for r in doc.references}
    assert len(refs) == count and refs["1999"] == "Report 1999, Farm Office, 2020."
    cited = [c for c in doc.claims if c.citations]
    assert [x.label for c in cited for x in c.citations] == [str(n) for n in range(1, count + 1)]
    assert all(c.citations[0].offset == len(c.text) for c in cited)
