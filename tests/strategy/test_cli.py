"""``highneeds strategy`` and ``highneeds places`` over a real store."""

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from highneeds.cli.main import app
from highneeds.readers.excel import read_excel

from .conftest import REGISTER, STRATEGY

runner = CliRunner()


@pytest.fixture
def cli_env(store, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", store.url)
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path))
    return store


def test_check_and_errors(tmp_path):
    ok = runner.invoke(app, ["strategy", "check", str(STRATEGY)])
    assert ok.exit_code == 0 and "12 KPIs" in ok.output and "No problems" in ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text(STRATEGY.read_text().replace('measure = "mainstream_pct"', 'measure = "happy"'))
    result = runner.invoke(app, ["strategy", "check", str(bad)])
    assert result.exit_code == 1
    assert "bad.toml" in result.output and "kpi[4].measure" in result.output
    assert "Traceback" not in result.output


def test_template_copies_every_file_the_worked_example_uses(tmp_path):
    """docs/decide-and-track.md runs check, show, report, places and pack on these files."""
    result = runner.invoke(app, ["strategy", "template", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    names = {path.name for path in (tmp_path / "mine").iterdir()}
    assert names == {
        "stockport_send_strategy_2024_27.toml",
        "stockport_places_register.csv",
        "decision_pack.toml",
    }
    docs = (Path(__file__).parents[2] / "docs" / "decide-and-track.md").read_text()
    for name in names:
        assert f"my-strategy/{name}" in docs


@pytest.mark.slow
def test_show_report_and_places(cli_env, tmp_path):
    assert runner.invoke(app, ["data", "import", "--bundled"]).exit_code == 0
    shown = runner.invoke(
        app, ["strategy", "show", str(STRATEGY), "--places", str(REGISTER), "--format", "json"]
    )
    assert shown.exit_code == 0, shown.output
    rows = {r["KPI"]: r for r in json.loads(shown.output)["rows"]}
    assert rows["K9"]["Baseline"] == "-2.1% (2021-22)"
    assert rows["K8"]["Latest"] == "226 (January 2023)" and rows["K8"]["Status"] == "Off track"

    out = tmp_path / "kpis.xlsx"
    table = runner.invoke(app, ["strategy", "show", str(STRATEGY), "--out", str(out)])
    assert table.exit_code == 0 and "Status rule" in table.output
    written = read_excel(out)
    assert list(written.columns[:3]) == ["Priority", "KPI", "Measure"] and len(written) == 12

    pdf = tmp_path / "progress.pdf"
    report = runner.invoke(
        app, ["strategy", "report", str(STRATEGY), "--places", str(REGISTER), "--out", str(pdf)]
    )
    assert report.exit_code == 0, report.output
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])  # a tagged PDF
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("SEND Strategy 2024 to 2027")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Cumulative DSG balance as % of DSG income" in text and "Off track" in text
    assert "_value" not in text and "nan" not in text.split()

    places = runner.invoke(app, ["places", "show", str(REGISTER), "--since", "2020/21"])
    assert places.exit_code == 0
    assert "600 places opened, 20 closed, 580 added in all; 200 more planned" in places.output


def test_show_without_data_says_what_to_do(cli_env):
    result = runner.invoke(app, ["strategy", "show", str(STRATEGY)])
    assert result.exit_code == 1
    assert "highneeds data import --bundled" in " ".join(result.output.split())


def test_places_check_locates_errors(tmp_path):
    bad = tmp_path / "register.csv"
    bad.write_text(REGISTER.read_text().replace("Opened,2021/22,60", "Opened,2021/22,lots"))
    result = runner.invoke(app, ["places", "check", str(bad)])
    assert result.exit_code == 1
    assert "register.csv, row 3, column 'Places'" in result.output


def test_import_into_the_store(cli_env, tmp_path):
    from highneeds.strategy.stored import stored_register, stored_strategy

    assert stored_strategy(cli_env, "356") is None and stored_register(cli_env, "356") is None
    first = runner.invoke(app, ["strategy", "import", str(STRATEGY), "--places", str(REGISTER)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["strategy", "import", str(STRATEGY), "--places", str(REGISTER)])
    assert again.exit_code == 0 and "already imported" in again.output
    strategy = stored_strategy(cli_env, "356")
    assert strategy.title.startswith("SEND Strategy") and len(strategy.kpis) == 12
    register = stored_register(cli_env, "356")
    assert register["places"].sum() == 820 and register.year.min() == 2021
    # A changed register replaces the old one; a broken one leaves the store as it was.
    changed = tmp_path / "register.csv"
    changed.write_text(REGISTER.read_text().replace(",120,", ",130,", 1))
    assert (
        runner.invoke(
            app, ["strategy", "import", str(STRATEGY), "--places", str(changed)]
        ).exit_code
        == 0
    )
    assert stored_register(cli_env, "356")["places"].sum() == 830
    broken = tmp_path / "broken.csv"
    broken.write_text(REGISTER.read_text().replace("Opened,2021/22", "Opened,someday"))
    refused = runner.invoke(app, ["strategy", "import", str(STRATEGY), "--places", str(broken)])
    assert refused.exit_code == 1 and "Academic year" in refused.output
    assert stored_register(cli_env, "356")["places"].sum() == 830
    # The stored strategy and register serve without the files.
    assert runner.invoke(app, ["data", "import", "--bundled"]).exit_code == 0
    shown = runner.invoke(app, ["strategy", "show", "--la", "Stockport", "--format", "csv"])
    assert shown.exit_code == 0, shown.output
    assert "590 (2023/24)" in shown.output  # K7 from the stored register: 580 + the 10 added
    missing = runner.invoke(app, ["strategy", "show", "--la", "Leeds"])
    assert missing.exit_code == 1 and "Leeds has no strategy" in missing.output


def test_ips_refuses_bad_options_before_working(tmp_path):
    wrong = runner.invoke(app, ["ips", "--la", "Stockport", "--out", str(tmp_path / "ips.txt")])
    assert wrong.exit_code == 1 and "written as .pdf, .docx or .html" in wrong.output
    cost = runner.invoke(
        app,
        ["ips", "--la", "Stockport", "--out", str(tmp_path / "ips.pdf"), "--capital-cost", "x=1"],
    )
    assert cost.exit_code == 1 and "TYPE=POUNDS" in " ".join(cost.output.split())
    assert not (tmp_path / "ips.pdf").exists()
