"""The layering of highneeds holds: the core imports no shell, and its parts form no cycle.

The core (everything under ``highneeds`` but ``web`` and ``cli``) must never import a shell;
and no two top-level parts (``highneeds.finance``, ``highneeds.forecast``…) may import each
other, directly or round a longer loop. Lazy imports inside functions count too.
"""

from __future__ import annotations

from pathlib import Path

import highneeds
from layering import cycle_places, cycles, forbidden_imports, import_edges

PACKAGE = Path(highneeds.__file__).parent
SHELLS = ("highneeds.web", "highneeds.cli")


def test_the_core_imports_no_shell():
    problems = forbidden_imports(import_edges(PACKAGE), SHELLS)
    assert problems == [], "The core imports a shell:\n" + "\n".join(problems)


def test_no_import_cycle_between_parts_of_highneeds():
    edges = import_edges(PACKAGE)
    found = {" ↔ ".join(group): cycle_places(edges, group) for group in cycles(edges)}
    assert found == {}, "Import cycles between parts of highneeds:\n" + "\n".join(
        f"{group}:\n  " + "\n  ".join(places) for group, places in found.items()
    )


def _package(root: Path, files: dict[str, str]) -> Path:
    """A tiny fake package under root: {relative path: source}."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root / "pkg"


def test_checker_finds_a_core_module_importing_a_shell(tmp_path):
    package = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/web/__init__.py": "",
            "pkg/web/views.py": "from pkg.core import model\n",
            "pkg/core/__init__.py": "",
            "pkg/core/model.py": "def f():\n    from ..web import views  # lazy, still counts\n",
        },
    )
    problems = forbidden_imports(import_edges(package), ("pkg.web",))
    assert problems == ["pkg/core/model.py:2: pkg.core imports pkg.web"]


def test_checker_finds_a_cycle_through_three_parts(tmp_path):
    package = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "import pkg.b\n",
            "pkg/b/__init__.py": "from pkg import c\n",
            "pkg/c/__init__.py": "",
            "pkg/c/x.py": "from pkg.a import thing\n",
            "pkg/d.py": "import pkg.a\n",  # depends on the loop, is not part of it
        },
    )
    edges = import_edges(package)
    assert cycles(edges) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert cycle_places(edges, ["pkg.a", "pkg.b", "pkg.c"]) == [
        "pkg/a.py:1: pkg.a imports pkg.b",
        "pkg/b/__init__.py:1: pkg.b imports pkg.c",
        "pkg/c/x.py:1: pkg.c imports pkg.a",
    ]


def test_checker_passes_a_layered_package(tmp_path):
    package = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/web/__init__.py": "from pkg.core import model\nimport pandas\n",
            "pkg/core/__init__.py": "",
            "pkg/core/model.py": "from . import other\nfrom pkg import tables\n",
            "pkg/core/other.py": "",
            "pkg/tables.py": "",
        },
    )
    edges = import_edges(package)
    assert forbidden_imports(edges, ("pkg.web",)) == []
    assert cycles(edges) == []
    assert set(edges) == {("pkg.web", "pkg.core"), ("pkg.core", "pkg.tables")}
