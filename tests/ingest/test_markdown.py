"""The Markdown parser on a realistic draft (fixtures/markdown/kim-xi-draft.md) and edge cases."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from provenance.domain.documents import ParsedDocument
from provenance.ingest.forms import markdown

DRAFT = Path(__file__).resolve().parents[2] / "fixtures" / "markdown" / "kim-xi-draft.md"
XINHUA = "http://www.xinhuanet.com/english/2018-03/28/c_137070598.htm"
CNN = "https://edition.cnn.com/2018/05/08/asia/kim-jong-un-xi-jinping-intl/index.html"
CSIS = "https://www.csis.org/analysis/mr-and-mrs-kim-go-beijing"
FMPRC = "https://www.fmprc.gov.cn/mfa_eng/"
XINHUA_ID = "link-58990082"
FMPRC_ID = "link-e6afc877"


@pytest.fixture(scope="module")
def source() -> str:
    return DRAFT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(source: str) -> ParsedDocument:
    return markdown.parse(source)


def test_front_matter(doc: ParsedDocument, source: str) -> None:
    assert doc.format == "markdown"
    assert doc.title == "Kim and Xi: Four Summits in Ten Months"
    assert doc.authors == ("Jane Park", "Tomás Ruiz")
    assert doc.published == dt.date(2019, 1, 15)
    assert doc.warnings == ()
    assert markdown.parse(source, title="Other").title == "Other"


def test_claims_sections_and_citations(doc: ParsedDocument) -> None:
    got = [(c.section, c.text, tuple(x.label for x in c.citations)) for c in doc.claims]
    assert got == [
        (
            "Lead",
            (
                "Between March 2018 and January 2019, North Korean leader Kim Jong-un travelled to "
                "China four times."
            ),
            ("wiki",),
        ),
        (
            "Lead",
            "His first visit, on March 25–28, 2018, was kept secret until he had left Beijing.",
            ("csis",),
        ),
        ("Lead", 'According to Xinhua, Kim described the talks as "fruitful".', (XINHUA_ID,)),
        ("Lead", "The U.S. administration was not told in advance.", ()),
        (
            "The second and third meetings",
            "Kim met Xi again in Dalian on May 7–8, 2018, as CNN reported.",
            ("cnn",),
        ),
        (
            "The second and third meetings",
            "A third meeting followed on June 19–20, 2018 in Beijing.",
            ("wiki", "scmp"),
        ),
        (
            "The second and third meetings",
            (
                "Analysts saw the visits as preparation for the Singapore summit with Trump (see the "
                "CSIS analysis)."
            ),
            ("csis-analysis",),
        ),
        (
            "Open questions",
            (
                "Data from the Korea Institute for National Unification shows trade fell by 88% in "
                "2018."
            ),
            (),
        ),
        ("Open questions", "Whether sanctions were eased is disputed.", ("9",)),
        (
            "Open questions",
            f"The full text of the joint statement is at {FMPRC}.",
            (FMPRC_ID,),
        ),
    ]


def test_code_blocks_are_not_claims(doc: ParsedDocument) -> None:
    assert not any("code" in c.text for c in doc.claims)


def test_attributions(doc: ParsedDocument) -> None:
    assert [c.attributions for c in doc.claims if c.attributions] == [
        ("According to Xinhua",),
        ("CNN reported",),
        ("Data from the Korea Institute for National Unification shows",),
    ]


def test_footnotes_and_links_are_references(doc: ParsedDocument) -> None:
    refs = {r.label: r for r in doc.references}
    assert list(refs) == ["wiki", "csis", "scmp", XINHUA_ID, "cnn", "csis-analysis", FMPRC_ID]
    assert refs["csis"].raw == (
        'Cha, Victor; Terry, Sue Mi (28 March 2018). ["Mr. and Mrs. Kim Go to Beijing"]'
        f"({CSIS}). CSIS. Retrieved 2 April 2018."
    )
    csis = refs["csis"].fields
    assert (csis.url, csis.title, csis.authors, csis.date) == (
        CSIS,
        "Mr. and Mrs. Kim Go to Beijing",
        ("Cha, Victor", "Terry, Sue Mi"),
        dt.date(2018, 3, 28),
    )
    assert refs["wiki"].fields.url == "https://en.wikipedia.org/wiki/Kim%E2%80%93Xi_meetings"
    assert refs["scmp"].fields.url is None
    assert {
        label: (r.fields.url, r.fields.title)
        for label, r in refs.items()
        if r.raw.startswith(("[", "h"))
    } == {
        XINHUA_ID: (XINHUA, "Xinhua"),
        "cnn": (CNN, "CNN reported"),
        "csis-analysis": (CSIS, "the CSIS analysis"),
        FMPRC_ID: (FMPRC, None),
    }
    assert "9" not in refs  # a dangling footnote: cited, never defined


def _unmarked(span: str) -> str:
    """Markdown source with link/footnote markup removed and whitespace collapsed."""
    span = re.sub(r"\[\^[^\]]+\]", "", span)
    span = re.sub(r"\]\([^)]*\)|\]\[[^\]]*\]", "", span)
    return " ".join(span.replace("[", "").replace("<", "").replace(">", "").split())


def test_claim_spans_point_into_the_source(doc: ParsedDocument, source: str) -> None:
    for claim in doc.claims:
        assert _unmarked(source[claim.start : claim.end]) == claim.text


def test_h1_is_the_title_without_front_matter() -> None:
    doc = markdown.parse(
        "# My Notes\n\nIt rained [a lot](https://example.org/rain). Then [again][r].\n\n"
        "## Later\n\nSun came out.[^s]\n\n[r]: https://example.org/rain\n[^s]:\n"
    )
    assert doc.title == "My Notes"
    assert [(c.section, c.text, [x.label for x in c.citations]) for c in doc.claims] == [
        ("Lead", "It rained a lot.", ["r"]),
        ("Lead", "Then again.", ["r"]),
        ("Later", "Sun came out.", ["s"]),
    ]
    # One URL, one reference, labelled by the document's own reference id.
    assert [(r.label, r.fields.url) for r in doc.references if r.fields.url] == [
        ("r", "https://example.org/rain")
    ]


def test_bad_front_matter_is_a_warning() -> None:
    doc = markdown.parse("---\ntitle: [unclosed\n---\n\nA sentence here.\n")
    assert doc.warnings == ("front matter is not valid YAML; ignored",)
    assert [c.text for c in doc.claims] == ["A sentence here."]


def test_inline_footnotes_get_numbered_labels() -> None:
    doc = markdown.parse("Rain fell.^[Met Office data, 2020.] Sun rose.[^x]\n\n[^x]: Almanac.\n")
    assert [(c.text, [x.label for x in c.citations]) for c in doc.claims] == [
        ("Rain fell.", ["inline-1"]),
        ("Sun rose.", ["x"]),
    ]
    assert {r.label: r.raw for r in doc.references} == {
        "inline-1": "Met Office data, 2020.",
        "x": "Almanac.",
    }


@pytest.mark.parametrize(("matter", "expected"), [
    ("---\ntitle: T\npublishDate: 2021-05-06\n---\n", "2021-05-06"),  # Hugo
    ("---\ntitle: T\npubDate: 'Jul 08 2022'\n---\n", "2022-07-08"),  # Astro
    ("---\ntitle: T\ndate: 2019-03-01 10:00:00 +0100\n---\n", "2019-03-01"),  # Jekyll
    ("+++\ntitle = \"T\"\ndate = 2022-04-24T10:00:00-05:00\n+++\n", "2022-04-24"),  # TOML
])
def test_front_matter_publication_date_names(matter: str, expected: str) -> None:
    from provenance.ingest.forms.markdown import parse as parse_markdown

    doc = parse_markdown(matter + "\nThe river floods every spring and the town rebuilds.\n")
    assert doc.published is not None and doc.published.isoformat() == expected


# A real reference line (fixtures/references/corpus.jsonl, "misc": the bzip2 maintainer's post)
BZIP2 = ("Federico Mena Quintero. [Maintaining bzip2](https://viruta.org/maintaining-bzip2.html),"
         " [Federico's Blog](https://viruta.org/), June 4th, 2019. Retrieved on October 18th, 2022.")


def test_a_footnote_keeps_every_url_it_links() -> None:
    """Issue 10 item 4: the primary URL is ``url``, the others stay alongside (were dropped)."""
    doc = markdown.parse(f"# Notes\n\nbzip2 changed maintainers in 2019.[^1]\n\n[^1]: {BZIP2}\n")
    (ref,) = doc.references
    assert ref.fields.url == "https://viruta.org/maintaining-bzip2.html"
    assert ref.fields.extra["urls"].split() == ["https://viruta.org/maintaining-bzip2.html",
                                                "https://viruta.org/"]
    assert ref.fields.access_date == dt.date(2022, 10, 18)


def test_a_protocol_relative_link_is_an_https_url() -> None:
    """Issue 10 item 4: ``//host/path`` is read as https (a footnote's and a cited link's
    were dropped: the reference had no URL, the sentence no citation)."""
    doc = markdown.parse(
        "# Notes\n\nThe paper came out in 2019.[^1] The data is [public](//data.example.org/set).\n"
        "\n[^1]: Jones, A. [Paper](//cdn.example.org/p.pdf). 2019.\n")
    by_label = {r.label: r for r in doc.references}
    assert by_label["1"].fields.url == "https://cdn.example.org/p.pdf"
    (linked,) = (r for r in doc.references if r.label != "1")
    assert linked.fields.url == "https://data.example.org/set"
    assert [c.label for c in doc.claims[1].citations] == [linked.label]
