"""The checker's commands through the real entry point: exit codes, JSON lines, changes,
status, db status/upgrade. The real checker runs; only its network is the in-process one
(tests/net/fakenet.py), given to the checker the runner builds."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from provenance.check.engine import Checker
from provenance.domain import links as t
from provenance.net.network import Network
from provenance.runs import runner
from tests.cli.helpers import run_cli
from tests.net.fakenet import FakeResolver, FakeWeb
from tests.workers.support import add_links

URLS = ["http://a.test/1", "http://a.test/2", "http://b.test/1"]
PROBE = re.compile(r"http://[^/]+/provenance-probe-[0-9a-f]+")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeWeb:
    """Every URL answers a page, made-up paths 404 (a test adds its own answers)."""
    web = FakeWeb()
    for url in URLS:
        web.add(url, html=f"<title>Page {url}</title>")
    web.add(PROBE, 404)
    resolver = FakeResolver({"a.test": "93.184.216.1", "b.test": "93.184.216.2",
                             "example.com": "93.184.216.34"})
    monkeypatch.setattr(runner, "_engine_checker",
                        lambda settings: Checker(settings, network=Network(resolver,
                                                                           web.connect)))
    monkeypatch.setenv("PROVENANCE_MIN_DELAY", "0")
    monkeypatch.setenv("PROVENANCE_CANARY_NAMES", "example.com")
    return web


@pytest.fixture
def url(db: Any) -> str:
    add_links(db, URLS)
    return str(db.url)


def cli(capsys: Any, monkeypatch: Any, db_url: str, *args: str) -> Any:
    return run_cli(capsys, monkeypatch, db_url, *args)


def test_check_json_lines_then_summary_and_exit_0(capsys: Any, monkeypatch: Any, url: str,
                                                  fake: FakeWeb) -> None:
    run = cli(capsys, monkeypatch, url, "check", "--format", "json")
    assert run.code == 0, run.err
    lines = [json.loads(line) for line in run.out.splitlines()]
    assert len(lines) == 4 and "summary" in lines[-1]
    for line in lines[:-1]:
        assert set(line) == {"url", "outcome", "http_status", "final_url", "elapsed_ms",
                             "state"}
        assert line["outcome"] == t.OK and line["state"] == t.ALIVE
    assert sorted(x["url"] for x in lines[:-1]) == URLS
    assert lines[-1]["summary"]["checked"] == 3 and lines[-1]["summary"]["status"] == "complete"


def test_new_problem_exits_1_and_shows_in_changes(capsys: Any, monkeypatch: Any, url: str,
                                                  fake: FakeWeb) -> None:
    fake.add(URLS[0], 404)
    run = cli(capsys, monkeypatch, url, "check")
    assert run.code == 1
    assert "unchecked->failing" in run.out and URLS[0] in run.out
    assert "newly failing 1" in run.out
    changes = cli(capsys, monkeypatch, url, "changes", "--format", "json")
    assert changes.code == 0
    assert [x["url"] for x in changes.json()["newly_failing"]] == [URLS[0]]
    text = cli(capsys, monkeypatch, url, "changes")
    assert "newly failing: 1" in text.out and URLS[0] in text.out


def test_nothing_due_exits_0(capsys: Any, monkeypatch: Any, url: str, fake: FakeWeb) -> None:
    cli(capsys, monkeypatch, url, "check")
    again = cli(capsys, monkeypatch, url, "check")
    assert again.code == 0 and "nothing due" in again.out


def test_limit_and_document_flags(capsys: Any, monkeypatch: Any, url: str,
                                  fake: FakeWeb) -> None:
    run = cli(capsys, monkeypatch, url, "check", "--limit", "2", "--format", "json")
    assert run.code == 0 and len(run.out.splitlines()) == 3
    missing = cli(capsys, monkeypatch, url, "check", "--document", "no such doc")
    assert missing.code == 2 and "no document 'no such doc'" in missing.err
    assert "Traceback" not in missing.err


@pytest.mark.parametrize("args,message", [
    (("--limit", "0"), "--limit must be at least 1"),
    (("--per-host", "0"), "per-host must be at least 1"),
    (("--min-delay", "-1"), "min-delay must not be negative"),
    (("--timeout", "0"), "timeout must be greater than 0"),
    (("--format", "xml"), "xml"),
])
def test_bad_options_exit_2_with_one_line(capsys: Any, monkeypatch: Any, url: str,
                                          fake: FakeWeb, args: tuple[str, ...],
                                          message: str) -> None:
    run = cli(capsys, monkeypatch, url, "check", *args)
    assert run.code == 2 and message in run.err and "Traceback" not in run.err


def test_env_twin_is_used_and_flag_wins(capsys: Any, monkeypatch: Any, url: str,
                                        fake: FakeWeb) -> None:
    seen: list[Any] = []
    real = runner.run_check

    async def spy(db: Any, settings: Any, **kw: Any) -> Any:
        seen.append(settings)
        return await real(db, settings, **kw)

    monkeypatch.setattr(runner, "run_check", spy)
    monkeypatch.setenv("PROVENANCE_PER_HOST", "5")
    monkeypatch.setenv("PROVENANCE_ALLOW_PRIVATE_ADDRESSES", "1")
    cli(capsys, monkeypatch, url, "check", "--min-delay", "0", "--dead-after-days", "2")
    assert seen[0].per_host == 5 and seen[0].allow_private_addresses is True
    assert seen[0].min_delay == 0 and seen[0].dead_after_days == 2
    monkeypatch.setenv("PROVENANCE_PER_HOST", "bad")
    run = cli(capsys, monkeypatch, url, "check")
    assert run.code == 2 and "PROVENANCE_PER_HOST='bad'" in run.err


def test_worker_once_and_status(capsys: Any, monkeypatch: Any, url: str,
                                fake: FakeWeb) -> None:
    run = cli(capsys, monkeypatch, url, "worker", "--once", "--lease-seconds", "5",
              "--format", "json")
    assert run.code == 0, run.err
    lines = [json.loads(line) for line in run.out.splitlines()]
    assert sum(1 for x in lines if "url" in x) == 3
    status = cli(capsys, monkeypatch, url, "status", "--format", "json")
    info = status.json()
    assert info["links_done"] == 3 and info["due"] == 0
    assert info["states"] == {"alive": 3} and info["run"]["status"] == "complete"
    assert info["workers"][0]["status"] == "stopped"
    text = cli(capsys, monkeypatch, url, "status")
    assert "workers alive: 0" in text.out and "links done: 3" in text.out


def test_db_status_and_upgrade(capsys: Any, monkeypatch: Any, tmp_path: Any) -> None:
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    before = cli(capsys, monkeypatch, fresh, "db", "status")
    assert before.code == 1 and "run provenance db upgrade" in before.out
    up = cli(capsys, monkeypatch, fresh, "db", "upgrade")
    assert up.code == 0 and "upgraded" in up.out
    again = cli(capsys, monkeypatch, fresh, "db", "upgrade")
    assert "already up to date" in again.out
    after = cli(capsys, monkeypatch, fresh, "db", "status")
    assert after.code == 0 and "up to date" in after.out
