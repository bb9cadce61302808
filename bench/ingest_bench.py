"""Bulk-ingest throughput: documents per second on SQLite and PostgreSQL.

Generates N variants of seed 000 (each sentence and reference made unique, every reference
given a URL on one of 50 hosts, so links are created and shared), ingests them in one
command-equivalent call (`ingest_many`, one transaction per document, rows written in bulk),
and prints documents/s and rows/s per backend. Only loopback PostgreSQL is used.

    .venv/bin/python bench/ingest_bench.py --docs 2000 [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from provenance.services.ingest import ingest_many
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.models import Citation, Claim, Link, Reference

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "000_b07d10da4452e945.txt"


def make_corpus(folder: Path, count: int) -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    paths = []
    for n in range(count):
        variant = re.sub(r"(\d{4})\.\[", lambda m, n=n: f"{m.group(1)} (copy {n}).[", text)
        variant = re.sub(r"(?m)^(  (\d+)\. \^ .+)$",
                         lambda m, n=n: f"{m.group(1)} https://news{(n + int(m.group(2))) % 50}"
                                        f".example/{n % 500}/{m.group(2)}", variant)
        path = folder / f"doc{n:05d}.txt"
        path.write_text(variant, encoding="utf-8")
        paths.append(str(path))
    return paths


def bench(url: str, paths: list[str]) -> dict[str, float]:
    db = Database.open(url)
    settings = Settings(db_url=url)
    start = time.perf_counter()
    outcomes = ingest_many(db, settings, paths, fmt="wikipedia-text")
    wall = time.perf_counter() - start
    failed = [o for o in outcomes if o.error]
    with db.session() as s:
        rows = sum(s.execute(select(func.count()).select_from(m)).scalar_one()
                   for m in (Claim, Reference, Citation, Link))
        links = s.execute(select(func.count()).select_from(Link)).scalar_one()
    db.dispose()
    return {"docs": len(paths) - len(failed), "failed": len(failed), "wall": wall,
            "docs_per_s": (len(paths) - len(failed)) / wall, "rows_per_s": rows / wall,
            "links": links}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_corpus(folder, args.docs)
        results = {"sqlite": bench(f"sqlite:///{folder / 'bench.db'}", paths)}
        try:
            import psycopg

            admin_dsn = args.pg.replace("postgresql+psycopg://", "postgresql://")
            name = f"prov_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(admin_dsn, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                results["postgresql"] = bench(args.pg.rsplit("/", 1)[0] + f"/{name}", paths)
            finally:
                with psycopg.connect(admin_dsn, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as err:  # noqa: BLE001 - report, don't hide
            print(f"postgresql: skipped ({err})")
    print(f"{'backend':<12}{'docs':>7}{'failed':>8}{'wall s':>9}{'docs/s':>9}{'rows/s':>10}"
          f"{'links':>8}")
    for name, r in results.items():
        print(f"{name:<12}{r['docs']:>7.0f}{r['failed']:>8.0f}{r['wall']:>9.2f}"
              f"{r['docs_per_s']:>9.1f}{r['rows_per_s']:>10.0f}{r['links']:>8.0f}")
    if "postgresql" in results:
        ratio = results["sqlite"]["docs_per_s"] / results["postgresql"]["docs_per_s"]
        print(f"sqlite/postgresql docs/s ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
