"""Re-ingest after an edit: a hand citation follows its sentence, or is shown stale apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import run_cli

FIRST = ("# Mills\n\nThe town built its first mill in 1790 on the river bank.\n\n"
         "The mill closed in 1920 after a fire.\n")


def _doc(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
         url: str) -> dict[str, Any]:
    report = run_cli(capsys, monkeypatch, url, "report", "--format", "json").json()
    document: dict[str, Any] = report["documents"][0]
    return document


def _setup(tmp_path: Path, capsys: pytest.CaptureFixture[str],
           monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    source = tmp_path / "mills.md"
    source.write_text(FIRST, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run_cli(capsys, monkeypatch, url, "ingest", str(source)).code == 0
    claim = next(c for c in _doc(capsys, monkeypatch, url)["claims"]
                 if c["text"].startswith("The town built"))
    cited = run_cli(capsys, monkeypatch, url, "cite", "1", str(claim["id"]), "--url",
                    "https://history.example/mills")
    assert cited.code == 0, cited.err
    return source, url


def test_a_hand_citation_follows_its_edited_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    source, url = _setup(tmp_path, capsys, monkeypatch)
    source.write_text(FIRST.replace("first mill in 1790", "first water mill in 1791"),
                      encoding="utf-8")
    assert run_cli(capsys, monkeypatch, url, "ingest", str(source)).code == 0
    doc = _doc(capsys, monkeypatch, url)
    edited = next(c for c in doc["claims"] if "water mill" in c["text"])
    assert edited["citations"] == ["added-1"] and edited["current"]
    assert not any("stale" in c["flags"] for c in doc["claims"])
    assert doc["summary"]["claims"] == 2


def test_a_rewritten_sentence_leaves_its_hand_citation_stale_and_counted_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    source, url = _setup(tmp_path, capsys, monkeypatch)
    source.write_text(FIRST.replace("The town built its first mill in 1790 on the river bank.",
                                    "Grain was ground by hand until the railway came."),
                      encoding="utf-8")
    assert run_cli(capsys, monkeypatch, url, "ingest", str(source)).code == 0
    doc = _doc(capsys, monkeypatch, url)
    stale = [c for c in doc["claims"] if not c["current"]]
    assert [c["flags"] for c in stale] == [["stale"]]
    assert stale[0]["citations"] == ["added-1"]
    assert doc["summary"]["claims"] == 2  # the current claims only
    assert doc["summary"]["claim:stale"] == 1
    new = next(c for c in doc["claims"] if c["text"].startswith("Grain"))
    assert new["citations"] == []
    markdown = run_cli(capsys, monkeypatch, url, "report", "--format", "markdown").out
    assert "; 1 stale;" in markdown.split("\n\n")[1]  # the summary line says so too
