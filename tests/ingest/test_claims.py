"""Sentence splitting, marker ownership and spans of the claim builder."""

from __future__ import annotations

import pytest

from provenance.ingest.claims.split import Marker, build_claims, split_sentences, strip_markers


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "U.S. President Trump met Mr. Moon on March 25–28, 2018. They talked.",
            ["U.S. President Trump met Mr. Moon on March 25–28, 2018.", "They talked."],
        ),
        (
            "Costs rose (e.g., troops and fuel) after the summit. Prices fell.",
            ["Costs rose (e.g., troops and fuel) after the summit.", "Prices fell."],
        ),
        (
            'He said "we will talk. " President Bolton disagreed.',
            ['He said "we will talk. "', "President Bolton disagreed."],
        ),
        (
            "This is likely motivated by (a) money, and (b) the announcement of a summit.",
            ["This is likely motivated by (a) money, and (b) the announcement of a summit."],
        ),
        ("  ", []),
        ("No final period", ["No final period"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_markers_belong_to_the_sentence_they_sit_in_or_close() -> None:
    text = "First one. Second, with a mid marker here. Third. Fourth."
    markers = [
        Marker(10, "a"),  # right after "one."
        Marker(11, "b"),  # after the space following "one." (text "one. [b]")
        Marker(30, "c"),  # inside the second sentence
        Marker(len(text), "d"),  # after the last period
    ]
    claims = build_claims("S", text, markers)
    assert [(c.text, [x.label for x in c.citations]) for c in claims] == [
        ("First one.", ["a", "b"]),
        ("Second, with a mid marker here.", ["c"]),
        ("Third.", []),
        ("Fourth.", ["d"]),
    ]
    assert claims[1].citations[0].offset == 19
    assert all(c.section == "S" for c in claims)


def test_spans_use_base_or_positions() -> None:
    claims = build_claims("S", "One. Two.", [], base=100)
    assert [(c.start, c.end) for c in claims] == [(100, 104), (105, 109)]
    source = "One.[1] Two.[2]"
    plain = strip_markers(source, start=50)
    claims = build_claims("S", plain.text, plain.markers, positions=plain.positions)
    assert [(c.start, c.end, c.citations[0].label) for c in claims] == [
        (50, 54, "1"),
        (58, 62, "2"),
    ]
    assert [source[c.start - 50 : c.end - 50] for c in claims] == ["One.", "Two."]


def test_tags_at_offsets() -> None:
    claims = build_claims("S", "Dubious claim. Fine claim.", [], tags_at=[(14, "citation-needed")])
    assert [c.tags for c in claims] == [("citation-needed",), ()]


def test_attributions_are_attached() -> None:
    (claim,) = build_claims("S", "Talks resumed, Xinhua reported.", [])
    assert claim.attributions == ("Xinhua reported",)


def test_strip_markers() -> None:
    plain = strip_markers("In 2018.[10][11] A b [12] c[note 1] d[a][citation needed].")
    assert plain.text == "In 2018. A b c d."
    assert [(m.offset, m.label, m.group) for m in plain.markers] == [
        (8, "10", ""),
        (8, "11", ""),
        (12, "12", ""),
        (14, "note 1", "note"),
        (16, "a", "lower-alpha"),
    ]
    assert plain.tags_at == ((16, "citation-needed"),)
    assert len(plain.positions) == len(plain.text) + 1


def test_empty_paragraph_gives_no_claims() -> None:
    assert build_claims("S", "", [Marker(0, "1")]) == []


def test_long_paragraph_is_cut_before_splitting_without_losing_sentences() -> None:
    sentence = "Mr. Kim met Xi in the U.S. capital on March 25–28, 2018, e.g. at noon. "
    text = sentence * 100  # 7,100 characters, 100 sentences
    spans = split_sentences(text)
    assert len(spans) == 100
    assert all(text[start:end] == sentence.strip() for start, end in spans)


@pytest.mark.parametrize(("text", "expected"), [
    ("He assisted J. Birkinshaw, M. Inst. C.E., under whom he worked. In 1850 he moved.",
     ["He assisted J. Birkinshaw, M. Inst. C.E., under whom he worked.", "In 1850 he moved."]),
    ("He met Prof. Smith. Then Dr. Jones spoke.", ["He met Prof. Smith.", "Then Dr. Jones spoke."]),
    # "Inst." as a word of its own still ends a sentence
    ("The talk was at the Inst. The end.", ["The talk was at the Inst.", "The end."]),
])
def test_abbreviations_that_never_end_a_sentence(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_post_nominal_letters_in_a_real_article_stay_in_their_sentence() -> None:
    """William Clark (inventor): "M. Inst. C.E." three times, each inside one sentence."""
    from pathlib import Path

    from provenance.ingest.forms import wiki_html

    page = Path(__file__).resolve().parents[2] / "fixtures" / "articles" / (
        "william_clark_inventor.parsoid.html")
    doc = wiki_html.parse(page.read_text(encoding="utf-8"))
    with_letters = [c.text for c in doc.claims if "M. Inst. C.E." in c.text]
    assert [t[:40] for t in with_letters] == [
        "Soon afterwards he became a pupil of, an", "In 1851 he entered into partnership with",
        "He returned to England in 1874, when he "]
    assert not any(c.text.startswith(("C.E.", "Inst.")) for c in doc.claims)
