"""The changes use case: what moved since a check run (links and archive states), and which
references carry each moved link (as their URL, or as one of their other URLs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from provenance.runs.changes import Changes, changes_since
from provenance.store.changes import Carrier, carriers
from provenance.store.database import Database


@dataclass(frozen=True)
class ChangeReport:
    """The moves and, per moved link id, the references that carry it."""

    changes: Changes
    carriers: dict[int, list[Carrier]] = field(default_factory=dict)

    def cited_as(self, link_id: int) -> list[dict[str, Any]]:
        """``[{"document", "label", "as": "url"|"other"}]`` of one moved link."""
        return [{"document": c.document_id, "label": c.label, "as": c.role}
                for c in self.carriers.get(link_id, [])]

    def to_dict(self) -> dict[str, Any]:
        out = self.changes.to_dict()
        for kind in Changes.KINDS:
            for item in out[kind]:
                item["references"] = self.cited_as(item["link_id"])
        return out


def changes(db: Database, since: int | None = None) -> ChangeReport:
    """Newly dead, newly failing, recovered, newly redirected links, new title mismatches and
    archive moves made by the runs after ``since`` (default: by the latest run), each with
    the references that carry the link."""
    moved = changes_since(db, since)
    links = {c.link_id: c.url for kind in Changes.KINDS for c in getattr(moved, kind)}
    return ChangeReport(moved, carriers(db, links) if links else {})
