"""When a command ends: the store's connections are closed, not left to the collector."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED_WIKI


def test_a_command_leaves_no_open_sqlite_files(tmp_path: Path) -> None:
    """The SQLite WAL files go with the last connection closed: none left after the process
    (the collector no longer walks the objects at exit, so the connections are closed
    first, by ``AppContext.close``)."""
    db = tmp_path / "x.db"
    for args in (("ingest", str(SEED_WIKI)), ("report", "1", "--format", "json"),
                 ("status",), ("documents", "--format", "json")):
        subprocess.run([sys.executable, "-m", "provenance", "--db", str(db), *args],
                       check=True, capture_output=True)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db"], args
