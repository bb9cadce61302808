"""run_check, leases, recording and changes on SQLite and PostgreSQL (``db`` fixture)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from provenance.domain import links as t
from provenance.report.model import link_view
from provenance.runs.changes import changes_since
from provenance.runs.runner import run_check
from provenance.settings import Settings
from provenance.store import leases
from provenance.store.checks import record_results
from provenance.store.models import CheckRun, Link
from provenance.store.report import link_history
from tests.workers.support import FakeChecker, add_document, add_links, checks, links

S = Settings(concurrency=8, per_host=2, lease_seconds=5, dead_after_failures=2,
             dead_after_days=0)


def urls(hosts: int, per_host: int) -> list[str]:
    return [f"http://h{h}.test/p{i}" for h in range(hosts) for i in range(per_host)]


def go(db: Any, fake: FakeChecker, settings: Settings = S, **kw: Any) -> Any:
    return asyncio.run(run_check(db, settings, checker_factory=fake, **kw))


def make_due(db: Any) -> None:
    with db.session() as session:
        session.exec(update(Link).values(next_check_at=datetime.now(UTC)  # type: ignore
                                         - timedelta(seconds=1)))


def test_due_links_are_checked_once_and_recorded(db: Any) -> None:
    all_urls = urls(5, 8)
    add_links(db, all_urls)
    fake = FakeChecker(outcomes={all_urls[0]: t.NOT_FOUND, all_urls[1]: t.BLOCKED})
    summary = go(db, fake)
    assert sorted(fake.seen) == sorted(all_urls)
    assert summary.status == "complete" and summary.checked == 40 and summary.remaining == 0
    assert summary.outcomes == Counter({t.OK: 38, t.NOT_FOUND: 1, t.BLOCKED: 1})
    assert summary.newly_failing == 1 and summary.new_problems == 1
    stored = links(db)
    assert stored[all_urls[0]].state == t.FAILING and stored[all_urls[0]].failures == 1
    assert stored[all_urls[1]].state == t.STATE_BLOCKED
    for link in stored.values():
        assert link.checks == 1 and link.lease_owner is None and link.lease_until is None
        assert link.checked_in_run == summary.run_id and link.next_check_at is not None
    assert len(checks(db)) == 40
    with db.session() as session:
        run = session.get(CheckRun, summary.run_id)
        assert run.finished_at is not None and run.counts["checks"] == 40


def test_nothing_due_opens_no_run_and_all_rechecks_everything(db: Any) -> None:
    all_urls = urls(2, 3)
    add_links(db, all_urls)
    go(db, FakeChecker())
    idle = go(db, FakeChecker())
    assert idle.run_id is None and idle.status == "idle" and idle.checked == 0
    fake = FakeChecker()
    again = go(db, fake, all=True)
    assert sorted(fake.seen) == sorted(all_urls) and again.checked == 6
    assert {link.checks for link in links(db).values()} == {2}


def test_limit_is_a_budget_and_the_rest_stays_due(db: Any) -> None:
    add_links(db, urls(4, 5))
    first = go(db, FakeChecker(), limit=7)
    assert first.checked == 7 and first.status == "partial" and first.remaining == 13
    second = go(db, FakeChecker())
    assert second.checked == 13
    assert len(checks(db)) == 20


def test_document_restricts_to_its_links(db: Any) -> None:
    ids = add_links(db, urls(3, 4))
    add_document(db, "Kim-Xi meetings", ids[:5], ref_title="A title")
    fake = FakeChecker()
    summary = go(db, fake, document="kim-xi meetings")
    assert summary.checked == 5 and len(fake.seen) == 5
    by_id = go(db, FakeChecker(), document="1", all=True)
    assert by_id.checked == 5


def test_unknown_document_is_a_clear_error(db: Any) -> None:
    import pytest

    from provenance.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no document 'nope'"):
        go(db, FakeChecker(), document="nope")


def test_two_runs_at_once_never_check_a_link_twice(db: Any) -> None:
    all_urls = urls(12, 10)
    add_links(db, all_urls)
    a, b = FakeChecker(delay=0.05), FakeChecker(delay=0.05)

    async def both() -> Any:
        return await asyncio.gather(
            run_check(db, S, checker_factory=a, worker_id="A"),
            run_check(db, S, checker_factory=b, worker_id="B"))

    sa, sb = asyncio.run(both())
    assert sa.run_id == sb.run_id
    assert sorted(a.seen + b.seen) == sorted(all_urls)
    assert not set(a.seen) & set(b.seen)
    assert a.seen and b.seen
    per_link = Counter(c.link_id for c in checks(db))
    assert set(per_link.values()) == {1} and len(per_link) == len(all_urls)


def test_a_host_is_leased_to_one_worker_at_a_time(db: Any) -> None:
    add_links(db, urls(2, 10))
    with db.session() as session:
        run_id = _open(session)
    scope = leases.Scope(run_id=run_id)
    with db.session() as session:
        mine = leases.lease_batch(session, "A", scope, lease_seconds=60, hosts=1,
                                  links_per_host=3)
    assert len(mine) == 3 and {x.host for x in mine} == {"h0.test"}
    with db.session() as session:
        theirs = leases.lease_batch(session, "B", scope, lease_seconds=60, hosts=5,
                                    links_per_host=50)
    assert {x.host for x in theirs} == {"h1.test"} and len(theirs) == 10
    with db.session() as session:  # A may take more of its own host
        more = leases.lease_batch(session, "A", scope, lease_seconds=60, hosts=5,
                                  links_per_host=50)
    assert {x.host for x in more} == {"h0.test"} and len(more) == 7
    with db.session() as session:
        left = leases.remaining(session, "A", scope)
    assert (left.free, left.others, left.mine) == (0, 10, 10)


def test_an_expired_lease_is_taken_over_and_heartbeat_keeps_one(db: Any) -> None:
    add_links(db, urls(2, 3))
    with db.session() as session:
        run_id = _open(session)
    scope = leases.Scope(run_id=run_id)
    now = datetime.now(UTC)
    with db.session() as session:
        a = leases.lease_batch(session, "A", scope, lease_seconds=10, hosts=1,
                               links_per_host=10, now=now)
        b = leases.lease_batch(session, "B", scope, lease_seconds=10, hosts=1,
                               links_per_host=10, now=now)
    with db.session() as session:
        assert leases.heartbeat(session, "B", lease_seconds=60, now=now) == 3
    later = now + timedelta(seconds=30)
    with db.session() as session:
        c = leases.lease_batch(session, "C", scope, lease_seconds=10, hosts=5,
                               links_per_host=10, now=later)
    assert {x.id for x in c} == {x.id for x in a}  # A's expired, B's kept alive
    with db.session() as session:
        assert leases.release(session, "C") == 3
        assert leases.release(session, "B") == 3
    assert all(x.lease_owner is None for x in links(db).values())
    assert b


def test_a_late_result_for_a_link_taken_over_is_dropped(db: Any) -> None:
    (link_id,) = add_links(db, ["http://late.test/a"])
    with db.session() as session:
        run_id = _open(session)
    ok = t.CheckResult(url="http://late.test/a", outcome=t.OK, http_status=200)
    with db.session() as session:
        first = record_results(session, [(link_id, ok)], run_id=run_id, owner="B", settings=S)
    with db.session() as session:
        late = record_results(session, [(link_id, ok)], run_id=run_id, owner="A", settings=S)
    assert first[0].change is not None and late[0].change is None
    assert len(checks(db)) == 1 and links(db)["http://late.test/a"].checks == 1


def test_network_down_run_is_inconclusive_and_changes_no_state(db: Any) -> None:
    all_urls = urls(8, 3)
    add_links(db, all_urls)
    go(db, FakeChecker())
    make_due(db)
    down = FakeChecker(outcomes={u: t.CONNECTION_ERROR for u in all_urls})
    summary = go(db, down)
    assert summary.status == "inconclusive" and summary.inconclusive
    assert summary.newly_failing == 0 and summary.new_problems == 0
    stored = links(db)
    assert {x.state for x in stored.values()} == {t.ALIVE}
    assert {x.failures for x in stored.values()} == {0}
    assert {x.checks for x in stored.values()} == {2}  # the checks are recorded
    last = [c for c in checks(db) if c.run_id == summary.run_id]
    assert len(last) == 24 and all(c.state_before == c.state_after == t.ALIVE for c in last)
    assert changes_since(db).new_problems == 0


def test_a_failing_canary_makes_the_run_inconclusive(db: Any) -> None:
    add_links(db, ["http://one.test/a", "http://one.test/b"])
    fake = FakeChecker(outcomes={"http://canary.test/": t.TIMEOUT,
                                 "http://one.test/a": t.NOT_FOUND})
    summary = go(db, fake, settings=Settings(canary_url="http://canary.test/"))
    assert summary.status == "inconclusive"
    assert links(db)["http://one.test/a"].state == t.UNCHECKED
    fine = FakeChecker(outcomes={"http://one.test/a": t.NOT_FOUND})
    make_due(db)
    again = go(db, fine, settings=Settings(canary_url="http://canary.test/"))
    assert again.status == "complete" and links(db)["http://one.test/a"].state == t.FAILING


def test_a_few_dead_hosts_are_not_an_inconclusive_run(db: Any) -> None:
    all_urls = urls(10, 2)
    add_links(db, all_urls)
    fake = FakeChecker(outcomes={u: t.CONNECTION_ERROR for u in all_urls[:8]})  # 4 of 10
    summary = go(db, fake)
    assert summary.status == "complete" and summary.newly_failing == 8


def test_changes_since_runs_and_views(db: Any) -> None:
    a, b, c, d = "http://a.test/", "http://b.test/", "http://c.test/", "http://d.test/"
    add_links(db, [a, b, c, d])
    go(db, FakeChecker(outcomes={b: t.NOT_FOUND, c: t.NOT_FOUND}))
    make_due(db)
    second = go(db, FakeChecker(outcomes={a: t.NOT_FOUND, c: t.NOT_FOUND, d: t.REDIRECT}))
    assert second.newly_dead == 1 and second.recovered == 1
    moved = changes_since(db)
    assert moved.since_run == second.run_id - 1
    assert [x.url for x in moved.newly_failing] == [a]
    assert [x.url for x in moved.newly_dead] == [c]
    assert [x.url for x in moved.recovered] == [b]
    assert [x.url for x in moved.newly_redirected] == [d]
    everything = changes_since(db, 0)
    assert [x.url for x in everything.newly_dead] == [c]
    assert [x.url for x in everything.newly_failing] == [a]
    stored = links(db)
    view = link_view(stored[c])
    assert view == {"url": c, "state": t.DEAD, "outcome": t.NOT_FOUND, "http_status": 404,
                    "final_url": c, "checked_at": stored[c].checked_at.isoformat(),
                    "checks": 2, "failures": 2}
    history = link_history(db, stored[c].id)
    assert [h.state_after for h in history] == [t.DEAD, t.FAILING]


def test_changes_since_an_unknown_run_is_a_clear_error(db: Any) -> None:
    import pytest

    from provenance.errors import NotFoundError

    add_links(db, ["http://a.test/"])
    go(db, FakeChecker())
    with pytest.raises(NotFoundError, match="no check run 99"):
        changes_since(db, 99)


def test_title_mismatch_is_a_new_problem_once(db: Any) -> None:
    url = "http://sold.test/"
    add_links(db, [url])

    def sold(task: t.CheckTask) -> t.CheckResult:
        return t.CheckResult(url=task.url, outcome=t.OK, http_status=200, title="Casino",
                             title_mismatch=True)

    first = go(db, FakeChecker(outcomes=sold))
    assert first.title_mismatches == 1 and first.new_problems == 1
    assert [x.url for x in changes_since(db).title_mismatches] == [url]
    make_due(db)
    second = go(db, FakeChecker(outcomes=sold))
    assert second.title_mismatches == 0
    assert changes_since(db).title_mismatches == ()


def test_validators_are_kept_for_conditional_requests(db: Any) -> None:
    url = "http://etag.test/"
    add_links(db, [url])

    def tagged(task: t.CheckTask) -> t.CheckResult:
        return t.CheckResult(url=task.url, outcome=t.OK, http_status=200, etag='"v1"',
                             last_modified="Mon, 05 Jan 2026 00:00:00 GMT")

    go(db, FakeChecker(outcomes=tagged))
    seen: list[t.CheckTask] = []

    def remember(task: t.CheckTask) -> t.CheckResult:
        seen.append(task)
        return t.CheckResult(url=task.url, outcome=t.OK, http_status=304, not_modified=True)

    go(db, FakeChecker(outcomes=remember), all=True)
    assert seen[0].etag == '"v1"' and seen[0].last_modified.startswith("Mon")
    assert links(db)[url].etag == '"v1"'


def _open(session: Any) -> int:
    from provenance.store.runs import open_run

    return int(open_run(session, {}, stale_after=timedelta(hours=1)).id)


def test_a_stale_open_run_is_closed_and_a_new_one_opened(db: Any) -> None:
    add_links(db, ["http://a.test/"])
    with db.session() as session:
        old = CheckRun(kind="check", started_at=datetime.now(UTC) - timedelta(days=3))
        session.add(old)
        session.flush()
        old_id = old.id
    summary = go(db, FakeChecker())
    assert summary.run_id != old_id
    with db.session() as session:
        assert session.exec(select(CheckRun.status).where(  # type: ignore
            CheckRun.id == old_id)).scalar_one() == "partial"
