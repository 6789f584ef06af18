"""An LA's plan from its resolved inputs: scenarios compared, place sufficiency, DSG path.

Every function takes :class:`highneeds.plan.inputs.PlanInputs` (from
:func:`highneeds.plan.inputs.resolve`), so the CLI, the web and the tests read the same figures
for the same LA. An LA with SEN2 returns is forecast by the child-level model, any other by the
public-data model (:mod:`highneeds.plan.public_world`); both are costed, capped and compared by
:mod:`highneeds.finance.projection`.

The DSG position counts every high needs line: placements (caseload × unit cost) plus the
non-placement lines (the LA's budget, else its published S251), against the allocation (the
LA's own, else the published high needs block), carried forward from the published cumulative
DSG balance.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.finance.dsg import (
    dsg_position,
    financial_year_of_census,
    next_financial_year,
    position_summary,
    project_allocation,
)
from highneeds.finance.projection import ScenarioRun, comparison_table, run_scenarios
from highneeds.finance.scenarios import Scenario
from highneeds.plan.inputs import DEFAULT_HORIZON, PlanInputs, pounds


@dataclass
class ComparisonResult:
    """A comparison's figures, files and notes (``comparison``: one row per scenario and year,
    :func:`highneeds.finance.projection.comparison_table`; ``position``: the DSG position of
    each scenario by financial year)."""

    workbook: Path | None
    charts: list[Path]
    comparison: pd.DataFrame
    position: pd.DataFrame
    run: ScenarioRun
    seconds: float
    notes: list[str]
    sources: pd.DataFrame


def last_year_of(inputs: PlanInputs, last_year: int | None) -> int:
    last = inputs.origin + DEFAULT_HORIZON if last_year is None else int(last_year)
    if last <= inputs.origin:
        raise ModelInputError(
            f"the last year ({last}) must be after the forecast origin, January {inputs.origin}"
        )
    return last


def run_plan(
    inputs: PlanInputs,
    scenarios: Sequence[Scenario],
    *,
    simulations: int = 1000,
    seed: int = 1,
    last_year: int | None = None,
) -> tuple[ScenarioRun, list[str]]:
    """Forecast and cost the baseline and ``scenarios`` with the LA's model; notes say how."""
    last = last_year_of(inputs, last_year)
    if inputs.model == "child-level":
        from highneeds.forecast.markov import MarkovForecaster

        model = MarkovForecaster().fit(inputs.transitions)
        run = run_scenarios(
            model,
            scenarios,
            inputs.unit_costs,
            horizon=last - int(model.base_year_),
            simulations=simulations,
            seed=seed,
            price_year=inputs.price_year,
            inflation=inputs.inflation,
            capacity=inputs.capacity,
        )
        notes = [
            "Caseload: the child-level forecast from the LA's SEN2 transitions "
            f"(January {int(model.base_year_)} on).",
            "Early help cuts new plans (joiners); moves redirect new placements (joiners and "
            "movers), not children already placed.",
        ]
    else:
        from highneeds.plan.public_world import public_caseload, run_public_scenarios

        caseload = public_caseload(
            inputs.public_stats,
            inputs.la_code,
            last_year=last,
            simulations=simulations,
            seed=seed,
            origin=inputs.origin,
        )
        run = run_public_scenarios(
            caseload,
            scenarios,
            inputs.unit_costs,
            inflation=inputs.inflation,
            price_year=inputs.price_year,
            capacity=inputs.capacity,
        )
        notes = list(caseload.notes)
        if inputs.capacity is not None:
            notes.append(
                "The public data give no need or NCY: the capacity register's designated "
                "needs and NCY limits are not applied."
            )
    notes.append(
        f"{simulations} simulations, seed {seed}; intervals are the 5% and 95% quantiles over "
        "simulations (90%). Each scenario shares the baseline's draws, so savings are "
        "compared future by future."
    )
    return run, notes


