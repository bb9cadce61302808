"""A night with no network at all moves no link (issue 11): the real `provenance check`, a
subprocess in a network namespace of its own (`unshare -n`: only a loopback interface, and
that one down), no injected resolver or connection layer. Links to well-known outside names
(BBC, The New York Times, Reuters...) that were alive stay alive: the run is recorded
`inconclusive`, every check in its history, no link failing or dead. Nothing can reach the
internet from inside the namespace, so the test never does.

Needs root or unprivileged user namespaces; skipped with the reason otherwise, except under
CI=true (CI machines run as root) where it must run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from provenance.services.ingest import ingest_one
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.models import CheckRun, Link, LinkCheck
from tests.conftest import ROOT

OUTSIDE = {
    "BBC News": "https://www.bbc.co.uk/news/world-asia-43561321",
    "The New York Times":
        "https://www.nytimes.com/2018/03/27/world/asia/kim-jong-un-china-xi-jinping.html",
    "Reuters": "https://www.reuters.com/article/us-northkorea-china-idUSKBN1H30A5",
    "The Guardian":
        "https://www.theguardian.com/world/2018/mar/28/kim-jong-un-xi-jinping-beijing",
    "Le Monde": "https://www.lemonde.fr/international/article/2018/03/28/kim-jong-un-a-pekin",
    "Wikipedia": "https://en.wikipedia.org/wiki/Kim%E2%80%93Xi_meetings",
}


def _unshare() -> list[str]:
    """The command prefix that runs a process in a new network namespace, or skip/fail."""
    found = shutil.which("unshare")
    reason = "unshare is not installed"
    if found:
        probe = subprocess.run([found, "-n", "true"], capture_output=True, text=True,
                               timeout=30, check=False)
        if probe.returncode == 0:
            return [found, "-n"]
        reason = f"unshare -n is not permitted here: {probe.stderr.strip()}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI runs as root and must run this test)")
    pytest.skip(reason)


def _store(tmp_path: Path) -> str:
    """A SQLite store (PostgreSQL on 127.0.0.1 is out of reach from a fresh namespace) with a
    document citing the outside links, each alive after an earlier good night."""
    lines = ["# Outside sources", ""]
    lines += [f"{name} reported the meeting.[^{n}]" for n, name in enumerate(OUTSIDE, 1)]
    lines += [""] + [f"[^{n}]: {name}, <{url}>" for n, (name, url) in
                     enumerate(OUTSIDE.items(), 1)]
    path = tmp_path / "outside.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'night.db'}"
    db = Database.open(url)
    assert ingest_one(db, Settings(db_url=url), str(path)).error is None
    night = datetime(2026, 11, 1, 2, 15, tzinfo=UTC)
    with db.session() as s:
        good = CheckRun(started_at=night, finished_at=night, status="complete")
        s.add(good)
        s.flush()
        for link in s.exec(select(Link)):
            link.state, link.last_outcome, link.last_http_status = "alive", "ok", 200
            link.checks, link.checked_at, link.state_since = 1, night, night
            s.add(link)
            s.add(LinkCheck(link_id=link.id or 0, run_id=good.id, checked_at=night,
                            outcome="ok", http_status=200, state_before="unchecked",
                            state_after="alive"))
    db.dispose()
    return url


def test_no_network_at_all_moves_no_link(tmp_path: Path) -> None:
    prefix = _unshare()
    url = _store(tmp_path)
    env = {**os.environ, "PROVENANCE_OUTAGE_WAIT": "3", "PROVENANCE_DB_URL": url}
    env.pop("PROVENANCE_ALLOW_PRIVATE_ADDRESSES", None)
    env.pop("PROVENANCE_CANARY_NAMES", None)  # the default names: they cannot resolve either
    run = subprocess.run([*prefix, sys.executable, "-m", "provenance", "check", "--all",
                          "--format", "json"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 1, run.stdout + run.stderr  # an inconclusive run
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    summary = lines[-1]["summary"]
    assert summary["status"] == "inconclusive", summary
    assert summary["newly_dead"] == summary["newly_failing"] == 0
    checks = lines[:-1]
    assert sorted(c["url"] for c in checks) == sorted(OUTSIDE.values())
    assert all(c["http_status"] is None and c["state"] == "alive" for c in checks), checks

    db = Database.open(url)
    try:
        with db.session() as s:
            links = s.exec(select(Link)).all()
            history = s.exec(select(LinkCheck)).all()
            runs = s.exec(select(CheckRun)).all()
        assert {(link.state, link.failures) for link in links} == {("alive", 0)}
        tonight = [c for c in history if c.run_id == 2]
        assert len(tonight) == len(OUTSIDE) and len(history) == 2 * len(OUTSIDE)
        assert all(c.state_before == c.state_after == "alive" and c.http_status is None
                   for c in tonight)
        assert [(r.id, r.status) for r in runs] == [(1, "complete"), (2, "inconclusive")]
    finally:
        db.dispose()

    changes = subprocess.run([sys.executable, "-m", "provenance", "changes", "--format",
                              "json"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120, check=False)
    moved = json.loads(changes.stdout)
    assert moved["since_run"] == 1 and moved["inconclusive_runs"] == [2]
    assert not any(moved[kind] for kind in ("newly_dead", "newly_failing", "recovered",
                                            "newly_redirected", "title_mismatches"))
