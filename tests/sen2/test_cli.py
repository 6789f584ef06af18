"""The sen2 and synth commands, driven as a user would."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.sen2 import app as sen2_app
from highneeds.cli.synth import app as synth_app

runner = CliRunner()


@pytest.mark.slow
def test_synth_then_validate_clean_and_broken(tmp_path):
    out = tmp_path / "la"
    result = runner.invoke(
        synth_app,
        [
            str(out),
            "--first-year",
            "2024",
            "--last-year",
            "2024",
            "--children",
            "120",
            "--format",
            "both",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "sen2-2024.xml").exists() and len(list((out / "csv-2024").glob("*.csv"))) == 9
    clean = runner.invoke(
        sen2_app,
        [
            "validate",
            str(out / "sen2-2024.xml"),
            "--establishments",
            str(out / "establishments.csv"),
        ],
    )
    assert clean.exit_code == 0, clean.output
    assert "0 errors" in clean.output

    bad = tmp_path / "bad"
    runner.invoke(
        synth_app,
        [
            str(bad),
            "--first-year",
            "2024",
            "--last-year",
            "2024",
            "--children",
            "120",
            "--inject",
            "bad_upn",
            "--format",
            "csv",
        ],
    )
    report = tmp_path / "issues.xlsx"
    result = runner.invoke(
        sen2_app,
        [
            "validate",
            str(bad / "csv-2024"),
            "--xlsx",
            str(report),
            "--csv",
            str(tmp_path / "issues.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "S2-101" in result.output
    issues = pd.read_excel(report, engine="openpyxl")
    assert set(issues["code"]) == {"S2-101"}
    assert pd.read_csv(tmp_path / "issues.csv").shape[0] == len(issues)


def test_synth_writes_the_excel_template_and_validate_reads_it(tmp_path):
    out = tmp_path / "la"
    args = [str(out), "--first-year", "2024", "--last-year", "2024", "--children", "120"]
    result = runner.invoke(synth_app, [*args, "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.glob("sen2-*")] == ["sen2-2024.xlsx"]
    checked = runner.invoke(
        sen2_app,
        [
            "validate",
            str(out / "sen2-2024.xlsx"),
            "--establishments",
            str(out / "establishments.csv"),
        ],
    )
    assert checked.exit_code == 0, checked.output
    assert "SEN2 2024, LA" in checked.output and "0 errors" in checked.output
    wrong = runner.invoke(synth_app, [*args, "--format", "pdf"])
    assert wrong.exit_code == 2 and "unknown format" in wrong.output


def test_validate_reports_a_broken_file_clearly(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<Message><Header>")
    result = runner.invoke(sen2_app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "broken.xml" in result.output and "not well-formed" in result.output


def test_rules_list_and_explain():
    listed = runner.invoke(sen2_app, ["rules", "list", "--year", "2024"])
    assert listed.exit_code == 0 and "S2-502" in listed.output
    explained = runner.invoke(sen2_app, ["rules", "explain", "S2-104"])
    assert explained.exit_code == 0 and "PersonBirthDate" in explained.output
    missing = runner.invoke(sen2_app, ["rules", "explain", "S2-999"])
    assert missing.exit_code == 2


def test_import_needs_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("HIGHNEEDS_SECRET", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    from highneeds.sen2.demo import demo_paths

    result = runner.invoke(sen2_app, ["import", str(demo_paths()[-1])])
    assert result.exit_code == 2
    assert "HIGHNEEDS_SECRET is not set" in result.output