def non_placement_spend(inputs: PlanInputs, financial_years: Sequence[str]) -> pd.DataFrame:
    """``financial_year, spend_gbp``: the non-placement lines of their year, grown by the
    inflation assumption to each of ``financial_years`` (held for earlier years)."""
    if inputs.non_placement.empty:
        return pd.DataFrame({"financial_year": list(financial_years), "spend_gbp": 0.0})
    base_year = str(inputs.non_placement["financial_year"].iloc[0])
    base = float(inputs.non_placement["amount_gbp"].sum())
    start = int(base_year[:4])
    return pd.DataFrame(
        {
            "financial_year": list(financial_years),
            "spend_gbp": [
                base * (1 + inputs.inflation) ** max(int(fy[:4]) - start, 0)
                for fy in financial_years
            ],
        }
    )


def positions(
    inputs: PlanInputs, costed: dict[str, pd.DataFrame]
) -> tuple[pd.DataFrame, list[str]]:
    """Per scenario the DSG position by financial year from the year after the published
    balance (or the forecast origin) to the last projected: allocation, placements, other
    lines, in-year and closing balance (mean, quantiles, chance of a deficit)."""
    if inputs.allocation.empty:
        return pd.DataFrame(), [
            "No DSG position: no High Needs allocation is known for this LA (import the "
            "budget template with its Allocation sheet)."
        ]
    any_frame = next(iter(costed.values()))
    census_years = sorted(int(y) for y in any_frame["year"].unique())
    if inputs.balance.empty:
        first = financial_year_of_census(census_years[0] + 1)
        opening = 0.0
        opening_note = f"a balance of £0 at the start of {first} (none published)"
    else:
        last = inputs.balance.iloc[-1]
        first = next_financial_year(str(last["financial_year"]))
        opening = float(last["balance_gbp"])
        opening_note = (
            f"the {last['basis']} DSG balance at the end of {last['financial_year']} "
            f"({pounds(opening)})"
        )
    years = [y for y in census_years if financial_year_of_census(y) >= first]
    if not years:
        return pd.DataFrame(), [f"No DSG position: the forecast ends before {first}."]
    fys = [financial_year_of_census(y) for y in years]
    allocation = project_allocation(inputs.allocation, fys[-1], inputs.allocation_growth)
    other = non_placement_spend(inputs, fys)
    frames = []
    for name, frame in costed.items():
        # Capital is funded outside the DSG: it counts towards payback, not the balance.
        frame = frame[(frame["funding_category"] != "capital") & frame["year"].isin(years)]
        spend = frame.groupby(["simulation", "year"], as_index=False)["cost_gbp"].sum()
        spend["financial_year"] = spend["year"].map(financial_year_of_census)
        spend = spend.merge(other.rename(columns={"spend_gbp": "other_gbp"}))
        spend["spend_gbp"] = spend["cost_gbp"] + spend["other_gbp"]
        position = dsg_position(
            allocation, spend[["simulation", "financial_year", "spend_gbp"]], opening
        )
        summary = position_summary(position)
        placements = spend.groupby("financial_year")["cost_gbp"].mean()
        summary.insert(2, "placements_gbp", summary["financial_year"].map(placements))
        summary.insert(
            3,
            "other_lines_gbp",
            summary["financial_year"].map(
                dict(zip(other["financial_year"], other["spend_gbp"], strict=True))
            ),
        )
        frames.append(summary.assign(scenario=name))
    out = pd.concat(frames, ignore_index=True)
    out = out[["scenario", *[c for c in out.columns if c != "scenario"]]]
    basis = allocation.set_index("financial_year")["basis"]
    out.insert(2, "allocation_basis", out["financial_year"].map(basis))
    notes = [
        f"DSG position: carried forward from {opening_note}; spend = placements (caseload × "
        "unit cost) + the non-placement lines; capital is left out (funded outside the DSG).",
    ]
    return out, notes


