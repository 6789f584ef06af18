"""`highneeds sen2 jsna` on a store holding a synthetic LA's imported returns."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from highneeds.cli.sen2 import app as sen2_app
from highneeds.importers.sen2 import import_sen2
from highneeds.sen2.write import write_xml

runner = CliRunner()


@pytest.fixture
def imported(tmp_path, store, small_la, establishments, secret, monkeypatch):
    paths = [write_xml(r, tmp_path / f"sen2-{r.year}.xml") for r in small_la]
    import_sen2(paths, store, establishments=establishments)
    monkeypatch.setenv("DATABASE_URL", store.url)
    return small_la[-1].la_code


def _sheet_values(path, sheet):
    return [list(row) for row in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_jsna_writes_suppressed_tables_and_notes(tmp_path, imported):
    out = tmp_path / "jsna.xlsx"
    result = runner.invoke(
        sen2_app,
        ["jsna", "--la", imported, "--year", "2024", "--out", str(out), "--csv", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Need by age",
        "Setting by age",
        "Need by sex",
        "Trend",
        "Ceased by reason",
        "Notes",
    ]
    need = _sheet_values(out, "Need by age")
    assert need[0][0].startswith("EHCPs by primary need and age band: LA")
    cells = [value for row in need[3:] for value in row[1:]]
    assert "c" in cells  # about 300 children: some need and age band has fewer than 5
    assert not any(isinstance(v, int) and 0 < v < 5 for v in cells)
    notes = "\n".join(str(row[0]) for row in _sheet_values(out, "Notes"))
    assert "sen2-2024.xml" in notes and "sen2-2023.xml" in notes
    assert "threshold 5" in notes and "not for publication" not in notes
    assert (tmp_path / f"{imported}-2024-need_by_age.csv").exists()


def test_jsna_exact_says_not_for_publication_and_shows_small_counts(tmp_path, imported):
    out = tmp_path / "exact.xlsx"
    result = runner.invoke(
        sen2_app,
        ["jsna", "--la", imported, "--year", "2024", "--out", str(out), "--exact"],
    )
    assert result.exit_code == 0, result.output
    assert "not for publication" in result.output
    need = _sheet_values(out, "Need by age")
    cells = [value for row in need[3:] for value in row[1:]]
    assert "c" not in cells and any(0 < v < 5 for v in cells)
    notes = [row[0] for row in _sheet_values(out, "Notes")]
    assert "Exact figures — not for publication." in notes


def test_jsna_refuses_a_year_or_la_without_a_return(tmp_path, imported):
    for la, year in ((imported, "2020"), ("123", "2024")):
        result = runner.invoke(
            sen2_app, ["jsna", "--la", la, "--year", year, "--out", str(tmp_path / "x.xlsx")]
        )
        assert result.exit_code == 2
        assert f"no SEN2 return for January {year}" in result.output
    assert not (tmp_path / "x.xlsx").exists()
