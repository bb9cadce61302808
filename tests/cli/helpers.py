"""Run the real CLI entry point in-process and capture what a user would see."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import click
import pytest


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_url: str,
            *args: str) -> Run:
    """``provenance --db db_url ARGS``: exit code, stdout, stderr."""
    from provenance.cli import main

    monkeypatch.setattr(sys, "argv", ["provenance", "--db", db_url, *args])
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    out, err = capsys.readouterr()
    return Run(code, out, err)


def subcommands(group: click.Group) -> dict[str, click.Command]:
    """A group's commands as click lists them (the top group imports them on demand)."""
    ctx = click.Context(group)
    found = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}
