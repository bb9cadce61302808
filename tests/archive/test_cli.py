"""``provenance archive`` and ``provenance fix`` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner

from provenance.cli import cli
from tests.fakes.wayback import closed_port_url


def run(db, wayback_url, *args, env=None):
    environ = {"PROVENANCE_WAYBACK_URL": wayback_url, "PROVENANCE_WAYBACK_RATE": "60000",
               "PROVENANCE_WAYBACK_TIMEOUT": "2", **(env or {})}
    return CliRunner().invoke(cli, ["--db", db.url, *args], env=environ,
                              catch_exceptions=False)


def main(db_url, *args, env=None):
    environ = {**os.environ, "PROVENANCE_WAYBACK_TIMEOUT": "2", **(env or {})}
    return subprocess.run([sys.executable, "-m", "provenance", "--db", db_url, *args],
                          capture_output=True, text=True, env=environ, timeout=120, check=False)


def test_archive_exit_codes_and_text(db, wayback, cited):
    cited.link("http://gone.example/", "dead", access=date(2019, 1, 1))
    cited.link("http://saved.example/", "dead", access=date(2019, 1, 1))
    wayback.fake.add_capture("http://saved.example/", "20181231000000")
    first = run(db, wayback.url, "archive")
    assert first.exit_code == 1, first.output
    assert "lost      http://gone.example/" in first.output
    assert f"rescued   http://saved.example/  {wayback.url}/web/20181231000000/" in first.output
    assert "newly lost (1): http://gone.example/" in first.output
    again = run(db, wayback.url, "archive")
    assert again.exit_code == 0  # nothing *new* is lost
    assert "0 links looked up" in again.output and "2 cached" in again.output


def test_archive_json(db, wayback, cited):
    cited.link("http://j.example/", "alive")
    wayback.fake.add_capture("http://j.example/", "20200202020202")
    result = run(db, wayback.url, "archive", "--format", "json")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines[0] == {"url": "http://j.example/", "state": "preserved",
                        "previous_state": "unknown", "result": "found",
                        "archive_url": f"{wayback.url}/web/20200202020202/http://j.example/",
                        "timestamp": "2020-02-02T02:02:02Z", "archived_status": 200,
                        "error": None}
    assert lines[-1]["summary"]["looked_up"] == 1


def test_no_network_exit_code_unaffected(db, wayback, cited):
    cited.link("http://offline.example/", "dead")
    result = run(db, closed_port_url(), "archive")
    assert result.exit_code == 0, result.output
    assert "unknown   http://offline.example/" in result.output


def test_dry_run_asks_nothing(db, wayback, cited):
    cited.link("http://dry.example/", "alive")
    cited.link("http://drydead.example/", "dead")
    result = run(db, wayback.url, "archive", "--dry-run", "--save")
    assert result.exit_code == 0
    assert "would look up  dead      http://drydead.example/" in result.output
    assert "dry run: 2 to look up, 0 cached, 0 to save" in result.output
    assert wayback.fake.count() == 0
    run(db, wayback.url, "archive")
    result = run(db, wayback.url, "archive", "--dry-run", "--save", "--format", "json")
    assert json.loads(result.output.splitlines()[0]) == {"save": "http://dry.example/"}
    assert wayback.fake.count("save") == 0


def test_archive_save(db, wayback, cited):
    cited.link("http://tosave.example/", "alive")
    result = run(db, wayback.url, "archive", "--save", env={"PROVENANCE_WAYBACK_SAVE_RATE": "600"})
    assert result.exit_code == 0, result.output
    assert "save: 1 submitted, 1 captured" in result.output
    assert wayback.fake.saved_urls() == ["http://tosave.example/"]


def test_fix_and_undo(db, wayback, cited):
    cited.link("http://fixme.example/", "dead", access=date(2019, 1, 1))
    wayback.fake.add_capture("http://fixme.example/", "20181231000000")
    run(db, wayback.url, "archive")
    fixed = run(db, wayback.url, "fix", "--use-archives", "--format", "json")
    data = json.loads(fixed.output)
    assert data["references"] == 1 and len(data["edits"]) == 3
    undone = run(db, wayback.url, "fix", "--undo-last")
    assert undone.exit_code == 0 and "restored 3 fields in 1 references" in undone.output
    redo = run(db, wayback.url, "fix", "--use-archives")
    batch = redo.output.strip().rsplit("--undo ", 1)[1].rstrip(")")
    assert run(db, wayback.url, "fix", "--undo", batch).exit_code == 0


@pytest.mark.parametrize("args,message", [
    (["archive", "--wayback-url", "ftp://nowhere"], "is not an http(s) URL"),
    (["archive", "--wayback-rate", "0"], "wayback-rate must be greater than 0"),
    (["archive", "--document", "nope.md"], "document 'nope.md' not found"),
    (["fix"], "fix needs exactly one of"),
    (["fix", "--undo", "missing"], "no fix batch 'missing'"),
])
def test_usage_errors_are_one_line_exit_2(tmp_path, args, message):
    result = main(f"sqlite:///{tmp_path / 'cli.db'}", *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_env_twins(tmp_path, wayback):
    result = main(f"sqlite:///{tmp_path / 'env.db'}", "archive", "--dry-run",
                  env={"PROVENANCE_WAYBACK_RATE": "-1"})
    assert result.returncode == 2 and "wayback-rate" in result.stderr
    result = main(f"sqlite:///{tmp_path / 'env.db'}", "archive",
                  env={"PROVENANCE_WAYBACK_URL": wayback.url})
    assert result.returncode == 0, result.stderr
