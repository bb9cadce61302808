"""Archive lookups on the fake Wayback server: rate, and rescued dead links vs ground truth.

Builds N cited links (a documented mix, seeded), a fake Wayback holding captures for some of
them, and runs ``run_archive`` with the configured lookup rate. Prints lookups per second
(against the configured rate: the limiter must hold it, not exceed it), and the rescued
fraction of dead links against the fake's ground truth.

Mix of links (per 20): 8 dead with a 200 capture (some only after the access date, some
revisits, some beside nearer 404/301 captures), 2 dead with only a redirect capture, 3 dead
with only archived 404/503 captures, 3 dead with nothing, 4 alive (half archived).

    .venv/bin/python bench/archive_bench.py [--links 300] [--rate 600] [--latency 0.05]
                                            [--db URL] [--unlimited]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select

from provenance.archive.service import run_archive
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.models import Document, Link, Reference
from tests.fakes.wayback import FakeWayback, FakeWaybackServer

KINDS = (["dead-200"] * 8 + ["dead-redirect"] * 2 + ["dead-errors"] * 3 + ["dead-none"] * 3
         + ["alive-archived"] * 2 + ["alive-none"] * 2)


def ts(day: date, offset_days: int) -> str:
    return (day + timedelta(days=offset_days)).strftime("%Y%m%d") + "120000"


def populate(db: Database, fake: FakeWayback, n: int, seed: int) -> dict[str, str]:
    """Links, references and captures; returns url -> expected archive state."""
    rng = random.Random(seed)
    truth: dict[str, str] = {}
    with db.session() as s:
        doc = Document(origin="bench.md", origin_hash="b" * 64, format="markdown",
                       content_hash="0" * 64)
        s.add(doc)
        s.flush()
        for i in range(n):
            kind = KINDS[i % len(KINDS)]
            url = f"http://host{i % 50}.example/{kind}/{i}"
            access = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
            if kind == "dead-200":
                variant = i % 4
                if variant == 0:
                    fake.add_capture(url, ts(access, -rng.randrange(1, 400)), 200)
                elif variant == 1:  # only captures after the access date
                    fake.add_capture(url, ts(access, rng.randrange(1, 300)), 200)
                elif variant == 2:  # a revisit and a nearer 404
                    fake.add_capture(url, ts(access, -30), None)
                    fake.add_capture(url, ts(access, -1), 404)
                else:  # nearer 301 and 404, a 200 years away
                    fake.add_capture(url, ts(access, -2), 301, location=url + "/moved")
                    fake.add_capture(url, ts(access, 1), 404)
                    fake.add_capture(url, ts(access, -1500), 200)
                expected = "rescued"
            elif kind == "dead-redirect":
                fake.add_capture(url, ts(access, -10), 302, location=url + "/login")
                expected = "rescued"
            elif kind == "dead-errors":
                fake.add_capture(url, ts(access, -5), 404)
                fake.add_capture(url, ts(access, 20), 503)
                expected = "lost"
            elif kind == "dead-none":
                expected = "lost"
            elif kind == "alive-archived":
                fake.add_capture(url, ts(access, -3), 200)
                expected = "preserved"
            else:
                expected = "at-risk"
            state = "dead" if kind.startswith("dead") else "alive"
            link = Link(url=url, url_hash=hashlib.sha256(url.encode()).hexdigest(),
                        host=f"host{i % 50}.example", state=state,
                        state_since=datetime(2024, 1, 1, tzinfo=UTC))
            s.add(link)
            s.flush()
            s.add(Reference(document_id=doc.id, label=f"r{i}", url=url, access_date=access,
                            link_id=link.id))
            truth[url] = expected
    return truth


def run(args: argparse.Namespace, rate: float, label: str) -> dict[str, float | str]:
    fake = FakeWayback()
    fake.latency = args.latency
    with tempfile.TemporaryDirectory() as tmp, FakeWaybackServer(fake) as server:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = Database.open(url)
        truth = populate(db, fake, args.links, args.seed)
        settings = Settings(db_url=url, wayback_url=server.url, wayback_rate=rate,
                            wayback_timeout=10.0)
        start = time.perf_counter()
        report = asyncio.run(run_archive(db, settings, verify=False))
        wall = time.perf_counter() - start
        requests = sum(o.requests for o in report.lookups)
        with db.session() as s:
            got = {link.url: link.archive_state for link in s.exec(select(Link))}
        db.dispose()
    dead = [u for u, t in truth.items() if t in ("rescued", "lost")]
    truly_rescuable = sum(1 for u in dead if truth[u] == "rescued")
    rescued = sum(1 for u in dead if got[u] == "rescued")
    agree = sum(1 for u in truth if got[u] == truth[u])
    return {"run": label, "links": len(truth), "requests": requests, "wall_s": round(wall, 2),
            "lookups_per_s": round(len(report.lookups) / wall, 2),
            "requests_per_s": round(requests / wall, 2),
            "configured_per_s": round(rate / 60, 2),
            "dead": len(dead), "rescued": rescued, "truth_rescuable": truly_rescuable,
            "rescued_fraction": round(rescued / len(dead), 4),
            "truth_fraction": round(truly_rescuable / len(dead), 4),
            "states_matching_truth": f"{agree}/{len(truth)}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=300)
    parser.add_argument("--rate", type=float, default=600.0, help="lookups per minute")
    parser.add_argument("--latency", type=float, default=0.05, help="fake's answer delay, s")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default=None, help="database URL (default: temporary SQLite)")
    parser.add_argument("--unlimited", action="store_true",
                        help="also run with a rate limit far above what the client can reach")
    args = parser.parse_args()
    rows = [run(args, args.rate, f"rate {args.rate:g}/min")]
    if args.unlimited:
        rows.append(run(args, 1e9, "no effective limit"))
    for row in rows:
        print(" ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
