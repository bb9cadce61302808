"""Taking a database back (to 0005, and on to 0003) keeps every link's history and every
reference's citations.

On SQLite a batch-mode drop of a ``link`` column recreates the table (copy, DROP TABLE,
rename) with foreign keys on: the DROP's implicit DELETE cascaded to every table that points
at ``link`` (``link_check``, ``archive_lookup``, ``source_text``... deleted,
``reference.link_id`` set to NULL). 0006's downgrade drops its column in place."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from provenance.ingest.forms.wiki_text import parse
from provenance.store.database import Database
from provenance.store.documents import save_document
from provenance.store.models import Citation, LinkCheck, Reference
from tests.conftest import SEED_WIKI
from tests.store.test_migrations import _downgrade_to, empty_url  # noqa: F401  (fixture)
from tests.workers.support import add_document, add_links


def _counts(url: str) -> tuple[int, int, int]:
    db = Database.open(url, upgrade=False)
    with db.session() as s:
        checks = s.execute(select(func.count()).select_from(LinkCheck)).scalar_one()
        cited = s.execute(select(func.count()).select_from(Reference)
                          .where(Reference.link_id.is_not(None))).scalar_one()  # type: ignore
        citations = s.execute(select(func.count()).select_from(Citation)).scalar_one()
    db.dispose()
    return checks, cited, citations


@pytest.mark.parametrize("target", ["0005", "0003"])
def test_a_downgrade_keeps_checks_and_citations(empty_url: str, target: str  # noqa: F811
                                               ) -> None:
    db = Database.open(empty_url)
    with db.session() as s:
        save_document(s, parse(SEED_WIKI.read_text(encoding="utf-8")), origin="/seed",
                      content_hash="x")
    add_document(db, "doc", add_links(db, [f"http://h.test/p{i}" for i in range(3)]))
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO link_check (link_id, checked_at, outcome, redirects, elapsed_ms,"
            " state_before, state_after, title_mismatch) SELECT id, created_at, 'ok', '[]',"
            " 1200, 'unchecked', 'alive', false FROM link"))
    db.dispose()
    before = _counts(empty_url)
    assert min(before) > 0
    _downgrade_to(empty_url, target)
    assert _counts(empty_url) == before
    # and back up: the column is filled from the history again
    db = Database.open(empty_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT min(last_elapsed_ms) FROM link")).scalar() == 1200
    db.dispose()
