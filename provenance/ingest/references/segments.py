"""Read what is left of a reference after its marked parts: the ". "-separated segments in
CS1 order (title when unquoted, then work, publisher, date, duration).
"""

from __future__ import annotations

import re
from datetime import date

from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.parts import is_date
from provenance.ingest.references.patterns import (
    ABBREVIATION,
    CHICAGO_JOURNAL,
    COMMA_JOURNAL,
    CUT,
    IN_EDITORS,
    ISSUE,
    JOURNAL_VOLUME,
    JOURNAL_VOLUME_ISSUE,
    LOCATION,
    PROCEEDINGS,
    TRAILING_DATE,
    TRAILING_SITE,
    VOLUME,
)

__all__ = ["first_segment", "periodical_issue", "read_segments"]


def first_segment(text: str) -> tuple[str | None, str]:
    """An unquoted title (a book, or a title whose quotes were lost): the first segment."""
    parts = _segments(text.lstrip(" .,;\x1f"))
    if not parts:
        return None, ""
    site = TRAILING_SITE.match(parts[0].strip(" .,;:\x1f"))
    if site:  # "definition of suffix ..., Yourdictionary.com": the site is the work
        return site.group("title"), CUT.join([site.group("site"), *parts[1:]])
    return parts[0].strip(" .,;:\x1f") or None, CUT.join(parts[1:])

_ISSUE_KEY = r"vol(?:ume)?\.?|v\.|no\.|issue|number|المجلد|العدد"
_ISSUE_PART = re.compile(rf"(?P<key>{_ISSUE_KEY})\s*(?P<value>[\w.-]+)", re.IGNORECASE)
_PERIODICAL = re.compile(
    rf"^(?P<work>[^,،]{{2,}}?)(?P<parts>(?:\s*[,،]\s*(?:{_ISSUE_KEY})\s*[\w.-]+)+)$",
    re.IGNORECASE)


def periodical_issue(title: str, extra: dict[str, str]) -> str | None:
    """"Nature, vol. 5, no. 3" / "مجلة القافلة، العدد 5، المجلد 59" (an issue of a periodical,
    no article title): the periodical's name, with volume and issue put in ``extra``."""
    found = _PERIODICAL.match(title)
    if not found or not re.search(r"(?i)\b(?:no\.|issue|number)|العدد", found.group("parts")):
        return None  # "Measure Theory, vol. 2": a book's volume
    for part in _ISSUE_PART.finditer(found.group("parts")):
        key = part.group("key").lower()
        name = "volume" if key.startswith(("vol", "v.", "المجلد")) else "issue"
        extra.setdefault(name, part.group("value"))
    return found.group("work").strip()


def _segments(text: str) -> list[str]:
    """Split at CS1's ". " separators and at cut marks, not after initials or abbreviations."""
    out: list[str] = []
    for chunk in re.split(r"\x1f+", text):
        pieces = re.split(r"(?<=\.)\s+", chunk)
        current = ""
        for index, piece in enumerate(pieces):
            current = f"{current} {piece}" if current else piece
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            if not _joins(current, following):
                out.append(current)
                current = ""
        if current:
            out.append(current)
    return [part for part in out if part.strip(" .,;:")]

_MONTH_ABBREVIATION = re.compile(r"(?:^|\s)(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)$")


def _joins(piece: str, following: str) -> bool:
    """Whether the ". " ending ``piece`` is an abbreviation or initial, not a separator."""
    if not piece.endswith(".") or not following:
        return False
    head = piece[:-1]
    if ABBREVIATION.search(head):
        return True
    if _MONTH_ABBREVIATION.search(head) and following[:1].isdigit():
        return True  # "Feb. 1983"
    if re.search(r"\b\d{1,2}$", head) and re.match(r"[a-z]", following):
        return True  # an ordinal: "Select 35. týden 2019"
    if re.search(r"\b[A-Z]\.\s[A-Z]$", head):  # "U. S. Naval"
        return True
    if re.search(r"(?:^|[\s(])[A-Z]$", head):  # a single capital: "U. S.", "C. 1880"
        return (bool(re.match(r"(?:\d|[A-Z]\.(?:\s|$))", following))
                or bool(re.search(r"\.[A-Z]$", head)))
    return bool(re.search(r"\.[A-Z]$", head))  # "M.I.T."

