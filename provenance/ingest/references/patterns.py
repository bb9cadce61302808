"""The regular expressions a rendered reference string is read with (CS1, APA, Chicago marks).
"""

from __future__ import annotations

import re

__all__ = [
    "ABBREVIATION", "ACCESSED", "ARCHIVED", "ARCHIVE_HOSTS", "CHICAGO_JOURNAL", "COMMA_JOURNAL",
    "CS1_MESSAGES", "CUT", "DOI_URL", "DURATION", "EDITION", "EDITOR_MARK", "ET_AL", "FORMAT",
    "HEAD_BARE_DATE", "HEAD_EDITORS",
    "HEAD_NO_DATE", "HEAD_WITH_DATE", "IDS", "IN_EDITORS", "ISSUE", "ISSUE_PAGES",
    "JOURNAL_VOLUME", "JOURNAL_VOLUME_ISSUE", "LABEL", "LANGUAGE", "LOCATION", "NOTICES", "PAGES",
    "PROCEEDINGS",
    "QUOTED", "TRAILING_DATE", "TRAILING_SITE", "TRANS", "URL", "VANCOUVER", "VIA", "VOLUME",
    "VOLUME_PAGES",
]

CUT = "\x1f"  # marks where an extracted part stood: a segment boundary

_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
)

_DATE_TEXT = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{_MONTH}\s+\d{{4}}|\d{{4}})"
)

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\]\[]+", re.IGNORECASE)

ARCHIVE_HOSTS = re.compile(
    r"^(?:https?://)?(?:[\w-]+\.)*(?:web\.archive\.org|wayback\.archive-it\.org"
    r"|archive\.(?:today|ph|is|li|fo|md|vn)|webcitation\.org|ghostarchive\.org|perma\.cc"
    r"|webarchive\.nla\.gov\.au|webarchive\.org\.uk|archive\.org/web|archive\.wikiwix\.com"
    r"|webarchive\.loc\.gov)/",
    re.IGNORECASE,
)

LABEL = re.compile(
    r"^\s*(?:\d+\.\s*)?(?:\*\*)?\^(?:\*\*)?\s*(?:Jump up to:?\s*)?"
    r"(?:(?:[a-z]{1,2}\s*)+(?=[A-Z\"“\[]))?"
)

NOTICES = re.compile(
    r"\((?:subscription|registration|free|paid|paywall|limited)[^()]*\)"
    r"|\((?:Subscription|Registration) or UK public library membership required\.?\)"
    r"|\[(?:Closed|Free|Open|Limited|Registration|Subscription) access icon\]",
    re.IGNORECASE,
)

_FULL_DATE = (  # a day, never a bare year ("[1867]" is an original edition, not a date seen)
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{4}}年\d{{1,2}}月\d{{1,2}}日)"
)

# CS1's error and maintenance messages, rendered into the citation's text
CS1_MESSAGES = re.compile(
    r"\{\{cite [a-z ]{2,20}\}\}:[^()]{1,200}\((?:help|link)\)"
    r"|\bCS1 maint:[^()]{1,160}\(link\)"
    r"|الوسيط\s*\|[^|=()]{1,40}=\s*تم تجاهله\s*\(مساعدة\)\s*;?"
    r"|صيانة CS1:[^()]{1,160}\(link\)",
    re.IGNORECASE,
)

ARCHIVED = re.compile(
    r"Archived(?:\s*\((?P<fmt>[A-Z]{2,5})\))?\s+from\s+the[\s_]+original(?:\s*\((?P<fmt2>[A-Z]{2,5})\))?"
    rf"(?:\s+on\s+(?P<date>{_DATE_TEXT}))?"
    rf"|Archived\s+(?P<date2>{_DATE_TEXT})\s+at\s+(?:the\s+)?(?:Wayback\s+Machine|archive\.\w+)"
    # Chinese CS1, in full-width brackets: "原始内容存档 (PDF)于4 March 2016"
    rf"|[\uff08(]原始内容存[档檔](?:\s*\((?P<fmt3>[A-Z]{{2,5}})\))?于\s*(?P<date3>{_DATE_TEXT})\s*[\uff09)]"
    # Arabic {{Webarchive}}: "نسخة محفوظة 09 أبريل 2018 على موقع واي باك مشين"
    r"|نسخة\s+محفوظة\s+(?P<date4>\d{1,2}\s+\S+\s+\d{4})\s+على\s+موقع\s+واي\s+باك\s+مشين",
    re.IGNORECASE,
)

