"""CPU per result of ``store.checks.record_results`` (the check writer's path), old vs new.

    python bench/record_bench.py [--links 10000] [--batch 100] [--rounds 2] [--old main]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

Seeds a database with ``--links`` links (SQLite file by default; with ``--pg``, scratch
PostgreSQL databases made from the given server's URL and dropped after), then, for each
round, records two check runs over every link in batches of ``--batch`` as the runner's
writer does (one ``in_transaction`` per batch): the first run is a warm-up (it also leaves
history: states, validators, kept bodies), the second is timed, CPU of this thread
(``time.thread_time``) per result. Results are a fixed, seeded mix of outcomes with
titles, redirects, validators, 304s, farm-sized bodies and now and then a real Wikipedia
page from ``fixtures/wikipedia`` (kept bodies are capped at 512 KiB, as the fetcher does).

The old code is ``git archive --old`` unpacked in a temporary folder; each version runs in
its own process on its own copy of the seeded database, alternating, and the stored rows
(link, link_check, source_text: every column, as the database holds it) are compared
between the two versions: ``same rows`` must say yes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BODY_CAP = 512 * 1024


def _farm_page(n: int) -> bytes:
    words = " ".join(f"word{(n * 7 + i) % 997}" for i in range(40 + n % 200))
    return (f"<!doctype html><html><head><title>Report {n}</title></head>"
            f"<body><h1>Report {n}</h1><p>{words}</p></body></html>").encode()


def _real_pages() -> list[bytes]:
    pages = sorted((ROOT / "fixtures" / "wikipedia").glob("*.html.gz"))
    return [gzip.decompress(p.read_bytes())[:BODY_CAP] for p in pages]


def make_results(link_ids: list[int], run: int) -> list[tuple[int, Any]]:
    """A seeded, realistic mix of CheckResults for ``link_ids`` (``run`` 0 or 1: the second
    run finds most pages unchanged, some changed, some 304)."""
    from provenance.domain import links as t

    rnd = random.Random(f"record-bench-{run}")
    real = _real_pages()
    out = []
    for link_id in link_ids:
        url = f"http://127.0.0.{link_id % 50}/page/{link_id}"
        roll = rnd.random()
        if roll < 0.72:  # a working page: title, maybe validators, body
            redirected = rnd.random() < 0.1
            body = real[link_id % len(real)] if link_id % 50 == 0 else _farm_page(
                link_id + (run if rnd.random() < 0.2 else 0))
            not_modified = run == 1 and rnd.random() < 0.1
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.REDIRECT if redirected else t.OK, http_status=200,
                final_url=url + "/moved" if redirected else url,
                redirects=(t.Hop(url, 301),) if redirected else (),
                elapsed_ms=rnd.randrange(20, 900), title=f"Report {link_id}",
                etag=f'"e{link_id}"' if link_id % 3 == 0 else None,
                last_modified="Sun, 06 Dec 2026 10:00:00 GMT" if link_id % 4 == 0 else None,
                not_modified=not_modified, title_mismatch=link_id % 41 == 0,
                body=None if not_modified else body, content_type="text/html; charset=utf-8",
                body_truncated=body is not None and len(body) == BODY_CAP)))
        elif roll < 0.80:
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.NOT_FOUND, http_status=404, final_url=url,
                elapsed_ms=rnd.randrange(20, 300), title="Not Found")))
        elif roll < 0.85:
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.SOFT_404, http_status=200, final_url=url + "/home",
                redirects=(t.Hop(url, 302),), elapsed_ms=rnd.randrange(20, 300),
                title="Page not found")))
        elif roll < 0.89:
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.SERVER_ERROR, http_status=500, final_url=url,
                elapsed_ms=rnd.randrange(20, 300), retry_after=30.0 if roll < 0.86 else None)))
        elif roll < 0.92:
            hops = tuple(t.Hop(f"{url}/{i}", 302) for i in range(10))
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.TOO_MANY_REDIRECTS, http_status=302, redirects=hops,
                elapsed_ms=rnd.randrange(20, 300), error="more than 10 redirects")))
        elif roll < 0.96:
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.BLOCKED, http_status=403, final_url=url,
                elapsed_ms=rnd.randrange(20, 300), title="Just a moment...")))
        elif roll < 0.98:
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.TIMEOUT, elapsed_ms=5000, error="no answer within 5 s",
                cause=t.Cause.TIMEOUT)))
        else:
            out.append((link_id, t.CheckResult(
                url=url, outcome=t.CONNECTION_ERROR, elapsed_ms=3, error="connection refused",
                cause=t.Cause.CONNECT)))
    return out


# -- the database -------------------------------------------------------------------------

def seed(url: str, links: int) -> None:
    """Migrate ``url`` and add ``links`` links (what the check leases: url, hash, host)."""
    from sqlalchemy import insert

    from provenance.store.database import Database
    from provenance.store.models import Link

    db = Database.open(url)
    created = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    rows = [{"url": f"http://127.0.0.{n % 50}/page/{n}",
             "url_hash": hashlib.sha256(f"link-{n}".encode()).hexdigest(),
             "host": f"127.0.0.{n % 50}", "created_at": created} for n in range(1, links + 1)]
    with db.session() as s:
        s.connection().execute(insert(Link.__table__), rows)  # type: ignore[attr-defined]
    db.dispose()


def rows_digest(url: str) -> str:
    """sha256 over every column of link, link_check and source_text, as stored."""
    digest = hashlib.sha256()
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.split("///", 1)[1])
        for table in ("link", "link_check", "source_text"):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(row).encode())
        conn.close()
    else:
        import psycopg

        with psycopg.connect(_dsn(url)) as conn:
            for table in ("link", "link_check", "source_text"):
                for (row,) in conn.execute(f"SELECT t::text FROM {table} t ORDER BY id"):
                    digest.update(row.encode())
    return digest.hexdigest()


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# -- one version, in its own process ------------------------------------------------------

def child(url: str, batch: int) -> None:
    """Two runs over every link (the second timed); prints CPU ms per result and the rows'
    digest as JSON."""
    from sqlmodel import select

    from provenance.settings import load_settings
    from provenance.store import checks
    from provenance.store.database import Database
    from provenance.store.models import CheckRun, Link
    from provenance.store.transact import in_transaction

    db = Database.open(url)
    settings = load_settings({})
    with db.session() as s:
        link_ids = sorted(i for i in s.exec(select(Link.id)) if i is not None)
    timed = {}
    for run in (0, 1):
        now = datetime(2026, 12, 6 + run, 2, 0, tzinfo=UTC)
        with db.session() as s:
            check_run = CheckRun(started_at=now)
            s.add(check_run)
            s.flush()
            run_id = check_run.id
        results = make_results(link_ids, run)
        jitter = random.Random(run).random
        cpu = time.thread_time()
        wall = time.perf_counter()
        for start in range(0, len(results), batch):
            at = now + timedelta(seconds=start / 400)
            in_transaction(db, checks.record_results, results[start:start + batch],
                           run_id=run_id, owner="bench", settings=settings, now=at,
                           jitter=jitter)
        timed = {"cpu_ms": (time.thread_time() - cpu) * 1000 / len(results),
                 "wall_ms": (time.perf_counter() - wall) * 1000 / len(results)}
    db.dispose()
    print(json.dumps({**timed, "digest": rows_digest(url)}))


# -- the whole ----------------------------------------------------------------------------

def export_tree(ref: str, into: Path) -> Path:
    """The ``provenance`` package of git ``ref``, unpacked under ``into``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "provenance"],
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


