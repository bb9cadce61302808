"""Sources named in words, and ordinary sentences left alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provenance.ingest.claims.attribution import find_attributions
from provenance.ingest.claims.split import split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("They discussed relations, Xinhua reported.", ("Xinhua reported",)),
        ("According to Reuters, the talks failed.", ("According to Reuters",)),
        (
            "The talks failed, according to the Korean Central News Agency.",
            ("according to the Korean Central News Agency",),
        ),
        ("A report by the UN found abuses.", ("A report by the UN found",)),
        ("The Pew Research Center found that most adults agree.",
         ("The Pew Research Center found",)),
        ("The survey found that most adults agree.", ("The survey found",)),
        ("Data from CSIS Beyond Parallel shows a drop.", ("Data from CSIS Beyond Parallel shows",)),
        ("Figures from the World Bank show growth.", ("Figures from the World Bank",)),
        ("State media reported the visit.", ("State media reported",)),
        ('"We are ready," said the Korean Central News Agency.',
         ("said the Korean Central News Agency",)),
        ("The BBC said the talks ended.", ("The BBC said",)),
        ("The visit was reported by the BBC.", ("reported by the BBC",)),
        ("Yonhap News said the talks ended.", ("Yonhap News said",)),
        ("Chile's government announced a plan.", ("Chile's government announced",)),
        ("Citing Xinhua, the paper said the visit ended.", ("Citing Xinhua",)),
    ],
)
def test_named_sources(sentence: str, expected: tuple[str, ...]) -> None:
    assert find_attributions(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Kim stressed to Xi that North Korea and China are long-established countries.",
        "U.S. President Trump emphasized that China should cooperate.",
        "He said nothing.",
        "In 2018 Kim met Xi in Beijing.",
        "Xi's claims were denied.",
        "Prices fell according to plan.",
        "The city voted to close libraries, citing a budget gap of $12 million.",
        "This shift followed the announcement from the South Koreans of a possible summit.",
        "It is suspected by many that Kim Jong-un was briefing Xi Jinping.",
        # people quoted in reporting are not sources named in words (issue 10)
        '"We are ready," said Moon Jae-in.',
        "Trump told reporters he was pleased.",
        "Daniel Lemire wrote that the parser is fast.",
        '"It will not happen," Mayor Jane Doe said on Tuesday.',
        # a person showing or finding something is narration, not a source (wice-dev04133)
        ("Gaetz shows no sign of giving up his House seat and is expected to run for a fourth "
         "and final term in 2014."),
        "Smith estimated the crowd at a thousand.",
        # a band written in capitals is not an acronym of an organisation (wice-dev01220/01883)
        "Regarding how ALICE IN CHAINS came to do the GUNS N ROSES shows, William said yes.",
        '"We much appreciate it," says IRON MAIDEN.',
        "",
    ],
)
def test_ordinary_sentences(sentence: str) -> None:
    assert find_attributions(sentence) == ()


def _attributions(seed: str) -> list[tuple[str, ...]]:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    found = []
    for line in text.splitlines():
        plain = re.sub(r"\s?\[\d+\]", "", line)
        for start, end in split_sentences(plain):
            hit = find_attributions(plain[start:end])
            if hit:
                found.append(hit)
    return found


def test_every_sentence_of_seed_003() -> None:
    assert _attributions("003_cd3dd4c4be34f6b3.txt") == [("Data from CSIS Beyond Parallel",)]


def test_every_sentence_of_seed_000() -> None:
    assert _attributions("000_b07d10da4452e945.txt") == [
        ("news agency, Xinhua, quoted",),
        ("Xinhua reported",),
    ]
