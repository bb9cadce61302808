"""Run statuses: what happened to a check or archive run (stable names, stored and shown)."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """A run's status is what happened, never what was hoped."""

    RUNNING = "running"
    SUSPECT = "suspect"  # still open, its workers went silent
    COMPLETE = "complete"  # every due link was checked
    PARTIAL = "partial"  # stopped (signal, limit, deadline) before every link was checked
    INCONCLUSIVE = "inconclusive"  # the checker's own network looked down: nothing counted
    STOPPED = "stopped"  # an archive pass that stopped early (rate limit, service unreachable)
