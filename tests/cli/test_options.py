"""Flags generated from the settings declarations; global options before or after a command."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import click
import pytest

from provenance.cli import cli
from provenance.cli.options import setting_help
from provenance.settings import Settings, env_name
from tests.cli.helpers import run_cli, subcommands
from tests.conftest import SEED_WIKI

SETTINGS = {f.name for f in fields(Settings)}


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command as the words that name it (``("db", "status")``), groups included."""
    out: list[tuple[str, ...]] = []
    for name, command in sorted(subcommands(group).items()):
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(command_paths(command, (*prefix, name)))
    return out


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for word in path:
        assert isinstance(command, click.Group)
        command = subcommands(command)[word]
    return command


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_accepts_the_global_options_after_it(
        path: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    for args in ((*path, "--db", url, "--debug", "--help"),      # after the command
                 ("--debug", *path, "--help")):                  # before it (run_cli: --db)
        run = run_cli(capsys, monkeypatch, url, *args)
        assert run.code == 0, run.err
        assert "Usage: provenance " + " ".join(path) in run.out
    assert not (tmp_path / "x.db").exists()  # --help opened nothing


def test_db_after_the_command_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``provenance report 1 --db URL`` (was: "No such option"), and the flag beats the env."""
    here, elsewhere = tmp_path / "here.db", tmp_path / "elsewhere.db"
    monkeypatch.setenv(env_name("db_url"), f"sqlite:///{elsewhere}")
    from provenance.cli import main

    def run(*args: str) -> int:
        monkeypatch.setattr("sys.argv", ["provenance", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        return exit_.value.code if isinstance(exit_.value.code, int) else 0

    assert run("ingest", str(SEED_WIKI), "--db", f"sqlite:///{here}") == 0
    capsys.readouterr()
    assert run("report", "1", "--format", "json", "--db", f"sqlite:///{here}") == 0
    assert '"Kim–Xi meetings"' in capsys.readouterr().out
    assert here.exists() and not elsewhere.exists()
    # --db given twice: the later one wins
    assert run("--db", f"sqlite:///{elsewhere}", "report", "1", "--db", f"sqlite:///{here}") == 0
    assert not elsewhere.exists()


def test_a_plain_path_is_a_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``--db nightly.db`` (was: "not a database URL") opens a SQLite file at that path."""
    from provenance.cli import main

    path = tmp_path / "nightly.db"
    monkeypatch.setattr("sys.argv", ["provenance", "--db", str(path), "ingest", str(SEED_WIKI)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code in (0, None), capsys.readouterr().err
    assert path.exists() and path.stat().st_size > 0


def _setting_options() -> list[tuple[str, click.Option]]:
    found = []
    for path in command_paths():
        for param in _command(path).params:
            if isinstance(param, click.Option) and param.name in SETTINGS:
                found.append((" ".join(path), param))
    return found


def test_setting_flags_come_from_the_declarations() -> None:
    options = _setting_options()
    assert {o.name for _, o in options} >= {"db_url", "concurrency", "per_host", "processes",
                                            "lease_seconds", "wayback_url"}
    for where, option in options:
        assert option.name is not None
        assert option.envvar is None, f"{where} {option.opts}: click must not read the env"
        assert option.default is None, f"{where} {option.opts}: defaults live in Settings"
        help_text = option.help or ""
        assert f"[env {env_name(option.name)}; default: " in help_text, (where, option.opts)
        if option.name != "allow_private_addresses":  # ingest words it for fetching a URL
            assert help_text == setting_help(option.name), (where, option.opts)


def test_a_setting_flag_reaches_the_settings(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Flags beat PROVENANCE_* variables: a bad variable is named, a bad flag value too."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("PROVENANCE_PER_HOST", "0")
    run = run_cli(capsys, monkeypatch, url, "check", "--limit", "1")
    assert run.code == 2 and "per-host must be at least 1" in run.err
    run = run_cli(capsys, monkeypatch, url, "check", "--per-host", "3", "--format", "json")
    assert run.code == 0, run.err
    monkeypatch.delenv("PROVENANCE_PER_HOST")
    run = run_cli(capsys, monkeypatch, url, "check", "--concurrency", "0")
    assert run.code == 2 and "concurrency must be at least 1" in run.err