ACCESSED = re.compile(
    rf"\(?\b(?:Retrieved|Accessed|Access(?:ed)?\s+date:?|Last\s+accessed)(?:\s+on)?:?\s+(?P<date>{_DATE_TEXT})\)?(?:,?\s+(?:from|at)\b)?"
    # Chinese CS1 writes the access date in brackets after the date: "2016-05-11 [2020-07-11]"
    rf"|(?<![\w\]])\[(?P<date2>{_FULL_DATE})\]",
    re.IGNORECASE,
)

VIA = re.compile(r"\s*[–—-]+\s*via\s+(?P<via>[^;\x1f]+?)(?=\.?\s*(?:$|\x1f)|\.\s)", re.IGNORECASE)

IDS = re.compile(
    r"\b(?P<key>doi|ISBN|ISSN|eISSN|PMID|PMC|JSTOR|S2CID|OCLC|arXiv|Bibcode|ProQuest|LCCN|hdl|MR|Zbl|SSRN|OSTI)"
    r"(?::\s*|\s+)(?P<value>[^\s\[\]()]+(?:(?<=[-–/])\s\d[\dXx.-]*)?)(?:\s\[(?P<cls>[\w.-]+)\])?",
)

DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(?P<doi>10\.\S+)", re.IGNORECASE)

PAGES = re.compile(
    r"(?<![\w.])(?P<kind>pp?|pages?|صفحة|صفحات)\.?\s+(?P<pages>[\w]+(?:\s*[–—,-]\s*[\w]+|:\d+)*(?:[–—-][\w:]+)?)(?=[.,;)\s]|$)"
)

VOLUME_PAGES = re.compile(
    r"(?:(?<=^)|(?<=\.\s)|(?<=\x1f))(?P<vol>\d[\w/]*)(?:\s*\((?P<issue>[^()]+)\))?:\s*(?P<pages>\d[\w]*(?:\s*[–—-]\s*\d\w*)?)"
    r"(?=\.?\s*(?:$|\x1f|\.\s))"
)

ISSUE_PAGES = re.compile(
    r"(?:\s(?P<vol>\d+))?(?:\s\((?P<issue>[^()]+)\))?:\s*(?P<pages>\d\w*(?:\s*[–—-]\s*\d\w*)?)(?=\.?\s*(?:$|\x1f)|\.\s)"
)

LANGUAGE = re.compile(r"\(in\s+(?P<langs>[A-Za-z][^()]*?)\)"
                      # Chinese CS1: a language name in full-width brackets
                      "|\uff08(?P<zh>[^\uff08\uff09\\s]{1,6}[语語文])\uff09")

FORMAT = re.compile(r"\((?P<fmt>PDF|DOC|DOCX|PPT|PPTX|XLS|XLSX|RTF|TXT|EPUB|MP3|MP4)\)",
                    re.IGNORECASE)

EDITION = re.compile(r"\((?P<ed>[^()]{1,20}?)\s+ed\.?\)")

DURATION = re.compile(r"(?P<time>\d{1,3}′\d{1,2}″|\d{1,2}:\d{2}(?::\d{2})?\s*min(?:utes)?)")

ET_AL = re.compile(r",?\s*\bet\s+al\.?", re.IGNORECASE)

EDITOR_MARK = re.compile(r",?\s*\(?\beds?\.?\)?\s*$", re.IGNORECASE)

