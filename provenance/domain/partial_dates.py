"""Dates as precise as they were written: "2007", "2008-11", "2008-11-05".

A reference's date, access date and archive date are stored as a ``date`` (the first day of
what was written) and a precision: ``None`` or "day" for a full date, "month", "season" or
"year" otherwise. :class:`PartialDate` carries both; its ISO 8601 form has exactly the
precision written (a season is given as its year), and :meth:`PartialDate.last_day` is the
latest day it can mean (an access date of "2018" means any day up to 31 December 2018).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["PRECISIONS", "PartialDate", "last_day", "partial_date", "partial_iso"]

PRECISIONS = ("day", "month", "season", "year")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_SEASON_MONTHS = 3


@dataclass(frozen=True)
class PartialDate:
    """A date with the precision it was written with."""

    value: date
    precision: str = "day"

    @property
    def stored_precision(self) -> str | None:
        """The precision column's value: ``None`` for a full date."""
        return None if self.precision == "day" else self.precision

    def iso(self) -> str:
        """ISO 8601 of the written precision: "2007", "2008-11", "2008-11-05"."""
        return partial_iso(self.value, self.precision) or ""

    def last_day(self) -> date:
        """The latest day this date can mean."""
        year, month = self.value.year, self.value.month
        if self.precision == "year":
            return date(year, 12, 31)
        if self.precision == "season":
            end_month = month + _SEASON_MONTHS - 1
            if end_month > 12:
                year, end_month = year + 1, end_month - 12
            return date(year, end_month, calendar.monthrange(year, end_month)[1])
        if self.precision == "month":
            return date(year, month, calendar.monthrange(year, month)[1])
        return self.value

    def covers(self, day: date) -> bool:
        """Does ``day`` fall within what was written ("2018" covers every day of 2018)?"""
        return self.value <= day <= self.last_day()

    @classmethod
    def from_timestamp(cls, digits: str) -> PartialDate:
        """The date of a Wayback timestamp at the precision it has: "2018" a year, "201805"
        a month, "20180508..." a day; ValueError if it is not one."""
        if not digits.isdigit() or len(digits) < 4:
            raise ValueError(f"not a Wayback timestamp: {digits!r}")
        if len(digits) < 6:
            return cls(date(int(digits[:4]), 1, 1), "year")
        if len(digits) < 8:
            return cls(date(int(digits[:4]), int(digits[4:6]), 1), "month")
        return cls(date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])), "day")

    @classmethod
    def parse_iso(cls, text: str) -> PartialDate:
        """The inverse of :meth:`iso` ("2018" -> year precision); ValueError if not ISO."""
        found = _ISO.match(text.strip())
        if not found:
            raise ValueError(f"not an ISO date: {text!r}")
        year, month, day = found.groups()
        if day:
            return cls(date(int(year), int(month), int(day)), "day")
        if month:
            return cls(date(int(year), int(month), 1), "month")
        return cls(date(int(year), 1, 1), "year")


def partial_iso(value: date | None, precision: str | None) -> str | None:
    """``value`` as ISO 8601 of ``precision`` (``None`` = a full date)."""
    if value is None:
        return None
    if precision in ("year", "season"):
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def partial_date(value: date | None, precision: str | None) -> PartialDate | None:
    """A stored (date, precision) as a :class:`PartialDate` (``None`` precision: a day)."""
    return None if value is None else PartialDate(value, precision or "day")


def last_day(value: date | None, precision: str | None) -> date | None:
    """The latest day a stored (date, precision) can mean."""
    written = partial_date(value, precision)
    return None if written is None else written.last_day()
