"""Evidence for the archive client choice: waybackpy 3.0.6 vs our httpx client, same fake.

Runs both against the fake Wayback server (tests/fakes/wayback.py) on 127.0.0.1, scenario by
scenario, and prints what each reports and how long it took. waybackpy is not a dependency of
provenance: the script installs it into bench/.peers/ on first use (pip, PyPI).

    .venv/bin/python bench/waybackpy_vs_httpx.py [--lookups 200] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / ".peers"
sys.path.insert(0, str(ROOT))

from provenance.archive.wayback import WaybackClient
from provenance.errors import ArchiveRateLimited, ArchiveServiceError
from tests.fakes.wayback import FakeWayback, FakeWaybackServer

WAYBACKPY = "waybackpy==3.0.6"


def load_waybackpy() -> Any:
    if not (PEERS / "waybackpy").exists():
        PEERS.mkdir(parents=True, exist_ok=True)
        (PEERS / ".gitignore").write_text("*\n")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target",
                        str(PEERS), WAYBACKPY], check=True)
    sys.path.insert(0, str(PEERS))
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import waybackpy

    assert waybackpy.__version__ == "3.0.6", waybackpy.__version__
    return waybackpy


def timed(fn: Callable[[], Any], limit: float | None = None) -> tuple[str, float]:
    """Run ``fn``; its result or exception as text, and the seconds taken.

    With ``limit``, run it in a thread and give up waiting after ``limit`` seconds (the
    thread is left behind, as it would be in a real program).
    """
    box: dict[str, Any] = {}

    def call() -> None:
        try:
            box["out"] = repr(fn())[:90]
        except Exception as err:  # noqa: BLE001 - the point is to show what escapes
            box["out"] = (f"raises {type(err).__module__}.{type(err).__name__}"
                          f"({str(err).splitlines()[0][:60]!r})")

    start = time.perf_counter()
    if limit is None:
        call()
    else:
        thread = threading.Thread(target=call, daemon=True)
        thread.start()
        thread.join(limit)
        if thread.is_alive():
            return f"STILL BLOCKED after {limit:g} s (no timeout; thread cannot be cancelled)", \
                time.perf_counter() - start
    return box["out"], time.perf_counter() - start


def ours(base: str, coro: Callable[[WaybackClient], Any], timeout: float = 2.0
         ) -> tuple[str, float]:
    async def go() -> str:
        async with WaybackClient(base, timeout=timeout) as client:
            try:
                return repr(await coro(client))[:90]
            except ArchiveRateLimited as err:
                return f"raises ArchiveRateLimited(retry_after={err.retry_after:g})"
            except ArchiveServiceError as err:
                return f"raises ArchiveServiceError({str(err)[:50]!r})"

    start = time.perf_counter()
    out = asyncio.run(go())
    return out, time.perf_counter() - start


def scenarios(wb: Any, fake: FakeWayback, base: str) -> list[dict[str, Any]]:
    url = "http://example.com/page"
    fake.add_capture(url, "20190301000000", 200)
    rows: list[dict[str, Any]] = []

    def cdx(gap_target: str = url) -> Any:
        api = wb.WaybackMachineCDXServerAPI(gap_target, user_agent="bench")
        api.endpoint = f"{base}/cdx/search/cdx"
        return api

    def avail(target: str = url, gap: int | None = None) -> Any:
        api = wb.WaybackMachineAvailabilityAPI(target, user_agent="bench")
        api.endpoint = f"{base}/wayback/available"
        if gap is not None:
            api.api_call_time_gap = gap
        return api

    def row(name: str, theirs: tuple[str, float], mine: tuple[str, float],
            requests: tuple[int, int] | None = None) -> None:
        rows.append({"scenario": name, "waybackpy": theirs[0], "waybackpy_s": round(theirs[1], 3),
                     "httpx": mine[0], "httpx_s": round(mine[1], 3),
                     "requests": requests})

    def count(fn: Callable[[], tuple[str, float]]) -> tuple[tuple[str, float], int]:
        before = len(fake.requests)
        out = fn()
        return out, len(fake.requests) - before

    # 1. a snapshot exists
    t, n1 = count(lambda: timed(lambda: cdx().near(year=2019, month=3, day=4).timestamp))
    m, n2 = count(lambda: ours(base, lambda c: c.cdx(url, closest=date(2019, 3, 4), limit=1)))
    row("CDX near(), snapshot exists", t, m, (n1, n2))

    # 2. availability with waybackpy's defaults: a 5 s sleep before the first call
    t, n1 = count(lambda: timed(lambda: avail().near(year=2019, month=3, day=4).timestamp()))
    m, n2 = count(lambda: ours(base, lambda c: c.available(url, date(2019, 3, 4))))
    row("availability near(), default settings", t, m, (n1, n2))

    # 3. availability miss (gap set to 0): retried 3 times, then an exception
    t, n1 = count(lambda: timed(lambda: avail("http://none.example/", gap=0).near(year=2019)))
    m, n2 = count(lambda: ours(base, lambda c: c.available("http://none.example/")))
    row("availability, no snapshot (gap=0)", t, m, (n1, n2))

    # 4. CDX 429: a rate limit must not read as "no snapshot"
    fake.fail("cdx", "429", times=2, retry_after="30")
    t = timed(lambda: cdx().near(year=2019))
    m = ours(base, lambda c: c.cdx(url, closest=date(2019, 1, 1)))
    row("CDX 429 with Retry-After: 30 (HTML body)", t, m)

    fake.fail("cdx", "429", times=2, body="")
    t = timed(lambda: cdx().near(year=2019))
    m = ours(base, lambda c: c.cdx(url, closest=date(2019, 1, 1)))
    row("CDX 429, empty body", t, m)

    # 5. CDX 503
    fake.fail("cdx", "503", times=2)
    t = timed(lambda: cdx().near(year=2019))
    m = ours(base, lambda c: c.cdx(url, closest=date(2019, 1, 1)))
    row("CDX 503", t, m)

    # 6. availability 429 with an HTML body
    fake.fail("available", "429", times=2)
    t = timed(lambda: avail(gap=0).near(year=2019))
    m = ours(base, lambda c: c.available(url))
    row("availability 429 (HTML body)", t, m)

    # 7. a server that hangs for 30 s
    fake.fail("cdx", "hang", seconds=30)
    t = timed(lambda: cdx().near(year=2019), limit=8.0)
    m = ours(base, lambda c: c.cdx(url), timeout=2.0)
    fake.reset()
    fake.add_capture(url, "20190301000000", 200)
    row("CDX hangs 30 s (our timeout 2 s)", t, m)

    # 8. save: waybackpy only knows the legacy anonymous GET /save/<url>
    def legacy_save() -> Any:
        api = wb.WaybackMachineSaveAPI(url, user_agent="bench", max_tries=1)
        api.request_url = f"{base}/save/{url}"
        return api.save()

    t = timed(legacy_save)
    m = ours(base, lambda c: c.save(url))
    auth = [r.headers.get("authorization") for r in fake.requests if r.endpoint == "save"]
    row("save (legacy GET vs SPN2 POST + job id)", t, m)
    rows[-1]["note"] = f"SPN2 POSTs sent: {len(auth)}; waybackpy has no job id, status or keys"
    return rows


def throughput(wb: Any, fake: FakeWayback, base: str, n: int) -> dict[str, float]:
    urls = [f"http://t{i}.example/" for i in range(n)]
    for u in urls:
        fake.add_capture(u, "20200101000000")
    start = time.perf_counter()
    for u in urls:
        api = wb.WaybackMachineCDXServerAPI(u, user_agent="bench")
        api.endpoint = f"{base}/cdx/search/cdx"
        api.near(year=2020)
    theirs = n / (time.perf_counter() - start)

    async def go() -> float:
        async with WaybackClient(base) as client:
            begin = time.perf_counter()
            for u in urls:
                await client.cdx(u, closest=date(2020, 1, 1), limit=1)
            return n / (time.perf_counter() - begin)

    return {"lookups": n, "waybackpy_per_s": round(theirs, 1),
            "httpx_per_s": round(asyncio.run(go()), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    wb = load_waybackpy()
    fake = FakeWayback()
    with FakeWaybackServer(fake) as server:
        rows = scenarios(wb, fake, server.url)
        fake.reset()
        speed = throughput(wb, fake, server.url, args.lookups)
    if args.json:
        print(json.dumps({"scenarios": rows, "throughput": speed}, indent=2))
        return
    for r in rows:
        print(f"## {r['scenario']}")
        print(f"   waybackpy 3.0.6  {r['waybackpy_s']:7.3f} s  {r['waybackpy']}")
        print(f"   ours (httpx)     {r['httpx_s']:7.3f} s  {r['httpx']}")
        if r["requests"]:
            print(f"   requests sent: waybackpy {r['requests'][0]}, ours {r['requests'][1]}")
        if r.get("note"):
            print(f"   {r['note']}")
    print(f"## sequential CDX lookups on the fake (n={speed['lookups']}, waybackpy gap n/a): "
          f"waybackpy {speed['waybackpy_per_s']}/s, ours {speed['httpx_per_s']}/s")


if __name__ == "__main__":
    main()
