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
        # "according to" in other languages (issue 10 item 9)
        ("Laut dpa wurde das Treffen verschoben.", ("Laut dpa",)),
        ("Laut Angaben der Polizei starben zwei Menschen.", ("Laut Angaben der Polizei",)),
        ("Selon l'AFP, le sommet a eu lieu.", ("Selon l'AFP",)),
        ("Según El País, la cumbre fue un éxito.", ("Según El País",)),
        ("Secondo l'Ansa il vertice è finito.", ("Secondo l'Ansa",)),
        ("Segundo a Lusa, o acordo foi assinado.", ("Segundo a Lusa",)),
        ("据新华社报道，金正恩访问了北京。", ("据新华社报道",)),
        ("日本経済新聞によると、会談は成功した。", ("日本経済新聞によると",)),
        ("연합뉴스에 따르면 회담은 성공적이었다.", ("연합뉴스에 따르면",)),
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
        "Laut Plan ist alles gut.",  # German nouns have capitals: a plan is no source
        "Selon lui, le sommet a échoué.",
        "Il secondo Governo Prodi cadde nel 2008.",  # the ordinal
        "据他说，会谈很成功。",
        "그에 따르면 회담은 성공적이었다.",
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
