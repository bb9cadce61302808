"""Benchmark of the link checker against the loopback link farm, with peers in the same run.

    .venv/bin/python bench/check_bench.py                       # N=10,000 and 50,000, peers at 10,000
    .venv/bin/python bench/check_bench.py --links 10000 --peers none

For each checker: wall time (process start to exit), links/s, peak RSS, CPU seconds,
outcome accuracy against the farm's ground truth (exact outcome names for ours; for peers,
which know no such names, the alive/dead verdict), the peak number of requests in flight to
one host (politeness), and wall time / the physical lower bound:
    max(busiest host's request time / per_host, all request time / concurrency, slowest URL).
Peers are installed outside the project: LinkChecker in bench/.peers/linkchecker-venv (pip),
linkinator in bench/.peers/node_modules (npm). A peer that cannot run gets a row saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

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


def run_child(cmd: list[str], *, stdin: Path | None = None,
              ) -> tuple[float, float, float, int, str]:
    """(wall s, peak RSS MB, CPU s, exit code, stderr tail) of one child process."""
    started = time.monotonic()
    with open(stdin or os.devnull, "rb") as source:
        proc = subprocess.Popen(cmd, stdin=source, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()  # the child exits after closing stderr
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc.returncode, \
        tail[0][:120]


def politeness(port: int) -> int:
    stats = json.loads(farm_get(port, "/__stats"))
    return max((s["peak"] for s in stats.values()), default=0)


# -- ours ---------------------------------------------------------------------------------

def child_ours(args: argparse.Namespace) -> None:
    """Run inside the measured child: tasks from a JSONL file, results to a JSONL file."""
    sys.path.insert(0, str(HERE.parent))
    from provenance.check.engine import Checker
    from provenance.check.types import CheckResult, CheckTask
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
                                  "reference_title": entry.get("reference_title")}) + "\n" for entry in manifest["urls"])
    farm_get(args.port, "/__reset")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-ours", "--tasks", str(tasks),
           "--results", str(results), "--concurrency", str(args.concurrency),
           "--per-host", str(args.per_host), "--min-delay", str(args.min_delay),
           "--timeout", str(args.timeout)]
    wall, rss, cpu, code, tail = run_child(cmd)
    row = Row("provenance", len(manifest["urls"]), wall, rss, cpu,
              peak_per_host=politeness(args.port), note=tail)
    if code != 0:
        row.note = f"exit {code}: {tail}"
        return row
    truth = {e["url"]: e for e in manifest["urls"]}
    exact = verdict = 0
    misses: Counter[str] = Counter()
    mismatch_ok = 0
    with open(results) as source:
        for line in source:
            got = json.loads(line)
            want = truth[got["url"]]
            same = got["outcome"] == want["outcome"] and (
                "final_url" not in want or got["final_url"] == want["final_url"])
            exact += same
            verdict += (got["outcome"] in ALIVE) == (want["outcome"] in ALIVE)
            mismatch_ok += got["title_mismatch"] == want.get("title_mismatch", False)
            if not same:
                misses[f"{want['kind']}->{got['outcome']}"] += 1
    n = len(truth)
    row.exact, row.verdict = exact / n, verdict / n
    row.note = f"{tail}; title-mismatch flags right {mismatch_ok / n:.2%}" + (
        f"; misses {dict(misses.most_common(5))}" if misses else "")
    return row


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


def print_header() -> None:
    print(f"{'checker':<12} {'N':>6} {'wall s':>7} {'links/s':>8} {'x bound':>7} "
          f"{'RSS MB':>7} {'CPU s':>6} {'exact':>7} {'verdict':>7} {'peak/host':>9}  note")


def print_rows(rows: list[Row], bound: float) -> None:
    for r in rows:
        rate = r.links / r.wall if r.wall else None
        ratio = r.wall / bound if r.wall else None
        print(f"{r.name:<12} {r.links:>6} {fmt(r.wall, '.2f'):>7} {fmt(rate, '.0f'):>8} "
              f"{fmt(ratio, '.2f'):>7} {fmt(r.rss_mb, '.0f'):>7} {fmt(r.cpu, '.1f'):>6} "
              f"{fmt(r.exact, '.2%'):>7} {fmt(r.verdict, '.2%'):>7} "
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
    parser.add_argument("--peers", default="linkchecker,linkinator",
                        help="comma list, or 'none'")
    parser.add_argument("--peers-at", type=int, default=10000, help="N at which peers run")
    parser.add_argument("--child-ours", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tasks", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ours:
        child_ours(args)
        return
    peers = {"linkchecker": bench_linkchecker, "linkinator": bench_linkinator}
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
                print_rows([bench_ours(manifest, args, work)], bound)
                if links == args.peers_at:
                    for name in chosen:
                        print_rows([peers[name](manifest, args, work)], bound)
            finally:
                farm.terminate()
                farm.wait()


if __name__ == "__main__":
    main()
