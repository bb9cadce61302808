"""Text dumps of real Wikipedia pages (w3m, lynx, browser copies) read against a truth that
is not ours: the saved HTML of the same page, or the dump's own reference list."""

from __future__ import annotations

import re
from functools import cache

import pytest

from provenance.domain.documents import ParsedDocument
from provenance.ingest.forms.dumps import normalize_dump
from provenance.services.ingest import parse_text
from tests.ingest.self_truth import FIXTURES, page_truth, read_fixture

DUMPS = FIXTURES / "dumps"


@cache
def _parsed(name: str) -> ParsedDocument:
    return parse_text((DUMPS / name).read_text(encoding="utf-8"), name)


def _loose(text: str) -> str:
    """Text as both renderings agree on it: a browser adds quotes around <q>, spaces where
    hidden elements stood ('"roadmap" .', "( link)"); the HTML's text has neither."""
    return re.sub(r"[\s“”]+", "", text)


PAIRS = [
    ("en_hermitian_matrix.lynx.txt", "en_hermitian_matrix.desktop.html.gz"),
    ("en_mozilla.w3m.txt", "en_mozilla.desktop.html.gz"),
]


@pytest.mark.parametrize(("dump", "page"), PAIRS, ids=[d for d, _ in PAIRS])
def test_dump_reads_as_its_own_html_says(dump: str, page: str) -> None:
    """The page's sup.reference links are the truth: which labels its markers show, which
    list item each names, how many items the list has."""
    truth = page_truth(read_fixture(FIXTURES / "wikipedia" / page))
    doc = _parsed(dump)
    stored = {r.label: _loose(r.raw) for r in doc.references}
    right = [label for label, note in truth.cited.items()
             if stored.get(label) == _loose(truth.items[note])]
    assert sorted(right) == sorted(truth.cited)  # every label holds its own item's text
    assert len(doc.references) == len(truth.items)  # unnumbered items are not lost
    cited = {c.label for claim in doc.claims for c in claim.citations}
    assert set(truth.cited) <= cited  # every marker the page shows is held by a claim
    assert cited <= set(truth.cited)  # and no subscript, year or button reads as one


def test_lynx_subscripts_are_not_markers() -> None:
    """Hermitian matrix: <sub> written "H[ij]", "I[n]" by lynx; "[1994]" is text."""
    text = normalize_dump((DUMPS / "en_hermitian_matrix.lynx.txt").read_text(encoding="utf-8"))
    assert "H_ij = H_ji (matrix symmetry)" in text
    assert "I_n is Hermitian, but i\u2009I_n is not" in text
    assert "Michiel, ed. (2001) (1994)," in text
    doc = _parsed("en_hermitian_matrix.lynx.txt")
    # a marker followed by a page-number superscript ("^[90][3]^:p. 234") keeps its label
    rayleigh = next(c for c in doc.claims if c.text.startswith("R(M, x) , is defined as"))
    assert [x.label for x in rayleigh.citations] == ["3", "5"]


def test_lynx_formulas_read_as_shown_not_as_tex() -> None:
    """lynx prints a formula's MathML, then the image's alt text (TeX, with or without
    "{\\displaystyle …}", or as the editor wrote it); the formula reads as the MathML shows
    it, once, and a page-number superscript after a marker loses its caret."""
    doc = _parsed("en_hermitian_matrix.lynx.txt")
    texts = [c.text for c in doc.claims]
    assert not [t for t in texts if "\\" in t or "displaystyle" in t or "^:" in t]
    assert "Other, equivalent notations in common use are A^H = A^† = A^\u2217 , although note" \
        " that in quantum mechanics, A^\u2217 typically means the complex conjugate only, and not the" \
        " conjugate transpose." in texts
    assert "Still in functional analysis, λ_max is known as the spectral radius." in texts
    assert "where i denotes the complex number √(\u22121) , called the imaginary unit." in texts
    assert "R(M, x) , is defined as::p. 234" in texts
    # an alt text that is the symbol itself ("A") is not doubled
    text = " ".join(normalize_dump(
        (DUMPS / "en_hermitian_matrix.lynx.txt").read_text(encoding="utf-8")).split())
    assert "If the conjugate transpose of a matrix A is denoted by A^H , then" in text


def test_a_sentence_that_introduces_a_formula_is_a_claim() -> None:
    """The lead of Hermitian matrix ends "… for all indices i and j:" before its formula."""
    doc = _parsed("en_hermitian_matrix.lynx.txt")
    assert doc.claims[0].text.startswith("In mathematics, a Hermitian matrix (or self-adjoint")
    assert doc.claims[0].text.endswith("for all indices i and j:")


