"""Verdicts on real page text (fixtures/support/pages)."""

from pathlib import Path

from provenance.support.check import check_claim, check_text
from provenance.support.index import SourceIndex
from provenance.support.types import Verdict

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "support" / "pages"
SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
FIRST = (
    "North Korean supreme leader Kim Jong-un secretly met with Chinese paramount leader "
    "Xi Jinping on March 25–28, 2018."
)


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_chinese_page_supports_english_claim_and_says_so() -> None:
    r = check_text(FIRST, page("kimxi-ntdtv-20180328.zh.txt"))
    assert r.verdict is Verdict.SUPPORTED
    assert r.language == "zh" and r.claim_language == "en" and r.cross_language
    assert "March 25-28, 2018" in r.found
    assert "金正恩3月25日到28日" in r.evidence


def test_think_tank_page_supports_the_seed_claim() -> None:
    seed = (SEEDS / "003_cd3dd4c4be34f6b3.txt").read_text(encoding="utf-8")
    r = check_text(FIRST, seed)
    assert r.verdict is Verdict.SUPPORTED
    assert "March 25-28" in r.evidence


def test_another_date_is_a_contradiction() -> None:
    r = check_text(
        "On 20 May 2018, Pope Francis announced that he planned to make Ladaria a cardinal "
        "on 28 June.",
        page("wice-test02423.txt"),
    )
    assert r.verdict is Verdict.CONTRADICTED
    assert r.conflicts and "06-29" in r.conflicts[0]


def test_another_age_is_a_contradiction() -> None:
    r = check_text("The trip began on Kim's 35th birthday.", page("kimxi-abcnews-60226633.en.txt"))
    assert r.verdict is Verdict.CONTRADICTED
    assert "turning 36" in r.evidence


def test_unrelated_page_is_not_found() -> None:
    r = check_text(
        "Xi urged Kim to strengthen the strategic and diplomatic future partnership.",
        page("wice-dev03019.txt"),
    )
    assert r.verdict is Verdict.NOT_FOUND


def test_no_text_video_and_captcha_are_unreadable() -> None:
    assert check_claim(FIRST, None, kind="video").verdict is Verdict.UNREADABLE
    r = check_text(FIRST, page("captcha-travelfromhere.en.txt"))
    assert r.verdict is Verdict.UNREADABLE and "captcha" in r.reason


def test_one_index_serves_many_claims() -> None:
    index = SourceIndex(page("kimxi-ltn-5167580.zh-hant.txt"))
    fourth = "Kim and Xi had a fourth surprise meeting on January 7–10, 2019 in Beijing."
    assert check_claim(fourth, index).verdict is Verdict.SUPPORTED
    assert check_claim(FIRST, index).verdict in (Verdict.SUPPORTED, Verdict.PARTIAL)
