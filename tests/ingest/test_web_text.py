"""The web-article text-scrape parser against seed 003 (CSIS "Mr. and Mrs. Kim Go to Beijing")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from provenance.domain.documents import ParsedDocument
from provenance.ingest.forms import web_text

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seeds" / "003_cd3dd4c4be34f6b3.txt"

# (section, sentence) for every claim of the article body, in order: the lead paragraph, then
# the bulleted analysis under "What this visit means:".
CLAIMS = [
    (
        "Lead",
        "On March 25-28,\xa0North Korean leader Kim Jong-un traveled with his wife Ri Sol-ju to Beijing\xa0to meet Chinese president Xi Jinping.",
    ),
    (
        "Lead",
        "This was Kim Jong-un’s first foreign visit as the head of state and his first visit to China since becoming North Korea’s supreme leader in December 2011.",
    ),
    (
        "Lead",
        "During the 4-day unofficial visit, Kim held bilateral talks with Xi, attended a welcoming banquet and luncheon hosted by Xi and his wife Peng Liyuan, watched an art performance, and visited an exhibition showcasing the accomplishments of the Chinese Academy of Sciences.",
    ),
    (
        "Lead",
        "The meeting came as a surprise because relations between China and North Korea had been tense for months.",
    ),
    (
        "What this visit means",
        "Shows a definitive turn in North Korea policy for Xi Jinping after the 13th National People’s Congress meeting earlier this month.",
    ),
    (
        "What this visit means",
        "It demonstrates Xi is moving away from an arm's-length, non-dialogue policy to reconciliation with Kim Jong-un.",
    ),
    (
        "What this visit means",
        "This shift is likely motivated by (a) dissatisfaction with the ineffectiveness of their North Korea policy prior to Xi's reinstatement as leader, and (b) the announcement from the South Koreans of a possible summit between Kim and U.S. president Donald Trump.",
    ),
    (
        "What this visit means",
        "At a minimum, this represents an effort at policy coordination in advance of the two spring summits, between North and South Korea and U.S.-North Korea (not unlike what the United States is now doing with its allies in Seoul and Tokyo).",
    ),
    (
        "What this visit means",
        "Xi doesn't want to be left out of a possible North Korea-U.S. deal: he wants to make clear to Kim in advance what China will and will not support in the negotiation.",
    ),
    (
        "What this visit means",
        "At a maximum, China may resume some assistance to the North as it seeks Pyongyang's assurance that it will not undertake any provocative actions that might upset the delicate diplomatic path being crafted after the PyeongChang Olympics.",
    ),
    (
        "What this visit means",
        "This would once again raise the problem of UNSCR sanctions compliance by Beijing.",
    ),
    (
        "What this visit means",
        "For Kim Jong-un this move may be an insurance policy to guarantee that even if summit talks fail with the U.S. that North Korea could still fall back on its relationship with China.",
    ),
    (
        "What this visit means",
        "As this trip represents Kim's first known sojourn outside of the country to meet a foreign head of state, it suggests that the North Korean leader may not be averse to traveling outside of the country (perhaps even overseas)\xa0for a\xa0summit with the U.S. president.",
    ),
    (
        "What this visit means",
        "It may also represents efforts by Kim Jong-un to remake the image of his country into a “normal state.”",
    ),
    (
        "What this visit means",
        "This could be seen as an extension of Kim Yo-jong’s visit to South Korea for the 2018 PyeongChang Olympics and the welcoming of a South Korean delegation to Pyongyang earlier this month.",
    ),
    (
        "What this visit means",
        "The fact that Kim traveled with his wife Ri Sol-ju and other high-level officials such as Choe Ryong-hae is highly unusual and could indicate his desire to refine North Korea’s image on the world stage.",
    ),
    (
        "What this visit means",
        "Kim's treatment as an equal by Xi raises his stature and furthers his strategy of using North Korea's nuclear arsenal to elevate both himself and his country on the international stage.",
    ),
    (
        "What this visit means",
        "Kim likely hopes the upcoming meeting with Trump will further play into this narrative, allowing Kim to claim that his nuclear forces have won North Korea respect.",
    ),
    (
        "What this visit means",
        "From the North Korean perspective, the arrival of John Bolton as the new U.S. national security advisor could complicate prospects for successful negotiations, because it makes it less likely that Trump will make significant concessions to win North Korea's promises to freeze or denuclearize.",
    ),
    (
        "What this visit means",
        "In turn, the North could fear that if talks fail, this heightens the risk of a U.S. military strike against North Korea.",
    ),
    (
        "What this visit means",
        "This could have been likely another subject of discussion for Xi and Kim.",
    ),
    (
        "What this visit means",
        "This first summit meeting between the two leaders came as a surprise in a historically barren period of North Korea-China high level exchanges.",
    ),
    (
        "What this visit means",
        "Data from CSIS Beyond Parallel of high-level North Korea-China visits\xa0shows that relations under Xi Jinping and Kim Jong-un have been relatively sparse when compared with past periods, with only 7 high-level visits (including Kim’s trip this week) in the past six years, compared to 21 under Mao Zedong (with 6 trips to China by Kim Il-sung), and 54 under Hu Jintao (with 6 trips to China by Kim Jong-il and 1 by Hu to North Korea).",
    ),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(seed_text: str) -> ParsedDocument:
    return web_text.parse(seed_text)


def test_title_date_and_authors(doc: ParsedDocument, seed_text: str) -> None:
    assert doc.format == "web-text"
    assert doc.title == "Mr. and Mrs. Kim Go to Beijing"
    assert doc.published == dt.date(2018, 3, 28)
    assert doc.authors == ("Victor Cha", "Sue Mi Terry")
    assert web_text.parse(seed_text, title="Other").title == "Other"


def test_every_body_claim(doc: ParsedDocument) -> None:
    assert [(c.section, c.text) for c in doc.claims] == CLAIMS


def test_no_claim_has_a_citation(doc: ParsedDocument) -> None:
    assert all(c.citations == () for c in doc.claims)


def test_no_menu_sidebar_or_footer_line_among_claims(doc: ParsedDocument, seed_text: str) -> None:
    body_start = seed_text.index("On March 25-28")
    body_end = seed_text.index("Written By")
    for claim in doc.claims:
        assert body_start <= claim.start < claim.end <= body_end
        assert seed_text[claim.start : claim.end] == claim.text
    texts = " ".join(c.text for c in doc.claims)
    for boilerplate in (
        "Sign up to receive The Evening",
        "All rights reserved",
        "Korea Chair Snapshot",
        "What a Concert by K-Pop",
        "Chief Communications Officer",
        "Cybersecurity",
        "What this visit means",
        "Photo: Chung",
    ):
        assert boilerplate not in texts


def test_the_unlinked_attribution(doc: ParsedDocument) -> None:
    attributed = [(c.text[:20], c.attributions) for c in doc.claims if c.attributions]
    assert attributed == [("Data from CSIS Beyon", ("Data from CSIS Beyond Parallel",))]


ARTICLE = """Home
  • News
  • Opinion
  • Sport

