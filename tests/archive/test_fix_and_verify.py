"""fix --use-archives with undo, and verification of archive URLs references carry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from provenance.archive.fix import fix_with_archives, last_batch, undo_batch
from provenance.archive.service import run_archive
from provenance.archive.verify import judge, page_key, parse_archive_url
from provenance.domain.archives import PlaybackProbe
from provenance.domain.partial_dates import PartialDate
from provenance.errors import NotFoundError
from provenance.services.ingest import ingest_one
from provenance.store.models import ArchiveVerification, Reference, ReferenceEdit


def refs(db):
    with db.session() as s:
        return {r.url: r for r in s.exec(select(Reference))}


async def test_fix_writes_archives_and_undo_restores(db, settings, wayback, cited):
    fake = wayback.fake
    cited.link("http://rescued.example/a", "dead", access=date(2019, 3, 4))
    cited.link("http://lost.example/", "dead")
    cited.link("http://alive.example/", "alive")
    fake.add_capture("http://rescued.example/a", "20190301000000")
    fake.add_capture("http://alive.example/", "20190301000000")
    await run_archive(db, settings)

    report = fix_with_archives(db)
    assert report.references == 1
    ref = refs(db)["http://rescued.example/a"]
    assert ref.archive_url == f"{wayback.url}/web/20190301000000/http://rescued.example/a"
    assert ref.archive_date == date(2019, 3, 1)
    assert ref.extra["url-status"] == "dead"
    assert refs(db)["http://alive.example/"].archive_url is None  # alive: left alone
    with db.session() as s:
        edits = s.exec(select(ReferenceEdit)).all()
    assert {(e.action, e.field_name, e.old_value, e.batch) for e in edits} == {
        ("fix-archive", "archive_url", None, report.batch),
        ("fix-archive", "archive_date", None, report.batch),
        ("fix-archive", "extra.url-status", None, report.batch)}
    assert fix_with_archives(db).edits == []  # idempotent

    assert last_batch(db) == report.batch
    undone = undo_batch(db, report.batch)
    assert len(undone.edits) == 3 and not undone.conflicts
    ref = refs(db)["http://rescued.example/a"]
    assert ref.archive_url is None and ref.archive_date is None and "url-status" not in ref.extra
    with db.session() as s:
        assert len(s.exec(select(ReferenceEdit).where(ReferenceEdit.action == "undo")).all()) == 3
    with pytest.raises(NotFoundError):
        undo_batch(db, report.batch)
    with pytest.raises(NotFoundError):
        last_batch(db)
    with pytest.raises(NotFoundError):
        undo_batch(db, "no-such-batch")


async def test_undo_leaves_fields_changed_since(db, settings, wayback, cited):
    cited.link("http://edited.example/", "dead", access=date(2020, 1, 1))
    wayback.fake.add_capture("http://edited.example/", "20191201000000")
    await run_archive(db, settings)
    batch = fix_with_archives(db).batch
    with db.session() as s:
        ref = s.exec(select(Reference)).one()
        ref.archive_url = "https://web.archive.org/web/2019/http://edited.example/"
        s.add(ref)
    undone = undo_batch(db, batch)
    assert [c.field_name for c in undone.conflicts] == ["archive_url"]
    assert refs(db)["http://edited.example/"].archive_url.startswith("https://web.archive.org")


async def test_fix_replaces_a_carried_archive_that_does_not_exist(db, settings, wayback, cited):
    fake = wayback.fake
    bad = "https://web.archive.org/web/20180508000000/http://badarchive.example/"
    cited.link("http://badarchive.example/", "dead", archive_url=bad,
               archive_date=date(2018, 5, 8))
    cited.link("http://goodarchive.example/", "dead",
               archive_url="https://web.archive.org/web/2018/http://goodarchive.example/")
    fake.add_capture("http://goodarchive.example/", "20180101000000")
    await run_archive(db, settings)  # the bad one: no capture at all
    fake.add_capture("http://badarchive.example/", "20190101000000")  # found later
    await run_archive(db, settings, verify=False)
    with db.session() as s:
        from provenance.store.models import Link
        for link in s.exec(select(Link)):
            link.archive_next_at = None
            s.add(link)
    await run_archive(db, settings, verify=False)
    fixed = fix_with_archives(db)
    assert {e.reference_id for e in fixed.edits} == {refs(db)["http://badarchive.example/"].id}
    assert refs(db)["http://badarchive.example/"].archive_url.endswith(
        "/web/20190101000000/http://badarchive.example/")


async def test_verify_carried_archive_urls(db, settings, wayback, cited):
    fake = wayback.fake
    fake.add_capture("http://v.example/page", "20180508101010")
    fake.add_capture("http://moved.example/", "20180601000000", 301,
                     location="http://elsewhere.example/")
    cited.link("http://v.example/page", "alive",
               archive_url="https://web.archive.org/web/20180508101010/http://v.example/page",
               archive_date=date(2018, 5, 8), label="same")
    cited.link("http://v.example/page", "alive",
               archive_url="https://web.archive.org/web/20180508101010/http://v.example/page",
               archive_date=date(2018, 6, 1), label="wrongdate")
    cited.link("http://v.example/other", "alive",
               archive_url="https://web.archive.org/web/20180508101010/http://v.example/page",
               label="wrongurl")
    cited.link("http://v.example/page", "alive",
               archive_url="https://web.archive.org/web/20170101/http://v.example/page",
               label="nearest")
    cited.link("http://missing.example/", "dead",
               archive_url="https://web.archive.org/web/20180508/http://missing.example/",
               label="missing")
    cited.link("http://moved.example/", "alive",
               archive_url="https://web.archive.org/web/20180601000000/http://moved.example/",
               archive_date=date(2018, 6, 1), label="redirect")
    cited.link("http://other-archive.example/", "alive",
               archive_url="https://archive.ph/AbCd1", label="archiveph")
    report = await run_archive(db, settings)
    with db.session() as s:
        rows = {s.get(Reference, v.reference_id).label: v
                for v in s.exec(select(ArchiveVerification))}
    got = {label: (v.exists, v.same_url, v.same_date) for label, v in rows.items()}
    assert got == {
        "same": (True, True, True),
        "wrongdate": (True, True, False),
        "wrongurl": (True, False, True),
        "nearest": (True, True, False),  # served the 2018 capture, not the claimed 2017 one
        "missing": (False, None, None),
        "redirect": (True, True, True),  # an archived redirect is a capture of that URL
        "archiveph": (None, None, None),
    }
    assert rows["archiveph"].error.startswith("not a Wayback")
    assert len(report.verifications) == 7
    # verified recently: not asked again
    asked = fake.count("web")
    again = await run_archive(db, settings)
    assert again.verifications == [] and fake.count("web") == asked


async def test_verification_error_is_retried(db, settings, wayback, cited):
    cited.link("http://e.example/", "alive",
               archive_url="https://web.archive.org/web/2018/http://e.example/")
    wayback.fake.fail("web", "503", times=1)
    first = await run_archive(db, settings)
    assert first.verifications[0].exists is None and "503" in first.verifications[0].error
    second = await run_archive(db, settings)
    assert second.verifications[0].exists is False and second.verifications[0].error is None


def test_parse_archive_url():
    ref = parse_archive_url("https://web.archive.org/web/20180508000000id_/http://x.example/a?b=1")
    assert (ref.timestamp, ref.original) == ("20180508000000", "http://x.example/a?b=1")
    assert parse_archive_url("http://archive.org/web/2018/https:/x.example/").original == \
        "https://x.example/"
    assert parse_archive_url("https://archive.ph/abc") is None
    assert parse_archive_url("http://127.0.0.1:9/web/2018/http://x/", "http://127.0.0.1:9")
    assert parse_archive_url("http://127.0.0.1:9/web/2018/http://x/") is None


async def test_carried_archive_date_is_compared_at_its_written_precision(
        db, settings, wayback, tmp_path):
    """archive-date "2018" matches any capture of 2018, "May 2018" any of May 2018; a URL
    timestamp of ``201805`` with no archive date the same; read through a real ingest."""
    fake = wayback.fake
    for n in range(1, 7):
        fake.add_capture(f"http://p{n}.example/", "20180522101010")
    archived = "https://web.archive.org/web/{ts}/http://p{n}.example/"
    cites = [("2018", "20180522101010"), ("May 2018", "20180522101010"),
             ("June 2018", "20180522101010"), ("2019", "20180522101010"),
             ("22 May 2018", "20180522101010"), (None, "201805")]
    lines = ["Claims.\n"]
    for n, (written, ts) in enumerate(cites, start=1):
        date_param = f" |archive-date={written}" if written else ""
        lines.append(f"Claim {n}.<ref>{{{{cite web |url=http://p{n}.example/ |title=P{n} "
                     f"|archive-url={archived.format(ts=ts, n=n)}{date_param}}}}}</ref>\n")
    lines.append("== References ==\n<references />\n")
    source = tmp_path / "dates.wikitext"
    source.write_text("".join(lines), encoding="utf-8")
    outcome = ingest_one(db, settings, str(source), fmt="wikitext")
    assert outcome.error is None
    with db.session() as s:
        precision = {r.url: r.archive_date_precision for r in s.exec(select(Reference))}
    assert precision["http://p1.example/"] == "year"
    assert precision["http://p2.example/"] == "month"
    report = await run_archive(db, settings)
    with db.session() as s:
        got = {s.get(Reference, v.reference_id).url: v.same_date
               for v in s.exec(select(ArchiveVerification))}
    assert got == {"http://p1.example/": True, "http://p2.example/": True,
                   "http://p3.example/": False, "http://p4.example/": False,
                   "http://p5.example/": True, "http://p6.example/": True}
    assert len(report.verifications) == 6


def test_judge_compares_dates_at_their_precision():
    ref = parse_archive_url("https://web.archive.org/web/2018/http://x.example/")
    seen = PlaybackProbe(requested_url="u", exists=True, http_status=200,
                         timestamp=datetime(2018, 12, 31, 23, 0, tzinfo=UTC),
                         original="http://x.example/")
    assert judge(seen, ref, None, None) == (True, True, True)  # "2018": any day of 2018
    assert judge(seen, ref, None, PartialDate(date(2018, 12, 1), "month"))[2] is True
    assert judge(seen, ref, None, PartialDate(date(2018, 11, 1), "month"))[2] is False
    assert judge(seen, ref, None, PartialDate(date(2018, 12, 30)))[2] is False
    assert judge(seen, ref, None, PartialDate(date(2018, 10, 1), "season"))[2] is True
    odd = parse_archive_url("https://web.archive.org/web/20181350/http://x.example/")
    assert judge(seen, odd, None, None)[2] is None  # no such month: nothing claimed


def test_page_key_and_judge():
    assert page_key("https://www.Example.com/a/") == page_key("http://example.com/a")
    assert page_key("http://example.com/a?x=1") != page_key("http://example.com/a")
    ref = parse_archive_url("https://web.archive.org/web/20180508/http://x.example/")
    missing = PlaybackProbe(requested_url="u", exists=False, http_status=404)
    assert judge(missing, ref, "http://x.example/", None) == (False, None, None)
