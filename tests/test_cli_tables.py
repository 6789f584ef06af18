"""One interface for tables, on every command: each command that prints a table takes
``--format table|csv|json`` and ``--out FILE``; its CSV parses with the columns scripts key
on, ``--out`` writes the file (nothing of the table on the screen), and the table fits 80
columns without cutting an LA's name."""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from highneeds.cli.main import app
from highneeds.finance.bundled import DATA_DIR
from highneeds.importers.dfe import bundled_release_path, import_release
from highneeds.store import open_store

runner = CliRunner()

#: Commands that print no table, and why (a command missing from here must take both options).
NOT_TABLES = {
    "synth": "writes synthetic returns (its --format is the file type written)",
    "ips": "writes a document",
    "pack": "writes a document",
    "backup": "writes a backup file",
    "restore": "reads a backup file",
    "data import": "imports files, one line each",
    "sen2 import": "imports returns, one line each",
    "sen2 jsna": "writes the JSNA workbook or PDF (its --out is the document)",
    "sen2 rules explain": "one rule in words",
    "finance check": "what a filled template holds, in sentences",
    "finance template unit-costs": "writes a blank template",
    "finance template budget": "writes a blank template",
    "finance template capacity": "writes a blank template",
    "scenario examples": "copies the example files",
    "consult report": "writes the outcome report",
    "strategy check": "says whether a strategy file is sound",
    "strategy import": "imports a strategy",
    "strategy report": "writes a document",
    "strategy template": "copies a template",
    "places check": "says whether a places register is sound",
}
#: What a command's own code calls to print a table.
TABLE_CALLS = re.compile(r"\b(print_table|emit|emit_titled|Tables|show_comparison)\(|to_string\(")


def _commands(command=None, path=()):
    command = command or get_command(app)
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_command_that_prints_a_table_takes_format_and_out():
    commands = dict(_commands())
    assert set(NOT_TABLES) <= set(commands), set(NOT_TABLES) - set(commands)
    lacking = []
    for name, command in commands.items():
        options = {o: p for p in command.params for o in getattr(p, "opts", [])}
        if name in NOT_TABLES:
            source = inspect.getsource(inspect.unwrap(command.callback))
            assert not TABLE_CALLS.search(source), f"{name} prints a table: give it the options"
            continue
        fmt, out = options.get("--format"), options.get("--out")
        kind = fmt.type_descriptor.annotation if fmt else None
        choices = {member.value for member in kind} if isinstance(kind, type) else set()
        takes_file = out is not None and out.type_descriptor.annotation is Path
        if not {"table", "csv", "json"} <= choices or not takes_file or out.multiple:
            lacking.append(name)
    assert lacking == []
    # the commands this issue named, among others
    for name in (
        "forecast public",
        "forecast markov",
        "forecast witan",
        "backtest",
        "finance costs",
        "finance position",
        "finance scenarios",
        "finance show",
        "finance sufficiency",
        "finance dsg",
        "scenario run",
    ):
        assert name in commands and name not in NOT_TABLES


@pytest.fixture(scope="module")
def store_env(tmp_path_factory):
    """A store holding the bundled DfE release (Stockport, public data only)."""
    folder = tmp_path_factory.mktemp("store")
    url = f"sqlite:///{folder / 'store.sqlite3'}"
    import_release(open_store(url), bundled_release_path())
    return {"DATABASE_URL": url, "HIGHNEEDS_HOME": str(folder / "home"), "COLUMNS": "80"}


def _csv_and_out(args, tmp_path, env, columns):
    """The command's CSV parses with ``columns``; --out writes the same table to the file;
    the screen table fits 80 columns. Returns the parsed rows."""
    printed = runner.invoke(app, [*args, "--format", "csv"], env=env)
    assert printed.exit_code == 0, printed.output
    rows = list(csv.DictReader(io.StringIO(printed.stdout)))
    assert rows and set(columns) <= set(rows[0]), list(rows[0]) if rows else printed.stdout
    target = tmp_path / "table.csv"
    written = runner.invoke(app, [*args, "--out", str(target)], env=env)
    assert written.exit_code == 0, written.output
    assert f"Wrote {target}" in written.stdout
    assert printed.stdout.splitlines()[0] not in written.stdout  # the table went to the file
    assert next(csv.DictReader(target.open(encoding="utf-8"))).keys() == rows[0].keys()
    as_json = tmp_path / "table.json"
    assert runner.invoke(app, [*args, "--out", str(as_json)], env=env).exit_code == 0
    assert json.loads(as_json.read_text(encoding="utf-8"))["rows"]
    screen = runner.invoke(app, args, env=env)
    assert screen.exit_code == 0, screen.output
    lines = [line for line in screen.stdout.splitlines() if not line.startswith("Wrote ")]
    assert max(len(line.rstrip()) for line in lines) <= 80  # a path written is not wrapped
    assert "…" not in screen.stdout
    return rows


@pytest.mark.slow
def test_sufficiency_dsg_and_scenarios_for_stockport(store_env, tmp_path):
    rows = _csv_and_out(
        ["finance", "sufficiency", "--la", "Stockport", "--simulations", "20"],
        tmp_path,
        store_env,
        ["year", "funding_category", "demand", "places", "probability_short"],
    )
    assert {r["funding_category"] for r in rows} >= {"maintained_special"}
    rows = _csv_and_out(
        ["finance", "dsg", "--la", "Stockport", "--simulations", "20"],
        tmp_path,
        store_env,
        ["financial_year", "basis", "closing_balance_gbp", "balance_pct_income"],
    )
    published = {r["financial_year"]: r["balance_pct_income"] for r in rows}
    assert float(published["2021-22"]) == pytest.approx(-2.13)
    files = [str(DATA_DIR / "change_programme" / n) for n in ("status_quo.toml", "places.toml")]
    rows = _csv_and_out(
        ["scenario", "run", "--la", "356", *files, "--simulations", "20"],
        tmp_path,
        store_env,
        ["scenario", "year", "cost_gbp_mean", "cost_gbp_q05", "cost_gbp_q95", "children_mean"],
    )
    assert {r["scenario"] for r in rows} == {"Baseline", "Status quo", "More specialist places"}


