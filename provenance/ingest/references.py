"""Parse one rendered reference string (Wikipedia CS1 style, APA/Chicago-like) into fields.

``parse_reference('Jiang, Steven; Han, Sol (9 May 2018). "Kim meets Xi". CNN. Retrieved 9 May 2018.')``
gives authors ``("Jiang, Steven", "Han, Sol")``, date 2018-05-09, title "Kim meets Xi",
work "CNN" and access date 2018-05-09. The parser is pure and never raises: what it cannot
place is left out (trailing free text goes to ``extra["note"]``).

How it reads a string: first the parts CS1 marks with fixed words anywhere in the string
(URLs, "Archived from the original on", "Retrieved", identifiers, "p."/"pp.", "(in X)",
"(PDF)", "– via X"); then the head ("Authors (Date).") and the title (quoted, with an
optional "[gloss]"); then the remaining ". "-separated segments in CS1 order: work,
publisher, date, duration.

Conventions: author names keep an initial's dot ("Ritchie, Dennis M."); work and publisher
lose the separator dot CS1 merges with an abbreviation ("Xilinx, Inc"); "n.d." gives no date;
a month/season/year date maps to its first day with ``extra["date_precision"]``.
"""

from __future__ import annotations

import html
import re
from datetime import date

from provenance.ingest.dates import parse_date
from provenance.ingest.languages import language_code
from provenance.ingest.types import ReferenceFields

__all__ = ["parse_reference"]

