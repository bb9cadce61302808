"""Project-level checks: packaging lists every subpackage; every setting and command is
documented."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path

import click

from provenance.cli import cli
from provenance.settings import SETTING_HELP, Settings, env_name

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_subpackage_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "provenance").rglob("__init__.py")}
    assert found <= listed, found - listed


def test_every_setting_has_help_and_is_in_the_readme() -> None:
    names = {f.name for f in fields(Settings)}
    assert names == set(SETTING_HELP)
    for name in names:
        assert env_name(name) in README, f"{env_name(name)} is not documented in README.md"


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, command in group.commands.items():
        out.append(prefix + name)
        if isinstance(command, click.Group):
            out.extend(_commands(command, prefix + name + " "))
    return out


def test_every_command_is_in_the_readme_and_has_help() -> None:
    for name in _commands(cli):
        assert re.search(rf"`{re.escape(name)}\b", README), f"`{name}` missing from README.md"
    for command in cli.commands.values():
        assert command.help and command.help.strip().endswith((".", ")")), command.name
