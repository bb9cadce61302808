"""An unexpected error (a damaged database, a bug) is one line and exit 70, never 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_damaged_database_is_one_line_and_exit_70(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 4096)
    run = subprocess.run([sys.executable, "-m", "provenance", "--db", f"sqlite:///{path}",
                          "check"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode not in (0, 1)
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("provenance: "), run.stderr
    assert run.returncode in (2, 70)  # a StoreError (2) or an unexpected error (70)


def test_a_bug_exits_70_with_one_line(monkeypatch, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from provenance import cli
    from tests.cli.helpers import run_cli

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(cli.cli, "main", broken)
    run = run_cli(capsys, monkeypatch, f"sqlite:///{tmp_path / 'x.db'}", "status")
    assert run.code == 70
    assert run.err.strip() == ("provenance: internal error: ZeroDivisionError: division by "
                               "zero (run again with --debug for the traceback)")
