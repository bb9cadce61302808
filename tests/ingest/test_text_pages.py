"""Real text pages (news scrapes in English, Chinese, Korean, Italian; Common Crawl text) read
right: the headline, and claims in every script (fixtures/support/pages, SOURCES.md)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from provenance.domain.documents import ParsedDocument
from provenance.ingest.claims.sentences import split_sentences, word_count
from provenance.services.ingest import parse_text

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "support" / "pages"


@cache
def _parsed(name: str) -> ParsedDocument:
    return parse_text((PAGES / name).read_text(encoding="utf-8"), name)


# Each headline read by hand against its page: the line standing above the body that names
# the story. None where the stored excerpt has no headline line (it starts with a stage
# direction, a caption, a placeholder, or the body itself).
HEADLINES = {
    "kimxi-abcnews-60226633.en.txt": "Kim Jong Un makes 4th visit to China in a year",
    "kimxi-businesstoday-201803280010.zh-hant.txt": "金正恩應邀訪問北京會談了 習近平:時機特殊、意義重大",
    "kimxi-gazzetta-1027478.it.txt": None,  # one body line
    # the headline line is 85 characters and has no final stop: it is not joined to the body
    "kimxi-itv-20180508.en.txt": (
        "Chinese president Xi Jinping has second meeting with North Korean leader Kim Jong Un"),
    # not the image caption "... on May 7-8, 2018. [Photo/Xinhua]"
    "kimxi-jschina-20180509.en.txt": (
        "Xi, Kim meet for 2nd time amid fast developments on Korean Peninsula"),
    "kimxi-kbs-3646793.en.txt": None,  # "[Anchor Lead]" is a stage direction
    "kimxi-kbs-58521.zh.txt": None,  # the body only
    "kimxi-ltn-5167580.zh-hant.txt": None,  # a caption "…舉行會談。(路透)", a date, an editor
    "kimxi-myanmaritv-2019.en.txt": (
        "North Korea airs a video of Kim's fourth visit to China and his return to Pyongyang"),
    "kimxi-ntdtv-20180328.zh.txt": "中共官媒:金正恩“非正式”访华",
    "kimxi-philahanin-20220615.ko.txt": None,  # "[unable to retrieve full-text content]"
    "kimxi-stheadline-20190108.zh.txt": "新华社证金正恩应习近平邀请 周一起访华四天",
    "kimxi-tvsmo-n11328234.zh-hant.txt": "習近平6月將對朝鮮進行首次訪問",
    "kimxi-vovworld-642827.zh.txt": None,  # headline, date and body on one line
}


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_news_page_headline(name: str) -> None:
    assert _parsed(name).title == HEADLINES[name]


_META_TITLE = re.compile(r"^\(meta data\) TITLE:[ \t]*(.*)$", re.MULTILINE)
_H1 = re.compile(r"^# (.+)$", re.MULTILINE)
# Pages whose title is not named by the page in a way this check can read, each read by hand:
KNOWN = {
    # the <title> began with a line break: "(meta data) TITLE: " and the story's headline on
    # the next line, above the site's "# Team GB" heading
    "wice-dev03019.txt": "Mark England appointed as Team GB's Chef de Mission",
    # a journal's "Awards" page: <title> "Awards | Revue EuGeStA" on the next line, first
    # heading the journal's name; "Awards" alone is one word
    "wice-test01913.txt": "Revue EuGeStA",
    # a plain-text page (no headings): the <title> names the BBC section ("BBC Manchester
    # 2002 - …"), the story's headline is the line above the body
    "wice-test03549.txt": "'The Runner' Unveiled",
    # a site's home page, no heading: <title> "StreeShakti - The Parallel Force" on the next
    # line, its tagline after the dash
    "wice-test03648.txt": "StreeShakti",
}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("wice-*.txt")))
def test_common_crawl_page_title_is_the_one_the_page_names(name: str) -> None:
    """The title is the start of the page's own <title> (before the site name), or one of its
    level-1 headings, and more than a site name."""
    if name in KNOWN:
        assert _parsed(name).title == KNOWN[name]
        return
    text = (PAGES / name).read_text(encoding="utf-8")
    title = _parsed(name).title
    assert title, "no title"
    found = _META_TITLE.search(text)
    named = found.group(1).strip() if found else ""
    headings = [h.strip() for h in _H1.findall(text)]
    first_part = _words(re.split(r"\s+[|\-–—>]\s+", named)[0]) if named else []
    from_meta = bool(named) and " ".join(_words(named)).startswith(" ".join(_words(title))) and (
        len(_words(title)) >= len(first_part))
    assert from_meta or title in headings, (title, named)
    assert len(_words(title)) >= 2 or from_meta
    # a heading of three words or more made of the <title>'s words is the one it names
    named_headings = [h for h in headings if len(_words(h)) >= 3
                      and set(_words(h)) <= set(_words(named))]
    assert not named_headings or title in named_headings, (title, named_headings)


CJK_PAGES = sorted(p.name for p in PAGES.glob("kimxi-*.z*.txt"))


@pytest.mark.parametrize("name", CJK_PAGES)
def test_chinese_pages_give_claims_split_at_full_width_stops(name: str) -> None:
    doc = _parsed(name)
    assert doc.format == "web-text"
    assert len(doc.claims) >= 5
    text = (PAGES / name).read_text(encoding="utf-8")
    for claim in doc.claims:
        assert text[claim.start : claim.end] == claim.text
        inner = claim.text.rstrip("」』”’)").rstrip("。！？")
        # a claim holds one sentence: no "。" inside it but in a quotation
        assert "。" not in re.sub(r"“[^”]*”|「[^」]*」", "", inner), claim.text


def test_chinese_claims_are_the_page_sentences() -> None:
    doc = _parsed("kimxi-kbs-58521.zh.txt")
    assert doc.claims[0].text == "韩国国际广播电台报道:韩国青瓦台28日证实北韩劳动党委员长金正恩搭乘特别列车前往中国进行访问。"
    assert doc.claims[1].text == "青瓦台高官当天向记者发送短信称,金正恩搭乘的列车28日上午返回北韩。"
    assert len(doc.claims) == 8


def test_korean_page_claims_and_no_placeholder_title() -> None:
    doc = _parsed("kimxi-philahanin-20220615.ko.txt")
    assert doc.title is None
    assert doc.claims[0].text.startswith("김정은 북한 국무위원장이 2018년 3월 방중(訪中) 당시")
    assert not any("unable to retrieve" in c.text for c in doc.claims)


@pytest.mark.parametrize(("text", "expected"), [
    ("他说\uff1a“我们要合作。我们要和平。”然后他走了。",
     ["他说\uff1a“我们要合作。我们要和平。”", "然后他走了。"]),
    ("「行くよ。」と彼は言った。次の日、雨が降った。",
     ["「行くよ。」と彼は言った。", "次の日、雨が降った。"]),
    ("金正恩抵达北京！习近平迎接？是的。", ["金正恩抵达北京！", "习近平迎接？", "是的。"]),
    ("The end. 中文句子。", ["The end.", "中文句子。"]),
])
def test_full_width_sentence_ends(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_chinese_and_japanese_characters_count_two_to_a_word() -> None:
    assert word_count("金正恩應邀訪問北京") == 5  # nine characters
    assert word_count("Kim met Xi in 2018") == 5
    assert word_count("김정은 북한 국무위원장이") == 3  # Korean spaces its words


@pytest.mark.parametrize(("candidates", "named", "expected"), [
    # what earlier real dumps gave as titles: a word, a link, a caption, a stage direction
    (["This", "Kim and Xi meet in Dalian"], None, "Kim and Xi meet in Dalian"),
    (["PDF version", "Kim and Xi meet in Dalian"], None, "Kim and Xi meet in Dalian"),
    (["Xi and Kim in Dalian on May 7-8, 2018. [Photo/Xinhua]", "Xi, Kim meet again"], None,
     "Xi, Kim meet again"),
    (["[Anchor Lead]", "(Oct. 4)"], None, None),
    (["Photo: Jane Doe/Agency", "Budget shortfall forces city to close libraries"], None,
     "Budget shortfall forces city to close libraries"),
    # the page's own <title> decides; without a candidate it is used without its site name
    (["Cavalry FC", "Four More Horsemen Saddle Up"], "Four More Horsemen Saddle Up – Cavalry FC",
     "Four More Horsemen Saddle Up"),
    ([], "Four More Horsemen Saddle Up to Ride – Cavalry FC", "Four More Horsemen Saddle Up to Ride"),
    (["World Cup: Neymar named in Brazil's squad"], None, "World Cup: Neymar named in Brazil's squad"),
    (["Chipmakers lose sales in the U.S."], None, "Chipmakers lose sales in the U.S."),
])
def test_headline_rule(candidates: list[str], named: str | None, expected: str | None) -> None:
    from provenance.ingest.forms.headline import pick_headline

    assert pick_headline(candidates, named) == expected


def test_metadata_lines_give_authors_and_dates_and_no_claims() -> None:
    """Common Crawl text opens with "(meta data) TITLE/AUTHOR/PUBLISHED DATETIME" lines."""
    doc = _parsed("wice-dev03965.txt")
    assert doc.authors == ("Adam Sherwin",)
    assert doc.published is not None and doc.published.isoformat() == "2018-10-17"
    for name in sorted(p.name for p in PAGES.glob("wice-*.txt")):
        text = (PAGES / name).read_text(encoding="utf-8")
        opening = text.split("\n(meta data)")[0]  # a later page glued on keeps its own lines
        assert not any(c.text.startswith(opening[:30]) for c in _parsed(name).claims), name


def test_a_short_sentence_is_a_claim_not_a_heading() -> None:
    doc = _parsed("wice-dev04032.txt")
    assert "Northover also played for the SAIT Trojans." in [c.text for c in doc.claims]
    assert "Northover also played for the SAIT Trojans." not in {c.section for c in doc.claims}


def test_a_line_ending_in_a_comma_runs_on() -> None:
    """BBC page cut at its HTML's line breaks: "Jo Hartley," / "National Festival director…"."""
    doc = _parsed("wice-test03549.txt")
    assert any(c.text.startswith("Jo Hartley, National Festival director at Manchester 2002, "
                                 "said:") for c in doc.claims)
    assert {c.section for c in doc.claims} == {"Lead"}
