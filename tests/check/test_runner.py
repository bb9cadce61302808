"""run_check, leases, recording and changes on SQLite and PostgreSQL (``db`` fixture).

Runs go end to end: the real runner and checker against loopback web hosts whose answers
each test sets (tests/fakes/loopback_web.py: IP literals, so nothing is resolved); a
network that is down is hosts whose servers were stopped (connections refused)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
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
from tests.fakes.loopback_web import LoopbackWeb, loopback_web
from tests.workers.support import add_document, add_links, checks, links

# loopback hosts allowed, no canary names (nothing to resolve), no retries, a short outage
S = Settings(concurrency=8, per_host=2, lease_seconds=5, dead_after_failures=2,
             dead_after_days=0, allow_private_addresses=True, min_delay=0.0,
             canary_names="", retries=0, timeout=5.0, connect_timeout=2.0, outage_wait=1.0)


@pytest.fixture
def web() -> Iterator[LoopbackWeb]:
    """Twelve loopback hosts (127.0.0.1-12) on one port."""
    with loopback_web(12) as running:
        yield running


def urls(web: LoopbackWeb, hosts: int, per_host: int) -> list[str]:
    return [web.url(h + 1, f"/p{i}") for h in range(hosts) for i in range(per_host)]


def asked(web: LoopbackWeb) -> list[str]:
    """Every URL the checker asked for, soft-404 probes left out."""
    return [url for url, _headers in web.requests if "probe" not in url]


def go(db: Any, settings: Settings = S, **kw: Any) -> Any:
    return asyncio.run(run_check(db, settings, **kw))


def make_due(db: Any) -> None:
    with db.session() as session:
        session.exec(update(Link).values(next_check_at=datetime.now(UTC)  # type: ignore
                                         - timedelta(seconds=1)))


def test_due_links_are_checked_once_and_recorded(db: Any, web: LoopbackWeb) -> None:
    all_urls = urls(web, 5, 8)
    add_links(db, all_urls)
    web.set(all_urls[0], 404)
    web.set(all_urls[1], 403)
    summary = go(db)
    assert sorted(asked(web)) == sorted(all_urls)
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


def test_nothing_due_opens_no_run_and_all_rechecks_everything(db: Any, web: LoopbackWeb
                                                               ) -> None:
    all_urls = urls(web, 2, 3)
    add_links(db, all_urls)
    go(db)
    idle = go(db)
    assert idle.run_id is None and idle.status == "idle" and idle.checked == 0
    web.requests.clear()
    again = go(db, all=True)
    assert sorted(asked(web)) == sorted(all_urls) and again.checked == 6
    assert {link.checks for link in links(db).values()} == {2}


def test_limit_is_a_budget_and_the_rest_stays_due(db: Any, web: LoopbackWeb) -> None:
    add_links(db, urls(web, 4, 5))
    first = go(db, limit=7)
    assert first.checked == 7 and first.status == "partial" and first.remaining == 13
    second = go(db)
    assert second.checked == 13
    assert len(checks(db)) == 20


def test_document_restricts_to_its_links(db: Any, web: LoopbackWeb) -> None:
    ids = add_links(db, urls(web, 3, 4))
    add_document(db, "Kim-Xi meetings", ids[:5], ref_title="A title")
    summary = go(db, document="kim-xi meetings")
    assert summary.checked == 5 and len(asked(web)) == 5
    by_id = go(db, document="1", all=True)
    assert by_id.checked == 5


def test_unknown_document_is_a_clear_error(db: Any) -> None:
    from provenance.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no document 'nope'"):
        go(db, document="nope")


def test_two_runs_at_once_never_check_a_link_twice(db: Any) -> None:
    with loopback_web(12, delay=0.05) as web:
        all_urls = urls(web, 12, 10)
        add_links(db, all_urls)

        async def both() -> Any:
            return await asyncio.gather(run_check(db, S, worker_id="A"),
                                        run_check(db, S, worker_id="B"))

        sa, sb = asyncio.run(both())
    assert sa.run_id == sb.run_id
    assert sorted(asked(web)) == sorted(all_urls)
    done = checks(db)
    by_worker = Counter(c.worker for c in done)
    assert set(by_worker) == {"A", "B"}, by_worker
    per_link = Counter(c.link_id for c in done)
    assert set(per_link.values()) == {1} and len(per_link) == len(all_urls)


def _scope(db: Any, hosts: int, per_host: int) -> leases.Scope:
    """A new run over ``per_host`` links on each of ``hosts`` hosts (h0.test, h1.test...)."""
    add_links(db, [f"http://h{h}.test/p{i}" for h in range(hosts) for i in range(per_host)])
    with db.session() as session:
        return leases.Scope(run_id=_open(session))


def _lease(db: Any, worker: str, scope: leases.Scope, **options: Any) -> list[Any]:
    with db.session() as session:
        return list(leases.lease_batch(session, worker, scope, lease_seconds=60, **options))


def test_a_host_is_leased_to_one_worker_at_a_time(db: Any) -> None:
    scope = _scope(db, hosts=2, per_host=10)
    mine = _lease(db, "A", scope, hosts=1, links_per_host=3)
    assert len(mine) == 3 and {x.host for x in mine} == {"h0.test"}
    theirs = _lease(db, "B", scope, hosts=5, links_per_host=50)
    assert {x.host for x in theirs} == {"h1.test"} and len(theirs) == 10
    more = _lease(db, "A", scope, hosts=5, links_per_host=50)  # A may take more of its own
    assert {x.host for x in more} == {"h0.test"} and len(more) == 7
    with db.session() as session:
        left = leases.remaining(session, "A", scope)
    assert (left.free, left.others, left.mine) == (0, 10, 10)


def test_held_hosts_are_topped_up_and_never_taken_as_new(db: Any) -> None:
    scope = _scope(db, hosts=3, per_host=10)
    first = _lease(db, "A", scope, hosts=1, links_per_host=4)
    assert {x.host for x in first} == {"h0.test"} and {x.host_left for x in first} == {6}
    # h0 held: a new host is another one
    second = _lease(db, "A", scope, hosts=1, links_per_host=4, held={"h0.test"})
    assert {x.host for x in second} == {"h1.test"} and {x.host_left for x in second} == {6}
    # topping up h0 as well as one new host
    third = _lease(db, "A", scope, hosts=1, links_per_host=4, held={"h0.test", "h1.test"},
                   top_up=["h0.test"])
    assert Counter(x.host for x in third) == Counter({"h0.test": 4, "h2.test": 4})
    assert {x.host: x.host_left for x in third} == {"h0.test": 2, "h2.test": 6}
    # nothing new to take, nothing to top up
    assert _lease(db, "A", scope, hosts=2, links_per_host=4,
                  held={"h0.test", "h1.test", "h2.test"}) == []


def test_hosts_larger_than_a_lease_are_checked_to_the_end(db: Any, web: LoopbackWeb
                                                          ) -> None:
    """Each host's links come in several leases (topped up as they run low): every link is
    asked for once, none is left leased."""
    from provenance.runs.runner import LEASE_LINKS_PER_HOST

    all_urls = urls(web, 3, 2 * LEASE_LINKS_PER_HOST + 40)
    add_links(db, all_urls)
    summary = go(db, replace(S, concurrency=16), all=True)
    assert summary.status == "complete" and summary.remaining == 0
    assert sorted(asked(web)) == sorted(all_urls) and summary.checked == len(all_urls)
    assert {link.lease_owner for link in links(db).values()} == {None}


def test_a_hosts_links_are_leased_slowest_first_then_new_then_longest_overdue(db: Any
                                                                             ) -> None:
    """Slow last time (at least SLOW_LINK_MS) first, the slowest first; then links never
    checked; then the longest overdue. The lease hands them out in that order (an UPDATE's
    RETURNING comes back in table order, which once put the slow link last)."""
    ids = add_links(db, [f"http://h.test/p{i}" for i in range(10)])
    now = datetime.now(UTC)
    values = {ids[7]: {"last_elapsed_ms": 5000}, ids[3]: {"last_elapsed_ms": 1500},
              ids[5]: {"last_elapsed_ms": leases.SLOW_LINK_MS - 1},
              ids[8]: {"next_check_at": now - timedelta(hours=1)},
              ids[9]: {"next_check_at": now - timedelta(hours=2)}}
    with db.session() as session:
        for link_id, columns in values.items():
            session.execute(update(Link).where(Link.id == link_id).values(**columns))
        scope = leases.Scope(run_id=_open(session))
    got = _lease(db, "A", scope, hosts=1, links_per_host=10, now=now)
    assert [x.id for x in got] == [ids[n] for n in (7, 3, 0, 1, 2, 4, 5, 6, 9, 8)]
    # the next lease of a host larger than one lease goes on in the same order
    with db.session() as session:
        leases.release(session, "A")
    first, rest = (_lease(db, "A", scope, hosts=1, links_per_host=3, now=now),
                   _lease(db, "A", scope, hosts=0, links_per_host=10, now=now,
                          top_up=["h.test"]))
    assert [x.id for x in first + rest] == [x.id for x in got]


def test_a_hosts_links_go_on_while_its_failures_wait_to_be_retried(db: Any,
                                                                   web: LoopbackWeb) -> None:
    """A host's links waiting out a retry's back-off are not counted against what the host
    may have handed out: a burst of 5xx at the head of a host's queue does not leave its
    slot idle until the first retry."""
    failing = [web.url(1, f"/down{i}") for i in range(6)]
    fine = [web.url(1, f"/up{i}") for i in range(20)]
    for url in failing:
        web.set(url, 503)
    add_links(db, failing + fine)
    summary = go(db, replace(S, per_host=1, retries=2), all=True)
    assert summary.checked == 26
    order = asked(web)
    assert order.count(failing[0]) == 3
    second_try = order.index(failing[0], order.index(failing[0]) + 1)
    assert order.index(fine[0]) < second_try, order


def test_a_run_without_a_budget_leases_the_busiest_host_first(db: Any) -> None:
    """Its length is the busiest host's: that host starts first, not the longest overdue."""
    add_links(db, [f"http://small.test/p{i}" for i in range(2)]
              + [f"http://big.test/p{i}" for i in range(5)])
    with db.session() as session:
        session.execute(update(Link).where(Link.host == "small.test").values(
            next_check_at=datetime.now(UTC) - timedelta(days=3)))
        session.execute(update(Link).where(Link.host == "big.test").values(
            next_check_at=datetime.now(UTC) - timedelta(days=1)))
        scope = leases.Scope(run_id=_open(session))
    overdue = _lease(db, "A", scope, hosts=1, links_per_host=10)
    busiest = _lease(db, "B", scope, hosts=1, links_per_host=10, busiest_first=True)
    assert {x.host for x in overdue} == {"small.test"}
    assert {x.host for x in busiest} == {"big.test"}


