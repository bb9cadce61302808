"""The archive use case against the fake Wayback server, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from provenance.archive.service import plan_archive, run_archive
from provenance.domain.archive_state import archive_view
from provenance.store.models import ArchiveLookup, CheckRun, Link
from tests.fakes.wayback import closed_port_url


async def test_each_state(db, settings, wayback, cited):
    fake = wayback.fake
    dead_archived = cited.link("http://dead-archived.example/a", "dead", access=date(2019, 3, 4))
    dead_none = cited.link("http://dead-none.example/a", "dead", access=date(2019, 3, 4))
    alive_archived = cited.link("http://alive-archived.example/", "alive")
    alive_none = cited.link("http://alive-none.example/", "alive")
    dead_only_404 = cited.link("http://dead-404.example/x", "dead", access=date(2019, 3, 4))
    fake.add_capture("http://dead-archived.example/a", "20190301120000", 200)
    fake.add_capture("http://alive-archived.example/", "20210101000000", 200)
    fake.add_capture("http://dead-404.example/x", "20190302000000", 404)

    report = await run_archive(db, settings)

    assert cited.get(dead_archived).archive_state == "rescued"
    assert cited.get(dead_none).archive_state == "lost"
    assert cited.get(alive_archived).archive_state == "preserved"
    assert cited.get(alive_none).archive_state == "at-risk"
    assert cited.get(dead_only_404).archive_state == "lost"
    rescued = cited.get(dead_archived)
    assert rescued.archive_url == f"{wayback.url}/web/20190301120000/http://dead-archived.example/a"
    assert rescued.archive_status == 200
    assert archive_view(rescued) == {"state": "rescued", "url": rescued.archive_url,
                                     "timestamp": "2019-03-01T12:00:00Z"}
    assert report.new_lost == ["http://dead-404.example/x", "http://dead-none.example/a"]
    # dead links were asked first
    assert [o.url for o in report.lookups][:3] == [
        "http://dead-archived.example/a", "http://dead-none.example/a", "http://dead-404.example/x"]
    by_result = {o.url: o.result for o in report.lookups}
    assert by_result["http://dead-404.example/x"] == "unusable"
    with db.session() as s:
        rows = s.exec(select(ArchiveLookup)).all()
        assert len(rows) == 5
        run = s.get(CheckRun, report.run_id)
        assert run.kind == "archive" and run.status == "complete"
        assert run.counts["states"]["lost"] == 2


async def test_cache_second_run_asks_nothing(db, settings, wayback, cited):
    fake = wayback.fake
    cited.link("http://cached.example/", "dead", access=date(2020, 1, 1))
    cited.link("http://nothing.example/", "alive")
    fake.add_capture("http://cached.example/", "20191231000000", 200)
    await run_archive(db, settings)
    asked = fake.count("cdx")
    assert asked == 2
    second = await run_archive(db, settings)
    assert fake.count("cdx") == asked
    assert second.lookups == [] and second.cached == 2
    # once the recheck period has passed, the link is asked again
    later = datetime.now(UTC) + timedelta(days=settings.archive_recheck_days + 1)
    third = await run_archive(db, settings, clock=lambda: later)
    assert len(third.lookups) == 2


async def test_state_follows_link_state_without_asking(db, settings, wayback, cited):
    fake = wayback.fake
    preserved = cited.link("http://will-die.example/", "alive")
    at_risk = cited.link("http://will-die-too.example/", "alive")
    fake.add_capture("http://will-die.example/", "20200101000000")
    await run_archive(db, settings)
    assert cited.get(preserved).archive_state == "preserved"
    assert cited.get(at_risk).archive_state == "at-risk"
    asked = fake.count()
    with db.session() as s:
        for link in s.exec(select(Link)):
            link.state = "dead"
            link.state_since = link.archive_checked_at - timedelta(seconds=1)
            s.add(link)
    report = await run_archive(db, settings)
    assert fake.count() == asked  # a held snapshot and a recent "none" are not asked again
    assert cited.get(preserved).archive_state == "rescued"
    assert cited.get(at_risk).archive_state == "lost"
    assert report.new_lost == ["http://will-die-too.example/"]


async def test_link_that_died_after_lookup_is_asked_again(db, settings, wayback, cited):
    link_id = cited.link("http://died.example/", "alive")
    await run_archive(db, settings)
    assert cited.get(link_id).archive_state == "at-risk"
    wayback.fake.add_capture("http://died.example/", "20240101000000")
    with db.session() as s:
        link = s.get(Link, link_id)
        link.state, link.state_since = "dead", datetime.now(UTC) + timedelta(seconds=1)
        s.add(link)
    await run_archive(db, settings, clock=lambda: datetime.now(UTC) + timedelta(seconds=2))
    assert cited.get(link_id).archive_state == "rescued"


async def test_no_network_is_unknown_and_retried(db, settings, wayback, cited):
    ids = [cited.link(f"http://offline{i}.example/", "dead") for i in range(5)]
    offline = replace(settings, wayback_url=closed_port_url())
    report = await run_archive(db, offline)
    assert [cited.get(i).archive_state for i in ids] == ["unknown"] * 5
    assert report.new_lost == []
    assert report.stopped and "unreachable" in report.stopped
    assert len(report.lookups) == 3 and report.left == 2  # stops after 3 failures in a row
    with db.session() as session:
        assert session.get(CheckRun, report.run_id).status == "stopped"
    assert {o.result for o in report.lookups} == {"error"}
    # next run, with the archive back, asks again
    wayback.fake.add_capture("http://offline0.example/", "20200101000000")
    again = await run_archive(db, settings)
    assert len(again.lookups) == 5
    assert cited.get(ids[0]).archive_state == "rescued"
    assert cited.get(ids[1]).archive_state == "lost"


async def test_503_falls_back_to_availability(db, settings, wayback, cited):
    fake = wayback.fake
    link_id = cited.link("http://fallback.example/", "dead", access=date(2018, 5, 8))
    fake.add_capture("http://fallback.example/", "20180508000000", 200)
    fake.fail("cdx", "503", times=1)
    report = await run_archive(db, settings)
    assert report.lookups[0].result == "found" and report.lookups[0].requests == 2
    assert cited.get(link_id).archive_state == "rescued"
    assert fake.count("available") == 1


async def test_service_error_keeps_held_state(db, settings, wayback, cited):
    fake = wayback.fake
    link_id = cited.link("http://held.example/", "dead")
    fake.add_capture("http://held.example/", "20200101000000")
    await run_archive(db, settings)
    fake.fail("cdx", "503")
    fake.fail("available", "hang", seconds=5)
    later = datetime.now(UTC) + timedelta(days=60)
    report = await run_archive(db, settings, clock=lambda: later)
    assert report.lookups[0].result == "error"
    assert cited.get(link_id).archive_state == "rescued"  # the held capture still exists


async def test_rate_limited_lookup_is_unknown_not_lost(db, settings, wayback, cited):
    fake = wayback.fake
    link_id = cited.link("http://limited.example/", "dead")
    fake.add_capture("http://limited.example/", "20200101000000")
    fake.fail("cdx", "429", times=1, retry_after="1")
    report = await run_archive(db, settings, limit=1)
    assert report.lookups[0].result == "rate-limited"
    assert cited.get(link_id).archive_state == "unknown"
    assert report.new_lost == []
    again = await run_archive(db, settings)
    assert again.lookups[0].result == "found"
    assert cited.get(link_id).archive_state == "rescued"


async def test_long_block_stops_the_run_and_leaves_the_rest(db, settings, wayback, cited):
    fake = wayback.fake
    for i in range(3):
        cited.link(f"http://blocked{i}.example/", "dead")
    fake.fail("cdx", "429")  # no Retry-After: everyone stops for at least 60 s
    report = await run_archive(db, settings, max_wait=1.0)
    assert len(report.lookups) == 1 and report.lookups[0].result == "rate-limited"
    assert report.left == 2 and "rate limited" in report.stopped
    assert fake.count("cdx") == 1  # no tight loop of 429s
    with db.session() as session:  # a run that stopped is not complete
        assert session.get(CheckRun, report.run_id).status == "stopped"


async def test_plan_and_limit_and_document(db, settings, wayback, cited):
    other = cited.document("other.md")
    cited.link("http://a.example/", "alive")
    cited.link("http://b.example/", "dead")
    cited.link("http://c.example/", "failing", document_id=other)
    cited.link("http://d.example/", "refused")
    targets, cached = plan_archive(db, settings)
    assert [t.url for t in targets] == ["http://b.example/", "http://c.example/",
                                        "http://a.example/"]
    assert cached == 0
    assert wayback.fake.count() == 0
    report = await run_archive(db, settings, document="other.md")
    assert [o.url for o in report.lookups] == ["http://c.example/"]
    report = await run_archive(db, settings, limit=1)
    assert [o.url for o in report.lookups] == ["http://b.example/"]
