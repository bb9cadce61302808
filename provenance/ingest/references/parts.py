"""Take the marked parts out of a rendered reference: URLs, archive and access notes,
identifiers, page and volume positions, language, the head (authors and date) and the title.

Each ``take_*`` function returns the text with its part removed (a cut mark where it stood)
and what it found.
"""

from __future__ import annotations

import re
from datetime import date

from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.languages import language_code
from provenance.ingest.references.patterns import (
    ACCESSED,
    ARCHIVE_HOSTS,
    ARCHIVED,
    CUT,
    DOI_URL,
    DURATION,
    EDITION,
    EDITOR_MARK,
    ET_AL,
    FORMAT,
    HEAD_BARE_DATE,
    HEAD_EDITORS,
    HEAD_NO_DATE,
    HEAD_WITH_DATE,
    IDS,
    ISSUE_PAGES,
    LANGUAGE,
    PAGES,
    QUOTED,
    TRANS,
    URL,
    VANCOUVER,
    VIA,
    VOLUME_PAGES,
)

__all__ = [
    "is_date", "take_accessed", "take_archived", "take_head", "take_language",
    "take_positions_and_note", "take_simple", "take_title", "take_type", "take_urls",
]


def take_urls(text: str, extra: dict[str, str]) -> tuple[str, str | None, str | None]:
    url = archive_url = None
    found: dict[str, None] = {}  # each URL once, in order (a dict: linear in their number)
    for match in URL.finditer(text):
        link = match.group(0).rstrip(".,;:)")
        doi = DOI_URL.match(link)
        if doi:
            extra.setdefault("doi", doi.group("doi"))
        if ARCHIVE_HOSTS.match(link):
            archive_url = archive_url or link
        else:
            url = url or link
        found.setdefault(link)
    if len(found) > 1:
        extra["urls"] = " ".join(found)
    # every URL out in one pass, the punctuation after it kept
    text = URL.sub(lambda m: " " + m.group(0)[len(m.group(0).rstrip(".,;:)")):], text)
    if found:
        text = re.sub(r"[<(\[]\s*[>)\]]", "", text)  # the brackets a URL stood in
        text = " ".join(text.split())
        text = re.sub(r"\s+([.,;:](?:\s|$))", r"\1", text)
    return text, url, archive_url

def _date(text: str | None, extra: dict[str, str] | None = None,
          key: str = "") -> date | None:
    """The date in ``text``; a precision coarser than a day is noted in ``extra[key]``."""
    if not text:
        return None
    value, precision = parse_date(text)
    if extra is not None and value is not None and precision and precision != "day":
        extra[key] = precision
    return value

def take_archived(text: str, extra: dict[str, str]) -> tuple[str, date | None]:
    found = ARCHIVED.search(text)
    if not found:
        return text, None
    fmt = found.group("fmt") or found.group("fmt2") or found.group("fmt3")
    if fmt:
        extra["format"] = fmt.upper()
    written = next((found.group(g) for g in ("date", "date2", "date3", "date4") if found.group(g)),
                   None)
    when = _date(written, extra, "archive_date_precision")
    return text[: found.start()] + CUT + text[found.end() :], when

_QUOTE_WORDS = re.compile(r"[^\W\d_]{2,}")
_QUOTE_MIN_WORDS = 8


def take_accessed(text: str, extra: dict[str, str] | None = None) -> tuple[str, date | None]:
    found = ACCESSED.search(text)
    if not found:
        return text, None
    when = _date(found.group("date") or found.group("date2"), extra, "access_date_precision")
    rest = text[found.end() :]
    if extra is not None and len(_QUOTE_WORDS.findall(rest)) >= _QUOTE_MIN_WORDS:
        # CS1 ends with "Retrieved …": prose after it is the citation's quote, not a field
        extra["note"] = rest.strip(" .")
        rest = ""
    return text[: found.start()] + CUT + rest, when

def take_simple(text: str, extra: dict[str, str]) -> str:
    """Format, edition, duration and "via": marked parts that carry no position meaning."""
    for pattern, key, group in ((FORMAT, "format", "fmt"), (EDITION, "edition", "ed")):
        found = pattern.search(text)
        if found:
            value = found.group(group)
            extra[key] = value.upper() if key == "format" else value
            text = text[: found.start()] + ("" if key == "format" else CUT) + text[found.end() :]
    found = DURATION.search(text)
    if found:
        extra["time"] = found.group("time")
        text = text[: found.start()] + CUT + text[found.end() :]
    text = re.sub(r"\s+([.,;](?:\s|$))", r"\1", " ".join(text.split()))
    return text

def take_language(text: str) -> tuple[str, str | None]:
    found = LANGUAGE.search(text)
    if not found:
        return text, None
    if found.group("zh"):
        code = language_code(found.group("zh"))
        if code == found.group("zh"):
            return text, None  # not a language name
        return text[: found.start()].rstrip() + text[found.end() :], code
    names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", found.group("langs"))
             if n.strip()]
    codes = [language_code(name) for name in names]
    if any(code == name and name[:1].islower() for code, name in zip(codes, names, strict=True)):
        return text, None  # "(in press)": not a language
    rest = text[: found.start()].rstrip() + text[found.end() :]
    return rest, ",".join(codes) or None

def take_positions_and_note(text: str, extra: dict[str, str]) -> str:
    """Positional parts out of ``text``; free text after the last of them goes to extra["note"]."""
    text, note_start = _take_positions(text, extra)
    if note_start is not None:
        note = text[note_start:].strip(" .,;\x1f")
        text = text[:note_start]
        if note:
            extra["note"] = note.replace(CUT, " ").strip()
    return text

