"""Dates as written in references and pages, to a ``date`` and its precision.

``parse_date("17 March 2018") == (date(2018, 3, 17), "day")``. Month, season and year
dates map to their first day, with precision "month", "season" or "year"; "n.d." and text
that holds no date give ``(None, None)``. Ranges ("1–7 March 2018", "2017–2018") give
their start. Seasons start on their first month: Spring 1 March, Summer 1 June,
Autumn/Fall 1 September, Winter 1 January (Winter of a "2018–2019" range: 1 December 2018).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from dateutil import parser as dateutil_parser

__all__ = ["MONTHS", "MONTH_NAMES", "parse_date"]

# Month names as each edition writes them in running text ("12 avril", "3. Juni").
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
}

MONTHS: dict[str, int] = {
    name.lower(): number
    for names in MONTH_NAMES.values()
    for number, name in enumerate(names, start=1)
} | {
    name: number
    for number, names in enumerate(
        (  # abbreviations and spellings without accents (rendered and template dates)
            ("jan", "janv", "jänner"), ("feb", "fevrier", "févr"), ("mar", "marco"),
            ("apr", "avr"), (), ("jun",), ("jul", "juil"), ("aug", "aout"),
            ("sep", "sept", "setiembre"), ("oct", "okt"), ("nov",),
            ("dec", "decembre", "déc", "dez"),
        ),
        start=1,
    )
    for name in names
} | {
    name: number
    for number, names in enumerate(
        (  # Arabic: Egyptian/Gulf names and the Levantine ones
            ("يناير", "كانون الثاني"), ("فبراير", "شباط"), ("مارس", "آذار"), ("أبريل", "نيسان"),
            ("مايو", "أيار"), ("يونيو", "حزيران"), ("يوليو", "تموز"), ("أغسطس", "آب"),
            ("سبتمبر", "أيلول"), ("أكتوبر", "تشرين الأول"), ("نوفمبر", "تشرين الثاني"),
            ("ديسمبر", "كانون الأول"),
        ),
        start=1,
    )
    for name in names
}
_LATEST_YEAR = 2100  # no reference is dated later; four digits above it are numbers
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 1}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DASH = r"\s*(?:[-–—/]|â€[“”]|â)\s*"  # "â€“": an en dash read with the wrong encoding
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = r"(?:[T ,]+\d{1,2}:\d{2}.*)?"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"


def _fill(body: str) -> str:
    """Expand the placeholders D (day), M/M2 (month names), Y (year) of a pattern."""
    return (
        body.replace("M2", rf"(?P<m2>{_MONTH_NAMES})\.?")
        .replace("M", rf"(?P<m>{_MONTH_NAMES})\.?")
        .replace("D", r"(?P<d>\d{1,2})(?:st|nd|rd|th|er)?")
        .replace("Y", r"(?P<y>\d{4})[a-z]?")
        .replace("~", _DASH)
    )


_FORMS: tuple[tuple[str, str], ...] = (
    ("day", r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    ("month", r"(?P<y>\d{4})-(?P<m>\d{1,2})"),
    ("day", _fill(r"D\.?(?:~\d{1,2}\.?)?\s+(?:de\s+)?M(?:~\d{1,2}\.?\s+M2)?,?\s+(?:de\s+)?Y")),
    ("day", _fill(r"M\s+D(?:~(?:M2\s+)?\d{1,2})?,?\s+Y")),
    ("day", _fill(r"Y,?\s+M\s+D(?:~\d{1,2})?")),
    ("month", _fill(r"M(?:~M2)?,?\s+(?:de\s+)?Y(?:~\d{2,4})?")),
    ("month", _fill(r"Y,?\s+M")),
    ("season",
     rf"(?P<s>{_SEASON})(?:{_DASH}{_SEASON})?,?\s+(?P<y>\d{{4}})(?P<y2>{_DASH}\d{{2,4}})?"),
    ("day", r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?"),
    ("month", r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]"),
    ("year",
     rf"(?:c\.\s*|ca\.\s*|circa\s+)?(?P<y>\d{{4}})[a-z]?(?:{_DASH}\d{{2,4}}[a-z]?)?[年년]?"),
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (precision, re.compile(_WEEKDAY + body + _TIME, re.IGNORECASE)) for precision, body in _FORMS
)
_NO_DATE = re.compile(r"n\.\s?d\.?|no date|undated|s\.\s?f\.|o\.\s?j\.", re.IGNORECASE)


def _number_month(text: str) -> int:
    return int(text) if text.isdigit() else MONTHS[text.lower().rstrip(".")]


def _from_match(precision: str, found: re.Match[str]) -> tuple[date | None, str | None]:
    parts = found.groupdict()
    year = int(parts["y"])
    if year > _LATEST_YEAR:  # "317(5837)": an issue number, not a year
        return None, None
    if precision == "season":
        season = parts["s"].lower()
        month = _SEASONS[season]
        if season == "winter" and parts.get("y2"):
            month = 12
        return date(year, month, 1), "season"
    month = _number_month(parts["m"]) if parts.get("m") else 1
    day = int(parts["d"]) if parts.get("d") else 1
    try:
        return date(year, month, day), precision
    except ValueError:
        return None, None


def _via_dateutil(text: str) -> tuple[date | None, str | None]:
    """Other forms (HTTP dates, "2018/03/28"): parse twice with different defaults to see
    which parts the text gave."""
    if not re.search(r"\b\d{4}\b", text):
        return None, None
    try:
        one = dateutil_parser.parse(text, default=datetime(1904, 1, 1), ignoretz=True)
        two = dateutil_parser.parse(text, default=datetime(1908, 2, 2), ignoretz=True)
    except (ValueError, OverflowError, TypeError, dateutil_parser.ParserError):
        return None, None
    if one.year != two.year or one.year > _LATEST_YEAR:
        return None, None
    if one.month != two.month:
        return date(one.year, 1, 1), "year"
    if one.day != two.day:
        return date(one.year, one.month, 1), "month"
    return one.date(), "day"


@lru_cache(maxsize=4096)  # a page writes the same access dates again and again
def parse_date(text: str) -> tuple[date | None, str | None]:
    """The date written in ``text`` and its precision ("day", "month", "season", "year").

    Returns ``(None, None)`` for "n.d." and for text that is not a date.
    """
    cleaned = " ".join(text.replace("\u00a0", " ").split()).strip(" .,;:()[]")
    if not cleaned or len(cleaned) > 80 or _NO_DATE.fullmatch(cleaned):
        return None, None
    for precision, pattern in _PATTERNS:
        found = pattern.fullmatch(cleaned)
        if found:
            return _from_match(precision, found)
    return _via_dateutil(cleaned)
