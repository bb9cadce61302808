"""Value types every document parser returns: pure data, no database.

A parser turns a document's text into a :class:`ParsedDocument`: its claims (sentences),
the citation markers each claim carries, and its references with parsed fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date


@dataclass(frozen=True)
class ReferenceFields:
    """Fields parsed out of one reference (a rendered CS1 string, a cite template, a COinS span).

    Every field is optional; ``authors`` keeps each name as written ("Park, Yuna", "金, 佳绪").
    ``language`` is an ISO 639 code ("zh") when it can be recognised, else the name as written.
    ``extra`` holds fields with no column of their own (doi, isbn, pages, medium, editors,
    url_status, via, ...), as strings.
    """

    authors: tuple[str, ...] = ()
    date: Date | None = None
    title: str | None = None
    trans_title: str | None = None
    work: str | None = None
    publisher: str | None = None
    language: str | None = None
    url: str | None = None
    access_date: Date | None = None
    archive_url: str | None = None
    archive_date: Date | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedReference:
    """One entry of a document's reference list.

    ``label`` is what markers point at ("13", "a", "note 1", a wikitext ref name...).
    ``group`` separates explanatory notes ("note", "lower-alpha") from references ("").
    ``tags`` are flags the source itself states, such as ``dead-link`` or ``empty``.
    """

    label: str
    raw: str
    fields: ReferenceFields = ReferenceFields()
    group: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedCitation:
    """A citation marker inside a claim: the label it points at and where it sits in the claim."""

    label: str
    offset: int = 0
    group: str = ""


@dataclass(frozen=True)
class ParsedClaim:
    """One sentence of the document body.

    ``text`` is the sentence with its citation markers removed; ``start``/``end`` are its
    character span in the document's source text (best effort for markup forms).
    ``attributions`` are sources the sentence names in words ("Xinhua reported").
    ``tags`` are flags stated in the source ({{citation needed}} gives ``citation-needed``).
    """

    section: str
    text: str
    citations: tuple[ParsedCitation, ...] = ()
    start: int = 0
    end: int = 0
    attributions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """Everything a parser found in one document."""

    format: str
    title: str | None
    claims: tuple[ParsedClaim, ...]
    references: tuple[ParsedReference, ...]
    authors: tuple[str, ...] = ()
    published: Date | None = None
    facts: tuple[tuple[str, str], ...] = ()  # info-box rows: (label, value)
    warnings: tuple[str, ...] = ()
