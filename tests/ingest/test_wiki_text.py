"""The Wikipedia text-scrape parser against the complete ground truth of seed 000."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provenance.domain.documents import ParsedDocument
from provenance.ingest.forms import wiki_text
from provenance.ingest.references.parse import parse_reference

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seeds" / "000_b07d10da4452e945.txt"

# (section, sentence, citation labels) for every claim of seed 000, in order.
CLAIMS = [
    (
        "Lead",
        "Kim–Xi meetings is a series of summits between North Korea and China during the year 2018 and 2019.",
        (),
    ),
    (
        "Lead",
        "North Korean supreme leader Kim Jong-un secretly met with Chinese paramount leader Xi Jinping on March 25–28, 2018.",
        (),
    ),
    (
        "Lead",
        "Xi made a classified invitation to Kim to visit China, after which Kim visited Beijing used his bullet proof train to travel to the three-day meeting.",
        (),
    ),
    ("Lead", "It is his first known out-of-country diplomatic trip since taking power.", ("1",)),
    (
        "Lead",
        "Kim and Xi had a second surprise meeting on May 7–8, 2018 in the city of Dalian.",
        ("2",),
    ),
    ("Lead", "Kim and Xi had a third surprise meeting on June 19–20, 2018.", ()),
    ("Lead", "Kim and Xi had a fourth surprise meeting on January 7–10, 2019 in Beijing.", ()),
    (
        "First meeting",
        "The first China–North Korea meeting in 2018 was organized by the invitation from Xi Jinping, General Secretary of the Communist Party of China (de facto paramount leader).",
        (),
    ),
    (
        "First meeting",
        "During the meeting between the two heads of state, Kim Jong-un officially invited Xi Jinping to Pyongyang at a time convenient for him, and Xi accepted the invitation.",
        ("3",),
    ),
    (
        "First meeting",
        "During the confidential summit schedule, Xi presented and explained the list of the presents to Kim, who also prepared several gifts and described their details for Xi.",
        ("4",),
    ),
    (
        "First meeting",
        "Xi urged Kim to strengthen the strategic and diplomatic future partnership between China and North Korea.",
        (),
    ),
    (
        "First meeting",
        "Kim stressed to Xi that North Korea and China are long-established communist countries and that there are many ways to cooperate in various aspects in the future.",
        ("5",),
    ),
    (
        "First meeting",
        "Regarding North Korea nuclear weapons crisis with a diplomatic solution and Beijing's issue with US trade war, the two leaders meeting might be substantial leverage for answering to a puzzle of resolution to both two long-lasting communist countries.",
        ("6",),
    ),
    (
        "First meeting",
        'As regards Chinese state news agency, Xinhua, quoted Kim\'s statement "The issue of denuclearization of the Korean Peninsula is resolved, and South Korea and the United States respond to our efforts with goodwill, create an atmosphere of peace and stability while taking progressive and synchronous measures for the realization of peace. "',
        (),
    ),
    (
        "First meeting",
        "President Trump’s new national security advisor: John Bolton would not adopt the unreasonable solution - examples: sheer costs for North Korea's denuclearization (e.g., withdrawal of U.S. troops from the Korean peninsula or mutual denuclearization for both the DPRK and United States) after Kim-Xi summit.",
        ("7",),
    ),
    (
        "Second meeting",
        "Kim Jong-un met Xi Jinping for the second time in Dalian, Liaoning on May 7–8, 2018.",
        ("8",),
    ),
    (
        "Second meeting",
        "The two leaders discussed how to cooperate at the communist level on denuclearization, and peace on the Korean peninsula.",
        (),
    ),
    (
        "Second meeting",
        "They also discussed China–DPRK relations and significant issues of common concern, Xinhua reported.",
        (),
    ),
    (
        "Second meeting",
        "U.S. President Trump emphasized that China should cooperate with the U.S.'s continued implementation of economic sanctions, with commercial and financial penalties on North Korea until it permanently dismantles its nuclear weapons and ICBM missile programs.",
        (),
    ),
    (
        "Second meeting",
        "This is the second time China's paramount leader Xi Jinping has met Kim Jong-un in two months, and Xi Jinping reaffirmed his state visit to Pyongyang by the end of 2018.",
        ("9",),
    ),
    (
        "Third meeting",
        "Kim Jong-un met with Xi Jinping in Beijing on June 19th, and 20th, 2018.",
        ("10", "11"),
    ),
    (
        "Third meeting",
        "Kim was speculated to have sought advice from Xi about a future, mutually beneficial negotiation strategy between the DPRK and United States.",
        ("12",),
    ),
    (
        "Fourth meeting",
        "Kim Jong-un met with Xi Jinping in Beijing on January 7th, 8th, 9th, and 10th, 2019.",
        ("13",),
    ),
    ("Fourth meeting", "The trip began on Kim's 35th birthday.", ()),
    (
        "Fourth meeting",
        "It is suspected by many that Kim Jong-un was briefing Xi Jinping on the upcoming Trump-Kim summit in Hanoi, Vietnam and seeking advice.",
        (),
    ),
    ("Fourth meeting", "Kim is expected to transit China via train in the journey to Vietnam.", ()),
]

REFERENCES = {
    "1": 'Park, Yuna; Campbell, Joseph (17 March 2018). "Now North Korean diplomat heads to Finland amid new diplomatic flurry".',
    "2": 'Jiang, Steven; Westcott, Ben; Han, Sol (9 May 2018). "Kim Jong Un meets with Xi Jinping in northern China". CNN. Retrieved 9 May 2018.',
    "3": 'Huang, Cary (3 April 2018). "Kim Jong-un and Xi Jinping take centre stage in diplomatic drama on the Korean peninsula". Retrieved 6 April 2018.',
    "4": '"Kim Jong Un\'s visit to China - Korean Central TV documentary". YouTube (Online video). Korean Central TV documentary. 29 March 2018. 9′21″. Retrieved 6 April 2018.',
    "5": '"Kim Jong Un\'s visit to China [English][North Korean TV]". YouTube (Online video). stimmekoreas. 29 March 2018. Retrieved 6 April 2018.',
    "6": "\"Kim's visit to China: you scratch my back and I'll scratch yours\". Hong Kong Economic Journal. 29 March 2018. Retrieved 6 April 2018.",
    "7": "Aum, Frank (28 March 2018). \"North Korea-China Summit: The 'Strategic Choice' by Both Sides- Frank Aum: Xi Jinping and Kim Jong-Un Meet to Seek Leverage with the United States\". Hong Kong Economic Journal on March 29. Retrieved 15 April 2018.",
    "8": '金, 佳绪 (10 May 2018). "40多天两度会晤,习近平同金正恩谈了哪些大事" [Two meetings in more than 40 days, Xi Jinping discussed what important issues with Kim Jong-un] (in Chinese). Xinhuanet. Retrieved 24 May 2018.',
    "9": 'Jiang, Steven; Westcott, Ben (8 May 2018). "Kim Jong Un holds second meeting with Xi Jinping in China". Archived from the original on 8 May 2018.',
    "10": '"朝鲜领导人金正恩6月19日至20日对中国进行访问" [North Korean leader Kim Jong-un visited China from June 19th to 20th] (in Chinese). 19 June 2018. Retrieved 19 June 2018.',
    "11": '李, 忠发 (19 June 2018). "习近平举行仪式欢迎金正恩访华" [Xi Jinping holds ceremony welcoming Kim Jong-un to China] (in Chinese). Retrieved 19 June 2018.',
    "12": "Lu, Zhenhua; Lee, Jeong-ho (19 June 2018). \"North Korea's Kim Jong-un in China for two-day trip 'to brief Xi Jinping on Donald Trump summit'\". Retrieved 19 June 2018.",
    "13": "",
}

FACTS = [
    ("First meeting: Date", "March 25–28, 2018 (2018-03-25 – 2018-03-28)"),
    ("First meeting: Location", "Zhongnanhai, Beijing, China"),
    ("First meeting: Participants", "Xi Jinping (General Secretary)"),
    ("First meeting: Participants", "Kim Jong-un (Chairman)"),
    ("Second meeting: Date", "May 7–8, 2018 (2018-05-07 – 2018-05-08)"),
    ("Second meeting: Location", "Dalian, Liaoning, China"),
    ("Second meeting: Participants", "Xi Jinping (General Secretary)"),
    ("Second meeting: Participants", "Kim Jong-un (Chairman)"),
    ("Third meeting: Date", "June 19–20, 2018 (2018-06-19 – 2018-06-20)"),
    ("Third meeting: Location", "Zhongnanhai, Beijing, China"),
    ("Third meeting: Participants", "Xi Jinping (General Secretary)"),
    ("Third meeting: Participants", "Kim Jong-un (Chairman)"),
    ("Fourth meeting: Date", "January 7–10, 2019 (2019-01-07 – 2019-01-10)"),
    ("Fourth meeting: Location", "Zhongnanhai, Beijing, China"),
    ("Fourth meeting: Participants", "Xi Jinping (General Secretary)"),
    ("Fourth meeting: Participants", "Kim Jong-un (Chairman)"),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(seed_text: str) -> ParsedDocument:
    return wiki_text.parse(seed_text)


def test_every_claim_with_its_section_and_citations(doc: ParsedDocument) -> None:
    got = [(c.section, c.text, tuple(cite.label for cite in c.citations)) for c in doc.claims]
    assert got == CLAIMS


def test_title_is_the_lead_subject(doc: ParsedDocument, seed_text: str) -> None:
    assert doc.title == "Kim–Xi meetings"
    assert wiki_text.parse(seed_text, title="Override").title == "Override"
    assert doc.format == "wikipedia-text"


def test_sections_in_order(doc: ParsedDocument) -> None:
    sections = list(dict.fromkeys(c.section for c in doc.claims))
    assert sections == [
        "Lead",
        "First meeting",
        "Second meeting",
        "Third meeting",
        "Fourth meeting",
    ]


def test_navigation_caption_headings_and_infobox_are_not_claims(doc: ParsedDocument) -> None:
    texts = " ".join(c.text for c in doc.claims)
    for chrome in (
        "Open main menu",
        "Kim Dae-jung",
        "Meeting between DPRK chairman",
        "Edit",
        "Zhongnanhai, Beijing, China",
        "General Secretary)",
        "See also",
    ):
        assert chrome not in texts
    assert not any(c.text in ("First meeting", "Kim Jong-il") for c in doc.claims)


def test_consecutive_markers_and_marker_after_space(doc: ParsedDocument) -> None:
    by_text = {c.text: c for c in doc.claims}
    both = by_text["Kim Jong-un met with Xi Jinping in Beijing on June 19th, and 20th, 2018."]
    assert [cite.label for cite in both.citations] == ["10", "11"]
    assert {cite.offset for cite in both.citations} == {len(both.text)}
    spaced = next(c for c in doc.claims if c.text.startswith("Kim was speculated"))
    assert spaced.text.endswith("United States.")
    assert [cite.label for cite in spaced.citations] == ["12"]


def test_last_three_sentences_of_fourth_section_are_uncited(doc: ParsedDocument) -> None:
    fourth = [c for c in doc.claims if c.section == "Fourth meeting"]
    assert [c.citations for c in fourth[-3:]] == [(), (), ()]
    assert [cite.label for cite in fourth[0].citations] == ["13"]


def test_claim_spans_point_at_the_source(doc: ParsedDocument, seed_text: str) -> None:
    for claim in doc.claims:
        source = re.sub(r"\s?\[\d+\]", "", seed_text[claim.start : claim.end])
        assert source == claim.text


def test_attributions(doc: ParsedDocument) -> None:
    found = {c.text[:30]: c.attributions for c in doc.claims if c.attributions}
    assert found == {
        "As regards Chinese state news ": ("news agency, Xinhua, quoted",),
        "They also discussed China–DPRK": ("Xinhua reported",),
    }


def test_thirteen_references_with_raw_text(doc: ParsedDocument) -> None:
    assert {r.label: r.raw for r in doc.references} == REFERENCES
    assert [r.label for r in doc.references] == [str(n) for n in range(1, 14)]


def test_empty_last_reference_without_trailing_newline(doc: ParsedDocument) -> None:
    last = doc.references[-1]
    assert (last.label, last.raw, last.tags) == ("13", "", ("empty",))
    assert all(r.tags == () for r in doc.references[:-1])


def test_reference_fields_come_from_the_reference_parser(doc: ParsedDocument) -> None:
    for ref in doc.references[:-1]:
        assert ref.fields == parse_reference(ref.raw)
    cnn = doc.references[1].fields
    assert cnn.authors == ("Jiang, Steven", "Westcott, Ben", "Han, Sol")
    assert cnn.work == "CNN"
    assert all(r.fields.url is None for r in doc.references)


def test_infobox_rows_are_facts(doc: ParsedDocument) -> None:
    assert list(doc.facts) == FACTS


PLAIN = """Lithium Supply in 2023

