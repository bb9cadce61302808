"""``executemany`` of a Core INSERT or UPDATE straight through the DBAPI cursor.

SQLAlchemy's own executemany builds and converts every parameter of every row in Python
(``construct_params`` and the bind processors; on SQLite a timezone-aware datetime goes
through two of them): most of the check writer's CPU per result, on a thread that holds the
GIL the checks' event loop needs. Here the statement is compiled once per dialect and column
set; each value is converted by the bind processor SQLAlchemy would have used, except
timezone-aware datetimes on SQLite, formatted straight to the text SQLAlchemy stores
(``YYYY-MM-DD HH:MM:SS.ffffff``, in UTC). The rows stored are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import ValuesBase
from sqlmodel.sql.sqltypes import UTCDateTime

Convert = Callable[[Any], Any]


def execute_many(connection: Connection, statement: ValuesBase,
                 rows: Sequence[dict[str, Any]]) -> None:
    """Run ``statement`` once per row of ``rows`` (dicts with the same keys, every column
    that has a default among them), as ``connection.execute(statement, rows)`` would."""
    if rows:
        plan = _plan(statement, connection.dialect, tuple(rows[0]))
        connection.exec_driver_sql(plan.sql, [plan.row(values) for values in rows])


def utc(value: datetime | None) -> datetime | None:
    """An aware datetime in UTC (sqlmodel's ``UTCDateTime`` rule: a naive one is refused)."""
    if value is None or value.tzinfo is UTC:
        return value
    if value.utcoffset() is None:
        raise ValueError(f"a naive datetime cannot be stored: {value!r}")
    return value.astimezone(UTC)


@lru_cache(maxsize=1024)
def utc_text(value: datetime | None) -> str | None:
    """An aware datetime as SQLAlchemy stores it in SQLite (UTC, no offset, microseconds).
    Cached: most datetimes of a batch are its one check time; formatting costs 0.8 µs."""
    value = utc(value)
    return None if value is None else value.isoformat(" ", "microseconds")[:26]


@dataclass(frozen=True)
class _Plan:
    """A compiled statement and how to turn a row dict into its parameters."""

    sql: str
    take: Callable[[dict[str, Any]], Any]  # a new list (positional) or dict (named) of values
    converts: tuple[tuple[Any, Convert], ...]  # (index or name, conversion) of those converted
    positional: bool

    def row(self, values: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        params = self.take(values)
        for key, convert in self.converts:
            params[key] = convert(params[key])
        return tuple(params) if self.positional else params


@lru_cache(maxsize=64)  # a few statements, a dialect per engine
def _plan(statement: ValuesBase, dialect: Dialect, keys: tuple[str, ...]) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
    missing = set(names) - set(keys)
    if missing or compiled.escaped_bind_names:  # defaults SQLAlchemy would fill in
        raise ValueError(f"rows must give {sorted(missing)} (or plain column names)")
    converts = ((i if compiled.positional else name, _convert(compiled.binds[name].type, dialect))
                for i, name in enumerate(names))
    return _Plan(compiled.string, _taker(names) if compiled.positional else dict,
                 tuple((key, c) for key, c in converts if c is not None), compiled.positional)


def _taker(names: tuple[str, ...]) -> Callable[[dict[str, Any]], list[Any]]:
    take = itemgetter(*names)
    if len(names) == 1:
        return lambda values: [take(values)]
    return lambda values: list(take(values))


def _convert(kind: Any, dialect: Dialect) -> Convert | None:
    if isinstance(kind, UTCDateTime):
        return utc_text if dialect.name == "sqlite" else utc
    convert: Convert | None = kind.dialect_impl(dialect).bind_processor(dialect)
    return convert
