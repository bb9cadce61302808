"""Errors at the command-line edge: one line, the right exit code, no secret, --debug."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provenance import errors
from provenance.errors import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    ProvenanceError,
    StoreError,
    redact,
)
from tests.cli.helpers import run_cli
from tests.conftest import PG_ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]
SECRET = "hunter2-s3cret"


def _garbage_db(tmp_path: Path) -> str:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database\x00" + bytes(range(256)) * 16)
    return f"sqlite:///{path}"


def test_unexpected_error_is_one_line_with_its_own_exit_code(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_cli(capsys, monkeypatch, _garbage_db(tmp_path), "report")
    assert run.code == EXIT_INTERNAL == 70
    assert run.out == ""
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("provenance: internal error: ")
    assert "not a database" in lines[0] and "--debug" in lines[0]
    assert "Traceback" not in run.err


def test_debug_prints_the_traceback_before_or_after_the_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = _garbage_db(tmp_path)
    after = run_cli(capsys, monkeypatch, url, "report", "--debug")
    before = run_cli(capsys, monkeypatch, url, "--debug", "status")
    for run in (after, before):
        assert run.code == EXIT_INTERNAL
        assert run.err.startswith("Traceback (most recent call last):")
        assert run.err.splitlines()[-1].startswith("provenance: internal error: DatabaseError")


def test_an_error_the_tool_expects_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}"
    run = run_cli(capsys, monkeypatch, missing, "report")
    assert run.code == EXIT_USAGE
    assert run.err.count("\n") == 1 and run.err.startswith("provenance: error: ")


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://nobody:{SECRET}@127.0.0.1:1/x",                # refused
    f"postgresql+psycopg://nobody:{SECRET}@127.0.0.1:notaport/x",         # unparseable
    f"postgresql+nodriver://nobody:{SECRET}@127.0.0.1/x",                 # unknown driver
])
def test_database_password_never_shown(url: str, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for extra in ((), ("--debug",)):
        run = run_cli(capsys, monkeypatch, url, "status", *extra)
        assert run.code == EXIT_USAGE, run.err
        assert SECRET not in run.out + run.err
        assert "nobody:***@" in run.err or "nobody@" in run.err


@pytest.mark.postgres
def test_database_password_never_shown_by_a_real_server(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The local PostgreSQL (trust auth ignores the password) answers: no such database."""
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("://postgres@", f"://postgres:{SECRET}@")
    if SECRET not in base:
        pytest.skip("PROVENANCE_TEST_PG_URL has its own credentials")
    run = run_cli(capsys, monkeypatch, base + "/no_such_database_here", "report", "--debug")
    assert run.code == EXIT_USAGE
    assert "no_such_database_here" in run.err
    assert SECRET not in run.out + run.err


def test_store_error_masks_what_it_is_given() -> None:
    err = StoreError(f"could not parse 'postgresql://u:{SECRET}@db/x' (password={SECRET})")
    assert SECRET not in str(err) and SECRET not in repr(err) and SECRET not in err.message
    assert "postgresql://u:***@db/x" in str(err)


@pytest.mark.parametrize(("text", "masked"), [
    (f"postgresql+psycopg://checker:{SECRET}@db.internal/p", "postgresql+psycopg://checker:***@db.internal/p"),
    (f"host=db user=u password={SECRET} dbname=x", "host=db user=u password=*** dbname=x"),
    (f"password='{SECRET}'", "password='***'"),
    ("http://example.org:8080/a@b", "http://example.org:8080/a@b"),
    ("postgresql://u@db/x", "postgresql://u@db/x"),
    ("https://web.archive.org/web/2018/http://example.org/", "https://web.archive.org/web/2018/http://example.org/"),
])
def test_redact(text: str, masked: str) -> None:
    assert redact(text) == masked


def _error_classes() -> list[type[ProvenanceError]]:
    return [obj for obj in vars(errors).values()
            if isinstance(obj, type) and issubclass(obj, ProvenanceError)]


def test_every_error_knows_its_exit_code_and_is_in_the_drawn_tree() -> None:
    doc = errors.__doc__ or ""
    for cls in _error_classes():
        assert isinstance(cls.exit_code, int) and cls.exit_code in errors.EXIT_CODES
        assert re.search(rf"[└├]── {cls.__name__}\b|^\s+{cls.__name__}\b", doc, re.MULTILINE), cls


def test_every_exit_code_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code in errors.EXIT_CODES:
        assert re.search(rf"^\| {code} \|", table, re.MULTILINE), f"exit code {code} not in README"