def test_a_check_records_how_long_it_took(db: Any) -> None:
    slow_id, cut_id = add_links(db, ["http://slow.test/a", "http://slow.test/b"])
    with db.session() as session:
        session.execute(update(Link).where(Link.id == cut_id).values(last_elapsed_ms=5003))
        run_id = _open(session)
    slow = t.CheckResult(url="http://slow.test/a", outcome=t.TIMEOUT, elapsed_ms=5003)
    # a check the network cut short (an outage) keeps what the last real one took
    cut = t.CheckResult(url="http://slow.test/b", outcome=t.CONNECTION_ERROR,
                        error="not checked: the network was down", inconclusive=True)
    with db.session() as session:
        record_results(session, [(slow_id, slow), (cut_id, cut)], run_id=run_id, owner="A",
                       settings=S)
    stored = links(db)
    assert stored["http://slow.test/a"].last_elapsed_ms == 5003
    assert stored["http://slow.test/b"].last_outcome == t.CONNECTION_ERROR
    assert stored["http://slow.test/b"].last_elapsed_ms == 5003


def test_an_expired_lease_is_taken_over_and_heartbeat_keeps_one(db: Any) -> None:
    add_links(db, [f"http://h{h}.test/p{i}" for h in range(2) for i in range(3)])
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


