"""From a kept body to text: the main content of an HTML page (trafilatura), the text of a
PDF (pypdf), or a record that the source is not text (video, audio, image, binary).

Runs in ``verify``, never on the fetch path. Pure: bytes in, `Extracted` out.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from provenance.domain.support import SourceKind
from provenance.support.text import guess_language

_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "bilibili.com")
MAX_PDF_PAGES = 500


@dataclass(frozen=True)
class Extracted:
    """What a body holds as text."""

    kind: SourceKind
    text: str | None
    language: str | None = None
    note: str | None = None


def _decode(body: bytes, content_type: str | None) -> str:
    charset = "utf-8"
    header = _CHARSET_RE.search(content_type or "")
    if header:
        charset = header.group(1)
    else:
        meta = _META_CHARSET_RE.search(body[:4096])
        if meta:
            charset = meta.group(1).decode("ascii", errors="replace")
    try:
        return body.decode(str(charset), errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _kind(body: bytes, content_type: str | None, url: str | None) -> SourceKind:
    ctype = (content_type or "").split(";")[0].strip().lower()
    host = (urlsplit(url).hostname or "") if url else ""
    if body.startswith(b"%PDF-") or ctype == "application/pdf":
        return SourceKind.PDF
    if any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS):
        return SourceKind.VIDEO
    for prefix, kind in (("video/", SourceKind.VIDEO), ("audio/", SourceKind.AUDIO),
                         ("image/", SourceKind.IMAGE)):
        if ctype.startswith(prefix):
            return kind
    if ctype in ("text/plain", "text/markdown"):
        return SourceKind.TEXT
    if ctype in ("", "text/html", "application/xhtml+xml") or ctype.startswith("text/"):
        return SourceKind.HTML
    return SourceKind.BINARY


def extract(body: bytes, content_type: str | None, url: str | None = None, *,
            truncated: bool = False) -> Extracted:
    """The text of a kept body, or why there is none."""
    kind = _kind(body, content_type, url)
    if kind is SourceKind.PDF:
        return _pdf(body, truncated)
    if kind in (SourceKind.VIDEO, SourceKind.AUDIO, SourceKind.IMAGE, SourceKind.BINARY):
        return Extracted(kind, None, note=f"{kind.value}: no text")
    decoded = _decode(body, content_type)
    if kind is SourceKind.TEXT:
        return Extracted(kind, decoded, guess_language(decoded))
    text = _main_content(decoded)
    if not text:
        return Extracted(kind, None, note="no main content found")
    note = "body cut at the size cap" if truncated else None
    return Extracted(kind, text, guess_language(text), note)


def _main_content(html: str) -> str | None:
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    text = trafilatura.extract(html, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False)
    if text and text.strip():
        return str(text)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer"]):
        tag.decompose()
    plain = soup.get_text("\n", strip=True)
    return plain or None


def _pdf(body: bytes, truncated: bool) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        why = "PDF cut at the size cap" if truncated else f"PDF not readable ({exc})"
        return Extracted(SourceKind.PDF, None, note=why[:200])
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        return Extracted(SourceKind.PDF, None, note="PDF without a text layer")
    return Extracted(SourceKind.PDF, text, guess_language(text),
                     "PDF cut at the size cap" if truncated else None)
