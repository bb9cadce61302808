"""The top group imports a command's module only when that command is asked for."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

import provenance.cli
from provenance.cli import COMMANDS, cli
from tests.cli.helpers import subcommands

CLI_DIR = Path(provenance.cli.__file__).parent


def _declared_commands() -> set[str]:
    """``module:attribute`` of every top-level click command or group in provenance/cli/."""
    found = set()
    for path in CLI_DIR.glob("*.py"):
        if path.stem == "__init__":  # the top group itself
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                    and isinstance(d.func.value, ast.Name) and d.func.value.id == "click"
                    and d.func.attr in ("command", "group") for d in node.decorator_list):
                found.add(f"{path.stem}:{node.name}")
    return found


def test_the_table_names_every_command_once_under_its_own_name() -> None:
    assert set(COMMANDS.values()) == _declared_commands()
    listed = subcommands(cli)
    assert sorted(listed) == sorted(COMMANDS)
    for name, command in listed.items():
        assert command.name == name
        assert isinstance(command, click.Command)
        assert any(p.name == "db_url" for p in command.params), name  # global options


def test_an_unknown_command_is_still_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2 and "No such command" in result.output
    if hasattr(click.exceptions, "NoSuchCommand"):  # click >= 8.4 suggests, from every command
        result = CliRunner().invoke(cli, ["chek"])
        assert "(Did you mean one of: 'check', 'recheck'?)" in result.output


# `provenance ARGS` in a fresh interpreter, then the provenance.cli modules it imported
_LOADED_AFTER = """
import sys
from provenance.cli import main
sys.argv = ["provenance", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(" ".join(m for m in sys.modules if m.startswith("provenance.cli.")), file=sys.stderr)
"""


def _loaded_after(*args: str) -> set[str]:
    run = subprocess.run([sys.executable, "-c", _LOADED_AFTER, *args], capture_output=True,
                         text=True, check=True)
    return set(run.stderr.split())


def test_one_command_imports_only_its_own_module() -> None:
    loaded = _loaded_after("check", "--help")
    assert "provenance.cli.check" in loaded
    assert not loaded & {"provenance.cli.archive", "provenance.cli.documents",
                         "provenance.cli.review", "provenance.cli.verify"}
    assert {"provenance.cli.archive", "provenance.cli.verify"} <= _loaded_after("--help")
