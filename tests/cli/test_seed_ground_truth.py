"""Issue 2's ground truth for both seeds, through the CLI and the JSON report."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.helpers import run_cli
from tests.conftest import SEED_WEB, SEED_WIKI

SEED_000_REFERENCES: dict[str, dict[str, Any]] = {
    "1": {"authors": ["Park, Yuna", "Campbell, Joseph"], "date": "2018-03-17",
          "title": "Now North Korean diplomat heads to Finland amid new diplomatic flurry",
          "work": None, "language": None, "url": None, "access_date": None,
          "archive_url": None, "archive_date": None, "flags": ["no-url"]},
    "2": {"authors": ["Jiang, Steven", "Westcott, Ben", "Han, Sol"], "date": "2018-05-09",
          "title": "Kim Jong Un meets with Xi Jinping in northern China", "work": "CNN",
          "language": None, "url": None, "access_date": "2018-05-09", "archive_url": None,
          "archive_date": None, "flags": ["no-url"]},
    "3": {"authors": ["Huang, Cary"], "date": "2018-04-03",
          "title": "Kim Jong-un and Xi Jinping take centre stage in diplomatic drama on the "
                   "Korean peninsula", "work": None, "access_date": "2018-04-06",
          "flags": ["no-url"]},
    "4": {"authors": [], "date": "2018-03-29",
          "title": "Kim Jong Un's visit to China - Korean Central TV documentary",
          "work": "YouTube", "publisher": "Korean Central TV documentary",
          "access_date": "2018-04-06", "flags": ["no-url"]},
    "5": {"authors": [], "date": "2018-03-29",
          "title": "Kim Jong Un's visit to China [English][North Korean TV]", "work": "YouTube",
          "publisher": "stimmekoreas", "access_date": "2018-04-06", "flags": ["no-url"]},
    "6": {"authors": [], "date": "2018-03-29",
          "title": "Kim's visit to China: you scratch my back and I'll scratch yours",
          "work": "Hong Kong Economic Journal", "access_date": "2018-04-06",
          "flags": ["no-url"]},
    "7": {"authors": ["Aum, Frank"], "date": "2018-03-28", "access_date": "2018-04-15",
          "work": "Hong Kong Economic Journal on March 29", "flags": ["no-url"]},
    "8": {"authors": ["金, 佳绪"], "date": "2018-05-10",
          "title": "40多天两度会晤,习近平同金正恩谈了哪些大事",
          "trans_title": "Two meetings in more than 40 days, Xi Jinping discussed what "
                         "important issues with Kim Jong-un",
          "language": "zh", "work": "Xinhuanet", "access_date": "2018-05-24",
          "flags": ["no-url"]},
    "9": {"authors": ["Jiang, Steven", "Westcott, Ben"], "date": "2018-05-08",
          "title": "Kim Jong Un holds second meeting with Xi Jinping in China",
          "access_date": None, "archive_date": "2018-05-08", "archive_url": None,
          "flags": ["no-url"]},
    "10": {"authors": [], "date": "2018-06-19",
           "title": "朝鲜领导人金正恩6月19日至20日对中国进行访问",
           "trans_title": "North Korean leader Kim Jong-un visited China from June 19th to 20th",
           "language": "zh", "access_date": "2018-06-19", "flags": ["no-url"]},
    "11": {"authors": ["李, 忠发"], "date": "2018-06-19", "title": "习近平举行仪式欢迎金正恩访华",
           "trans_title": "Xi Jinping holds ceremony welcoming Kim Jong-un to China",
           "language": "zh", "access_date": "2018-06-19", "flags": ["no-url"]},
    "12": {"authors": ["Lu, Zhenhua", "Lee, Jeong-ho"], "date": "2018-06-19",
           "access_date": "2018-06-19", "flags": ["no-url"]},
    "13": {"raw": "", "authors": [], "date": None, "title": None, "url": None,
           "access_date": None, "flags": ["empty"]},
}

CITED_CLAIMS = {
    "It is his first known out-of-country diplomatic trip since taking power.": ["1"],
    "Kim and Xi had a second surprise meeting on May 7–8, 2018 in the city of Dalian.": ["2"],
    "Kim Jong-un met with Xi Jinping in Beijing on June 19th, and 20th, 2018.": ["10", "11"],
    "Kim Jong-un met with Xi Jinping in Beijing on January 7th, 8th, 9th, and 10th, 2019.":
        ["13"],
}

UNCITED = [
    "The trip began on Kim's 35th birthday.",
    "Kim is expected to transit China via train in the journey to Vietnam.",
    "Kim and Xi had a third surprise meeting on June 19–20, 2018.",
]


@pytest.fixture
def ingested(db_url: str, capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    run = run_cli(capsys, monkeypatch, db_url, "ingest", str(SEED_WIKI), str(SEED_WEB))
    assert run.code == 0, run.err
    report = run_cli(capsys, monkeypatch, db_url, "report", "--format", "json")
    assert report.code == 0, report.err
    return {d["format"]: d for d in report.json()["documents"]}


def test_seed_000_references(ingested: dict[str, Any]) -> None:
    doc = ingested["wikipedia-text"]
    assert doc["title"] == "Kim–Xi meetings"
    refs = {r["label"]: r for r in doc["references"]}
    assert list(refs) == [str(n) for n in range(1, 14)]
    for label, expected in SEED_000_REFERENCES.items():
        for key, value in expected.items():
            assert refs[label][key] == value, (label, key)


def test_seed_000_claims(ingested: dict[str, Any]) -> None:
    doc = ingested["wikipedia-text"]
    claims = {c["text"]: c for c in doc["claims"]}
    for text, labels in CITED_CLAIMS.items():
        assert claims[text]["citations"] == labels
    for text in UNCITED:
        assert claims[text]["citations"] == [] and "uncited" in claims[text]["flags"]
    rests_on_13 = claims["Kim Jong-un met with Xi Jinping in Beijing on January 7th, 8th, 9th, "
                         "and 10th, 2019."]
    assert "cites-empty" in rests_on_13["flags"]
    xinhua = [c for c in doc["claims"] if c["text"].endswith("Xinhua reported.")]
    assert xinhua and "unlinked-attribution" in xinhua[0]["flags"]
    texts = " ".join(claims)
    for noise in ("Open main menu", "Kim Dae-jung\n", "Edit", "LocationZhongnanhai",
                  "Meeting between DPRK chairman"):
        assert noise not in texts
    cited = {label for c in doc["claims"] for label in c["citations"]}
    assert cited == {str(n) for n in range(1, 14)}


def test_seed_003_article(ingested: dict[str, Any]) -> None:
    doc = ingested["web-text"]
    assert doc["title"] == "Mr. and Mrs. Kim Go to Beijing"
    assert doc["published"] == "2018-03-28"
    assert doc["authors"] == ["Victor Cha", "Sue Mi Terry"]
    assert doc["references"] == []
    texts = [" ".join(c["text"].split()) for c in doc["claims"]]
    assert texts[0].startswith("On March 25-28, North Korean leader Kim Jong-un traveled")
    assert all(c["citations"] == [] and "uncited" in c["flags"] for c in doc["claims"])
    for noise in ("Skip to main content", "Climate Change", "Subscribe", "Footer menu",
                  "Tel: 202", "All content ©", "Sinpo South Shipyard", "Written By",
                  "What this visit means"):
        assert not any(noise in t for t in texts), noise
    unlinked = [c for c in doc["claims"] if "unlinked-attribution" in c["flags"]]
    assert len(unlinked) == 1 and unlinked[0]["text"].startswith("Data from CSIS Beyond Parallel")


def test_reingest_changes_nothing(db_url: str, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch,
                                  ingested: dict[str, Any]) -> None:
    again = run_cli(capsys, monkeypatch, db_url, "ingest", str(SEED_WIKI))
    assert again.code == 0 and again.out.startswith("unchanged document")
    report = run_cli(capsys, monkeypatch, db_url, "report", "--format", "json").json()
    assert len(report["documents"]) == 2
    assert report["documents"][0]["claims"] == ingested["wikipedia-text"]["claims"]


def test_repair_reference_13(db_url: str, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch, ingested: dict[str, Any]) -> None:
    doc_id = str(ingested["wikipedia-text"]["id"])
    fixed = run_cli(capsys, monkeypatch, db_url, "ref", doc_id, "13", "--url",
                    "https://www.example.org/kim-xi-2019", "--title", "Kim visits Beijing",
                    "--access-date", "2019-01-10")
    assert fixed.code == 0, fixed.err
    report = run_cli(capsys, monkeypatch, db_url, "report", doc_id, "--format", "json").json()
    ref13 = next(r for r in report["documents"][0]["references"] if r["label"] == "13")
    assert ref13["url"] == "https://www.example.org/kim-xi-2019"
    assert ref13["access_date"] == "2019-01-10" and ref13["flags"] == []
    assert {h["field"] for h in ref13["history"]} == {"url", "title", "access_date"}
    assert ref13["link"]["state"] == "unchecked"


def test_cite_an_uncited_claim(db_url: str, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch, ingested: dict[str, Any]) -> None:
    doc = ingested["web-text"]
    claim = next(c for c in doc["claims"] if c["text"].startswith("Data from CSIS"))
    run = run_cli(capsys, monkeypatch, db_url, "cite", str(doc["id"]), str(claim["id"]),
                  "--url", "https://beyondparallel.csis.org/", "--title", "Beyond Parallel",
                  "--work", "CSIS")
    assert run.code == 0, run.err
    report = run_cli(capsys, monkeypatch, db_url, "report", str(doc["id"]), "--format",
                     "json").json()
    after = next(c for c in report["documents"][0]["claims"] if c["id"] == claim["id"])
    assert after["citations"] == ["added-1"] and after["flags"] == []