def test_network_down_run_is_inconclusive_and_changes_no_state(db: Any, web: LoopbackWeb
                                                                ) -> None:
    all_urls = urls(web, 8, 3)
    add_links(db, all_urls)
    go(db)
    make_due(db)
    web.stop_all()  # every host refuses: the network is gone
    summary = go(db)
    assert summary.status == "inconclusive" and summary.inconclusive
    assert summary.newly_failing == 0 and summary.new_problems == 0
    stored = links(db)
    assert {x.state for x in stored.values()} == {t.ALIVE}
    assert {x.failures for x in stored.values()} == {0}
    assert {x.checks for x in stored.values()} == {2}  # the checks are recorded
    last = [c for c in checks(db) if c.run_id == summary.run_id]
    assert len(last) == 24 and all(c.state_before == c.state_after == t.ALIVE for c in last)
    assert changes_since(db).new_problems == 0


def test_a_failing_canary_makes_the_run_inconclusive(db: Any, web: LoopbackWeb) -> None:
    page, canary = web.url(1, "/a"), web.url(12, "/canary")
    add_links(db, [page, web.url(1, "/b")])
    web.set(page, 404)
    web.stop(12)  # the canary's host refuses
    settings = replace(S, canary_url=canary)
    summary = go(db, settings)
    assert summary.status == "inconclusive"
    assert links(db)[page].state == t.UNCHECKED
    web.start(12)
    make_due(db)
    again = go(db, settings)
    assert again.status == "complete" and links(db)[page].state == t.FAILING