_CUT = "\x1f"  # marks where an extracted part stood: a segment boundary
_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
)
_DATE_TEXT = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{_MONTH}\s+\d{{4}}|\d{{4}})"
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\]\[]+", re.IGNORECASE)
_ARCHIVE_HOSTS = re.compile(
    r"^(?:https?://)?(?:[\w-]+\.)*(?:web\.archive\.org|wayback\.archive-it\.org|archive\.(?:today|ph|is|li|fo|md|vn)"
    r"|webcitation\.org|ghostarchive\.org|perma\.cc|archive\.org/web)/",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^\s*(?:\d{1,4}\.\s*)?(?:\*\*)?\^(?:\*\*)?\s*(?:Jump up to:?\s*)?(?:(?:[a-z]{1,2}\s*)+(?=[A-Z\"“\[]))?"
)
_NOTICES = re.compile(
    r"\((?:subscription|registration|free|paid|paywall|limited)[^()]*\)"
    r"|\((?:Subscription|Registration) or UK public library membership required\.?\)"
    r"|\[(?:Closed|Free|Open|Limited|Registration|Subscription) access icon\]",
    re.IGNORECASE,
)
_ARCHIVED = re.compile(
    r"Archived(?:\s*\((?P<fmt>[A-Z]{2,5})\))?\s+from\s+the[\s_]+original(?:\s*\((?P<fmt2>[A-Z]{2,5})\))?"
    rf"(?:\s+on\s+(?P<date>{_DATE_TEXT}))?"
    rf"|Archived\s+(?P<date2>{_DATE_TEXT})\s+at\s+(?:the\s+)?(?:Wayback\s+Machine|archive\.\w+)",
    re.IGNORECASE,
)
_ACCESSED = re.compile(
    rf"\(?\b(?:Retrieved|Accessed|Access(?:ed)?\s+date:?|Last\s+accessed)(?:\s+on)?:?\s+(?P<date>{_DATE_TEXT})\)?(?:,?\s+(?:from|at)\b)?",
    re.IGNORECASE,
)
_VIA = re.compile(r"\s*[–—-]+\s*via\s+(?P<via>[^;\x1f]+?)(?=\.?\s*(?:$|\x1f)|\.\s)", re.IGNORECASE)
_IDS = re.compile(
    r"\b(?P<key>doi|ISBN|ISSN|eISSN|PMID|PMC|JSTOR|S2CID|OCLC|arXiv|Bibcode|ProQuest|LCCN|hdl|MR|Zbl|SSRN|OSTI)"
    r"(?::\s*|\s+)(?P<value>[^\s\[\]()]+(?:(?<=[-–/])\s\d[\dXx.-]*)?)(?:\s\[(?P<cls>[\w.-]+)\])?",
)
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(?P<doi>10\.\S+)", re.IGNORECASE)
_PAGES = re.compile(
    r"(?<![\w.])(?P<kind>pp?|pages?)\.?\s+(?P<pages>[\w]+(?:\s*[–—,-]\s*[\w]+|:\d+)*(?:[–—-][\w:]+)?)(?=[.,;)\s]|$)"
)
_VOLUME_PAGES = re.compile(
    r"(?:(?<=^)|(?<=\.\s)|(?<=\x1f))(?P<vol>\d[\w/]*)(?:\s*\((?P<issue>[^()]+)\))?:\s*(?P<pages>\d[\w]*(?:\s*[–—-]\s*\d\w*)?)"
    r"(?=\.?\s*(?:$|\x1f|\.\s))"
)
_ISSUE_PAGES = re.compile(
    r"(?:\s(?P<vol>\d+))?(?:\s\((?P<issue>[^()]+)\))?:\s*(?P<pages>\d\w*(?:\s*[–—-]\s*\d\w*)?)(?=\.?\s*(?:$|\x1f)|\.\s)"
)
_LANGUAGE = re.compile(r"\(in\s+(?P<langs>[A-Za-z][^()]*?)\)")
_FORMAT = re.compile(r"\((?P<fmt>PDF|DOC|DOCX|PPT|PPTX|XLS|XLSX|RTF|TXT|EPUB|MP3|MP4)\)", re.IGNORECASE)
_EDITION = re.compile(r"\((?P<ed>[^()]{1,20}?)\s+ed\.?\)")
_DURATION = re.compile(r"(?P<time>\d{1,3}′\d{1,2}″|\d{1,2}:\d{2}(?::\d{2})?\s*min(?:utes)?)")
_ET_AL = re.compile(r",?\s*\bet\s+al\.?", re.IGNORECASE)
_EDITOR_MARK = re.compile(r",?\s*\(?\beds?\.?\)?\s*$", re.IGNORECASE)
_HEAD_WITH_DATE = re.compile(r"^(?P<who>[^\"“(\x1f]{2,2000}?)\s*\((?P<date>[^()]{1,40})\)[.,:]?\s*")
_HEAD_BARE_DATE = re.compile(r"^\((?P<date>[^()]{1,40})\)[.,:]?\s*")
_HEAD_NO_DATE = re.compile(r"^(?P<who>[^\"“\x1f]{2,160}?\.?)\s+(?=[\"“])")
_QUOTED = re.compile(r"^[\"“](?P<title>.+?)(?:[\"”](?=\s*(?:[.,:;\[(\x1f]|$))|(?<=[.,?!])[\"”](?=\s))")
_TRANS = re.compile(r"^\s*\[(?P<trans>[^\]]+)\]")
_IN_EDITORS = re.compile(r"^In\s+(?P<eds>.+?)\s*\(eds?\.\)\.?\s*(?P<rest>.*)$", re.IGNORECASE)
_LOCATION = re.compile(r"^(?P<loc>[A-Z][\w.'’ -]{1,30}(?:,\s*[A-Z][\w. ]{1,20}){0,2}):\s+(?P<pub>[^:]{2,})$")
_VOLUME = re.compile(r"^(?:Vol(?:ume)?\.?|v\.)\s*(?P<vol>[\w.-]+)$", re.IGNORECASE)
_ISSUE = re.compile(r"^(?:No\.|Issue)\s*(?P<issue>[\w.-]+)$", re.IGNORECASE)
_CHICAGO_JOURNAL = re.compile(
    r"^(?P<work>\D.+?)\s+(?P<vol>\d+)(?::(?P<issue>\d+)|,\s*no\.\s*(?P<issue2>\d+))?\s+\((?P<date>[^()]+)\)"
    r"(?:[,:]\s*(?P<pages>\d[\w–-]*))?$"
)
_PROCEEDINGS = re.compile(r"\b(?:Conference|Conf|Proceedings|Proc|Symposium|Workshop)\b")
_COMMA_JOURNAL = re.compile(
    r"^(?P<work>\D.+?)(?:,\s*\w+ series)?,\s*(?P<vol>\d{1,4}),\s*(?P<pages>\d+\s*[–-]\s*\d+)$"
)
_JOURNAL_VOLUME = re.compile(r"^(?P<work>\D[^,]*?)\s+(?P<vol>\d{1,4})$")
_TRAILING_SITE = re.compile(
    r"^(?P<title>.{3,}?),\s+(?P<site>[A-Z][\w-]*\.(?:com|org|net|gov|edu|info|io|co\.uk))$")
_TRAILING_DATE = re.compile(r"^(?P<rest>.+?),\s+(?P<date>[^,]+)$")
_VANCOUVER = re.compile(r"^[\w'’-]+(?:\s[\w'’-]+)*\s[A-Z]{1,3}(?:\sJr)?$")
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:St|Dr|Mr|Ms|Mrs|Jr|Sr|Co|No|Vol|vol|ed|eds|Inc|Ltd|Corp|Proc|Univ|Dept|Conf|Trans|J|Comput|Surv|Rt|Hon)$"
)


def parse_reference(raw: str) -> ReferenceFields:
    """Parse a rendered reference into :class:`ReferenceFields`; never raises."""
    try:
        return _parse(raw)
    except Exception:  # noqa: BLE001 - a parser bug must not lose the document: keep the text
        text = " ".join(str(raw).split())
        return ReferenceFields(title=text or None, extra={"parse_error": "yes"} if text else {})


def _parse(raw: str) -> ReferenceFields:
    text = _clean(raw)
    if not text:
        return ReferenceFields()
    extra: dict[str, str] = {}
    text, url, archive_url = _take_urls(text, extra)
    text = _NOTICES.sub(_CUT, text)
    text, archive_date = _take_archived(text, extra)
    text, access_date = _take_accessed(text)
    text = _take_simple(text, extra)
    text, language = _take_language(text)
    authors, ref_date, text = _take_head(text, extra)
    title, trans_title, text = _take_title(text)
    quoted = title is not None
    if not quoted:
        text = _take_positions_and_note(text, extra)
        title, text = _first_segment(text)
        if title is None and len(authors) == 1 and "," not in authors[0]:
            title, authors = authors[0], ()  # APA puts a title without author first
        if title and (vol := re.search(r",\s*vol\.\s*(?P<vol>\w+)$", title)):
            extra["volume"] = vol.group("vol")
            title = title[: vol.start()]
        if title and (kind := re.search(r"\s*\((?P<kind>[^()]*\b(?:thesis|dissertation)\b[^()]*)\)$", title)):
            extra["type"] = kind.group("kind")
            title = title[: kind.start()]
    else:
        text = _take_type(text, extra)
        text = _take_positions_and_note(text, extra)
    work, publisher, seg_date = _read_segments(text, extra, quoted=quoted)
    return ReferenceFields(
        authors=authors,
        date=ref_date or seg_date,
        title=title,
        trans_title=trans_title,
        work=work,
        publisher=publisher,
        language=language,
        url=url,
        access_date=access_date,
        archive_url=archive_url,
        archive_date=archive_date,
        extra=extra,
    )


def _clean(raw: str) -> str:
    text = html.unescape(str(raw)).replace("\u00a0", " ").replace("\u200b", "")
    text = " ".join(text.split())
    text = _LABEL.sub("", text, count=1)
    text = re.sub(r"\[([^\]]+)\]\(((?:https?://|www\.)[^)\s]+)\)", r"\1 \2 ", text)  # markdown links
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w/])_(\S(?:.*?\S)?)_(?![\w/])", r"\1", text)
    text = re.sub(r"\s+([.,;](?:\s|$))", r"\1", text)  # "Title" . Work -> "Title". Work
    text = re.sub(r"(\b(?:doi|ISBN|ISSN|PMID|S2CID|JSTOR|arXiv|Bibcode|OCLC))\s+:\s*", r"\1: ", text)
    return text.strip()


