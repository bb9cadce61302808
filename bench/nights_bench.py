"""Nights that go wrong: outage nights, a simulated month of flaky nights, kill -9 trials.

    .venv/bin/python bench/nights_bench.py                  # everything
    .venv/bin/python bench/nights_bench.py --only month outages
    .venv/bin/python bench/nights_bench.py --only kills --pg postgresql+psycopg://postgres@127.0.0.1:5432/test

- outages: 1,000 healthy links over 50 hosts (checked once the night before), then one
  night each of: a resolver answering NXDOMAIN for every name, a resolver that cannot be
  reached, every connection refused, the network gone part-way through the run (for good,
  and for 3 s), and one host refusing (a real failure, for contrast). Prints the links
  whose state moved and the run's status. In-process network (tests/net/fakenet.py): the
  real runner, store and checker, 30 ms per answer.
- month: 30 nights of the default rules on 1,000 healthy links with 10% of requests hit by
  a transient fault (reset, refused, hang, 503), clock injected (day N, 02:00); prints the
  links ever called dead and failing, with retries (default) and without (retries=0).
- kills: ``provenance check`` (the command) on the loopback link farm, killed with SIGKILL
  at random moments and started again until its run closes; prints, per database, the
  kills, links checked twice in the run (duplicates) and links never checked (lost).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from sqlalchemy import func, select

from provenance.domain import links as t
from provenance.store.database import Database
from provenance.store.models import CheckRun, Link, LinkCheck
from tests.net.fakenet import Answer, Request, page
from tests.net.nightly import (
    Town,
    add_links,
    night,
    night_settings,
    simulate_month,
    states,
)


def fresh_sqlite(work: Path) -> Any:
    return Database.open(f"sqlite:///{work / f'n-{uuid.uuid4().hex[:6]}.db'}")


def slow_town(hosts: int, per_host: int, latency: float) -> Town:
    town = Town(hosts, per_host)

    async def answer(request: Request) -> Answer:
        await asyncio.sleep(latency)
        if "provenance-probe" in request.target:
            return Answer(404, {"Content-Type": "text/html"}, page("Not Found"))
        return Answer(200, {"Content-Type": "text/html; charset=utf-8"},
                      page(f"Page {request.target} of {request.host}"))

    town.web.handle(__import__("re").compile(".*"), answer)
    return town


def moved(db: Any, run_id: int | None) -> Counter[str]:
    with db.session() as session:
        rows = session.execute(select(LinkCheck.state_before, LinkCheck.state_after).where(
            LinkCheck.run_id == run_id, LinkCheck.state_before != LinkCheck.state_after)).all()
    return Counter(f"{a}->{b}" for a, b in rows)


def gone_after(seconds: float, lasting: float | None) -> Any:
    began = time.monotonic()

    def fault(request: Request | None, _address: str) -> str | None:
        now = time.monotonic() - began
        if now >= seconds and (lasting is None or now < seconds + lasting):
            return "refused" if request is None else "reset"
        return None

    return fault


def outages(work: Path, links: int, hosts: int) -> None:
    per_host = links // hosts
    print(f"\n== outage nights: {links} healthy links over {hosts} hosts, 30 ms per answer, "
          "in-process network ==")
    print(f"{'night':<44} {'run':<13} {'checked':>7} {'moved':>6} {'s':>6}  states after")

    def setup(db: Any, town: Town) -> None:
        add_links(db, town.urls)
        first = night(db, town, day=0, settings=night_settings(outage_wait=5.0))
        assert first.status == "complete", first

    cases: list[tuple[str, Any]] = [
        ("resolver answers NXDOMAIN for every name", lambda town: setattr(
            town.resolver, "mode", "nxdomain")),
        ("resolver unreachable (SERVFAIL)", lambda town: setattr(
            town.resolver, "mode", "servfail")),
        ("every connection refused", lambda town: setattr(town.web, "down", "refused")),
        ("network gone 1 s into the run, for good", lambda town: setattr(
            town.web, "fault", gone_after(1.0, None))),
        ("network gone 1 s into the run, for 3 s", lambda town: setattr(
            town.web, "fault", gone_after(1.0, 3.0))),
        ("one host refusing (a real failure)", lambda town: setattr(
            town.web, "fault", _one_host(town))),
    ]
    for name, spoil in cases:
        db = fresh_sqlite(work)
        town = slow_town(hosts, per_host, 0.03)
        setup(db, town)
        spoil(town)
        started = time.monotonic()
        summary = night(db, town, day=8, all=True, settings=night_settings(outage_wait=5.0))
        took = time.monotonic() - started
        moves = moved(db, summary.run_id)
        print(f"{name:<44} {summary.status:<13} {summary.checked:>7} "
              f"{sum(moves.values()):>6} {took:>6.1f}  {dict(states(db))} {dict(moves)}",
              flush=True)
        db.dispose()


def _one_host(town: Town) -> Any:
    address = town.resolver.table["h7.test"][0]
    return lambda request, addr: "refused" if addr == address else None


def month(work: Path, links: int, hosts: int, nights: int, rate: float) -> None:
    print(f"\n== a simulated month: {nights} nights, {links} healthy links over {hosts} hosts, "
          f"{rate:.0%} of requests hit by a transient fault (reset, refused, hang, 503) ==")
    print(f"{'rules':<34} {'checks':>7} {'ever dead':>9} {'failing now':>11} "
          f"{'nights w/ moves':>15} {'s':>6}")
    for label, overrides in (("default (retries=2)", {}), ("retries=0", {"retries": 0})):
        db = fresh_sqlite(work)
        started = time.monotonic()
        result = simulate_month(db, hosts=hosts, per_host=links // hosts, nights=nights,
                                rate=rate, seed=11, settings=night_settings(**overrides))
        with db.session() as session:
            ever_dead = session.execute(select(func.count(func.distinct(LinkCheck.link_id)))
                                        .where(LinkCheck.state_after == t.DEAD)).scalar_one()
        print(f"{label:<34} {result.checks:>7} {ever_dead:>9} {result.failing:>11} "
              f"{result.moved_nights:>15} {time.monotonic() - started:>6.1f}", flush=True)
        db.dispose()


# -- kill -9 trials ------------------------------------------------------------------------

def kills(work: Path, links: int, trials: int, pg_trials: int, pg: str, seed: int) -> None:
    from check_bench import prepare_db
    from linkfarm import farm_in_thread

    rnd = random.Random(seed)
    print(f"\n== kill -9 trials: `provenance check` on {links} farm links, killed at random "
          "moments and started again until its run closes ==")
    print(f"{'database':<12} {'kills':>6} {'restarts':>8} {'runs':>5} {'duplicated':>10} "
          f"{'lost':>5} {'status':<10}")
    with farm_in_thread(hosts=8, latency=0.02, links=links) as farm:
        assert farm.manifest is not None
        targets = [("SQLite", None, trials)] + ([("PostgreSQL", pg, pg_trials)] if pg else [])
        for label, admin, count in targets:
            url, drop = _scratch(work, admin)
            try:
                prepare_db(farm.manifest, url)
                done = _kill_until_closed(url, count, rnd)
                print(f"{label:<12} {done['kills']:>6} {done['restarts']:>8} {done['runs']:>5} "
                      f"{done['duplicated']:>10} {done['lost']:>5} {done['status']:<10}",
                      flush=True)
            finally:
                drop()


def _scratch(work: Path, admin: str | None) -> tuple[str, Any]:
    if admin is None:
        return f"sqlite:///{work / f'kill-{uuid.uuid4().hex[:6]}.db'}", lambda: None
    import psycopg

    name = f"prov_kill_{uuid.uuid4().hex[:8]}"
    dsn = admin.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.rsplit("/", 1)[0] + f"/{name}", drop


def _kill_until_closed(url: str, trials: int, rnd: random.Random) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "provenance", "--db", url, "check", "--all",
           "--concurrency", "8", "--per-host", "2", "--min-delay", "0", "--timeout", "2",
           "--format", "json"]
    env = {**os.environ, "PROVENANCE_ALLOW_PRIVATE_ADDRESSES": "1",
           "PROVENANCE_LEASE_SECONDS": "5"}
    killed = restarts = 0
    while True:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        restarts += 1
        if killed < trials:
            assert proc.stdout is not None
            wanted = rnd.randint(1, 25)
            for _ in range(wanted):  # a random number of recorded checks, then SIGKILL
                if not proc.stdout.readline():
                    break
            time.sleep(rnd.random() * 0.3)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
                proc.wait()
                continue
            proc.wait()  # it finished its run before the kill: that run is closed
            break
        out, _ = proc.communicate(timeout=300)
        last = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        if last.get("summary", {}).get("status") in ("complete", "partial", "inconclusive") \
                or last.get("summary", {}).get("run") is None:
            break
    db = Database.open(url)
    with db.session() as session:
        runs = session.execute(select(CheckRun.id, CheckRun.status).where(
            CheckRun.kind == "check")).all()
        run_id, status = runs[-1]
        per_link = dict(session.execute(
            select(Link.id, func.count(LinkCheck.id)).outerjoin(
                LinkCheck, (LinkCheck.link_id == Link.id) & (LinkCheck.run_id == run_id))
            .group_by(Link.id)).all())
        twice = session.execute(select(func.count()).select_from(
            select(LinkCheck.run_id, LinkCheck.link_id).group_by(
                LinkCheck.run_id, LinkCheck.link_id).having(func.count() > 1).subquery())
        ).scalar_one()
    db.dispose()
    return {"kills": killed, "restarts": restarts, "runs": len(runs), "duplicated": twice,
            "lost": sum(1 for n in per_link.values() if n == 0), "status": status}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=("outages", "month", "kills"),
                        default=["outages", "month", "kills"])
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--nights", type=int, default=30)
    parser.add_argument("--rate", type=float, default=0.10)
    parser.add_argument("--kill-links", type=int, default=600)
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs on SQLite")
    parser.add_argument("--pg-kills", type=int, default=6, help="SIGKILLs on PostgreSQL")
    parser.add_argument("--pg", default="", help="PostgreSQL admin URL for the kill trials")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nights-bench-"))
    try:
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if "outages" in args.only:
            outages(work, args.links, args.hosts)
        if "month" in args.only:
            month(work, args.links, args.hosts, args.nights, args.rate)
        if "kills" in args.only:
            kills(work, args.kill_links, args.kills, args.pg_kills, args.pg, args.seed)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
