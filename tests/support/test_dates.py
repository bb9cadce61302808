"""Dates in the written forms claims and pages use."""

import pytest

from provenance.support.dates import find_dates
from provenance.support.text import normalize
from provenance.support.types import DateValue


def dates(text: str) -> list[DateValue]:
    return [v for _a, _b, v in sorted(find_dates(normalize(text)))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 7–8, 2018", [DateValue(2018, 5, frozenset({7, 8}))]),
        ("on 7 May", [DateValue(None, 5, frozenset({7}))]),
        ("8 May 2018", [DateValue(2018, 5, frozenset({8}))]),
        ("2018-05-07", [DateValue(2018, 5, frozenset({7}))]),
        ("January 7th, 8th, 9th, and 10th, 2019", [DateValue(2019, 1, frozenset({7, 8, 9, 10}))]),
        ("June 19th, and 20th, 2018", [DateValue(2018, 6, frozenset({19, 20}))]),
        ("2018年3月26日", [DateValue(2018, 3, frozenset({26}))]),
        ("金正恩3月25日到28日秘密访问", [DateValue(None, 3, frozenset({25, 26, 27, 28}))]),
        ("习近平7日和8日在大连", [DateValue(None, None, frozenset({7, 8}))]),
        ("2018년 3월 26일", [DateValue(2018, 3, frozenset({26}))]),
        ("il 7-8 maggio", [DateValue(None, 5, frozenset({7, 8}))]),
        ("10th July 2002", [DateValue(2002, 7, frozenset({10}))]),
        ("Thursday 18 October 15:30", [DateValue(None, 10, frozenset({18}))]),
        ("March 2018", [DateValue(2018, 3)]),
        ("in 1905", [DateValue(1905, None)]),
    ],
)
def test_written_forms(text: str, expected: list[DateValue]) -> None:
    assert dates(text) == expected


def test_may_the_verb_is_not_a_month() -> None:
    assert dates("you may 5 times") == []
