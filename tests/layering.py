"""Reading a package's import graph from its source, for the layering test.

Every ``import`` and ``from … import`` counts, at module level or inside a function (a lazy
import is still a dependency). Nodes are a package's top-level parts: ``highneeds.finance``
for anything under ``highneeds/finance/``, ``highneeds.tables`` for ``highneeds/tables.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(absolute module name, line) of every import in a module's syntax tree."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # "from highneeds import web" imports the subpackage web
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno


def part_of(name: str, top: str) -> str | None:
    """The top-level part of ``top`` that module ``name`` belongs to (None: outside ``top``)."""
    parts = name.split(".")
    if parts[0] != top or len(parts) < 2:
        return None
    return f"{top}.{parts[1]}"


def import_edges(root: Path) -> dict[tuple[str, str], list[str]]:
    """(importing part, imported part) -> places ("file:line") for the package at ``root``."""
    top = root.name
    known = {p.stem if p.is_file() else p.name for p in root.iterdir()}
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = _module_name(root, path)
        source = part_of(module, top)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line in _imported(tree, module, path.name == "__init__.py"):
            target = part_of(name, top)
            if target is None or target == source or target.split(".")[1] not in known:
                continue
            where = f"{path.relative_to(root.parent)}:{line}"
            edges.setdefault((source, target), []).append(where)
    return edges


def forbidden_imports(
    edges: dict[tuple[str, str], list[str]], shells: tuple[str, ...]
) -> list[str]:
    """Places where a part that is not a shell imports a shell."""
    return [
        f"{where}: {source} imports {target}"
        for (source, target), places in sorted(edges.items())
        if target in shells and source not in shells
        for where in places
    ]


def cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one part (each one is an import cycle)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def cycle_places(edges: dict[tuple[str, str], list[str]], group: list[str]) -> list[str]:
    """The imports that make up a cycle group, one line each."""
    members = set(group)
    return [
        f"{places[0]}: {source} imports {target}"
        + (f" (and {len(places) - 1} more)" if len(places) > 1 else "")
        for (source, target), places in sorted(edges.items())
        if source in members and target in members
    ]
