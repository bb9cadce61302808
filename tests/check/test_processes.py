"""``provenance check --processes N``: same results as one process, each link checked once,
per-host limits held over all processes, the work shared, and bad values refused."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from check_bench import prepare_db
from linkfarm import LinkFarm, farm_in_thread
from sqlalchemy import func, select

from provenance.check.shared import SharedSlots
from provenance.domain.links import CheckResult, CheckTask
from provenance.runs.processes import merge, run_check_processes, shares
from provenance.runs.runner import RunSummary
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.models import Link, LinkCheck

ROOT = Path(__file__).resolve().parents[2]
LINKS = 240


@pytest.fixture(scope="module")
def busy_farm() -> Iterator[LinkFarm]:
    """Six loopback hosts with a little latency and a manifest of LINKS mixed URLs."""
    with farm_in_thread(hosts=6, latency=0.01, links=LINKS) as running:
        yield running


def settings(url: str, processes: int) -> Settings:
    return Settings(db_url=url, allow_private_addresses=True, timeout=2.0,
                    connect_timeout=2.0, min_delay=0.0, per_host=2, concurrency=6,
                    processes=processes)


def fresh_db(farm: LinkFarm, path: Path) -> str:
    url = f"sqlite:///{path}"
    assert farm.manifest is not None
    prepare_db(farm.manifest, url)
    return url


def stored(url: str) -> tuple[dict[str, tuple], dict[str, int], set[str | None]]:
    """(url -> (state, outcome, final_url, title_mismatch), url -> checks, workers)."""
    db = Database.open(url)
    with db.session() as session:
        links = {row[0]: tuple(row[1:]) for row in session.execute(select(  # type: ignore[call-overload]
            Link.url, Link.state, Link.last_outcome, Link.final_url, Link.title_mismatch))}
        checks: dict[str, int] = dict(session.execute(
            select(Link.url, func.count(LinkCheck.id))  # type: ignore[call-overload,arg-type]
            .outerjoin(LinkCheck, LinkCheck.link_id == Link.id).group_by(Link.url)).all())
        workers = set(session.execute(
            select(LinkCheck.worker).distinct()).scalars())  # type: ignore[call-overload]
    db.dispose()
    return links, checks, workers


def test_three_processes_give_the_results_of_one(busy_farm: LinkFarm, tmp_path: Path) -> None:
    results = {}
    for processes in (1, 3):
        url = fresh_db(busy_farm, tmp_path / f"p{processes}.db")
        busy_farm.stats.clear()
        seen: list[str] = []

        def note(task: CheckTask, result: CheckResult, change: object,
                 seen: list[str] = seen) -> None:
            seen.append(task.url)

        db = Database.open(url)
        summary = asyncio.run(run_check_processes(
            db, settings(url, processes), all=True, on_result=note))
        db.dispose()
        links, checks, workers = stored(url)
        assert summary.checked == LINKS and summary.status == "complete"
        assert sorted(seen) == sorted(links)  # every check reported once, helpers' too
        assert set(checks.values()) == {1}  # each link checked exactly once
        assert max(s.peak for s in busy_farm.stats.values()) <= 2  # per host, all processes
        assert len(workers) == processes  # every process took part
        results[processes] = links
    assert results[3] == results[1]
    assert busy_farm.manifest is not None
    truth = {e["url"]: e["outcome"] for e in busy_farm.manifest["urls"]}
    assert {u: r[1] for u, r in results[3].items()} == truth


def test_command_with_processes_prints_every_check(busy_farm: LinkFarm,
                                                   tmp_path: Path) -> None:
    url = fresh_db(busy_farm, tmp_path / "cli.db")
    run = subprocess.run(
        [sys.executable, "-m", "provenance", "--db", url, "check", "--all",
         "--processes", "2", "--format", "json", "--min-delay", "0", "--timeout", "2",
         "--per-host", "2", "--concurrency", "8"],
        env={**os.environ, "PROVENANCE_ALLOW_PRIVATE_ADDRESSES": "1"}, cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False)
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    checks = [line for line in lines if "url" in line]
    summary = lines[-1]["summary"]
    assert run.returncode == 1, run.stderr  # the farm has failing links: new problems
    assert len(checks) == LINKS and len({c["url"] for c in checks}) == LINKS
    assert summary["checked"] == LINKS and summary["status"] == "complete"
    assert summary["remaining"] == 0
    _, per_link, workers = stored(url)
    assert set(per_link.values()) == {1} and len(workers) == 2


def test_sigterm_stops_every_process_and_releases_leases(busy_farm: LinkFarm,
                                                         tmp_path: Path) -> None:
    url = fresh_db(busy_farm, tmp_path / "stop.db")
    proc = subprocess.Popen(
        [sys.executable, "-m", "provenance", "--db", url, "check", "--all",
         "--processes", "2", "--format", "json", "--min-delay", "0.2", "--per-host", "1"],
        env={**os.environ, "PROVENANCE_ALLOW_PRIVATE_ADDRESSES": "1"}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # a check was recorded: the run is under way
    assert "url" in json.loads(first)
    proc.terminate()
    out, err = proc.communicate(timeout=60)
    summary = json.loads(out.splitlines()[-1])["summary"]
    assert proc.returncode in (0, 1), err
    assert 0 < summary["checked"] < LINKS and summary["status"] in ("running", "partial")
    db = Database.open(url)
    with db.session() as session:
        leased = session.execute(select(func.count()).where(
            Link.lease_owner.is_not(None))).scalar()  # type: ignore[union-attr]
    db.dispose()
    assert leased == 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_helpers_die_with_a_killed_command_and_the_run_stays_open(busy_farm: LinkFarm,
                                                                  tmp_path: Path) -> None:
    url = fresh_db(busy_farm, tmp_path / "orphan.db")
    proc = subprocess.Popen(
        [sys.executable, "-m", "provenance", "--db", url, "check", "--all",
         "--processes", "2", "--format", "json", "--min-delay", "0.2", "--per-host", "1"],
        env={**os.environ, "PROVENANCE_ALLOW_PRIVATE_ADDRESSES": "1"}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    assert "url" in json.loads(proc.stdout.readline())
    helpers = _children(proc.pid)  # the helper and multiprocessing's resource tracker
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert helpers and not any(_alive(p) for p in helpers)
    db = Database.open(url)
    with db.session() as session:
        from provenance.store.models import CheckRun

        run = session.execute(select(CheckRun)).scalars().one()  # type: ignore[call-overload]
    db.dispose()
    assert run.finished_at is None and run.status == "running"  # the next command goes on


@pytest.mark.parametrize("how", ["flag", "env"])
def test_processes_below_one_is_a_usage_error(tmp_path: Path, how: str) -> None:
    args = ["--processes", "0"] if how == "flag" else []
    env = {**os.environ, "PROVENANCE_PROCESSES": "0"} if how == "env" else dict(os.environ)
    run = subprocess.run([sys.executable, "-m", "provenance", "--db",
                          f"sqlite:///{tmp_path / 'x.db'}", "check", *args],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 2
    assert run.stderr.strip() == "provenance: error: processes must be at least 1"


def test_limit_and_summaries_are_shared_out() -> None:
    assert shares(5, 3) == [2, 2, 1] and shares(None, 2) == [None, None]
    a = RunSummary(run_id=7, worker_id="a", status="running", checked=3, remaining=4)
    b = RunSummary(run_id=7, worker_id="b", status="complete", checked=2, newly_dead=1)
    a.outcomes["ok"] = 3
    b.outcomes["ok"] = 1
    merged = merge([a, b], 1.5)
    assert (merged.run_id, merged.worker_id, merged.status) == (7, "a", "complete")
    assert (merged.checked, merged.newly_dead, merged.remaining) == (5, 1, 0)
    assert merged.outcomes["ok"] == 4 and merged.elapsed_s == 1.5


async def test_shared_slots_hold_over_holders_and_space_starts(tmp_path: Path) -> None:
    slots = SharedSlots(tmp_path, per_host=2, min_delay=0.1)
    first: set[int] = set()
    second: set[int] = set()  # two processes' records of the slots of h they hold
    one = await slots.acquire("h", first)
    two = await slots.acquire("h", second)
    third = asyncio.ensure_future(slots.acquire("h", second))
    await asyncio.sleep(0.05)
    assert not third.done()  # both slots of h are held (by "two processes")
    assert (await slots.acquire("other", set()))[1] == 0  # other hosts are not affected
    SharedSlots.release(one, first)
    SharedSlots.release(await asyncio.wait_for(third, 1), second)
    SharedSlots.release(two, second)
    started = time.monotonic()
    await slots.wait_turn("h")
    await slots.wait_turn("h")
    assert time.monotonic() - started >= 0.09


async def test_a_waiting_request_is_not_starved_by_a_busy_holder(tmp_path: Path) -> None:
    slots = SharedSlots(tmp_path, per_host=1, min_delay=0.0)
    busy: set[int] = set()
    running = True

    async def hog() -> None:  # another process's requests, back to back on the host
        while running:
            token = await slots.acquire("h", busy)
            await asyncio.sleep(0.002)
            SharedSlots.release(token, busy)

    hogger = asyncio.ensure_future(hog())
    await asyncio.sleep(0.02)
    mine: set[int] = set()
    token = await asyncio.wait_for(slots.acquire("h", mine), 1.0)  # a redirect into h
    running = False
    SharedSlots.release(token, mine)
    await asyncio.wait_for(hogger, 1.0)