@pytest.mark.slow
def test_public_forecast_and_backtest(store_env, tmp_path):
    rows = _csv_and_out(
        ["forecast", "public", "--la", "356", "--horizon", "1"],
        tmp_path,
        store_env,
        ["area_code", "year", "age_band", "expected", "q10", "q90"],
    )
    assert {r["area_code"] for r in rows} == {"356"}
    target = tmp_path / "backtest.md"
    written = runner.invoke(
        app, ["backtest", "--origins", "2020", "--horizon", "1", "--out", str(target)]
    )
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8").count("|") > 10  # .md: the Markdown report
    rows = _csv_and_out(
        ["backtest", "--origins", "2020", "--horizon", "1"],
        tmp_path,
        {"COLUMNS": "80"},
        ["method", "horizon", "mape"],
    )
    assert "public_stock_flow" in {r["method"] for r in rows}


@pytest.mark.slow
def test_witan_and_markov_forecasts(shared_data, tmp_path):
    witan = shared_data / "witan-send-demo"
    args = ["forecast", "witan", str(witan), "--simulations", "30", "--horizon", "2"]
    rows = _csv_and_out(
        [*args, "--folder", str(tmp_path / "w")],
        tmp_path,
        {"COLUMNS": "80"},
        ["year", "expected", "q10", "q90"],
    )
    assert [int(r["year"]) for r in rows] == [2017, 2018, 2019]
    assert (tmp_path / "w" / "total.csv").exists()  # the results still go to --folder
    transitions = tmp_path / "transitions.csv"
    from highneeds.forecast.synthetic import synthetic_la

    synthetic_la(children=300, years=3, first_year=2020).transitions.to_csv(
        transitions, index=False
    )
    rows = _csv_and_out(
        [
            "forecast",
            "markov",
            str(transitions),
            "--simulations",
            "20",
            "--horizon",
            "2",
            "--folder",
            str(tmp_path / "m"),
        ],
        tmp_path,
        {"COLUMNS": "80"},
        ["year", "expected", "median"],
    )
    assert len(rows) == 3


def test_costs_position_and_scenarios_from_files(tmp_path):
    caseload = tmp_path / "caseload.csv"
    pd.DataFrame(
        [
            (sim, year, setting, 10.0 + sim + year - 2026)
            for sim in range(3)
            for year in (2026, 2027)
            for setting in ("special_la_maintained", "special_independent")
        ],
        columns=["simulation", "year", "setting", "count"],
    ).to_csv(caseload, index=False)
    env = {"COLUMNS": "80"}
    rows = _csv_and_out(
        ["finance", "costs", str(caseload), "--price-year", "2026"],
        tmp_path,
        env,
        ["year", "funding_category", "cost_gbp_mean", "uses_reference_default"],
    )
    assert {r["funding_category"] for r in rows} == {
        "maintained_special",
        "independent_special",
        "all",
    }

    from highneeds.finance.templates import write_template

    budget = write_template("budget", tmp_path / "budget.xlsx")
    book = openpyxl.load_workbook(budget)
    book["Budget"].delete_rows(2, book["Budget"].max_row)
    book["Budget"].append(["1.2.3", "outturn", dt.date(2026, 4, 1), dt.date(2027, 3, 31), 8e5])
    book["Allocation"].append(["2025-26", 600_000])
    book.save(budget)
    rows = _csv_and_out(
        ["finance", "position", str(budget), str(caseload), "--price-year", "2026"],
        tmp_path,
        env,
        ["Table", "financial_year", "allocation_gbp", "closing_balance_gbp", "explained_share"],
    )
    assert {r["Table"] for r in rows} == {
        "DSG High Needs position (modelled spend)",
        "Reconciliation: outturn vs caseload × unit cost",
    }
    examples = DATA_DIR / "examples"
    rows = _csv_and_out(
        [
            "finance",
            "scenarios",
            str(caseload),
            str(examples / "status_quo.toml"),
            "--price-year",
            "2026",
            "--folder",
            str(tmp_path / "s"),
        ],
        tmp_path,
        env,
        ["scenario", "year", "cost_gbp_mean", "saving_gbp_q95", "payback_year"],
    )
    assert {r["scenario"] for r in rows} == {"Baseline", "Status quo"}
    assert (tmp_path / "s" / "scenario_comparison.xlsx").exists()


def test_the_la_list_at_80_columns_never_cuts_a_name_mid_word():
    """Every word of every LA's name is whole in the table (a long name wraps between words)."""
    from highneeds import reference

    result = runner.invoke(app, ["la", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80
    tokens = set(re.split(r"[\s│┃]+", result.stdout))
    las = reference.las()
    names = list(las[las["current"]]["la_name"])
    assert len(names) > 140
    cut = [name for name in names if not all(word in tokens for word in name.split())]
    assert cut == []


def test_a_year_reads_as_a_year_and_a_count_with_separators():
    from highneeds.cli.output import Shown

    frame = pd.DataFrame({"year": [2022, 2023], "origin": [2021.0, 2021.0], "ehcps": [2618, 2880]})
    table = Shown(frame, index=False).rich()
    cells = {str(column.header): list(column.cells) for column in table.columns}
    assert cells["Year"] == ["2022", "2023"] and cells["Origin"] == ["2021", "2021"]
    assert cells["Ehcps"] == ["2,618", "2,880"]
