"""Short plain-text notes for support verdicts and corroboration, shared by the table and
Markdown renderers (the HTML renderer reads the same keys of the report model)."""

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
