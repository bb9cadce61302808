"""Link state as the reports show it (pure over stored rows) and a link's recent history."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from provenance.store.models import Link, LinkCheck


def link_view(link: Link) -> dict[str, Any]:
    """``{"url", "state", "outcome", "http_status", "final_url", "checked_at", "checks",
    "failures"}`` for one link (``checks``: checks recorded; ``failures``: the current run
    of consecutive failures)."""
    return {
        "url": link.url,
        "state": link.state,
        "outcome": link.last_outcome,
        "http_status": link.last_http_status,
        "final_url": link.final_url,
        "checked_at": link.checked_at.isoformat() if link.checked_at else None,
        "checks": link.checks,
        "failures": link.failures,
    }


def check_view(check: LinkCheck) -> dict[str, Any]:
    return {
        "checked_at": check.checked_at.isoformat(),
        "outcome": check.outcome,
        "http_status": check.http_status,
        "final_url": check.final_url,
        "state_before": check.state_before,
        "state_after": check.state_after,
        "elapsed_ms": check.elapsed_ms,
        "title": check.title,
        "title_mismatch": check.title_mismatch,
        "error": check.error,
        "run": check.run_id,
    }


def link_history(session: Session, link_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """The ``limit`` most recent checks of a link, newest first."""
    rows = session.exec(select(LinkCheck).where(
        LinkCheck.link_id == link_id)
        .order_by(col(LinkCheck.checked_at).desc(), col(LinkCheck.id).desc()).limit(limit))
    return [check_view(c) for c in rows]