Budget shortfall forces city to close three libraries

By Ana Lima and Mark O'Neill
Published 4 February 2021

The city council voted on Tuesday to close three branch libraries, citing a
budget gap of $12 million. According to the council's finance office, the
closures will save $1.4 million a year. Residents protested outside city hall
before the vote.

Most read
  • Storm warning for the weekend
  • Local team wins cup

Sign up for our newsletter to get the day's news in your inbox every
morning.
© 2021 The Daily Example
"""


def test_a_generic_news_scrape() -> None:
    """Hard-wrapped at 78 columns: the paragraph's lines are joined, the headline is not."""
    doc = web_text.parse(ARTICLE)
    assert doc.title == "Budget shortfall forces city to close three libraries"
    assert doc.authors == ("Ana Lima", "Mark O'Neill")
    assert doc.published == dt.date(2021, 2, 4)
    assert [c.text for c in doc.claims] == [
        (
            "The city council voted on Tuesday to close three branch libraries, citing a budget "
            "gap of $12 million."
        ),
        "According to the council's finance office, the closures will save $1.4 million a year.",
        "Residents protested outside city hall before the vote.",
    ]
    assert doc.claims[1].attributions == ("According to the council's finance office",)


@pytest.mark.parametrize("text", ["", "  • Home\n  • About\n", "Short line\nAnother\n"])
def test_no_body_gives_a_warning_not_an_error(text: str) -> None:
    doc = web_text.parse(text)
    assert doc.claims == ()
    assert doc.warnings
