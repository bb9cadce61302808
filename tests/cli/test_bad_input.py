"""Bad input: one clear line naming the file, exit code 2, nothing stored half-way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.conftest import SEED_WIKI


def _documents(capsys, monkeypatch, db_url):  # type: ignore[no-untyped-def]
    return run_cli(capsys, monkeypatch, db_url, "report", "--format", "json").json()["documents"]


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "binary", "too-big",
                                  "unknown-format"])
def test_bad_file_is_one_line_and_changes_nothing(case: str, tmp_path: Path, db_url: str,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli(capsys, monkeypatch, db_url, "ingest", str(SEED_WIKI)).code == 0
    before = _documents(capsys, monkeypatch, db_url)
    path = tmp_path / f"{case}.txt"
    extra: list[str] = []
    if case == "directory":
        path.mkdir()
    elif case == "empty":
        path.write_text("  \n")
    elif case == "binary":
        path.write_bytes(bytes(range(256)) * 40)
    elif case == "too-big":
        path.write_text("word " * 40_000)
        extra = ["--max-size", "100000"]
    elif case == "unknown-format":
        path.write_text("Some text.")
        extra = ["--format", "pdf"]
    run = run_cli(capsys, monkeypatch, db_url, "ingest", *extra, str(path), str(SEED_WIKI))
    assert run.code == 2
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert "Traceback" not in run.err
    if case != "unknown-format":
        assert any(str(path) in line for line in lines), run.err
        # the batch went on with the good file
        assert "unchanged document" in run.out
    assert _documents(capsys, monkeypatch, db_url) == before


def test_legacy_encoding_is_decoded(tmp_path: Path, db_url: str,
                                    capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("# Café society\n\nThe café in Zürich opened in 1911 and is still run by the "
            "same family.[^1] Its façade was restored in 1998.\n\n"
            "[^1]: Müller, Jürgen (3 May 2001). \"Die Geschichte\". Zürcher Zeitung. "
            "https://example.org/cafe\n")
    path = tmp_path / "latin1.md"
    path.write_bytes(text.encode("cp1252"))
    run = run_cli(capsys, monkeypatch, db_url, "ingest", str(path))
    assert run.code == 0, run.err
    doc = _documents(capsys, monkeypatch, db_url)[0]
    assert doc["title"] == "Café society"
    assert any("Zürich" in c["text"] for c in doc["claims"])


def test_unknown_document_in_report(db_url: str, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_cli(capsys, monkeypatch, db_url, "report", "nope")
    assert run.code == 2 and run.err.count("\n") == 1 and "nope" in run.err


def test_bad_database_url(capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    run = run_cli(capsys, monkeypatch, f"sqlite:///{tmp_path}/no/such/dir/x.db", "report")
    assert run.code == 2 and "does not exist" in run.err and "Traceback" not in run.err