def test_a_few_dead_hosts_are_not_an_inconclusive_run(db: Any, web: LoopbackWeb) -> None:
    all_urls = urls(web, 10, 2)
    add_links(db, all_urls)
    for host in (1, 2, 3, 4):  # 4 hosts of 10 refuse
        web.stop(host)
    summary = go(db)
    assert summary.status == "complete" and summary.newly_failing == 8
    assert summary.outcomes[t.CONNECTION_ERROR] == 8


def test_changes_since_runs_and_views(db: Any, web: LoopbackWeb) -> None:
    a, b, c, d = (web.url(n, "/") for n in (1, 2, 3, 4))
    add_links(db, [a, b, c, d])
    web.set(b, 404)
    web.set(c, 404)
    go(db)
    make_due(db)
    web.set(a, 404)
    web.set(b, 200)
    web.set(d, 301, location=web.url(4, "/moved"))
    second = go(db)
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


def test_changes_since_an_unknown_run_is_a_clear_error(db: Any, web: LoopbackWeb) -> None:
    from provenance.errors import NotFoundError

    add_links(db, [web.url(1, "/")])
    go(db)
    with pytest.raises(NotFoundError, match="no check run 99"):
        changes_since(db, 99)


def test_title_mismatch_is_a_new_problem_once(db: Any, web: LoopbackWeb) -> None:
    url = web.url(1, "/sold")
    add_document(db, "Summit", add_links(db, [url]), ref_title="Kim visits Beijing")
    web.set(url, 200, title="Casino bonus: play slots online")
    first = go(db)
    assert first.title_mismatches == 1 and first.new_problems == 1
    assert [x.url for x in changes_since(db).title_mismatches] == [url]
    make_due(db)
    second = go(db)
    assert second.title_mismatches == 0
    assert changes_since(db).title_mismatches == ()


def test_validators_are_kept_for_conditional_requests(db: Any, web: LoopbackWeb) -> None:
    url = web.url(1, "/tagged")
    add_links(db, [url])
    web.set(url, 200, title="Tagged", etag='"v1"',
            last_modified="Mon, 05 Jan 2026 00:00:00 GMT")
    go(db)
    again = go(db, all=True)
    first, second = web.asked(url)
    assert "If-None-Match" not in first
    assert second["If-None-Match"] == '"v1"'
    assert second["If-Modified-Since"].startswith("Mon")
    assert again.outcomes == Counter({t.OK: 1})  # a 304 is the page unchanged
    assert links(db)[url].etag == '"v1"' and links(db)[url].state == t.ALIVE


def _open(session: Any) -> int:
    from provenance.store.runs import open_run

    return int(open_run(session, {}, stale_after=timedelta(hours=1)).id)


def test_a_stale_open_run_is_closed_and_a_new_one_opened(db: Any, web: LoopbackWeb) -> None:
    add_links(db, [web.url(1, "/")])
    with db.session() as session:
        old = CheckRun(kind="check", started_at=datetime.now(UTC) - timedelta(days=3))
        session.add(old)
        session.flush()
        old_id = old.id
    summary = go(db)
    assert summary.run_id != old_id
    with db.session() as session:
        assert session.exec(select(CheckRun.status).where(  # type: ignore
            CheckRun.id == old_id)).scalar_one() == "partial"
