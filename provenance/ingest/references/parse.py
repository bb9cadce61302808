"""Parse one rendered reference string (Wikipedia CS1 style, APA/Chicago-like) into fields.

``parse_reference('Jiang, Steven; Han, Sol (9 May 2018). "Kim meets Xi". CNN. Retrieved 9 May
2018.')`` gives authors ``("Jiang, Steven", "Han, Sol")``, date 2018-05-09, title "Kim meets Xi",
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

from provenance.domain.documents import ReferenceFields
from provenance.ingest.references.parts import (
    take_accessed,
    take_archived,
    take_head,
    take_language,
    take_positions_and_note,
    take_simple,
    take_title,
    take_type,
    take_urls,
)
from provenance.ingest.references.patterns import CS1_MESSAGES, CUT, LABEL, NOTICES
from provenance.ingest.references.segments import first_segment, periodical_issue, read_segments

__all__ = ["parse_reference"]

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
    text, url, archive_url = take_urls(text, extra)
    text = NOTICES.sub(CUT, text)
    text = CS1_MESSAGES.sub(CUT, text)
    text, archive_date = take_archived(text, extra)
    text, access_date = take_accessed(text, extra)
    text = take_simple(text, extra)
    text, language = take_language(text)
    authors, ref_date, text = take_head(text, extra)
    title, trans_title, text = take_title(text)
    quoted = title is not None
    periodical = None
    if not quoted:
        text = take_positions_and_note(text, extra)
        title, text = first_segment(text)
        if title and (periodical := periodical_issue(title, extra)):
            title = None
        if title is None and len(authors) == 1 and "," not in authors[0]:
            title, authors = authors[0], ()  # APA puts a title without author first
        if title and (vol := re.search(r",\s*vol\.\s*(?P<vol>\w+)$", title)):
            extra["volume"] = vol.group("vol")
            title = title[: vol.start()]
        thesis = r"\s*\((?P<kind>[^()]*\b(?:thesis|dissertation)\b[^()]*)\)$"
        if title and (kind := re.search(thesis, title)):
            extra["type"] = kind.group("kind")
            title = title[: kind.start()]
    else:
        text = take_type(text, extra)
        text = take_positions_and_note(text, extra)
    work, publisher, seg_date = read_segments(text, extra, quoted=quoted)
    work = periodical or work
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
    text = LABEL.sub("", text, count=1)
    # markdown links
    text = re.sub(r"\[([^\]]+)\]\(((?:https?://|www\.)[^)\s]+)\)", r"\1 \2 ", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w/])_(\S(?:.*?\S)?)_(?![\w/])", r"\1", text)
    text = re.sub(r"\s+([.,;](?:\s|$))", r"\1", text)  # "Title" . Work -> "Title". Work
    text = re.sub(r"(\b(?:doi|ISBN|ISSN|PMID|S2CID|JSTOR|arXiv|Bibcode|OCLC))\s+:\s*", r"\1: ",
                  text)
    return text.strip()
