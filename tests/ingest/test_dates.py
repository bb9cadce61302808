"""parse_date and language_code: the shared date and language helpers of every parser."""

from __future__ import annotations

import random
from datetime import date

import pytest

from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.languages import language_code


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("17 March 2018", date(2018, 3, 17), "day"),
        ("March 28, 2018", date(2018, 3, 28), "day"),
        ("2018-03-28", date(2018, 3, 28), "day"),
        ("28 Mar. 2018", date(2018, 3, 28), "day"),
        ("Sept. 5, 2019", date(2019, 9, 5), "day"),
        ("May 9th, 2018", date(2018, 5, 9), "day"),
        ("Tuesday, March 27, 2018", date(2018, 3, 27), "day"),
        ("2018, March 28", date(2018, 3, 28), "day"),
        ("2018-03-28T10:00:00Z", date(2018, 3, 28), "day"),
        ("Tue, 27 Mar 2018 10:00:00 GMT", date(2018, 3, 27), "day"),
        ("2018/03/28", date(2018, 3, 28), "day"),
        ("2018年3月28日", date(2018, 3, 28), "day"),
        ("2018년 3월 28일", date(2018, 3, 28), "day"),
        ("1–7 March 2018", date(2018, 3, 1), "day"),
        ("March 2–5, 2018", date(2018, 3, 2), "day"),
        ("March 28 – April 2, 2018", date(2018, 3, 28), "day"),
        ("28 March – 2 April 2018", date(2018, 3, 28), "day"),
        ("17\u00a0March\u00a02018", date(2018, 3, 17), "day"),
        ("March 2018", date(2018, 3, 1), "month"),
        ("Mar 2018", date(2018, 3, 1), "month"),
        ("2018-03", date(2018, 3, 1), "month"),
        ("March–April 2018", date(2018, 3, 1), "month"),
        ("2018年3月", date(2018, 3, 1), "month"),
        ("Spring 2019", date(2019, 3, 1), "season"),
        ("Summer 2019", date(2019, 6, 1), "season"),
        ("Fall 2019", date(2019, 9, 1), "season"),
        ("Winter 2019", date(2019, 1, 1), "season"),
        ("Winter 2018–2019", date(2018, 12, 1), "season"),
        ("2018", date(2018, 1, 1), "year"),
        ("2018a", date(2018, 1, 1), "year"),
        ("(2018)", date(2018, 1, 1), "year"),
        ("2017–2018", date(2017, 1, 1), "year"),
        ("c. 1900", date(1900, 1, 1), "year"),
    ],
)
def test_parse_date_forms(text: str, expected: date, precision: str) -> None:
    assert parse_date(text) == (expected, precision)


@pytest.mark.parametrize(
    "text",
    ["n.d.", "n.d", "no date", "", "   ", "garbage", "10", "31 February 2018", "2018-13-45",
     "Retrieved 9 May 2018", "1 March - garbage 2018", "0000"],
)
def test_parse_date_no_date(text: str) -> None:
    assert parse_date(text) == (None, None)


def test_parse_date_never_raises_on_garbage() -> None:
    rng = random.Random(1234)
    alphabet = "0123456789 -–/.,:年月日MarchJunSpringWinter\u00a0TZ+()ac"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        value, precision = parse_date(text)
        assert (value is None) == (precision is None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Chinese", "zh"), ("zh-hans", "zh"), ("zh-Hant-TW", "zh"), ("Simplified Chinese", "zh"),
        ("Mandarin", "zh"), ("zho", "zh"), ("Japanese", "ja"), ("Korean", "ko"),
        ("Russian", "ru"), ("Arabic", "ar"), ("ar", "ar"), ("en-US", "en"), ("heb", "he"),
        ("  french ", "fr"), ("Norwegian Bokmål", "nb"), ("Cantonese", "yue"),
    ],
)
def test_language_code(text: str, code: str) -> None:
    assert language_code(text) == code


@pytest.mark.parametrize("text", ["Garbage text", "", "English and Chinese", "xx"])
def test_language_code_falls_back_to_text(text: str) -> None:
    assert language_code(text) == text


def test_four_digits_after_2100_are_no_year() -> None:
    """"Science. 2007;317(5837):519-23": 5837 is an issue number."""
    assert parse_date("5837") == (None, None)
    assert parse_date("2100") == (date(2100, 1, 1), "year")