class Databases:
    """Fresh copies of one seeded database (a SQLite file, or a PostgreSQL template)."""

    def __init__(self, pg: str | None, folder: Path, links: int) -> None:
        self.pg = pg
        self.folder = folder
        self.made: list[str] = []
        self.template = self._new("template") if pg else f"sqlite:///{folder / 'template.db'}"
        seed(self.template, links)

    def _new(self, name: str, template: str | None = None) -> str:
        import psycopg

        assert self.pg is not None
        name = f"record_bench_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_dsn(self.pg), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"'
                          + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(name)
        return self.pg.rsplit("/", 1)[0] + f"/{name}"

    def copy(self, label: str) -> str:
        if self.pg is None:
            path = self.folder / f"{label}.db"
            shutil.copy(self.folder / "template.db", path)
            return f"sqlite:///{path}"
        return self._new(label, template=self.template.rsplit("/", 1)[1])

    def drop(self) -> None:
        if self.pg is None:
            return
        import psycopg

        with psycopg.connect(_dsn(self.pg), autocommit=True) as admin:
            for name in reversed(self.made):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_version(tree: Path, url: str, batch: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}"}
    done = subprocess.run([sys.executable, __file__, "--child", url, "--batch", str(batch)],
                          check=False, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"{tree}: {done.stderr}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--old", default="main", help="git ref of the code to compare with")
    parser.add_argument("--pg", help="a PostgreSQL server URL (scratch databases made there)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.batch)
        return
    with tempfile.TemporaryDirectory(prefix="record_bench_") as tmp:
        folder = Path(tmp)
        trees = {"old": export_tree(args.old, folder / "old"), "new": ROOT}
        dbs = Databases(args.pg, folder, args.links)
        try:
            print(f"{args.links} links, {args.links} results timed in batches of {args.batch} "
                  f"({'PostgreSQL' if args.pg else 'SQLite'}); old = {args.old}; "
                  f"load {os.getloadavg()[0]:.1f}")
            print("round  old CPU ms/result  new CPU ms/result  new/old  "
                  "old wall ms  new wall ms  same rows")
            for n in range(args.rounds):
                got = {name: run_version(tree, dbs.copy(f"{name}{n}"), args.batch)
                       for name, tree in trees.items()}
                old, new = got["old"], got["new"]
                print(f"{n:5}  {old['cpu_ms']:17.4f}  {new['cpu_ms']:17.4f}  "
                      f"{new['cpu_ms'] / old['cpu_ms']:7.2f}  {old['wall_ms']:11.4f}  "
                      f"{new['wall_ms']:11.4f}  "
                      f"{'yes' if old['digest'] == new['digest'] else 'NO'}")
        finally:
            dbs.drop()


if __name__ == "__main__":
    main()
