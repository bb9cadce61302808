"""Rows written with ``store.many_rows.execute_many`` (the DBAPI cursor, values converted
there) are stored exactly as SQLAlchemy's own executemany stores them, on both backends:
each path runs in a transaction rolled back after the rows are read as the database holds
them (SQLite: value and storage class; PostgreSQL: the text of each column)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provenance.domain import links as t
from provenance.settings import Settings
from provenance.store import checks, sources
from provenance.store.many_rows import execute_many, utc_text
from provenance.store.models import CheckRun, Link, LinkCheck, SourceText
from tests.workers.support import add_links

Write = Callable[[sa.Connection, Any, list[dict[str, Any]]], None]
AT = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


def by_sqlalchemy(connection: sa.Connection, statement: Any, rows: list[dict[str, Any]]) -> None:
    """The path before: SQLAlchemy's executemany, its bind processors on every value."""
    if rows:
        connection.execute(statement, rows)


def stored(connection: sa.Connection) -> dict[str, list[Any]]:
    """Every row of link, link_check and source_text as the database holds it (ids left
    out: PostgreSQL does not give back the sequence values of a rolled back insert)."""
    out = {}
    for table in (Link.__table__, LinkCheck.__table__, SourceText.__table__):  # type: ignore[attr-defined]
        names = [c.name for c in table.columns if c.name != "id"]
        if connection.dialect.name == "sqlite":
            shown = ", ".join(f'"{n}", typeof("{n}")' for n in names)
        else:
            shown = ", ".join(f'"{n}"::text' for n in names)
        out[table.name] = [tuple(row) for row in connection.exec_driver_sql(
            f'SELECT {shown} FROM "{table.name}" ORDER BY id')]
    return out


def both_ways(db: Any, work: Callable[[Session], Any]) -> list[dict[str, list[Any]]]:
    """``work`` done the new way and then SQLAlchemy's way (each rolled back): what was
    stored and returned each time."""
    seen = []
    for write in (execute_many, by_sqlalchemy):
        with Session(db.engine) as session, pytest.MonkeyPatch.context() as patch:
            patch.setattr(checks, "execute_many", write)
            patch.setattr(sources, "execute_many", write)
            returned = work(session)
            seen.append({"returned": returned, **stored(session.connection())})
            session.rollback()
    return seen


def results(link_ids: list[int], run: int) -> list[tuple[int, t.CheckResult]]:
    """Outcomes of every kind: bodies new, changed, the same, 304s; titles; redirects."""
    page = b"<html><title>P\xc3\xa9</title>caf\xc3\xa9</html>"
    kinds = [
        t.CheckResult(url="u", outcome=t.OK, http_status=200, final_url="https://a.example/x",
                      title="Café", etag='"e1"', body=page + bytes([run % 2]),
                      content_type="text/html"),
        t.CheckResult(url="u", outcome=t.REDIRECT, http_status=200, final_url="https://b/é",
                      redirects=(t.Hop("https://a/ü", 301), t.Hop("https://b/é", 302)),
                      title="Moved", body=page, last_modified="Sun, 06 Dec 2026"),
        t.CheckResult(url="u", outcome=t.OK, http_status=304, not_modified=run > 0,
                      body=None if run else page, title_mismatch=True),
        t.CheckResult(url="u", outcome=t.NOT_FOUND, http_status=404, title="Not Found"),
        t.CheckResult(url="u", outcome=t.SERVER_ERROR, http_status=503, retry_after=30.0),
        t.CheckResult(url="u", outcome=t.TIMEOUT, error="no answer", cause=t.Cause.TIMEOUT),
        t.CheckResult(url="u", outcome=t.BLOCKED, http_status=403, title="Just a moment..."),
        t.CheckResult(url="u", outcome=t.RATE_LIMITED, http_status=429, retry_after=5.0),
    ]
    return [(link_id, kinds[(n + run) % len(kinds)]) for n, link_id in enumerate(link_ids)]


def test_recorded_results_are_stored_as_sqlalchemy_stores_them(db: Any) -> None:
    link_ids = add_links(db, [f"https://h{n % 3}.example/p{n}" for n in range(16)])
    settings = Settings()
    for run in range(3):  # the later runs find history: states, validators, kept bodies
        with db.session() as session:
            check_run = CheckRun(started_at=AT)
            session.add(check_run)
            session.flush()
            run_id = check_run.id or 0

        def record(session: Session, run: int = run, run_id: int = run_id) -> Any:
            jitter = iter([0.25] * 100).__next__
            return checks.record_results(
                session, [*results(link_ids, run), (link_ids[0], results(link_ids, 1)[0][1])],
                run_id=run_id, owner="w", settings=settings, hold=run == 2,
                now=(AT + timedelta(days=run)).astimezone(PARIS), jitter=jitter)

        new, old = both_ways(db, record)
        assert new == old
        assert len(new["link_check"]) == 16 * (run + 1)
        with db.session() as session:  # keep this run's rows: the next one builds on them
            record(session)


def test_odd_values_are_stored_as_sqlalchemy_stores_them(db: Any) -> None:
    """Offsets other than UTC, microseconds, None, non-ASCII JSON, booleans, bytes."""
    link_ids = add_links(db, ["https://a.example/1", "https://a.example/2"])
    times = [AT.replace(microsecond=7).astimezone(PARIS), None]

    def write(session: Session) -> None:
        connection = session.connection()
        update = [{"link_id": i, "checked_at": at, "next_check_at": AT, "title_mismatch": n == 0,
                   "lease_until": at, "last_title": "Ünïcode"}
                  for n, (i, at) in enumerate(zip(link_ids, times, strict=True))]
        checks.execute_many(connection, checks._UPDATE_LINK, update)
        insert = [{"link_id": i, "run_id": None, "checked_at": AT, "outcome": t.OK,
                   "redirects": [{"url": "https://ü.example/é", "status": 301}] * n,
                   "elapsed_ms": n, "state_before": t.ALIVE, "state_after": t.DEAD,
                   "title_mismatch": bool(n)} for n, i in enumerate(link_ids)]
        checks.execute_many(connection, checks._INSERT_CHECK, insert)
        texts = [{"link_id": i, "origin": "live", "url": None, "content_type": None,
                  "body": bytes(range(256)) * n, "body_hash": str(n), "body_truncated": n > 0,
                  "first_seen_at": AT, "last_seen_at": times[0]} for n, i in enumerate(link_ids)]
        sources.execute_many(connection, sources._INSERT_TEXT, texts)

    new, old = both_ways(db, write)
    assert new == old


def test_naive_datetimes_are_refused_as_before() -> None:
    with pytest.raises(ValueError, match="naive"):
        utc_text(datetime(2026, 12, 6, 2, 0))
    assert utc_text(AT.astimezone(PARIS)) == "2026-12-06 02:00:00.000000"
    assert utc_text(None) is None
