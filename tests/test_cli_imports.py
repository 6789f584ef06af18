"""The command line starts fast: it imports a command's module only when that command runs.

``highneeds forecast witan`` must finish in under 2 s, and about a second of that used to go
on importing every command's dependencies before any command ran. These tests run Python in
a fresh process (imports are per process) and list what got imported.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import highneeds
from highneeds.cli.main import LAZY_COMMANDS, LAZY_GROUPS, app

SOURCE = Path(highneeds.__file__).resolve().parents[1]
WITAN_DEMO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "witan-send-demo"
#: Heavy libraries no command in this file needs (each adds 0.1-1 s to start-up).
HEAVY = ("sqlalchemy", "psycopg", "matplotlib", "weasyprint", "openpyxl", "django", "scipy")


def _imported_after(code: str) -> set[str]:
    """Top-level and highneeds module names imported by a fresh Python running ``code``."""
    script = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n" + code
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SOURCE), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    return {name.split(".")[0] for name in modules} | {
        name for name in modules if name.startswith("highneeds.")
    }


def test_importing_the_command_line_imports_no_command_module_nor_heavy_library():
    loaded = _imported_after("import highneeds.cli.main\n")
    assert "typer" in loaded and "highneeds.cli.main" in loaded  # the check itself works
    assert not set(HEAVY) & loaded
    commands = {module for _, module, _ in LAZY_COMMANDS + LAZY_GROUPS}
    assert not commands & loaded, "a command's module is imported before it runs"


def test_forecast_witan_imports_only_what_it_uses(tmp_path):
    code = (
        "from highneeds.cli.main import app\n"
        f"app(['forecast', 'witan', {str(WITAN_DEMO)!r}, '--simulations', '20', "
        f"'--horizon', '1', '--folder', {str(tmp_path / 'run')!r}], standalone_mode=False)\n"
    )
    loaded = _imported_after(code)
    assert (tmp_path / "run" / "Output_Count.csv").exists()
    assert "highneeds.cli.forecast" in loaded
    assert not set(HEAVY) & loaded
    others = {m for _, m, _ in LAZY_COMMANDS + LAZY_GROUPS} - {"highneeds.cli.forecast"}
    assert not others & loaded


def test_help_lists_every_command_with_its_help():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for name, module, attribute in LAZY_COMMANDS + LAZY_GROUPS:
        target = getattr(importlib.import_module(module), attribute)
        text = target.info.help if hasattr(target, "info") else target.__doc__
        first_words = " ".join(text.split()[:6])
        rows = (row.strip("│ ") for row in result.output.splitlines())
        line = next((row for row in rows if row.startswith(f"{name} ")), "")
        assert first_words in line, (name, first_words)


@pytest.mark.parametrize("typo, suggestion", [("forcast", "forecast"), ("bakup", "backup")])
def test_a_mistyped_command_is_told_the_nearest_of_every_command(typo, suggestion):
    result = CliRunner().invoke(app, [typo])
    assert result.exit_code != 0
    assert f"Did you mean '{suggestion}'" in result.output