def read_segments(
    text: str, extra: dict[str, str], *, quoted: bool
) -> tuple[str | None, str | None, date | None]:
    """Work, publisher and date from the segments after the title (CS1 order)."""
    work = publisher = None
    when: date | None = None
    free: list[str] = []
    expect_book_title = False
    for segment in _segments(text):
        segment = segment.strip(" .,;:\x1f")
        if not segment:
            continue
        editors = IN_EDITORS.match(segment)
        if editors:
            extra["editors"] = "; ".join(n.strip() for n in editors.group("eds").split(";"))
            if editors.group("rest"):
                free.append(editors.group("rest").strip(" ."))
            else:
                expect_book_title = True
            continue
        if expect_book_title:
            free.append(segment)
            expect_book_title = False
            continue
        journal = CHICAGO_JOURNAL.match(segment)
        if journal and parse_date(journal.group("date"))[0] is not None:
            value, precision = parse_date(journal.group("date"))
            when = when or value
            if precision != "day":
                extra.setdefault("date_precision", str(precision))
            extra.setdefault("volume", journal.group("vol"))
            if journal.group("issue") or journal.group("issue2"):
                extra.setdefault("issue", journal.group("issue") or journal.group("issue2"))
            if journal.group("pages"):
                extra.setdefault("pages", journal.group("pages"))
            segment = journal.group("work")
        journal = COMMA_JOURNAL.match(segment) or (
            None if quoted or "pages" not in extra else JOURNAL_VOLUME.match(segment)
        )
        if journal:
            extra.setdefault("volume", journal.group("vol"))
            if "pages" in journal.groupdict():
                extra.setdefault("pages", journal.group("pages"))
            work = work or journal.group("work")
            continue
        trailing = TRAILING_DATE.match(segment)
        if (
            trailing
            and when is None
            and parse_date(segment)[0] is None
            and parse_date(trailing.group("date"))[0] is not None
        ):
            when, precision = parse_date(trailing.group("date"))
            if precision != "day":
                extra.setdefault("date_precision", str(precision))
            segment = trailing.group("rest")
        value, precision = parse_date(segment)
        if value is not None:
            if when is None:
                when = value
                if precision != "day" and "date_precision" not in extra:
                    extra["date_precision"] = str(precision)
            continue
        volume_issue = JOURNAL_VOLUME_ISSUE.match(segment)
        if volume_issue and work is None:
            extra.setdefault("volume", volume_issue.group("vol"))
            extra.setdefault("issue", volume_issue.group("issue"))
            work = volume_issue.group("work")
            continue
        if re.fullmatch(r"(?:[IVXLC]+|Vol\.? \w+)(?:\s*[–—:-]\s*.+)?", segment):
            extra.setdefault("volume", segment)
            continue
        for pattern, key in ((VOLUME, "vol"), (ISSUE, "issue")):
            found = pattern.match(segment)
            if found:
                extra.setdefault("volume" if key == "vol" else "issue", found.group(key))
                break
        else:
            free.append(segment)
    book = not quoted or "editors" in extra
    for index, segment in enumerate(free):
        location = LOCATION.match(segment)
        if location and "," not in location.group("loc") and len(location.group("loc").split()) > 2:
            location = None  # "University of Zurich: Department ..." names a work, not a place
        if location and publisher is None:
            extra.setdefault("location", location.group("loc"))
            publisher = location.group("pub")
        elif work is None and publisher is None and (
            quoted or re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", segment)
            or PROCEEDINGS.search(segment)
        ):
            work = _medium(segment, extra)
        elif publisher is None and (not book or index == len(free) - 1):
            publisher = segment
        elif publisher is None and work is None and PROCEEDINGS.search(segment):
            work = segment
        elif publisher is None:
            extra["series"] = segment
        else:
            extra["note"] = (extra.get("note", "") + " " + segment).strip()
    return work, publisher, when

def _medium(segment: str, extra: dict[str, str]) -> str:
    found = re.fullmatch(r"(?P<work>.+?)\s*\((?P<medium>[^()]+)\)", segment)
    # "(Online video)" is a medium; "(BHI)", an acronym, belongs to the name
    if (found and not is_date(found.group("medium"))
            and not re.fullmatch(r"[A-Z][A-Z0-9&.-]{1,9}", found.group("medium"))):
        extra["medium"] = found.group("medium")
        return found.group("work")
    return segment