Global lithium production rose by a third in 2023.[1] Prices, however, fell sharply over the
year [2], according to Benchmark Mineral Intelligence. Australia remained the largest producer.[1][3]

Chile's government announced a plan to nationalise the industry in April.[4] The plan has not
yet been enacted.[citation needed]

Sources

[1] U.S. Geological Survey (2024). "Mineral Commodity Summaries 2024: Lithium". https://pubs.usgs.gov/periodicals/mcs2024/mcs2024-lithium.pdf
[2] Reuters (15 December 2023). "Lithium prices end 2023 down 80%".
    https://www.reuters.com/markets/commodities/lithium-prices-2023-12-15/
3. Australian Government. Resources and Energy Quarterly. https://www.industry.gov.au/publications/resources-and-energy-quarterly
4. Bnamericas (21 April 2023). "Chile unveils national lithium strategy". Retrieved 2 May 2023. https://www.bnamericas.com/en/news/chile-lithium
"""


def test_plain_text_with_markers_and_a_url_list() -> None:
    doc = wiki_text.parse(PLAIN)
    assert doc.title == "Lithium Supply in 2023"
    got = [(c.text, tuple(cite.label for cite in c.citations), c.tags) for c in doc.claims]
    assert got == [
        ("Global lithium production rose by a third in 2023.", ("1",), ()),
        (
            (
                "Prices, however, fell sharply over the year, according to Benchmark Mineral "
                "Intelligence."
            ),
            ("2",),
            (),
        ),
        ("Australia remained the largest producer.", ("1", "3"), ()),
        ("Chile's government announced a plan to nationalise the industry in April.", ("4",), ()),
        ("The plan has not yet been enacted.", (), ("citation-needed",)),
    ]
    assert {r.label: r.fields.url for r in doc.references} == {
        "1": "https://pubs.usgs.gov/periodicals/mcs2024/mcs2024-lithium.pdf",
        "2": "https://www.reuters.com/markets/commodities/lithium-prices-2023-12-15/",
        "3": "https://www.industry.gov.au/publications/resources-and-energy-quarterly",
        "4": "https://www.bnamericas.com/en/news/chile-lithium",
    }
    assert doc.references[1].raw.endswith(
        'down 80%". https://www.reuters.com/markets/commodities/lithium-prices-2023-12-15/'
    )


def test_backlinks_and_notes_in_a_caret_list() -> None:
    text = (
        "Alpha is a thing.[1] It was named in 1900.[a]\n\n"
        '  1. ^ a b Smith, John (2001). "Alpha". Retrieved 3 May 2002.\n'
        '  2. ^ Unused, Ann (2002). "Beta".'
    )
    doc = wiki_text.parse(text)
    assert doc.title == "Alpha"
    assert [(c.text, [(x.label, x.group) for x in c.citations]) for c in doc.claims] == [
        ("Alpha is a thing.", [("1", "")]),
        ("It was named in 1900.", [("a", "lower-alpha")]),
    ]
    assert [r.raw for r in doc.references] == [
        'Smith, John (2001). "Alpha". Retrieved 3 May 2002.',
        'Unused, Ann (2002). "Beta".',
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "Open main menu\nKim Dae-jung\n", "\x00\x01"])
def test_degenerate_input_gives_an_empty_document(text: str) -> None:
    doc = wiki_text.parse(text)
    assert doc.claims == () and doc.references == ()


def _scrape(name: str) -> str:
    """A text scrape of a real Wikipedia page: its paragraphs as the page shows them
    (markers "[12]" in place), one blank line apart."""
    import lxml.html

    from tests.ingest.self_truth import FIXTURES, read_fixture

    root = lxml.html.fromstring(read_fixture(FIXTURES / "wikipedia" / name))
    paragraphs = (" ".join(p.text_content().split()) for p in root.iter("p"))
    return "Title\n\n" + "\n\n".join(p for p in paragraphs if p) + "\n"


@pytest.mark.parametrize("name", ["de_albert_einstein.parsoid.html.gz",
                                  "fr_calvi.parsoid.html.gz"])
def test_a_text_scrape_is_split_in_its_own_language(name: str) -> None:
    """German ordinal dates and French 'av. J.-C.' keep their sentences whole in the text
    form too (it split every text as English: 'Albert Einstein (* 14.' was a claim)."""
    from tests.ingest.test_sentences_real import WHOLE

    texts = [c.text for c in wiki_text.parse(_scrape(name)).claims]
    whole = [s for n, s in WHOLE if n == name and s in _scrape(name)]
    assert whole and all(s in texts for s in whole), [s for s in whole if s not in texts]
