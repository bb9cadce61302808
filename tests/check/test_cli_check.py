"""The checker's commands through the real entry point: exit codes, JSON lines, changes,
status, db status/upgrade. The real runner and checker run end to end against loopback web
hosts (tests/fakes/loopback_web.py: IP-literal URLs, nothing resolved), allowed by the
``allow_private_addresses`` setting as a user would allow an intranet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from provenance.domain import links as t
from provenance.runs import runner
from tests.cli.helpers import run_cli
from tests.fakes.loopback_web import LoopbackWeb, loopback_web
from tests.workers.support import add_links


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackWeb]:
    """Two loopback hosts; every URL answers a page, made-up paths 404 (a test sets its own
    answers). Settings through the environment, as cron would give them."""
    for name, value in {"ALLOW_PRIVATE_ADDRESSES": "1", "MIN_DELAY": "0", "RETRIES": "0",
                        "CANARY_NAMES": ""}.items():
        monkeypatch.setenv(f"PROVENANCE_{name}", value)
    with loopback_web(2) as running:
        yield running


@pytest.fixture
def urls(web: LoopbackWeb) -> list[str]:
    return [web.url(1, "/1"), web.url(1, "/2"), web.url(2, "/1")]


@pytest.fixture
def url(db: Any, urls: list[str]) -> str:
    add_links(db, urls)
    return str(db.url)


def cli(capsys: Any, monkeypatch: Any, db_url: str, *args: str) -> Any:
    return run_cli(capsys, monkeypatch, db_url, *args)


def test_check_json_lines_then_summary_and_exit_0(capsys: Any, monkeypatch: Any, url: str,
                                                  urls: list[str]) -> None:
    run = cli(capsys, monkeypatch, url, "check", "--format", "json")
    assert run.code == 0, run.err
    lines = [json.loads(line) for line in run.out.splitlines()]
    assert len(lines) == 4 and "summary" in lines[-1]
    for line in lines[:-1]:
        assert set(line) == {"url", "outcome", "http_status", "final_url", "elapsed_ms",
                             "state"}
        assert line["outcome"] == t.OK and line["state"] == t.ALIVE
    assert sorted(x["url"] for x in lines[:-1]) == sorted(urls)
    assert lines[-1]["summary"]["checked"] == 3 and lines[-1]["summary"]["status"] == "complete"


def test_new_problem_exits_1_and_shows_in_changes(capsys: Any, monkeypatch: Any, url: str,
                                                  urls: list[str], web: LoopbackWeb) -> None:
    web.set(urls[0], 404)
    run = cli(capsys, monkeypatch, url, "check")
    assert run.code == 1
    assert "unchecked->failing" in run.out and urls[0] in run.out
    assert "newly failing 1" in run.out
    changes = cli(capsys, monkeypatch, url, "changes", "--format", "json")
    assert changes.code == 0
    assert [x["url"] for x in changes.json()["newly_failing"]] == [urls[0]]
    text = cli(capsys, monkeypatch, url, "changes")
    assert "newly failing: 1" in text.out and urls[0] in text.out


def test_nothing_due_exits_0(capsys: Any, monkeypatch: Any, url: str, web: LoopbackWeb) -> None:
    cli(capsys, monkeypatch, url, "check")
    again = cli(capsys, monkeypatch, url, "check")
    assert again.code == 0 and "nothing due" in again.out


def test_limit_and_document_flags(capsys: Any, monkeypatch: Any, url: str,
                                  web: LoopbackWeb) -> None:
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
                                          web: LoopbackWeb, args: tuple[str, ...],
                                          message: str) -> None:
    run = cli(capsys, monkeypatch, url, "check", *args)
    assert run.code == 2 and message in run.err and "Traceback" not in run.err


def test_env_twin_is_used_and_flag_wins(capsys: Any, monkeypatch: Any, url: str,
                                        web: LoopbackWeb) -> None:
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
                                web: LoopbackWeb) -> None:
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
