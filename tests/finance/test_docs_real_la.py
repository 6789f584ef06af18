"""docs/real-la.md runs as written: each command succeeds, and every output line the page
shows is a line of what the command prints (whitespace aside)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from highneeds.cli.main import app

PAGE = Path(__file__).resolve().parents[2] / "docs" / "real-la.md"


def _steps(text: str) -> list[tuple[str, list[str]]]:
    """(command, lines it is shown printing) for every ``$ highneeds …`` in console blocks."""
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ highneeds "):
                steps.append((line[2:], []))
            elif line.strip() and steps:
                steps[-1][1].append(line)
    return steps


def _plain(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def test_the_page_has_about_ten_commands_and_shows_figures():
    steps = _steps(PAGE.read_text(encoding="utf-8"))
    assert 8 <= len(steps) <= 12
    assert sum(len(shown) for _, shown in steps) >= 12


@pytest.mark.slow
def test_every_command_on_the_page_runs_and_prints_what_the_page_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "HIGHNEEDS_HOME": str(tmp_path / "home"),
        "COLUMNS": "200",
    }
    for command, shown in _steps(PAGE.read_text(encoding="utf-8")):
        result = CliRunner().invoke(app, shlex.split(command)[1:], env=env)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        printed = [_plain(line) for line in result.output.splitlines()]
        for line in shown:
            expected = _plain(line)
            assert any(p.startswith(expected) for p in printed), (
                f"{command}: the page shows\n  {expected}\nbut it printed\n" + result.output
            )
    assert (tmp_path / "stockport-plan" / "scenario_comparison.xlsx").stat().st_size > 10_000