def _take_urls(text: str, extra: dict[str, str]) -> tuple[str, str | None, str | None]:
    url = archive_url = None
    found: list[str] = []
    for match in _URL.finditer(text):
        link = match.group(0).rstrip(".,;:)")
        doi = _DOI_URL.match(link)
        if doi:
            extra.setdefault("doi", doi.group("doi"))
        if _ARCHIVE_HOSTS.match(link):
            archive_url = archive_url or link
        else:
            url = url or link
        if link not in found:
            found.append(link)
    if len(found) > 1:
        extra["urls"] = " ".join(found)
    for match in _URL.finditer(text):
        text = text.replace(match.group(0).rstrip(".,;:)"), " ", 1)
    if found:
        text = re.sub(r"[<(\[]\s*[>)\]]", "", text)  # the brackets a URL stood in
        text = " ".join(text.split())
        text = re.sub(r"\s+([.,;:](?:\s|$))", r"\1", text)
    return text, url, archive_url


def _date(text: str | None) -> date | None:
    return parse_date(text)[0] if text else None


def _take_archived(text: str, extra: dict[str, str]) -> tuple[str, date | None]:
    found = _ARCHIVED.search(text)
    if not found:
        return text, None
    fmt = found.group("fmt") or found.group("fmt2")
    if fmt:
        extra["format"] = fmt.upper()
    when = _date(found.group("date") or found.group("date2"))
    return text[: found.start()] + _CUT + text[found.end() :], when