def test_w3m_search_form_is_no_claim() -> None:
    doc = _parsed("en_mozilla.w3m.txt")
    assert not any("Search" in c.text or c.text.startswith("[") for c in doc.claims)


def test_a_pasted_caret_among_plain_markers_is_no_dump() -> None:
    """Only where carets mark the markers (three of them at least, half of all) are bare
    brackets read as subscripts; one pasted "^[1]" leaves "[2]" a marker."""
    text = "The river floods.^[1] The town rebuilds.[2] Bridges fall.[3]\n"
    assert normalize_dump(text) == "The river floods.[1] The town rebuilds.[2] Bridges fall.[3]\n"


def test_form_lines_go_but_marker_lines_stay() -> None:
    text = "It floods.^\n[12]\n\n[                    ][Search][Go]\n\nMore text.^[3]\n"
    assert normalize_dump(text) == "It floods.[12]\n\n\nMore text.[3]\n"


# Browser copies of desktop Wikipedia (2014-2015): headings "Overview[edit]", a reference list
# whose items lost their numbers ("Jump up ^ …", "^ Jump up to: a b …"). The truth is the copy
# itself: its n-th list item is reference n, and its markers run [1]…[n].
COPIES = {
    "en_bleve.copy.txt": ("Boiling liquid expanding vapor explosion", 6),
    "en_mx_record.copy.txt": ("MX record", 8),
}
_ITEM = re.compile(r"^(?:\^ Jump up to: (?:[a-z] )+|Jump up \^ )(?P<text>.*)$", re.MULTILINE)


@pytest.mark.parametrize("name", sorted(COPIES))
def test_browser_copy_unnumbered_list(name: str) -> None:
    title, count = COPIES[name]
    text = (DUMPS / name).read_text(encoding="utf-8")
    items = [found["text"].strip() for found in _ITEM.finditer(text)]
    markers = sorted({int(m) for m in re.findall(r"\[(\d+)\]", text)})
    assert len(items) == count and markers == list(range(1, count + 1))  # the copy's own count
    doc = _parsed(name)
    assert doc.format == "wikipedia-text"
    assert doc.title == title
    assert [(r.label, r.raw) for r in doc.references] == [
        (str(n), item) for n, item in enumerate(items, 1)]
    cited = {c.label for claim in doc.claims for c in claim.citations}
    assert cited == {str(n) for n in range(1, count + 1)}
    assert not any("Jump up" in c.text or c.text.startswith("^") for c in doc.claims)


def test_maintenance_boxes_are_no_claims_and_link_numbers_no_citations() -> None:
    """A browser copy keeps a maintenance box's message ("This article's tone or style …
    (July 2013)") as a line of text, and an external link MediaWiki numbered ("on January 31,
    1978 [1];") as a bracketed number: neither is a claim or a citation. A marker after a
    stop and a space still cites."""
    texts = {name: [c.text for c in _parsed(name).claims]
             for name in ("en_bleve.copy.txt", "en_hermitian_matrix.lynx.txt")}
    boxes = [t for found in texts.values() for t in found
             if t.startswith(("This article", "This section", "[icon]", "(July", "(February"))
             or "You can help by" in t]
    assert boxes == []
    lynx = texts["en_hermitian_matrix.lynx.txt"]
    assert lynx[lynx.index("Furthermore, if B is row full-rank, then A is positive definite.")
                + 1].startswith("The entries on the main diagonal")
    bleve = _parsed("en_bleve.copy.txt")
    incidents = next(c for c in bleve.claims if "January 31, 1978 (1);" in c.text)
    assert [x.label for x in incidents.citations] == ["6"]
    doc = parse_text("Intro line\nFrom Wikipedia, the free encyclopedia\n\nThe sky is blue. [1] It was seen on May 2, 1978 [2]; and"
                     " later.[3]\n\nReferences\n\n1. ^ A.\n2. ^ B.\n3. ^ C.\n", "x.txt")
    assert [[x.label for x in c.citations] for c in doc.claims] == [["1"], ["3"]]


@pytest.mark.parametrize("name", sorted(p.name for p in DUMPS.glob("*.txt")))
def test_the_sites_footer_is_no_claim(name: str) -> None:
    """'This page was last edited on …', the licence and privacy lines, 'Retrieved from' and
    the categories after the article are the site's, not the article's claims."""
    footer = re.compile(r"last (?:edited|modified) on|Text is available under|"
                        r"By using this site|registered trademark of the Wikimedia")
    assert not [c.text for c in _parsed(name).claims if footer.search(c.text)]
