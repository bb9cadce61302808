"""Bulk ingest: many documents in one call, parsed in worker processes, stored one by one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bench.ingest_bench import make_corpus
from provenance.services.ingest import ingest_many
from provenance.settings import Settings
from provenance.store.models import Citation, Claim, Link, Reference


def test_parallel_bulk_ingest_matches_sequential(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = make_corpus(tmp_path, 10)
    paths.insert(3, str(tmp_path / "missing.txt"))  # a failure in the middle of the batch
    outcomes = ingest_many(db, Settings(db_url=db.url), paths, workers=2)
    assert [o.source for o in outcomes] == paths
    assert [o.error is not None for o in outcomes].count(True) == 1
    assert "missing.txt: no such file" in (outcomes[3].error or "")
    with db.session() as s:
        count = {m.__name__: s.execute(select(func.count()).select_from(m)).scalar_one()
                 for m in (Claim, Reference, Citation, Link)}
    assert count == {"Claim": 260, "Reference": 130, "Citation": 130, "Link": 120}
    again = ingest_many(db, Settings(db_url=db.url), paths, workers=1)
    assert {o.result.status for o in again if o.result} == {"unchanged"}
