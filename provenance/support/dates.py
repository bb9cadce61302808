"""Dates in any written form: "May 7–8, 2018", "7 May", "8 May 2018", "2018-05-07",
"January 7th, 8th, 9th, and 10th, 2019", "2018年3月26日", "3月25日到28日", "7日和8日",
"2018년 3월 26일", "19-20 giugno". Text must be `text.normalize`d (ASCII dashes, digits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.support.types import DateValue

_MONTHS: dict[str, int] = {}
for _names in (
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
):
    for _i, _n in enumerate(_names.split()):
        _MONTHS.setdefault(_n, _i + 1)
_MONTHS["sept"] = 9

_M = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + ")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_JOIN = r"\s*(?:-|~|to|and|&|,\s*and|,)\s*"
_DAYS = rf"{_DAY}(?:{_JOIN}{_DAY})*"

MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_M})\.?\s+(?P<days>{_DAYS})(?![\d:])(?:(?:,\s*|\s+)(?P<year>\d{{4}})\b)?",
    re.IGNORECASE,
)
DAY_FIRST = re.compile(
    rf"(?<![\d.])(?P<days>{_DAYS})\s+(?:of\s+)?(?P<month>{_M})\b\.?(?:,?\s+(?P<year>\d{{4}})\b)?",
    re.IGNORECASE,
)
MONTH_YEAR = re.compile(rf"\b(?P<month>{_M})\.?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE)
ISO = re.compile(r"(?<![\d])(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?![\d])")
CJK = re.compile(
    r"(?:(?P<year>\d{4})\s*[年년]\s*)?(?:(?P<month>\d{1,2})\s*[月월]\s*)?(?P<day>\d{1,2})\s*[日일]?"
    r"(?:\s*(?:至|到|和|、|-|~|與|与)\s*(?:(?P<month2>\d{1,2})\s*[月월]\s*)?(?P<day2>\d{1,2})\s*[日일])?"
)
CJK_YEAR_MONTH = re.compile(r"(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월](?!\s*\d)")
YEAR = re.compile(r"(?<![\d.,])(?P<year>1[5-9]\d\d|20\d\d)(?![\d])")
_DAY_NUM = re.compile(r"\d{1,2}")
_CJK_DATE_MARK = re.compile(r"[年月日년월일]")


def _parse_days(spec: str) -> frozenset[int]:
    nums = [int(n) for n in _DAY_NUM.findall(spec)]
    if len(nums) == 2 and re.search(r"\d\s*(?:st|nd|rd|th)?\s*(?:-|~|to)\s*\d", spec):
        lo, hi = nums
        if lo < hi <= 31 and hi - lo <= 31:
            return frozenset(range(lo, hi + 1))
    return frozenset(n for n in nums if 1 <= n <= 31)


def _year(s: str | None) -> int | None:
    return int(s) if s else None


def find_dates(text: str) -> Iterator[tuple[int, int, DateValue]]:
    """Every date written in `text`, as (start, end, value), in no particular order.

    A span claimed by a more specific pattern is not matched again by a looser one.
    """
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def emit(a: int, b: int, value: DateValue) -> Iterator[tuple[int, int, DateValue]]:
        if free(a, b):
            taken.append((a, b))
            yield a, b, value

    for m in ISO.finditer(text):
        y, mo, d = int(m["year"]), int(m["month"]), int(m["day"])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            yield from emit(m.start(), m.end(), DateValue(y, mo, frozenset({d})))
    if _CJK_DATE_MARK.search(text):
        for m in CJK.finditer(text):
            whole = m.group(0)
            if not _CJK_DATE_MARK.search(whole) or not re.search(r"[日일]", whole):
                continue
            month: int | None = int(m["month"]) if m["month"] else None
            d1 = int(m["day"])
            days: set[int] = {d1}
            if m["day2"]:
                d2 = int(m["day2"])
                if m["month2"] and int(m["month2"]) != month:
                    days = {d1}
                elif "和" in whole or "、" in whole or "與" in whole or "与" in whole:
                    days = {d1, d2}
                elif d1 < d2:
                    days = set(range(d1, d2 + 1))
            if month is not None and not 1 <= month <= 12:
                continue
            if not all(1 <= d <= 31 for d in days):
                continue
            yield from emit(m.start(), m.end(), DateValue(_year(m["year"]), month, frozenset(days)))
        for m in CJK_YEAR_MONTH.finditer(text):
            mo = int(m["month"])
            if 1 <= mo <= 12:
                yield from emit(m.start(), m.end(), DateValue(int(m["year"]), mo))
    for pattern in (MONTH_FIRST, DAY_FIRST):
        for m in pattern.finditer(text):
            month_word = m["month"].lower()
            if month_word == "may" and m.group(0)[0].islower() and pattern is MONTH_FIRST:
                continue
            spelled = _parse_days(m["days"])
            if not spelled:
                continue
            yield from emit(
                m.start(), m.end(), DateValue(_year(m["year"]), _MONTHS[month_word], spelled)
            )
    for m in MONTH_YEAR.finditer(text):
        if m["month"].lower() == "may" and m.group(0)[0].islower():
            continue
        yield from emit(m.start(), m.end(), DateValue(int(m["year"]), _MONTHS[m["month"].lower()]))
    for m in YEAR.finditer(text):
        yield from emit(m.start(), m.end(), DateValue(int(m["year"]), None))
