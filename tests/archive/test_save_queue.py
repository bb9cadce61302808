"""Save Page Now as a resumable queue, against the fake (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from provenance.archive.save_queue import SaveQueue, classify_status_ext, plan_saves, queue_saves
from provenance.archive.service import run_archive
from provenance.archive.wayback import WaybackClient
from provenance.store.database import Database
from provenance.store.models import ArchiveLookup, SaveJob
from tests.fakes.wayback import SavePlan


def now() -> datetime:
    return datetime.now(UTC)


async def at_risk(db, settings, cited, urls):
    ids = [cited.link(url, "alive") for url in urls]
    await run_archive(db, settings)
    assert {cited.get(i).archive_state for i in ids} == {"at-risk"}
    return ids


async def work(db, settings, **kwargs):
    kwargs.setdefault("poll_interval", 0.01)
    kwargs.setdefault("poll_timeout", 5.0)
    async with WaybackClient.from_settings(settings) as client:
        return await SaveQueue(db, settings, client, **kwargs).run()


def jobs(db):
    with db.session() as s:
        return list(s.exec(select(SaveJob).order_by(SaveJob.id)))


@pytest.mark.parametrize("ext,kind", [
    ("error:not-found", "permanent"), ("error:blocked-url", "permanent"),
    ("error:invalid-host-resolution", "permanent"), ("error:too-many-daily-captures", "stop"),
    ("error:user-session-limit", "stop"), ("error:max-daily-bandwidth-host", "stop"),
    ("error:gateway-timeout", "transient"), ("error:browsing-timeout", "transient"),
    (None, "transient")])
def test_classify_status_ext(ext, kind):
    assert classify_status_ext(ext) == kind


async def test_save_captures_at_risk_links(db, settings, wayback, cited):
    fake = wayback.fake
    fake.access_key, fake.secret_key = "AK", "SK"
    keyed = settings.__class__(**{**settings.__dict__, "wayback_access_key": "AK",
                                  "wayback_secret_key": "SK"})
    ids = await at_risk(db, keyed, cited, ["http://a.example/", "http://b.example/"])
    cited.link("http://dead.example/", "dead")
    fake.default_plan = SavePlan(pending_polls=2)
    assert plan_saves(db, now=now()) == ["http://a.example/", "http://b.example/"]
    assert fake.count("save") == 0  # a dry run asks nothing
    assert queue_saves(db, now=now()) == 2
    assert queue_saves(db, now=now()) == 0  # never two open jobs for one link
    report = await work(db, keyed)
    assert sorted(fake.saved_urls()) == ["http://a.example/", "http://b.example/"]
    assert all(r.headers.get("authorization") == "LOW AK:SK"
               for r in fake.requests if r.endpoint == "save")
    assert len(report.captured) == 2 and report.pending_left == 0
    for link_id in ids:
        link = cited.get(link_id)
        assert link.archive_state == "preserved" and link.archive_url.startswith(wayback.url)
    assert [j.status for j in jobs(db)] == ["success", "success"]
    with db.session() as s:
        saved = s.exec(select(ArchiveLookup).where(ArchiveLookup.result == "saved")).all()
        assert {(r.state_before, r.state_after) for r in saved} == {("at-risk", "preserved")}
    # a captured link is not queued again
    assert queue_saves(db, now=now()) == 0
    assert plan_saves(db, now=now()) == []


async def test_resume_after_stop_never_double_submits(db, settings, wayback, cited):
    fake = wayback.fake
    urls = [f"http://resume{i}.example/" for i in range(4)]
    ids = await at_risk(db, settings, cited, urls)
    fake.default_plan = SavePlan(pending_polls=None)  # jobs stay pending
    queue_saves(db, now=now())
    # the run is killed while polling: once every submission is recorded, however slow the machine
    run = asyncio.create_task(work(db, settings, poll_interval=0.05, poll_timeout=60))
    for _ in range(600):
        recorded = jobs(db)
        if run.done() or (len(recorded) == len(urls)
                          and all(j.status == "pending" and j.job_id for j in recorded)):
            break
        await asyncio.sleep(0.05)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert sorted(fake.saved_urls()) == urls
    assert {j.status for j in jobs(db)} == {"pending"} and all(j.job_id for j in jobs(db))
    # a second run, before the jobs finish, only polls
    again = await work(db, settings, poll_timeout=0.2)
    assert again.submitted == [] and again.pending_left == 4
    assert queue_saves(db, now=now()) == 0
    # the jobs finish: the next run records the captures without submitting anything
    fake.default_plan = SavePlan(pending_polls=0)
    polls_before = fake.count("status")
    done = await work(db, settings)
    assert done.submitted == [] and len(done.captured) == 4
    assert fake.count("status") > polls_before
    assert sorted(fake.saved_urls()) == urls  # each URL submitted exactly once
    assert {cited.get(i).archive_state for i in ids} == {"preserved"}


async def test_two_runs_at_once_submit_each_url_once(db, settings, wayback, cited):
    urls = [f"http://twice{i}.example/" for i in range(6)]
    await at_risk(db, settings, cited, urls)
    queue_saves(db, now=now())
    other = Database.open(db.url)
    try:
        await asyncio.gather(work(db, settings), work(other, settings))
    finally:
        other.dispose()
    assert sorted(wayback.fake.saved_urls()) == urls
    assert {j.status for j in jobs(db)} == {"success"}


async def test_permanent_error_is_not_retried(db, settings, wayback, cited):
    fake = wayback.fake
    await at_risk(db, settings, cited, ["http://gone.example/"])
    fake.plans["http://gone.example/"] = SavePlan(error="error:not-found")
    queue_saves(db, now=now())
    report = await work(db, settings)
    assert report.failed == [("http://gone.example/", "error:not-found")]
    assert [(j.status, j.error) for j in jobs(db)] == [("failed", "error:not-found")]
    assert queue_saves(db, now=now()) == 0
    await work(db, settings)
    assert fake.saved_urls() == ["http://gone.example/"]


async def test_stop_the_run_on_daily_quota(db, settings, wayback, cited):
    fake = wayback.fake
    await at_risk(db, settings, cited, ["http://q1.example/", "http://q2.example/"])
    fake.plans["http://q1.example/"] = SavePlan(submit_error="error:too-many-daily-captures")
    queue_saves(db, now=now())
    report = await work(db, settings)
    assert "too-many-daily-captures" in report.stopped
    assert fake.saved_urls() == ["http://q1.example/"]  # q2 was never sent
    assert [j.status for j in jobs(db)] == ["queued", "queued"]
    assert jobs(db)[0].attempts == 0 and report.queued_left == 2
    fake.plans.clear()  # tomorrow
    done = await work(db, settings)
    assert len(done.captured) == 2


async def test_transient_error_is_retried_later(db, settings, wayback, cited):
    fake = wayback.fake
    ids = await at_risk(db, settings, cited, ["http://flaky.example/"])
    fake.plans["http://flaky.example/"] = SavePlan(error="error:gateway-timeout")
    queue_saves(db, now=now())
    report = await work(db, settings, retry_delay=60)
    assert report.retried == [("http://flaky.example/", "error:gateway-timeout")]
    job = jobs(db)[0]
    assert job.status == "queued" and job.next_attempt_at > now() + timedelta(seconds=30)
    # not due yet: nothing is submitted
    assert (await work(db, settings)).submitted == []
    fake.plans.clear()
    later = now() + timedelta(minutes=5)
    done = await work(db, settings, clock=lambda: later)
    assert fake.count("cdx") >= 2  # looked for a capture from the first try before resubmitting
    assert len(done.captured) == 1 and cited.get(ids[0]).archive_state == "preserved"


async def test_earlier_capture_found_before_resubmitting(db, settings, wayback, cited):
    fake = wayback.fake
    ids = await at_risk(db, settings, cited, ["http://timeout.example/"])
    queue_saves(db, now=now())
    fake.fail("save", "503", times=1)
    first = await work(db, settings, retry_delay=60)
    assert first.retried and fake.count("save") == 1
    # the 503 came after a capture was made anyway: the retry finds it, no second POST
    fake.add_capture("http://timeout.example/", datetime.now(UTC).strftime("%Y%m%d%H%M%S"))
    later = now() + timedelta(minutes=5)
    done = await work(db, settings, clock=lambda: later)
    assert fake.count("save") == 1
    assert len(done.captured) == 1 and cited.get(ids[0]).archive_state == "preserved"


async def test_save_429_blocks_and_keeps_the_job(db, settings, wayback, cited):
    fake = wayback.fake
    await at_risk(db, settings, cited, ["http://busy.example/", "http://busy2.example/"])
    queue_saves(db, now=now())
    fake.fail("save", "429", retry_after="120")
    report = await work(db, settings, max_wait=1)
    assert "rate limited" in report.stopped
    assert fake.count("save") == 1
    assert [(j.status, j.attempts) for j in jobs(db)] == [("queued", 0), ("queued", 0)]
