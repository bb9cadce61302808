"""Choosing the snapshot closest to what the citer saw (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from provenance.domain.archives import Snapshot, format_timestamp, parse_timestamp
from provenance.domain.snapshot_choice import choose_snapshot, status_rank, usable

URL = "http://example.com/page"


def snap(ts: str, status: int | None = 200) -> Snapshot:
    return Snapshot(timestamp=parse_timestamp(ts), original=URL, status=status)


def test_latest_capture_at_or_before_access_date():
    snaps = [snap("20190101"), snap("20190303"), snap("20190305"), snap("20190304235959")]
    assert choose_snapshot(snaps, access_date=date(2019, 3, 4)) == snap("20190304235959")


def test_before_preferred_to_a_closer_capture_after():
    snaps = [snap("20190201"), snap("20190305")]
    assert choose_snapshot(snaps, access_date=date(2019, 3, 4)) == snap("20190201")


def test_only_after_access_date_takes_the_closest_after():
    snaps = [snap("20200101"), snap("20190310"), snap("20190601")]
    assert choose_snapshot(snaps, access_date=date(2019, 3, 4)) == snap("20190310")


def test_before_publication_is_not_what_the_citer_saw():
    # a 2010 capture predates the article published 2019-02-01: the closest capture wins
    snaps = [snap("20100101"), snap("20190306")]
    got = choose_snapshot(snaps, access_date=date(2019, 3, 4), published=date(2019, 2, 1))
    assert got == snap("20190306")
    # without a publication date, "at or before" wins
    assert choose_snapshot(snaps, access_date=date(2019, 3, 4)) == snap("20100101")


def test_status_200_beats_a_closer_redirect_or_error():
    snaps = [snap("20190304", 301), snap("20190303", 404), snap("20170101", 200)]
    assert choose_snapshot(snaps, access_date=date(2019, 3, 4)) == snap("20170101", 200)


def test_only_non_200_snapshots_redirect_before_errors():
    snaps = [snap("20190303", 404), snap("20190302", 302), snap("20190304", 500)]
    chosen = choose_snapshot(snaps, access_date=date(2019, 3, 4))
    assert chosen == snap("20190302", 302)
    assert usable(chosen)
    errors = [snap("20190303", 404), snap("20190304", 503)]
    chosen = choose_snapshot(errors, access_date=date(2019, 3, 4))
    assert chosen == snap("20190303", 404) and not usable(chosen)


def test_revisit_ranks_after_200_before_redirect():
    assert status_rank(200) < status_rank(204) < status_rank(None) < status_rank(301) \
        < status_rank(404) < status_rank(503)
    snaps = [snap("20190304", 301), snap("20190303", None)]
    assert choose_snapshot(snaps, access_date=date(2019, 3, 4)) == snap("20190303", None)


def test_none_when_no_snapshot():
    assert choose_snapshot([], access_date=date(2019, 3, 4)) is None
    assert not usable(None)


def test_publication_date_when_no_access_date():
    snaps = [snap("20150601"), snap("20150620"), snap("20160101")]
    assert choose_snapshot(snaps, published=date(2015, 6, 15)) == snap("20150620")
    # equal distance: the capture after publication (one before cannot show the page)
    tie = [snap("20150614120000"), snap("20150616120000")]
    assert choose_snapshot(tie, published=date(2015, 6, 15)) == snap("20150616120000")


def test_newest_without_any_date():
    snaps = [snap("20150601"), snap("20200101"), snap("20180101")]
    assert choose_snapshot(snaps) == snap("20200101")


@pytest.mark.parametrize("raw,expected", [
    ("2019", datetime(2019, 1, 1, tzinfo=UTC)),
    ("201903", datetime(2019, 3, 1, tzinfo=UTC)),
    ("20190304", datetime(2019, 3, 4, tzinfo=UTC)),
    ("20190304101112", datetime(2019, 3, 4, 10, 11, 12, tzinfo=UTC)),
])
def test_parse_timestamp(raw, expected):
    assert parse_timestamp(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "123", "201913", "2019030410111213"])
def test_parse_timestamp_refuses(raw):
    with pytest.raises(ValueError):
        parse_timestamp(raw)


def test_format_timestamp():
    assert format_timestamp(date(2019, 3, 4)) == "20190304000000"
    assert format_timestamp(datetime(2019, 3, 4, 1, 2, 3, tzinfo=UTC)) == "20190304010203"
    assert snap("20190304").archive_url("https://web.archive.org/") == \
        "https://web.archive.org/web/20190304000000/http://example.com/page"
