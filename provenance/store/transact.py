"""Running store functions, each in its own transaction, for code that must not hold a
session itself (the runner calls them from worker threads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from provenance.store.database import Database

P = ParamSpec("P")
T = TypeVar("T")
DEADLOCK_RETRIES = 3


def in_transaction(db: Database, fn: Callable[Concatenate[Session, P], T],
                   *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(session, *args, **kwargs)`` in one transaction, retried when PostgreSQL chose it
    as a deadlock's victim (at most DEADLOCK_RETRIES attempts)."""
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with db.session() as session:
                return fn(session, *args, **kwargs)
        except OperationalError as err:
            if "deadlock" not in str(err.orig).lower() or attempt == DEADLOCK_RETRIES - 1:
                raise
    raise AssertionError("unreachable")