def _take_accessed(text: str) -> tuple[str, date | None]:
    found = _ACCESSED.search(text)
    if not found:
        return text, None
    return text[: found.start()] + _CUT + text[found.end() :], _date(found.group("date"))


def _take_simple(text: str, extra: dict[str, str]) -> str:
    """Format, edition, duration and "via": marked parts that carry no position meaning."""
    for pattern, key, group in ((_FORMAT, "format", "fmt"), (_EDITION, "edition", "ed")):
        found = pattern.search(text)
        if found:
            value = found.group(group)
            extra[key] = value.upper() if key == "format" else value
            text = text[: found.start()] + ("" if key == "format" else _CUT) + text[found.end() :]
    found = _DURATION.search(text)
    if found:
        extra["time"] = found.group("time")
        text = text[: found.start()] + _CUT + text[found.end() :]
    text = re.sub(r"\s+([.,;](?:\s|$))", r"\1", " ".join(text.split()))
    return text


def _take_language(text: str) -> tuple[str, str | None]:
    found = _LANGUAGE.search(text)
    if not found:
        return text, None
    names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", found.group("langs")) if n.strip()]
    codes = [language_code(name) for name in names]
    if any(code == name and name[:1].islower() for code, name in zip(codes, names, strict=True)):
        return text, None  # "(in press)": not a language
    rest = text[: found.start()].rstrip() + text[found.end() :]
    return rest, ",".join(codes) or None


def _take_positions_and_note(text: str, extra: dict[str, str]) -> str:
    """Positional parts out of ``text``; free text after the last of them goes to extra["note"]."""
    text, note_start = _take_positions(text, extra)
    if note_start is not None:
        note = text[note_start:].strip(" .,;\x1f")
        text = text[:note_start]
        if note:
            extra["note"] = note.replace(_CUT, " ").strip()
    return text


def _take_positions(text: str, extra: dict[str, str]) -> tuple[str, int | None]:
    """Identifiers, via, pages and volume(issue): pages; returns where trailing free text starts."""
    last_end = -1
    pieces: list[tuple[int, int]] = []
    for found in _IDS.finditer(text):
        key = found.group("key").lower()
        value = found.group("value").rstrip(".,;)")
        if key in ("isbn", "issn", "eissn", "doi"):
            value = value.replace(" ", "")
        extra.setdefault(key, value)
        pieces.append(found.span())
    for pattern in (_VIA, _VOLUME_PAGES, _ISSUE_PAGES):
        for found in pattern.finditer(text):
            parts = found.groupdict()
            if parts.get("via"):
                extra["via"] = parts["via"].strip()
            elif "volume" in extra and pattern is _ISSUE_PAGES:
                continue
            else:
                if parts.get("vol"):
                    extra.setdefault("volume", parts["vol"])
                if parts.get("issue"):
                    extra.setdefault("issue", parts["issue"])
                extra.setdefault("pages", re.sub(r"\s+", "", parts["pages"]))
            pieces.append(found.span())
    for found in _PAGES.finditer(text):
        extra.setdefault("pages", found.group("pages").strip())
        pieces.append(found.span())
    for start, end in sorted(pieces, reverse=True):
        text = text[:start] + _CUT * (end - start) + text[end:]
        last_end = max(last_end, end)
    cuts = [m.end() for m in re.finditer(r"\x1f+", text)]
    tail = max(cuts) if cuts else -1
    note_start = tail if tail >= 0 and text[tail:].strip(" .,;") else None
    return text, note_start


