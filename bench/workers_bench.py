"""Throughput of 1, 2 and 4 ``provenance worker --once`` processes sharing one PostgreSQL run.

    python bench/workers_bench.py [--links 3000] [--hosts 50] [--latency 0.05]
        [--concurrency 16] [--per-host 2] [--workers 1 2 4] [--pg postgresql+psycopg://...]

Starts the loopback link farm (bench/linkfarm.py) in its own process, makes a scratch
PostgreSQL database, inserts ``--links`` farm URLs (pages, redirects, 404/410/500, 403 and
redirect loops, spread over the hosts) and times each worker count on a fresh copy. Prints
wall time (process start to last exit), checking time (first to last recorded check),
links per second, the speed-up over one worker, the farm's peak in-flight requests per host,
and checks per link (must be exactly 1). Bounds: one worker can keep at most
``concurrency`` requests in flight; the farm at most ``hosts x per-host``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from linkfarm import host_ip

KINDS = ("page",) * 8 + ("r301", "404", "410", "500", "403", "loop", "r302", "page")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def farm_urls(port: int, links: int, hosts: int) -> list[str]:
    urls = []
    for n in range(links):
        kind = KINDS[n % len(KINDS)]
        host = 1 + (n * 7) % (hosts - 2)  # the last two hosts are the soft-404 hosts
        urls.append(f"http://{host_ip(host)}:{port}/{kind}/{n}")
    return urls


def stats(port: int) -> dict[str, dict[str, int]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=5) as answer:
        return json.load(answer)


def reset(port: int) -> None:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/__reset", timeout=5).read()


def prepare(admin_dsn: str, base_url: str, urls: list[str]) -> str:
    """A fresh scratch database with the links inserted; its SQLAlchemy URL."""
    from provenance.store.database import Database
    from provenance.store.models import Link

    name = f"prov_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = base_url.rsplit("/", 1)[0] + f"/{name}"
    db = Database.open(url)
    with db.session() as session:
        session.add_all(Link(url=u, url_hash=hashlib.sha256(u.encode()).hexdigest(),
                             host=urlsplit(u).hostname or "") for u in urls)
    db.dispose()
    return url


def measure(url: str, workers: int, args: argparse.Namespace, logs: Path) -> dict:
    cmd = [sys.executable, "-m", "provenance", "--db", url, "worker", "--once",
           "--allow-private-addresses", "--min-delay", "0", "--timeout", "5",
           "--concurrency", str(args.concurrency), "--per-host", str(args.per_host),
           "--lease-seconds", "30", "--format", "json"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.monotonic()
    procs = []
    for n in range(workers):
        with (logs / f"w{workers}-{n}.out").open("w") as out, \
                (logs / f"w{workers}-{n}.err").open("w") as err:
            procs.append(subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT))
    for proc in procs:
        proc.wait()
    wall = time.monotonic() - started
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        first, last, checks, links, per_worker = conn.execute(
            "SELECT min(checked_at), max(checked_at), count(*), count(DISTINCT link_id), "
            "count(DISTINCT worker) FROM link_check").fetchone()
    return {"workers": workers, "wall_s": wall, "checking_s": (last - first).total_seconds(),
            "checks": checks, "links": links, "active_workers": per_worker,
            "exit_codes": [p.returncode for p in procs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=3000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--pg", default=os.environ.get(
        "PROVENANCE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    admin_dsn = args.pg.replace("postgresql+psycopg://", "postgresql://", 1)
    port = free_port()
    farm = subprocess.Popen([sys.executable, str(ROOT / "bench" / "linkfarm.py"), "--hosts",
                             str(args.hosts), "--port", str(port), "--latency",
                             str(args.latency), "--links", "0"],
                            stdout=subprocess.PIPE, text=True)
    made: list[str] = []
    try:
        assert farm.stdout is not None
        farm.stdout.readline()  # "linkfarm: N hosts on port P"
        urls = farm_urls(port, args.links, args.hosts)
        print(f"{args.links} links over {args.hosts - 2} hosts, latency "
              f"{args.latency * 1000:.0f} ms, per worker concurrency {args.concurrency}, "
              f"per host {args.per_host}; cpus {os.cpu_count()}, load "
              f"{os.getloadavg()[0]:.1f}")
        print(f"{'workers':>7} {'wall s':>7} {'check s':>8} {'links/s':>8} {'speed-up':>8} "
              f"{'peak/host':>9} {'checks/link':>11}")
        base = None
        with tempfile.TemporaryDirectory() as logs:
            for count in args.workers:
                url = prepare(admin_dsn, args.pg, urls)
                made.append(url.rsplit("/", 1)[1])
                reset(port)
                row = measure(url, count, args, Path(logs))
                peak = max((s["peak"] for s in stats(port).values()), default=0)
                rate = row["links"] / row["checking_s"] if row["checking_s"] else 0.0
                base = base or rate
                print(f"{count:>7} {row['wall_s']:>7.2f} {row['checking_s']:>8.2f} "
                      f"{rate:>8.0f} {rate / base:>7.2f}x {peak:>9} "
                      f"{row['checks'] / max(row['links'], 1):>11.2f}"
                      + ("" if row["links"] == args.links
                         else f"  MISSING {args.links - row['links']}"))
        ideal = min(args.concurrency, (args.hosts - 2) * args.per_host) / args.latency
        print(f"bounds: one worker <= {ideal:.0f} links/s at 1 request per link "
              f"(concurrency / latency); the farm <= "
              f"{(args.hosts - 2) * args.per_host / args.latency:.0f} links/s "
              f"(hosts x per-host / latency)")
    finally:
        farm.send_signal(signal.SIGINT)
        farm.wait(10)
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            for name in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
