"""The reviewer's commands: documents, review, accept, recheck, and `--by` on ref/cite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.helpers import Run, run_cli
from tests.conftest import SEED_WEB, SEED_WIKI


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        db_url: str) -> Callable[..., Run]:
    def call(*args: str) -> Run:
        return run_cli(capsys, monkeypatch, db_url, *args)

    assert call("ingest", str(SEED_WIKI), str(SEED_WEB)).code == 0
    return call


def test_documents_lists_what_is_stored(cli: Callable[..., Run]) -> None:
    rows = cli("documents", "--format", "json").json()["documents"]
    assert [(r["id"], r["format"], r["claims"], r["references"]) for r in rows] == [
        (1, "wikipedia-text", 26, 13), (2, "web-text", 23, 0)]
    assert rows[0]["gaps"] > 0
    table = cli("documents")
    assert table.code == 0 and "Kim–Xi meetings" in table.out and "gaps" in table.out


def test_review_accept_and_edits_keep_who(cli: Callable[..., Run]) -> None:
    done = cli("review", "1", "23", "13", "does not support", "--note", "empty", "--by", "ada")
    assert done.code == 0 and "does-not-support (by ada)" in done.out
    assert cli("accept", "1", "1", "uncited", "--note", "summary", "--by", "bo").code == 0
    assert cli("ref", "1", "13", "--url", "https://example.org/x", "--by", "cy").code == 0
    assert cli("cite", "1", "6", "--url", "https://example.org/y", "--by", "di").code == 0
    doc = cli("report", "1", "--format", "json").json()["documents"][0]
    claims = {c["id"]: c for c in doc["claims"]}
    assert claims[23]["reviews"][0]["verdict"] == "does-not-support"
    assert claims[23]["reviews"][0]["by"] == "ada"
    assert claims[1]["flags"] == [] and claims[1]["accepted"][0]["by"] == "bo"
    assert doc["summary"]["claim:uncited"] == 12  # 14, less one accepted, less one cited
    refs = {r["label"]: r for r in doc["references"]}
    assert {e["by"] for e in refs["13"]["history"]} == {"cy"}
    assert {e["by"] for e in refs["added-1"]["history"]} == {"di"}
    markdown = cli("report", "1", "--format", "markdown").out
    assert "## Reviews" in markdown and "does-not-support" in markdown and "summary" in markdown


@pytest.mark.parametrize(("args", "message"), [
    (("review", "1", "23", "13", "maybe"), "unknown verdict 'maybe'"),
    (("review", "1", "23", "2", "supports"), "claim 23 does not cite [2]"),
    (("review", "1", "999", "13", "supports"), "document 1 has no claim 999"),
    (("accept", "1", "23", "uncited"), "claim 23 is not flagged 'uncited'"),
    (("recheck", "1", "1"), "reference [1] of document 1 has no URL to check"),
    (("review", "9", "1", "1", "supports"), "no document '9'"),
])
def test_bad_input_is_one_line_and_changes_nothing(cli: Callable[..., Run], args: tuple[str, ...],
                                                   message: str) -> None:
    run = cli(*args)
    assert run.code == 2 and message in run.err and run.err.count("\n") == 1, run.err
    doc = cli("report", "1", "--format", "json").json()["documents"][0]
    assert all(not c["reviews"] and not c["accepted"] for c in doc["claims"])


def test_global_options_after_the_subcommand(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    import sys

    from provenance.cli import main

    url = f"sqlite:///{tmp_path / 'after.db'}"
    for argv in (["ingest", str(SEED_WEB), "--db", url], ["documents", f"--db={url}"]):
        monkeypatch.setattr(sys, "argv", ["provenance", *argv])
        with pytest.raises(SystemExit) as exit_:
            main()
        assert exit_.value.code == 0
    assert "Mr. and Mrs. Kim Go to Beijing" in capsys.readouterr().out
    assert (tmp_path / "after.db").exists()


def test_recheck_checks_one_link_now_and_keeps_it_in_history(
        cli: Callable[..., Run]) -> None:
    from tests.web.servers import static_site

    page = "<html><head><title>Kim visits Beijing</title></head><body>Text.</body></html>"
    with static_site({"/kim": page}) as site:
        assert cli("ref", "1", "13", "--url", f"{site}/kim", "--title",
                   "Kim visits Beijing").code == 0
        refused = cli("recheck", "1", "13", "--by", "ada")  # loopback: refused by default
        assert refused.code == 0 and ": refused" in refused.out
        done = cli("recheck", "1", "13", "--allow-private-addresses", "--by", "ada")
    assert done.code == 0 and done.out.strip().endswith(": ok HTTP 200 -> alive"), done.out
    link = next(r for r in cli("report", "1", "--format", "json").json()["documents"][0][
        "references"] if r["label"] == "13")["link"]
    assert link["state"] == "alive" and link["checks"] == 2
    assert [h["outcome"] for h in link["history"]] == ["ok", "refused"]