def _take_head(text: str, extra: dict[str, str]) -> tuple[tuple[str, ...], date | None, str]:
    text = text.lstrip(" .,;\x1f")
    found = _HEAD_WITH_DATE.match(text)
    if found and _is_date(found.group("date")):
        authors = _authors(found.group("who"), extra)
        return authors, _date_with_precision(found.group("date"), extra), text[found.end() :]
    found = _HEAD_BARE_DATE.match(text)
    if found and _is_date(found.group("date")):
        return (), _date_with_precision(found.group("date"), extra), text[found.end() :]
    found = _HEAD_NO_DATE.match(text)
    # lower-case Latin words before a quote are a description, not a name
    if found and not re.search(r"\d", found.group("who")) \
            and not re.fullmatch(r"[a-z\s'’.,-]+", found.group("who")):
        return _authors(found.group("who"), extra), None, text[found.end() :]
    return (), None, text


def _is_date(text: str) -> bool:
    return bool(re.fullmatch(r"\s*n\.\s?d\.?\s*", text, re.IGNORECASE)) or parse_date(text)[0] is not None


def _date_with_precision(text: str, extra: dict[str, str]) -> date | None:
    value, precision = parse_date(text)
    if precision and precision != "day":
        extra["date_precision"] = precision
    return value


def _authors(who: str, extra: dict[str, str]) -> tuple[str, ...]:
    who = who.strip(" ,;:")
    if _ET_AL.search(who):
        extra["et_al"] = "yes"
        who = _ET_AL.sub("", who).strip(" ,;")
    is_editors = bool(_EDITOR_MARK.search(who))
    who = _EDITOR_MARK.sub("", who).strip(" ,;")
    if who.endswith(".") and not re.search(r"(?:^|[\s._-])[A-Z][a-z]?\.$", who):
        who = who[:-1]  # the CS1 separator, not an initial's dot
    if ";" in who:
        names = who.split(";")
    elif re.search(r"\.,\s", who) and who.count(",") >= 3 or re.search(r",?\s&\s", who):  # APA: "Smith, J., & Doe, A."
        names = re.split(r"(?<=\.),\s+(?:&\s+)?|\s+&\s+", who)
    elif "," in who and all(_VANCOUVER.match(p.strip()) for p in who.split(",")):
        names = who.split(",")
    elif "," not in who or who.count(",") >= 2 and " and " in who:
        names = re.split(r",\s+and\s+|\s+and\s+|\s+&\s+|,\s+", who) if "," not in who or " and " in who else [who]
    else:
        names = [who]
    cleaned = tuple(
        re.sub(r"^(?:and|&)\s+", "", n.strip()).strip(" ,;") for n in names if n.strip(" ,;")
    )
    if is_editors:
        extra["editors"] = "; ".join(cleaned)
        return ()
    return cleaned


def _take_title(text: str) -> tuple[str | None, str | None, str]:
    text = text.lstrip(" .,;\x1f")
    found = _QUOTED.match(text)
    if not found:
        return None, None, text
    title = found.group("title").strip().rstrip(".,")
    rest = text[found.end() :]
    trans = _TRANS.match(rest)
    trans_title = None
    if trans:
        trans_title = trans.group("trans").strip()
        rest = rest[trans.end() :]
    return title or None, trans_title, rest


