"""The one-way architecture holds: each layer imports only what it may, no module cycles, and
no database code outside store/ (rules and checker in tests/layer_rules.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.layer_rules import violations

ROOT = Path(__file__).resolve().parent.parent / "provenance"


def test_the_layers_hold() -> None:
    assert violations(ROOT) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for folder in {p.parent for p in root.rglob("*.py")}:
        (folder / "__init__.py").touch()
    return root


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "domain/links.py": "import re\n",
        "store/runs.py": "from pkg.domain import links\nfrom sqlmodel import Session\n"
                         "def f(session: Session): return session.exec(1)\n",
        "net/fetch.py": "from pkg.domain.links import x\nfrom pkg.errors import E\n",
        "errors.py": "class E(Exception): ...\n",
        "services/report.py": "from pkg.store import runs\n"
                              "from typing import TYPE_CHECKING\n"
                              "if TYPE_CHECKING:\n    from sqlmodel import Session\n",
        "cli/main.py": "from pkg.services import report\n",
    })
    assert violations(root, "pkg") == []


def test_each_kind_of_violation_is_caught(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "domain/links.py": "from pkg.store import runs\n",
        "store/runs.py": "from pkg.check import classify\n",
        "net/fetch.py": "def f():\n    from pkg.runs import runner\n",
        "check/classify.py": "from ..net import fetch\n",
        "ingest/parse.py": "import pkg.store.runs\n",
        "runs/runner.py": "from pkg.runs import worker\n",
        "runs/worker.py": "from pkg.runs.runner import thing\n",
        "report/build.py": "from sqlmodel import select\n"
                           "def f(db):\n    with db.session() as session:\n        pass\n",
        "archive/rate.py": "def f(engine):\n    with engine.begin() as conn:\n        pass\n",
        "store/database.py": "",
        "store/report.py": "",
        "cli/report.py": "from pkg.store.database import Database\n"
                         "from pkg.store.report import read_report\n",
    })
    found = violations(root, "pkg")
    expected = [
        "pkg.domain.links imports pkg.store.runs: domain/ may import only nothing",
        "pkg.store.runs imports pkg.check.classify: store/ may import only domain",
        "pkg.net.fetch imports pkg.runs.runner: net/ may import only domain",
        "pkg.ingest.parse imports pkg.store.runs: ingest/ must not import store/",
        "import cycle: pkg.runs.runner <-> pkg.runs.worker",
        "pkg.report.build:1 imports sqlmodel",
        "pkg.report.build:3 uses .session",
        "pkg.report.build:3 holds a session",
        "pkg.archive.rate:2 uses .begin",
        "pkg.cli.report imports pkg.store.report: cli/ reaches the store through services/",
    ]
    for line in expected:
        assert any(v.startswith(line) for v in found), (line, found)
    assert len(found) == len(expected), found


def test_relative_imports_resolve(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "domain/__init__.py": "from . import links\n",
        "domain/links.py": "from .. import errors\n",
        "errors.py": "",
    })
    assert violations(root, "pkg") == [
        "pkg.domain.links imports pkg.errors: domain/ may import only nothing of the project"]