def _take_positions(text: str, extra: dict[str, str]) -> tuple[str, int | None]:
    """Identifiers, via, pages and volume(issue): pages; returns where trailing free text starts."""
    last_end = -1
    pieces: list[tuple[int, int]] = []
    for found in IDS.finditer(text):
        key = found.group("key").lower()
        value = found.group("value").rstrip(".,;)")
        if key in ("isbn", "issn", "eissn", "doi"):
            value = value.replace(" ", "")
        extra.setdefault(key, value)
        pieces.append(found.span())
    for pattern in (VIA, VOLUME_PAGES, ISSUE_PAGES):
        for found in pattern.finditer(text):
            parts = found.groupdict()
            if parts.get("via"):
                extra["via"] = parts["via"].strip()
            elif "volume" in extra and pattern is ISSUE_PAGES:
                continue
            else:
                if parts.get("vol"):
                    extra.setdefault("volume", parts["vol"])
                if parts.get("issue"):
                    extra.setdefault("issue", parts["issue"])
                extra.setdefault("pages", re.sub(r"\s+", "", parts["pages"]))
            pieces.append(found.span())
    for found in PAGES.finditer(text):
        extra.setdefault("pages", found.group("pages").strip())
        pieces.append(found.span())
    for start, end in sorted(pieces, reverse=True):
        text = text[:start] + CUT * (end - start) + text[end:]
        last_end = max(last_end, end)
    cuts = [m.end() for m in re.finditer(r"\x1f+", text)]
    tail = max(cuts) if cuts else -1
    note_start = tail if tail >= 0 and text[tail:].strip(" .,;") else None
    return text, note_start

def take_head(text: str, extra: dict[str, str]) -> tuple[tuple[str, ...], date | None, str]:
    text = text.lstrip(" .,;\x1f")
    editors = HEAD_EDITORS.match(text)
    if editors and (not editors.group("date") or is_date(editors.group("date"))):
        extra["editors"] = "; ".join(
            n.strip() for n in re.split(r";|\s+and\s+|\s*&\s*", editors.group("who")) if n.strip())
        when = (_date_with_precision(editors.group("date"), extra) if editors.group("date")
                else None)
        return (), when, text[editors.end() :]
    found = HEAD_WITH_DATE.match(text)
    if found and is_date(found.group("date")):
        authors = _authors(found.group("who"), extra)
        return authors, _date_with_precision(found.group("date"), extra), text[found.end() :]
    found = HEAD_BARE_DATE.match(text)
    if found and is_date(found.group("date")):
        return (), _date_with_precision(found.group("date"), extra), text[found.end() :]
    found = HEAD_NO_DATE.match(text)
    # lower-case Latin words before a quote are a description, not a name
    if found and not re.search(r"\d", found.group("who")) \
            and not re.fullmatch(r"[a-z\s'’.,-]+", found.group("who")):
        return _authors(found.group("who"), extra), None, text[found.end() :]
    return (), None, text

def is_date(text: str) -> bool:
    return (bool(re.fullmatch(r"\s*n\.\s?d\.?\s*", text, re.IGNORECASE))
            or parse_date(text)[0] is not None)

def _date_with_precision(text: str, extra: dict[str, str]) -> date | None:
    value, precision = parse_date(text)
    if precision and precision != "day":
        extra["date_precision"] = precision
    return value

def _authors(who: str, extra: dict[str, str]) -> tuple[str, ...]:
    who = who.strip(" ,;:")
    if ET_AL.search(who):
        extra["et_al"] = "yes"
        who = ET_AL.sub("", who).strip(" ,;")
    is_editors = bool(EDITOR_MARK.search(who))
    who = EDITOR_MARK.sub("", who).strip(" ,;")
    if who.endswith(".") and not re.search(r"(?:^|[\s._-])[A-Z][a-z]?\.$", who):
        who = who[:-1]  # the CS1 separator, not an initial's dot
    if ";" in who:
        names = who.split(";")
    # APA: "Smith, J., & Doe, A."
    elif (re.search(r"\.,\s", who) and who.count(",") >= 3) or re.search(r",?\s&\s", who):
        names = re.split(r"(?<=\.),\s+(?:&\s+)?|\s+&\s+", who)
    elif "," in who and all(VANCOUVER.match(p.strip()) for p in who.split(",")):
        names = who.split(",")
    elif "," not in who or (who.count(",") >= 2 and " and " in who):
        names = (re.split(r",\s+and\s+|\s+and\s+|\s+&\s+|,\s+", who)
                 if "," not in who or " and " in who else [who])
    else:
        names = [who]
    cleaned = tuple(
        re.sub(r"^(?:and|&)\s+", "", n.strip()).strip(" ,;") for n in names if n.strip(" ,;")
    )
    if is_editors:
        extra["editors"] = "; ".join(cleaned)
        return ()
    return cleaned

def take_title(text: str) -> tuple[str | None, str | None, str]:
    text = text.lstrip(" .,;\x1f")
    found = QUOTED.match(text)
    if not found:
        return None, None, text
    title = found.group("title").strip().rstrip(".,")
    rest = text[found.end() :]
    trans = TRANS.match(rest)
    trans_title = None
    if trans:
        trans_title = trans.group("trans").strip()
        rest = rest[trans.end() :]
    return title or None, trans_title, rest

def take_type(rest: str, extra: dict[str, str]) -> str:
    """Parentheses right after a title: "(Tweet)", "(Doctor of Philosophy thesis)"."""
    while found := re.match(r"^\s*\((?P<kind>[^()]{2,80})\)", rest):
        extra["type"] = found.group("kind").strip()
        rest = rest[found.end() :]
    return rest
