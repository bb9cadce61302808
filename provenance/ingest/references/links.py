"""The URLs a reference carries: which is the page, which the archived copy, which the others.

One rule for every form: a reference's links (the ``href``s of a rendered footnote, the links
of a Markdown footnote) and the URLs its text names are merged into ``url`` (the first page
that is not an archive snapshot), ``archive_url`` and, when there is more than one,
``extra["urls"]`` (every URL, space-separated, in the order the reference gives them).
"""

from __future__ import annotations

import re
from dataclasses import replace

from provenance.domain.documents import ReferenceFields
from provenance.ingest.references.patterns import ARCHIVE_HOSTS

__all__ = ["is_archive_url", "with_links"]

_HTTP = re.compile(r"^https?://", re.IGNORECASE)


def is_archive_url(url: str) -> bool:
    """True for a web-archive snapshot URL (Wayback, archive.today, WebCite, ...)."""
    return bool(_HTTP.match(url) and ARCHIVE_HOSTS.match(url))


def with_links(fields: ReferenceFields, links: list[str]) -> ReferenceFields:
    """``fields`` with the primary URL, archive URL and every URL of ``links`` besides."""
    plain = [u for u in links if not is_archive_url(u)]
    archives = [u for u in links if is_archive_url(u)]
    url = fields.url
    if url and url.startswith("//"):
        url = "https:" + url
    if plain and (url is None or is_archive_url(url) or url not in links):
        url = plain[0]  # the link, not a domain named in the text
    archive = fields.archive_url or (archives[0] if archives else None)
    if url and archive == url:
        url = plain[0] if plain else None
    extra = dict(fields.extra)
    carried = extra.get("urls", "").split()
    every = list(dict.fromkeys([u for u in (url, archive) if u] + links + carried))
    if len(every) > 1 or (every and every[0] != url):
        extra["urls"] = " ".join(every)
    return replace(fields, url=url, archive_url=archive, extra=extra)