def compare(
    inputs: PlanInputs,
    scenarios: Sequence[Scenario],
    out_dir: str | Path | None = None,
    *,
    simulations: int = 1000,
    seed: int = 1,
    last_year: int | None = None,
) -> ComparisonResult:
    """The baseline and ``scenarios`` for the LA: costs and caseload with intervals, savings,
    DSG positions; with ``out_dir``, the DSG management plan workbook and charts there."""
    from highneeds.finance.workbook import write_comparison_charts, write_plan_workbook

    start = time.perf_counter()
    run, notes = run_plan(
        inputs, scenarios, simulations=simulations, seed=seed, last_year=last_year
    )
    comparison = comparison_table(run)
    children = _children_intervals(run)
    comparison = comparison.merge(children, on=["scenario", "year"], how="left")
    costed = run.costed()
    position, position_notes = positions(inputs, costed)
    all_notes = [
        f"{inputs.la_name} ({inputs.la_code}).",
        *inputs.notes(),
        *notes,
        *position_notes,
        f"Prices at January {inputs.price_year}, inflation {inputs.inflation:.0%} a year; "
        f"allocation growth {inputs.allocation_growth:.0%} a year after the last known year.",
    ]
    workbook, charts = None, []
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        workbook = write_plan_workbook(
            out_dir / "scenario_comparison.xlsx",
            costed,
            comparison,
            position if not position.empty else None,
            all_notes,
            sources=inputs.sources_table(),
        )
        charts = write_comparison_charts(comparison, out_dir)
    return ComparisonResult(
        workbook,
        charts,
        comparison,
        position,
        run,
        time.perf_counter() - start,
        all_notes,
        inputs.sources_table(),
    )


def _children_intervals(run: ScenarioRun) -> pd.DataFrame:
    """Per scenario and year the 5% and 95% quantiles of children with a plan."""
    rows = []
    for name, world in run.worlds.items():
        total = world.children.sum(axis=2)  # (S, T)
        for t, year in enumerate(run.years):
            rows.append(
                {
                    "scenario": name,
                    "year": year,
                    "children_q05": float(pd.Series(total[:, t]).quantile(0.05)),
                    "children_q95": float(pd.Series(total[:, t]).quantile(0.95)),
                }
            )
    return pd.DataFrame(rows)


def sufficiency(
    inputs: PlanInputs, *, simulations: int = 500, seed: int = 1, last_year: int | None = None
) -> pd.DataFrame:
    """Commissioned places against forecast demand by year and capped category: ``year,
    funding_category, demand`` (mean children), ``places``, ``gap`` (negative = short) and
    ``probability_short``; ``attrs["notes"]`` say what it rests on."""
    if inputs.capacity is None:
        raise ModelInputError(
            f"{inputs.la_name} has no capacity register: import its filled capacity template "
            "(or give one with --capacity)"
        )
    run, notes = run_plan(inputs, [], simulations=simulations, seed=seed, last_year=last_year)
    table = run.costed()["Baseline"].attrs["sufficiency"]
    table.attrs["notes"] = [*inputs.notes(), *notes]
    return table


def dsg_path(
    inputs: PlanInputs, *, simulations: int = 500, seed: int = 1, last_year: int | None = None
) -> pd.DataFrame:
    """The LA's DSG balance over time: the published years, then the baseline's projection.

    ``financial_year, basis`` ("published", "own outturn"/"own budget" from the LA's budget
    template, or "projected"), ``balance_pct_income`` (published years), ``allocation_gbp,
    placements_gbp, other_lines_gbp, spend_gbp, in_year_gbp``
    (projected), ``closing_balance_gbp`` (published: % × DSG income; projected: mean) with
    ``closing_balance_gbp_q05`` / ``_q95`` and ``probability_deficit``."""
    run, notes = run_plan(inputs, [], simulations=simulations, seed=seed, last_year=last_year)
    projected, position_notes = positions(inputs, run.costed())
    published = inputs.balance.rename(columns={"balance_gbp": "closing_balance_gbp"})[
        ["financial_year", "basis", "balance_pct_income", "closing_balance_gbp"]
    ]
    frames = [published]
    if not projected.empty:
        frames.append(projected.drop(columns=["scenario"]).assign(basis="projected"))
    out = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    columns = [
        "financial_year",
        "basis",
        "balance_pct_income",
        "allocation_gbp",
        "placements_gbp",
        "other_lines_gbp",
        "spend_gbp",
        "in_year_gbp",
        "closing_balance_gbp",
        "closing_balance_gbp_q05",
        "closing_balance_gbp_q95",
        "probability_deficit",
    ]
    out = out.reindex(columns=columns)
    out.attrs["notes"] = [*inputs.notes(), *notes, *position_notes]
    return out
