"""The import-layer rules of provenance, checked by an ast walk (no import is executed).

A package tree is read into a graph of modules (``provenance.store.runs``) and the project
modules each one imports, at module level or inside a function (both are couplings), except
under ``if TYPE_CHECKING:``. :func:`violations` returns one line per broken rule:

- a layer importing a part of the project it may not (:data:`ALLOWED`, :data:`FORBIDDEN`;
  cli/ and web/ reach the store only through services/, :data:`EDGES`);
- a cycle between modules;
- database access outside ``store/``: importing sqlalchemy/sqlmodel/alembic/psycopg, naming a
  ``session``, or calling ``.session()``, ``.exec()``, ``.engine``, ``.begin()`` on anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# layer -> the only other parts of the project it may import (itself always allowed)
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "errors": frozenset(),
    "settings": frozenset({"errors"}),
    "store": frozenset({"domain", "errors", "settings"}),
    "net": frozenset({"domain", "errors", "settings"}),
    "support": frozenset({"domain"}),
}
# layer -> parts of the project it must never import
FORBIDDEN: dict[str, frozenset[str]] = {
    "ingest": frozenset({"store", "runs", "services", "cli", "web", "archive", "report"}),
    "check": frozenset({"store", "runs", "services", "cli", "web", "archive", "report"}),
    "report": frozenset({"runs", "services", "cli", "web", "archive"}),
    "archive": frozenset({"runs", "services", "cli", "web", "report"}),
    "runs": frozenset({"services", "cli", "web", "report", "archive"}),
    "services": frozenset({"cli", "web"}),
}
# the edges: parse, call a use case in services/, render; of the store only the handle
EDGES = frozenset({"cli", "web"})
# where database code may live
DATABASE_LAYERS = frozenset({"store", "migrations"})
DATABASE_PACKAGES = ("sqlalchemy", "sqlmodel", "alembic", "psycopg")
DATABASE_ATTRIBUTES = frozenset({"session", "exec", "engine", "begin"})


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def layer(self) -> str:
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else ""


def load(root: Path, package: str = "provenance") -> dict[str, Module]:
    """Every module under ``root`` (the package folder), by dotted name."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        parts[0] = package
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        modules[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return modules


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def imports(module: Module, package: str, known: Iterable[str]) -> set[str]:
    """The modules of ``package`` that ``module`` imports (``from a import b`` counts as
    ``a.b`` when that is a module, else ``a``)."""
    known = set(known)
    skipped = _type_checking_nodes(module.tree)
    found: set[str] = set()
    is_package = module.path.name == "__init__.py"
    for node in ast.walk(module.tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.name.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            if name == package or name.startswith(package + "."):
                while name not in known and "." in name:
                    name = name.rsplit(".", 1)[0]
                if name != module.name:
                    found.add(name)
    return found


def _layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_violations(modules: dict[str, Module], package: str) -> list[str]:
    out = []
    for module in modules.values():
        layer = module.layer
        for target in sorted(imports(module, package, modules)):
            other = _layer(target)
            if not other or other == layer:
                continue
            if layer in ALLOWED and other not in ALLOWED[layer]:
                out.append(f"{module.name} imports {target}: {layer}/ may import only "
                           f"{', '.join(sorted(ALLOWED[layer])) or 'nothing of the project'}")
            elif other in FORBIDDEN.get(layer, ()):
                out.append(f"{module.name} imports {target}: {layer}/ must not import {other}/")
            elif (layer in EDGES and other == "store"
                  and target != f"{package}.store.database"):
                out.append(f"{module.name} imports {target}: {layer}/ reaches the store "
                           "through services/ (only store.database, to open it)")
    return out


def cycles(modules: dict[str, Module], package: str) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    graph = {name: sorted(imports(m, package, modules)) for name, m in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:  # iterative: no recursion limit on deep graphs
        nonlocal counter
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(found)


def _is_parent_package(name: str, other: str) -> bool:
    """A package's ``__init__`` importing its own submodules is not a cycle worth naming."""
    return other.startswith(name + ".") or name.startswith(other + ".")


def database_violations(modules: dict[str, Module]) -> list[str]:
    out = []
    for module in modules.values():
        if module.layer in DATABASE_LAYERS:
            continue
        where = module.name
        skipped = _type_checking_nodes(module.tree)
        for node in ast.walk(module.tree):
            if id(node) in skipped:
                continue
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""])
                for name in names:
                    if name.split(".")[0] in DATABASE_PACKAGES:
                        out.append(f"{where}:{line} imports {name} (database code belongs in "
                                   "store/)")
            elif isinstance(node, ast.Attribute) and node.attr in DATABASE_ATTRIBUTES:
                out.append(f"{where}:{line} uses .{node.attr} (sessions and engines stay in "
                           "store/)")
            elif isinstance(node, ast.arg) and node.arg == "session":
                out.append(f"{where}:{line} takes a session (sessions stay in store/)")
            elif isinstance(node, ast.Name) and node.id == "session":
                out.append(f"{where}:{line} holds a session (sessions stay in store/)")
    return out


def violations(root: Path, package: str = "provenance") -> list[str]:
    """Every broken rule in the tree at ``root``, one line each."""
    modules = load(root, package)
    out = layer_violations(modules, package)
    for group in cycles(modules, package):
        if len(group) == 2 and _is_parent_package(*group):
            continue
        out.append("import cycle: " + " <-> ".join(group))
    out += database_violations(modules)
    return out
