"""Archive state of a link from its check state and what the archive holds (pure)."""

from __future__ import annotations

from typing import Any

from provenance.domain.archives import AT_RISK, LOST, PRESERVED, RESCUED, UNKNOWN
from provenance.domain.links import DEAD, STATE_INVALID, STATE_REFUSED

# Links never sent to the archive: not a web URL, or an address the safety rule refuses
# (an intranet URL must not leak to a third party).
NOT_LOOKED_UP = frozenset({STATE_INVALID, STATE_REFUSED})

# Severity order for listings: lost first.
SEVERITY = {LOST: 0, RESCUED: 1, AT_RISK: 2, UNKNOWN: 3, PRESERVED: 4}


def archive_state(link_state: str, archived: bool | None) -> str:
    """``archived``: True (a usable capture is held), False (none anywhere), None (not known)."""
    if archived is None or link_state in NOT_LOOKED_UP:
        return UNKNOWN
    if link_state == DEAD:
        return RESCUED if archived else LOST
    return PRESERVED if archived else AT_RISK


def archive_view(link: Any) -> dict[str, Any]:
    """The ``"archive"`` object of a reference in the JSON report, from its Link row (or None).

    ``{"state", "url", "timestamp"}``; url and timestamp are those of the held capture,
    ``timestamp`` as ISO 8601 UTC.
    """
    if link is None:
        return {"state": UNKNOWN, "url": None, "timestamp": None}
    stamp = getattr(link, "archive_timestamp", None)
    return {
        "state": getattr(link, "archive_state", None) or UNKNOWN,
        "url": getattr(link, "archive_url", None),
        "timestamp": stamp.isoformat().replace("+00:00", "Z") if stamp is not None else None,
    }
