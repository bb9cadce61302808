"""Nights that go wrong change nothing: outages, broken resolvers, flaky networks (issue 11).

Every night runs the real runner, store and checker on the in-process network
(tests/net/nightly.py); the resolver and the connections are the only fakes.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select

from provenance.check.policy import CheckPolicy
from provenance.domain import links as t
from provenance.store.models import LinkCheck
from tests.net.fakenet import Request
from tests.net.nightly import (
    Town,
    add_links,
    fast_policy,
    night,
    night_settings,
    simulate_month,
    states,
    transient_faults,
)


@pytest.fixture
def sqlite_db(sqlite_template: Any, tmp_path: Any) -> Any:
    import shutil

    from provenance.store.database import Database

    path = tmp_path / "nights.db"
    shutil.copy(sqlite_template, path)
    db = Database.open(f"sqlite:///{path}")
    yield db
    db.dispose()


def healthy_town(db: Any, hosts: int = 10, per_host: int = 10) -> Town:
    town = Town(hosts, per_host)
    add_links(db, town.urls)
    first = night(db, town, day=0)
    assert first.status == "complete" and states(db) == {t.ALIVE: hosts * per_host}
    return town


def checks_in(db: Any, run_id: int) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count()).select_from(LinkCheck).where(
            LinkCheck.run_id == run_id)).scalar_one())


def test_transient_faults_are_retried_within_the_run(sqlite_db: Any) -> None:
    town = Town(10, 10)
    add_links(sqlite_db, town.urls)
    town.web.fault = transient_faults(0.10, seed=3)
    summary = night(sqlite_db, town, day=0)
    assert summary.status == "complete" and summary.checked == 100
    assert states(sqlite_db) == {t.ALIVE: 100}


def test_without_retries_the_same_faults_count(sqlite_db: Any) -> None:
    town = Town(10, 10)
    add_links(sqlite_db, town.urls)
    town.web.fault = transient_faults(0.10, seed=3)
    settings = night_settings(retries=0)
    night(sqlite_db, town, day=0, settings=settings)
    assert states(sqlite_db)[t.FAILING] > 0


def test_a_resolver_answering_nxdomain_for_everything_moves_no_link(sqlite_db: Any) -> None:
    town = healthy_town(sqlite_db)
    town.resolver.mode = "nxdomain"
    summary = night(sqlite_db, town, day=8, all=True)
    assert summary.status == "inconclusive"
    assert summary.newly_failing == summary.newly_dead == 0
    assert states(sqlite_db) == {t.ALIVE: 100}
    assert town.resolver.asked.count("canary-one.test") >= 1


def test_one_missing_host_is_not_a_broken_resolver(sqlite_db: Any) -> None:
    town = healthy_town(sqlite_db)
    del town.resolver.table["h3.test"]
    summary = night(sqlite_db, town, day=8, all=True)
    assert summary.status == "complete"
    assert states(sqlite_db) == {t.ALIVE: 90, t.FAILING: 10}


def outage(after_requests: int, lasting: float | None) -> Any:
    """Every connection refused from the ``after_requests``-th request on, for ``lasting``
    seconds (None: for good)."""
    seen = 0
    began: float | None = None

    def fault(request: Request | None, _address: str) -> str | None:
        nonlocal seen, began
        if request is not None:
            seen += 1
        if began is None and seen >= after_requests:
            began = time.monotonic()
        if began is not None and (lasting is None or time.monotonic() < began + lasting):
            return "refused" if request is None else "reset"
        return None

    return fault


def test_an_outage_mid_run_is_waited_out_and_moves_no_link(sqlite_db: Any) -> None:
    town = healthy_town(sqlite_db, hosts=20, per_host=20)
    town.web.fault = outage(after_requests=120, lasting=1.0)
    summary = night(sqlite_db, town, day=8, all=True)
    assert summary.status == "complete" and summary.checked == 400
    assert states(sqlite_db) == {t.ALIVE: 400}
    assert summary.outcomes == {t.OK: 400}


def test_an_outage_that_never_ends_leaves_the_run_inconclusive(sqlite_db: Any) -> None:
    town = healthy_town(sqlite_db, hosts=20, per_host=20)
    town.web.fault = outage(after_requests=120, lasting=None)
    summary = night(sqlite_db, town, day=8, all=True)
    assert summary.status == "inconclusive"
    assert summary.newly_failing == summary.newly_dead == 0
    assert states(sqlite_db) == {t.ALIVE: 400}


def test_a_night_with_every_connection_refused_moves_no_link(sqlite_db: Any) -> None:
    town = healthy_town(sqlite_db)
    town.web.down = "refused"
    summary = night(sqlite_db, town, day=8, all=True)
    assert summary.status == "inconclusive"
    assert states(sqlite_db) == {t.ALIVE: 100}


def test_one_refused_host_fails_only_its_own_links(sqlite_db: Any) -> None:
    town = healthy_town(sqlite_db)
    dead_address = town.resolver.table["h4.test"][0]
    town.web.fault = lambda request, address: "refused" if address == dead_address else None
    summary = night(sqlite_db, town, day=8, all=True)
    assert summary.status == "complete"
    assert states(sqlite_db) == {t.ALIVE: 90, t.FAILING: 10}


def test_a_simulated_month_of_flaky_nights_calls_no_healthy_link_dead(sqlite_db: Any) -> None:
    month = simulate_month(sqlite_db, hosts=10, per_host=10, nights=30, rate=0.10, seed=5)
    assert month.dead == 0 and month.failing <= 1
    assert month.checks >= 100


def test_policy_from_settings_and_quick() -> None:
    settings = night_settings(retries=0)
    assert CheckPolicy.from_settings(settings).retry.attempts_after(t.SERVER_ERROR) == 0
    policy = fast_policy()
    assert policy.retry.attempts_after(t.CONNECTION_ERROR) == 2
    assert policy.retry.attempts_after(t.TIMEOUT) == 1
    assert policy.retry.attempts_after(t.NOT_FOUND) == 0
    assert policy.outage.settle < CheckPolicy().outage.settle
