"""The same LA and year give the same caseload, allocation, spend and balance on every core
and command-line entry point (the demo LA from its data in the store; Stockport from public
data alone)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from highneeds.finance.benchmark import la_finance_profile
from highneeds.finance.demo import demo_la_code, example_scenarios, load_demo_la
from highneeds.finance.la_inputs import la_budget_outturn, la_caseload, la_comparison
from highneeds.finance.scenarios import read_scenario
from highneeds.importers.dfe import load_stats
from highneeds.plan.inputs import resolve
from highneeds.plan.run import compare, dsg_path
from highneeds.sen2 import schema as sen2_tables
from highneeds.store import Store

pytestmark = pytest.mark.slow
SIMULATIONS, SEED = 40, 5


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'store.sqlite3'}"
    store = Store(url)
    load_demo_la(store)
    return store


def test_the_demo_la_agrees_with_itself_everywhere(demo_store, tmp_path):
    la = demo_la_code()
    inputs = resolve(demo_store, la)
    origin = inputs.origin
    # caseload in the origin year: the JSNA's stored table, the reconciliation's caseload and
    # the scenario comparison's first year
    stored = demo_store.read_frame(
        sa.select(sa.func.sum(sen2_tables.caseload.c.children)).where(
            (sen2_tables.caseload.c.la_code == la) & (sen2_tables.caseload.c.year == origin)
        )
    ).iloc[0, 0]
    reconciled = la_caseload(demo_store, la).query("year == @origin")["count"].sum()
    scenarios = [read_scenario(p) for p in example_scenarios()]
    result = la_comparison(
        demo_store, la, tmp_path, simulations=SIMULATIONS, seed=SEED, scenarios=scenarios
    )
    first = result.comparison.query("year == @origin")
    assert stored == reconciled
    assert (first.children_mean.round(6) == stored).all()
    # allocation and balance: the budget page's DSG position, the resolver, the DSG path
    own = la_budget_outturn(demo_store, la)
    position = own.position.set_index("financial_year")
    allocation = inputs.allocation.set_index("financial_year")["allocation_gbp"]
    for year in position.index:
        assert position.loc[year, "allocation_gbp"] == allocation[year]
    path = dsg_path(inputs, simulations=SIMULATIONS, seed=SEED).set_index("financial_year")
    for year in position.index:
        assert path.loc[year, "closing_balance_gbp"] == pytest.approx(
            position.loc[year, "closing_balance_gbp"]
        )
    # the comparison's baseline position is the DSG path's projection, year by year
    baseline = result.position.query("scenario == 'Baseline'").set_index("financial_year")
    projected = path[path.basis == "projected"]
    for column in ("allocation_gbp", "spend_gbp", "closing_balance_gbp"):
        assert (baseline.loc[projected.index, column] - projected[column]).abs().max() < 1e-6
    first_year = projected.index[0]
    opening = (
        projected.loc[first_year, "closing_balance_gbp"] - projected.loc[first_year, "in_year_gbp"]
    )
    assert opening == pytest.approx(position["closing_balance_gbp"].iloc[-1])


def test_stockport_agrees_with_itself_from_the_core_and_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = Store(url)
    store.create_all()
    inputs = resolve(store, "Stockport")
    result = compare(inputs, [], simulations=SIMULATIONS, seed=SEED)
    path = dsg_path(inputs, simulations=SIMULATIONS, seed=SEED)
    env = {"DATABASE_URL": url, "HIGHNEEDS_HOME": str(tmp_path), "COLUMNS": "200"}
    from highneeds.cli.main import app

    cli = CliRunner().invoke(
        app,
        ["finance", "dsg", "--la", "E08000007", "--format", "csv", "--simulations",
         str(SIMULATIONS), "--seed", str(SEED)],
        env=env,
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    from_cli = pd.read_csv(io.StringIO(cli.stdout)).set_index("financial_year")
    core = path.set_index("financial_year")
    for column in ("allocation_gbp", "spend_gbp", "closing_balance_gbp", "balance_pct_income"):
        assert (from_cli[column].fillna(0) - core[column].fillna(0)).abs().max() < 1e-3
    # the published balance is the same on `finance show` and on the DSG path
    shown = la_finance_profile("Stockport").balance.set_index("financial_year")
    published = core[core.basis == "published"]
    assert (shown.loc[published.index, "balance_pct_income"] == published.balance_pct_income).all()
    # the caseload at the origin is DfE's published figure (what `la show` reads)
    stats = load_stats(store) if not load_stats(store).empty else inputs.public_stats
    stock = stats.query(
        "area_code == '356' and year == @inputs.origin and measure == 'caseload' "
        "and dimension == 'age_band' and setting == 'total'"
    ).value.sum()
    first = result.comparison.query("year == @inputs.origin")
    assert first.children_mean.round(6).eq(stock).all()
    baseline = result.position.query("scenario == 'Baseline'").set_index("financial_year")
    projected = core[core.basis == "projected"]
    assert (baseline.loc[projected.index, "spend_gbp"] - projected.spend_gbp).abs().max() < 1e-6
