"""The ingest use case: read a file or URL, detect its form, parse it, store it.

One transaction per document: a document that fails to read or parse leaves the database as
it was, and a batch goes on with the other documents, reporting which failed.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from provenance.domain.documents import ParsedDocument
from provenance.errors import InputError, ProvenanceError, UsageError
from provenance.ingest.decode import decode_document
from provenance.ingest.detect import FORMATS, PARSERS, detect_format
from provenance.ingest.files import read_document_file, shown_path
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.documents import SaveResult, store_document


@dataclass(frozen=True)
class IngestOutcome:
    """The result of ingesting one path or URL: saved, or the one-line error why not."""

    source: str
    result: SaveResult | None = None
    format: str | None = None
    title: str | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_file(path: Path, settings: Settings) -> bytes:
    """The bytes of a document file (regular files only, size checked while reading), or an
    InputError naming it and the problem."""
    return read_document_file(path, settings.max_document_bytes)


def parser_for(fmt: str) -> Callable[..., ParsedDocument]:
    """The parse function registered for a format name."""
    try:
        module_name, _, func = PARSERS[fmt].partition(":")
    except KeyError:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})") from None
    parse: Callable[..., ParsedDocument] = getattr(importlib.import_module(module_name), func)
    return parse


def parse_text(text: str, source: str, *, fmt: str | None = None,
               title: str | None = None) -> ParsedDocument:
    """Detect (unless given) the form of ``text`` and parse it."""
    fmt = fmt or detect_format(text, source)
    if fmt not in PARSERS:
        raise InputError(source, f"cannot tell what kind of document this is ({fmt}); "
                         f"use --format ({', '.join(FORMATS)})")
    try:
        parsed = parser_for(fmt)(text, title=title)
    except ProvenanceError:
        raise
    except RecursionError:
        raise InputError(source, f"{fmt} is nested too deeply to parse") from None
    if not parsed.claims and not parsed.references:
        raise InputError(source, f"no claims or references found (parsed as {fmt}; "
                         "try --format)")
    return parsed


def _load(source: str, settings: Settings,
          warnings: list[str]) -> tuple[str, str, str | None]:
    """(origin, text, content type) of a path or URL; decoding repairs go to ``warnings``."""
    if is_url(source):
        from provenance.ingest.fetch_url import fetch_and_decode

        _final_url, text, content_type = asyncio.run(fetch_and_decode(source, settings))
        return source, text, content_type
    path = Path(source)
    data = read_file(path, settings)
    text = decode_document(data, shown_path(source), warnings=warnings)
    return str(path.resolve()), text, None


@dataclass(frozen=True)
class Prepared:
    """A document read and parsed, ready to store (picklable: made in worker processes)."""

    source: str
    origin: str
    parsed: ParsedDocument
    digest: str


def prepare(source: str, settings: Settings, fmt: str | None = None,
            title: str | None = None) -> Prepared | IngestOutcome:
    """Read and parse one document (no database): a Prepared, or the outcome saying why not."""
    decoding: list[str] = []
    try:
        origin, text, _content_type = _load(source, settings, decoding)
        parsed = parse_text(text, shown_path(source), fmt=fmt, title=title)
    except ProvenanceError as err:
        return IngestOutcome(source, error=str(err) if isinstance(err, InputError)
                             else f"{shown_path(source)}: {err}")
    except OSError as err:  # a path the system refuses after reading (resolve)
        return IngestOutcome(source, error=f"{shown_path(source)}: cannot be read "
                             f"({err.strerror or err})")
    if decoding:
        parsed = replace(parsed, warnings=(*decoding, *parsed.warnings))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if title:
        digest = hashlib.sha256(f"{digest}\0{title}".encode()).hexdigest()
    return Prepared(source, origin, parsed, digest)


def store(db: Database, prepared: Prepared | IngestOutcome) -> IngestOutcome:
    """Store one prepared document in its own transaction."""
    if isinstance(prepared, IngestOutcome):
        return prepared
    try:
        result = store_document(db, prepared.parsed, origin=prepared.origin,
                                content_hash=prepared.digest)
    except ProvenanceError as err:
        return IngestOutcome(prepared.source, error=f"{prepared.source}: {err}")
    parsed = prepared.parsed
    return IngestOutcome(prepared.source, result, parsed.format, parsed.title,
                         warnings=parsed.warnings)


def ingest_one(db: Database, settings: Settings, source: str, *, fmt: str | None = None,
               title: str | None = None) -> IngestOutcome:
    """Read, parse and store one document in its own transaction."""
    return store(db, prepare(source, settings, fmt, title))


# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 8


def _prepared_stream(sources: list[str], settings: Settings, fmt: str | None,
                     title: str | None, workers: int) -> Iterator[Prepared | IngestOutcome]:
    if workers <= 1 or len(sources) < PARALLEL_THRESHOLD:
        for source in sources:
            yield prepare(source, settings, fmt, title)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(prepare, sources, itertools.repeat(settings),
                            itertools.repeat(fmt), itertools.repeat(title), chunksize=4)


def ingest_many(db: Database, settings: Settings, sources: Iterable[str], *,
                fmt: str | None = None, title: str | None = None,
                on_outcome: Callable[[IngestOutcome], None] | None = None,
                workers: int | None = None) -> list[IngestOutcome]:
    """Ingest each source; a failure is recorded and the batch goes on.

    Parsing (CPU-bound) runs in ``workers`` processes (default: one per CPU) for large
    batches while this process writes each document in its own transaction, in order.
    """
    sources = list(sources)
    workers = (os.cpu_count() or 1) if workers is None else workers
    outcomes = []
    for prepared in _prepared_stream(sources, settings, fmt, title, workers):
        outcome = store(db, prepared)
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return outcomes
