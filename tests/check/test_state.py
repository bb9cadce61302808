"""The link state machine and the schedule: pure functions, fixed clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from provenance.domain import links as t
from provenance.domain.link_state import LinkSnapshot, PastCheck, apply_result, replay
from provenance.domain.schedule import next_check_at, recheck_interval
from provenance.settings import Settings

S = Settings(dead_after_failures=3, dead_after_days=3.0, recheck_alive_days=7.0,
             recheck_failing_hours=24.0)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def result(outcome: str, mismatch: bool = False) -> t.CheckResult:
    return t.CheckResult(url="http://x.test/", outcome=outcome, title_mismatch=mismatch)


def run(outcomes: list[tuple[float, str]], settings: Settings = S) -> list[str]:
    history = [PastCheck(day(d), o) for d, o in outcomes]
    return [c.after.state for c in replay(history, settings)]


def test_first_good_check_makes_a_link_alive() -> None:
    change = apply_result(LinkSnapshot(), result(t.OK), T0, S)
    assert change.after.state == t.ALIVE and change.after.state_since == T0
    assert change.changed and not change.new_problem


def test_permanent_redirect_makes_it_redirected() -> None:
    assert run([(0, t.REDIRECT)]) == [t.REDIRECTED]


def test_one_bad_night_is_not_dead() -> None:
    states = run([(0, t.OK), (7, t.SERVER_ERROR), (8, t.OK)])
    assert states == [t.ALIVE, t.FAILING, t.ALIVE]


def test_many_failures_in_one_day_are_not_dead() -> None:
    states = run([(0, t.NOT_FOUND), (0.1, t.NOT_FOUND), (0.2, t.NOT_FOUND),
                  (0.3, t.NOT_FOUND), (1, t.NOT_FOUND)])
    assert t.DEAD not in states and states[-1] == t.FAILING


def test_dead_after_n_failures_over_d_days() -> None:
    states = run([(0, t.NOT_FOUND), (1, t.NOT_FOUND), (2, t.NOT_FOUND), (3, t.NOT_FOUND)])
    assert states == [t.FAILING, t.FAILING, t.FAILING, t.DEAD]


def test_days_alone_are_not_enough_without_enough_failures() -> None:
    assert run([(0, t.TIMEOUT), (10, t.TIMEOUT)]) == [t.FAILING, t.FAILING]


def test_dead_flags_are_configurable() -> None:
    quick = Settings(dead_after_failures=1, dead_after_days=0)
    assert run([(0, t.NOT_FOUND)], quick) == [t.DEAD]


def test_dead_stays_dead_then_recovers_at_first_good_check() -> None:
    changes = replay([PastCheck(day(d), o) for d, o in [
        (0, t.NOT_FOUND), (1, t.NOT_FOUND), (3, t.NOT_FOUND), (10, t.NOT_FOUND),
        (17, t.OK)]], S)
    assert [c.after.state for c in changes] == [t.FAILING, t.FAILING, t.DEAD, t.DEAD, t.ALIVE]
    assert changes[2].newly_dead and not changes[3].newly_dead
    assert changes[4].recovered and changes[4].after.failures == 0
    assert changes[4].after.first_failure_at is None


def test_blocked_never_counts_toward_dead() -> None:
    states = run([(d, t.BLOCKED) for d in range(10)])
    assert set(states) == {t.STATE_BLOCKED}


def test_blocked_ends_a_failure_streak() -> None:
    changes = replay([PastCheck(day(d), o) for d, o in [
        (0, t.NOT_FOUND), (1, t.NOT_FOUND), (2, t.BLOCKED), (3, t.NOT_FOUND),
        (4, t.NOT_FOUND)]], S)
    assert [c.after.state for c in changes] == [t.FAILING, t.FAILING, t.STATE_BLOCKED,
                                                t.FAILING, t.FAILING]
    assert changes[-1].after.failures == 2


@pytest.mark.parametrize("outcome,state", [(t.INVALID, t.STATE_INVALID),
                                           (t.REFUSED, t.STATE_REFUSED)])
def test_invalid_and_refused_have_their_own_state(outcome: str, state: str) -> None:
    assert run([(0, outcome), (5, outcome), (9, outcome)]) == [state] * 3


@pytest.mark.parametrize("outcome", [t.RATE_LIMITED, t.TLS_ERROR])
def test_rate_limited_and_tls_error_leave_the_streak_untouched(outcome: str) -> None:
    changes = replay([PastCheck(day(d), o) for d, o in [
        (0, t.NOT_FOUND), (1, t.NOT_FOUND), (2, outcome), (3, t.NOT_FOUND)]], S)
    assert changes[2].after == changes[1].after
    assert changes[3].after.state == t.DEAD and changes[3].after.failures == 3


def test_rate_limited_first_check_keeps_the_link_unchecked() -> None:
    assert run([(0, t.RATE_LIMITED)]) == [t.UNCHECKED]


def test_held_check_changes_nothing() -> None:
    before = LinkSnapshot(state=t.ALIVE, state_since=T0)
    change = apply_result(before, result(t.CONNECTION_ERROR), day(1), S, hold=True)
    assert change.after == before and not change.counted
    history = [PastCheck(day(0), t.OK), PastCheck(day(1), t.TIMEOUT, held=True),
               PastCheck(day(2), t.TIMEOUT, held=True), PastCheck(day(3), t.TIMEOUT, held=True),
               PastCheck(day(4), t.TIMEOUT, held=True)]
    assert [c.after.state for c in replay(history, S)] == [t.ALIVE] * 5


def test_title_mismatch_is_recorded_on_good_checks() -> None:
    change = apply_result(LinkSnapshot(state=t.ALIVE), result(t.OK, mismatch=True), T0, S)
    assert change.after.title_mismatch and change.new_title_mismatch and change.new_problem
    again = apply_result(change.after, result(t.OK, mismatch=True), day(7), S)
    assert again.after.title_mismatch and not again.new_title_mismatch
    # a failure says nothing about the title: the flag stays
    failed = apply_result(change.after, result(t.TIMEOUT), day(8), S)
    assert failed.after.title_mismatch


def test_state_since_moves_only_on_state_change() -> None:
    changes = replay([PastCheck(day(d), t.OK) for d in (0, 7, 14)], S)
    assert {c.after.state_since for c in changes} == {day(0)}


def test_unknown_outcome_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        apply_result(LinkSnapshot(), result("exploded"), T0, S)


# ---- schedule ---------------------------------------------------------------------------

def test_healthy_links_back_off_from_days_to_weeks() -> None:
    fresh = LinkSnapshot(state=t.ALIVE, state_since=day(0))
    assert recheck_interval(fresh, t.OK, day(0), S) == timedelta(days=7)
    assert recheck_interval(fresh, t.OK, day(14), S) == timedelta(days=14)
    assert recheck_interval(fresh, t.OK, day(300), S) == timedelta(days=28)


def test_failing_links_are_rechecked_sooner() -> None:
    failing = LinkSnapshot(state=t.FAILING, failures=1, first_failure_at=T0)
    assert recheck_interval(failing, t.NOT_FOUND, T0, S) == timedelta(hours=24)


def test_rate_limited_waits_for_retry_after_at_least_an_hour() -> None:
    snap = LinkSnapshot(state=t.ALIVE, state_since=T0)
    assert recheck_interval(snap, t.RATE_LIMITED, T0, S, retry_after=30) == timedelta(hours=1)
    assert recheck_interval(snap, t.RATE_LIMITED, T0, S, retry_after=7200) == timedelta(hours=2)


def test_next_check_is_spread_with_jitter() -> None:
    snap = LinkSnapshot(state=t.ALIVE, state_since=T0)
    low = next_check_at(snap, t.OK, T0, S, jitter=0.0)
    mid = next_check_at(snap, t.OK, T0, S, jitter=0.5)
    high = next_check_at(snap, t.OK, T0, S, jitter=0.999)
    assert low < mid < high
    assert mid == T0 + timedelta(days=7)
    assert low == T0 + timedelta(days=7) * 0.9


def test_failures_every_recheck_become_dead_after_the_configured_days() -> None:
    """Following the schedule itself, a link 404ing every time is dead on day 3, not before."""
    snapshot, now, states = LinkSnapshot(), T0, []
    for _ in range(5):
        change = apply_result(snapshot, result(t.NOT_FOUND), now, S)
        states.append((round((now - T0) / timedelta(days=1)), change.after.state))
        snapshot = change.after
        now = next_check_at(snapshot, t.NOT_FOUND, now, S)
    # dead links are looked at weekly (they may come back)
    assert states == [(0, t.FAILING), (1, t.FAILING), (2, t.FAILING), (3, t.DEAD),
                      (10, t.DEAD)]
