"""docs/import.md documents every measure the reader produces."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_every_measure_is_documented(tidy_2022, tidy_2025):
    text = DOC.read_text(encoding="utf-8")
    measures = set(tidy_2022["measure"]) | set(tidy_2025["measure"])
    assert len(measures) > 100
    undocumented = sorted(m for m in measures if f"`{m}`" not in text)
    assert undocumented == []


def test_the_commands_said_to_print_tables_take_format_and_out():
    """docs/import.md lists the commands with --format and --out; each really takes both."""
    import re

    from typer.testing import CliRunner

    from highneeds.cli.main import app

    text = DOC.read_text(encoding="utf-8")
    listed = re.search(r"takes `--format table\|csv\|json` and `--out FILE`\n\(([^)]*)\)", text)
    assert listed, "the list of table commands is missing from docs/import.md"
    commands = []
    for item in re.findall(r"`([^`]+)`", listed.group(1)):
        words = item.split()
        if "|" in words[-1]:  # consult evaluate|agreement|themes
            commands += [[*words[:-1], sub] for sub in words[-1].split("|")]
        else:
            commands.append(words)
    assert len(commands) >= 7
    for command in commands:
        result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (command, result.output)
        assert "--format" in result.output and "--out" in result.output, command
