"""Project-level checks: packaging lists every subpackage; every setting and command is
documented."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from dataclasses import fields
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import click
from packaging.requirements import Requirement

from provenance.cli import cli
from provenance.settings import SETTING_HELP, Settings, declaration, env_name
from tests.cli.helpers import subcommands

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
    for name, command in subcommands(group).items():
        out.append(prefix + name)
        if isinstance(command, click.Group):
            out.extend(_commands(command, prefix + name + " "))
    return out


def test_every_command_is_in_the_readme_and_has_help() -> None:
    for name in _commands(cli):
        assert re.search(rf"`{re.escape(name)}\b", README), f"`{name}` missing from README.md"
    for command in subcommands(cli).values():
        assert command.help and command.help.strip().endswith((".", ")")), command.name


def _readme_setting_row(name: str) -> str:
    spec = declaration(name)
    default = spec.default
    shown = ("(empty)" if default == "" else f"`{int(default)}`" if isinstance(default, bool)
             else f"`{default}`")
    return f"| `{env_name(name)}` | {shown} | {spec.metadata['help']} |"


def test_the_readme_settings_table_is_the_declarations() -> None:
    table = README.split("\n## Settings", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `PROVENANCE_")]
    assert rows == [_readme_setting_row(f.name) for f in fields(Settings)]


# --- every package the code imports is declared in pyproject.toml -----------------------------

def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    return {_canonical(Requirement(spec).name) for spec in specs}


def _distributions(top_level: str) -> list[str]:
    return [_canonical(d) for d in packages_distributions().get(top_level, [])]


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "provenance").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "provenance"}


def test_every_package_imported_by_provenance_is_declared() -> None:
    declared = _declared()
    for name in sorted(_third_party_imports()):
        dists = _distributions(name)
        assert dists, f"import {name}: no installed distribution provides it"
        assert set(dists) & declared, f"import {name} ({', '.join(dists)}) not in pyproject.toml"


# Imports every module of provenance and parses a web page (trafilatura -> justext ->
# lxml.html.clean are imported lazily), then names every top-level module loaded.
_LOAD_EVERYTHING = """
import importlib, pkgutil, sys
import provenance
for info in pkgutil.walk_packages(provenance.__path__, "provenance."):
    if ".migrations" not in info.name and not info.name.endswith("__main__"):
        importlib.import_module(info.name)
from provenance.ingest.forms import web_html
web_html.parse(open(sys.argv[1], encoding="utf-8").read())
print("\\n".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _required_closure(declared: set[str]) -> set[str]:
    """Declared distributions and everything they require without an extra."""
    seen: set[str] = set()
    todo = list(declared)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = requires(name) or []
        except PackageNotFoundError:
            continue
        for spec in requirements:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(_canonical(req.name))
    return seen


def test_packages_loaded_at_run_time_are_declared_or_required() -> None:
    """A package imported through a dependency's *extra* (``lxml[html_clean]`` asked for by
    justext) is not installed by every pip: it must be declared here."""
    page = ROOT / "fixtures" / "articles" / "lemonde_renseignement.html"
    out = subprocess.run([sys.executable, "-c", _LOAD_EVERYTHING, str(page)], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    allowed = _required_closure(_declared())
    loaded = {n for n in out.split() if n not in sys.stdlib_module_names
              and not n.startswith("_") and n != "provenance"}
    assert "lxml_html_clean" in loaded
    for name in sorted(loaded):
        dists = _distributions(name)
        if dists:  # else a module of the interpreter or one a package writes at run time
            assert set(dists) & allowed, f"{name} ({', '.join(dists)}) is loaded but not declared"