def _take_type(rest: str, extra: dict[str, str]) -> str:
    """Parentheses right after a title: "(Tweet)", "(Doctor of Philosophy thesis)"."""
    while found := re.match(r"^\s*\((?P<kind>[^()]{2,80})\)", rest):
        extra["type"] = found.group("kind").strip()
        rest = rest[found.end() :]
    return rest


def _first_segment(text: str) -> tuple[str | None, str]:
    """An unquoted title (a book, or a title whose quotes were lost): the first segment."""
    parts = _segments(text.lstrip(" .,;\x1f"))
    if not parts:
        return None, ""
    site = _TRAILING_SITE.match(parts[0].strip(" .,;:\x1f"))
    if site:  # "definition of suffix ..., Yourdictionary.com": the site is the work
        return site.group("title"), _CUT.join([site.group("site"), *parts[1:]])
    return parts[0].strip(" .,;:\x1f") or None, _CUT.join(parts[1:])


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


def _joins(piece: str, following: str) -> bool:
    """Whether the ". " ending ``piece`` is an abbreviation or initial, not a separator."""
    if not piece.endswith(".") or not following:
        return False
    head = piece[:-1]
    if _ABBREVIATION.search(head):
        return True
    if re.search(r"\b\d{1,2}$", head) and re.match(r"[a-z]", following):
        return True  # an ordinal: "Select 35. týden 2019"
    if re.search(r"\b[A-Z]\.\s[A-Z]$", head):  # "U. S. Naval"
        return True
    if re.search(r"(?:^|[\s(])[A-Z]$", head):  # a single capital: "U. S.", "C. 1880"
        return bool(re.match(r"(?:\d|[A-Z]\.(?:\s|$))", following)) or bool(re.search(r"\.[A-Z]$", head))
    return bool(re.search(r"\.[A-Z]$", head))  # "M.I.T."


def _read_segments(
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
        editors = _IN_EDITORS.match(segment)
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
        journal = _CHICAGO_JOURNAL.match(segment)
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
        journal = _COMMA_JOURNAL.match(segment) or (
            None if quoted or "pages" not in extra else _JOURNAL_VOLUME.match(segment)
        )
        if journal:
            extra.setdefault("volume", journal.group("vol"))
            if "pages" in journal.groupdict():
                extra.setdefault("pages", journal.group("pages"))
            work = work or journal.group("work")
            continue
        trailing = _TRAILING_DATE.match(segment)
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
        if re.fullmatch(r"(?:[IVXLC]+|Vol\.? \w+)(?:\s*[–—:-]\s*.+)?", segment):
            extra.setdefault("volume", segment)
            continue
        for pattern, key in ((_VOLUME, "vol"), (_ISSUE, "issue")):
            found = pattern.match(segment)
            if found:
                extra.setdefault("volume" if key == "vol" else "issue", found.group(key))
                break
        else:
            free.append(segment)
    book = not quoted or "editors" in extra
    for index, segment in enumerate(free):
        location = _LOCATION.match(segment)
        if location and "," not in location.group("loc") and len(location.group("loc").split()) > 2:
            location = None  # "University of Zurich: Department ..." names a work, not a place
        if location and publisher is None:
            extra.setdefault("location", location.group("loc"))
            publisher = location.group("pub")
        elif work is None and publisher is None and (
            quoted or re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", segment) or _PROCEEDINGS.search(segment)
        ):
            work = _medium(segment, extra)
        elif publisher is None and (not book or index == len(free) - 1):
            publisher = segment
        elif publisher is None and work is None and _PROCEEDINGS.search(segment):
            work = segment
        elif publisher is None:
            extra["series"] = segment
        else:
            extra["note"] = (extra.get("note", "") + " " + segment).strip()
    return work, publisher, when


def _medium(segment: str, extra: dict[str, str]) -> str:
    found = re.fullmatch(r"(?P<work>.+?)\s*\((?P<medium>[^()]+)\)", segment)
    if found and not _is_date(found.group("medium")):
        extra["medium"] = found.group("medium")
        return found.group("work")
    return segment
