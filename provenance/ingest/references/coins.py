"""Read the COinS metadata (``span.Z3988``) Wikipedia embeds after every CS1 citation.

A COinS span's ``title`` is an OpenURL ContextObject in KEV form
(``rft.atitle=...&rft.au=...&rft_id=https://...``): the citation's fields as the template
had them, before rendering. :func:`coins_fields` maps it onto :class:`ReferenceFields`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl

import lxml.html
from lxml.etree import ParserError

from provenance.domain.documents import ReferenceFields
from provenance.ingest.references.dates import parse_date

__all__ = ["coins_fields"]

_WIKILINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_EXTRA_KEYS = {
    "rft.pages": "pages", "rft.spage": "pages", "rft.isbn": "isbn", "rft.issn": "issn",
    "rft.volume": "volume", "rft.issue": "issue", "rft.place": "place",
    "rft.edition": "edition", "rft.series": "series", "rft.genre": "genre",
}


def _clean(value: str) -> str:
    value = _WIKILINK.sub(r"\1", value)
    if "&" in value:  # "&ndash;&#32;" written into the template parameter
        value = html.unescape(value)
    if "<" in value:  # a template's HTML in a parameter (zh: inter-language link spans)
        value = _markup_text(value)
    return " ".join(value.replace("\u00a0", " ").split()).strip()


def _markup_text(value: str) -> str:
    """The text of HTML in a COinS value, without its not-printed parts."""
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (ParserError, ValueError):
        return re.sub(r"<[^>]*>", "", value)
    for node in list(root.iter()):
        if isinstance(node.tag, str) and "noprint" in (node.get("class") or "").split():
            node.drop_tree()
    return str(root.text_content()).replace("-{", "").replace("}-", "")


def coins_fields(kev: str) -> ReferenceFields:
    """The fields of one COinS ``title`` attribute (already HTML-unescaped)."""
    pairs = [(key, _clean(value)) for key, value in parse_qsl(kev, keep_blank_values=False)]
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        if value:
            values.setdefault(key, []).append(value)

    def first(*keys: str) -> str | None:
        for key in keys:
            if values.get(key):
                return values[key][0]
        return None

    # "|author=Shasha, Dennis; Lazere, Cathy" gives one rft.au: a name holds no ";"
    authors = [name.strip() for value in values.get("rft.au", []) for name in value.split(";")
               if name.strip()]
    last, given = first("rft.aulast"), first("rft.aufirst")
    if last and not any(author.startswith(last) for author in authors):
        authors.insert(0, f"{last}, {given}" if given else last)
    genre = first("rft.genre") or ""
    title = first("rft.atitle", "rft.btitle", "rft.title")
    work = first("rft.jtitle")
    if genre in ("bookitem", "book") and values.get("rft.atitle") and values.get("rft.btitle"):
        title, work = first("rft.atitle"), first("rft.btitle")
    url = None
    extra: dict[str, str] = {}
    for identifier in values.get("rft_id", []):
        if identifier.startswith(("http://", "https://")) and url is None:
            url = identifier
        elif identifier.startswith("info:doi/"):
            extra["doi"] = identifier.removeprefix("info:doi/")
        elif identifier.startswith("info:"):
            scheme, _, rest = identifier.removeprefix("info:").partition("/")
            extra[scheme] = rest
    for key, name in _EXTRA_KEYS.items():
        if first(key) and name not in extra:
            extra[name] = first(key) or ""
    day = None
    if first("rft.date"):
        day, precision = parse_date(first("rft.date") or "")
        if precision and precision != "day":
            extra["date_precision"] = precision
    return ReferenceFields(
        authors=tuple(authors),
        date=day,
        title=title,
        work=work,
        publisher=first("rft.pub"),
        url=url,
        extra=extra,
    )