HEAD_WITH_DATE = re.compile(r"^(?P<who>[^\"“(\x1f]{2,2000}?)\s*\((?P<date>[^()]{1,40})\)[.,:]?\s*")

# "Ryan, Chris (ed.) (2005). Title" / "Ryan, Chris (ed.). Title": editors, never a title
HEAD_EDITORS = re.compile(r"^(?P<who>[^\"“()\x1f]{2,300}?)\s*\((?:eds?|editors?|hrsg|dir)\.?\)"
                          r"[.,:]?\s*(?:\((?P<date>[^()]{1,40})\)[.,:]?\s*)?", re.IGNORECASE)

HEAD_BARE_DATE = re.compile(r"^\((?P<date>[^()]{1,40})\)[.,:]?\s*")

HEAD_NO_DATE = re.compile(r"^(?P<who>[^\"“\x1f]{2,160}?\.?)\s+(?=[\"“])")

QUOTED = re.compile(
    r"^[\"“](?P<title>.+?)(?:[\"”](?=\s*(?:[.,:;\[(\x1f]|$))|(?<=[.,?!])[\"”](?=\s))")

TRANS = re.compile(r"^\s*\[(?P<trans>[^\]]+)\]")

IN_EDITORS = re.compile(r"^In\s+(?P<eds>.+?)\s*\(eds?\.\)\.?\s*(?P<rest>.*)$", re.IGNORECASE)

LOCATION = re.compile(
    r"^(?P<loc>[A-Z][\w.'’ -]{1,30}(?:,\s*[A-Z][\w. ]{1,20}){0,2}):\s+(?P<pub>[^:]{2,})$")

VOLUME = re.compile(r"^(?:Vol(?:ume)?\.?|v\.)\s*(?P<vol>[\w.-]+)$", re.IGNORECASE)

ISSUE = re.compile(r"^(?:No\.|Issue)\s*(?P<issue>[\w.-]+)$", re.IGNORECASE)

CHICAGO_JOURNAL = re.compile(
    r"^(?P<work>\D.+?)\s+(?P<vol>\d+)(?::(?P<issue>\d+)|,\s*no\.\s*(?P<issue2>\d+))?\s+\((?P<date>[^()]+)\)"
    r"(?:[,:]\s*(?P<pages>\d[\w–-]*))?$"
)

PROCEEDINGS = re.compile(r"\b(?:Conference|Conf|Proceedings|Proc|Symposium|Workshop)\b")

COMMA_JOURNAL = re.compile(
    r"^(?P<work>\D.+?)(?:,\s*\w+ series)?,\s*(?P<vol>\d{1,4}),\s*(?P<pages>\d+\s*[–-]\s*\d+)$"
)

# "ACM Transactions on Database Systems 7(3)", "Communications of the ACM 26 (2)"
JOURNAL_VOLUME_ISSUE = re.compile(
    r"^(?P<work>\D.*?[^\d\s])\s+(?P<vol>\d{1,4})\s*\((?P<issue>\d[\w/–-]{0,11})\)$")

JOURNAL_VOLUME = re.compile(r"^(?P<work>\D[^,]*?)\s+(?P<vol>\d{1,4})$")

TRAILING_SITE = re.compile(
    r"^(?P<title>.{3,}?),\s+(?P<site>[A-Z][\w-]*\.(?:com|org|net|gov|edu|info|io|co\.uk))$")

TRAILING_DATE = re.compile(r"^(?P<rest>.+?),\s+(?P<date>[^,]+)$")

VANCOUVER = re.compile(r"^[\w'’-]+(?:\s[\w'’-]+)*\s[A-Z]{1,3}(?:\sJr)?$")

ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:St|Dr|Mr|Ms|Mrs|Jr|Sr|Co|No|no|Vol|vol|ed|eds|Inc|Ltd|Corp|Proc|Univ|Dept|Conf|Trans|J|Comput|Surv|Rt|Hon)$"
)
