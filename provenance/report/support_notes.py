"""Short plain-text notes for support verdicts, corroboration and the other URLs of a
reference, shared by the table and Markdown renderers (the HTML renderer reads the same keys
of the report model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def support_note(entry: Mapping[str, Any]) -> str:
    """``supported 0.82 (source in zh, archive)``."""
    note = f"{entry['verdict']} {entry['score']:.2f}" if entry.get("score") is not None \
        else str(entry["verdict"])
    extra = []
    if entry.get("other_language") and entry.get("language"):
        extra.append(f"source in {entry['language']}")
    if entry.get("source") == "archive":
        extra.append("archive")
    if entry.get("conflicts"):
        extra.append("; ".join(entry["conflicts"]))
    return note + (f" ({', '.join(extra)})" if extra else "")


def corroboration_note(entry: Mapping[str, Any]) -> str:
    """``supported 0.76 by document 1 claim 2`` or ``partial 0.61 by https://…``."""
    where = (f"document {entry['document']} claim {entry['claim']}" if entry.get("claim")
             else str(entry.get("url") or "a stored source"))
    return f"{entry['verdict']} {entry['score']:.2f} by {where}"


def other_url_note(other: Mapping[str, Any]) -> str:
    """The state of another URL a reference carries: ``dead 404, archive rescued``;
    ``not checked`` when it has no link row."""
    link = other.get("link")
    if not link:
        return "not checked"
    note = str(link["state"])
    if link.get("http_status"):
        note += f" {link['http_status']}"
    archive = other.get("archive")
    if archive and (archive.get("url") or archive.get("state") not in (None, "unknown")):
        note += f", archive {archive['state']}"
    return note
